/* The test kernel for unit tests that need its real modules (test_kmodsel, test_build).
 * KVER and MODDIR come from the environment: tests/run.sh exports them from
 * `scripts/test-kernel.sh --env`; by hand: eval "$(scripts/test-kernel.sh --env)";
 * export KVER MODDIR. A release is never written into a test. */
#ifndef SPROUT_TESTKERNEL_H
#define SPROUT_TESTKERNEL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct test_kernel {
	const char *kver;    /* NULL: no test kernel, and none required (tests may skip) */
	const char *moddir;  /* the kernel's /lib/modules/KVER, with modules.dep */
};

/* 0 with k filled, or with k->kver NULL when there is no test kernel and
 * SPROUT_REQUIRE_KERNEL is not 1 (a contributor without one may skip). -1 after a
 * message on stderr when the kernel is asked for (variables set, or make check's
 * SPROUT_REQUIRE_KERNEL=1) but its modules are not there: the test then fails. */
static inline int test_kernel_find(struct test_kernel *k)
{
	const char *kver = getenv("KVER"), *moddir = getenv("MODDIR");
	const char *req = getenv("SPROUT_REQUIRE_KERNEL");
	bool required = req && strcmp(req, "1") == 0;
	char dep[4096];

	k->kver = k->moddir = NULL;
	if ((!kver || !*kver) && (!moddir || !*moddir)) {
		if (!required)
			return 0;
		fprintf(stderr, "test kernel: KVER and MODDIR are not set, and "
			"SPROUT_REQUIRE_KERNEL=1 asks for them: run the tests with tests/run.sh, or "
			"eval \"$(scripts/test-kernel.sh --env)\"; export KVER MODDIR\n");
		return -1;
	}
	if (!kver || !*kver || !moddir || !*moddir || strchr(kver, '/')) {
		fprintf(stderr, "test kernel: KVER=\"%s\" MODDIR=\"%s\": both are needed "
			"(from scripts/test-kernel.sh --env)\n", kver ? kver : "",
			moddir ? moddir : "");
		return -1;
	}
	snprintf(dep, sizeof(dep), "%s/modules.dep", moddir);
	if (access(dep, R_OK) != 0 || access("/sbin/depmod", X_OK) != 0) {
		fprintf(stderr, "test kernel: %s %s (KVER=%s); run scripts/test-kernel.sh\n",
			access(dep, R_OK) != 0 ? dep : "/sbin/depmod",
			access(dep, R_OK) != 0 ? "is missing" : "is not executable", kver);
		return -1;
	}
	k->kver = kver;
	k->moddir = moddir;
	return 0;
}

#endif
