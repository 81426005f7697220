/* Unit tests for inet4: the one netmask rule of ip= and DHCP. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/array.h"
#include "inet4.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* 0.0.0.0 is refused on purpose (see inet4.h): DHCP flags such an option 1 unusable,
 * and ip= reads a 0.0.0.0 netmask as "not given" before asking. */
static void test_mask_prefix(void **state)
{
	static const struct {
		const char *mask;
		int prefix;
	} t[] = {
		{ "0.0.0.0", -EINVAL },        { "128.0.0.0", 1 },           { "255.0.0.0", 8 },
		{ "255.255.128.0", 17 },       { "255.255.254.0", 23 },      { "255.255.255.0", 24 },
		{ "255.255.255.252", 30 },     { "255.255.255.254", 31 },    { "255.255.255.255", 32 },
		{ "255.255.0.255", -EINVAL },  { "0.0.0.255", -EINVAL },     { "254.255.255.255", -EINVAL },
		{ "255.0.255.0", -EINVAL },    { "0.255.255.255", -EINVAL }, { "255.255.255.253", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		int got = inet4_mask_prefix(ip(t[i].mask));

		if (got != t[i].prefix)
			fail_msg("%s: %d, want %d", t[i].mask, got, t[i].prefix);
		if (t[i].prefix > 0 && inet4_prefix_mask(t[i].prefix) != ip(t[i].mask))
			fail_msg("/%d is not %s", t[i].prefix, t[i].mask);
	}
	assert_int_equal(inet4_prefix_mask(0), 0);
	assert_int_equal(inet4_prefix_mask(-5), 0);
	assert_int_equal(inet4_prefix_mask(40), 0xffffffffu);
}

static void test_class_mask(void **state)
{
	static const struct {
		const char *addr, *mask;
	} t[] = {
		{ "10.1.2.3", "255.0.0.0" },      { "127.255.0.1", "255.0.0.0" },
		{ "128.0.0.1", "255.255.0.0" },   { "172.16.5.6", "255.255.0.0" },
		{ "191.255.1.1", "255.255.0.0" }, { "192.0.2.1", "255.255.255.0" },
		{ "223.1.1.1", "255.255.255.0" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (inet4_class_mask(ip(t[i].addr)) != ip(t[i].mask))
			fail_msg("%s: want %s", t[i].addr, t[i].mask);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_prefix),
		cmocka_unit_test(test_class_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
