#!/bin/sh
# report-browser.sh [RUN_DIR] - the HTML report in a real browser (headless
# Chromium, Debian's `chromium`): index.html, claims.html and every case page
# load from file:// with no console message (a script error or a failed
# request both log one), their script runs, every SVG has a non-zero size, the
# case table has a row per case of summary.json; a screenshot of index.html is
# kept as RUN_DIR/report.png. Without RUN_DIR: a copy of tests/fixtures/report-run
# after `tcpfault report`. No root needed; SKIPs (exit 0) without chromium.
# BROWSER_JOBS pages at once (default 2); BROWSER_CASE_PAGES=N checks N case
# pages spread evenly over the run instead of all (a 110-case run takes 3.5 min).
set -eu
cd "$(dirname "$0")/.."
tf=${TCPFAULT:-build/tcpfault}
browser=$(command -v chromium || command -v google-chrome || command -v google-chrome-stable ||
	command -v chromium-browser || true)
[ -n "$browser" ] || { echo "ok: report-browser # SKIP no chromium (scripts/install-deps)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -gt 0 ]; then
	run=$(cd "$1" && pwd -P)
else
	cp -r tests/fixtures/report-run "$work/run"
	"$tf" report "$work/run" > /dev/null
	run=$work/run
fi
cases=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["cases"]))' \
	"$run/summary.json")

chrome() { # chrome OUT_PREFIX ARGS... : one headless browser, its own profile
	out=$1
	shift
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
		"$@" > "$out.dom" 2> "$out.log" || true
	rm -rf "$profile"
}

uri() { python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$1"; }

check_page() { # check_page FILE KIND
	out=$work/page.$(echo "$1" | md5sum | cut -c1-12)
	chrome "$out" --dump-dom "$(uri "$1")"
	ok=1
	if grep -E 'CONSOLE|Uncaught|net::ERR_|Failed to load' "$out.log" > "$out.bad"; then
		echo "$1: console says:"; cat "$out.bad"; ok=0
	fi
	python3 tests/tools/report-dom-check.py "$out.dom" "$2" "$cases" || ok=0
	[ $ok = 1 ] || echo "$1" >> "$work/failed"
}

check_page "$run/index.html" index
check_page "$run/claims.html" claims
find "$run" -name case.html | sort > "$work/all-pages"
awk -v want="${BROWSER_CASE_PAGES:-0}" -v total="$(wc -l < "$work/all-pages")" \
	'want <= 0 || want >= total || (NR - 1) % int(total / want) == 0' \
	"$work/all-pages" > "$work/pages"
n=0
while read -r page; do
	check_page "$page" case &
	n=$((n + 1))
	[ $((n % ${BROWSER_JOBS:-2})) -ne 0 ] || wait
done < "$work/pages"
wait
chrome "$work/shot" --hide-scrollbars --window-size=1400,1100 \
	--screenshot="$run/report.png" "$(uri "$run/index.html")"
[ -s "$run/report.png" ] || echo "screenshot" >> "$work/failed"
if [ -s "$work/failed" ]; then
	echo "not ok: report-browser: $(wc -l < "$work/failed") page(s) failed:"
	cat "$work/failed"
	exit 1
fi
echo "ok: report-browser: index, claims and $n case pages in $(basename "$browser"), $cases rows; screenshot $run/report.png"
