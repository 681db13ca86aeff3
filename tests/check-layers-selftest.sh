#!/bin/sh
# check-layers-selftest.sh - scripts/check-layers catches what it is for: in a
# copy of the tree, an upward include (an earlier stage including a later one),
# an include without its stage, and netns/ including harness/ each fail the
# check and are named by file:line; the untouched copy passes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fresh() {
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t/scripts"
	cp -r "$top/harness" "$top/netns" "$tmp/t/"
	cp "$top/scripts/check-layers" "$tmp/t/scripts/"
}

# expect_fail WHAT PATTERN: the check must exit 1 and print PATTERN.
expect_fail() {
	if out=$("$tmp/t/scripts/check-layers" 2>&1); then
		echo "not ok: $1: check-layers passed"
		fails=$((fails + 1))
	elif ! printf '%s\n' "$out" | grep -q "$2"; then
		echo "not ok: $1: check-layers failed without naming it ($2): $out"
		fails=$((fails + 1))
	else
		echo "ok: $1"
	fi
}

fresh
if "$tmp/t/scripts/check-layers" >/dev/null; then echo "ok: the tree as it is passes"; else
	echo "not ok: the tree as it is fails"; fails=$((fails + 1)); fi

fresh # the parser (case) reaching for the report: upward
sed -i '0,/#include "case\/case.h"/s//#include "case\/case.h"\n#include "report\/result.h"/' \
	"$tmp/t/harness/case/case_lex.c"
expect_fail "upward include case -> report" 'harness/case/case_lex.c:[0-9]*: case includes report'

fresh # a header named without its stage
printf '#include "verdict.h"\n' >> "$tmp/t/harness/model/model.c"
expect_fail "include without its stage" 'harness/model/model.c:[0-9]*: include "verdict.h" without its stage'

fresh # the lab library knowing of cases
printf '#include "../harness/case/case.h"\n' >> "$tmp/t/netns/lab.c"
expect_fail "netns includes harness" 'netns/lab.c'

fresh # a folder that is not a stage
mkdir "$tmp/t/harness/misc" && printf '/* x */\n' > "$tmp/t/harness/misc/x.c"
expect_fail "unknown stage folder" 'harness/misc/: not a stage'

[ "$fails" = 0 ] && echo "check-layers self-test: 5 passed, 0 failed" && exit 0
echo "check-layers self-test: $fails failed"
exit 1
