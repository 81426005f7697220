/* timeline: entries, retries, durations and ordering from an injected clock, formatting,
 * no silent cut of the output, and a full table that says what it leaves out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/array.h"
#include "timeline.h"

/* The injected clock: each reading is the next value of the script. */
static const uint64_t *script;
static size_t script_pos, script_len;

static uint64_t fake_now(void)
{
	assert_true(script_pos < script_len);
	return script[script_pos++];
}

static void use_clock(struct timeline *t, const uint64_t *s, size_t n)
{
	script = s;
	script_pos = 0;
	script_len = n;
	t->now = fake_now;
}

static void test_entries(void **state)
{
	static const char early[] = "early", root[] = "root";
	/* early 2.000-2.004; root 2.010-2.050, retried 2.100-2.352 (the start is kept) */
	static const uint64_t clock[] = { 2000000000, 2004000000, 2010000000, 2050000000, 2352000000 };
	struct timeline t = { 0 };
	char buf[512];
	int a, b, c;

	(void)state;
	use_clock(&t, clock, ARRAY_SIZE(clock));
	a = timeline_begin(&t, early);
	timeline_end(&t, a);
	b = timeline_begin(&t, root);
	timeline_end(&t, b);
	c = timeline_begin(&t, root); /* a retry reuses the entry and reads no clock */
	timeline_end(&t, c);
	assert_int_equal(script_pos, 5);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(c, 1);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.e[0].attempts, 1);
	assert_int_equal(t.e[1].attempts, 2);
	assert_int_equal(t.e[0].start_ns, 2000000000);
	assert_int_equal(t.e[0].end_ns, 2004000000);
	assert_int_equal(t.e[1].start_ns, 2010000000);
	assert_int_equal(t.e[1].end_ns, 2352000000);
	timeline_end(&t, -1); /* an entry that was never begun: nothing, no clock read */
	timeline_end(&t, 7);
	assert_int_equal(script_pos, 5);

	int len = timeline_format_line(&t, buf, sizeof(buf));

	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "early 0.004s, root 0.342s (retried); /init ran 0.352s, from 2.000s");

	len = timeline_format_file(&t, buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(buf));
	assert_string_equal(buf, "sprout-timeline 1\n"
				 "zero 2.000000\n"
				 "phase early 2.000000 2.004000 ok attempts=1\n"
				 "phase root 2.010000 2.352000 ok attempts=2\n");
}

static void test_real_clock(void **state)
{
	struct timeline t = { 0 };
	int i;

	(void)state;
	i = timeline_begin(&t, "devices");
	usleep(20000);
	timeline_end(&t, i);
	/* the real clock (monoclock) by default: 20 ms slept shows */
	assert_true(t.e[0].end_ns - t.e[0].start_ns >= 20000000);
	assert_true(t.e[0].end_ns - t.e[0].start_ns < 2000000000);
}

static void test_too_small(void **state)
{
	static const uint64_t clock[] = { 1000000000, 1500000000 };
	struct timeline t = { 0 };
	char buf[8];

	(void)state;
	use_clock(&t, clock, 2);
	timeline_end(&t, timeline_begin(&t, "devices"));
	assert_int_equal(timeline_format_line(&t, buf, sizeof(buf)), -ENAMETOOLONG);
	assert_string_equal(buf, ""); /* never a cut line */
	assert_int_equal(timeline_format_file(&t, buf, sizeof(buf)), -ENAMETOOLONG);
	assert_string_equal(buf, "");
	assert_int_equal(timeline_format_file(&t, buf, 0), -ENAMETOOLONG);
}

/* Full: further phases are refused (-1), never written over the last slot; one log line
 * names the first left out; the summary counts them. */
static void test_full(void **state)
{
	static const char names[TIMELINE_MAX + 2][8] = { "a", "b", "c", "d", "e", "f", "g", "h", "i",
							 "j", "k", "l", "m", "n", "o", "p", "q", "r" };
	char path[] = "/tmp/sprout-timeline-XXXXXX", logged[512] = "", buf[1024];
	struct timeline t = { 0 };
	int fd = mkstemp(path), saved = dup(2);
	ssize_t k;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2); /* the log falls back to stderr without /dev/kmsg */
	for (int i = 0; i < TIMELINE_MAX; i++)
		timeline_end(&t, timeline_begin(&t, names[i]));
	assert_int_equal(timeline_begin(&t, names[TIMELINE_MAX]), -1);
	assert_int_equal(timeline_begin(&t, names[TIMELINE_MAX + 1]), -1);
	timeline_end(&t, -1);
	dup2(saved, 2);
	close(saved);
	k = pread(fd, logged, sizeof(logged) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(k > 0);
	logged[k] = '\0';
	assert_string_equal(logged, "sprout: timeline: all 16 entries taken; q and any later phase are not timed\n");
	assert_int_equal(t.n, TIMELINE_MAX);
	assert_int_equal(t.dropped, 2);
	assert_string_equal(t.e[TIMELINE_MAX - 1].name, "p"); /* the last slot is still p's */
	assert_int_equal(t.e[TIMELINE_MAX - 1].attempts, 1);
	assert_true(timeline_format_line(&t, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ", p "));
	assert_non_null(strstr(buf, "; 2 more not timed (timeline full)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_real_clock),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
