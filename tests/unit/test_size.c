/* Unit tests for size: tmpfs-style sizes, their limits, resolving and the mount option. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "size.h"

#include "testutil.h"

static void test_parse_table(void **state)
{
	static const struct {
		const char *in;
		int ret;
		enum size_kind kind;
		uint64_t value;
	} t[] = {
		{ "1048576", 0, SIZE_BYTES, 1048576 },
		{ "1", 0, SIZE_BYTES, 1 },
		{ "64k", 0, SIZE_BYTES, 65536 },
		{ "64K", 0, SIZE_BYTES, 65536 },
		{ "512M", 0, SIZE_BYTES, 512ull << 20 },
		{ "512m", 0, SIZE_BYTES, 512ull << 20 },
		{ "2G", 0, SIZE_BYTES, 2ull << 30 },
		{ "3t", 0, SIZE_BYTES, 3ull << 40 },
		{ "007", 0, SIZE_BYTES, 7 },
		{ "50%", 0, SIZE_PERCENT, 50 },
		{ "100%", 0, SIZE_PERCENT, 100 },
		{ "1%", 0, SIZE_PERCENT, 1 },
		{ "18446744073709551615", 0, SIZE_BYTES, UINT64_MAX },
		{ "16777215T", 0, SIZE_BYTES, 16777215ull << 40 },
		/* range */
		{ "0", -ERANGE, 0, 0 },
		{ "0k", -ERANGE, 0, 0 },
		{ "0%", -ERANGE, 0, 0 },
		{ "101%", -ERANGE, 0, 0 },
		{ "99999999999999999999%", -ERANGE, 0, 0 },
		{ "18446744073709551616", -ERANGE, 0, 0 },
		{ "16777216T", -ERANGE, 0, 0 },
		{ "17179869184G", -ERANGE, 0, 0 },
		/* malformed */
		{ "", -EINVAL, 0, 0 },
		{ "k", -EINVAL, 0, 0 },
		{ "%", -EINVAL, 0, 0 },
		{ "-1", -EINVAL, 0, 0 },
		{ "+1", -EINVAL, 0, 0 },
		{ " 1", -EINVAL, 0, 0 },
		{ "1 ", -EINVAL, 0, 0 },
		{ "1.5G", -EINVAL, 0, 0 },
		{ "1KB", -EINVAL, 0, 0 },
		{ "1KiB", -EINVAL, 0, 0 },
		{ "1P", -EINVAL, 0, 0 },
		{ "50%%", -EINVAL, 0, 0 },
		{ "5%0", -EINVAL, 0, 0 },
		{ "0x10", -EINVAL, 0, 0 },
		{ "99999999999999999999x", -EINVAL, 0, 0 },
		{ "123456789012345678901234567890123", -EINVAL, 0, 0 }, /* 33 bytes */
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct size_spec s = { .kind = SIZE_BYTES, .value = 4242 };
		int r = size_parse(t[i].in, strlen(t[i].in), &s);

		if (r != t[i].ret)
			fail_msg("'%s': %d want %d", t[i].in, r, t[i].ret);
		if (r == 0 && (s.kind != t[i].kind || s.value != t[i].value))
			fail_msg("'%s': kind %d value %llu", t[i].in, s.kind, (unsigned long long)s.value);
		if (r < 0 && (s.kind != SIZE_BYTES || s.value != 4242))
			fail_msg("'%s': failure changed the output", t[i].in);
	}
}

static void test_parse_bounds(void **state)
{
	struct size_spec s;

	(void)state;
	/* The length bounds the read: "12" then a byte the parser must not look at. */
	assert_int_equal(size_parse("12Q", 2, &s), 0);
	assert_int_equal(s.value, 12);
	assert_int_equal(size_parse("12\0k", 4, &s), -EINVAL);
	assert_int_equal(size_parse(NULL, 0, &s), -EINVAL);
	assert_int_equal(size_parse("1234567890123456789012345678901k", 32, &s), -ERANGE);
}

static void test_resolve(void **state)
{
	static const struct {
		struct size_spec spec;
		uint64_t total, want;
	} t[] = {
		{ { SIZE_PERCENT, 50 }, 1000, 500 },
		{ { SIZE_PERCENT, 33 }, 1000, 330 },
		{ { SIZE_PERCENT, 33 }, 1001, 330 },
		{ { SIZE_PERCENT, 1 }, 99, 0 },
		{ { SIZE_PERCENT, 100 }, UINT64_MAX, UINT64_MAX },
		{ { SIZE_PERCENT, 50 }, UINT64_MAX, UINT64_MAX / 2 },
		{ { SIZE_PERCENT, 99 }, UINT64_MAX, 18262276632972456098ull },
		{ { SIZE_BYTES, 4096 }, 1, 4096 },
	};
	struct size_spec bad[] = { { 0, 5 }, { SIZE_PERCENT, 0 }, { SIZE_PERCENT, 101 } };
	uint64_t b;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		assert_int_equal(size_resolve(&t[i].spec, t[i].total, &b), 0);
		if (b != t[i].want)
			fail_msg("case %zu: %llu want %llu", i, (unsigned long long)b,
				 (unsigned long long)t[i].want);
	}
	for (size_t i = 0; i < N(bad); i++)
		assert_int_equal(size_resolve(&bad[i], 100, &b), -EINVAL);
}

static void test_tmpfs_option(void **state)
{
	struct size_spec s;
	char out[32];

	(void)state;
	assert_int_equal(size_parse("50%", 3, &s), 0);
	assert_int_equal(size_tmpfs_option(&s, out, sizeof(out)), 8);
	assert_string_equal(out, "size=50%");
	assert_int_equal(size_parse("2G", 2, &s), 0);
	assert_int_equal(size_tmpfs_option(&s, out, sizeof(out)), 15);
	assert_string_equal(out, "size=2147483648");
	assert_int_equal(size_tmpfs_option(&s, out, 16), 15);
	assert_int_equal(size_tmpfs_option(&s, out, 15), -ENAMETOOLONG);
	assert_string_equal(out, "");
	s.kind = 0;
	assert_int_equal(size_tmpfs_option(&s, out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_tmpfs_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
