/* Unit tests for modparam: MODULE.PARAM=VALUE words of the command line, split by the
 * command line's own tokenizer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/array.h"
#include "cmdline.h"
#include "modindex.h"
#include "modparam.h"

static const struct {
	const char *cmdline;
	size_t len; /* 0: strlen */
	const char *module;
	const char *want;
	int ret;
} get_cases[] = {
	{ "", 0, "ext4", "", 0 },
	{ "root=/dev/vda1 ext4.foo=1 quiet", 0, "ext4", "foo=1", 5 },
	{ "ext4.foo=1 ext3.x=2 ext4.bar", 0, "ext4", "foo=1 bar", 9 },
	{ "e1000e.InterruptThrottleRate=1,1", 0, "e1000e", "InterruptThrottleRate=1,1", 25 },
	/* dashes and underscores in module names are one, both ways; the param as written */
	{ "crc32c-intel.x=1 crc32c_intel.y=2", 0, "crc32c_intel", "x=1 y=2", 7 },
	{ "crc32c_intel.x=1", 0, "crc32c-intel", "x=1", 3 },
	{ "snd-hda.my-opt=1", 0, "snd_hda", "my-opt=1", 8 },
	/* quotes group and are removed; a value holding whitespace is quoted again */
	{ "ext4.opt=\"a b\" ext4.z=3", 0, "ext4", "opt=\"a b\" z=3", 13 },
	{ "ext4.opt=a\" \"b", 0, "ext4", "opt=\"a b\"", 9 },
	{ "\"ext4.q=1\"", 0, "ext4", "q=1", 3 },
	{ "ext4.q=\"\"", 0, "ext4", "q=", 2 },
	{ "ext4.t=\"a\tb\"", 0, "ext4", "t=\"a\tb\"", 7 },
	/* the one whitespace set: space \t \n \v \f \r; byte 0xA0 stays in a word */
	{ "  ext4.a=1\t\next4.b=2  ", 0, "ext4", "a=1 b=2", 7 },
	{ "ext4.a=1\rext4.b=2\vext4.c=3\fext4.d=4", 0, "ext4", "a=1 b=2 c=3 d=4", 15 },
	{ "ext4.a=1\xa0x", 0, "ext4", "a=1\xa0x", 5 },
	/* not module parameters */
	{ "ip=10.0.0.1 nfsroot=10.0.0.2:/srv", 0, "10", "", 0 },
	{ "ext4. ext4 .foo=1 ext4 ext4.=1", 0, "ext4", "", 0 },
	{ "\"ext4.a b=1\"", 0, "ext4", "", 0 },
	{ "m/x.p=1", 0, "m/x", "", 0 },
	/* the init's words and what follows a NUL are not read */
	{ "ext4.a=1 -- ext4.b=2", 0, "ext4", "a=1", 3 },
	{ "ext4.a=1 \"--\" ext4.b=2", 0, "ext4", "a=1", 3 },
	{ "ext4.a=1 --x ext4.b=2", 0, "ext4", "a=1 b=2", 7 },
	{ "ext4.a=1\0ext4.b=2", 17, "ext4", "a=1", 3 },
	/* an unterminated quote runs to the end, as in the kernel */
	{ "ext4.a=\"x ext4.b=2", 0, "ext4", "a=\"x ext4.b=2\"", 14 },
};

static void test_get_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(get_cases); i++) {
		char out[128];
		size_t len = get_cases[i].len ? get_cases[i].len : strlen(get_cases[i].cmdline);
		int r = modparam_get(get_cases[i].cmdline, len, get_cases[i].module, out, sizeof(out));

		if (r != get_cases[i].ret || strcmp(out, get_cases[i].want))
			fail_msg("case %zu (%s): %d \"%s\", want %d \"%s\"", i, get_cases[i].cmdline, r,
				 out, get_cases[i].ret, get_cases[i].want);
	}
}

/* Module names up to the one cap (MODINDEX_MAX_NAME), not one byte more. */
static void test_name_cap(void **state)
{
	char name[MODINDEX_MAX_NAME + 2], cmd[MODINDEX_MAX_NAME + 16], out[16];

	(void)state;
	memset(name, 'm', MODINDEX_MAX_NAME);
	name[MODINDEX_MAX_NAME] = '\0';
	snprintf(cmd, sizeof(cmd), "%s.p=1", name);
	assert_int_equal(modparam_get(cmd, strlen(cmd), name, out, sizeof(out)), 3);
	assert_string_equal(out, "p=1");
	strcat(name, "m");
	snprintf(cmd, sizeof(cmd), "%s.p=1", name);
	assert_int_equal(modparam_get(cmd, strlen(cmd), name, out, sizeof(out)), 0);
	assert_int_equal(modparam_get(cmd, strlen(cmd), name + 1, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

/* Too long for out: an error and an empty string, never a cut list. */
static void test_get_too_long(void **state)
{
	static char cmd[8192], out[4096];
	char small[8];
	size_t n;

	(void)state;
	assert_int_equal(modparam_get("m.a=1 m.b=2", 11, "m", small, 7), -E2BIG);
	assert_string_equal(small, "");
	assert_int_equal(modparam_get("m.a=1 m.b=2", 11, "m", small, 8), 7);
	assert_string_equal(small, "a=1 b=2");
	assert_int_equal(modparam_get("m.a=1", 5, "m", small, 0), -E2BIG);
	/* one value longer than the whole option buffer */
	n = (size_t)snprintf(cmd, sizeof(cmd), "m.v=");
	memset(cmd + n, 'x', sizeof(out));
	n += sizeof(out);
	assert_int_equal(modparam_get(cmd, n, "m", out, sizeof(out)), -E2BIG);
	assert_string_equal(out, "");
	/* one byte less fits exactly: "v=" + 4093 bytes + NUL */
	assert_int_equal(modparam_get(cmd, n - 3, "m", out, sizeof(out)), (int)sizeof(out) - 1);
	/* other modules' long values do not matter */
	assert_int_equal(modparam_get(cmd, n, "other", out, sizeof(out)), 0);
}

/* Every module-parameter word whole and as written; the rest of the line left out. */
static void test_select(void **state)
{
	static const char cmd[] = "root=/dev/vda1 ext4.a=\"x y\" quiet e1000e.b=1 rd.break "
				  "-- ext4.c=2";
	char out[64] = "";
	unsigned dropped = 7;

	(void)state;
	/* a bare rd.break is a flag for a module "rd", as modprobe would read it */
	assert_int_equal(modparam_select(cmd, strlen(cmd), out, sizeof(out), &dropped), 3);
	assert_string_equal(out, "ext4.a=\"x y\" e1000e.b=1 rd.break");
	assert_int_equal(dropped, 0);
	/* appends after what is there */
	assert_int_equal(modparam_select("x.y=1", 5, out, sizeof(out), NULL), 1);
	assert_string_equal(out, "ext4.a=\"x y\" e1000e.b=1 rd.break x.y=1");
	/* a word that does not fit is left out whole, and every one after it */
	{
		char small[16] = "";

		assert_int_equal(modparam_select("a.b=1 c.d=22222222 e.f=3", 24, small, sizeof(small),
						 &dropped), 1);
		assert_string_equal(small, "a.b=1");
		assert_int_equal(dropped, 2);
	}
	/* modparam_get reads the selection as it read the whole line */
	{
		char sel[128] = "", a[64], b[64];

		modparam_select(cmd, strlen(cmd), sel, sizeof(sel), NULL);
		assert_int_equal(modparam_get(cmd, strlen(cmd), "ext4", a, sizeof(a)),
				 modparam_get(sel, strlen(sel), "ext4", b, sizeof(b)));
		assert_string_equal(a, b);
		assert_string_equal(a, "a=\"x y\"");
	}
}

/* The same tokenizer as cmdline_walk: the same words, in the same order. */
static int count_word(const struct cmdline_word *w, void *ctx)
{
	(void)w;
	++*(int *)ctx;
	return 0;
}

static void test_same_words_as_cmdline(void **state)
{
	static const char cmd[] = " a.b=1\t\"c.d=x y\"\n\ve.f\f\rg.h=\"1 2\" ";
	char sel[128] = "";
	int words = 0;

	(void)state;
	assert_int_equal(modparam_select(cmd, strlen(cmd), sel, sizeof(sel), NULL), 4);
	assert_int_equal(cmdline_walk(cmd, strlen(cmd), count_word, &words), 4);
	assert_int_equal(words, 4);
	assert_string_equal(sel, "a.b=1 \"c.d=x y\" e.f g.h=\"1 2\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_table),
		cmocka_unit_test(test_name_cap),
		cmocka_unit_test(test_get_too_long),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_same_words_as_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
