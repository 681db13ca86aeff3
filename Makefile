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

test: unit cases

clean:
	rm -rf $(B)
