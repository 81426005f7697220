/* Unit tests for kver: real releases accepted, every way a release could escape its
 * directory or pass for an option refused with a message naming the byte. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kver.h"

#include "testutil.h"

static void test_accepted(void **state)
{
	static const char *const ok[] = {
		"6.1.0-28-amd64", "6.12.9+bpo-amd64", "5.14.0-427.el9.x86_64", "6.8.0-rc3",
		"4.19.0-0.bpo.6-cloud-amd64", "1", "6.1.0~test_1",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64 */
	};
	char err[128];
	(void)state;

	for (size_t i = 0; i < N(ok); i++) {
		assert_int_equal(kver_check(ok[i], strlen(ok[i]), err, sizeof(err)), 0);
		assert_string_equal(err, "");
	}
}

static void test_refused(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *msg;
	} bad[] = {
		{ "", 0, "empty" },
		{ ".", 1, "starts with '.'" },
		{ "..", 2, "starts with '.'" },
		{ "-k", 2, "starts with '-'" },
		{ "6.1/../../etc", 13, "byte 4 is 0x2f" },
		{ "6.1 0", 5, "byte 4 is 0x20" },
		{ "6.1\n", 4, "byte 4 is 0x0a" },
		{ "6.1\0x", 5, "byte 4 is 0x00" },
		{ "6.1$(x)", 7, "byte 4 is 0x24" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 65, "65 bytes" },
	};
	char err[128];
	(void)state;

	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(kver_check(bad[i].in, bad[i].len, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].msg))
			fail_msg("%zu: \"%s\" lacks \"%s\"", i, err, bad[i].msg);
	}
	/* no message buffer is fine */
	assert_int_equal(kver_check("..", 2, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
