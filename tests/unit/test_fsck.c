/* fsck: the checker for a filesystem type, its arguments per fsck.mode= and
 * fsck.repair=, and what each exit code leads to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fsck.h"

static void test_checker(void **state)
{
	(void)state;
	assert_string_equal(fsck_checker("ext4"), "/sbin/e2fsck");
	assert_string_equal(fsck_checker("ext3"), "/sbin/e2fsck");
	assert_string_equal(fsck_checker("ext2"), "/sbin/e2fsck");
	assert_null(fsck_checker("xfs"));
	assert_null(fsck_checker("nfs"));
	assert_null(fsck_checker("ext4x"));
	assert_null(fsck_checker(""));
}

static void test_argv(void **state)
{
	static const struct {
		enum cmdline_fsck_mode mode;
		enum cmdline_fsck_repair repair;
		const char *want;
	} t[] = {
		{ FSCK_MODE_AUTO, FSCK_REPAIR_PREEN, "/sbin/e2fsck -p /dev/vda" },
		{ FSCK_MODE_FORCE, FSCK_REPAIR_PREEN, "/sbin/e2fsck -p -f /dev/vda" },
		{ FSCK_MODE_AUTO, FSCK_REPAIR_YES, "/sbin/e2fsck -y /dev/vda" },
		{ FSCK_MODE_FORCE, FSCK_REPAIR_NO, "/sbin/e2fsck -n -f /dev/vda" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *argv[FSCK_MAX_ARGS];
		char line[128] = "";
		size_t len = 0;
		int n = fsck_argv(FSCK_E2FSCK, t[i].mode, t[i].repair, "/dev/vda", argv);

		assert_true(n > 0 && n < FSCK_MAX_ARGS);
		assert_null(argv[n]);
		for (int k = 0; k < n; k++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", k ? " " : "",
						argv[k]);
		assert_string_equal(line, t[i].want);
	}
}

static void test_action(void **state)
{
	(void)state;
	assert_int_equal(fsck_action_for(0), FSCK_GO_ON);
	assert_int_equal(fsck_action_for(1), FSCK_CORRECTED);
	assert_int_equal(fsck_action_for(2), FSCK_REBOOT);
	assert_int_equal(fsck_action_for(3), FSCK_REBOOT);
	assert_int_equal(fsck_action_for(4), FSCK_FAILED);
	assert_int_equal(fsck_action_for(8), FSCK_FAILED);
	assert_int_equal(fsck_action_for(12), FSCK_FAILED);
	assert_int_equal(fsck_action_for(127), FSCK_FAILED);   /* could not be executed */
	assert_int_equal(fsck_action_for(-1), FSCK_FAILED);    /* a signal, a timeout */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_action),
	};

	return cmocka_run_group_tests_name("fsck", tests, NULL, NULL);
}
