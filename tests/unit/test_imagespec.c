/* Unit tests for imagespec: the forms of sprout.image=, /proc/meminfo, the toram budget. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "imagespec.h"

#include "testutil.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_forms(void **state)
{
	static const struct {
		const char *in;
		int ret;
		enum imagespec_kind kind;
		enum rootspec_kind dev;
		const char *dev_value, *path, *err_has;
	} t[] = {
		{ "/images/root.sqfs", 0, IMAGE_NFS, 0, "", "/images/root.sqfs", NULL },
		{ "/r", 0, IMAGE_NFS, 0, "", "/r", NULL },
		{ "LABEL=data:/images/root.sqfs", 0, IMAGE_DEVICE, ROOT_LABEL, "data", "/images/root.sqfs", NULL },
		{ "/dev/vdb:/root.sqfs", 0, IMAGE_DEVICE, ROOT_PATH, "/dev/vdb", "/root.sqfs", NULL },
		{ "UUID=5a-6b:/a/b.erofs", 0, IMAGE_DEVICE, ROOT_UUID, "5a-6b", "/a/b.erofs", NULL },
		{ "254:1:/x.img", 0, IMAGE_DEVICE, ROOT_DEVNUM, "", "/x.img", NULL },
		{ "PARTLABEL=a:b:/c", 0, IMAGE_DEVICE, ROOT_PARTLABEL, "a:b", "/c", NULL },
		{ "/a/..b/c.d", 0, IMAGE_NFS, 0, "", "/a/..b/c.d", NULL },
		{ "http://10.0.0.1,10.0.0.2/root.sqfs", 0, IMAGE_HTTP, 0, "", "", NULL },
		/* refused */
		{ "", -EINVAL, 0, 0, "", "", "expected /PATH" },
		{ "root.sqfs", -EINVAL, 0, 0, "", "", "expected /PATH" },
		{ "/", -EINVAL, 0, 0, "", "", "must be absolute" },
		{ "/a//b", -EINVAL, 0, 0, "", "", "without \".\", \"..\" or empty parts" },
		{ "/a/../b", -EINVAL, 0, 0, "", "", "empty parts" },
		{ "/a/./b", -EINVAL, 0, 0, "", "", "empty parts" },
		{ "/a/", -EINVAL, 0, 0, "", "", "empty parts" },
		{ "/..", -EINVAL, 0, 0, "", "", "empty parts" },
		{ "LABEL=data:/", -EINVAL, 0, 0, "", "", "must be absolute" },
		{ "LABEL=data:/../etc/x", -EINVAL, 0, 0, "", "", "empty parts" },
		{ "FOO=bar:/x", -EINVAL, 0, 0, "", "", "is no device" },
		{ ":/x", -EINVAL, 0, 0, "", "", "is no device" },
		{ "http://", -EINVAL, 0, 0, "", "", "no server after http://" },
		{ "https://10.0.0.1/root.sqfs", -EINVAL, 0, 0, "", "", "no TLS" },
		{ "http://images.example/root.sqfs", -EINVAL, 0, 0, "", "", "DNS" },
		{ "/a\x1b[2J", 0, IMAGE_NFS, 0, "", "/a\x1b[2J", NULL },
	};
	char err[IMAGESPEC_ERR_LEN];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct imagespec s;
		int r;

		memset(&s, 0x55, sizeof(s));
		err[0] = '\0';
		r = imagespec_parse(t[i].in, strlen(t[i].in), &s, err, sizeof(err));
		if (r != t[i].ret)
			fail_msg("case %zu '%s': %d want %d (%s)", i, t[i].in, r, t[i].ret, err);
		if (r < 0) {
			if (!strstr(err, t[i].err_has) || !strstr(err, "sprout.image="))
				fail_msg("case %zu: message '%s' lacks '%s'", i, err, t[i].err_has);
			continue;
		}
		assert_int_equal(s.kind, t[i].kind);
		if (s.kind == IMAGE_HTTP)
			continue;
		assert_string_equal(s.path, t[i].path);
		if (s.kind == IMAGE_DEVICE) {
			assert_int_equal(s.dev.kind, t[i].dev);
			if (t[i].dev != ROOT_DEVNUM)
				assert_string_equal(s.dev.value, t[i].dev_value);
		}
	}
}

static void test_limits(void **state)
{
	char buf[IMAGESPEC_MAX_PATH + 8], err[IMAGESPEC_ERR_LEN];
	struct imagespec s;

	(void)state;
	/* the longest path fits, one more byte does not */
	buf[0] = '/';
	memset(buf + 1, 'a', IMAGESPEC_MAX_PATH - 2);
	assert_int_equal(imagespec_parse(buf, IMAGESPEC_MAX_PATH - 1, &s, err, sizeof(err)), 0);
	assert_int_equal(strlen(s.path), IMAGESPEC_MAX_PATH - 1);
	buf[IMAGESPEC_MAX_PATH - 1] = 'a';
	assert_int_equal(imagespec_parse(buf, IMAGESPEC_MAX_PATH, &s, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "too long"));
	/* a NUL inside the value is refused, not cut */
	assert_int_equal(imagespec_parse("/a\0b", 4, &s, err, sizeof(err)), -EINVAL);
	/* a control byte is escaped in the message */
	assert_int_equal(imagespec_parse("x\n", 2, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "x\\x0a"));
	assert_int_equal(imagespec_parse("x", 1, &s, NULL, 0), -EINVAL);
	assert_string_equal(imagespec_kind_name(IMAGE_DEVICE), "local filesystem");
	assert_string_equal(imagespec_kind_name(IMAGE_NONE), "none");
}

static void test_meminfo(void **state)
{
	static const char good[] = "MemTotal:         394024 kB\nMemFree:          300000 kB\n"
				   "MemAvailable:     350000 kB\nBuffers:            1000 kB\n";
	uint64_t a = 1, t = 1;

	(void)state;
	assert_int_equal(imagespec_meminfo(good, strlen(good), &a, &t), 0);
	assert_true(a == 350000ull * 1024 && t == 394024ull * 1024);
	/* the last line may lack its newline */
	assert_int_equal(imagespec_meminfo(S("MemAvailable: 1 kB\nMemTotal: 2 kB"), &a, &t), 0);
	assert_true(a == 1024 && t == 2048);
	a = t = 7;
	assert_int_equal(imagespec_meminfo(S("MemTotal: 2 kB\n"), &a, &t), -EINVAL);
	assert_int_equal(imagespec_meminfo(S("MemAvailable: kB\nMemTotal: 2 kB\n"), &a, &t), -EINVAL);
	assert_int_equal(imagespec_meminfo(S("MemAvailable: 1 MB\nMemTotal: 2 kB\n"), &a, &t), -EINVAL);
	assert_int_equal(imagespec_meminfo(S("MemAvailable: 1 kB x\nMemTotal: 2 kB\n"), &a, &t), -EINVAL);
	assert_int_equal(imagespec_meminfo(S("MemAvailableX: 1 kB\nMemTotal: 2 kB\n"), &a, &t), -EINVAL);
	assert_int_equal(imagespec_meminfo(S("MemAvailable: 18014398509481984 kB\nMemTotal: 2 kB\n"), &a, &t),
			 -ERANGE);
	assert_int_equal(imagespec_meminfo(S("MemAvailable: 18014398509481983 kB\nMemTotal: 2 kB\n"), &a, &t), 0);
	assert_true(a == 18014398509481983ull * 1024);
	assert_int_equal(imagespec_meminfo("", 0, &a, &t), -EINVAL);
}

static void test_toram_fits(void **state)
{
	const uint64_t M = 1 << 20;

	(void)state;
	assert_int_equal(imagespec_toram_fits(100 * M, 300 * M, 128 * M), 0);
	assert_int_equal(imagespec_toram_fits(172 * M, 300 * M, 128 * M), 0);  /* exactly min left */
	assert_int_equal(imagespec_toram_fits(172 * M + 1, 300 * M, 128 * M), -ENOMEM); /* a page more */
	assert_int_equal(imagespec_toram_fits(0, 0, 0), 0);
	assert_int_equal(imagespec_toram_fits(1, 4095, 0), -ENOMEM);
	assert_int_equal(imagespec_toram_fits(1, 4096, 0), 0);
	assert_int_equal(imagespec_toram_fits(UINT64_MAX, UINT64_MAX, 0), -ENOMEM);
	assert_int_equal(imagespec_toram_fits(100 * M, 300 * M, UINT64_MAX), -ENOMEM);
}

static void test_needs_network(void **state)
{
	(void)state;
	assert_true(imagespec_needs_network("/images/root.sqfs"));
	assert_true(imagespec_needs_network("http://10.0.0.1,10.0.0.2*2/root.sqfs"));
	assert_false(imagespec_needs_network("LABEL=data:/images/root.sqfs"));
	assert_false(imagespec_needs_network(""));
	assert_false(imagespec_needs_network("images/relative")); /* refused: no network for it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs_network),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_toram_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
