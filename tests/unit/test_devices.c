/* Unit tests for modload and devices: load orders with a fake loader, failures and
 * blacklists, module options from the command line, reading the index files, a
 * coldplug over a fake sysfs tree in a temporary directory where loading one driver
 * makes a new device appear (found by the second pass), and the devices no module of
 * the image matches, as a "root not found" message names them. */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define TESTUTIL_LOG
#include "testutil.h"

#include "blkdev.h"
#include "boot.h"
#include "devices.h"
#include "log.h"
#include "modalias_kind.h"
#include "modload.h"


/* --- an index, a fake tree, a fake loader ------------------------------------------- */

static const char dep_text[] =
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/arch/x86/crypto/crc32c-intel.ko.xz:\n"
	"kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko\n"
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
	"kernel/drivers/block/virtio_blk.ko:\n"
	"kernel/drivers/net/e1000e.ko: kernel/drivers/ptp/ptp.ko kernel/drivers/pps/pps_core.ko\n"
	"kernel/drivers/ptp/ptp.ko: kernel/drivers/pps/pps_core.ko\n"
	"kernel/drivers/pps/pps_core.ko:\n"
	"kernel/drivers/ata/ata_piix.ko:\n"
	"kernel/never.ko:\n"
	"kernel/deep.ko:\n";

static const char alias_text[] =
	"alias fs-ext4 ext4\n"
	"alias crypto-crc32c crc32c_generic\n"
	"alias crypto-crc32c crc32c-intel\n"
	"alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
	"alias virtio:d00000002v* virtio_blk\n"
	"alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n"
	"alias pci:v00008086d00007010sv*sd*bc*sc*i* ata_piix\n"
	"alias platform:never never\n"
	"alias platform:deep deep\n";

static const char softdep_text[] = "softdep ext4 pre: crypto-crc32c\n";

struct fake {
	char root[256];     /* the fake sysfs */
	char calls[2048];   /* "name[params] name ..." in load order */
	const char *fail;   /* this module fails with fail_err */
	int fail_err;
	const char *exists; /* this one answers -EEXIST */
	unsigned sleep_ms;  /* each load takes this long */
	int inflight, max_inflight;
	bool broken;        /* a loader thread could not do its part */
};

static struct fake fake;
static struct devices dv; /* over the loader open_fake opened, walking fake.root */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;

/* The same without cmocka's asserts, which must not run off the test's thread. */
static int try_write_file(const char *rel, const char *text)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", fake.root, rel);
	for (char *p = path + strlen(fake.root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -EIO;
}

/* Called from coldplug's loader threads: shared fields under fake_lock, no asserts. */
static int fake_load(struct modload *ml, const char *name, const char *path, const char *params)
{
	(void)ml;
	pthread_mutex_lock(&fake_lock);
	if (!path)
		fake.broken = true;
	size_t o = strlen(fake.calls);
	snprintf(fake.calls + o, sizeof(fake.calls) - o, "%s%s%s%s%s", o ? " " : "", name,
		 params[0] ? "[" : "", params, params[0] ? "]" : "");
	if (++fake.inflight > fake.max_inflight)
		fake.max_inflight = fake.inflight;
	pthread_mutex_unlock(&fake_lock);
	if (fake.sleep_ms)
		usleep(fake.sleep_ms * 1000);
	int r = 0;
	if (fake.fail && !strcmp(name, fake.fail))
		r = fake.fail_err;
	else if (fake.exists && !strcmp(name, fake.exists))
		r = -EEXIST;
	/* the driver of the PCI function makes the virtio device behind it */
	else if (!strcmp(name, "virtio_pci") &&
		 try_write_file("devices/pci0000:00/0000:00:04.0/virtio0/modalias",
				"virtio:d00000002v00001AF4\n") < 0)
		r = -EIO;
	pthread_mutex_lock(&fake_lock);
	fake.inflight--;
	pthread_mutex_unlock(&fake_lock);
	return r;
}

/* Where `name` is in fake.calls as a whole word, or NULL. */
static const char *call_of(const char *name)
{
	size_t n = strlen(name);
	for (const char *p = fake.calls; (p = strstr(p, name)); p += n)
		if ((p == fake.calls || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0' || p[n] == '['))
			return p;
	return NULL;
}

/* Both were loaded, `first` before `then`. */
static void assert_before(const char *first, const char *then)
{
	const char *a = call_of(first), *b = call_of(then);
	if (!a || !b || a >= b)
		fail_msg("want %s loaded before %s: \"%s\"", first, then, fake.calls);
}

static void open_fake(struct modload *ml)
{
	struct modindex *idx = modindex_new();
	size_t bad;
	assert_int_equal(modindex_parse_dep(idx, dep_text, sizeof(dep_text) - 1, &bad), 0);
	assert_int_equal(modindex_parse_alias(idx, alias_text, sizeof(alias_text) - 1, &bad), 0);
	assert_int_equal(modindex_parse_softdep(idx, softdep_text, sizeof(softdep_text) - 1, &bad), 0);
	assert_int_equal(modload_open_index(ml, idx, NULL), 0);
	ml->load = fake_load;
	ml->sysfs = fake.root;
	devices_init(&dv, ml, fake.root);
}

static void write_file(const char *rel, const char *text)
{
	assert_int_equal(try_write_file(rel, text), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	log_reset();
	snprintf(fake.root, sizeof(fake.root), "/tmp/sprout-devtest.XXXXXX");
	assert_non_null(mkdtemp(fake.root));
	/* built in (or loaded earlier): the kernel shows it under /sys/module */
	write_file("module/crc16/parameters/x", "");
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];
	(void)state;
	devices_free(&dv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake.root);
	return system(cmd);
}

/* --- modload -------------------------------------------------------------------------- */

static void test_alias_order(void **state)
{
	(void)state;
	struct modload ml;
	open_fake(&ml);
	fake.fail = "crc32c_intel"; /* an optional softdep failing changes nothing */
	fake.fail_err = -ENODEV;
	assert_int_equal(modload_alias(&ml, "fs-ext4"), 1);
	/* crc16 is in the kernel already: not loaded again */
	assert_string_equal(fake.calls, "crc32c_generic crc32c_intel jbd2 mbcache ext4");
	assert_non_null(strstr(logged, "loaded ext4 for fs-ext4"));
	/* all in: nothing to do, and a success */
	fake.calls[0] = '\0';
	assert_int_equal(modload_alias(&ml, "fs-ext4"), 0);
	assert_int_equal(modload_module(&ml, "ext4"), 0);
	assert_int_equal(modload_module(&ml, "crc16"), 0);
	assert_string_equal(fake.calls, "");
	assert_int_equal(ml.nloaded, 4);
	assert_int_equal(ml.nfailed, 1);
	/* no module for it in the image: the caller can say so */
	assert_int_equal(modload_alias(&ml, "fs-xfs"), -ENOENT);
	assert_int_equal(modload_module(&ml, "xfs"), -ENOENT);
	assert_int_equal(modload_module(&ml, "bad/name"), -EINVAL);
	modload_close(&ml);
}

static void test_failures(void **state)
{
	(void)state;
	struct modload ml;
	open_fake(&ml);
	fake.fail = "ptp";
	fake.fail_err = -EINVAL;
	/* a hard dependency failing fails the module, which is not tried */
	assert_int_equal(modload_module(&ml, "e1000e"), -EINVAL);
	assert_string_equal(fake.calls, "pps_core ptp");
	assert_non_null(strstr(logged, "e1000e not loaded: it needs ptp, which failed"));
	/* and is not tried again */
	fake.calls[0] = '\0';
	assert_int_equal(modload_module(&ml, "e1000e"), -EINVAL);
	assert_int_equal(modload_alias(&ml, "pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00"),
			 -EINVAL);
	assert_string_equal(fake.calls, "");
	/* -EEXIST is a success, not a new load */
	fake.exists = "virtio_blk";
	assert_int_equal(modload_module(&ml, "virtio_blk"), 0);
	assert_string_equal(fake.calls, "virtio_blk");
	modload_close(&ml);
}

static void test_blacklist(void **state)
{
	(void)state;
	struct modload ml;
	open_fake(&ml);
	assert_int_equal(modload_blacklist(&ml, "mbcache,virtio-blk,not_in_image"), 0);
	assert_int_equal(modload_blacklist(&ml, "a,,b"), -EINVAL);
	assert_int_equal(modload_blacklist(&ml, ""), -EINVAL);
	assert_int_equal(modload_blacklist(&ml, "a/b"), -EINVAL);
	assert_int_equal(modload_alias(&ml, "virtio:d00000002v00001AF4"), -EPERM);
	assert_int_equal(modload_module(&ml, "virtio_blk"), -EPERM);
	/* ext4 needs a blacklisted module: it is not loaded, nor anything for it */
	assert_int_equal(modload_alias(&ml, "fs-ext4"), -EPERM);
	assert_string_equal(fake.calls, "");
	assert_non_null(strstr(logged, "ext4 not loaded: it needs mbcache, which is blacklisted"));
	assert_false(modload_wanted(&ml, "virtio_blk"));
	assert_false(modload_wanted(&ml, "ext4"));
	assert_true(modload_wanted(&ml, "e1000e"));
	assert_false(modload_wanted(&ml, "not_in_image"));
	modload_close(&ml);
}

static const struct {
	const char *cmdline, *module, *params;
	int ret;
	size_t len; /* 0: strlen */
} param_cases[] = {
	{ "", "ext4", "", 0, 0 },
	{ "root=/dev/vda1 ext4.foo=1 quiet", "ext4", "foo=1", 5, 0 },
	{ "ext4.foo=1 ext3.x=2 ext4.bar", "ext4", "foo=1 bar", 9, 0 },
	{ "e1000e.InterruptThrottleRate=1,1", "e1000e", "InterruptThrottleRate=1,1", 25, 0 },
	{ "crc32c-intel.x=1 crc32c_intel.y=2", "crc32c_intel", "x=1 y=2", 7, 0 },
	{ "crc32c-intel.x=1", "crc32c-intel", "x=1", 3, 0 },
	{ "ext4.opt=\"a b\" ext4.z=3", "ext4", "opt=\"a b\" z=3", 13, 0 },
	{ "\"ext4.q=1\"", "ext4", "q=1", 3, 0 },    /* quotes group, as for every key */
	{ "ip=10.0.0.1 nfsroot=10.0.0.2:/srv", "10", "", 0, 0 },
	{ "ext4. ext4 .foo=1 ext4", "ext4", "", 0, 0 },
	{ "ext4.a=1 -- ext4.b=2", "ext4", "a=1", 3, 0 },
	{ "ext4.a=1\0ext4.b=2", "ext4", "a=1", 3, 17 }, /* NUL ends the line */
	{ "  ext4.a=1\t\next4.b=2  ", "ext4", "a=1 b=2", 7, 0 },
};

static void test_params(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(param_cases); i++) {
		char out[64];
		size_t len = param_cases[i].len ? param_cases[i].len : strlen(param_cases[i].cmdline);
		int r = modload_params(param_cases[i].cmdline, len, param_cases[i].module, out,
				       sizeof(out));
		if (r != param_cases[i].ret || strcmp(out, param_cases[i].params))
			fail_msg("case %zu: %d \"%s\", want %d \"%s\"", i, r, out, param_cases[i].ret,
				 param_cases[i].params);
	}
	/* too long for out: an error, never a cut list */
	char small[8];
	assert_int_equal(modload_params("m.a=1 m.b=2", 11, "m", small, 7), -E2BIG);
	assert_int_equal(modload_params("m.a=1 m.b=2", 11, "m", small, 8), 7);
	assert_int_equal(modload_params("m.a=1", 5, "m", small, 0), -E2BIG);
}

static void test_params_passed(void **state)
{
	(void)state;
	struct modload ml;
	static const char cmd[] = "root=UUID=x jbd2.debug=1 quiet ext4.x=\"a b\" -- ext4.y=1";
	open_fake(&ml);
	assert_int_equal(modload_set_cmdline(&ml, cmd, sizeof(cmd) - 1), 0);
	assert_int_equal(modload_module(&ml, "ext4"), 1);
	assert_string_equal(fake.calls, "crc32c_generic crc32c_intel jbd2[debug=1] mbcache ext4[x=\"a b\"]");
	modload_close(&ml);
}

static void write_index(const char *dep, const char *alias, const char *softdep)
{
	if (dep)
		write_file("lib/modules.dep", dep);
	if (alias)
		write_file("lib/modules.alias", alias);
	if (softdep)
		write_file("lib/modules.softdep", softdep);
}

static void test_open(void **state)
{
	(void)state;
	struct modload ml;
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/lib", fake.root);
	assert_int_equal(modload_open(&ml, dir), -ENOENT);
	modload_close(&ml);
	/* modules.dep alone is enough */
	write_index(dep_text, NULL, NULL);
	assert_int_equal(modload_open(&ml, dir), 0);
	assert_int_equal(modindex_count(ml.idx), 15);
	assert_string_equal(ml.moddir, dir);
	assert_true(ml.moddir_fd >= 0);
	assert_ptr_equal(ml.load, modload_finit);
	assert_string_equal(ml.sysfs, "/sys");
	modload_close(&ml);
	assert_int_equal(ml.moddir_fd, -1);
	/* all three */
	write_index(NULL, alias_text, softdep_text);
	assert_int_equal(modload_open(&ml, dir), 0);
	ml.load = fake_load;
	ml.sysfs = fake.root;
	assert_int_equal(modload_alias(&ml, "fs-ext4"), 1);
	assert_string_equal(fake.calls, "crc32c_generic crc32c_intel jbd2 mbcache ext4");
	modload_close(&ml);
	/* a bad line: where it is */
	write_index(NULL, "alias a b\nalias broken\n", NULL);
	assert_int_equal(modload_open(&ml, dir), -EBADMSG);
	assert_string_equal(ml.bad_file, "modules.alias");
	assert_int_equal(ml.bad_line, 2);
	modload_close(&ml);
	assert_int_equal(modload_open(&ml, "/nonexistent/dir"), -ENOENT);
	modload_close(&ml);
	modload_close(&ml); /* twice is harmless */
}

static void test_finit_errors(void **state)
{
	(void)state;
	struct modload ml;
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/lib", fake.root);
	write_index(dep_text, "", "");
	assert_int_equal(modload_open(&ml, dir), 0);
	ml.sysfs = fake.root;
	/* the real loader, on a file that is not there: nothing reaches the kernel */
	assert_int_equal(modload_module(&ml, "never"), -ENOENT);
	assert_non_null(strstr(logged, "module never (kernel/never.ko) failed to load"));
	modload_close(&ml);
	char kdir[512];
	assert_int_equal(modload_default_dir(kdir, sizeof(kdir)), 0);
	assert_int_equal(strncmp(kdir, "/lib/modules/", 13), 0);
	assert_true(strlen(kdir) > 13);
	assert_int_equal(modload_default_dir(kdir, 10), -ENAMETOOLONG);
}

/* --- coldplug ------------------------------------------------------------------------- */

static void make_tree(void)
{
	write_file("devices/pci0000:00/0000:00:04.0/modalias",
		   "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\n");
	write_file("devices/pci0000:00/0000:00:05.0/modalias", /* a second, same model */
		   "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\n");
	write_file("devices/pci0000:00/0000:00:03.0/modalias",
		   "pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00\n");
	write_file("devices/system/cpu/cpu0/modalias", "cpu:type:x86,ven0000fam0006mod003F:feature:,0000\n");
	write_file("devices/platform/serial8250/modalias", "platform:serial8250\n");
	write_file("devices/platform/empty/modalias", "");
	write_file("devices/platform/ctl/modalias", "platform:never\001\n");
	/* reachable only through a symlink: never followed */
	write_file("bus/platform/devices/never/modalias", "platform:never\n");
	char target[512], link[512];
	snprintf(target, sizeof(target), "%s/bus/platform/devices/never", fake.root);
	snprintf(link, sizeof(link), "%s/devices/platform/never-link", fake.root);
	assert_int_equal(symlink(target, link), 0);
	/* deeper than DEVICES_MAX_DEPTH */
	char deep[2048] = "devices";
	for (int i = 0; i < DEVICES_MAX_DEPTH + 2; i++)
		strcat(deep, "/d");
	strcat(deep, "/modalias");
	write_file(deep, "platform:deep\n");
	/* a modalias longer than a page: skipped, not cut */
	char *big = malloc(5000);
	memset(big, 'p', 4999);
	big[4999] = '\0';
	memcpy(big, "platform:never", 14);
	write_file("devices/platform/big/modalias", big);
	free(big);
}

static void test_coldplug(void **state)
{
	(void)state;
	struct modload ml;
	open_fake(&ml);
	make_tree();
	/* three modules wanted by the devices: e1000e and virtio_pci now, virtio_blk
	 * for the device virtio_pci creates, found by the second pass */
	assert_int_equal(devices_coldplug(&dv), 3);
	assert_false(fake.broken);
	/* the two drivers of the first pass may interleave; each after its own needs */
	assert_before("virtio_pci", "virtio_blk");
	assert_before("virtio_pci_modern_dev", "virtio_pci");
	assert_before("pps_core", "ptp");
	assert_before("ptp", "e1000e");
	assert_null(strstr(fake.calls, "never"));
	assert_null(strstr(fake.calls, "deep"));
	/* each once: 3 wanted + 3 dependencies */
	int words = 1;
	for (char *p = fake.calls; *p; p++)
		words += *p == ' ';
	assert_int_equal(words, 6);
	/* again: everything is in, nothing is loaded */
	fake.calls[0] = '\0';
	assert_int_equal(devices_coldplug(&dv), 0);
	assert_string_equal(fake.calls, "");
	dv.sysfs = "/nonexistent";
	assert_int_equal(devices_coldplug(&dv), -ENOENT);
	modload_close(&ml);
}

/* Loads that take a while: the first pass's two drivers (e1000e with two
 * dependencies, virtio_pci with one) run at once, the pass taking as long as the
 * longer chain rather than both; the set loaded and the orders are the same. */
static void test_coldplug_concurrent(void **state)
{
	(void)state;
	struct modload ml;
	struct timespec t0, t1;
	open_fake(&ml);
	make_tree();
	fake.sleep_ms = 60;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(devices_coldplug(&dv), 3);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_false(fake.broken);
	assert_int_equal(fake.max_inflight, 2);
	/* one at a time: 6 loads of 60 ms; at once: 3 (e1000e's chain) + 1 (virtio_blk) */
	if (ms >= 6 * 60)
		fail_msg("coldplug took %ld ms: not concurrent", ms);
	assert_before("virtio_pci", "virtio_blk");
	assert_before("virtio_pci_modern_dev", "virtio_pci");
	assert_before("pps_core", "ptp");
	assert_before("ptp", "e1000e");
	assert_int_equal(ml.nloaded, 6);
	modload_close(&ml);
}

static void test_coldplug_failures(void **state)
{
	(void)state;
	struct modload ml;
	open_fake(&ml);
	make_tree();
	fake.fail = "virtio_pci";
	fake.fail_err = -ENODEV;
	/* a failing driver does not fail the walk: e1000e still counts */
	assert_int_equal(devices_coldplug(&dv), 1);
	assert_null(strstr(fake.calls, "virtio_blk"));
	assert_non_null(strstr(logged, "module virtio_pci found no device"));
	modload_close(&ml);
}

/* --- rd.driver.blacklist= and rd.driver.pre= ------------------------------------------------ */

#define E1000E "pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00"

/* A blacklisted driver is loaded neither at coldplug nor at hotplug nor as a dependency,
 * and the log says so once; rd.driver.pre= modules go in first, before any device's. */
static void test_cmdline_drivers(void **state)
{
	(void)state;
	struct modload ml;
	struct uevent ev;
	static const char add[] = "add@/devices/pci0000:00/0000:00:09.0\0ACTION=add\0"
				  "MODALIAS=" E1000E;
	open_fake(&ml);
	make_tree();
	assert_int_equal(devices_apply_cmdline(&dv, "e1000e,mbcache", "jbd2,nosuch,ext4"), 1);
	/* jbd2 loaded; ext4 needs blacklisted mbcache: refused before loading anything */
	assert_string_equal(fake.calls, "jbd2");
	assert_non_null(strstr(logged, "never loading e1000e,mbcache (rd.driver.blacklist)"));
	assert_non_null(strstr(logged, "ext4 not loaded: it needs mbcache, which is blacklisted"));
	assert_non_null(strstr(logged, "rd.driver.pre=nosuch: no such module"));
	/* coldplug: virtio_pci and the virtio_blk it makes; not e1000e nor its dependencies */
	assert_int_equal(devices_coldplug(&dv), 2);
	assert_before("jbd2", "virtio_pci_modern_dev");
	assert_null(call_of("e1000e"));
	assert_null(call_of("ptp"));
	assert_null(call_of("pps_core"));
	assert_int_equal(count_logged("module e1000e is blacklisted (rd.driver.blacklist): not loaded "
				      "for " E1000E), 1);
	/* hotplug of another such card, a walk again, a load by name: still refused, said once */
	assert_int_equal(uevent_parse(add, sizeof(add), &ev), 0);
	assert_int_equal(devices_uevent_apply(&dv, &ev), -EPERM);
	assert_int_equal(devices_coldplug(&dv), 0);
	assert_int_equal(modload_module(&ml, "e1000e"), -EPERM);
	assert_null(call_of("e1000e"));
	assert_int_equal(count_logged("module e1000e is blacklisted"), 1);
	/* the device was matched by a module: it is not one "without a driver in the image" */
	for (size_t i = 0; i < dv.nnodriver; i++)
		assert_string_not_equal(dv.nodriver[i].modalias, E1000E);
	/* nothing asked: nothing done */
	log_reset();
	assert_int_equal(devices_apply_cmdline(&dv, "", ""), 0);
	assert_string_equal(logged, "");
	modload_close(&ml);
}

/* The devices phase itself applies both (they were parsed and logged, never applied). */
static void test_phase_devices_applies_cmdline(void **state)
{
	(void)state;
	static struct boot b;
	memset(&b, 0, sizeof(b));
	open_fake(&b.ml);
	b.ml_open = true;
	devices_init(&b.dev, &b.ml, fake.root);
	b.uevent_fd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* no socket opened by the test */
	assert_true(b.uevent_fd >= 0);
	make_tree();
	strcpy(b.cfg.driver_blacklist, "virtio_pci");
	strcpy(b.cfg.driver_pre, "crc16,pps_core");
	b.cfg.rd_neednet = true; /* root first loads the NIC's driver first only for this */
	assert_int_equal(phase_devices(&b), 0);
	/* crc16 is in the kernel already; pps_core first, then e1000e's chain; virtio_pci
	 * never, so neither the virtio_blk its device would want */
	assert_string_equal(fake.calls, "pps_core ptp e1000e");
	assert_non_null(strstr(logged, "module virtio_pci is blacklisted"));
	assert_non_null(strstr(logged, "loaded pps_core for rd.driver.pre"));
	close(b.uevent_fd);
	devices_free(&b.dev);
	modload_close(&b.ml);
}

/* --- block devices in messages --------------------------------------------------------- */

/* LABEL, PARTLABEL, UUID and the type come from the disk: escaped in every listing, so a
 * label cannot forge log lines or send escape sequences to the console. */
static void test_blkdev_format(void **state)
{
	(void)state;
	struct blkdev d = { .name = "vda1", .path = "/dev/vda1", .major = 254, .minor = 1,
			    .type = "ext4", .uuid = "1234-abcd", .label = "root\nsprout: forged\x1b[2J",
			    .partlabel = "p\\q" };
	char out[512], small[40];
	int n = blkdev_format(&d, out, sizeof(out));
	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(out, "/dev/vda1 254:1 ext4 UUID=1234-abcd "
				 "LABEL=root\\x0asprout: forged\\x1b[2J PARTLABEL=p\\x5cq");
	for (const char *p = out; *p; p++)
		assert_true(*p >= ' ' && *p < 0x7f);
	/* too long: an error, never a cut line */
	assert_int_equal(blkdev_format(&d, small, sizeof(small)), -ENAMETOOLONG);
	struct blkdev none = { .name = "sr0", .path = "/dev/sr0", .major = 11 };
	assert_true(blkdev_format(&none, out, sizeof(out)) > 0);
	assert_string_equal(out, "/dev/sr0 11:0 (nothing recognised)");
	/* the listing: entries whole, or "..." */
	struct blkdev list[2] = { d, none };
	blkdev_describe(list, 2, out, sizeof(out));
	assert_non_null(strstr(out, "PARTLABEL=p\\x5cq; /dev/sr0 11:0 (nothing recognised)"));
	assert_null(strchr(out, '\n'));
	blkdev_describe(list, 2, small, sizeof(small));
	assert_string_equal(small, "...");
	blkdev_describe(list, 0, out, sizeof(out));
	assert_non_null(strstr(out, "no block devices at all"));
}


/* --- root first ---------------------------------------------------------------------------- */

#define IDE "pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80"

/* Which devices' drivers go first, for which needs: the root's way always, NICs with
 * the network, input with a passphrase, IDE/CD-ROM/floppy when asked, display and sound
 * never; kinds not known are never held back. */
static void test_modalias_first(void **state)
{
	(void)state;
	static const struct {
		const char *alias;
		unsigned needs;
		bool first;
	} cases[] = {
		{ "virtio:d00000002v00001AF4", 0, true },
		{ "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", 0, true },
		{ "pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01", 0, true }, /* AHCI */
		{ "pci:v00001B36d0000000Dsv00001AF4sd00001100bc0Csc03i30", 0, true }, /* xHCI */
		{ "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00", 0, true },
		{ "scsi:t-0x00", 0, true },
		{ "pci:v00008086d00001502sv00001AF4sd00001100bc07sc00i02", 0, true }, /* serial */
		{ "virtio:d00000003v00001AF4", 0, true },                              /* console */
		{ E1000E, 0, false },
		{ E1000E, MODALIAS_NEED_NET, true },
		{ "virtio:d00000001v00001AF4", MODALIAS_NEED_INPUT, false },
		{ "virtio:d00000001v00001AF4", MODALIAS_NEED_NET, true },
		{ "xen:vif", MODALIAS_NEED_NET, true },
		{ "serio:ty01pr00id00ex00", 0, false },
		{ "serio:ty01pr00id00ex00", MODALIAS_NEED_INPUT, true },
		{ "usb:v046Dp0000d0100dc00dsc00dp00ic03isc01ip01in00", MODALIAS_NEED_INPUT, true },
		{ "hid:b0003g0001v0000046Dp0000C31C", MODALIAS_NEED_NET, false },
		{ "input:b0011v0001p0001eAB41-e0,1,4,11,14,k71,72,ramlsfw", MODALIAS_NEED_INPUT, true },
		{ IDE, 0, false },
		{ IDE, MODALIAS_NEED_NET | MODALIAS_NEED_INPUT, false },
		{ IDE, MODALIAS_NEED_LEGACY, true },
		{ "scsi:t-0x05", 0, false },
		{ "scsi:t-0x05", MODALIAS_NEED_LEGACY, true },
		{ "acpi:PNP0700:", 0, false },
		{ "pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00", ~0u, false }, /* VGA */
		{ "pci:v00008086d00002668sv00001AF4sd00001100bc04sc03i00", ~0u, false }, /* HDA */
		{ "hdaudio:v10EC0269r00100100a01", ~0u, false },
		{ "platform:pcspkr", 0, false },
		/* unknown kinds and malformed ones: first */
		{ "platform:serial8250", 0, true },
		{ "acpi:PNP0B00:", 0, true },
		{ "cpu:type:x86,ven0000fam0006mod003F:feature:,0000", 0, true },
		{ "of:NmmcT(null)Csnps,dw-mshc", 0, true },
		{ "pci:v00001234d00001111", 0, true },
		{ "scsi:t-0x1f", 0, true },
		{ "", 0, true },
	};
	for (size_t i = 0; i < N(cases); i++)
		if (modalias_first(cases[i].alias, cases[i].needs) != cases[i].first)
			fail_msg("%s with needs %#x: want %s", cases[i].alias, cases[i].needs,
				 cases[i].first ? "first" : "later");
}

/* Coldplug and hotplug hold back the NIC and the IDE controller; release brings the NIC
 * in for a network; leave hands the IDE controller on without loading it. */
static void test_root_first(void **state)
{
	(void)state;
	struct modload ml;
	struct uevent ev;
	char desc[256];
	static const char add[] = "add@/devices/pci0000:00/0000:00:09.0\0ACTION=add\0"
				  "MODALIAS=" E1000E;
	open_fake(&ml);
	make_tree();
	write_file("devices/pci0000:00/0000:00:01.1/modalias", IDE "\n");
	devices_defer(&dv, 0);
	/* virtio_pci and the virtio_blk of its device: the root's way */
	assert_int_equal(devices_coldplug(&dv), 2);
	assert_null(call_of("e1000e"));
	assert_null(call_of("ata_piix"));
	assert_true(dv.storage_first);
	assert_int_equal(dv.ndeferred, 2);
	devices_describe_deferred(&dv, desc, sizeof(desc));
	assert_non_null(strstr(desc, "network controller"));
	assert_non_null(strstr(desc, "IDE controller"));
	/* walked again: nothing twice; a second NIC by hotplug: held too */
	assert_int_equal(devices_coldplug(&dv), 0);
	assert_int_equal(dv.ndeferred, 2);
	assert_int_equal(uevent_parse(add, sizeof(add), &ev), 0);
	assert_int_equal(devices_uevent_apply(&dv, &ev), 0);
	assert_int_equal(dv.ndeferred, 3);
	assert_null(call_of("e1000e"));
	/* the network after all: both NICs' driver, once; the IDE controller still waits */
	assert_int_equal(devices_release(&dv, MODALIAS_NEED_NET, "test wants the network"), 1);
	assert_before("ptp", "e1000e");
	assert_int_equal(dv.ndeferred, 1);
	assert_true(dv.defer);
	assert_non_null(strstr(logged, "test wants the network: loading the drivers kept for later of 2 device(s) (network controller)"));
	/* a second call a boot changes nothing */
	devices_defer(&dv, MODALIAS_NEED_LEGACY);
	assert_int_equal(devices_release(&dv, 0, "nothing new"), 0);
	assert_int_equal(dv.ndeferred, 1);
	devices_leave(&dv, "the root's udevd");
	assert_non_null(strstr(logged, "the drivers of 1 device(s) not on the way to the root (IDE controller) are left to the root's udevd"));
	assert_false(dv.defer);
	assert_int_equal(dv.ndeferred, 0);
	assert_null(call_of("ata_piix"));
	assert_int_equal(devices_release(&dv, DEVICES_RELEASE_ALL, "after"), 0);
	modload_close(&ml);
}

/* A driver the command line gives options to (MODULE.PARAM=) is the user's: not held
 * back. Releasing everything ends deferring: later devices load at once. */
static void test_root_first_named(void **state)
{
	(void)state;
	struct modload ml;
	static const char cmd[] = "root=/dev/vda ata_piix.prefer_ms_hyperv=0";
	open_fake(&ml);
	make_tree();
	write_file("devices/pci0000:00/0000:00:01.1/modalias", IDE "\n");
	assert_int_equal(modload_set_cmdline(&ml, cmd, sizeof(cmd) - 1), 0);
	devices_defer(&dv, 0);
	assert_int_equal(devices_coldplug(&dv), 3);
	assert_non_null(call_of("ata_piix"));
	assert_null(call_of("e1000e"));
	assert_int_equal(dv.ndeferred, 1);
	assert_true(devices_release(&dv, DEVICES_RELEASE_ALL, "root not found") >= 1);
	assert_non_null(call_of("e1000e"));
	assert_false(dv.defer);
	assert_int_equal(dv.ndeferred, 0);
	modload_close(&ml);
}

/* --- hotplug -------------------------------------------------------------------------- */

static void test_uevent_apply(void **state)
{
	(void)state;
	struct modload ml;
	struct uevent ev;
	static const char add[] = "add@/devices/virtio0\0ACTION=add\0SUBSYSTEM=virtio\0"
				  "MODALIAS=virtio:d00000002v00001AF4\0SEQNUM=7";
	static const char other[] = "add@/devices/x\0MODALIAS=usb:v1234p5678d0100dc00dsc00dp00ic03isc01ip01in00";
	open_fake(&ml);
	assert_int_equal(uevent_parse(add, sizeof(add), &ev), 0);
	strcpy(ev.action, "remove");
	assert_int_equal(devices_uevent_apply(&dv, &ev), 0);
	strcpy(ev.action, "add");
	assert_int_equal(devices_uevent_apply(&dv, &ev), 1);
	assert_int_equal(devices_uevent_apply(&dv, &ev), 0);
	assert_string_equal(fake.calls, "virtio_blk");
	/* no module for it: not an error, but remembered for a message */
	assert_int_equal(dv.nnodriver, 0);
	assert_int_equal(uevent_parse(other, sizeof(other), &ev), 0);
	assert_int_equal(devices_uevent_apply(&dv, &ev), 0);
	assert_int_equal(devices_uevent_apply(&dv, &ev), 0);
	assert_int_equal(dv.nnodriver, 1);
	assert_string_equal(dv.nodriver[0].devpath, "/devices/x");
	assert_string_equal(dv.nodriver[0].modalias, other + sizeof("add@/devices/x\0MODALIAS=") - 1);
	modload_close(&ml);
}

/* --- devices without a driver ----------------------------------------------------------- */

static const struct {
	const char *alias, *what, *module;
	bool storage;
} kind_cases[] = {
	{ "virtio:d00000002v00001AF4", "virtio block device", "virtio_blk", true },
	{ "virtio:d00000001v00001AF4", "virtio network device", "virtio_net", false },
	{ "virtio:d00000008v00001AF4", "virtio SCSI host", "virtio_scsi", true },
	{ "virtio:d00000004v00001AF4", NULL, NULL, false },          /* rng */
	{ "virtio:d0000000", NULL, NULL, false },                    /* cut short */
	{ "virtio:dZZ000002v00001AF4", NULL, NULL, false },
	{ "pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01", "SATA controller (AHCI)", "ahci", true },
	{ "pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i00", "SATA controller", NULL, true },
	{ "pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02", "NVM Express controller", "nvme", true },
	{ "pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80", "IDE controller", NULL, true },
	{ "pci:v00001000d00000012sv00001AF4sd00001100bc01sc80i00", "storage controller", NULL, true },
	{ "pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00", "network controller", NULL, false },
	{ "pci:v00001B36d0000000Dsv00001AF4sd00001100bc0Csc03i30", "USB 3 controller", "xhci_pci", false },
	{ "pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00", "display controller", NULL, false },
	{ "pci:v00001234d00001111sv00001AF4sd00001100bc0", NULL, NULL, false },
	{ "pci:v00001234d00001111", NULL, NULL, false },
	{ "scsi:t-0x00", "SCSI disk", "sd_mod", true },
	{ "scsi:t-0x05", "SCSI CD-ROM", "sr_mod", true },
	{ "scsi:t-0x1f", NULL, NULL, false },
	{ "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00", "USB mass storage", "usb_storage", true },
	{ "usb:v174Cp55AAd0100dc00dsc00dp00ic08isc06ip62in01", "USB attached SCSI", "uas", true },
	{ "usb:v046Dp0000d0100dc00dsc00dp00ic03isc01ip01in00", "USB input device", "usbhid", false },
	{ "mmc:block", "MMC/SD card", "mmc_block", true },
	{ "xen:vbd", "Xen block device", "xen_blkfront", true },
	{ "platform:serial8250", NULL, NULL, false },
	{ "", NULL, NULL, false },
};

static void test_alias_kind(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(kind_cases); i++) {
		const struct modalias_kind *k = modalias_kind(kind_cases[i].alias);
		const char *what = k ? k->what : NULL, *module = k ? k->module : NULL;
		if ((what == NULL) != (kind_cases[i].what == NULL) ||
		    (what && strcmp(what, kind_cases[i].what)) ||
		    (module == NULL) != (kind_cases[i].module == NULL) ||
		    (module && strcmp(module, kind_cases[i].module)) ||
		    (k && k->storage != kind_cases[i].storage))
			fail_msg("%s: got %s / %s", kind_cases[i].alias, what ? what : "NULL",
				 module ? module : "NULL");
	}
}

#define AHCI "pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01"

/* Coldplug remembers the devices no module of the image matches, with where they are;
 * the message puts storage first and leaves out devices a built-in driver took. */
static void test_coldplug_nodriver(void **state)
{
	(void)state;
	struct modload ml;
	char out[1024], target[512], link[512];
	open_fake(&ml);
	make_tree();
	write_file("devices/pci0000:00/0000:00:06.0/modalias", AHCI "\n");
	/* a device a driver built into the kernel has bound */
	write_file("devices/platform/i8042/modalias", "platform:i8042\n");
	write_file("bus/platform/drivers/i8042/bind", "");
	snprintf(target, sizeof(target), "%s/bus/platform/drivers/i8042", fake.root);
	snprintf(link, sizeof(link), "%s/devices/platform/i8042/driver", fake.root);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(devices_coldplug(&dv), 3);
	/* the AHCI controller, the CPU, serial8250, i8042: every modalias nothing matched */
	assert_int_equal(dv.nnodriver, 4);
	bool ahci = false;
	for (size_t i = 0; i < dv.nnodriver; i++) {
		assert_null(strstr(dv.nodriver[i].modalias, "virtio"));
		assert_null(strstr(dv.nodriver[i].modalias, "never"));
		if (!strcmp(dv.nodriver[i].modalias, AHCI)) {
			assert_string_equal(dv.nodriver[i].devpath, "/devices/pci0000:00/0000:00:06.0");
			ahci = true;
		}
	}
	assert_true(ahci);
	/* the controller is named, the CPU and serial8250 only counted; i8042 has its driver */
	assert_int_equal(devices_describe_nodriver(&dv, out, sizeof(out)), 3);
	assert_string_equal(out, AHCI " (SATA controller (AHCI): ahci), and 2 more");
	/* walked again (as after lost events): nothing twice */
	assert_int_equal(devices_coldplug(&dv), 0);
	assert_int_equal(dv.nnodriver, 4);
	/* the controller bound after all: nothing known is left, so the others are named */
	write_file("devices/pci0000:00/0000:00:06.0/driver", "");
	assert_int_equal(devices_describe_nodriver(&dv, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "platform:serial8250"));
	assert_non_null(strstr(out, "cpu:type:x86,ven0000fam0006mod003F:feature:,0000"));
	assert_null(strstr(out, "pci:"));
	assert_null(strstr(out, "more"));
	modload_close(&ml);
	devices_free(&dv);
	assert_int_equal(dv.nnodriver, 0);
	assert_null(dv.nodriver);
	devices_free(&dv); /* twice is harmless */
}

/* Many devices: DEVICES_LIST_NODRIVER named, the rest counted; a small buffer names
 * fewer but cuts none; past DEVICES_MAX_NODRIVER they are only counted. */
static void test_describe_caps(void **state)
{
	(void)state;
	struct modload ml;
	char out[2048], path[64];
	const char *entry = "virtio:d00000002v00001AF4 (virtio block device: virtio_blk)";
	open_fake(&ml);
	assert_int_equal(devices_describe_nodriver(&dv, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(devices_note_nodriver(&dv, "", "x"), -EINVAL);
	assert_int_equal(devices_note_nodriver(&dv, "/devices/a", ""), -EINVAL);
	assert_int_equal(devices_note_nodriver(&dv, "/devices/platform/p", "platform:p"), 0);
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/devices/virtio%d", i);
		assert_int_equal(devices_note_nodriver(&dv, path, "virtio:d00000002v00001AF4"), 0);
		assert_int_equal(devices_note_nodriver(&dv, path, "virtio:d00000002v00001AF4"), 0);
	}
	assert_int_equal(dv.nnodriver, 21);
	/* storage a known module drives comes before other storage, whatever the order */
	assert_int_equal(devices_note_nodriver(&dv, "/devices/ide", "pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80"), 0);
	assert_int_equal(devices_describe_nodriver(&dv, out, 200), 22);
	assert_string_equal(out, "virtio:d00000002v00001AF4 (virtio block device: virtio_blk), "
				 "virtio:d00000002v00001AF4 (virtio block device: virtio_blk), and 20 more");
	dv.nnodriver--; /* the IDE controller out again */
	free(dv.nodriver[dv.nnodriver].devpath);
	free(dv.nodriver[dv.nnodriver].modalias);
	assert_int_equal(devices_describe_nodriver(&dv, out, sizeof(out)), 21);
	/* 8 of the storage ones, not the platform device behind them */
	char want[2048] = "";
	for (int i = 0; i < DEVICES_LIST_NODRIVER; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", i ? ", " : "", entry);
	strcat(want, ", and 13 more");
	assert_string_equal(out, want);
	/* room for two entries: two, and the rest counted */
	size_t two = 2 * strlen(entry) + 2 + 24 + 1;
	assert_int_equal(devices_describe_nodriver(&dv, out, two), 21);
	snprintf(want, sizeof(want), "%s, %s, and 19 more", entry, entry);
	assert_string_equal(out, want);
	assert_int_equal(devices_describe_nodriver(&dv, out, 30), 21);
	assert_string_equal(out, "and 21 more");
	assert_int_equal(devices_describe_nodriver(&dv, out, 5), 21);
	assert_string_equal(out, "");
	for (int i = 0; i < DEVICES_MAX_NODRIVER + 10; i++) {
		snprintf(path, sizeof(path), "/devices/many%d", i);
		assert_int_equal(devices_note_nodriver(&dv, path, "platform:many"), 0);
	}
	assert_int_equal(dv.nnodriver, DEVICES_MAX_NODRIVER);
	assert_int_equal(devices_describe_nodriver(&dv, out, sizeof(out)), 21 + DEVICES_MAX_NODRIVER + 10);
	modload_close(&ml);
}

/* In a network namespace of its own (so nothing leaks to the host's listeners): a
 * message another process multicasts on the uevent group is not the kernel's and
 * must be dropped. Exits 0 ok, 1 wrong, 77 cannot test here. */
static int forged_child(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return 77;
	int fd = devices_uevent_open();
	int witness = devices_uevent_open();
	if (fd < 0 || witness < 0)
		return 77;
	int tx = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	static const char msg[] = "add@/devices/forged\0ACTION=add\0MODALIAS=platform:never";
	if (tx < 0 || sendto(tx, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return 77;
	char buf[256];
	usleep(10000);
	if (recv(witness, buf, sizeof(buf), MSG_DONTWAIT) != (ssize_t)sizeof(msg))
		return 77; /* multicast from userspace not delivered here: nothing to test */
	struct uevent ev;
	return devices_uevent_read(fd, &ev) == 0 ? 0 : 1;
}

static void test_uevent_forged(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(forged_child());
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alias_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blacklist, setup, teardown),
		cmocka_unit_test(test_params),
		cmocka_unit_test_setup_teardown(test_params_passed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finit_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coldplug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coldplug_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coldplug_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_drivers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phase_devices_applies_cmdline, setup, teardown),
		cmocka_unit_test(test_blkdev_format),
		cmocka_unit_test_setup_teardown(test_uevent_apply, setup, teardown),
		cmocka_unit_test(test_alias_kind),
		cmocka_unit_test_setup_teardown(test_coldplug_nodriver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe_caps, setup, teardown),
		cmocka_unit_test(test_modalias_first),
		cmocka_unit_test_setup_teardown(test_root_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_first_named, setup, teardown),
		cmocka_unit_test(test_uevent_forged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
