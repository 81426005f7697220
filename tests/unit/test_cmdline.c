/* Unit tests for cmdline: kernel quoting rules, each key, limits, defaults + override. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(lit) lit, sizeof(lit) - 1 /* a literal and its length, NUL bytes included */

/* What a parse must produce. Zero-initialised fields mean "the default". */
struct want {
	const char *root, *rootfstype, *rootflags, *init;
	enum cmdline_rw rw;
	bool rootwait, panic_set, no_shell, rd_debug, quiet, rd_timeout_set;
	unsigned rootdelay, rd_timeout;
	int panic;
	enum cmdline_phase rd_break;
	int argc;
	const char *argv[4];
	unsigned errors;
	const char *error_has; /* substring of first_error */
};

struct tcase {
	const char *in;
	size_t len;
	int words;
	struct want w;
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void check(const struct config *c, const struct want *w, const char *what)
{
	if (strcmp(c->root, or_empty(w->root)) || strcmp(c->rootfstype, or_empty(w->rootfstype)) ||
	    strcmp(c->rootflags, or_empty(w->rootflags)) || strcmp(c->init, or_empty(w->init)))
		fail_msg("%s: root '%s' rootfstype '%s' rootflags '%s' init '%s'", what, c->root,
			 c->rootfstype, c->rootflags, c->init);
	if (c->rw != w->rw || c->rootwait != w->rootwait || c->rootdelay != w->rootdelay ||
	    c->panic != w->panic || c->panic_set != w->panic_set || c->rd_break != w->rd_break ||
	    c->rd_shell != !w->no_shell || c->rd_debug != w->rd_debug || c->quiet != w->quiet ||
	    c->rd_timeout != w->rd_timeout || c->rd_timeout_set != w->rd_timeout_set)
		fail_msg("%s: rw %d rootwait %d rootdelay %u panic %d/%d break %d shell %d debug %d "
			 "quiet %d timeout %u/%d",
			 what, c->rw, c->rootwait, c->rootdelay, c->panic, c->panic_set, c->rd_break,
			 c->rd_shell, c->rd_debug, c->quiet, c->rd_timeout, c->rd_timeout_set);
	if (c->init_argc != w->argc)
		fail_msg("%s: init_argc %d want %d", what, c->init_argc, w->argc);
	for (int i = 0; i < w->argc && i < (int)N(w->argv); i++)
		if (strcmp(c->init_argv[i], w->argv[i]))
			fail_msg("%s: init_argv[%d] '%s' want '%s'", what, i, c->init_argv[i], w->argv[i]);
	if (c->errors != w->errors)
		fail_msg("%s: errors %u want %u (%s)", what, c->errors, w->errors, c->first_error);
	if (!w->errors && c->first_error[0])
		fail_msg("%s: first_error set without errors: %s", what, c->first_error);
	if (w->error_has && !strstr(c->first_error, w->error_has))
		fail_msg("%s: first_error '%s' lacks '%s'", what, c->first_error, w->error_has);
}

static const struct tcase cases[] = {
	{ S(""), 0, { 0 } },
	{ S("   \n"), 0, { 0 } },
	{ S("root=/dev/sda1 ro"), 2, { .root = "/dev/sda1", .rw = RW_RO } },
	{ S("BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=12ab-34cd ro quiet\n"), 4,
	  { .root = "UUID=12ab-34cd", .rw = RW_RO, .quiet = true } },
	/* quoting */
	{ S("rootflags=\"a b\" rw"), 2, { .rootflags = "a b", .rw = RW_RW } },
	{ S("\"init=/x y\""), 1, { .init = "/x y" } },
	{ S("root=LABEL=\"my disk\""), 1, { .root = "LABEL=my disk" } },
	{ S("root=\"/a\"b\"c\""), 1, { .root = "/abc" } },
	{ S("root=a\" \"b"), 1, { .root = "a b" } },
	{ S("root=\"/dev/a ro rw"), 1, { .root = "/dev/a ro rw" } },
	{ S("\"\" ro"), 2, { .rw = RW_RO } },
	{ S("root=\"\""), 1, { 0 } },
	/* separators, bounds, odd bytes */
	{ S("ro\trootwait\nquiet\r\n"), 3, { .rw = RW_RO, .rootwait = true, .quiet = true } },
	{ S("root=/a\0root=/b"), 1, { .root = "/a" } },
	{ S("ro\0 rw"), 1, { .rw = RW_RO } },
	{ "root=/dev/sda1 rw", 8, 1, { .root = "/de" } },
	{ S("root=/dev/\xc3\xa9 \xff\xfe=\x80"), 2, { .root = "/dev/\xc3\xa9" } },
	{ S("root=/a root=/b"), 2, { .root = "/b" } },
	{ S("=x ="), 2, { 0 } },
	/* flags */
	{ S("ro rw"), 2, { .rw = RW_RW } },
	{ S("rw ro"), 2, { .rw = RW_RO } },
	{ S("ro=1 quiet=0 rootwait=5"), 3, { 0 } },
	{ S("rootwait rootdelay=5"), 2, { .rootwait = true, .rootdelay = 5 } },
	{ S("rd.debug quiet"), 2, { .rd_debug = true, .quiet = true } },
	/* unknown keys are not errors */
	{ S("foo=bar nfsroot=10.0.0.1:/x splash rd.lvm.vg=vg0"), 4, { 0 } },
	/* numbers */
	{ S("panic=-1"), 1, { .panic = -1, .panic_set = true } },
	{ S("panic=10"), 1, { .panic = 10, .panic_set = true } },
	{ S("panic=abc"), 1, { .errors = 1, .error_has = "panic=" } },
	{ S("panic=99999999999"), 1, { .errors = 1, .error_has = "panic=" } },
	{ S("panic="), 1, { .errors = 1, .error_has = "panic=" } },
	{ S("panic=5 panic=x"), 2, { .panic = 5, .panic_set = true, .errors = 1 } },
	{ S("rootdelay=-1"), 1, { .errors = 1, .error_has = "rootdelay=" } },
	{ S("rootdelay=4294968"), 1, { .errors = 1, .error_has = "4294967" } },
	{ S("rootdelay=4294967"), 1, { .rootdelay = 4294967 } },
	{ S("rd.timeout=30"), 1, { .rd_timeout = 30, .rd_timeout_set = true } },
	{ S("rd.timeout=0"), 1, { .rd_timeout_set = true } },
	{ S("rd.timeout=3x"), 1, { .errors = 1, .error_has = "rd.timeout=" } },
	{ S("panic=x rootdelay=y"), 2, { .errors = 2, .error_has = "panic=" } },
	/* rd.break */
	{ S("rd.break"), 1, { .rd_break = PHASE_HANDOVER } },
	{ S("rd.break=root"), 1, { .rd_break = PHASE_ROOT } },
	{ S("rd.break=devices"), 1, { .rd_break = PHASE_DEVICES } },
	{ S("rd.break=pre-mount"), 1, { .rd_break = PHASE_ROOT } },
	{ S("rd.break=mount"), 1, { .rd_break = PHASE_ROOT } },
	{ S("rd.break=pre-pivot"), 1, { .rd_break = PHASE_HANDOVER } },
	{ S("rd.break=pre-trigger"), 1, { .errors = 1, .error_has = "rd.break=" } },
	{ S("rd.break=none"), 1, { .errors = 1, .error_has = "rd.break=" } },
	{ S("rd.break="), 1, { .errors = 1 } },
	{ S("rd.break=overlay rd.break=bogus"), 2, { .rd_break = PHASE_OVERLAY, .errors = 1 } },
	/* rd.shell */
	{ S("rd.shell=0"), 1, { .no_shell = true } },
	{ S("rd.shell=0 rd.shell"), 2, { 0 } },
	{ S("rd.shell=no"), 1, { .no_shell = true } },
	{ S("rd.shell=0 rd.shell=2"), 2, { .no_shell = true, .errors = 1, .error_has = "rd.shell=" } },
	/* arguments for the real init */
	{ S("ro -- single  foo=bar \"a b\""), 5,
	  { .rw = RW_RO, .argc = 3, .argv = { "single", "foo=bar", "a b" } } },
	{ S("-- rw root=/x"), 3, { .argc = 2, .argv = { "rw", "root=/x" } } },
	{ S("-- -- x"), 3, { .argc = 2, .argv = { "--", "x" } } },
	{ S("\"--\" x"), 2, { .argc = 1, .argv = { "x" } } },
	{ S("--x ro"), 2, { .rw = RW_RO } },
	{ S("--=1 ro"), 2, { .rw = RW_RO } },
	{ S("ro --"), 2, { .rw = RW_RO } },
	{ S("-- \"\" x=\"1 2\""), 3, { .argc = 2, .argv = { "", "x=1 2" } } },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct config c;
		char what[64];
		int r;

		snprintf(what, sizeof(what), "case %zu", i);
		cmdline_init(&c);
		r = cmdline_parse(&c, cases[i].in, cases[i].len);
		if (r != cases[i].words)
			fail_msg("%s: %d words, want %d", what, r, cases[i].words);
		check(&c, &cases[i].w, what);
	}
}

static void test_defaults(void **state)
{
	struct config c;
	struct want w = { 0 };

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	cmdline_init(&c);
	check(&c, &w, "init");
	assert_true(c.rd_shell);
}

/* Builds "KEY=" followed by n copies of ch (or n copies alone with key NULL). */
static size_t make_long(char *buf, size_t size, const char *key, size_t n, char ch)
{
	size_t o = 0;

	if (key)
		o = (size_t)snprintf(buf, size, "%s=", key);
	assert_true(o + n < size);
	memset(buf + o, ch, n);
	buf[o + n] = '\0';
	return o + n;
}

static void test_long_values(void **state)
{
	static const struct {
		const char *key;
		size_t n;
		unsigned errors;
		const char *error_has;
	} t[] = {
		{ "root", CMDLINE_MAX_VALUE - 1, 0, NULL },
		{ "root", CMDLINE_MAX_VALUE, 1, "root= is longer than 1023 bytes" },
		{ "root", 5000, 1, "root= is longer than 1023 bytes" },
		{ "rootflags", CMDLINE_MAX_VALUE, 1, "rootflags=" },
		{ "init", 3000, 1, "init=" },
		{ "rootfstype", 63, 0, NULL },
		{ "rootfstype", 64, 1, "rootfstype= is longer than 63 bytes" },
		{ "panic", 3000, 1, "panic=" },
		{ "unknown.key", 5000, 0, NULL },
		{ NULL, 5000, 0, NULL }, /* a long bare word: an unknown flag */
	};
	static char buf[8192];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct config c;
		size_t len = make_long(buf, sizeof(buf), t[i].key, t[i].n, 'a');

		cmdline_init(&c);
		/* Put a value there first: a rejected value must leave it as it was. */
		assert_int_equal(cmdline_parse(&c, S("root=/keep rootfstype=ext4")), 2);
		assert_int_equal(cmdline_parse(&c, buf, len), 1);
		if (c.errors != t[i].errors)
			fail_msg("case %zu: errors %u (%s)", i, c.errors, c.first_error);
		if (t[i].error_has && !strstr(c.first_error, t[i].error_has))
			fail_msg("case %zu: first_error '%s'", i, c.first_error);
		if (t[i].errors || !t[i].key || strcmp(t[i].key, "root"))
			assert_string_equal(c.root, "/keep");
		else
			assert_int_equal(strlen(c.root), t[i].n);
		if (t[i].errors || !t[i].key || strcmp(t[i].key, "rootfstype"))
			assert_string_equal(c.rootfstype, "ext4");
		else
			assert_int_equal(strlen(c.rootfstype), t[i].n);
	}
}

static void test_long_init_args(void **state)
{
	static char buf[8192];
	struct config c;
	size_t n;

	(void)state;
	for (size_t len = 250; len <= 5000; len = len < 260 ? len + 1 : len * 2) {
		cmdline_init(&c);
		n = (size_t)snprintf(buf, sizeof(buf), "-- a ");
		n += make_long(buf + n, sizeof(buf) - n, NULL, len, 'z');
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " b");
		assert_int_equal(cmdline_parse(&c, buf, n), 4);
		if (len < CMDLINE_MAX_INIT_ARG) {
			assert_int_equal(c.errors, 0);
			assert_int_equal(c.init_argc, 3);
			assert_int_equal(strlen(c.init_argv[1]), len);
			assert_string_equal(c.init_argv[2], "b");
		} else {
			assert_int_equal(c.errors, 1);
			assert_non_null(strstr(c.first_error, "init argument 2 is longer than 255"));
			assert_int_equal(c.init_argc, 2);
			assert_string_equal(c.init_argv[0], "a");
			assert_string_equal(c.init_argv[1], "b");
		}
	}
}

static void test_too_many_init_args(void **state)
{
	char buf[512];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "ro --");
	struct config c;

	(void)state;
	for (int i = 0; i < CMDLINE_MAX_ARGS + 8; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " a%d", i);
	cmdline_init(&c);
	assert_int_equal(cmdline_parse(&c, buf, n), 2 + CMDLINE_MAX_ARGS + 8);
	assert_int_equal(c.init_argc, CMDLINE_MAX_ARGS);
	assert_string_equal(c.init_argv[CMDLINE_MAX_ARGS - 1], "a31");
	assert_int_equal(c.errors, 8);
	assert_non_null(strstr(c.first_error, "more than 32 arguments"));
}

static void test_too_many_words(void **state)
{
	static char buf[CMDLINE_MAX_WORDS * 3 + 16];
	size_t n = 0;
	struct config c;

	(void)state;
	for (int i = 0; i < CMDLINE_MAX_WORDS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "ro ");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "rw quiet");
	cmdline_init(&c);
	assert_int_equal(cmdline_parse(&c, buf, n), CMDLINE_MAX_WORDS);
	assert_int_equal(c.rw, RW_RO);
	assert_false(c.quiet);
	assert_int_equal(c.errors, 1);
	assert_non_null(strstr(c.first_error, "more than 512 words"));

	/* Exactly the limit is fine, trailing spaces included. */
	cmdline_init(&c);
	assert_int_equal(cmdline_parse(&c, buf, (size_t)CMDLINE_MAX_WORDS * 3), CMDLINE_MAX_WORDS);
	assert_int_equal(c.errors, 0);
}

/* The baked-in defaults are parsed first, /proc/cmdline second: the later word wins,
 * what the later buffer does not mention stays. */
static void test_defaults_then_cmdline(void **state)
{
	static const struct {
		const char *defaults, *cmdline;
		struct want w;
	} t[] = {
		{ "root=LABEL=farm ro rd.shell=0 rootfstype=nfs4", "root=/dev/vda1 rw",
		  { .root = "/dev/vda1", .rootfstype = "nfs4", .rw = RW_RW, .no_shell = true } },
		{ "rd.shell=0 panic=30", "rd.shell panic=-1",
		  { .panic = -1, .panic_set = true } },
		{ "rootflags=\"x y\" init=/sbin/init", "root=",
		  { .rootflags = "x y", .init = "/sbin/init" } },
		{ "-- single a", "quiet", { .quiet = true, .argc = 2, .argv = { "single", "a" } } },
		{ "-- single a", "ro -- emergency", { .rw = RW_RO, .argc = 1, .argv = { "emergency" } } },
		{ "-- single a", "--", { 0 } },
		{ "rd.break=root rd.timeout=5", "rd.break=bogus rd.timeout=x",
		  { .rd_break = PHASE_ROOT, .rd_timeout = 5, .rd_timeout_set = true, .errors = 2,
		    .error_has = "rd.break=" } },
		{ "panic=x", "rootdelay=y", { .errors = 2, .error_has = "panic=" } },
		{ "rootdelay=3 rootwait", "", { .rootdelay = 3, .rootwait = true } },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct config c;
		char what[64];

		snprintf(what, sizeof(what), "override %zu", i);
		cmdline_init(&c);
		cmdline_parse(&c, t[i].defaults, strlen(t[i].defaults));
		cmdline_parse(&c, t[i].cmdline, strlen(t[i].cmdline));
		check(&c, &t[i].w, what);
	}
}

static void test_phase_names(void **state)
{
	static const struct {
		const char *name;
		enum cmdline_phase phase;
	} t[] = {
		{ "early", PHASE_EARLY },     { "cmdline", PHASE_CMDLINE },   { "devices", PHASE_DEVICES },
		{ "storage", PHASE_STORAGE }, { "network", PHASE_NETWORK },   { "root", PHASE_ROOT },
		{ "overlay", PHASE_OVERLAY }, { "handover", PHASE_HANDOVER },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		assert_int_equal(cmdline_phase_from_name(t[i].name), t[i].phase);
		assert_string_equal(cmdline_phase_name(t[i].phase), t[i].name);
	}
	assert_int_equal(cmdline_phase_from_name("pre-mount"), PHASE_ROOT);
	assert_int_equal(cmdline_phase_from_name("mount"), PHASE_ROOT);
	assert_int_equal(cmdline_phase_from_name("pre-pivot"), PHASE_HANDOVER);
	assert_int_equal(cmdline_phase_from_name("Root"), PHASE_NONE);
	assert_int_equal(cmdline_phase_from_name("none"), PHASE_NONE);
	assert_int_equal(cmdline_phase_from_name(""), PHASE_NONE);
	assert_int_equal(cmdline_phase_from_name(NULL), PHASE_NONE);
	assert_string_equal(cmdline_phase_name(PHASE_NONE), "none");
	assert_string_equal(cmdline_phase_name((enum cmdline_phase)99), "none");
	assert_string_equal(cmdline_phase_name((enum cmdline_phase)-1), "none");
}

static void test_format(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "", "" },
		{ "root=/dev/vda1 rootfstype=ext4 ro rootwait", "root=/dev/vda1 rootfstype=ext4 ro rootwait" },
		{ "quiet rw rootflags=\"a b\" root=UUID=1", "root=UUID=1 rootflags=\"a b\" rw quiet" },
		{ "rd.shell=0 rd.break=pre-mount panic=-1 rd.timeout=0 rd.debug rootdelay=2 init=/x",
		  "rootdelay=2 init=/x panic=-1 rd.break=root rd.shell=0 rd.debug rd.timeout=0" },
		{ "-- single \"a b\" \"\"", "-- single \"a b\" \"\"" },
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct config c;
		int r;

		cmdline_init(&c);
		cmdline_parse(&c, t[i].in, strlen(t[i].in));
		r = cmdline_format(&c, out, sizeof(out));
		if (r < 0 || strcmp(out, t[i].out) || (size_t)r != strlen(t[i].out))
			fail_msg("case %zu: %d '%s' want '%s'", i, r, out, t[i].out);
	}
}

static void test_format_small(void **state)
{
	struct config c;
	char out[32];

	(void)state;
	cmdline_init(&c);
	cmdline_parse(&c, S("root=/dev/vda1 ro"));
	assert_int_equal(cmdline_format(&c, out, 18), 17);
	assert_string_equal(out, "root=/dev/vda1 ro");
	assert_int_equal(cmdline_format(&c, out, 17), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(cmdline_format(&c, out, 0), -ENAMETOOLONG);
	cmdline_init(&c);
	assert_int_equal(cmdline_format(&c, out, 1), 0);
	assert_string_equal(out, "");
}

/* The full summary of the largest config fits the buffer a caller would use. */
static void test_format_largest(void **state)
{
	static char big[CMDLINE_MAX_VALUE * 4 + CMDLINE_MAX_ARGS * CMDLINE_MAX_INIT_ARG * 2];
	struct config c;

	(void)state;
	cmdline_init(&c);
	memset(c.root, ' ', sizeof(c.root) - 1);
	memset(c.rootflags, 'f', sizeof(c.rootflags) - 1);
	memset(c.init, 'i', sizeof(c.init) - 1);
	memset(c.rootfstype, 't', sizeof(c.rootfstype) - 1);
	c.init_argc = CMDLINE_MAX_ARGS;
	for (int i = 0; i < CMDLINE_MAX_ARGS; i++)
		memset(c.init_argv[i], 'x', CMDLINE_MAX_INIT_ARG - 1);
	assert_true(cmdline_format(&c, big, sizeof(big)) > 3 * (CMDLINE_MAX_VALUE - 1));
}

struct seen {
	int n;
	char text[512];
};

static int record(const struct cmdline_word *w, void *ctx)
{
	struct seen *s = ctx;
	size_t o = strlen(s->text);

	snprintf(s->text + o, sizeof(s->text) - o, "[%s%s%s%s%s]", w->init_arg ? "+" : "",
		 w->key, w->value ? "|" : "", w->value ? w->value : "",
		 w->error ? "!" : "");
	return ++s->n == 3 && !strcmp(w->key, "stop") ? -EINTR : 0;
}

static void test_walk(void **state)
{
	static const struct {
		const char *in;
		int ret;
		const char *words;
	} t[] = {
		{ "a b=c \"d=e f\" g=\"h i\" -- j=k \"l m\"",
		  6 + 1, "[a][b|c][d|e f][g|h i][--][+j=k][+l m]" },
		{ "x=y=z =v k=", 3, "[x|y=z][|v][k|]" },
		{ "ip=1 ip=2", 2, "[ip|1][ip|2]" },
		{ "a b stop c", -EINTR, "[a][b][stop]" },
		{ "  ", 0, "" },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct seen s = { 0 };
		int r = cmdline_walk(t[i].in, strlen(t[i].in), record, &s);

		if (r != t[i].ret || strcmp(s.text, t[i].words))
			fail_msg("case %zu: %d %s want %d %s", i, r, s.text, t[i].ret, t[i].words);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_long_init_args),
		cmocka_unit_test(test_too_many_init_args),
		cmocka_unit_test(test_too_many_words),
		cmocka_unit_test(test_defaults_then_cmdline),
		cmocka_unit_test(test_phase_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_small),
		cmocka_unit_test(test_format_largest),
		cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
