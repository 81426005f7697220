/* timeline: how long each boot phase took, for the log and /run/sprout/timeline. */
#ifndef SPROUT_TIMELINE_H
#define SPROUT_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/monoclock.h"

#define TIMELINE_MAX 16

struct timeline_entry {
	const char *name;
	uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC: the clock of the kernel log */
	int attempts;
};

struct timeline {
	struct timeline_entry e[TIMELINE_MAX];
	int n;
	int dropped;               /* begins refused: the table was full */
	uint64_t (*now)(void);     /* the clock; NULL: monoclock_ns (a test injects its own) */
};

/* Starts (or, on a retry, restarts the end of) the entry for name; returns its index.
 * With all TIMELINE_MAX entries taken, -1: the phase is not timed, one log line says
 * which was the first left out, and the summary line counts them. */
int timeline_begin(struct timeline *t, const char *name);
void timeline_end(struct timeline *t, int idx); /* idx -1: nothing */

/* "early 0.004s, cmdline 0.000s, devices 0.310s, root 0.052s; /init ran 0.366s, from 2.145s"
 * Returns the length written or -ENAMETOOLONG. */
int timeline_format_line(const struct timeline *t, char *out, size_t n);

/* One line per phase: "NAME START END SECONDS ATTEMPTS" (seconds since boot). */
int timeline_format_table(const struct timeline *t, char *out, size_t n);

#endif
