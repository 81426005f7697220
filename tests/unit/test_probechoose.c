/* Unit tests for probechoose: the choice among servers probed at once (NFS and HTTP). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probechoose.h"

static const int order[3] = { 2, 0, 1 }; /* server 2 ranks first */

static void test_choice(void **state)
{
	enum probe_state st[3] = { PROBE_ANSWERED, PROBE_PENDING, PROBE_PENDING };
	bool tried[3] = { false };
	int pick, wait;

	(void)state;
	/* 2 (first) pending, 0 answered at t=1000: wait the rest of the window */
	assert_int_equal(probe_choose(st, tried, order, 3, 1100, 1000, 300, &pick, &wait), PROBE_WAIT);
	assert_int_equal(wait, 200);
	/* the window over: 0 is taken, 2 not waited for */
	assert_int_equal(probe_choose(st, tried, order, 3, 1300, 1000, 300, &pick, &wait), PROBE_TAKE);
	assert_int_equal(pick, 0);
	/* 2 answers within the window: it is taken */
	st[2] = PROBE_ANSWERED;
	assert_int_equal(probe_choose(st, tried, order, 3, 1100, 1000, 300, &pick, &wait), PROBE_TAKE);
	assert_int_equal(pick, 2);
	/* the better-ranked one failed: 0 at once, though 1 is pending */
	st[1] = PROBE_PENDING;
	st[2] = PROBE_FAILED;
	assert_int_equal(probe_choose(st, tried, order, 3, 5, 5, 300, &pick, &wait), PROBE_TAKE);
	assert_int_equal(pick, 0);
	/* 0 tried: only 1 pending, no answer: wait without a limit of ours */
	tried[0] = true;
	assert_int_equal(probe_choose(st, tried, order, 3, 5, 5, 300, &pick, &wait), PROBE_WAIT);
	assert_int_equal(wait, -1);
	assert_int_equal(pick, -1);
	/* 1 fails too: none left */
	st[1] = PROBE_FAILED;
	assert_int_equal(probe_choose(st, tried, order, 3, 5, 5, 300, &pick, &wait), PROBE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
