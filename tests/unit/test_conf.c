/* Unit tests for conf: key=value lines, comments, quoting, malformed lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"

#include "testutil.h"
#define S(lit) lit, sizeof(lit) - 1

struct seen {
	char text[1024];
	size_t calls;
	size_t stop_at; /* return -ECANCELED on this call (1-based); 0 = never */
};

/* Records each setting as "line:key=<value>;". */
static int record(const char *key, const char *value, size_t line, void *ctx)
{
	struct seen *s = ctx;
	size_t o = strlen(s->text);

	snprintf(s->text + o, sizeof(s->text) - o, "%zu:%s=<%s>;", line, key, value);
	return ++s->calls == s->stop_at ? -ECANCELED : 0;
}

static const struct {
	const char *in;
	size_t len;
	int ret;
	size_t bad_line;
	const char *seen;
} cases[] = {
	{ S(""), 0, 0, "" },
	{ S("\n\n  \n\t\n"), 0, 0, "" },
	{ S("a=b"), 0, 0, "1:a=<b>;" },
	{ S("a=b\n"), 0, 0, "1:a=<b>;" },
	{ S("# comment\n  # indented = comment\nkey=value\n"), 0, 0, "3:key=<value>;" },
	{ S("  key  =  some value  \r\n"), 0, 0, "1:key=<some value>;" },
	{ S("k=\"  kept  \"\n"), 0, 0, "1:k=<  kept  >;" },
	{ S("k=\"\""), 0, 0, "1:k=<>;" },
	{ S("k="), 0, 0, "1:k=<>;" },
	{ S("k=a=b"), 0, 0, "1:k=<a=b>;" },
	{ S("k=a\"b"), 0, 0, "1:k=<a\"b>;" },
	{ S("k=a # not a comment"), 0, 0, "1:k=<a # not a comment>;" },
	{ S("Kernel_Version.2-x=6.1.0-13-amd64\nCOMPRESS=zstd"), 0, 0,
	  "1:Kernel_Version.2-x=<6.1.0-13-amd64>;2:COMPRESS=<zstd>;" },
	{ S("a=1\n\nb=2\n# c=3\nd=4"), 0, 0, "1:a=<1>;3:b=<2>;5:d=<4>;" },
	{ S("k=\xc3\xa9\xff"), 0, 0, "1:k=<\xc3\xa9\xff>;" },
	/* malformed lines stop the walk at their number */
	{ S("a=1\nnoequals\nb=2"), -EBADMSG, 2, "1:a=<1>;" },
	{ S("=v"), -EBADMSG, 1, "" },
	{ S(" = v"), -EBADMSG, 1, "" },
	{ S("a b=c"), -EBADMSG, 1, "" },
	{ S("a/b=c"), -EBADMSG, 1, "" },
	{ S("k\xc3\xa9=c"), -EBADMSG, 1, "" },
	{ S("k=\"abc"), -EBADMSG, 1, "" },
	{ S("k=\""), -EBADMSG, 1, "" },
	{ S("k=\"a\"b"), -EBADMSG, 1, "" },
	{ S("k=\"a\"b\""), -EBADMSG, 1, "" },
	{ S("a=1\nb=x\0y\nc=3"), -EBADMSG, 2, "1:a=<1>;" },
	{ S("# \0 even in a comment"), -EBADMSG, 1, "" },
	{ S("a=1\n\n\n\"k\"=v"), -EBADMSG, 4, "1:a=<1>;" },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct seen s = { 0 };
		size_t bad = 12345;
		int r = conf_parse(cases[i].in, cases[i].len, record, &s, &bad);

		if (r != cases[i].ret || bad != cases[i].bad_line || strcmp(s.text, cases[i].seen))
			fail_msg("case %zu: ret %d line %zu seen '%s'; want %d %zu '%s'", i, r, bad,
				 s.text, cases[i].ret, cases[i].bad_line, cases[i].seen);
		/* Without a callback the same text validates the same way. */
		r = conf_parse(cases[i].in, cases[i].len, NULL, NULL, NULL);
		assert_int_equal(r, cases[i].ret);
	}
}

static void test_callback_stops(void **state)
{
	struct seen s = { .stop_at = 2 };
	size_t bad = 0;

	(void)state;
	assert_int_equal(conf_parse(S("a=1\n# x\nb=2\nc=3\n"), record, &s, &bad), -ECANCELED);
	assert_string_equal(s.text, "1:a=<1>;3:b=<2>;");
	assert_int_equal(bad, 3);
}

static void test_limits(void **state)
{
	static char buf[CONF_MAX_LINE * 2 + 16];
	static const struct {
		size_t keylen, vallen;
		int ret;
	} t[] = {
		{ CONF_MAX_KEY - 1, 1, 0 },
		{ CONF_MAX_KEY, 1, -EBADMSG },
		{ 1, CONF_MAX_LINE - 3, 0 },      /* "k=" + value = CONF_MAX_LINE - 1 bytes */
		{ 1, CONF_MAX_LINE - 2, -EBADMSG }, /* one byte more */
		{ 1, (size_t)CONF_MAX_LINE * 2, -EBADMSG },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		size_t n = 0, bad = 0;
		int r;

		memset(buf, 'k', t[i].keylen);
		n = t[i].keylen;
		buf[n++] = '=';
		memset(buf + n, 'v', t[i].vallen);
		n += t[i].vallen;
		buf[n++] = '\n';
		r = conf_parse(buf, n, NULL, NULL, &bad);
		if (r != t[i].ret || bad != (r ? 1u : 0u))
			fail_msg("case %zu: %d line %zu", i, r, bad);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
