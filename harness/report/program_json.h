/* program_json.h - the hosts' own programs as case.json's "programs".
 *
 * Takes: per host what its programs did (obs/obs_program.h; NULL: none) and
 * the case that ran (host names). Gives: the JSON object, keyed by host:
 *   "runs": [{"command", "pid", "start_ms", "exit_ms" (null: running),
 *             "status", "signal" (null when none), "ended_by"}],
 *   "lines": how many lines it wrote, "output": "program-HOST.txt",
 *   "connection": {"local", "remote", "established"} or null,
 *   "socket_error": {"errno", "t_ms", "source", "why"} or null.
 */
#ifndef REPORT_PROGRAM_JSON_H
#define REPORT_PROGRAM_JSON_H

#include <jansson.h>

#include "case/case.h"
#include "obs/obs_program.h"

/**
 * program_json() - the programs of @programs (indexed like c->hosts).
 * Return: a new reference, or NULL when no host ran a program (case.json
 * then has no "programs" member, as before programs existed).
 */
json_t *program_json(const struct obs_program *const *programs, const struct case_def *c);

#endif
