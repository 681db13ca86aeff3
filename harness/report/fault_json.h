/* fault_json.h - the faults' record as case.json's "faults".
 *
 * Takes: the typed record the faults filled (fault/fault_record.h) and the
 * case that ran (host names, the rules' steps). Gives: the JSON object, its
 * members in the order they were first recorded: "rules", "cable", "crash",
 * "freeze", "middlebox", "readdress", each keyed by host or rule name.
 */
#ifndef REPORT_FAULT_JSON_H
#define REPORT_FAULT_JSON_H

#include <jansson.h>

#include "case/case.h"
#include "fault/fault_record.h"

/** fault_json() - @r as JSON. Return: a new reference ({} when nothing was recorded). */
json_t *fault_json(const struct fault_record *r, const struct case_def *c);

#endif
