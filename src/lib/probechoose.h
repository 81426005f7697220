/* probechoose: which of several servers probed at once to use, for the NFS root
 * (nfsprobe.h) and the HTTP image (src/init/root/httpget.c). Pure: no I/O, no clock.
 *
 * Servers are ranked (rendezvous.h, or as written). The best-ranked server that answered
 * is taken at once when every better-ranked one has failed already; otherwise the caller
 * waits for the better ones, at most a grace window after the first answer. So a dead or
 * silent server costs at most the grace window, while a farm still spreads by rank. */
#ifndef SPROUT_PROBECHOOSE_H
#define SPROUT_PROBECHOOSE_H

#include <stdbool.h>
#include <stdint.h>

#define PROBE_GRACE_MS 300 /* waited for better-ranked servers after the first answer */

enum probe_state {
	PROBE_PENDING,  /* no answer yet */
	PROBE_ANSWERED, /* a candidate */
	PROBE_FAILED,   /* the probe ended without an answer we can use */
};

enum probe_choice {
	PROBE_WAIT, /* nothing to take yet: wait for the probes at most *wait_ms (-1: no limit) */
	PROBE_TAKE, /* use server *pick */
	PROBE_NONE, /* every server failed or was tried */
};

/* The decision, from st[0..n) (by server index), tried[i] (its use failed already), the
 * rank order[0..n), the time now and of the first answer (in ms, any clock;
 * first_answer_ms == UINT64_MAX: none yet) and the grace window. */
enum probe_choice probe_choose(const enum probe_state *st, const bool *tried, const int *order, int n,
			       uint64_t now_ms, uint64_t first_answer_ms, unsigned grace_ms, int *pick,
			       int *wait_ms);

#endif
