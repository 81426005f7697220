/* Unit tests for clockfix: the boot-time clock decision, RTC fields to seconds, the
 * log format; and initmode: which mode sprout-init runs in, the wrapper's inits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "buildinfo.h"
#include "clockfix.h"
#include "initmode.h"

#include "testutil.h"

#define BUILD 1764633600LL /* 2025-12-02 00:00:00 UTC */
#define Y1999 915148800LL  /* 1999-01-01 00:00:00 UTC */

static void test_decide_table(void **state)
{
	static const struct {
		int64_t now, build;
		bool rtc_ok;
		int64_t rtc;
		enum clockfix_action act;
		int64_t set;
	} t[] = {
		/* a clock at or past the build time is left alone, whatever the RTC says */
		{ BUILD, BUILD, true, Y1999, CLOCKFIX_KEEP, BUILD },
		{ BUILD + 5, BUILD, false, 0, CLOCKFIX_KEEP, BUILD + 5 },
		/* build time unknown: nothing to compare with */
		{ Y1999, 0, true, BUILD + 99, CLOCKFIX_KEEP, Y1999 },
		{ Y1999, -7, false, 0, CLOCKFIX_KEEP, Y1999 },
		/* behind: the RTC when it is later than the build time */
		{ Y1999, BUILD, true, BUILD + 3600, CLOCKFIX_FROM_RTC, BUILD + 3600 },
		{ 0, BUILD, true, BUILD + 1, CLOCKFIX_FROM_RTC, BUILD + 1 },
		/* else the build time: an RTC as far behind, equal to it, or none */
		{ Y1999, BUILD, true, Y1999, CLOCKFIX_TO_BUILD, BUILD },
		{ Y1999, BUILD, true, BUILD, CLOCKFIX_TO_BUILD, BUILD },
		{ Y1999, BUILD, false, BUILD + 3600, CLOCKFIX_TO_BUILD, BUILD },
		{ BUILD - 1, BUILD, false, 0, CLOCKFIX_TO_BUILD, BUILD },
		{ -100, BUILD, true, -5, CLOCKFIX_TO_BUILD, BUILD },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int64_t set = -1;
		enum clockfix_action a = clockfix_decide(t[i].now, t[i].build, t[i].rtc_ok, t[i].rtc, &set);

		if (a != t[i].act || set != t[i].set)
			fail_msg("case %zu: action %d set %lld, want %d %lld", i, a, (long long)set,
				 t[i].act, (long long)t[i].set);
	}
}

static void test_rtc_seconds(void **state)
{
	static const struct {
		int year, mon, mday, hour, min, sec, ret;
		int64_t out;
	} t[] = {
		{ 70, 0, 1, 0, 0, 0, 0, 0 },
		{ 99, 0, 1, 0, 0, 0, 0, Y1999 },
		{ 125, 11, 2, 0, 0, 0, 0, BUILD },
		{ 100, 1, 29, 23, 59, 59, 0, 951868799 },      /* 2000-02-29: a leap year */
		{ 138, 0, 19, 3, 14, 8, 0, 2147483648LL },     /* past 2038 */
		{ 116, 11, 31, 23, 59, 60, 0, 1483228799 },    /* a leap second counts as :59 */
		{ 8099, 11, 31, 23, 59, 59, 0, 253402300799LL }, /* 9999-12-31 */
		{ 69, 11, 31, 23, 59, 59, -EINVAL, 0 },        /* before 1970 */
		{ 8100, 0, 1, 0, 0, 0, -EINVAL, 0 },           /* 10000 */
		{ 101, 1, 29, 0, 0, 0, -EINVAL, 0 },           /* 2001-02-29 */
		{ 200, 1, 29, 0, 0, 0, -EINVAL, 0 },           /* 2100 is no leap year */
		{ 125, 12, 1, 0, 0, 0, -EINVAL, 0 },
		{ 125, -1, 1, 0, 0, 0, -EINVAL, 0 },
		{ 125, 3, 31, 0, 0, 0, -EINVAL, 0 },           /* April has 30 */
		{ 125, 0, 0, 0, 0, 0, -EINVAL, 0 },
		{ 125, 0, 1, 24, 0, 0, -EINVAL, 0 },
		{ 125, 0, 1, 0, 60, 0, -EINVAL, 0 },
		{ 125, 0, 1, 0, 0, 61, -EINVAL, 0 },
		{ 125, 0, 1, -1, 0, 0, -EINVAL, 0 },
		{ -2000000000, 0, 1, 0, 0, 0, -EINVAL, 0 },
		{ 2000000000, 0, 1, 0, 0, 0, -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int64_t out = -1;
		int r = clockfix_rtc_seconds(t[i].year, t[i].mon, t[i].mday, t[i].hour, t[i].min,
					     t[i].sec, &out);

		if (r != t[i].ret || (r == 0 && out != t[i].out))
			fail_msg("case %zu: %d %lld, want %d %lld", i, r, (long long)out, t[i].ret,
				 (long long)t[i].out);
	}
}

/* Every day of 1970..2100 against the C library's gmtime. */
static void test_rtc_seconds_vs_gmtime(void **state)
{
	(void)state;
	for (int64_t t = 0; t < 4102444800LL; t += 86400 + 3661) {
		time_t tt = (time_t)t;
		struct tm tm;
		int64_t out;
		char a[64], b[64];

		gmtime_r(&tt, &tm);
		assert_int_equal(clockfix_rtc_seconds(tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
						      tm.tm_min, tm.tm_sec, &out), 0);
		assert_int_equal(out, t);
		strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S UTC", &tm);
		assert_string_equal(clockfix_format(t, a, sizeof(a)), b);
	}
}

static void test_format(void **state)
{
	char out[64], small[8];

	(void)state;
	assert_string_equal(clockfix_format(Y1999, out, sizeof(out)), "1999-01-01 00:00:00 UTC");
	assert_string_equal(clockfix_format(0, out, sizeof(out)), "1970-01-01 00:00:00 UTC");
	assert_string_equal(clockfix_format(-1, out, sizeof(out)), "1969-12-31 23:59:59 UTC");
	assert_string_equal(clockfix_format(INT64_MAX, out, sizeof(out)), "@9223372036854775807");
	assert_string_equal(clockfix_format(INT64_MIN, out, sizeof(out)), "@-9223372036854775808");
	clockfix_format(BUILD, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_initmode(void **state)
{
	const char *c[INITMODE_MAX_CANDIDATES];
	size_t n;

	(void)state;
	/* initramfs only when both hold */
	assert_int_equal(initmode_decide(true, true), INITMODE_INITRAMFS);
	assert_int_equal(initmode_decide(true, false), INITMODE_WRAPPER);
	assert_int_equal(initmode_decide(false, true), INITMODE_WRAPPER);
	assert_int_equal(initmode_decide(false, false), INITMODE_WRAPPER);

	n = initmode_candidates("", true, c, N(c));
	assert_int_equal(n, 5);
	assert_string_equal(c[0], "/sbin/init.real");
	assert_string_equal(c[1], "/sbin/init");
	assert_string_equal(c[2], "/etc/init");
	assert_string_equal(c[3], "/bin/init");
	assert_string_equal(c[4], "/bin/sh");
	n = initmode_candidates(NULL, false, c, N(c));
	assert_int_equal(n, 4); /* no shell for a telinit */
	assert_string_equal(c[3], "/bin/init");
	n = initmode_candidates("/etc/init", true, c, N(c));
	assert_int_equal(n, 4); /* not twice */
	assert_string_equal(c[0], "/etc/init");
	assert_string_equal(c[1], "/sbin/init");
	assert_string_equal(c[2], "/bin/init");
	n = initmode_candidates("/usr/lib/systemd/systemd", true, c, 2);
	assert_int_equal(n, 2);
	assert_string_equal(c[1], "/sbin/init");
}

/* The build time is a constant of the build, not of the moment a test runs. */
static void test_buildinfo(void **state)
{
	(void)state;
	assert_true(buildinfo_epoch() >= 0);
	assert_int_equal(buildinfo_epoch(), buildinfo_epoch());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_table),
		cmocka_unit_test(test_rtc_seconds),
		cmocka_unit_test(test_rtc_seconds_vs_gmtime),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_initmode),
		cmocka_unit_test(test_buildinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
