/* lab_need.h - the names of what the lab needs from the kernel and the
 * machine, in the words a user reads twice: in `tcpfault doctor`'s lines and
 * in the skip reason of a case that could not run without it ("missing
 * <name>: <detail>"). One place, so that the two always say the same thing.
 * Takes nothing, gives string literals (usable in concatenation).
 */
#ifndef LAB_NEED_H
#define LAB_NEED_H

#define LAB_NEED_PRIV "root or CAP_NET_ADMIN+CAP_SYS_ADMIN"
#define LAB_NEED_NETNS "network namespaces"
#define LAB_NEED_VETH "veth links"
#define LAB_NEED_SYSCTL "writable net.* sysctls in a new namespace"
#define LAB_NEED_NFT_INGRESS "nf_tables netdev ingress hook"
#define LAB_NEED_NFT_EGRESS "nf_tables netdev egress hook"
#define LAB_NEED_CONNTRACK "conntrack"
#define LAB_NEED_SOCK_DIAG "sock_diag"
#define LAB_NEED_SOCK_DESTROY "SOCK_DESTROY"
#define LAB_NEED_FREEZER "a usable freezer"

#endif
