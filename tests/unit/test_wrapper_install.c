/* Unit tests for wrapper_install: sprout-init in and out of a root's /sbin/init, on a
 * tree in /tmp shaped like Debian 12's (/sbin -> usr/sbin, init -> a symlink). */
#include <errno.h>
#include <fcntl.h>
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

#include "initmode.h"
#include "wrapper_install.h"

#include "testutil.h"

static char top[64], root[96], fake[128], path[2][256];

static void put(const char *p, const char *text, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* root/rel; two buffers in turn, so rename(at(a), at(b)) works */
static const char *at(const char *rel)
{
	static int k;

	k = !k;
	snprintf(path[k], sizeof(path[k]), "%s/%s", root, rel);
	return path[k];
}

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/sprout-wrapinst-XXXXXX");
	assert_non_null(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(fake, sizeof(fake), "%s/sprout-init", top);
	put(fake, "\177ELF..." INITMODE_BINARY_MARK "...", 0755);
	mkdir(root, 0755);
	mkdir(at("usr"), 0755);
	mkdir(at("usr/sbin"), 0755);
	mkdir(at("lib"), 0755);
	mkdir(at("lib/systemd"), 0755);
	put(at("lib/systemd/systemd"), "systemd", 0755);
	assert_int_equal(symlink("usr/sbin", at("sbin")), 0);
	/* absolute: followed on the host it would leave the tree */
	assert_int_equal(symlink("/lib/systemd/systemd", at("usr/sbin/init")), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

static void test_install_uninstall(void **state)
{
	char err[512], what[256], link[64];
	struct stat before, st;
	ssize_t k;

	(void)state;
	assert_int_equal(lstat(at("usr/sbin/init"), &before), 0);
	assert_int_equal(wrapper_install(root, fake, what, sizeof(what), err, sizeof(err)), 0);
	assert_string_equal(what, "a symlink to /lib/systemd/systemd");
	assert_int_equal(lstat(at("usr/sbin/init"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(at("usr/sbin/init.real"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_ino, before.st_ino); /* moved, not copied */
	assert_int_equal(access(at("usr/sbin/.init.sprout-new"), F_OK), -1);

	/* twice: refused, nothing changed */
	assert_int_equal(wrapper_install(root, fake, NULL, 0, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "init.real exists already"));
	assert_int_equal(lstat(at("usr/sbin/init.real"), &st), 0);
	assert_int_equal(st.st_ino, before.st_ino);

	assert_int_equal(wrapper_uninstall(root, err, sizeof(err)), 0);
	assert_int_equal(lstat(at("usr/sbin/init"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_ino, before.st_ino);
	k = readlink(at("usr/sbin/init"), link, sizeof(link) - 1);
	assert_true(k > 0);
	link[k] = '\0';
	assert_string_equal(link, "/lib/systemd/systemd");
	assert_int_equal(access(at("usr/sbin/init.real"), F_OK), -1);

	/* again: /sbin/init is not ours */
	assert_int_equal(wrapper_uninstall(root, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is not a sprout-init"));
}

static void test_refusals(void **state)
{
	char err[512];
	struct stat st;

	(void)state;
	/* not a sprout-init */
	assert_int_equal(wrapper_install(root, at("lib/systemd/systemd"), NULL, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "is not a sprout-init"));
	assert_int_equal(wrapper_install(root, "/nonexistent/x", NULL, 0, err, sizeof(err)), -ENOENT);
	/* no such root */
	assert_int_equal(wrapper_install("/nonexistent/root", fake, NULL, 0, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "--root /nonexistent/root"));

	/* init.real gone while installed: uninstall refuses and leaves sprout-init */
	assert_int_equal(wrapper_install(root, fake, NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(rename(at("usr/sbin/init.real"), at("usr/sbin/init.saved")), 0);
	assert_int_equal(wrapper_uninstall(root, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no real init to put back"));
	assert_int_equal(lstat(at("usr/sbin/init"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	/* sprout-init with no init.real: install refuses too */
	assert_int_equal(wrapper_install(root, fake, NULL, 0, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "is a sprout-init already"));
	assert_int_equal(rename(at("usr/sbin/init.saved"), at("usr/sbin/init.real")), 0);
	assert_int_equal(wrapper_uninstall(root, err, sizeof(err)), 0);

	/* no init at all */
	assert_int_equal(rename(at("usr/sbin/init"), at("usr/sbin/init.saved")), 0);
	assert_int_equal(wrapper_install(root, fake, NULL, 0, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "there is no init to wrap"));
	assert_int_equal(access(at("usr/sbin/init.real"), F_OK), -1);
	assert_int_equal(rename(at("usr/sbin/init.saved"), at("usr/sbin/init")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_uninstall),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
