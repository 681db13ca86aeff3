# tcpfault - see README.md. `make` builds build/tcpfault; `sudo make test` runs
# the unit tests and the shipped cases (with their controls).

CC ?= cc
PKGS := libnl-3.0 libnl-route-3.0 libmnl libnftables jansson libpcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
CHECK_CFLAGS := $(shell pkg-config --cflags check)
CHECK_LIBS := $(shell pkg-config --libs check)

WERROR ?= -Werror
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 $(WERROR) -D_GNU_SOURCE -Iharness -I. $(PKG_CFLAGS)
override LDLIBS += $(PKG_LIBS)

B := build
SRCS := $(wildcard netns/*.c) $(filter-out harness/cli/main.c,$(wildcard harness/*/*.c))
OBJS := $(SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
JOBS ?= 4

.PHONY: all test unit cases clean check-root check-layers lint
all: $(B)/tcpfault

$(B)/%.o: %.c $(wildcard netns/*.h harness/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tcpfault: $(B)/harness/cli/main.o $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do CK_FORK=yes CK_DEFAULT_TIMEOUT=10 $$t; done

cases: $(B)/tcpfault
	$(B)/tcpfault run -j $(JOBS) --with-controls --fail-on-skip cases/

# Unit tests first (fast, no root), then the integration tests and the cases
# (root: real namespaces, links and processes). The host's own namespace is
# snapshot before and after, and any difference fails the run.
test:
	@mkdir -p $(B)
	tests/host-snapshot.sh > $(B)/host-before.txt
	$(MAKE) lint unit integration cases test-report
	tests/host-snapshot.sh > $(B)/host-after.txt
	@diff -u $(B)/host-before.txt $(B)/host-after.txt > $(B)/host-diff.txt || \
		{ cat $(B)/host-diff.txt; echo "not ok: the host's network namespace changed"; exit 1; }
	@echo "ok: the host's network namespace is untouched"

# The reports of a run (issue 16), on the fixture run (tests/fixtures/report-run)
# and on the newest run (results/latest, which `make cases` just wrote): junit.xml
# validates against tests/junit.xsd, ktap.txt is KTAP a parser reads as meant,
# index.html and every case page load in headless Chromium without a console
# message (report.png is its screenshot). No root, no namespaces.
REPORT_RUN ?= results/latest
.PHONY: test-report
test-report: $(B)/tcpfault
	TCPFAULT=$(B)/tcpfault tests/report-junit.sh $(wildcard $(REPORT_RUN))
	tests/ktap-check.py --selftest
	@if [ -f $(REPORT_RUN)/ktap.txt ]; then tests/ktap-check.py $(REPORT_RUN)/ktap.txt; fi
	TCPFAULT=$(B)/tcpfault tests/report-cli.sh
	TCPFAULT=$(B)/tcpfault tests/report-browser.sh
	@if [ -f $(REPORT_RUN)/index.html ]; then tests/report-browser.sh $(REPORT_RUN); fi

# The stages of harness/ include only earlier ones (docs/HACKING.md); the
# self-test plants violations in a copy of the tree and sees each one fail.
check-layers:
	scripts/check-layers
	tests/check-layers-selftest.sh

# Style and static checks: kernel style at 100 columns (.clang-format, the
# Debian 12 clang-format), cppcheck's warnings, the layers.
LINT_SRCS := $(wildcard harness/*/*.[ch] netns/*.[ch] tests/*/*.[ch])
CPPCHECK_FLAGS := --quiet --enable=warning,performance,portability --std=c11 -D_GNU_SOURCE \
	--inline-suppr --error-exitcode=1 -Iharness -I. --include=/usr/include/jansson.h
lint: check-layers
	clang-format --dry-run --Werror $(LINT_SRCS)
	cppcheck $(CPPCHECK_FLAGS) harness netns tests
	@echo "ok: lint (clang-format, cppcheck, layers)"

# Flakes under load (issue 8; long, not part of `make test`): the whole suite
# STRESS_ROUNDS times with a CPU hog on one of the two cores beside it; any
# verdict that changes between rounds fails.
STRESS_ROUNDS ?= 20
.PHONY: stress
stress: $(B)/tcpfault
	@sh -c 'while :; do :; done' & hog=$$!; \
	$(B)/tcpfault run -j $(JOBS) --with-controls --repeat $(STRESS_ROUNDS) cases/; rc=$$?; \
	kill $$hog; $(B)/tcpfault cleanup --check || rc=1; exit $$rc

clean:
	rm -rf $(B)

# Peer integration test (root; unshares its own netns). Prerequisite-only line
# on `integration` so that other integration tests can join it.
.PHONY: integration integration-peer
$(B)/tests/integration/test_peer: tests/integration/test_peer.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-peer: $(B)/tests/integration/test_peer
	CK_FORK=yes CK_DEFAULT_TIMEOUT=20 $<

integration: integration-peer

# Integration tests and benchmarks: need root; they move into a private network
# namespace first and never touch the host's. The lab's programs link only the
# netns/ objects: netns/ never calls harness/, so a harness/ module in progress
# cannot break them.
.PHONY: integration integration-lab bench
NETNS_OBJS := $(filter $(B)/netns/%,$(OBJS))

$(B)/tests/integration/test_lab: tests/integration/test_lab.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab: $(B)/tests/integration/test_lab
	CK_FORK=yes CK_DEFAULT_TIMEOUT=30 $<

integration: integration-lab

# nftables through libnftables (lab_fw): rules, counters, the drop shapes.
.PHONY: integration-lab-fw
$(B)/tests/integration/test_lab_fw: tests/integration/test_lab_fw.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab-fw: $(B)/tests/integration/test_lab_fw
	CK_FORK=yes CK_DEFAULT_TIMEOUT=30 $<

integration: integration-lab-fw

.PHONY: integration-freeze
$(B)/tests/integration/test_freeze: tests/integration/test_freeze.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-freeze: $(B)/tests/integration/test_freeze
	CK_FORK=yes $<

integration: integration-freeze

# The switch (bridge), a cable pulled in it, and the host's view (lab_view).
.PHONY: integration-bridge
$(B)/tests/integration/test_bridge: tests/integration/test_bridge.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-bridge: $(B)/tests/integration/test_bridge
	CK_FORK=yes $<

integration: integration-bridge

# A host renumbered and numbered back keeps its routes (lab_addr, issue 6).
.PHONY: integration-lab-addr
$(B)/tests/integration/test_lab_addr: tests/integration/test_lab_addr.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab-addr: $(B)/tests/integration/test_lab_addr
	CK_FORK=yes $<

integration: integration-lab-addr

# A host's learnt neighbour entries forgotten (lab_neigh: a reboot's fresh stack).
.PHONY: integration-lab-neigh
$(B)/tests/integration/test_lab_neigh: tests/integration/test_lab_neigh.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab-neigh: $(B)/tests/integration/test_lab_neigh
	CK_FORK=yes $<

integration: integration-lab-neigh

# Leak check self-test, and runs interrupted at random moments (issue 8).
.PHONY: integration-leaks integration-interrupt
integration-leaks: $(B)/tcpfault
	tests/integration/leak-selftest.sh

integration-interrupt: $(B)/tcpfault
	tests/integration/interrupt.sh 10

# The v1 freezer, end to end: the cases that freeze a host, on freezer-v1.
.PHONY: integration-freezer-v1
integration-freezer-v1: $(B)/tcpfault
	tests/integration/freezer-v1.sh

# A hung case (its worker stopped while a host is frozen) is stopped by its time limit.
.PHONY: integration-hung
integration-hung: $(B)/tcpfault
	tests/integration/hung-case.sh

# --keep: a failing case's lab kept, enterable, listed and removed by cleanup.
.PHONY: integration-keep
integration-keep: $(B)/tcpfault
	tests/integration/keep.sh

integration: integration-leaks integration-interrupt integration-freezer-v1 integration-hung \
	integration-keep

$(B)/bench/bench_lab: tests/bench/bench_lab.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

bench: $(B)/bench/bench_lab
	$(B)/bench/bench_lab

# Sanitizers: the whole tree and its unit tests under ASan and UBSan, in a
# build directory of its own (CI runs it; issue 8).
.PHONY: asan fuzz
asan:
	$(MAKE) B=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" unit

# The case parser under libFuzzer for FUZZ_SECONDS (default 60), seeded with
# the shipped cases; a finding fails the target.
FUZZ_SECONDS ?= 60
FUZZ_SRCS := $(wildcard harness/case/*.c) harness/model/model.c harness/model/model_rules.c
$(B)/fuzz/fuzz_case: tests/fuzz/fuzz_case.c $(FUZZ_SRCS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Iharness -I. -o $@ $^

fuzz: $(B)/fuzz/fuzz_case
	@mkdir -p $(B)/fuzz/corpus
	cp $(wildcard cases/*/*.case) $(B)/fuzz/corpus/
	$(B)/fuzz/fuzz_case -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=5 $(B)/fuzz/corpus
