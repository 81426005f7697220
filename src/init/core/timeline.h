/* timeline: how long each boot phase took, for the log and /run/sprout/timeline. */
#ifndef SPROUT_TIMELINE_H
#define SPROUT_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/monoclock.h"
#include "tlfmt.h"

#define TIMELINE_MAX 16
#define TIMELINE_EVENTS 256 /* module loads, waits, exchanges, servers, layers */

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
	/* Events besides the phases (tlfmt lines). Slots are taken atomically, so the
	 * module loader's threads record too; kept in memory, written once at the end. */
	struct tl_event ev[TIMELINE_EVENTS];
	unsigned nev;              /* slots taken; past TIMELINE_EVENTS: the count dropped */
};

/* The timeline events are recorded in: main's, set once; NULL records nothing. */
void timeline_set_active(struct timeline *t);

/* Records an event from start_ns until now: kind and outcome are tlfmt words, name any
 * text (made a token); then KEY, VALUE pairs (values any text, NULL values skipped),
 * ending with TL_END. Safe from several threads. Costs a clock read and a copy. */
void timeline_event(const char *kind, const char *name, uint64_t start_ns, const char *outcome, ...)
	__attribute__((sentinel));

/* The end of timeline_event's KEY, VALUE pairs (a typed NULL). */
#define TL_END ((const char *)NULL)

/* The now of the active timeline's clock (for an event's start). */
uint64_t timeline_now(void);

/* Starts (or, on a retry, restarts the end of) the entry for name; returns its index.
 * With all TIMELINE_MAX entries taken, -1: the phase is not timed, one log line says
 * which was the first left out, and the summary line counts them. */
int timeline_begin(struct timeline *t, const char *name);
void timeline_end(struct timeline *t, int idx); /* idx -1: nothing */

/* "early 0.004s, cmdline 0.000s, devices 0.310s, root 0.052s; /init ran 0.366s, from 2.145s"
 * Returns the length written or -ENAMETOOLONG. */
int timeline_format_line(const struct timeline *t, char *out, size_t n);

/* The whole timeline in the tlfmt format (header, zero, phases, events in the order they
 * started). Returns the length written or -ENAMETOOLONG. */
int timeline_format_file(const struct timeline *t, char *out, size_t n);

/* Writes the timeline to path (one write) and, with to_log, its lines to the kernel log
 * as "sprout: tl: LINE". Logs what failed. */
void timeline_save(const struct timeline *t, const char *path, bool to_log);

#endif
