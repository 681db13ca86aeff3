/* run_priv.h - internals of the runner shared by run.c (the case from lab to
 * verdict: steps, clock, sampling, judging) and run_peers.c (the peer
 * processes: spawning, reading their JSON lines, stopping them). Not for other
 * modules: include run.h. */
#ifndef RUN_PRIV_H
#define RUN_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "obs/capture.h"
#include "fault/fault.h"
#include "obs/obs.h"
#include "peer/peer.h"
#include "run/peer_result.h"
#include "run/run.h"
#include "run/run_exec.h"
#include "obs/timeline.h"
#include "netns/lab.h"
#include "plan/plan.h"

#define RUN_SETUP_TIMEOUT_MS 10000

struct run_peer {
	bool started, dead;
	struct peer_proc proc;
	char buf[16384];
	size_t len;
	uint32_t last_done;
	struct run_peer_result res;
};

struct run_ctx {
	const struct plan *p; /* what runs */
	const struct case_def *c; /* p->c */
	struct lab *lab;
	struct obs *obs;
	struct capture *cap; /* packet captures (capture.c) */
	const char *dir; /* the case's result directory */
	struct timeline *tl;
	struct run_peer peers[CASE_MAX_HOSTS];
	int64_t t0_ns;
	bool clock_started;
	json_t *pending; /* peer lines that came before t=0, as they came */
	int64_t fault_ms;
	struct fault_env fx;
	struct tf_err fault_err;
	struct obs_sysctls sysctls; /* effective, per host (lab_build()) */
	bool lab_built; /* lab_build() was called: sysctls holds what it read */
	struct run_progs *progs; /* the hosts' own programs (run_exec.c); NULL: none */
	char reason[512];
	const struct obs_feed *feed; /* the run's kernel events; NULL: polling */
	int64_t next_obs_ns, next_tick_ns; /* case time of the next sample, tick */
	int64_t step_late_max_us; /* the latest a timed step ran after its time */
};

/* A case run: the context of its steps and what it saw. */
struct run {
	struct run_ctx rc;
	struct run_record rec;
	char (*sys_val)[128], (*sys_why)[200]; /* per expectation: sysctl read back, or why not */
	const char **sys_seen, **sys_whyp;
	struct capture_summary capture; /* of a run that reached its end */
};

/* run.c */
int64_t run_ms_of(const struct run_ctx *rc, int64_t t_ns);
void run_log(struct run_ctx *rc, int64_t t_ns, const char *call, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* run_peers.c */
void run_peer_event(struct run_ctx *rc, int host, json_t *ev);
void run_pump(struct run_ctx *rc, int64_t timeout_ns);
int run_peers_start(struct run_ctx *rc, struct tf_err *err);
int run_listen_again(void *arg, int host, int port, struct tf_err *err);
void run_peers_stop(struct run_ctx *rc);

#endif
