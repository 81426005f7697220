/* rootimage_build: the pure parts of `sprout image build|publish`: the mkfs command
 * lines (reproducible options, no shell), the .sha256 line, the same-directory rule. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rootimage_build.h"

static int has(char **argv, const char *a, const char *b)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], a) && (!b || (argv[i + 1] && !strcmp(argv[i + 1], b))))
			return 1;
	return 0;
}

static void test_squashfs_argv(void **state)
{
	char *argv[ROOTIMAGE_ARGV_MAX], buf[64];
	int n;

	(void)state;
	n = rootimage_argv(ROOTIMAGE_SQUASHFS, "tree dir", "out/img.tmp", 1700000000, argv, buf, sizeof(buf));
	assert_true(n > 3 && n < ROOTIMAGE_ARGV_MAX);
	assert_null(argv[n]);
	assert_string_equal(argv[0], "mksquashfs");
	assert_string_equal(argv[1], "tree dir"); /* one word, as given: no shell */
	assert_string_equal(argv[2], "out/img.tmp");
	assert_true(has(argv, "-noappend", NULL));
	assert_true(has(argv, "-mkfs-time", "1700000000"));
	assert_true(has(argv, "-all-time", "1700000000"));
	assert_true(has(argv, "-comp", "zstd"));
	assert_true(has(argv, "-no-progress", NULL));
	/* owners are kept: nothing forces them to root */
	assert_false(has(argv, "-all-root", NULL));
	assert_false(has(argv, "-root-owned", NULL));
	assert_false(has(argv, "-force-uid", NULL));
}

static void test_erofs_argv(void **state)
{
	char *argv[ROOTIMAGE_ARGV_MAX], buf[64];
	int n;

	(void)state;
	n = rootimage_argv(ROOTIMAGE_EROFS, "/srv/tree", "/srv/img.tmp", 0, argv, buf, sizeof(buf));
	assert_true(n > 3);
	assert_null(argv[n]);
	assert_string_equal(argv[0], "mkfs.erofs");
	assert_string_equal(argv[n - 2], "/srv/img.tmp");
	assert_string_equal(argv[n - 1], "/srv/tree");
	assert_true(has(argv, "-T0", NULL));
	assert_true(has(argv, "-U00000000-0000-0000-0000-000000000000", NULL));
	assert_false(has(argv, "--all-root", NULL));
	assert_string_equal(rootimage_tool(ROOTIMAGE_EROFS), "mkfs.erofs");
	assert_string_equal(rootimage_package(ROOTIMAGE_EROFS), "erofs-utils");
	assert_string_equal(rootimage_package(ROOTIMAGE_SQUASHFS), "squashfs-tools");
}

static void test_argv_small_buffer(void **state)
{
	char *argv[ROOTIMAGE_ARGV_MAX], buf[8];

	(void)state;
	assert_int_equal(rootimage_argv(ROOTIMAGE_SQUASHFS, "d", "o", 4000000000u, argv, buf, 4), -ENAMETOOLONG);
	/* erofs needs the number twice: once bare, once as -T# */
	assert_int_equal(rootimage_argv(ROOTIMAGE_EROFS, "d", "o", 1234567, argv, buf, sizeof(buf)), -ENAMETOOLONG);
}

static void test_sha256_line(void **state)
{
	uint8_t d[SHA256_LEN];
	char line[128], small[40];
	struct sha256 c;

	(void)state;
	sha256_init(&c);
	sha256_update(&c, "abc", 3);
	sha256_final(&c, d);
	assert_int_equal(rootimage_sha256_line(d, "/srv/images/root-v2.sqfs", line, sizeof(line)), 64 + 2 + 12 + 1);
	assert_string_equal(line, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  root-v2.sqfs\n");
	assert_int_equal(rootimage_sha256_line(d, "plain", line, sizeof(line)), 64 + 2 + 5 + 1);
	assert_string_equal(line + 64, "  plain\n");
	assert_int_equal(rootimage_sha256_line(d, "plain", small, sizeof(small)), -ENAMETOOLONG);
	/* what it writes, the init's parser reads back */
	{
		uint8_t back[SHA256_LEN];

		rootimage_sha256_line(d, "x", line, sizeof(line));
		assert_int_equal(sha256_parse_hex(line, strlen(line), back), 0);
		assert_memory_equal(back, d, SHA256_LEN);
	}
}

static void test_same_dir(void **state)
{
	(void)state;
	assert_true(rootimage_same_dir("root-v2.sqfs", "root.sqfs"));
	assert_true(rootimage_same_dir("./root-v2.sqfs", "root.sqfs"));
	assert_true(rootimage_same_dir("/srv/img/root-v2.sqfs", "/srv/img/root.sqfs"));
	assert_true(rootimage_same_dir("/srv/img//root-v2.sqfs", "/srv/img/root.sqfs"));
	assert_true(rootimage_same_dir("/a", "/b"));
	assert_false(rootimage_same_dir("/srv/img/root-v2.sqfs", "/srv/other/root.sqfs"));
	assert_false(rootimage_same_dir("/srv/img/root-v2.sqfs", "root.sqfs"));
	assert_false(rootimage_same_dir("sub/root-v2.sqfs", "root.sqfs"));
	assert_false(rootimage_same_dir("/x", "x"));
	assert_string_equal(rootimage_base("/srv/img/root.sqfs"), "root.sqfs");
	assert_string_equal(rootimage_base("root.sqfs"), "root.sqfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_squashfs_argv), cmocka_unit_test(test_erofs_argv),
		cmocka_unit_test(test_argv_small_buffer), cmocka_unit_test(test_sha256_line),
		cmocka_unit_test(test_same_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
