/* Unit tests for serverlist: weighted comma lists of IPv4 servers. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "serverlist.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_good(void **state)
{
	struct serverlist l;
	char err[SERVERLIST_ERR_LEN];
	const char *t = "10.0.0.1*2,10.0.0.2,192.168.7.9*1000,10.0.0.1*2";

	(void)state;
	assert_int_equal(serverlist_parse(t, strlen(t), &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3); /* listed twice with the same weight: kept once */
	assert_true(l.addr[0] == ip("10.0.0.1") && l.weight[0] == 2);
	assert_true(l.addr[1] == ip("10.0.0.2") && l.weight[1] == 1);
	assert_true(l.addr[2] == ip("192.168.7.9") && l.weight[2] == 1000);
	assert_true(serverlist_weighted(&l));
	assert_int_equal(serverlist_parse("10.0.0.1,10.0.0.2*1", 19, &l, err, sizeof(err)), 0);
	assert_false(serverlist_weighted(&l));
	/* the length bounds the text: what follows is not read */
	assert_int_equal(serverlist_parse("10.0.0.1:/srv", 8, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
}

static void test_bad(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "no server given" },
		{ "10.0.0.1,", "empty entry" },
		{ ",10.0.0.1", "empty entry" },
		{ "10.0.0.1*0", "bad weight" },
		{ "10.0.0.1*1001", "bad weight" },
		{ "10.0.0.1*", "bad weight" },
		{ "10.0.0.1*-1", "bad weight" },
		{ "10.0.0.1*2*2", "bad weight" },
		{ "10.0.0.1*02x", "bad weight" },
		{ "nfs1.example", "no DNS lookups" },
		{ "10.0.0", "not an IPv4 address" },
		{ "127.0.0.1", "not a host's address" },
		{ "0.0.0.0", "not a host's address" },
		{ "224.0.0.1", "not a host's address" },
		{ "[fe80::1]", "IPv6" },
		{ "10.0.0.1,10.0.0.1*2", "different weights" },
		{ "1.0.0.1,1.0.0.2,1.0.0.3,1.0.0.4,1.0.0.5,1.0.0.6,1.0.0.7,1.0.0.8,1.0.0.9,1.0.0.10,"
		  "1.0.0.11,1.0.0.12,1.0.0.13,1.0.0.14,1.0.0.15,1.0.0.16,1.0.0.17", "more than 16" },
	};
	char err[SERVERLIST_ERR_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct serverlist l = { .n = 77 };

		if (serverlist_parse(bad[i].text, strlen(bad[i].text), &l, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i].text);
		assert_int_equal(l.n, 77);
		if (!strstr(err, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, err, bad[i].msg);
	}
	/* a NUL inside the given length is a bad entry, not the end */
	struct serverlist l;
	assert_int_equal(serverlist_parse("10.0.0.1\0,x", 11, &l, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
