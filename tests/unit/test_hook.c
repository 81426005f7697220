/* Unit tests for hook: the phases that take hooks, which names are hooks, their order,
 * and --hook PHASE:PROGRAM. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hook.h"

#include "testutil.h"

static void test_phase(void **state)
{
	(void)state;
	assert_int_equal(hook_phase("devices"), PHASE_DEVICES);
	assert_int_equal(hook_phase("storage"), PHASE_STORAGE);
	assert_int_equal(hook_phase("network"), PHASE_NETWORK);
	assert_int_equal(hook_phase("root"), PHASE_ROOT);
	assert_int_equal(hook_phase("overlay"), PHASE_OVERLAY);
	assert_int_equal(hook_phase("handover"), PHASE_HANDOVER);
	/* no hooks before the log and the command line are there; no aliases */
	assert_int_equal(hook_phase("early"), PHASE_NONE);
	assert_int_equal(hook_phase("cmdline"), PHASE_NONE);
	assert_int_equal(hook_phase("none"), PHASE_NONE);
	assert_int_equal(hook_phase("pre-pivot"), PHASE_NONE);
	assert_int_equal(hook_phase("Root"), PHASE_NONE);
	assert_int_equal(hook_phase(""), PHASE_NONE);
}

static void test_name_wanted(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} t[] = {
		{ "10-net", true },     { "unlock", true },       { "a.sh", true },
		{ "", false },          { ".hidden", false },     { "10-net~", false },
		{ "x.dpkg-old", false }, { "x.dpkg-new", false }, { "x.dpkg-dist", false },
		{ "x.dpkg-tmp", false }, { "x.ucf-old", false },  { "x.ucf-dist", false },
		{ "x.rpmnew", false },   { "x.rpmsave", false },  { "x.disabled", false },
		{ "disabled", true },    { "~x", true },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++)
		if (hook_name_wanted(t[i].name) != t[i].ok)
			fail_msg("%s: expected %d", t[i].name, t[i].ok);
}

static void test_filter_sort(void **state)
{
	const char *names[] = { "20-b", ".x", "10-a", "9-z", "b~", "B", "10-a.dpkg-new", "a" };
	const char *want[] = { "10-a", "20-b", "9-z", "B", "a" };
	size_t n;

	(void)state;
	n = hook_filter_sort(names, N(names));
	assert_int_equal(n, N(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	assert_int_equal(hook_filter_sort(names, 0), 0);
}

static void test_spec(void **state)
{
	enum cmdline_phase p = PHASE_NONE;
	const char *prog = NULL;
	char err[256];

	(void)state;
	assert_int_equal(hook_spec_parse("network:/usr/local/sbin/setmtu", &p, &prog, err,
					 sizeof(err)), 0);
	assert_int_equal(p, PHASE_NETWORK);
	assert_string_equal(prog, "/usr/local/sbin/setmtu");
	assert_int_equal(hook_spec_parse("root:a:b", &p, &prog, err, sizeof(err)), 0);
	assert_int_equal(p, PHASE_ROOT);
	assert_string_equal(prog, "a:b");

	assert_int_equal(hook_spec_parse("/usr/bin/x", &p, &prog, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected PHASE:PROGRAM"));
	assert_int_equal(hook_spec_parse("pre-mount:/x", &p, &prog, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown phase \"pre-mount\""));
	assert_non_null(strstr(err, HOOK_PHASES));
	assert_int_equal(hook_spec_parse("early:/x", &p, &prog, err, sizeof(err)), -EINVAL);
	assert_int_equal(hook_spec_parse("a-very-long-phase-name-indeed:/x", &p, &prog, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown phase"));
	assert_int_equal(hook_spec_parse("root:", &p, &prog, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no PROGRAM"));
	assert_int_equal(hook_spec_parse(":x", &p, &prog, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phase),
		cmocka_unit_test(test_name_wanted),
		cmocka_unit_test(test_filter_sort),
		cmocka_unit_test(test_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
