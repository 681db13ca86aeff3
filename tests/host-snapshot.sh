#!/bin/sh
# Prints the state of the host's own network namespace that tcpfault must
# never change: nft ruleset, links, addresses, routes, neighbours' settings and
# every writable net.* sysctl. `make test` compares a snapshot taken before the
# suite with one taken after (issue 8: "the host stays untouched").
set -u
echo "## nft ruleset"
nft list ruleset 2>&1
# A bridge's running timers (the gc timer of a container engine's bridge
# counts down on its own) and a route's remaining lifetime are the kernel's
# clock, not the configuration: they are blanked.
echo "## links"
ip -d -o link show 2>&1 | sed -E 's/ link\/ether [^ ]*//; s/(hello_timer|tcn_timer|topology_change_timer|gc_timer) +[0-9.]+/\1 -/g'
echo "## addresses"
ip -o addr show 2>&1 | sed 's/ valid_lft.*//'
echo "## routes"
ip route show table all 2>&1 | sed -E 's/ expires [0-9]+sec//'
ip -6 route show table all 2>&1 | sed -E 's/ expires [0-9]+sec//'
echo "## named namespaces"
ip netns list 2>&1
echo "## writable net sysctls"
find /proc/sys/net -type f -perm -u+w 2>/dev/null | sort | while read -r f; do
	v=$(cat "$f" 2>/dev/null) && printf '%s=%s\n' "$f" "$v"
done
