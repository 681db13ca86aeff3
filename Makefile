# tcpfault - see README.md. `make` builds build/tcpfault; `sudo make test` runs
# the unit tests and the shipped cases (with their controls).

CC ?= cc
PKGS := libnl-3.0 libnl-route-3.0 libmnl libnftables jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
CHECK_CFLAGS := $(shell pkg-config --cflags check)
CHECK_LIBS := $(shell pkg-config --libs check)

WERROR ?= -Werror
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 $(WERROR) -D_GNU_SOURCE $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS)

B := build
SRCS := $(wildcard netns/*.c) $(filter-out harness/main.c,$(wildcard harness/*.c))
OBJS := $(SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
JOBS ?= 4

.PHONY: all test unit cases clean check-root
all: $(B)/tcpfault

$(B)/%.o: %.c $(wildcard netns/*.h harness/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/tcpfault: $(B)/harness/main.o $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -Iharness -Inetns -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do CK_FORK=yes CK_DEFAULT_TIMEOUT=10 $$t; done

cases: $(B)/tcpfault
	$(B)/tcpfault run -j $(JOBS) --with-controls cases/

# Unit tests first (fast, no root), then the integration tests and the cases
# (root: real namespaces, links and processes).
test: unit integration cases

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

$(B)/bench/bench_lab: tests/bench/bench_lab.c $(NETNS_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Inetns -o $@ $^ $(LDLIBS)

bench: $(B)/bench/bench_lab
	$(B)/bench/bench_lab
