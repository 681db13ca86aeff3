/* fault_record.h - what the faults recorded for the report, as C structs.
 *
 * Takes: the fault handlers' notes while they run (fault_*.c fill these).
 * Gives: struct fault_record, one typed record per family: the drop and watch
 * rules (commands, on/off times, counter changes, finals), the cable pulls
 * and the address changes (the host's configuration before, during and
 * after: struct fault_snap), the crashes, reboots and freezes, the
 * middlebox. report/fault_json.c writes it as case.json's "faults", in the
 * order things were first recorded (the family, then the host or rule).
 * No JSON here.
 */
#ifndef FAULT_RECORD_H
#define FAULT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "case/case.h"
#include "plan/plan.h"
#include "netns/lab_view.h"

enum fault_rec_family {
	FAULT_REC_RULES, /* "rules" */
	FAULT_REC_CABLE, /* "cable" */
	FAULT_REC_CRASH, /* "crash" */
	FAULT_REC_FREEZE, /* "freeze" */
	FAULT_REC_MBOX, /* "middlebox" */
	FAULT_REC_READDRESS, /* "readdress" */
	FAULT_REC_COUNT
};

/* One interface's neighbour setting: "eth0.ucast_solicit" = "3". */
struct fault_neigh_setting {
	char name[96];
	char value[64]; /* or "(unreadable: ...)" */
};

#define FAULT_SNAP_MAX_NEIGH (PLAN_MAX_IFACES * 16) /* ARP's and NDP's */

/* A host's configuration at one moment (fault_snapshot()). Compared: links,
 * addresses, IPv4 routes (and IPv6 routes over IPv6), neighbour settings; the
 * rest is recorded. */
struct fault_snap {
	struct lab_view view;
	bool v6; /* the run is over IPv6: its IPv6 routes are compared too */
	struct fault_neigh_setting neigh[FAULT_SNAP_MAX_NEIGH];
	int n_neigh;
	bool with_state; /* also carrier, operstate, linkdown routes, neighbour entries */
	bool if_found; /* the interface asked about was among the links */
	bool carrier;
	char operstate[16];
};

/* Every host's neighbour entries (at a replug): ARP's (lines) and neighbour
 * discovery's (lines6, with their NUD states), as struct lab_view has them. */
struct fault_neighbours {
	bool read[CASE_MAX_HOSTS];
	int n[CASE_MAX_HOSTS], n6[CASE_MAX_HOSTS];
	char lines[CASE_MAX_HOSTS][LAB_VIEW_MAX_NEIGHS][LAB_VIEW_LINE];
	char lines6[CASE_MAX_HOSTS][LAB_VIEW_MAX_NEIGHS][LAB_VIEW_LINE];
};

/* -1: not decided (absent), 0: differed, 1: the same */
#define FAULT_SAME_UNSET (-1)

struct fault_cable_event {
	char port[24];
	struct fault_snap *before, *during, *after; /* NULL: not taken */
	struct fault_neighbours *neighbours; /* NULL: not read */
	int same;
};

struct fault_addr_event {
	char old[CASE_ADDR_MAX], new_addr[CASE_ADDR_MAX];
	struct fault_snap *before, *during, *after;
	int put_back_during, put_back_after; /* routes lab_addr_move() put back */
	int same;
};

/* Whether a crash or freeze record has its "freezer" key, and what it says. */
enum fault_freezer_note {
	FAULT_FREEZER_ABSENT, /* the freeze failed before saying */
	FAULT_FREEZER_NONE, /* no live peer to freeze (null) */
	FAULT_FREEZER_KIND /* freezer_kind */
};

struct fault_frozen {
	bool has_pids; /* "frozen_pids" recorded */
	int n_pids;
	int pids[2];
	enum fault_freezer_note freezer;
	char freezer_kind[16];
};

struct fault_counter_rec {
	char name[40]; /* "in_eth0" */
	uint64_t packets, bytes;
};

#define FAULT_CRASH_MAX_COUNTERS (2 * PLAN_MAX_IFACES)

struct fault_crash_event {
	bool implied_by_reboot; /* a reboot whose crash the control left out */
	struct fault_frozen frozen;
	bool has_ifs;
	const char *ifs[PLAN_MAX_IFACES]; /* the plan's strings */
	int n_ifs;
	bool has_reboot;
	int sockets_destroyed, neighbours_flushed;
	int listen; /* 0: none (null) */
	bool has_dropped; /* the black-hole's counters, read when it was lifted */
	struct fault_counter_rec dropped[FAULT_CRASH_MAX_COUNTERS];
	int n_dropped;
};

/* A counter change seen by a tick: [t_ms, a, b]. */
struct fault_change {
	int64_t t_ms;
	uint64_t a, b;
};

struct fault_changes {
	struct fault_change *v;
	int n, cap;
};

struct fault_rule_rec {
	const struct case_step *st; /* the drop or watch step (kind, host, rule, line) */
	char text[400];
	char nft[1536];
	int64_t on_ms;
	struct fault_changes changes; /* [t_ms, dropped, matched] */
	bool off;
	int64_t off_ms;
	char lifted_by[40];
	bool final; /* the final counters were read */
	uint64_t dropped, matched;
};

/* A conntrack sysctl as read back; known false: unreadable (null). */
struct fault_mbox_knob {
	bool known;
	char value[64];
};

#define FAULT_MBOX_KNOBS 2

struct fault_mbox_rec {
	const struct case_step *st; /* the middlebox step: router, name, idle, reset */
	char nft[1024];
	struct fault_changes changes; /* [t_ms, forgotten, recreated] */
	bool has_sysctls;
	struct fault_mbox_knob router[FAULT_MBOX_KNOBS];
	bool has_witness; /* the client's, before and after (null without a client) */
	struct fault_mbox_knob before[FAULT_MBOX_KNOBS], after[FAULT_MBOX_KNOBS];
	bool has_on;
	int64_t on_ms;
	bool final;
	uint64_t forgotten, recreated;
};

/* Per host: a list of events, and the order the hosts came in. */
struct fault_host_order {
	int host[CASE_MAX_HOSTS];
	int n;
};

struct fault_record {
	enum fault_rec_family order[FAULT_REC_COUNT]; /* families in the order first used */
	int n_order;
	struct fault_rule_rec *rules;
	int n_rules, cap_rules;
	struct fault_host_order cable_hosts, crash_hosts, freeze_hosts, addr_hosts;
	struct fault_cable_event *cable[CASE_MAX_HOSTS];
	int n_cable[CASE_MAX_HOSTS], cap_cable[CASE_MAX_HOSTS];
	struct fault_crash_event *crash[CASE_MAX_HOSTS];
	int n_crash[CASE_MAX_HOSTS], cap_crash[CASE_MAX_HOSTS];
	struct fault_frozen freeze[CASE_MAX_HOSTS];
	struct fault_addr_event *addr[CASE_MAX_HOSTS];
	int n_addr[CASE_MAX_HOSTS], cap_addr[CASE_MAX_HOSTS];
	struct fault_mbox_rec *mbox; /* NULL: none */
	const char *const *mbox_keys; /* the knobs' names (FAULT_MBOX_KNOBS) */
	const char *mbox_witness; /* "client" */
};

/** fault_record_touch() - note that @fam (and @host, -1: none) recorded something. */
void fault_record_touch(struct fault_record *r, enum fault_rec_family fam, int host);

/**
 * fault_record_grow() - a new zeroed element at the end of *@arr (of @n, room
 * for @cap, each @size bytes). Return: it, or NULL when out of memory.
 */
void *fault_record_grow(void *arr, int *n, int *cap, size_t size);

/** fault_changes_add() - append [@t_ms, @a, @b] (dropped when out of memory). */
void fault_changes_add(struct fault_changes *c, int64_t t_ms, uint64_t a, uint64_t b);

/** fault_snap_new() - a zeroed snapshot, or NULL. fault_record_free() frees it. */
struct fault_snap *fault_snap_new(void);

/** fault_record_free() - free everything @r holds; @r can then be reused. */
void fault_record_free(struct fault_record *r);

#endif
