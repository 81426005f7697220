/* overlay: the overlayfs and tmpfs mount data built for the RAM layer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/array.h"
#include "overlay.h"

static void test_mount_data(void **state)
{
	char out[512];

	(void)state;
	int n = overlay_mount_data("/run/sprout/lower", "/run/sprout/upper", out, sizeof(out));

	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(out, "lowerdir=/run/sprout/lower,upperdir=/run/sprout/upper/root,"
				 "workdir=/run/sprout/upper/work,index=off,xino=off,redirect_dir=off,metacopy=off");
	/* separators inside a path would be read as more options or layers */
	assert_int_equal(overlay_mount_data("/a:b", "/u", out, sizeof(out)), -EINVAL);
	assert_int_equal(overlay_mount_data("/a", "/u,x=1", out, sizeof(out)), -EINVAL);
	/* too small: an error and an empty string, never a cut option list */
	assert_int_equal(overlay_mount_data("/run/sprout/lower", "/run/sprout/upper", out, 40), -ENAMETOOLONG);
	assert_string_equal(out, "");
}

struct tmpfs_case {
	const char *size;
	int rc;
	const char *data;
};

static const struct tmpfs_case tmpfs_cases[] = {
	{ "", 0, "mode=0755,size=50%" },
	{ NULL, 0, "mode=0755,size=50%" },
	{ "25%", 0, "mode=0755,size=25%" },
	{ "512M", 0, "mode=0755,size=536870912" },
	{ "2G", 0, "mode=0755,size=2147483648" },
	{ "64k", 0, "mode=0755,size=65536" },
	{ "0", -EINVAL, NULL },
	{ "101%", -EINVAL, NULL },
	{ "-1G", -EINVAL, NULL },
	{ "1X", -EINVAL, NULL },
	{ "50 %", -EINVAL, NULL },
};

static void test_tmpfs_data(void **state)
{
	char out[128], err[160];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(tmpfs_cases); i++) {
		const struct tmpfs_case *c = &tmpfs_cases[i];
		int rc = overlay_tmpfs_data(c->size, out, sizeof(out), err, sizeof(err));

		if (c->rc == 0) {
			assert_true(rc > 0);
			assert_string_equal(out, c->data);
		} else {
			assert_int_equal(rc, c->rc);
			assert_non_null(strstr(err, "sprout.overlay.size="));
		}
	}
	assert_int_equal(overlay_tmpfs_data("2G", out, 10, err, sizeof(err)), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_data),
		cmocka_unit_test(test_tmpfs_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
