/* timeline: entries, retries, formatting, and no silent cut of the output. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "timeline.h"

static void test_entries(void **state)
{
	static const char early[] = "early", root[] = "root";
	struct timeline t = { 0 };
	char buf[512];
	int a, b, c;

	(void)state;
	a = timeline_begin(&t, early);
	timeline_end(&t, a);
	b = timeline_begin(&t, root);
	timeline_end(&t, b);
	c = timeline_begin(&t, root); /* a retry reuses the entry */
	timeline_end(&t, c);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(c, 1);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.e[1].attempts, 2);
	assert_true(t.e[1].end_ns >= t.e[1].start_ns);

	assert_true(timeline_format_line(&t, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "early "));
	assert_non_null(strstr(buf, "root "));
	assert_non_null(strstr(buf, "(retried)"));
	assert_non_null(strstr(buf, "/init ran "));

	assert_true(timeline_format_table(&t, buf, sizeof(buf)) > 0);
	assert_int_equal(strncmp(buf, "early ", 6), 0);
	assert_non_null(strstr(buf, "\nroot "));
	assert_non_null(strstr(buf, " 2\n"));
}

static void test_too_small(void **state)
{
	struct timeline t = { 0 };
	char buf[8];

	(void)state;
	timeline_end(&t, timeline_begin(&t, "devices"));
	assert_int_equal(timeline_format_line(&t, buf, sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(timeline_format_table(&t, buf, sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(timeline_format_table(&t, buf, 0), -ENAMETOOLONG);
}

static void test_full(void **state)
{
	static const char names[TIMELINE_MAX + 2][8] = { "a", "b", "c", "d", "e", "f", "g", "h", "i",
							 "j", "k", "l", "m", "n", "o", "p", "q", "r" };
	struct timeline t = { 0 };

	(void)state;
	for (int i = 0; i < TIMELINE_MAX + 2; i++)
		assert_true(timeline_begin(&t, names[i]) < TIMELINE_MAX);
	assert_int_equal(t.n, TIMELINE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
