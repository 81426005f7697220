#include "base/monoclock.h"

#include <errno.h>
#include <limits.h>
#include <time.h>

uint64_t monoclock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t monoclock_ms(void)
{
	return monoclock_ns() / 1000000u;
}

int ms_from_seconds(uint64_t seconds, int *ms)
{
	if (seconds > (uint64_t)INT_MAX / 1000)
		return -ERANGE;
	*ms = (int)(seconds * 1000);
	return 0;
}

void monoclock_sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
