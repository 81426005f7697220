/* procswaps: /proc/swaps lines, escapes, limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "procswaps.h"

static void test_parse(void **state)
{
	static const char text[] =
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		"/dev/dm-3                               partition\t131068\t\t0\t\t-2\n"
		"/var/swap\\040file\tfile\t\t65532\t\t12\t\t5\n"
		"\n";
	struct procswap s[4];

	(void)state;
	assert_int_equal(procswaps_parse(text, strlen(text), s, 4), 2);
	assert_string_equal(s[0].path, "/dev/dm-3");
	assert_string_equal(s[0].type, "partition");
	assert_int_equal(s[0].size_kib, 131068);
	assert_int_equal(s[0].used_kib, 0);
	assert_int_equal(s[0].priority, -2);
	assert_string_equal(s[1].path, "/var/swap file");
	assert_string_equal(s[1].type, "file");
	assert_int_equal(s[1].priority, 5);
	/* the heading alone; nothing at all */
	assert_int_equal(procswaps_parse(text, (size_t)(strchr(text, '\n') - text + 1), s, 4), 0);
	assert_int_equal(procswaps_parse("", 0, s, 4), 0);
}

static void test_bad(void **state)
{
	static const struct {
		const char *text;
		int want;
	} t[] = {
		{ "/dev/vda2 partition 1024 0\n", -EBADMSG },            /* a field missing */
		{ "/dev/vda2 partition 1024 0 -2 x\n", -EBADMSG },       /* one too many */
		{ "/dev/vda2 partition 1k 0 -2\n", -EBADMSG },
		{ "/dev/vda2 partition 1024 -1 -2\n", -EBADMSG },
		{ "/dev/vda2 partition 1024 0 99999999999\n", -EBADMSG },
		{ "/dev/a\\000b partition 1 0 0\n", -EBADMSG },          /* an escaped NUL */
		{ "/dev/vda2 swap\\040file 1 0 0\n", -EBADMSG },       /* a blank escaped into the type */
		{ "/dev/vda2 partitionpartitionpartition 1 0 0\n", -ENAMETOOLONG },
		{ "a p 1 0 0\nb p 1 0 0\nc p 1 0 0\n", -E2BIG },
		{ "Filename Type\n/dev/vda2 partition 1 0 0\n", 1 },     /* only the first line is a heading */
		{ "/dev/vda2 partition 1 0 0\nFilename Type\n", -EBADMSG },
	};
	struct procswap s[2];
	char longpath[PROCSWAPS_PATH + 32];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = procswaps_parse(t[i].text, strlen(t[i].text), s, 2);

		if (r != t[i].want)
			fail_msg("case %zu: %d, want %d", i, r, t[i].want);
	}
	memset(longpath, 'a', sizeof(longpath));
	memcpy(longpath + sizeof(longpath) - 12, " p 1 0 0\n", 10);
	assert_int_equal(procswaps_parse(longpath, strlen(longpath), s, 2), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
