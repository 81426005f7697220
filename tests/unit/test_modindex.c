/* Unit tests for modindex: the three parsers, alias lookup, load order, the glob
 * matcher; and, when the Debian kernel's own index is on this machine, a check of
 * the bucketed lookup against a plain fnmatch over every line. */
#include <errno.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testkernel.h"
#include "testutil.h"

#include "base/readfile.h"
#include "cmdline.h"
#include "modindex.h"

#define S(lit) lit, sizeof(lit) - 1

typedef int (*parse_fn)(struct modindex *, const char *, size_t, size_t *);

struct parse_case {
	const char *in;
	size_t len;
	int ret;
	size_t bad_line;
};

static void run_parse_cases(parse_fn fn, const struct parse_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct modindex *idx = modindex_new();
		size_t bad = 12345;
		int r = fn(idx, c[i].in, c[i].len, &bad);
		if (r != c[i].ret || bad != c[i].bad_line)
			fail_msg("case %zu \"%s\": ret %d line %zu, want %d line %zu", i, c[i].in, r,
				 bad, c[i].ret, c[i].bad_line);
		modindex_free(idx);
	}
}

static const struct parse_case dep_cases[] = {
	{ S(""), 0, 0 },
	{ S("\n\n# comment\n   \n"), 0, 0 },
	{ S("kernel/a.ko:\n"), 0, 0 },
	{ S("kernel/a.ko: kernel/b.ko.xz kernel/c.ko.zst\nkernel/b.ko.xz:\n"), 0, 0 },
	{ S("/abs/path/x.ko:\tkernel/y.ko"), 0, 0 },
	{ S("kernel/a.ko"), -EBADMSG, 1 },              /* no colon */
	{ S("kernel/a.ko :"), -EBADMSG, 1 },            /* colon is its own word */
	{ S("x.ko:\nkernel/a.txt:\n"), -EBADMSG, 2 },   /* not a module file */
	{ S("x.ko:\nkernel/.ko:\n"), -EBADMSG, 2 },     /* empty name */
	{ S("x.ko: y.kob"), -EBADMSG, 1 },
	{ S("a.ko:\na.ko:\n"), -EBADMSG, 2 },           /* a module twice */
	{ S("a.ko:\nb/a-x.ko:\nc/a_x.ko:\n"), -EBADMSG, 3 }, /* same after normalising */
	{ S("a.ko:\r\n"), -EBADMSG, 1 },
	{ S("a.ko: b.ko\0c.ko"), -EBADMSG, 1 },
	{ S("kernel/a234567890123456789012345678901234567890123456789012345678901234.ko:"),
	  -EBADMSG, 1 },
	{ S("a.ko: 1.ko 2.ko 3.ko 4.ko 5.ko 6.ko 7.ko 8.ko 9.ko 10.ko 11.ko 12.ko"), 0, 0 },
};

static void test_parse_dep(void **state)
{
	(void)state;
	run_parse_cases(modindex_parse_dep, dep_cases, N(dep_cases));
}

static void test_dep_caps(void **state)
{
	(void)state;
	/* MODINDEX_MAX_DEPS dependencies are fine, one more is not */
	for (int extra = 0; extra < 2; extra++) {
		size_t cap = 16 * (MODINDEX_MAX_DEPS + 2) + 16, o = 0;
		char *buf = malloc(cap);
		o += (size_t)snprintf(buf + o, cap - o, "top.ko:");
		for (int i = 0; i < MODINDEX_MAX_DEPS + extra; i++)
			o += (size_t)snprintf(buf + o, cap - o, " d%d.ko", i);
		struct modindex *idx = modindex_new();
		size_t bad = 0;
		assert_int_equal(modindex_parse_dep(idx, buf, o, &bad), extra ? -E2BIG : 0);
		assert_int_equal(bad, extra ? 1 : 0);
		if (!extra)
			assert_int_equal(modindex_count(idx), MODINDEX_MAX_DEPS + 1);
		modindex_free(idx);
		free(buf);
	}
	/* a line longer than MODINDEX_MAX_LINE */
	char *big = malloc(MODINDEX_MAX_LINE + 10);
	memset(big, 'a', MODINDEX_MAX_LINE + 10);
	memcpy(big + MODINDEX_MAX_LINE + 4, ".ko:\n", 5);
	struct modindex *idx = modindex_new();
	size_t bad = 0;
	assert_int_equal(modindex_parse_dep(idx, big, MODINDEX_MAX_LINE + 9, &bad), -E2BIG);
	assert_int_equal(bad, 1);
	modindex_free(idx);
	free(big);
}

static const struct parse_case alias_cases[] = {
	{ S(""), 0, 0 },
	{ S("# Aliases extracted from modules themselves.\nalias fs-ext4 ext4\n"), 0, 0 },
	{ S("alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci"), 0, 0 },
	{ S("alias a b\nalias c\n"), -EBADMSG, 2 },
	{ S("alias a b c"), -EBADMSG, 1 },
	{ S("alias  a  b-c  \n"), 0, 0 },
	{ S("alia a b"), -EBADMSG, 1 },
	{ S("options a b"), -EBADMSG, 1 },
	{ S("alias a b/c"), -EBADMSG, 1 },
	{ S("alias a\x01 b"), -EBADMSG, 1 },
	{ S("alias \xc3\xa9 b"), 0, 0 },
	{ S("alias x a234567890123456789012345678901234567890123456789012345678901234"),
	  -EBADMSG, 1 },
};

static void test_parse_alias(void **state)
{
	(void)state;
	run_parse_cases(modindex_parse_alias, alias_cases, N(alias_cases));
}

static const struct parse_case softdep_cases[] = {
	{ S(""), 0, 0 },
	{ S("# Soft dependencies extracted from modules themselves.\n"), 0, 0 },
	{ S("softdep ext4 pre: crypto-crc32c\n"), 0, 0 },
	{ S("softdep a pre: b c post: d\nsoftdep a post: e\n"), 0, 0 },
	{ S("softdep cifs gcm"), 0, 0 }, /* no pre:/post:, ignored as kmod does */
	{ S("softdep a"), 0, 0 },
	{ S("softdep"), -EBADMSG, 1 },
	{ S("softdep a/b pre: c"), -EBADMSG, 1 },
	{ S("soft a pre: b"), -EBADMSG, 1 },
	{ S("softdep a pre: b\n\nalias x y"), -EBADMSG, 3 },
};

static void test_parse_softdep(void **state)
{
	(void)state;
	run_parse_cases(modindex_parse_softdep, softdep_cases, N(softdep_cases));
}

/* --- an index for lookups and load orders ------------------------------------------- */

static const char dep_text[] =
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/arch/x86/crypto/crc32c-intel.ko.xz:\n"
	"kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko "
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko\n"
	"kernel/drivers/virtio/virtio_pci_legacy_dev.ko:\n"
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
	"kernel/drivers/block/virtio_blk.ko.zst:\n"
	"kernel/drivers/net/e1000e.ko: kernel/drivers/ptp/ptp.ko kernel/drivers/pps/pps_core.ko\n"
	"kernel/drivers/ptp/ptp.ko: kernel/drivers/pps/pps_core.ko\n"
	"kernel/drivers/pps/pps_core.ko:\n"
	"kernel/loop/a.ko: kernel/loop/b.ko\n"
	"kernel/loop/b.ko: kernel/loop/a.ko\n"
	"kernel/soft/s1.ko:\n"
	"kernel/soft/s2.ko: kernel/soft/s3.ko\n"
	"kernel/soft/s3.ko:\n"
	"kernel/soft/top.ko: kernel/soft/s3.ko\n"
	"kernel/soft/selfish.ko:\n";

static const char alias_text[] =
	"# Aliases extracted from modules themselves.\n"
	"alias fs-ext4 ext4\n"
	"alias ext3 ext4\n"
	"alias fs-ext3 ext4\n"
	"alias crypto-crc32c crc32c_generic\n"
	"alias crc32c crc32c_generic\n"
	"alias crypto-crc32c crc32c-intel\n"
	"alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
	"alias virtio:d00000002v* virtio_blk\n"
	"alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n"
	"alias pci:v00008086d0000*sv*sd*bc02sc*i* e1000e\n"
	"alias *:catchall top\n"
	"alias selfish-alias selfish\n"
	"alias gone-alias not_in_dep\n"
	"alias usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in* s1\n";

static const char softdep_text[] =
	"softdep ext4 pre: crypto-crc32c\n"
	"softdep jbd2 pre: crypto-crc32c\n"
	"softdep top pre: s1 missing post: s2\n"
	"softdep s2 pre: top\n"
	"softdep selfish pre: selfish-alias\n";

static void test_cpu_fit(void **state)
{
	(void)state;
	struct modindex *idx = modindex_new();
	static const char dep[] = "crc32c_intel.ko:\naesni.ko:\nplain.ko:\n";
	static const char alias[] = "alias cpu:type:x86,ven*fam*mod*:feature:*0094* crc32c_intel\n"
				    "alias cpu:type:x86,ven*fam*mod*:feature:*0099* aesni\n"
				    "alias cpu:type:x86,ven*fam*mod*:feature:*00E8* aesni\n"
				    "alias pci:v*d*sv*sd*bc01sc*i* plain\n";
	const char *cpu = "cpu:type:x86,ven0000fam0006mod0006:feature:,0000,0058,00E8";
	size_t bad;

	assert_non_null(idx);
	assert_int_equal(modindex_parse_dep(idx, dep, strlen(dep), &bad), 0);
	assert_int_equal(modindex_parse_alias(idx, alias, strlen(alias), &bad), 0);
	assert_int_equal(modindex_cpu_fit(idx, "crc32c_intel", cpu), 0);
	assert_int_equal(modindex_cpu_fit(idx, "aesni", cpu), 1); /* one of its aliases matches */
	assert_int_equal(modindex_cpu_fit(idx, "plain", cpu), 1); /* no cpu: alias */
	assert_int_equal(modindex_cpu_fit(idx, "nothere", cpu), 1);
	assert_int_equal(modindex_cpu_fit(idx, "crc32c_intel", NULL), 1); /* CPU unknown */
	assert_int_equal(modindex_cpu_fit(idx, "crc32c_intel", "garbage"), 1);
	assert_int_equal(modindex_cpu_fit(idx, "crc32c_intel", "cpu:type:x86,ven0000fam0006mod0006:feature:,0094"), 1);
	modindex_free(idx);
}

static struct modindex *test_index(void)
{
	struct modindex *idx = modindex_new();
	size_t bad = 0;
	assert_non_null(idx);
	/* alias and softdep first: the order of the files must not matter */
	assert_int_equal(modindex_parse_alias(idx, alias_text, sizeof(alias_text) - 1, &bad), 0);
	assert_int_equal(modindex_parse_softdep(idx, softdep_text, sizeof(softdep_text) - 1, &bad), 0);
	assert_int_equal(modindex_parse_dep(idx, dep_text, sizeof(dep_text) - 1, &bad), 0);
	return idx;
}

static int join(const char *module, void *ctx)
{
	char *out = ctx;
	if (*out)
		strcat(out, ",");
	strcat(out, module);
	return 0;
}

static void test_count_path(void **state)
{
	(void)state;
	struct modindex *idx = test_index();
	assert_int_equal(modindex_count(idx), 20);
	assert_string_equal(modindex_path(idx, "ext4"), "kernel/fs/ext4/ext4.ko");
	assert_string_equal(modindex_path(idx, "crc32c-intel"), "kernel/arch/x86/crypto/crc32c-intel.ko.xz");
	assert_string_equal(modindex_path(idx, "crc32c_intel"), "kernel/arch/x86/crypto/crc32c-intel.ko.xz");
	assert_null(modindex_path(idx, "not_in_dep"));
	assert_null(modindex_path(idx, "nothing"));
	assert_null(modindex_path(idx, "bad/name"));
	assert_true(modindex_id(idx, "not_in_dep") >= 0);
	assert_int_equal(modindex_id(idx, "nothing"), -ENOENT);
	assert_true(modindex_slots(idx) >= 21);
	modindex_free(idx);
}

static const struct {
	const char *alias;
	const char *modules;
} lookup_cases[] = {
	{ "fs-ext4", "ext4" },
	{ "ext4", "ext4" },           /* own name */
	{ "ext3", "ext4" },
	{ "crypto-crc32c", "crc32c_generic,crc32c_intel" },
	{ "crc32c-intel", "crc32c_intel" },
	{ "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", "virtio_pci" },
	{ "pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00", "e1000e" },
	{ "pci:v00008086d000010D3sv00008086sd00000000bc03sc00i00", "e1000e" },
	{ "pci:v00008086d00001234sv00008086sd00000000bc02sc00i00", "e1000e" },
	{ "pci:v00008086d00011234sv00008086sd00000000bc02sc00i00", "" },
	{ "pci:v00008086d00001234sv00008086sd00000000bc03sc00i00", "" },
	{ "virtio:d00000002v00001AF4", "virtio_blk" },
	{ "virtio:d00000001v00001AF4", "" },
	{ "x:catchall", "top" },
	{ ":catchall", "top" },
	{ "catchall", "" },
	{ "gone-alias", "" },          /* its module is not in the image */
	{ "not_in_dep", "" },
	{ "usb:v13FDp3940d0100dc00dsc00dp00ic08isc06ip50in00", "s1" },
	{ "usb:v13FDp3940d0300dc00dsc00dp00ic08isc06ip50in00", "" },
	{ "", "" },
	{ "fs-ext", "" },
	{ "fs-ext44", "" },
};

static void test_lookup(void **state)
{
	(void)state;
	struct modindex *idx = test_index();
	for (size_t i = 0; i < N(lookup_cases); i++) {
		char out[512] = "";
		assert_int_equal(modindex_lookup(idx, lookup_cases[i].alias, join, out), 0);
		if (strcmp(out, lookup_cases[i].modules))
			fail_msg("lookup %s: got \"%s\", want \"%s\"", lookup_cases[i].alias, out,
				 lookup_cases[i].modules);
	}
	modindex_free(idx);
}

static int stop_first(const char *module, void *ctx)
{
	(void)module;
	++*(int *)ctx;
	return 42;
}

static void test_lookup_stops(void **state)
{
	(void)state;
	struct modindex *idx = test_index();
	int calls = 0;
	assert_int_equal(modindex_lookup(idx, "crypto-crc32c", stop_first, &calls), 42);
	assert_int_equal(calls, 1);
	struct modindex *empty = modindex_new();
	assert_int_equal(modindex_lookup(empty, "fs-ext4", stop_first, &calls), 0);
	assert_int_equal(calls, 1);
	modindex_free(empty);
	modindex_free(idx);
}

static const struct {
	const char *module;
	int ret;
	const char *order; /* '?' marks an optional step */
} order_cases[] = {
	{ "ext4", 6, "?crc32c_generic,?crc32c_intel,jbd2,mbcache,crc16,ext4" },
	{ "jbd2", 3, "?crc32c_generic,?crc32c_intel,jbd2" },
	{ "crc16", 1, "crc16" },
	{ "e1000e", 3, "pps_core,ptp,e1000e" },
	{ "virtio-pci", 3, "virtio_pci_modern_dev,virtio_pci_legacy_dev,virtio_pci" },
	{ "a", -ELOOP, NULL },
	{ "top", 4, "?s1,s3,top,?s2" }, /* "missing" is skipped; s2's pre: top is already in */
	{ "s2", 4, NULL },          /* test_load_order_upgrade */
	{ "selfish", 1, "selfish" },    /* its softdep alias resolves to itself */
	{ "not_in_dep", -ENOENT, NULL },
	{ "nothing", -ENOENT, NULL },
};

static void plan_string(const struct modindex_step *st, int n, char *out)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(out, ",");
		if (st[i].optional)
			strcat(out, "?");
		strcat(out, st[i].name);
	}
}

static void test_load_order(void **state)
{
	(void)state;
	struct modindex *idx = test_index();
	for (size_t i = 0; i < N(order_cases); i++) {
		struct modindex_step st[16];
		char got[512];
		const char *m = order_cases[i].module;
		int n = modindex_load_plan(idx, m, st, 16);
		if (n != order_cases[i].ret)
			fail_msg("plan %s: %d, want %d", m, n, order_cases[i].ret);
		if (n <= 0 || !strcmp(m, "s2"))
			continue;
		plan_string(st, n, got);
		if (strcmp(got, order_cases[i].order))
			fail_msg("plan %s: \"%s\", want \"%s\"", m, got, order_cases[i].order);
		for (int k = 0; k < n; k++)
			assert_string_equal(st[k].path, modindex_path(idx, st[k].name));
		const char *names[16];
		assert_int_equal(modindex_load_order(idx, m, names, 16), n);
		for (int k = 0; k < n; k++)
			assert_ptr_equal(names[k], st[k].name);
		/* one slot short is -E2BIG, never a cut list */
		assert_int_equal(modindex_load_order(idx, m, names, n - 1), -E2BIG);
	}
	modindex_free(idx);
}

/* s2 needs s3 (hard) and top (soft, whose own post: s2 is the cycle); top's hard
 * dependency s3 must come before top and be required because s2 requires it. */
static void test_load_order_upgrade(void **state)
{
	(void)state;
	struct modindex *idx = test_index();
	struct modindex_step st[16];
	char got[256];
	int n = modindex_load_plan(idx, "s2", st, 16);
	plan_string(st, n, got);
	assert_string_equal(got, "?s1,s3,?top,s2");
	modindex_free(idx);
}

static const struct {
	const char *in, *out;
	int ret;
} norm_cases[] = {
	{ "ext4", "ext4", 0 },
	{ "crc32c-intel", "crc32c_intel", 0 },
	{ "a-b-c_d", "a_b_c_d", 0 },
	{ "", "", -EINVAL },
	{ "a b", "", -EINVAL },
	{ "a/b", "", -EINVAL },
	{ "a\tb", "", -EINVAL },
	{ "\xc3\xa9", "", -EINVAL },
	{ "a234567890123456789012345678901234567890123456789012345", "a234567890123456789012345678901234567890123456789012345", 0 },
	{ "a2345678901234567890123456789012345678901234567890123456", "", -ENAMETOOLONG },
};

static void test_normalise(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(norm_cases); i++) {
		char out[MODINDEX_MAX_NAME + 1];
		assert_int_equal(modindex_normalise(norm_cases[i].in, out), norm_cases[i].ret);
		if (!norm_cases[i].ret)
			assert_string_equal(out, norm_cases[i].out);
	}
}

/* One cap for a module name everywhere (the kernel's MODULE_NAME_LEN less its NUL on a
 * 64-bit kernel): the index, and rd.driver.blacklist= / rd.driver.pre= on the command
 * line, all take 55 bytes and refuse 56. */
static void test_name_cap(void **state)
{
	(void)state;
	char name[MODINDEX_MAX_NAME + 2], out[MODINDEX_MAX_NAME + 1], text[256];
	size_t bad;
	assert_int_equal(MODINDEX_MAX_NAME, 55);
	for (size_t len = MODINDEX_MAX_NAME; len <= MODINDEX_MAX_NAME + 1; len++) {
		bool fits = len <= MODINDEX_MAX_NAME;
		memset(name, 'm', len);
		name[len] = '\0';
		assert_int_equal(modindex_normalise(name, out), fits ? 0 : -ENAMETOOLONG);
		/* a module file of that name in modules.dep */
		struct modindex *idx = modindex_new();
		int n = snprintf(text, sizeof(text), "kernel/%s.ko:\n", name);
		assert_int_equal(modindex_parse_dep(idx, text, (size_t)n, &bad), fits ? 0 : -EBADMSG);
		assert_int_equal(modindex_count(idx), fits ? 1 : 0);
		modindex_free(idx);
		/* the command line's module lists */
		struct config cfg;
		cmdline_init(&cfg);
		n = snprintf(text, sizeof(text), "rd.driver.blacklist=%s rd.driver.pre=%s", name, name);
		cmdline_parse(&cfg, text, (size_t)n);
		assert_int_equal(strcmp(cfg.driver_blacklist, fits ? name : ""), 0);
		assert_int_equal(strcmp(cfg.driver_pre, fits ? name : ""), 0);
	}
}

static const struct {
	const char *pattern, *s;
	bool match;
} glob_cases[] = {
	{ "", "", true },
	{ "", "a", false },
	{ "*", "", true },
	{ "*", "anything:at:all", true },
	{ "a*", "a", true },
	{ "a*b", "axxxb", true },
	{ "a*b", "axxxbc", false },
	{ "a*b*c", "abbbcbc", true },
	{ "?", "", false },
	{ "?", "x", true },
	{ "??", "x", false },
	{ "a?c", "abc", true },
	{ "[abc]", "b", true },
	{ "[abc]", "d", false },
	{ "[!abc]", "d", true },
	{ "[^abc]", "a", false },
	{ "[0-2]", "1", true },
	{ "[0-2]", "3", false },
	{ "[]]", "]", true },
	{ "[!]]", "]", false },
	{ "[a-]", "-", true },
	{ "[\\]]", "]", true },
	{ "\\*", "*", true },
	{ "\\*", "a", false },
	{ "a\\", "a\\", false },     /* a trailing backslash never matches */
	{ "[a", "[a", true },        /* unterminated: '[' is literal */
	{ "*/*", "a/b", true },      /* '/' is an ordinary byte here */
	{ ".*", ".hidden", true },
	{ "usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in*",
	  "usb:v13FDp3940d0100dc00dsc00dp00ic08isc06ip50in00", true },
	{ "usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in*",
	  "usb:v13FDp3940d0300dc00dsc00dp00ic08isc06ip50in00", false },
	{ "*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
};

static void test_glob(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(glob_cases); i++) {
		bool m = modindex_glob_match(glob_cases[i].pattern, glob_cases[i].s);
		if (m != glob_cases[i].match)
			fail_msg("glob \"%s\" \"%s\": %d", glob_cases[i].pattern, glob_cases[i].s, m);
		/* and fnmatch agrees (the case list avoids glibc's odd corners) */
		bool f = fnmatch(glob_cases[i].pattern, glob_cases[i].s, 0) == 0;
		if (strcmp(glob_cases[i].pattern, "[a") && f != m)
			fail_msg("glob \"%s\" \"%s\": fnmatch says %d", glob_cases[i].pattern,
				 glob_cases[i].s, f);
	}
}

/* --- the real thing, when present ------------------------------------------------------ */

/* A string the pattern matches: '*' -> "", '?' -> 'Z', a bracket -> its first byte. */
static void instance(const char *p, char *out, size_t n, unsigned salt)
{
	size_t o = 0;
	for (; *p && o + 4 < n; p++) {
		if (*p == '*') {
			if (salt & 1)
				out[o++] = "0AF9"[salt % 4];
			salt /= 2;
		} else if (*p == '?') {
			out[o++] = 'Z';
		} else if (*p == '[') {
			p++;
			if (*p == '!' || *p == '^')
				p++;
			out[o++] = *p;
			while (p[1] && p[1] != ']')
				p++;
			if (p[1])
				p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

struct brute {
	char **pattern, **module;
	size_t n;
};

static void brute_lookup(const struct brute *b, const struct modindex *idx, const char *s, char *out)
{
	out[0] = '\0';
	char own[MODINDEX_MAX_NAME + 1];
	if (modindex_normalise(s, own) == 0 && modindex_path(idx, own))
		join(own, out);
	for (size_t i = 0; i < b->n; i++) {
		if (fnmatch(b->pattern[i], s, 0) || !modindex_path(idx, b->module[i]))
			continue;
		char name[MODINDEX_MAX_NAME + 1], probe[4200];
		modindex_normalise(b->module[i], name);
		snprintf(probe, sizeof(probe), ",%s,", out);
		char needle[80];
		snprintf(needle, sizeof(needle), ",%s,", name);
		if (!strstr(probe, needle))
			join(name, out);
	}
}

static void test_real_index(void **state)
{
	(void)state;
	struct test_kernel k;
	assert_int_equal(test_kernel_find(&k), 0);
	if (!k.kver)
		skip();
	const char *dir = k.moddir;
	char path[4200];
	static const char *const files[] = { "modules.dep", "modules.alias", "modules.softdep" };
	static const parse_fn fns[] = { modindex_parse_dep, modindex_parse_alias, modindex_parse_softdep };
	char *text[3];
	size_t len[3], bad = 0;
	struct modindex *idx = modindex_new();
	clock_t t0 = clock();
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		assert_int_equal(readfile_at(AT_FDCWD, path, 64u << 20, &text[i], &len[i]), 0);
		assert_int_equal(fns[i](idx, text[i], len[i], &bad), 0);
	}
	double parse_ms = (double)(clock() - t0) * 1000 / CLOCKS_PER_SEC;
	size_t lines = 0;
	for (size_t i = 0; i < len[0]; i++)
		lines += text[0][i] == '\n';
	assert_int_equal(modindex_count(idx), lines);

	char out[4096] = "";
	assert_int_equal(modindex_lookup(idx, "fs-ext4", join, out), 0);
	assert_string_equal(out, "ext4");
	const char *order[64];
	int n = modindex_load_order(idx, "ext4", order, 64);
	assert_true(n >= 4);
	assert_string_equal(order[n - 1], "ext4");
	bool jbd2 = false, crc32c = false;
	for (int i = 0; i < n - 1; i++) {
		jbd2 |= !strcmp(order[i], "jbd2");
		crc32c |= !strncmp(order[i], "crc32c", 6);
	}
	assert_true(jbd2 && crc32c);

	/* the bucketed lookup finds exactly what fnmatch over every line finds */
	struct brute b = { 0 };
	b.pattern = calloc(30000, sizeof(char *));
	b.module = calloc(30000, sizeof(char *));
	for (char *line = strtok(text[1], "\n"); line && b.n < 30000; line = strtok(NULL, "\n")) {
		char *w1 = strtok_r(line, " ", &line), *w2 = strtok_r(NULL, " ", &line),
		     *w3 = strtok_r(NULL, " ", &line);
		if (w1 && w2 && w3 && !strcmp(w1, "alias")) {
			b.pattern[b.n] = w2;
			b.module[b.n++] = w3;
		}
	}
	/* The fnmatch oracle is slow under valgrind (tests/valgrind.sh): a sparser
	 * sample there still parses the whole index and checks real lookups. */
	size_t stride = getenv("SPROUT_TEST_QUICK") ? 37 * 16 : 37;
	unsigned checked = 0;
	double lookup_ms = 0;
	for (size_t i = 0; i < b.n; i += stride) {
		for (unsigned salt = 0; salt < 3; salt++) {
			char s[1024], want[4096], got[4096] = "";
			instance(b.pattern[i], s, sizeof(s), salt * 2654435761u);
			if (salt == 2 && strlen(s) > 6)
				s[strlen(s) / 2] ^= 1;
			clock_t t1 = clock();
			assert_int_equal(modindex_lookup(idx, s, join, got), 0);
			lookup_ms += (double)(clock() - t1) * 1000 / CLOCKS_PER_SEC;
			brute_lookup(&b, idx, s, want);
			if (strcmp(got, want))
				fail_msg("lookup \"%s\": got \"%s\", fnmatch over all lines: \"%s\"", s, got, want);
			checked++;
		}
	}
	print_message("real index %s: %zu modules, %zu aliases, parsed in %.1f ms; %u lookups "
		      "checked against fnmatch, %.3f ms each\n", dir, modindex_count(idx), b.n,
		      parse_ms, checked, lookup_ms / checked);
	free(b.pattern);
	free(b.module);
	for (int i = 0; i < 3; i++)
		free(text[i]);
	modindex_free(idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_dep),
		cmocka_unit_test(test_dep_caps),
		cmocka_unit_test(test_parse_alias),
		cmocka_unit_test(test_parse_softdep),
		cmocka_unit_test(test_count_path),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_stops),
		cmocka_unit_test(test_load_order),
		cmocka_unit_test(test_load_order_upgrade),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_name_cap),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_cpu_fit),
		cmocka_unit_test(test_real_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
