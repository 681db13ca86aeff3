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
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 $(WERROR) -D_GNU_SOURCE $(PKG_CFLAGS)
override LDLIBS += $(PKG_LIBS)
VERSION := 0.1.0
override CFLAGS += -DTCPFAULT_VERSION='"$(VERSION)"'

B := build
PREFIX ?= /usr/local
SRCS := $(wildcard netns/*.c) $(filter-out harness/main.c,$(wildcard harness/*.c))
OBJS := $(SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
JOBS ?= 4

.PHONY: all test unit cases clean check-root deps run test-docs lint-ci
all: $(B)/tcpfault

# What the build and the tests need (scripts/install-deps): installed as root
# when missing (`sudo make run` and `sudo make test` on a fresh machine), else
# the command to run is printed. Checked again by a sub-make, because the
# pkg-config flags above are read when the Makefile is.
DEP_TOOLS := cc clang pkg-config nft ip tcpdump man python3
deps:
	@missing=; pkg-config --exists $(PKGS) check 2>/dev/null || missing="libraries"; \
	for t in $(DEP_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	python3 -c 'import yaml' 2>/dev/null || missing="$$missing python3-yaml"; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then echo "missing:$$missing: scripts/install-deps"; scripts/install-deps; \
	else echo "missing:$$missing: run sudo scripts/install-deps (or sudo make run)"; exit 2; fi

# The main job: the shipped quick cases, their claims table and report.
run:
	@$(MAKE) -s deps
	@$(MAKE) all
	$(B)/tcpfault run -j $(JOBS) cases/; rc=$$?; \
	if [ -f results/latest/claims.md ]; then cat results/latest/claims.md; \
		echo "results: results/latest/ (summary.json, claims.md, per case the timeline, pcaps, sequence.svg)"; fi; \
	exit $$rc

# The docs in step with the code (man pages, keywords, options) and install /
# uninstall into a temporary DESTDIR; fast, no root.
test-docs: $(B)/tcpfault
	tests/man-pages.sh
	tests/install.sh $(B)

# The CI workflow parses as YAML and calls only make targets that exist.
lint-ci:
	tests/lint-ci.py .github/workflows/ci.yml Makefile

$(B)/%.o: %.c $(wildcard netns/*.h harness/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# main.c knows where `make install` puts the cases; rebuilt when PREFIX changes.
$(B)/harness/main.o: override CFLAGS += -DTCPFAULT_CASES_DIR='"$(PREFIX)/share/tcpfault/cases"'
$(B)/harness/main.o: $(B)/prefix
$(B)/prefix: FORCE
	@mkdir -p $(B); echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
.PHONY: FORCE
FORCE:

$(B)/tcpfault: $(B)/harness/main.o $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do CK_FORK=yes CK_DEFAULT_TIMEOUT=10 $$t; done

cases: $(B)/tcpfault
	$(B)/tcpfault run -j $(JOBS) --with-controls --fail-on-skip cases/

# Unit tests first (fast, no root), then the integration tests and the cases
# (root: real namespaces, links and processes). The host's own namespace is
# snapshot before and after, and any difference fails the run.
test:
	@$(MAKE) -s deps
	@$(MAKE) all
	@mkdir -p $(B)
	tests/host-snapshot.sh > $(B)/host-before.txt
	$(MAKE) test-docs lint-ci unit integration cases
	tests/host-snapshot.sh > $(B)/host-after.txt
	@diff -u $(B)/host-before.txt $(B)/host-after.txt > $(B)/host-diff.txt || \
		{ cat $(B)/host-diff.txt; echo "not ok: the host's network namespace changed"; exit 1; }
	@echo "ok: the host's network namespace is untouched"

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
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

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
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab: $(B)/tests/integration/test_lab
	CK_FORK=yes CK_DEFAULT_TIMEOUT=30 $<

integration: integration-lab

# nftables through libnftables (lab_fw): rules, counters, the drop shapes.
.PHONY: integration-lab-fw
$(B)/tests/integration/test_lab_fw: tests/integration/test_lab_fw.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab-fw: $(B)/tests/integration/test_lab_fw
	CK_FORK=yes CK_DEFAULT_TIMEOUT=30 $<

integration: integration-lab-fw

.PHONY: integration-freeze
$(B)/tests/integration/test_freeze: tests/integration/test_freeze.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-freeze: $(B)/tests/integration/test_freeze
	CK_FORK=yes $<

integration: integration-freeze

# The switch (bridge), a cable pulled in it, and the host's view (lab_view).
.PHONY: integration-bridge
$(B)/tests/integration/test_bridge: tests/integration/test_bridge.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-bridge: $(B)/tests/integration/test_bridge
	CK_FORK=yes $<

integration: integration-bridge

# A host renumbered and numbered back keeps its routes (lab_addr, issue 6).
.PHONY: integration-lab-addr
$(B)/tests/integration/test_lab_addr: tests/integration/test_lab_addr.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

integration-lab-addr: $(B)/tests/integration/test_lab_addr
	CK_FORK=yes $<

integration: integration-lab-addr

# A host's learnt neighbour entries forgotten (lab_neigh: a reboot's fresh stack).
.PHONY: integration-lab-neigh
$(B)/tests/integration/test_lab_neigh: tests/integration/test_lab_neigh.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

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
	$(CC) $(CFLAGS) -Inetns -o $@ $^ $(LDLIBS)

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
FUZZ_SRCS := $(filter harness/case%.c harness/sockopt.c harness/model.c harness/model_rules.c,$(wildcard harness/*.c))
$(B)/fuzz/fuzz_case: tests/fuzz/fuzz_case.c $(FUZZ_SRCS)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Iharness -o $@ $^

fuzz: $(B)/fuzz/fuzz_case
	@mkdir -p $(B)/fuzz/corpus
	cp $(wildcard cases/*/*.case) $(B)/fuzz/corpus/
	$(B)/fuzz/fuzz_case -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=5 $(B)/fuzz/corpus

# Install like a Linux tool (PREFIX, DESTDIR): the binary, the man pages
# tcpfault(1) and tcpfault-case(5), the bash completion, the shipped cases
# (an installed `tcpfault run` without a path runs them) and the docs.
# `make uninstall` with the same PREFIX and DESTDIR removes exactly these.
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
CASEDIR = $(PREFIX)/share/tcpfault/cases
DOCDIR = $(PREFIX)/share/doc/tcpfault
COMPDIR = $(PREFIX)/share/bash-completion/completions
CASE_FILES := $(sort $(wildcard cases/*/*.case))
DOC_FILES := README.md LICENSE docs/CASES.md docs/MODEL.md
.PHONY: install uninstall
install: $(B)/tcpfault
	install -D -m 755 $(B)/tcpfault $(DESTDIR)$(BINDIR)/tcpfault
	install -D -m 644 docs/tcpfault.1 $(DESTDIR)$(MANDIR)/man1/tcpfault.1
	install -D -m 644 docs/tcpfault-case.5 $(DESTDIR)$(MANDIR)/man5/tcpfault-case.5
	install -D -m 644 scripts/tcpfault.bash-completion $(DESTDIR)$(COMPDIR)/tcpfault
	@set -e; for f in $(CASE_FILES:cases/%=%); do \
		install -D -m 644 cases/$$f $(DESTDIR)$(CASEDIR)/$$f; done
	@echo "install $(words $(CASE_FILES)) cases in $(DESTDIR)$(CASEDIR)"
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcpfault $(DESTDIR)$(MANDIR)/man1/tcpfault.1 \
		$(DESTDIR)$(MANDIR)/man5/tcpfault-case.5 $(DESTDIR)$(COMPDIR)/tcpfault
	rm -f $(addprefix $(DESTDIR)$(CASEDIR)/,$(CASE_FILES:cases/%=%))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOC_FILES)))
	-rmdir $(addprefix $(DESTDIR)$(CASEDIR)/,$(sort $(dir $(CASE_FILES:cases/%=%)))) \
		$(DESTDIR)$(CASEDIR) $(DESTDIR)$(PREFIX)/share/tcpfault $(DESTDIR)$(DOCDIR) 2>/dev/null
