/* The monotonic clock (the kernel log's clock), and checked time-unit conversions. */
#ifndef SPROUT_BASE_MONOCLOCK_H
#define SPROUT_BASE_MONOCLOCK_H

#include <stdint.h>

uint64_t monoclock_ns(void);
uint64_t monoclock_ms(void);

/* seconds → milliseconds as an int (what poll() and the deadlines take): -ERANGE when it
 * would not fit, never a wrapped value. */
int ms_from_seconds(uint64_t seconds, int *ms);

/* Sleeps ms milliseconds in full: a signal handler that runs meanwhile (PID 1's
 * SIGCHLD reaper) does not cut the sleep short, unlike sleep(). */
void monoclock_sleep_ms(uint64_t ms);

#endif
