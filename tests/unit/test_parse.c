/* Unit tests for parse: whole-string numbers, booleans, bounded copies. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

#include "testutil.h"
#define UNCHANGED 0x5a5a5a5a

static void test_u64(void **state)
{
	static const struct {
		const char *s;
		uint64_t max;
		int ret;
		uint64_t want;
	} t[] = {
		{ "0", 10, 0, 0 },
		{ "10", 10, 0, 10 },
		{ "007", 10, 0, 7 },
		{ "11", 10, -ERANGE, 0 },
		{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999999", UINT64_MAX, -ERANGE, 0 },
		{ "184467440737095516150", UINT64_MAX, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 },
		{ "1 ", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "0x10", 100, -EINVAL, 0 },
		{ "1e3", 10000, -EINVAL, 0 },
		{ "99999999999999999999999x", UINT64_MAX, -EINVAL, 0 },
		{ "1\n", 10, -EINVAL, 0 },
		{ "\xc2\xb9", 10, -EINVAL, 0 },
		{ NULL, 10, -EINVAL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		uint64_t v = UNCHANGED;
		int r = parse_u64(t[i].s, t[i].max, &v);

		if (r != t[i].ret)
			fail_msg("case %zu \"%s\": got %d want %d", i, t[i].s ? t[i].s : "(null)", r,
				 t[i].ret);
		assert_int_equal(v, r == 0 ? t[i].want : UNCHANGED);
	}
}

static void test_uint(void **state)
{
	static const struct {
		const char *s;
		unsigned max;
		int ret;
		unsigned want;
	} t[] = {
		{ "4294967295", UINT_MAX, 0, UINT_MAX },
		{ "4294967296", UINT_MAX, -ERANGE, 0 },
		{ "5", 4, -ERANGE, 0 },
		{ "4", 4, 0, 4 },
		{ "0", 0, 0, 0 },
		{ "a", 4, -EINVAL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		unsigned v = UNCHANGED;
		int r = parse_uint(t[i].s, t[i].max, &v);

		if (r != t[i].ret)
			fail_msg("case %zu \"%s\": got %d want %d", i, t[i].s, r, t[i].ret);
		assert_int_equal(v, r == 0 ? t[i].want : UNCHANGED);
	}
}

static void test_int(void **state)
{
	static const struct {
		const char *s;
		int min, max;
		int ret;
		int want;
	} t[] = {
		{ "0", -5, 5, 0, 0 },
		{ "-0", -5, 5, 0, 0 },
		{ "-5", -5, 5, 0, -5 },
		{ "-6", -5, 5, -ERANGE, 0 },
		{ "6", -5, 5, -ERANGE, 0 },
		{ "-2147483648", INT_MIN, INT_MAX, 0, INT_MIN },
		{ "2147483647", INT_MIN, INT_MAX, 0, INT_MAX },
		{ "2147483648", INT_MIN, INT_MAX, -ERANGE, 0 },
		{ "-2147483649", INT_MIN, INT_MAX, -ERANGE, 0 },
		{ "-99999999999999999999999", INT_MIN, INT_MAX, -ERANGE, 0 },
		{ "-", -5, 5, -EINVAL, 0 },
		{ "--1", -5, 5, -EINVAL, 0 },
		{ "+1", -5, 5, -EINVAL, 0 },
		{ "- 1", -5, 5, -EINVAL, 0 },
		{ "1-", -5, 5, -EINVAL, 0 },
		{ "", -5, 5, -EINVAL, 0 },
		{ NULL, -5, 5, -EINVAL, 0 },
		{ "1", 5, -5, -ERANGE, 0 },
	};
	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int v = UNCHANGED;
		int r = parse_int(t[i].s, t[i].min, t[i].max, &v);

		if (r != t[i].ret)
			fail_msg("case %zu \"%s\": got %d want %d", i, t[i].s ? t[i].s : "(null)", r,
				 t[i].ret);
		assert_int_equal(v, r == 0 ? t[i].want : UNCHANGED);
	}
}

static void test_bool(void **state)
{
	static const struct {
		const char *s;
		int ret;
		bool want;
	} t[] = {
		{ "1", 0, true },      { "0", 0, false },    { "yes", 0, true },  { "no", 0, false },
		{ "true", 0, true },   { "false", 0, false }, { "on", 0, true },  { "off", 0, false },
		{ "YES", 0, true },    { "Off", 0, false },  { "", -EINVAL, 0 },  { "2", -EINVAL, 0 },
		{ "y", -EINVAL, 0 },   { "yes ", -EINVAL, 0 }, { " on", -EINVAL, 0 },
		{ "truex", -EINVAL, 0 }, { NULL, -EINVAL, 0 },
	};
	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		bool v = !t[i].want;
		int r = parse_bool(t[i].s, &v);

		if (r != t[i].ret)
			fail_msg("case %zu \"%s\": got %d want %d", i, t[i].s ? t[i].s : "(null)", r,
				 t[i].ret);
		if (r == 0)
			assert_int_equal(v, t[i].want);
		else
			assert_int_equal(v, !t[i].want);
	}
}

static void test_copy(void **state)
{
	static const struct {
		const char *src;
		size_t srclen, dstsz;
		int ret;
		const char *want;
	} t[] = {
		{ "abc", 3, 4, 0, "abc" },
		{ "abc", 3, 3, -ENAMETOOLONG, NULL },
		{ "abc", 2, 3, 0, "ab" },
		{ "", 0, 1, 0, "" },
		{ "", 0, 0, -ENAMETOOLONG, NULL },
		{ "a\0b", 3, 8, -EINVAL, NULL },
		{ "\xff\xfe", 2, 3, 0, "\xff\xfe" },
	};
	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		char dst[8];
		int r;

		memset(dst, 'X', sizeof(dst));
		dst[sizeof(dst) - 1] = '\0';
		r = parse_copy(dst, t[i].dstsz, t[i].src, t[i].srclen);
		if (r != t[i].ret)
			fail_msg("case %zu: got %d want %d", i, r, t[i].ret);
		assert_string_equal(dst, r == 0 ? t[i].want : "XXXXXXX");
	}
}

static void test_space(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		bool want = c == ' ' || (c >= '\t' && c <= '\r');

		if (parse_is_space((unsigned char)c) != want)
			fail_msg("byte 0x%02x", c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),  cmocka_unit_test(test_uint), cmocka_unit_test(test_int),
		cmocka_unit_test(test_bool), cmocka_unit_test(test_copy), cmocka_unit_test(test_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
