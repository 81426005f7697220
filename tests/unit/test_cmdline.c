/* Unit tests for cmdline: kernel quoting rules, each key, limits, defaults + override. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/monoclock.h"
#include "rootspec.h"
#include "cmdline.h"
#include "modindex.h"

#include "testutil.h"
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
	/* network, modules, sprout.* */
	int ip_count;
	const char *ip[CMDLINE_MAX_IP];
	const char *nfsroot, *bootif, *blacklist, *pre, *overlay, *overlay_size, *resume;
	bool neednet, rd_retry_set, select_set, nfs_timeout_set;
	unsigned rd_retry, nfs_timeout;
	enum cmdline_nfs_select select;
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

static void check_network(const struct config *c, const struct want *w, const char *what)
{
	if (c->ip_count != w->ip_count)
		fail_msg("%s: ip_count %d want %d", what, c->ip_count, w->ip_count);
	for (int i = 0; i < w->ip_count && i < CMDLINE_MAX_IP; i++)
		if (strcmp(c->ip[i], or_empty(w->ip[i])))
			fail_msg("%s: ip[%d] '%s' want '%s'", what, i, c->ip[i], or_empty(w->ip[i]));
	if (strcmp(c->nfsroot, or_empty(w->nfsroot)) || strcmp(c->bootif, or_empty(w->bootif)) ||
	    strcmp(c->resume, or_empty(w->resume)))
		fail_msg("%s: nfsroot '%s' BOOTIF '%s' resume '%s'", what, c->nfsroot, c->bootif,
			 c->resume);
	if (strcmp(c->driver_blacklist, or_empty(w->blacklist)) ||
	    strcmp(c->driver_pre, or_empty(w->pre)))
		fail_msg("%s: blacklist '%s' pre '%s'", what, c->driver_blacklist, c->driver_pre);
	if (strcmp(c->overlay, or_empty(w->overlay)) ||
	    strcmp(c->overlay_size, or_empty(w->overlay_size)))
		fail_msg("%s: overlay '%s' size '%s'", what, c->overlay, c->overlay_size);
	if (c->rd_neednet != w->neednet || c->rd_retry != w->rd_retry ||
	    c->rd_retry_set != w->rd_retry_set || c->nfs_select != w->select ||
	    c->nfs_select_set != w->select_set || c->nfs_timeout != w->nfs_timeout ||
	    c->nfs_timeout_set != w->nfs_timeout_set)
		fail_msg("%s: neednet %d retry %u/%d select %d/%d nfs timeout %u/%d", what,
			 c->rd_neednet, c->rd_retry, c->rd_retry_set, c->nfs_select,
			 c->nfs_select_set, c->nfs_timeout, c->nfs_timeout_set);
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
	check_network(c, w, what);
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
	{ S("foo=bar nfsroot=10.0.0.1:/x splash rd.lvm.vg=vg0"), 4, { .nfsroot = "10.0.0.1:/x" } },
	{ S("ip= ip.x=1 ipx nfsroot2=a BOOTIFX=1"), 5, { .ip_count = 1, .ip = { "" } } },
	/* network */
	{ S("root=/dev/nfs nfsroot=10.0.0.1,10.0.0.2:/srv/root,vers=4.2 ip=dhcp"), 3,
	  { .root = "/dev/nfs", .nfsroot = "10.0.0.1,10.0.0.2:/srv/root,vers=4.2", .ip_count = 1,
	    .ip = { "dhcp" } } },
	{ S("ip=eth0:dhcp ip=eth1:dhcp ip=10.0.0.5:::255.0.0.0::eth2:off ip=eth3:on"), 4,
	  { .ip_count = 4, .ip = { "eth0:dhcp", "eth1:dhcp", "10.0.0.5:::255.0.0.0::eth2:off", "eth3:on" } } },
	{ S("ip=a ip=b ip=c ip=d ip=e ip=f"), 6,
	  { .ip_count = 4, .ip = { "a", "b", "c", "d" }, .errors = 2, .error_has = "more than 4 ip=" } },
	{ S("BOOTIF=01-52-54-00-12-34-56"), 1, { .bootif = "01-52-54-00-12-34-56" } },
	{ S("BOOTIF=52:54:00:AB:cd:ef"), 1, { .bootif = "52:54:00:AB:cd:ef" } },
	{ S("BOOTIF=01-52-54-00-12"), 1, { .errors = 1, .error_has = "BOOTIF= is not a MAC" } },
	{ S("BOOTIF=02-52-54-00-12-34-56"), 1, { .errors = 1, .error_has = "BOOTIF=" } },
	{ S("BOOTIF=52:54-00:12:34:56"), 1, { .errors = 1, .error_has = "BOOTIF=" } },
	{ S("BOOTIF=52:54:00:12:34:5g"), 1, { .errors = 1, .error_has = "BOOTIF=" } },
	{ S("rd.neednet"), 1, { .neednet = true } },
	{ S("rd.neednet=1"), 1, { .neednet = true } },
	{ S("rd.neednet rd.neednet=0"), 2, { 0 } },
	{ S("rd.neednet=maybe"), 1, { .errors = 1, .error_has = "rd.neednet=" } },
	{ S("rd.retry=180"), 1, { .rd_retry = 180, .rd_retry_set = true } },
	{ S("rd.retry=-1"), 1, { .errors = 1, .error_has = "rd.retry=" } },
	{ S("resume=UUID=abcd-1234"), 1, { .resume = "UUID=abcd-1234" } },
	/* modules */
	{ S("rd.driver.blacklist=nouveau,floppy rd.driver.blacklist=pcspkr"), 2,
	  { .blacklist = "nouveau,floppy,pcspkr" } },
	{ S("rd.driver.blacklist=snd-hda-intel,,snd_hda_intel,x rd.driver.blacklist=snd_hda-intel"), 2,
	  { .blacklist = "snd_hda_intel,x" } },
	{ S("rd.driver.pre=virtio_net rd.driver.blacklist=a rd.driver.pre=e1000e,virtio-net"), 3,
	  { .pre = "virtio_net,e1000e", .blacklist = "a" } },
	{ S("rd.driver.blacklist=a rd.driver.blacklist=b/c rd.driver.blacklist=d"), 3,
	  { .blacklist = "a,d", .errors = 1, .error_has = "rd.driver.blacklist= holds a name" } },
	{ S("rd.driver.pre=a,b\\c"), 1, { .errors = 1, .error_has = "rd.driver.pre=" } },
	{ S("rd.driver.blacklist="), 1, { 0 } },
	/* sprout.* and the seed's aliases */
	{ S("sprout.overlay=tmpfs sprout.overlay.size=50%"), 2, { .overlay = "tmpfs", .overlay_size = "50%" } },
	{ S("sprout.overlay=LABEL=scratch sprout.overlay.size=2G"), 2,
	  { .overlay = "LABEL=scratch", .overlay_size = "2G" } },
	{ S("sprout.overlay=tmpfs sprout.overlay="), 2, { 0 } },
	{ S("sprout.nfs.select=order sprout.nfs.timeout=5"), 2,
	  { .select = NFS_SELECT_ORDER, .select_set = true, .nfs_timeout = 5, .nfs_timeout_set = true } },
	{ S("sprout.nfs.select=order sprout.nfs.select=hash"), 2, { .select_set = true } },
	{ S("sprout.nfs.select=random"), 1, { .errors = 1, .error_has = "sprout.nfs.select= is hash or order" } },
	{ S("sprout.nfs.select=Hash"), 1, { .errors = 1, .error_has = "sprout.nfs.select=" } },
	{ S("sprout.nfs.timeout=0"), 1, { .errors = 1, .error_has = "sprout.nfs.timeout=0 is not a whole number of seconds from 1 to 2147483" } },
	{ S("sprout.nfs.timeout=x"), 1, { .errors = 1, .error_has = "sprout.nfs.timeout=" } },
	{ S("AUFS=1"), 1, { .overlay = "tmpfs" } },
	{ S("sprout.overlay=/dev/vdb AUFS=0"), 2, { 0 } },
	{ S("AUFS=2"), 1, { .errors = 1, .error_has = "AUFS= is not 0 or 1" } },
	{ S("rd.shell=0 INIT_DEBUG=1"), 2, { .rd_debug = true } },
	{ S("rd.debug INIT_DEBUG=0"), 2, { 0 } },
	{ S("INIT_DEBUG=yes-please"), 1, { .errors = 1, .error_has = "INIT_DEBUG=" } },
	{ S("AUFS INIT_DEBUG"), 2, { 0 } },
	/* numbers */
	{ S("panic=-1"), 1, { .panic = -1, .panic_set = true } },
	{ S("panic=10"), 1, { .panic = 10, .panic_set = true } },
	{ S("panic=abc"), 1, { .errors = 1, .error_has = "panic=" } },
	{ S("panic=99999999999"), 1, { .errors = 1, .error_has = "panic=" } },
	{ S("panic="), 1, { .errors = 1, .error_has = "panic=" } },
	{ S("panic=5 panic=x"), 2, { .panic = 5, .panic_set = true, .errors = 1 } },
	{ S("rootdelay=-1"), 1, { .errors = 1, .error_has = "rootdelay=" } },
	/* seconds: at most INT_MAX / 1000, so milliseconds fit an int (3000000 wrapped) */
	{ S("rootdelay=2147484"), 1,
	  { .errors = 1, .error_has = "rootdelay=2147484 is more than 2147483 seconds" } },
	{ S("rootdelay=2147483"), 1, { .rootdelay = 2147483 } },
	{ S("rd.timeout=2147483"), 1, { .rd_timeout = 2147483, .rd_timeout_set = true } },
	{ S("rd.timeout=2147484"), 1,
	  { .errors = 1, .error_has = "rd.timeout=2147484 is more than 2147483 seconds" } },
	{ S("rd.timeout=3000000"), 1,
	  { .errors = 1, .error_has = "rd.timeout=3000000 is more than 2147483 seconds" } },
	{ S("rd.timeout=4294967"), 1, { .errors = 1, .error_has = "rd.timeout=4294967 is more" } },
	{ S("rd.timeout=99999999999999999999999"), 1,
	  { .errors = 1, .error_has = "rd.timeout=99999999999999999999999 is more than 2147483" } },
	{ S("rd.timeout=30 rd.timeout=3000000"), 2, { .rd_timeout = 30, .rd_timeout_set = true, .errors = 1 } },
	{ S("sprout.nfs.timeout=2147483"), 1, { .nfs_timeout = 2147483, .nfs_timeout_set = true } },
	{ S("sprout.nfs.timeout=2147484"), 1,
	  { .errors = 1, .error_has = "sprout.nfs.timeout=2147484 is more than 2147483 seconds" } },
	{ S("sprout.nfs.timeout=3000000"), 1, { .errors = 1, .error_has = "is more than 2147483" } },
	{ S("rd.retry=2147483"), 1, { .rd_retry = 2147483, .rd_retry_set = true } },
	{ S("rd.retry=2147484"), 1, { .errors = 1, .error_has = "rd.retry=2147484 is more than" } },
	/* the value in a message is escaped and shortened, never raw */
	{ S("rd.timeout=\x1b[2J\x7f"), 1,
	  { .errors = 1, .error_has = "rd.timeout=\\x1b[2J\\x7f is not a whole number of seconds from 0 to 2147483" } },
	{ S("rd.timeout=1234567890123456789012345678901234567890x"), 1,
	  { .errors = 1, .error_has = "rd.timeout=123456789012345678901234567890123456... is not" } },
	{ S("panic=\x07"), 1, { .errors = 1, .error_has = "panic=\\x07 is not" } },
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

/* Every number of seconds the parser takes turns into milliseconds without wrapping;
 * one more does not (and the parser refuses it). */
static void test_seconds_fit_ms(void **state)
{
	struct config c;
	int ms = 0;

	(void)state;
	assert_int_equal(ms_from_seconds(CMDLINE_MAX_SECONDS, &ms), 0);
	assert_int_equal(ms, 2147483000);
	assert_int_equal(ms_from_seconds((uint64_t)CMDLINE_MAX_SECONDS + 1, &ms), -ERANGE);
	cmdline_init(&c);
	cmdline_parse(&c, S("rd.timeout=2147483 sprout.nfs.timeout=2147483"));
	assert_int_equal(c.errors, 0);
	assert_int_equal(ms_from_seconds(c.rd_timeout, &ms), 0);
	assert_true(ms > 0);
	assert_int_equal(ms_from_seconds(c.nfs_timeout, &ms), 0);
	assert_true(ms > 0);
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
		{ "ip", CMDLINE_MAX_VALUE - 1, 0, NULL },
		{ "ip", CMDLINE_MAX_VALUE, 1, "ip= is longer than 1023 bytes" },
		{ "nfsroot", CMDLINE_MAX_VALUE, 1, "nfsroot= is longer than 1023 bytes" },
		{ "sprout.overlay", CMDLINE_MAX_SHORT - 1, 0, NULL },
		{ "sprout.overlay", CMDLINE_MAX_SHORT, 1, "sprout.overlay= is longer than 255 bytes" },
		{ "sprout.overlay.size", 64, 1, "sprout.overlay.size= is longer than 63 bytes" },
		{ "resume", CMDLINE_MAX_SHORT, 1, "resume= is longer than 255" },
		{ "BOOTIF", 3000, 1, "BOOTIF=" },
		{ "rd.driver.blacklist", MODINDEX_MAX_NAME + 1, 1,
		  "rd.driver.blacklist= names a module longer than" },
		{ "rd.driver.pre", MODINDEX_MAX_NAME, 0, NULL },
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
		/* ip= of the later buffer replace the earlier ones; without any, they stay */
		{ "ip=eth0:dhcp ip=eth1:dhcp", "ip=10.0.0.5::10.0.0.1:255.0.0.0::eth0:off",
		  { .ip_count = 1, .ip = { "10.0.0.5::10.0.0.1:255.0.0.0::eth0:off" } } },
		{ "ip=dhcp", "quiet", { .quiet = true, .ip_count = 1, .ip = { "dhcp" } } },
		{ "ip=a ip=b ip=c ip=d", "ip=e ip=f ip=g ip=h",
		  { .ip_count = 4, .ip = { "e", "f", "g", "h" } } },
		/* module lists grow across buffers */
		{ "rd.driver.blacklist=nouveau rd.driver.pre=virtio_pci",
		  "rd.driver.blacklist=floppy,nouveau rd.driver.pre=virtio-net",
		  { .blacklist = "nouveau,floppy", .pre = "virtio_pci,virtio_net" } },
		{ "AUFS=1 sprout.overlay.size=1G", "sprout.overlay=/dev/vdb",
		  { .overlay = "/dev/vdb", .overlay_size = "1G" } },
		{ "sprout.nfs.select=order nfsroot=10.0.0.1:/a", "nfsroot=10.0.0.2:/b",
		  { .select = NFS_SELECT_ORDER, .select_set = true, .nfsroot = "10.0.0.2:/b" } },
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
		{ "INIT_DEBUG=1 AUFS=1 ip=eth0:dhcp ip= nfsroot=10.0.0.1:/r BOOTIF=01-aa-bb-cc-dd-ee-ff "
		  "rd.neednet rd.retry=30 rd.driver.blacklist=a-b rd.driver.pre=c resume=/dev/vda2 "
		  "sprout.overlay.size=50% sprout.nfs.select=hash sprout.nfs.timeout=7",
		  "ip=eth0:dhcp ip= nfsroot=10.0.0.1:/r BOOTIF=01-aa-bb-cc-dd-ee-ff rd.neednet "
		  "rd.retry=30 rd.driver.blacklist=a_b rd.driver.pre=c resume=/dev/vda2 "
		  "sprout.overlay=tmpfs sprout.overlay.size=50% sprout.nfs.select=hash "
		  "sprout.nfs.timeout=7 rd.debug" },
		{ "rd.luks.uuid=luks-2a rd.luks.name=5a=root rd.luks.name=6b=data rd.luks=0 "
		  "rd.luks.key=/k:LABEL=x rd.luks.options=discard rd.md=0 rd.md.uuid=3a:01 rd.lvm=0 "
		  "rd.lvm.vg=vg rd.lvm.lv=vg/root",
		  "rd.luks=0 rd.luks.uuid=2a rd.luks.name=5a=root rd.luks.name=6b=data "
		  "rd.luks.key=/k:LABEL=x rd.luks.options=discard rd.md=0 rd.md.uuid=3a:01 rd.lvm=0 "
		  "rd.lvm.vg=vg rd.lvm.lv=vg/root" },
		{ "sprout.overlay=\"LABEL=my scratch\" sprout.nfs.select=order",
		  "sprout.overlay=\"LABEL=my scratch\" sprout.nfs.select=order" },
		{ "noresume sprout.resume.timeout=3 resume_offset=34816 resume=UUID=5a",
		  "resume=UUID=5a resume_offset=34816 noresume sprout.resume.timeout=3" },
		{ "sprout.hook.timeout=7", "sprout.hook.timeout=7" },
		{ "sprout.hook.timeout=0", "sprout.hook.timeout=0" },
		{ "sprout.toram.min=10% sprout.image=LABEL=data:/i/r.sqfs sprout.toram=1 "
		  "sprout.image.sha256=ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789",
		  "sprout.image=LABEL=data:/i/r.sqfs "
		  "sprout.image.sha256=abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789 "
		  "sprout.toram=1 sprout.toram.min=10%" },
		{ "sprout.toram=0 sprout.image=http://10.0.0.1,10.0.0.2/root.sqfs",
		  "sprout.image=http://10.0.0.1,10.0.0.2/root.sqfs sprout.toram=0" },
	};
	char out[512];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct config c, again;
		int r;

		cmdline_init(&c);
		cmdline_parse(&c, t[i].in, strlen(t[i].in));
		assert_int_equal(c.errors, 0);
		r = cmdline_format(&c, out, sizeof(out));
		if (r < 0 || strcmp(out, t[i].out) || (size_t)r != strlen(t[i].out))
			fail_msg("case %zu: %d '%s' want '%s'", i, r, out, t[i].out);
		/* The summary is a command line that means the same. */
		cmdline_init(&again);
		cmdline_parse(&again, out, strlen(out));
		assert_int_equal(cmdline_format(&again, out, sizeof(out)), r);
		assert_string_equal(out, t[i].out);
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

/* The summary of the largest config, every field full of bytes that need quoting,
 * fits CMDLINE_FORMAT_MAX. */
static void fill(char *field, size_t size)
{
	memset(field, ' ', size - 1);
	field[size - 1] = '\0';
}

static void test_format_largest(void **state)
{
	static char big[CMDLINE_FORMAT_MAX];
	static struct config c;

	(void)state;
	cmdline_init(&c);
	fill(c.root, sizeof(c.root));
	fill(c.rootflags, sizeof(c.rootflags));
	fill(c.init, sizeof(c.init));
	fill(c.rootfstype, sizeof(c.rootfstype));
	c.ip_count = CMDLINE_MAX_IP;
	for (int i = 0; i < CMDLINE_MAX_IP; i++)
		fill(c.ip[i], sizeof(c.ip[i]));
	fill(c.nfsroot, sizeof(c.nfsroot));
	fill(c.bootif, sizeof(c.bootif));
	fill(c.driver_blacklist, sizeof(c.driver_blacklist));
	fill(c.driver_pre, sizeof(c.driver_pre));
	fill(c.overlay, sizeof(c.overlay));
	fill(c.overlay_size, sizeof(c.overlay_size));
	fill(c.resume, sizeof(c.resume));
	fill(c.luks_uuid, sizeof(c.luks_uuid));
	fill(c.luks_name, sizeof(c.luks_name));
	fill(c.luks_key, sizeof(c.luks_key));
	fill(c.md_uuid, sizeof(c.md_uuid));
	fill(c.lvm_vg, sizeof(c.lvm_vg));
	fill(c.lvm_lv, sizeof(c.lvm_lv));
	fill(c.image, sizeof(c.image));
	fill(c.image_sha256, sizeof(c.image_sha256));
	fill(c.toram_min, sizeof(c.toram_min));
	c.toram = c.toram_set = true;
	c.luks_off = c.md_off = c.lvm_off = c.luks_discard = true;
	c.fsck_mode_set = c.fsck_repair_set = true;
	c.fsck_mode = FSCK_MODE_FORCE;
	c.fsck_repair = FSCK_REPAIR_PREEN;
	c.rw = RW_RO;
	c.rootwait = c.panic_set = c.rd_debug = c.quiet = c.rd_timeout_set = true;
	c.rd_neednet = c.rd_retry_set = c.nfs_select_set = c.nfs_timeout_set = true;
	c.rd_shell = false;
	c.rootdelay = c.rd_timeout = c.rd_retry = c.nfs_timeout = CMDLINE_MAX_SECONDS;
	c.panic = -(INT_MAX / 1000);
	c.rd_break = PHASE_HANDOVER;
	c.nfs_select = NFS_SELECT_ORDER;
	c.init_argc = CMDLINE_MAX_ARGS;
	for (int i = 0; i < CMDLINE_MAX_ARGS; i++)
		fill(c.init_argv[i], sizeof(c.init_argv[i]));
	assert_true(cmdline_format(&c, big, sizeof(big)) > 16 * (CMDLINE_MAX_VALUE - 1));
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

/* The root image's keys: what is refused, and that a refusal keeps the earlier value. */
static void test_image_keys(void **state)
{
	static const struct {
		const char *in, *error_has;
	} bad[] = {
		{ "sprout.image.sha256=abc", "sprout.image.sha256= is not 64 hex digits" },
		{ "sprout.image.sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
		  "sprout.image.sha256= is not 64 hex digits" },
		{ "sprout.image.sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
		  "sprout.image.sha256= is not 64 hex digits" },
		{ "sprout.toram=maybe", "sprout.toram= is not 0 or 1" },
		{ "sprout.toram.min=0", "sprout.toram.min=0 is not a size like 128M" },
		{ "sprout.toram.min=12X", "sprout.toram.min=12X is not a size" },
		{ "sprout.toram.min=101%", "sprout.toram.min=101% is not a size" },
	};
	struct config c;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		cmdline_init(&c);
		cmdline_parse(&c, bad[i].in, strlen(bad[i].in));
		if (c.errors != 1 || !strstr(c.first_error, bad[i].error_has))
			fail_msg("case %zu: %u errors, '%s'", i, c.errors, c.first_error);
		assert_string_equal(c.image_sha256, "");
		assert_string_equal(c.toram_min, "");
		assert_false(c.toram_set);
	}
	cmdline_init(&c);
	cmdline_parse(&c, S("sprout.toram.min=64M sprout.toram.min=junk sprout.toram=1 sprout.toram=x"));
	assert_int_equal(c.errors, 2);
	assert_string_equal(c.toram_min, "64M");
	assert_true(c.toram && c.toram_set);
	cmdline_init(&c);
	cmdline_parse(&c, S("sprout.image=/a.sqfs sprout.image=/dev/vdb:/b.erofs"));
	assert_string_equal(c.image, "/dev/vdb:/b.erofs");
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

/* A long list stops growing at its size, refusing the word that would overflow it. */
static void test_module_list_full(void **state)
{
	static char buf[4096];
	struct config c;
	size_t n = 0;

	(void)state;
	cmdline_init(&c);
	/* 20 words of one 49-byte name each: 50 bytes a name with its comma. */
	for (int i = 0; i < 21; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "rd.driver.blacklist=m%048d ", i);
	assert_int_equal(cmdline_parse(&c, buf, n), 21);
	assert_int_equal(strlen(c.driver_blacklist), 20 * 50 - 1);
	assert_int_equal(c.errors, 1);
	assert_non_null(strstr(c.first_error, "makes the list longer than 1023 bytes"));
	snprintf(buf, sizeof(buf), "m%048d", 19);
	assert_true(cmdline_list_has(c.driver_blacklist, buf));
	snprintf(buf, sizeof(buf), "m%048d", 20);
	assert_false(cmdline_list_has(c.driver_blacklist, buf));
}

/* ---- notes: accepted, not acted on, said once each ---- */

struct notes {
	int n;
	char line[4][CMDLINE_NOTE_MAX];
};

static void collect(const char *line, void *ctx)
{
	struct notes *ns = ctx;

	assert_true(strlen(line) < CMDLINE_NOTE_MAX);
	if (ns->n < 4)
		snprintf(ns->line[ns->n], sizeof(ns->line[0]), "%s", line);
	ns->n++;
}

static const struct {
	const char *in;
	int n;
	const char *has[3]; /* substrings of line 0, 1, 2 */
} note_cases[] = {
	{ "", 0, { NULL } },
	{ "root=/dev/vda1 ip=dhcp rd.break=root rd.break", 0, { NULL } },
	{ "rd.break=storage", 0, { NULL } },
	{ "rd.break=storage rd.break=network", 0, { NULL } },
	{ "rd.break=early", 1,
	  { "rd.break=early is ignored: the command line is read in the cmdline phase" } },
	{ "rd.break=cmdline", 1, { "rd.break=cmdline is ignored" } },
	{ "resume=UUID=ab-12 resume_offset=8 noresume", 0, { NULL } }, /* acted on: resume.c */
	{ "ip=eth0:dhcp ip=eth1:dhcp", 1,
	  { "ip=eth1:dhcp is ignored: only the first ip= (ip=eth0:dhcp) is used" } },
	{ "ip=a ip=b ip=c ip=d ip=e", 1,
	  { "ip=b ip=c ip=d are ignored: only the first ip= (ip=a) is used" } },
	{ "ip=\x01 ip=\x7f", 1, { "ip=\\x7f is ignored: only the first ip= (ip=\\x01)" } },
	{ "rd.break=early resume=/dev/sda2 ip=a ip=b", 2, { "rd.break=early", "ip=b is ignored" } },
	{ "sprout.init=/sbin/x", 1, { "sprout.init=: for the init wrapper" } },
	{ "sprout.wrapper=off sprout.init=/x", 1, { "sprout.init= and sprout.wrapper=: for the init wrapper" } },
};

static void test_notes(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(note_cases); i++) {
		struct notes ns = { 0 };
		struct config c;
		int r;

		cmdline_init(&c);
		cmdline_parse(&c, note_cases[i].in, strlen(note_cases[i].in));
		r = cmdline_notes(&c, collect, &ns);
		assert_int_equal(r, ns.n);
		if (ns.n != note_cases[i].n)
			fail_msg("case %zu: %d notes, want %d (%s)", i, ns.n, note_cases[i].n,
				 ns.n ? ns.line[0] : "");
		for (int k = 0; k < ns.n && k < 3; k++)
			if (!strstr(ns.line[k], note_cases[i].has[k]))
				fail_msg("case %zu: note %d '%s' lacks '%s'", i, k, ns.line[k],
					 note_cases[i].has[k]);
	}
}

/* The wrapper's keys: sprout.init= (absolute paths only), sprout.wrapper=on|off; in the
 * summary; in wrapper mode the root's keys are named as ignored, and nothing else. */
static void test_wrapper_keys(void **state)
{
	struct notes ns = { 0 };
	struct config c;
	char out[512];

	(void)state;
	cmdline_init(&c);
	cmdline_parse(&c, S("sprout.init=/sbin/real sprout.wrapper=off"));
	assert_int_equal(c.errors, 0);
	assert_string_equal(c.wrapper_init, "/sbin/real");
	assert_true(c.wrapper_off);
	assert_true(c.wrapper_set);
	assert_true(cmdline_format(&c, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "sprout.init=/sbin/real sprout.wrapper=off"));
	cmdline_parse(&c, S("sprout.wrapper=on"));
	assert_false(c.wrapper_off);
	assert_true(cmdline_format(&c, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "sprout.wrapper=on"));

	cmdline_init(&c);
	cmdline_parse(&c, S("sprout.init=sbin/relative sprout.wrapper=maybe"));
	assert_int_equal(c.errors, 2);
	assert_string_equal(c.first_error, "sprout.init= is not an absolute path; ignored");
	assert_string_equal(c.wrapper_init, "");
	assert_false(c.wrapper_off);
	assert_false(c.wrapper_set);

	cmdline_init(&c);
	c.wrapper_mode = true;
	cmdline_parse(&c, S("root=/dev/vda rd.break=root resume=/dev/sda2 ip=dhcp sprout.init=/x"));
	assert_int_equal(cmdline_notes(&c, collect, &ns), 1);
	assert_non_null(strstr(ns.line[0], "wrapper mode: the root is mounted already; ignored "
				       "here (the initramfs's or the kernel's): root= rd.break= ip=/nfsroot="));
	ns.n = 0;
	cmdline_init(&c);
	c.wrapper_mode = true;
	cmdline_parse(&c, S("sprout.overlay=tmpfs quiet -- single"));
	assert_int_equal(cmdline_notes(&c, collect, &ns), 0);
}

/* The longest ip= values still give one whole line, their values visibly shortened. */
static void test_notes_long(void **state)
{
	static char buf[4 * (CMDLINE_MAX_VALUE + 4)];
	struct notes ns = { 0 };
	struct config c;
	size_t o = 0;

	(void)state;
	for (int i = 0; i < CMDLINE_MAX_IP; i++) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "ip=");
		memset(buf + o, 'a' + i, CMDLINE_MAX_VALUE - 1);
		o += CMDLINE_MAX_VALUE - 1;
		buf[o++] = ' ';
	}
	cmdline_init(&c);
	cmdline_parse(&c, buf, o);
	assert_int_equal(c.errors, 0);
	assert_int_equal(c.ip_count, CMDLINE_MAX_IP);
	assert_int_equal(cmdline_notes(&c, collect, &ns), 1);
	assert_non_null(strstr(ns.line[0], "ip=bbb"));
	assert_non_null(strstr(ns.line[0], "ip=ddd"));
	assert_non_null(strstr(ns.line[0], "... are ignored: only the first ip= (ip=aaa"));
	assert_non_null(strstr(ns.line[0], "...) is used, one interface is configured"));
}

/* The summary for the log: the values escaped, the line cut visibly. */
static void test_summary(void **state)
{
	struct config c;
	char out[256], small[16];
	int r;

	(void)state;
	cmdline_init(&c);
	cmdline_parse(&c, S("root=/dev/\x1b[2J\\x rootflags=\"a b\" ro -- \x07"));
	r = cmdline_summary(&c, out, sizeof(out));
	assert_int_equal(r, (int)strlen(out));
	assert_string_equal(out, "root=/dev/\\x1b[2J\\x5cx rootflags=\"a b\" ro -- \\x07");
	assert_int_equal(cmdline_summary(&c, small, sizeof(small)), 13);
	assert_string_equal(small, "root=/dev/..."); /* never half an escape */
	assert_int_equal(cmdline_summary(&c, small, 0), -ENAMETOOLONG);
}

/* rd.luks*, rd.md*, rd.lvm*: what each keeps, what is refused (the word alone). */
static void test_storage_keys(void **state)
{
	static const struct {
		const char *in;
		const char *luks_uuid, *luks_name, *luks_key, *md_uuid, *vg, *lv;
		bool luks_off, md_off, lvm_off, discard;
		unsigned errors;
		const char *error_has;
	} t[] = {
		{ "rd.luks.uuid=luks-2a000000-0000-4000-8000-000000000001", .luks_uuid =
		  "2a000000-0000-4000-8000-000000000001" },
		{ "rd.luks.uuid=AB-1,cd-2 rd.luks.uuid=ab1,ef3", .luks_uuid = "AB-1,cd-2,ef3" },
		{ "rd.luks.uuid=xyz", .errors = 1, .error_has = "rd.luks.uuid=xyz: expected" },
		{ "rd.luks.uuid=ab,x_y rd.luks.uuid=cd", .luks_uuid = "cd", .errors = 1 },
		{ "rd.luks.uuid=,ab,", .luks_uuid = "ab" },
		{ "rd.luks.name=luks-5a-02=cryptroot rd.luks.name=77=other rd.luks.name=5A02=root",
		  .luks_name = "77=other,5A02=root" },
		{ "rd.luks.name=5a=a/b", .errors = 1, .error_has = "UUID=NAME" },
		{ "rd.luks.name=5a rd.luks.name==x rd.luks.name=5a=..", .errors = 3 },
		{ "rd.luks.key=/etc/k rd.luks.key=/k.bin:UUID=12-34", .luks_key = "/k.bin:UUID=12-34" },
		{ "rd.luks.key=k.bin rd.luks.key=/k: rd.luks.key=/", .errors = 3,
		  .error_has = "/PATH or /PATH:DEVICE" },
		{ "rd.luks.options=discard", .discard = true },
		{ "rd.luks.options=discard,tries=3", .errors = 1, .error_has = "discard" },
		{ "rd.luks=0 rd.md=0 rd.lvm=no", .luks_off = true, .md_off = true, .lvm_off = true },
		{ "rd.luks=0 rd.luks rd.md=0 rd.md=1", .errors = 0 },
		{ "rd.lvm=maybe", .errors = 1, .error_has = "0 or 1" },
		{ "rd.md.uuid=3a000000:00000000:40000000:00000001 "
		  "rd.md.uuid=3a000000-0000-0000-4000-000000000001",
		  .md_uuid = "3a000000:00000000:40000000:00000001" },
		{ "rd.lvm.vg=sproutvg,vg0 rd.lvm.vg=vg0 rd.lvm.lv=stackvg/root,vg0/swap_1",
		  .vg = "sproutvg,vg0", .lv = "stackvg/root,vg0/swap_1" },
		{ "rd.lvm.lv=root rd.lvm.lv=vg/ rd.lvm.lv=/lv rd.lvm.vg=-x rd.lvm.vg=a/b", .errors = 5 },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct config c;

		cmdline_init(&c);
		cmdline_parse(&c, t[i].in, strlen(t[i].in));
		if (strcmp(c.luks_uuid, or_empty(t[i].luks_uuid)) ||
		    strcmp(c.luks_name, or_empty(t[i].luks_name)) ||
		    strcmp(c.luks_key, or_empty(t[i].luks_key)) ||
		    strcmp(c.md_uuid, or_empty(t[i].md_uuid)) || strcmp(c.lvm_vg, or_empty(t[i].vg)) ||
		    strcmp(c.lvm_lv, or_empty(t[i].lv)))
			fail_msg("case %zu: luks '%s' names '%s' key '%s' md '%s' vg '%s' lv '%s'", i,
				 c.luks_uuid, c.luks_name, c.luks_key, c.md_uuid, c.lvm_vg, c.lvm_lv);
		if (c.luks_off != t[i].luks_off || c.md_off != t[i].md_off ||
		    c.lvm_off != t[i].lvm_off || c.luks_discard != t[i].discard)
			fail_msg("case %zu: off %d %d %d discard %d", i, c.luks_off, c.md_off,
				 c.lvm_off, c.luks_discard);
		if (c.errors != t[i].errors ||
		    (t[i].error_has && !strstr(c.first_error, t[i].error_has)))
			fail_msg("case %zu: errors %u want %u (%s)", i, c.errors, t[i].errors,
				 c.first_error);
	}
}

/* More than CMDLINE_MAX_LUKS_NAMES names are refused; a long list too, whole. */
static void test_storage_limits(void **state)
{
	struct config c;
	char w[64], big[CMDLINE_MAX_VALUE + 64];
	size_t o = 0;

	(void)state;
	cmdline_init(&c);
	for (int i = 0; i < CMDLINE_MAX_LUKS_NAMES + 1; i++) {
		snprintf(w, sizeof(w), "rd.luks.name=%x=n%d", i + 1, i);
		cmdline_parse(&c, w, strlen(w));
	}
	assert_int_equal(c.errors, 1);
	assert_non_null(strstr(c.first_error, "at most 16"));
	/* a list over the cap: refused whole, the earlier one stays */
	cmdline_init(&c);
	cmdline_parse(&c, "rd.md.uuid=aa", 13);
	o = (size_t)snprintf(big, sizeof(big), "rd.md.uuid=");
	for (int i = 0; o < CMDLINE_MAX_VALUE + 20; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "%08x,", i + 0x100);
	cmdline_parse(&c, big, o);
	assert_int_equal(c.errors, 1);
	assert_string_equal(c.md_uuid, "aa");
}

/* The lookups the storage phase makes. */
static void test_storage_lookups(void **state)
{
	char out[64], path[32], dev[32];
	struct config c;

	(void)state;
	assert_true(cmdline_uuid_equal("3a000000:00000000:40000000:00000001",
				       "3A000000-0000-0000-4000-000000000001"));
	assert_true(cmdline_uuid_equal("luks-ab-cd", "ABCD"));
	assert_false(cmdline_uuid_equal("abc", "abcd"));
	assert_false(cmdline_uuid_equal("", ""));
	assert_false(cmdline_uuid_equal("--", ":"));
	assert_true(cmdline_uuid_list_has("11,2a-00,33", "2A00"));
	assert_false(cmdline_uuid_list_has("11,2a-00,33", "2a0"));
	assert_false(cmdline_uuid_list_has("", "2a0"));

	cmdline_init(&c);
	cmdline_parse(&c, "rd.luks.name=5a-02=cryptroot", 28);
	assert_int_equal(cmdline_luks_name_for(&c, "5A02", out, sizeof(out)), 1);
	assert_string_equal(out, "cryptroot");
	assert_int_equal(cmdline_luks_name_for(&c, "2a-01", out, sizeof(out)), 0);
	assert_string_equal(out, "luks-2a-01");
	assert_int_equal(cmdline_luks_name_for(&c, "5a02", out, 5), -ENAMETOOLONG);
	assert_int_equal(cmdline_luks_name_for(&c, "2a-01", out, 6), -ENAMETOOLONG);
	assert_string_equal(out, "");

	assert_int_equal(cmdline_luks_key_split("/k.bin:LABEL=keys", path, sizeof(path), dev,
						sizeof(dev)), 0);
	assert_string_equal(path, "/k.bin");
	assert_string_equal(dev, "LABEL=keys");
	assert_int_equal(cmdline_luks_key_split("/etc/luks.key", path, sizeof(path), dev,
						sizeof(dev)), 0);
	assert_string_equal(path, "/etc/luks.key");
	assert_string_equal(dev, "");
	assert_int_equal(cmdline_luks_key_split("rel", path, sizeof(path), dev, sizeof(dev)), -EINVAL);
	assert_int_equal(cmdline_luks_key_split("/a:", path, sizeof(path), dev, sizeof(dev)), -EINVAL);
	assert_int_equal(cmdline_luks_key_split("/a:/dev/vdb", path, 2, dev, sizeof(dev)),
			 -ENAMETOOLONG);

	assert_true(cmdline_lvm_wanted(&c, "any", "lv"));
	cmdline_parse(&c, "rd.lvm.vg=vg0 rd.lvm.lv=stackvg/root", 36);
	assert_true(cmdline_lvm_wanted(&c, "vg0", "x"));
	assert_true(cmdline_lvm_wanted(&c, "stackvg", "root"));
	assert_false(cmdline_lvm_wanted(&c, "stackvg", "swap"));
	assert_false(cmdline_lvm_wanted(&c, "vg", "root"));
}

/* fsck.mode= and fsck.repair= (systemd's words): last wins, a bad value is refused
 * and the earlier one kept; the summary says them again. */
static void test_fsck_keys(void **state)
{
	static const struct {
		const char *in;
		enum cmdline_fsck_mode mode;
		enum cmdline_fsck_repair repair;
		unsigned errors;
		const char *summary, *error_has;
	} t[] = {
		{ "", FSCK_MODE_AUTO, FSCK_REPAIR_PREEN, 0, "", NULL },
		{ "fsck.mode=skip", FSCK_MODE_SKIP, FSCK_REPAIR_PREEN, 0, "fsck.mode=skip", NULL },
		{ "fsck.mode=force fsck.repair=yes", FSCK_MODE_FORCE, FSCK_REPAIR_YES, 0,
		  "fsck.mode=force fsck.repair=yes", NULL },
		{ "fsck.repair=no fsck.mode=skip fsck.mode=auto", FSCK_MODE_AUTO, FSCK_REPAIR_NO, 0,
		  "fsck.mode=auto fsck.repair=no", NULL },
		{ "fsck.mode=force fsck.mode=Skip", FSCK_MODE_FORCE, FSCK_REPAIR_PREEN, 1,
		  "fsck.mode=force", "fsck.mode=Skip: expected auto, force or skip; ignored" },
		{ "fsck.repair=preen fsck.repair= fsck.repair=y\001", FSCK_MODE_AUTO,
		  FSCK_REPAIR_PREEN, 2, "fsck.repair=preen",
		  "fsck.repair=: expected preen, yes or no" },
		{ "fsck.mode fsck.repair", FSCK_MODE_AUTO, FSCK_REPAIR_PREEN, 0, "", NULL },
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct config c;

		cmdline_init(&c);
		cmdline_parse(&c, t[i].in, strlen(t[i].in));
		assert_int_equal(cmdline_format(&c, out, sizeof(out)), (int)strlen(t[i].summary));
		if (c.fsck_mode != t[i].mode || c.fsck_repair != t[i].repair ||
		    c.errors != t[i].errors || strcmp(out, t[i].summary) ||
		    (t[i].error_has && !strstr(c.first_error, t[i].error_has)))
			fail_msg("case %zu: mode %d repair %d errors %u '%s' (%s)", i, c.fsck_mode,
				 c.fsck_repair, c.errors, out, c.first_error);
	}
	assert_string_equal(cmdline_fsck_mode_name(FSCK_MODE_SKIP), "skip");
	assert_string_equal(cmdline_fsck_repair_name(FSCK_REPAIR_NO), "no");
	assert_string_equal(cmdline_fsck_mode_name((enum cmdline_fsck_mode)7), "?");
	assert_string_equal(cmdline_fsck_repair_name((enum cmdline_fsck_repair)-1), "?");
}

/* resume=, resume_offset=, noresume, sprout.resume.timeout=: what cmdline_resume makes of
 * them; the device forms are root='s. */
static const struct {
	const char *in;
	int want;                 /* CMDLINE_RESUME_* or -errno */
	enum rootspec_kind kind;
	const char *value;        /* rs.value */
	const char *why;          /* substring of the message ("" for none) */
} resume_cases[] = {
	{ "", CMDLINE_RESUME_NONE, ROOT_NONE, "", "" },
	{ "resume=/dev/vda2", CMDLINE_RESUME_DEVICE, ROOT_PATH, "/dev/vda2", "" },
	{ "resume=UUID=5a000000-0000-4000-8000-0000000000f2", CMDLINE_RESUME_DEVICE, ROOT_UUID,
	  "5a000000-0000-4000-8000-0000000000f2", "" },
	{ "resume=LABEL=swap", CMDLINE_RESUME_DEVICE, ROOT_LABEL, "swap", "" },
	{ "resume=PARTUUID=0a-02", CMDLINE_RESUME_DEVICE, ROOT_PARTUUID, "0a-02", "" },
	{ "resume=PARTLABEL=swap", CMDLINE_RESUME_DEVICE, ROOT_PARTLABEL, "swap", "" },
	{ "resume=254:3", CMDLINE_RESUME_DEVICE, ROOT_DEVNUM, "254:3", "" },
	{ "resume=/dev/stackvg/swap resume_offset=34816", CMDLINE_RESUME_DEVICE, ROOT_PATH,
	  "/dev/stackvg/swap", "" },
	{ "resume=/dev/disk/by-uuid/ab-12", CMDLINE_RESUME_DEVICE, ROOT_UUID, "ab-12", "" },
	/* the last resume= wins; an empty one cancels a baked-in one */
	{ "resume=/dev/vda2 resume=/dev/vdb2", CMDLINE_RESUME_DEVICE, ROOT_PATH, "/dev/vdb2", "" },
	{ "resume=/dev/vda2 resume=", CMDLINE_RESUME_NONE, ROOT_NONE, "", "" },
	{ "noresume", CMDLINE_RESUME_SKIP, ROOT_NONE, "", "noresume: not resuming" },
	{ "resume=/dev/vda2 noresume", CMDLINE_RESUME_SKIP, ROOT_NONE, "",
	  "(resume=/dev/vda2 not looked at)" },
	{ "noresume resume=/dev/vda2", CMDLINE_RESUME_SKIP, ROOT_NONE, "", "noresume" },
	{ "resume_offset=8", CMDLINE_RESUME_NONE, ROOT_NONE, "",
	  "resume_offset=8 is ignored: no resume=" },
	{ "resume=swap", -EINVAL, ROOT_NONE, "",
	  "resume=swap: not a device; expected /dev/NAME, UUID=" },
	{ "resume=254", -EINVAL, ROOT_NONE, "", "the boot goes on without resume" },
	{ "resume=UUID=", -EINVAL, ROOT_NONE, "", "resume=UUID=: not a device" },
	{ "resume=99999:1", -EINVAL, ROOT_NONE, "", "resume=99999:1: not a device" },
	{ "resume=\"\x1b[2J\"", -EINVAL, ROOT_NONE, "", "resume=\\x1b[2J: not a device" },
};

static void test_resume(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(resume_cases); i++) {
		struct rootspec rs;
		struct config c;
		char why[CMDLINE_RESUME_WHY];
		int r;

		cmdline_init(&c);
		cmdline_parse(&c, resume_cases[i].in, strlen(resume_cases[i].in));
		assert_int_equal(c.errors, 0);
		memset(&rs, 0, sizeof(rs));
		r = cmdline_resume(&c, &rs, why, sizeof(why));
		if (r != resume_cases[i].want)
			fail_msg("case %zu (%s): %d, want %d (%s)", i, resume_cases[i].in, r,
				 resume_cases[i].want, why);
		if (r == CMDLINE_RESUME_DEVICE &&
		    (rs.kind != resume_cases[i].kind || strcmp(rs.value, resume_cases[i].value)))
			fail_msg("case %zu: kind %d value '%s'", i, rs.kind, rs.value);
		if (!strstr(why, resume_cases[i].why) || (!resume_cases[i].why[0] && why[0]))
			fail_msg("case %zu: message '%s' lacks '%s'", i, why, resume_cases[i].why);
	}
}

/* Bad numbers are rejected with a message naming them; the boot keeps what it had. */
static void test_resume_numbers(void **state)
{
	static const struct {
		const char *in;
		bool offset_set;
		uint64_t offset;
		unsigned timeout;
		bool timeout_set;
		unsigned errors;
		const char *err;
	} num_cases[] = {
		{ "resume_offset=0", true, 0, 0, false, 0, "" },
		{ "resume_offset=18446744073709551615", true, UINT64_MAX, 0, false, 0, "" },
		{ "resume_offset=18446744073709551616", false, 0, 0, false, 1,
		  "resume_offset=18446744073709551616 is not a whole number of pages" },
		{ "resume_offset=-1", false, 0, 0, false, 1, "resume_offset=-1 is not" },
		{ "resume_offset=8 resume_offset=x", true, 8, 0, false, 1, "resume_offset=x" },
		{ "sprout.resume.timeout=0", false, 0, 0, true, 0, "" },
		{ "sprout.resume.timeout=30", false, 0, 30, true, 0, "" },
		{ "sprout.resume.timeout=3000000", false, 0, 0, false, 1,
		  "sprout.resume.timeout=3000000 is more than 2147483 seconds" },
		{ "sprout.resume.timeout=ten", false, 0, 0, false, 1,
		  "sprout.resume.timeout=ten is not a whole number of seconds" },
	};

	(void)state;
	for (size_t i = 0; i < N(num_cases); i++) {
		struct config c;

		cmdline_init(&c);
		cmdline_parse(&c, num_cases[i].in, strlen(num_cases[i].in));
		if (c.resume_offset_set != num_cases[i].offset_set || c.resume_offset != num_cases[i].offset ||
		    c.resume_timeout != num_cases[i].timeout ||
		    c.resume_timeout_set != num_cases[i].timeout_set || c.errors != num_cases[i].errors ||
		    !strstr(c.first_error, num_cases[i].err))
			fail_msg("case %zu (%s): offset %d/%llu timeout %d/%u errors %u '%s'", i,
				 num_cases[i].in, c.resume_offset_set, (unsigned long long)c.resume_offset,
				 c.resume_timeout_set, c.resume_timeout, c.errors, c.first_error);
	}
}

static void test_bootif_and_lists(void **state)
{
	static const struct {
		const char *in;
		int ret;
		uint8_t mac[6];
	} t[] = {
		{ "01-52-54-00-12-34-56", 0, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } },
		{ "01-AA-bb-Cc-dD-ee-FF", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "aa:bb:cc:dd:ee:0f", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f } },
		{ "aa-bb-cc-dd-ee-0f", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x0f } },
		{ "06-aa-bb-cc-dd-ee-ff", -EINVAL, { 0 } },
		{ "01:aa:bb:cc:dd:ee:ff", -EINVAL, { 0 } },
		{ "aa:bb:cc:dd:ee:f", -EINVAL, { 0 } },
		{ "aa:bb:cc:dd:ee:fff", -EINVAL, { 0 } },
		{ "aabbccddeeff", -EINVAL, { 0 } },
		{ "aa.bb.cc.dd.ee.ff", -EINVAL, { 0 } },
		{ "aa:bb:cc-dd:ee:ff", -EINVAL, { 0 } },
		{ " a:bb:cc:dd:ee:ff", -EINVAL, { 0 } },
		{ "", -EINVAL, { 0 } },
	};
	uint8_t mac[6];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		memset(mac, 0x11, sizeof(mac));
		assert_int_equal(cmdline_bootif_mac(t[i].in, mac), t[i].ret);
		if (t[i].ret == 0)
			assert_memory_equal(mac, t[i].mac, 6);
		else
			assert_int_equal(mac[0], 0x11);
	}
	assert_true(cmdline_list_has("a,snd_hda_intel,b", "snd-hda-intel"));
	assert_true(cmdline_list_has("a,snd_hda_intel,b", "b"));
	assert_true(cmdline_list_has("a", "a"));
	assert_false(cmdline_list_has("a,snd_hda_intel,b", "snd"));
	assert_false(cmdline_list_has("a,snd_hda_intel,b", "snd_hda_intel2"));
	assert_false(cmdline_list_has("ab", "a"));
	assert_false(cmdline_list_has("", "a"));
	assert_false(cmdline_list_has(",,", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_seconds_fit_ms),
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
		cmocka_unit_test(test_image_keys),
		cmocka_unit_test(test_module_list_full),
		cmocka_unit_test(test_bootif_and_lists),
		cmocka_unit_test(test_storage_keys),
		cmocka_unit_test(test_storage_limits),
		cmocka_unit_test(test_storage_lookups),
		cmocka_unit_test(test_fsck_keys),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_resume_numbers),
		cmocka_unit_test(test_notes_long),
		cmocka_unit_test(test_wrapper_keys),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
