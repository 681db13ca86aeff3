#!/bin/sh
# make install / make uninstall into a temporary DESTDIR with PREFIX=/usr
# (make test; no root): the installed binary answers --version, help and
# COMMAND --help, lists the installed cases, finds them by itself for `run`
# without a path; uninstall leaves no file behind.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
tmp=$(mktemp -d /tmp/tcpfault-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
not_ok() { echo "not ok: install: $*"; fail=1; }

make -s install B="$B" DESTDIR="$tmp" PREFIX=/usr >/dev/null || { not_ok "make install failed"; exit 1; }
bin=$tmp/usr/bin/tcpfault
for f in usr/bin/tcpfault usr/share/man/man1/tcpfault.1 usr/share/man/man5/tcpfault-case.5 \
	usr/share/bash-completion/completions/tcpfault usr/share/doc/tcpfault/CASES.md \
	usr/share/tcpfault/cases/process-crash/idle-eof.case; do
	[ -f "$tmp/$f" ] || not_ok "no $f"
done
n_src=$(find cases -name '*.case' | wc -l)
n_inst=$(find "$tmp/usr/share/tcpfault/cases" -name '*.case' | wc -l)
[ "$n_src" = "$n_inst" ] || not_ok "$n_inst cases installed, $n_src shipped"

"$bin" --version | grep -q '^tcpfault [0-9]' || not_ok "--version"
for args in help --help "run --help" "doctor --help" "list --help" "predict --help" "cleanup --help"; do
	# shellcheck disable=SC2086 # words on purpose
	"$bin" $args >/dev/null 2>&1 || not_ok "tcpfault $args: exit $?"
done
"$bin" list "$tmp/usr/share/tcpfault/cases" >"$tmp/list.txt" || not_ok "list of the installed cases: exit $?"
[ "$(grep -c . "$tmp/list.txt")" -ge "$n_src" ] || not_ok "list printed $(grep -c . "$tmp/list.txt") lines"
# `run` without a path loads the cases installed beside the binary (a filter
# that matches none: nothing runs, nothing needs root). From / so that no
# ./cases can be taken instead.
out=$(cd / && "$bin" run --filter 'no-such-case' 2>&1)
case "$out" in
*"needs a case file"*) not_ok "run without a path found no cases: $out" ;;
esac

# As root (make test), the installed binary runs an installed case, with its
# control, from outside the source tree: nothing it needs is left in build/.
if [ "$(id -u)" = 0 ]; then
	out=$(cd / && "$bin" run --with-controls --results "$tmp/results" \
		"$tmp/usr/share/tcpfault/cases/process-crash/idle-eof.case" 2>&1) ||
		not_ok "the installed binary on an installed case: $(echo "$out" | tail -5)"
	rm -rf "$tmp/results"
fi

make -s uninstall DESTDIR="$tmp" PREFIX=/usr >/dev/null 2>&1 || not_ok "make uninstall failed"
rm -f "$tmp/list.txt"
left=$(find "$tmp" ! -type d)
[ -z "$left" ] || not_ok "uninstall left: $left"
[ $fail -eq 0 ] && echo "ok: make install / uninstall (DESTDIR, PREFIX=/usr): $n_inst cases, nothing left"
exit $fail
