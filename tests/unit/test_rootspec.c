/* rootspec: every form of root= the kernel and udev know, and the refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/array.h"
#include "rootspec.h"

struct good {
	const char *spec;
	enum rootspec_kind kind;
	const char *value;
	unsigned major, minor;
};

static const struct good goods[] = {
	{ "/dev/vda", ROOT_PATH, "/dev/vda", 0, 0 },
	{ "/dev/mapper/vg-root", ROOT_PATH, "/dev/mapper/vg-root", 0, 0 },
	{ "UUID=0a1b2c3d-1111-2222-3333-444455556666", ROOT_UUID, "0a1b2c3d-1111-2222-3333-444455556666", 0, 0 },
	{ "LABEL=my root", ROOT_LABEL, "my root", 0, 0 },
	{ "PARTUUID=5f1e0000-aaaa-bbbb-cccc-000000000001", ROOT_PARTUUID, "5f1e0000-aaaa-bbbb-cccc-000000000001", 0, 0 },
	{ "PARTLABEL=sproutroot", ROOT_PARTLABEL, "sproutroot", 0, 0 },
	{ "254:1", ROOT_DEVNUM, "254:1", 254, 1 },
	{ "8:0", ROOT_DEVNUM, "8:0", 8, 0 },
	{ "/dev/disk/by-uuid/abcd-ef01", ROOT_UUID, "abcd-ef01", 0, 0 },
	{ "/dev/disk/by-label/my\\x20root", ROOT_LABEL, "my root", 0, 0 },
	{ "/dev/disk/by-partlabel/a\\x2fb", ROOT_PARTLABEL, "a/b", 0, 0 },
	{ "/dev/disk/by-partuuid/1234", ROOT_PARTUUID, "1234", 0, 0 },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(goods); i++) {
		struct rootspec rs;

		assert_int_equal(rootspec_parse(goods[i].spec, &rs), 0);
		assert_int_equal(rs.kind, goods[i].kind);
		assert_string_equal(rs.value, goods[i].value);
		assert_int_equal(rs.major, goods[i].major);
		assert_int_equal(rs.minor, goods[i].minor);
	}
}

static void test_bad(void **state)
{
	static const char *const bads[] = { "", "UUID=", "LABEL=", "vda1", "nonsense=1", "254:",
					    ":1", "4096:1", "1:99999999", "12345678901234567890:1",
					    "/dev/disk/by-uuid/", "254:1x" };
	struct rootspec rs;

	(void)state;
	assert_int_equal(rootspec_parse(NULL, &rs), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++)
		assert_int_equal(rootspec_parse(bads[i], &rs), -EINVAL);
}

static void test_too_long(void **state)
{
	char spec[600];
	struct rootspec rs;

	(void)state;
	memset(spec, 'a', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	memcpy(spec, "LABEL=", 6);
	assert_int_equal(rootspec_parse(spec, &rs), -ENAMETOOLONG);
	spec[0] = '/';
	assert_int_equal(rootspec_parse(spec, &rs), -ENAMETOOLONG);
}

static void test_match(void **state)
{
	struct rootspec rs;

	(void)state;
	assert_int_equal(rootspec_parse("UUID=ABCD-EF01", &rs), 0);
	assert_true(rootspec_match(&rs, "abcd-ef01"));
	assert_false(rootspec_match(&rs, "abcd-ef02"));
	assert_false(rootspec_match(&rs, ""));
	assert_false(rootspec_match(&rs, NULL));
	assert_int_equal(rootspec_parse("LABEL=Root", &rs), 0);
	assert_true(rootspec_match(&rs, "Root"));
	assert_false(rootspec_match(&rs, "root")); /* labels are case-sensitive */
	assert_string_equal(rootspec_kind_name(ROOT_PARTLABEL), "PARTLABEL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
