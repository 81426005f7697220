/* inroot: paths resolved inside a directory as if it were "/", by openat2 and by the
 * walk for kernels before 5.6 — both must agree, and neither may leave the root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/inroot.h"

static char top[64];
static int rootfd = -1;

static void mk(const char *kind, const char *path, const char *target)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/root/%s", top, path);
	if (!strcmp(kind, "dir"))
		assert_int_equal(mkdir(full, 0755), 0);
	else if (!strcmp(kind, "file")) {
		int fd = open(full, O_WRONLY | O_CREAT | O_EXCL, 0755);

		assert_true(fd >= 0);
		close(fd);
	} else {
		assert_int_equal(symlink(target, full), 0);
	}
}

/* A root as merged-/usr Debian lays it out, plus traps that lead outside. */
static int setup(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(top, sizeof(top), "/tmp/sprout-inroot-XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(path, sizeof(path), "%s/root", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/outside", top); /* a file next to the root */
	close(open(path, O_WRONLY | O_CREAT, 0644));
	mk("dir", "usr", NULL);
	mk("dir", "usr/sbin", NULL);
	mk("dir", "usr/lib", NULL);
	mk("dir", "usr/lib/systemd", NULL);
	mk("file", "usr/lib/systemd/systemd", NULL);
	mk("link", "sbin", "usr/sbin");                          /* relative */
	mk("link", "lib", "usr/lib");
	mk("link", "usr/sbin/init", "/lib/systemd/systemd");     /* absolute: inside the root */
	mk("link", "usr/sbin/up", "../../../../outside");        /* .. past the root */
	mk("link", "usr/sbin/abs-out", "/../outside");
	mk("link", "loop", "loop");
	mk("link", "dangling", "/nowhere");
	snprintf(path, sizeof(path), "%s/root", top);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* The inode of root/path as seen from outside (no symlink follows), or 0. */
static ino_t ino_of(const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	snprintf(full, sizeof(full), "%s/root/%s", top, path);
	return lstat(full, &st) == 0 ? st.st_ino : 0;
}

struct lookup {
	const char *path;
	int rc;              /* 0: found, as the file `is` */
	const char *is;
};

static const struct lookup lookups[] = {
	{ "/sbin/init", 0, "usr/lib/systemd/systemd" },
	{ "sbin/init", 0, "usr/lib/systemd/systemd" },
	{ "//sbin/./init", 0, "usr/lib/systemd/systemd" },
	{ "/usr/sbin/../lib/systemd/systemd", 0, "usr/lib/systemd/systemd" },
	{ "/../../usr/lib/systemd/systemd", 0, "usr/lib/systemd/systemd" },
	{ "/", 0, "." },
	{ "/usr/sbin/up", -ENOENT, NULL },        /* would be ../outside: stays in, not found */
	{ "/usr/sbin/abs-out", -ENOENT, NULL },
	{ "/../outside", -ENOENT, NULL },
	{ "/loop", -ELOOP, NULL },
	{ "/dangling", -ENOENT, NULL },
	{ "/usr/lib/systemd/systemd/x", -ENOTDIR, NULL },
	{ "/nope/init", -ENOENT, NULL },
};

static void check_all(bool walk)
{
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		const struct lookup *l = &lookups[i];
		int fd = inroot_open(rootfd, l->path, walk);

		if (l->rc < 0) {
			assert_int_equal(fd, l->rc);
			continue;
		}
		if (fd < 0)
			print_message("%s: %s\n", l->path, strerror(-fd));
		assert_true(fd >= 0);
		struct stat st;

		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_ino, ino_of(l->is));
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
}

static void test_openat2(void **state)
{
	(void)state;
	check_all(false);
}

/* the path for kernels before 5.6 gives the same answers */
static void test_walk(void **state)
{
	char longname[NAME_MAX + 3];

	(void)state;
	check_all(true);
	assert_int_equal(inroot_open(rootfd, "", true), -ENOENT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(inroot_open(rootfd, longname, true), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openat2),
		cmocka_unit_test(test_walk),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
