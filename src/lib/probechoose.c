/* probechoose: the choice among servers probed at once. See probechoose.h. */
#include "probechoose.h"

enum probe_choice probe_choose(const enum probe_state *st, const bool *tried, const int *order, int n,
			       uint64_t now_ms, uint64_t first_answer_ms, unsigned grace_ms, int *pick,
			       int *wait_ms)
{
	int best = -1, answered = -1;
	uint64_t until;

	*pick = -1;
	*wait_ms = -1;
	for (int k = 0; k < n; k++) {
		int i = order[k];

		if (tried[i])
			continue;
		if (best < 0 && st[i] != PROBE_FAILED)
			best = i;
		if (answered < 0 && st[i] == PROBE_ANSWERED)
			answered = i;
	}
	if (best < 0)
		return PROBE_NONE;
	if (best == answered) { /* every better-ranked server failed: no reason to wait */
		*pick = best;
		return PROBE_TAKE;
	}
	if (answered < 0)
		return PROBE_WAIT; /* only pending servers: until one answers, or the deadline */
	until = first_answer_ms == UINT64_MAX ? now_ms : first_answer_ms + grace_ms;
	if (now_ms >= until) {
		*pick = answered;
		return PROBE_TAKE;
	}
	*wait_ms = (int)(until - now_ms > (uint64_t)grace_ms ? grace_ms : until - now_ms);
	return PROBE_WAIT;
}
