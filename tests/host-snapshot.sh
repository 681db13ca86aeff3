#!/bin/sh
# Prints the state of the host's own network namespace that tcpfault must
# never change: nft ruleset, links, addresses, routes, neighbours' settings and
# every writable net.* sysctl. `make test` compares a snapshot taken before the
# suite with one taken after (issue 8: "the host stays untouched").
set -u
echo "## nft ruleset"
nft list ruleset 2>&1
echo "## links"
ip -d -o link show 2>&1 | sed 's/ link\/ether [^ ]*//'
echo "## addresses"
ip -o addr show 2>&1 | sed 's/ valid_lft.*//'
echo "## routes"
ip route show table all 2>&1
ip -6 route show table all 2>&1
echo "## named namespaces"
ip netns list 2>&1
echo "## writable net sysctls"
find /proc/sys/net -type f -perm -u+w 2>/dev/null | sort | while read -r f; do
	v=$(cat "$f" 2>/dev/null) && printf '%s=%s\n' "$f" "$v"
done
