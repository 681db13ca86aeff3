/* model_env.h - the timing model's inputs from the world: this kernel's
 * defaults (probed in a fresh network namespace), a case run's effective
 * parameters (read back from its namespaces and sockets) and the clock
 * origins the runner recorded in the timeline.
 *
 * Takes: the kernel (uname, /proc/sys in a fresh namespace, /boot/config),
 * a run's effective sysctls and the peers' socket option read-backs
 * (obs/observations.h), a case's timeline.
 * Gives: struct model_params ready for model_predict(), and one struct
 * model_band per "within model" expectation of a case. Not pure: model.c is.
 */
#ifndef MODEL_ENV_H
#define MODEL_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case/case.h"
#include "model/model.h"
#include "obs/observations.h"
#include "obs/timeline.h"
#include "verdict/verdict.h"

#define MODEL_ENV_NONE INT64_MIN /* model_env_origin(): not in the timeline */

/**
 * model_env_probe() - this kernel's knobs and the defaults of a fresh network
 * namespace: a forked child unshare(CLONE_NEWNET)s and reads /proc/sys there
 * (the host's namespace is never read: its values are not what a new
 * namespace gets, KERNEL-FACTS.md), and the RTO a loopback connection gets
 * there (an RTT near 0, as on the lab's veths: tcpi_rto). Without the
 * privilege, the compiled defaults for this kernel's version and the RTO
 * computed (model_rto_near_zero_ms()). HZ from the coarse clock's tick, else
 * /boot/config-RELEASE, else 250. @how receives one line saying what was
 * done ("defaults read in a fresh network namespace; HZ 250 (...); rto 204
 * ms probed (...)", "not root: ...; rto 204 ms computed (...)").
 * Return: 0, or -errno when even uname() fails (then compiled 6.18 defaults).
 */
int model_env_probe(struct model_kernel *k, struct model_params *p, char *how, size_t how_size);

/**
 * model_env_params() - the parameters of one host of a finished run: the
 * compiled defaults of @release, then every sysctl of @sysctls (as read back;
 * a knob read back proves it exists) and every socket option of @sockopts
 * read back (TCP_USER_TIMEOUT 3000, ...). Either may be NULL.
 * @rto_ms > 0 is the connection's RTO seen before the trouble.
 */
void model_env_params(const char *release, const struct obs_host_sysctls *sysctls,
		      const struct obs_sockopts *sockopts, int64_t rto_ms, struct model_params *p);

/**
 * model_env_origin() - when the clock of @origin started for host @host's
 * connection @local -> @remote, from the timeline: the observer's first
 * sample with a retransmission or a probe, the peer's socket() before
 * connect(), the last packet received before @fault_ms (-1: none), the first
 * sample in FIN_WAIT2 or TIME_WAIT (@fault_ms -1: no fault).
 * Return: the case time (setup events are negative), or MODEL_ENV_NONE if
 * the timeline never shows it.
 */
int64_t model_env_origin(const struct timeline *tl, enum model_origin origin, const char *host,
			 const char *local, const char *remote, int64_t fault_ms);

/**
 * model_env_rto_ms() - the last RTO the observer saw on the connection before
 * @before_ms, with no backoff yet; -1 if never seen.
 */
int64_t model_env_rto_ms(const struct timeline *tl, const char *host, const char *local,
			 const char *remote, int64_t before_ms);

/* What model_env_case() needs of a run. */
struct model_env_run {
	const struct case_def *c;
	const struct timeline *tl;
	const struct obs_sysctls *sysctls; /* per host, the effective sysctls (may be NULL) */
	const struct obs_sockopts
		*sockopts[CASE_MAX_HOSTS]; /* each peer's read-backs (may be NULL) */
	const char *local[CASE_MAX_HOSTS], *remote[CASE_MAX_HOSTS]; /* each peer's connection */
	int64_t fault_ms;
};

/**
 * model_env_case() - one prediction per expectation of @r->c: out[i].ok for
 * each "within model" one whose origin the run recorded; the others get
 * ok = false and the reason in why (expectations without a model band:
 * why is empty). @out holds r->c->n_expects entries.
 */
void model_env_case(const struct model_env_run *r, struct model_band *out);

#endif
