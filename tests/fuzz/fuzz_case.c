/* fuzz_case.c - libFuzzer target for the case parser: any input must give a
 * case or diagnostics, never a crash, a hang or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "case/case.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *sink = fopen("/dev/null", "we");
	struct case_def *c = case_parse_buffer("fuzz.case", (const char *)data, size, sink);
	struct case_def *ctl = c ? case_control(c) : NULL;

	case_free(ctl);
	case_free(c);
	if (sink)
		fclose(sink);
	return 0;
}
