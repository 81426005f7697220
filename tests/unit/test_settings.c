/* Unit tests for settings: configuration text to build settings (table-driven),
 * errors with file:line, lists that accumulate, files and conf.d order, and the
 * merge that lets command-line flags win. */
#include <errno.h>
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

#include "compress.h"
#include "settings.h"
#include "stack.h"

#include "testutil.h"
#define S(lit) lit, sizeof(lit) - 1

static void join(char *out, size_t sz, char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t o = strlen(out);

		snprintf(out + o, sz - o, "%s%s", i ? "," : "", l[i]);
	}
}

/* One line summing up a settings struct, for table comparisons. */
static void show(const struct settings *s, char *out, size_t sz)
{
	static const char *const modes[] = { "-", "generic", "host-only" };
	const char *c = s->compress >= 0 ? compress_name((enum compress_kind)s->compress) : "-";

	snprintf(out, sz, "kver=%s moddir=%s mode=%s compress=%s shell=%s cmdline=%s init=%s mods=",
		 s->kver ? s->kver : "-", s->moddir ? s->moddir : "-", modes[s->mode], c,
		 s->shell ? s->shell : "-", s->cmdline ? s->cmdline : "-", s->init ? s->init : "-");
	join(out, sz, s->add_modules, s->n_add_modules);
	strncat(out, " bins=", sz - strlen(out) - 1);
	join(out, sz, s->add_binary, s->n_add_binary);
}

#define NONE "kver=- moddir=- mode=- compress=- shell=- cmdline=- init=- mods= bins="

static const struct {
	const char *in;
	size_t len;
	int ret;
	const char *want;   /* summary after applying (also after a failure) */
	const char *err;    /* expected message, for failures */
} cases[] = {
	{ S(""), 0, NONE, NULL },
	{ S("# only a comment\n\n"), 0, NONE, NULL },
	{ S("kver=6.1.0-56-amd64\nmoddir=/srv/mods\n"), 0,
	  "kver=6.1.0-56-amd64 moddir=/srv/mods mode=- compress=- shell=- cmdline=- init=- mods= bins=",
	  NULL },
	{ S("mode=host-only\ncompress=xz"), 0,
	  "kver=- moddir=- mode=host-only compress=xz shell=- cmdline=- init=- mods= bins=", NULL },
	{ S("mode=generic\ncompress=none"), 0,
	  "kver=- moddir=- mode=generic compress=none shell=- cmdline=- init=- mods= bins=", NULL },
	{ S("add_modules=a,b\nadd_modules= c , d,,\n"), 0,
	  "kver=- moddir=- mode=- compress=- shell=- cmdline=- init=- mods=a,b,c,d bins=", NULL },
	{ S("add_binary=/sbin/cryptsetup  /sbin/mdadm\nadd_binary=/sbin/lvm"), 0,
	  "kver=- moddir=- mode=- compress=- shell=- cmdline=- init=- mods= "
	  "bins=/sbin/cryptsetup,/sbin/mdadm,/sbin/lvm", NULL },
	{ S("cmdline=\"root=/dev/sda1 quiet\"\nshell=/bin/busybox\ninit=/x/sprout-init"), 0,
	  "kver=- moddir=- mode=- compress=- shell=/bin/busybox cmdline=root=/dev/sda1 quiet "
	  "init=/x/sprout-init mods= bins=", NULL },
	/* a later value wins; an empty one unsets */
	{ S("kver=1\nkver=2\nshell=/bin/busybox\nshell=\ncompress=gzip\ncompress="), 0,
	  "kver=2 moddir=- mode=- compress=- shell=- cmdline=- init=- mods= bins=", NULL },
	/* errors name the file and line */
	{ S("kver=1\n\nunknown=1\nkver=2"), -EINVAL,
	  "kver=1 moddir=- mode=- compress=- shell=- cmdline=- init=- mods= bins=",
	  "t.conf:3: unknown key \"unknown\"" },
	{ S("mode=bogus"), -EINVAL, NONE, "t.conf:1: mode \"bogus\": expected generic or host-only" },
	{ S("compress=zip"), -EINVAL, NONE, "t.conf:1: compress \"zip\": expected zstd" },
	{ S("kver=1\ngarbage line\n"), -EBADMSG,
	  "kver=1 moddir=- mode=- compress=- shell=- cmdline=- init=- mods= bins=",
	  "t.conf:2: not a key=value line" },
	{ S("cmdline=\"unterminated"), -EBADMSG, NONE, "t.conf:1: not a key=value line" },
};

static void test_apply_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct settings s;
		char got[1024], err[256] = "";
		int r;

		settings_init(&s);
		r = settings_apply(&s, "t.conf", cases[i].in, cases[i].len, err, sizeof(err));
		show(&s, got, sizeof(got));
		if (r != cases[i].ret || strcmp(got, cases[i].want))
			fail_msg("case %zu: got %d\n  %s\nwant\n  %s", i, r, got, cases[i].want);
		if (cases[i].err && strncmp(err, cases[i].err, strlen(cases[i].err)))
			fail_msg("case %zu: message <%s>", i, err);
		settings_free(&s);
	}
}

static void test_list_cap(void **state)
{
	struct settings s;
	char msg[128];
	int r = 0;

	(void)state;
	settings_init(&s);
	for (int i = 0; i < SETTINGS_MAX_LIST && r == 0; i++)
		r = settings_set(&s, "add_modules", "m", msg, sizeof(msg));
	assert_int_equal(r, 0);
	assert_int_equal(settings_set(&s, "add_modules", "one_more", msg, sizeof(msg)), -E2BIG);
	assert_non_null(strstr(msg, "add_modules: more than 1024"));
	assert_int_equal(s.n_add_modules, SETTINGS_MAX_LIST);
	settings_free(&s);
}

static void test_merge(void **state)
{
	struct settings file, flags;
	char got[1024];

	(void)state;
	settings_init(&file);
	settings_init(&flags);
	assert_int_equal(settings_apply(&file, "f", S("kver=1\nmode=host-only\ncompress=xz\n"
						      "add_modules=a\nshell=/bin/busybox\n"),
					NULL, 0), 0);
	assert_int_equal(settings_set(&flags, "kver", "2", NULL, 0), 0);
	assert_int_equal(settings_set(&flags, "add_modules", "b,c", NULL, 0), 0);
	assert_int_equal(settings_add_binary(&flags, "/opt/my tool/bin"), 0);
	flags.mode = SETTINGS_MODE_GENERIC;
	assert_int_equal(settings_merge(&file, &flags), 0);
	show(&file, got, sizeof(got));
	assert_string_equal(got, "kver=2 moddir=- mode=generic compress=xz shell=/bin/busybox "
				 "cmdline=- init=- mods=a,b,c bins=/opt/my tool/bin");
	settings_free(&file);
	settings_free(&flags);
}

/* with= accumulates parts; an unknown one is refused, naming the parts there are. */
static void test_with(void **state)
{
	static const struct {
		const char *in;
		int ret;
		unsigned parts;
		const char *with, *err;
	} with_cases[] = {
		{ "with=luks,lvm\n", 0, STACK_LUKS | STACK_LVM, "luks,lvm", NULL },
		{ "with=md\nwith= lvm ,, luks\n", 0, STACK_LUKS | STACK_LVM | STACK_MD, "luks,lvm,md",
		  NULL },
		{ "with=fsck,md\n", 0, STACK_FSCK | STACK_MD, "md,fsck", NULL },
		{ "with=\n", 0, 0, "", NULL },
		{ "with=md\nwith=resume\n", 0, STACK_MD | STACK_RESUME, "md,resume", NULL },
		{ "with=luks,resume,lvm,md,fsck", 0, STACK_ALL, "luks,lvm,md,fsck,resume", NULL },
		{ "with=md\nwith=hibernate\n", -EINVAL, STACK_MD, "md",
		  "t.conf:2: with \"hibernate\": unknown part; expected luks, lvm, md, fsck or "
		  "resume" },
		{ "with=zfs", -EINVAL, 0, "", "t.conf:1: with \"zfs\": unknown part" },
		{ "with=LUKS", -EINVAL, 0, "", "unknown part" },
		{ "with=lu\001ks", -EINVAL, 0, "", "with \"lu\\x01ks\"" },  /* escaped */
	};

	(void)state;
	for (size_t i = 0; i < N(with_cases); i++) {
		struct settings st;
		char err[256] = "", with[32];
		int r;

		settings_init(&st);
		r = settings_apply(&st, "t.conf", with_cases[i].in, strlen(with_cases[i].in), err, sizeof(err));
		stack_with_string(st.with, with, sizeof(with));
		if (r != with_cases[i].ret || st.with != with_cases[i].parts || strcmp(with, with_cases[i].with) ||
		    (with_cases[i].err && !strstr(err, with_cases[i].err)))
			fail_msg("case %zu: got %d parts %#x <%s> <%s>", i, r, st.with, with, err);
		settings_free(&st);
	}
}

/* include= is a space list; --include one path per flag; both add up in a merge,
 * and with= parts are OR'ed. */
static void test_include_merge(void **state)
{
	struct settings file, flags;

	(void)state;
	settings_init(&file);
	settings_init(&flags);
	assert_int_equal(settings_apply(&file, "f", S("include=/a:/etc/a /b\nwith=md\n"), NULL, 0),
			 0);
	assert_int_equal(settings_add_include(&flags, "/my key:/etc/luks1.key"), 0);
	assert_int_equal(settings_set(&flags, "with", "luks", NULL, 0), 0);
	assert_int_equal(settings_merge(&file, &flags), 0);
	assert_int_equal(file.n_include, 3);
	assert_string_equal(file.include[0], "/a:/etc/a");
	assert_string_equal(file.include[1], "/b");
	assert_string_equal(file.include[2], "/my key:/etc/luks1.key");
	assert_int_equal(file.with, STACK_LUKS | STACK_MD);
	settings_free(&file);
	settings_free(&flags);
}

static char dir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_files(void **state)
{
	struct settings s;
	char got[1024], err[512], path[256];

	(void)state;
	strcpy(dir, "/tmp/test_settings.XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* no sprout.conf, no conf.d: nothing set, no error */
	settings_init(&s);
	assert_int_equal(settings_load_dir(&s, dir, err, sizeof(err)), 0);
	show(&s, got, sizeof(got));
	assert_string_equal(got, NONE);

	snprintf(path, sizeof(path), "%s/conf.d", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	put("sprout.conf", "kver=base\nadd_modules=a\n");
	put("conf.d/20-b.conf", "kver=from20\nadd_modules=c\n");
	put("conf.d/10-a.conf", "kver=from10\nadd_modules=b\n");
	put("conf.d/notes.txt", "this=is not read\n");
	put("conf.d/.hidden.conf", "kver=hidden\n");
	assert_int_equal(settings_load_dir(&s, dir, err, sizeof(err)), 0);
	show(&s, got, sizeof(got));
	assert_string_equal(got, "kver=from20 moddir=- mode=- compress=- shell=- cmdline=- init=- "
				 "mods=a,b,c bins=");
	settings_free(&s);

	/* a bad file stops the load with its path and line */
	put("conf.d/30-bad.conf", "\nmode=sometimes\n");
	settings_init(&s);
	assert_int_equal(settings_load_dir(&s, dir, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/conf.d/30-bad.conf:2: mode \"sometimes\""));
	settings_free(&s);

	/* --config: one file, which must exist */
	settings_init(&s);
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	assert_int_equal(settings_load_file(&s, path, false, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "none.conf"));
	assert_int_equal(settings_load_file(&s, path, true, err, sizeof(err)), 0);
	assert_int_equal(settings_load_file(&s, "/dev/null", false, err, sizeof(err)), 0);
	settings_free(&s);

	/* a file too large to be configuration */
	{
		char *big = malloc(SETTINGS_MAX_FILE + 2);
		FILE *f;

		assert_non_null(big);
		memset(big, '#', SETTINGS_MAX_FILE + 1);
		big[SETTINGS_MAX_FILE + 1] = '\0';
		snprintf(path, sizeof(path), "%s/big.conf", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(big, f);
		fclose(f);
		free(big);
		settings_init(&s);
		assert_int_equal(settings_load_file(&s, path, false, err, sizeof(err)), -EFBIG);
		assert_non_null(strstr(err, "big.conf"));
		settings_free(&s);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_table),
		cmocka_unit_test(test_list_cap),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_with),
		cmocka_unit_test(test_include_merge),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}
