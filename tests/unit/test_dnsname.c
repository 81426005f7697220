/* Unit tests for dnsname: the one host/domain name check of ip= and DHCP. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/array.h"
#include "dnsname.h"

static void test_table(void **state)
{
	static const struct {
		const char *name;
		int ret;
	} t[] = {
		{ "node5", 0 },
		{ "farm-node-01.example.org", 0 },
		{ "7", 0 },
		{ "1a.2b", 0 },
		{ "WIN_PC", 0 },       /* '_': accepted alike for ip= and DHCP (see dnsname.h) */
		{ "_a", 0 },
		{ "", -EINVAL },
		{ ".", -EINVAL },
		{ "a.", -EINVAL },     /* no trailing dot (the root) in a host name */
		{ ".a", -EINVAL },
		{ "a..b", -EINVAL },
		{ "-a", -EINVAL },
		{ "a-", -EINVAL },
		{ "a.-b", -EINVAL },
		{ "a-.b", -EINVAL },
		{ "a b", -EINVAL },
		{ "a;$(reboot)", -EINVAL },
		{ "a`id`", -EINVAL },
		{ "a'b", -EINVAL },
		{ "a/b", -EINVAL },
		{ "a\nb", -EINVAL },
		{ "a\rb", -EINVAL },
		{ "a\x7f", -EINVAL },
		{ "h\xc3\xa9", -EINVAL },
		{ "a*", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		int got = dnsname_check(t[i].name, strlen(t[i].name));

		if (got != t[i].ret)
			fail_msg("case %zu: %d, want %d", i, got, t[i].ret);
		if (dnsname_check_host(t[i].name, strlen(t[i].name)) != t[i].ret)
			fail_msg("case %zu: host check differs", i);
	}
}

static void test_lengths(void **state)
{
	char buf[300];
	int n;

	(void)state;
	/* a label: 63 bytes at most */
	n = snprintf(buf, sizeof(buf), "%063d", 1);
	assert_int_equal(dnsname_check(buf, (size_t)n), 0);
	n = snprintf(buf, sizeof(buf), "%064d", 1);
	assert_int_equal(dnsname_check(buf, (size_t)n), -ENAMETOOLONG);
	/* a name: 253 bytes at most (four labels of 63 and one of 1, dots between) */
	n = snprintf(buf, sizeof(buf), "%063d.%063d.%063d.%061d", 1, 2, 3, 4);
	assert_int_equal(n, 253);
	assert_int_equal(dnsname_check(buf, (size_t)n), 0);
	n = snprintf(buf, sizeof(buf), "%063d.%063d.%063d.%062d", 1, 2, 3, 4);
	assert_int_equal(dnsname_check(buf, (size_t)n), -ENAMETOOLONG);
	/* a host name: also what sethostname takes, 64 bytes */
	n = snprintf(buf, sizeof(buf), "%031d.%032d", 1, 2);
	assert_int_equal(dnsname_check_host(buf, (size_t)n), 0);
	n = snprintf(buf, sizeof(buf), "%031d.%033d", 1, 2);
	assert_int_equal(dnsname_check(buf, (size_t)n), 0);
	assert_int_equal(dnsname_check_host(buf, (size_t)n), -ENAMETOOLONG);
	/* the length bounds the read; a NUL inside is refused */
	assert_int_equal(dnsname_check("abc;", 3), 0);
	assert_int_equal(dnsname_check("a\0b", 3), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
