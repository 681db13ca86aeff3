#!/bin/sh
# report-junit.sh [RUN_DIR] - junit.xml validates against tests/junit.xsd.
#
# Always: `tcpfault report` on a copy of tests/fixtures/report-run (a pass, a
# control, a failure, an error whose reason holds markup and a control
# character, a skip under a folder named with '#'), then xmllint --schema, then
# the counts and names a CI system shows. With RUN_DIR (make test-report gives
# the fresh run, results/latest): its junit.xml validates too. No root needed.
set -eu
cd "$(dirname "$0")/.."
tf=${TCPFAULT:-build/tcpfault}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "not ok: report-junit: $*"; exit 1; }

cp -r tests/fixtures/report-run "$work/run"
"$tf" report "$work/run" > /dev/null || fail "tcpfault report failed"
xmllint --noout --schema tests/junit.xsd "$work/run/junit.xml" 2> "$work/xmllint.txt" ||
	{ cat "$work/xmllint.txt"; fail "fixture junit.xml does not validate"; }
x() { xmllint --xpath "$1" "$work/run/junit.xml"; }
[ "$(x 'string(/testsuites/@tests)')" = 7 ] || fail "tests != 7"
[ "$(x 'string(/testsuites/@failures)')" = 1 ] || fail "failures != 1"
[ "$(x 'string(/testsuites/@errors)')" = 1 ] || fail "errors != 1"
[ "$(x 'string(/testsuites/@skipped)')" = 1 ] || fail "skipped != 1"
[ "$(x 'count(//testsuite)')" = 4 ] || fail "not one testsuite per theme"
[ "$(x 'count(//testcase[@name="syn-lost [control]"])')" = 1 ] || fail "no control testcase"
x 'string(//testcase[@name="retries2-15"]/failure/@message)' | grep -q '^line 43: expected' ||
	fail "the failure's message is not its expectation"
x 'string(//testcase[@name="idle-eof [control]"]/error/@message)' | grep -q '<EOF> & "quit"' ||
	fail "the error's reason did not survive escaping"
echo "ok: report-junit: fixture junit.xml validates (7 testcases, 4 suites)"
if [ $# -gt 0 ]; then
	xmllint --noout --schema tests/junit.xsd "$1/junit.xml" 2> "$work/xmllint.txt" ||
		{ cat "$work/xmllint.txt"; fail "$1/junit.xml does not validate"; }
	echo "ok: report-junit: $1/junit.xml validates"
fi
