/* Unit tests for nfsowners (the verdict on an NFS root's owners) and rootowners (the
 * check after the mount, on a directory made here, with the logger's lines). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nfsowners.h"
#include "rootowners.h"

#define TESTUTIL_LOG
#include "testutil.h"

#define NB NFSOWNERS_NFS_NOBODY

static void test_judge_table(void **state)
{
	static const struct {
		unsigned vers;
		struct nfsowners_file f[2];
		enum nfsowners_verdict v;
		size_t which;
	} t[] = {
		/* numeric owners (kernel nfsd, ganesha with Only_Numeric_Owners) */
		{ 4, { { "/etc/passwd", true, 0, 0 }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_OK, 2 },
		/* owner names with no mapper: nobody as the NFS client has it, or as a mapper does */
		{ 4, { { "/etc/passwd", true, NB, NB }, { "/sbin/init", true, NB, NB } }, NFSOWNERS_UNMAPPED, 0 },
		{ 4, { { "/etc/passwd", true, 65534, 65534 }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_UNMAPPED, 0 },
		{ 4, { { "/etc/passwd", true, 0, 0 }, { "/sbin/init", true, NB, 0 } }, NFSOWNERS_UNMAPPED, 1 },
		/* users mapped, groups not */
		{ 4, { { "/etc/passwd", true, 0, NB }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_UNMAPPED, 0 },
		/* a missing file says nothing; the other decides */
		{ 4, { { "/etc/passwd", false, 0, 0 }, { "/sbin/init", true, NB, NB } }, NFSOWNERS_UNMAPPED, 1 },
		{ 4, { { "/etc/passwd", false, NB, NB }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_OK, 2 },
		{ 4, { { "/etc/passwd", false, 0, 0 }, { "/sbin/init", false, 0, 0 } }, NFSOWNERS_UNKNOWN, 2 },
		/* another owner: a tree copied without owners; nobody outranks it */
		{ 4, { { "/etc/passwd", true, 1000, 1000 }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_NOT_ROOT, 0 },
		{ 4, { { "/etc/passwd", true, 1000, 0 }, { "/sbin/init", true, NB, NB } }, NFSOWNERS_UNMAPPED, 1 },
		/* a group other than root alone is no reason to speak */
		{ 4, { { "/etc/passwd", true, 0, 42 }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_OK, 2 },
		/* NFSv3 carries numbers: never judged */
		{ 3, { { "/etc/passwd", true, NB, NB }, { "/sbin/init", true, NB, NB } }, NFSOWNERS_NOT_V4, 2 },
		{ 2, { { "/etc/passwd", true, 1000, 0 }, { "/sbin/init", true, 0, 0 } }, NFSOWNERS_NOT_V4, 2 },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		size_t which = 99;

		assert_int_equal(nfsowners_judge(t[i].vers, t[i].f, 2, &which), t[i].v);
		assert_int_equal(which, t[i].which);
		assert_int_equal(nfsowners_judge(t[i].vers, t[i].f, 2, NULL), t[i].v);
	}
	assert_int_equal(nfsowners_judge(4, NULL, 0, NULL), NFSOWNERS_UNKNOWN);
	assert_true(nfsowners_is_nobody(NB));
	assert_true(nfsowners_is_nobody(65534));
	assert_false(nfsowners_is_nobody(0));
	assert_false(nfsowners_is_nobody(4294967295u));
}

/* rootowners_check on a tree made here: the test runs as root or not, so the owners
 * the check sees are set with chown where it can, else are whoever we are. */
static char dir[] = "/tmp/sprout-test-nfsowners.XXXXXX";

/* lines logged since the last log_reset() */
static int warnings(void)
{
	return count_logged("\n");
}

static void test_check_tree(void **state)
{
	static struct boot b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(shell("mkdir -p %s/etc %s/sbin %s/lib && echo root:x:0:0::/:/bin/sh >%s/etc/passwd "
			       "&& touch %s/lib/init && chmod 755 %s/lib/init && ln -s /lib/init %s/sbin/init",
			       dir, dir, dir, dir, dir, dir, dir), 0);
	snprintf(b.root_type, sizeof(b.root_type), "nfs4");
	log_reset();
	if (geteuid() == 0) {
		/* owned by root: nothing to say */
		rootowners_check(&b, dir);
		assert_int_equal(warnings(), 0);
		/* NFSv3: never judged, whoever owns it */
		assert_int_equal(shell("chown -h 65534:65534 %s/etc/passwd %s/lib/init", dir, dir), 0);
		snprintf(b.root_type, sizeof(b.root_type), "nfs");
		rootowners_check(&b, dir);
		assert_int_equal(warnings(), 0);
		snprintf(b.root_type, sizeof(b.root_type), "nfs4");
		/* the init behind the symlink is what counts: only it owned by nobody */
		assert_int_equal(shell("chown 0:0 %s/etc/passwd && chown -h 0:0 %s/sbin/init", dir, dir), 0);
	}
	rootowners_check(&b, dir);
	if (geteuid() == 0) {
		assert_int_equal(warnings(), 3);
		assert_non_null(strstr(logged, "/sbin/init shows as owned by 65534:65534 (nobody)"));
		assert_non_null(strstr(logged, "Only_Numeric_Owners = true;"));
	} else {
		assert_int_equal(warnings(), 1); /* not root: owned by us, another uid */
		assert_non_null(strstr(logged, "/etc/passwd is owned by"));
	}
	/* once per boot */
	log_reset();
	rootowners_check(&b, dir);
	assert_int_equal(warnings(), 0);
	assert_int_equal(shell("rm -rf %s", dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_table),
		cmocka_unit_test(test_check_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
