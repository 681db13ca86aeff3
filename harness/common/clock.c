/* clock.c - CLOCK_MONOTONIC in ns and ms (clock.h). */
#include "common/clock.h"

#include <time.h>

int64_t mono_ns(void)
{
	struct timespec ts;

	/* Cannot fail: CLOCK_MONOTONIC exists and &ts is valid (clock_gettime(2)). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

int64_t mono_floor(int64_t t, int64_t unit)
{
	return t >= 0 ? t / unit : -((-t + unit - 1) / unit);
}
