/* Unit tests for the storage layers' own parts: how a degraded md array is described
 * (over a fake sysfs), and the passphrase prompt (over a pseudo-terminal: no echo, the
 * line without its end, a too-long line refused and wiped). */
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
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "passphrase.h"
#include "storage.h"

static char tree[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2], dir[PATH_MAX * 2], *slash;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(tree) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	if (text) {
		FILE *f = fopen(path, "we");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	} else {
		mkdir(path, 0755);
	}
}

static void test_md_degraded(void **state)
{
	char members[128], missing[128];
	int disks = 0;

	(void)state;
	snprintf(tree, sizeof(tree), "/tmp/sprout-test-storage.XXXXXX");
	assert_non_null(mkdtemp(tree));
	/* a RAID1 of 2 with only slot 0; a RAID5 of 4 missing 1 and 3; a whole one */
	put("block/md127/md/raid_disks", "2\n");
	put("block/md127/md/degraded", "1\n");
	put("block/md127/md/dev-vda/slot", "0\n");
	put("block/md5/md/raid_disks", "4\n");
	put("block/md5/md/degraded", "2\n");
	put("block/md5/md/dev-sdb1/slot", "2\n");
	put("block/md5/md/dev-sda1/slot", "0\n");
	put("block/md5/md/dev-sdc1/slot", "none\n");
	put("block/md0/md/raid_disks", "2\n");
	put("block/md0/md/degraded", "0\n");

	assert_int_equal(md_degraded(tree, "md127", members, sizeof(members), missing,
				     sizeof(missing), &disks), 1);
	assert_int_equal(disks, 2);
	assert_string_equal(members, "vda (slot 0)");
	assert_string_equal(missing, "slot 1");

	assert_int_equal(md_degraded(tree, "md5", members, sizeof(members), missing,
				     sizeof(missing), &disks), 2);
	assert_int_equal(disks, 4);
	assert_string_equal(missing, "slot 1, slot 3");
	assert_non_null(strstr(members, "sda1 (slot 0)"));
	assert_non_null(strstr(members, "sdb1 (slot 2)"));
	assert_non_null(strstr(members, "sdc1")); /* a spare: named, no slot */
	assert_null(strstr(members, "sdc1 (slot"));

	assert_int_equal(md_degraded(tree, "md0", members, sizeof(members), missing,
				     sizeof(missing), &disks), 0);
	assert_int_equal(md_degraded(tree, "md9", members, sizeof(members), missing,
				     sizeof(missing), &disks), -ENOENT);
	/* a member list that does not fit is said to, never cut */
	assert_int_equal(md_degraded(tree, "md5", members, 8, missing, sizeof(missing), &disks), 2);
	assert_string_equal(members, "...");
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
		assert_int_equal(system(cmd), 0);
	}
}

/* Reads everything the master side has within 200 ms. */
static size_t drain(int master, char *buf, size_t n)
{
	size_t len = 0;

	for (int i = 0; i < 20 && len + 1 < n; i++) {
		ssize_t k = read(master, buf + len, n - 1 - len);

		if (k > 0)
			len += (size_t)k;
		else
			usleep(10000);
	}
	buf[len] = '\0';
	return len;
}

/* One passphrase_read_at over a new pty, the typed text sent from the parent. */
static int over_pty(const char *typed, char *out, size_t n, char *seen, size_t seen_n)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char path[128];
	int r;

	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	assert_int_equal(ptsname_r(master, path, sizeof(path)), 0);
	fcntl(master, F_SETFL, O_NONBLOCK);
	/* typed ahead of the prompt would be flushed; type once the prompt is there */
	{
		int p[2];
		pid_t pid;

		assert_int_equal(pipe(p), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			char buf[256];
			size_t got = 0;

			close(p[0]);
			for (int i = 0; i < 200 && !strstr(buf, "): "); i++) {
				ssize_t k = read(master, buf + got, sizeof(buf) - 1 - got);

				if (k > 0)
					got += (size_t)k;
				buf[got] = '\0';
				usleep(5000);
			}
			if (write(master, typed, strlen(typed)) < 0)
				_exit(1);
			usleep(100000);
			got = drain(master, buf, sizeof(buf));
			if (write(p[1], buf, got) < 0)
				_exit(1);
			_exit(0);
		}
		close(p[1]);
		r = passphrase_read_at(path, "Passphrase for /dev/x (UUID 1): ", out, n);
		waitpid(pid, NULL, 0);
		seen[read(p[0], seen, seen_n - 1) > 0 ? strlen(seen) : 0] = '\0';
		close(p[0]);
	}
	close(master);
	return r;
}

static void test_passphrase(void **state)
{
	char out[16], seen[256];

	(void)state;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(over_pty("sprout-test\r", out, sizeof(out), seen, sizeof(seen)), 11);
	assert_string_equal(out, "sprout-test");
	assert_null(strstr(seen, "sprout-test")); /* never echoed */
	memset(seen, 0, sizeof(seen));
	assert_int_equal(over_pty("x\n", out, sizeof(out), seen, sizeof(seen)), 1);
	assert_string_equal(out, "x");
	memset(seen, 0, sizeof(seen));
	assert_int_equal(over_pty("a-much-too-long-passphrase\n", out, sizeof(out), seen,
				  sizeof(seen)), -ENAMETOOLONG);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0); /* wiped */
	assert_int_equal(passphrase_read_at("/nonexistent/tty", "p: ", out, sizeof(out)), -ENOENT);
	assert_int_equal(passphrase_read_at("/dev/null", "p: ", out, 1), -EINVAL);
	assert_int_equal(passphrase_read_at("/dev/null", "p: ", out, sizeof(out)), -ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_degraded),
		cmocka_unit_test(test_passphrase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
