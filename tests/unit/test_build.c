/* Unit tests for build: two builds of the same inputs are byte-identical, the image
 * holds the documented layout (read back with image_walk), and failures (missing
 * module dir, missing sprout-init, an output that cannot be written or renamed,
 * two files for one path) leave no file behind and say what was wrong; --with parts
 * carry their tools, modules and configs; --host-only finds the root's storage stack
 * in a fake sysfs and mount table (LVM on LUKS, md RAID1) and refuses a root
 * sprout-init cannot boot (ZFS, multipath, firmware RAID); --include.
 *
 * The module tree is a few real modules from the Debian test kernel indexed with
 * depmod, or an empty indexed tree when that kernel is absent. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build.h"
#include "compress.h"
#include "cpio.h"
#include "image.h"
#include "testkernel.h"

#include "testutil.h"
/* The release of the fake module tree used when there is no test kernel (outside
 * make check only): not a real release. */
#define FAKE_KVER "0.0.0-sprout-fake"

static const char *const tree_modules =
	"kernel/drivers/block/virtio_blk.ko kernel/drivers/virtio/virtio.ko "
	"kernel/drivers/virtio/virtio_ring.ko kernel/fs/isofs/isofs.ko "
	"kernel/crypto/crc32c_generic.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko "
	"kernel/drivers/md/dm-mod.ko kernel/drivers/md/dm-crypt.ko kernel/drivers/md/md-mod.ko "
	"kernel/drivers/md/raid1.ko kernel/drivers/md/raid0.ko kernel/crypto/xts.ko "
	"kernel/crypto/ecb.ko kernel/drivers/block/loop.ko kernel/fs/squashfs/squashfs.ko "
	"kernel/fs/erofs/erofs.ko kernel/lib/libcrc32c.ko";

struct fixture {
	char dir[64];
	char moddir[256], init[256], shell[256], fw[256], tools[256], notools[256];
	char kver[128];
	bool real_modules;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_kernel k;

	if (!f)
		return -1;
	*state = f;
	if (test_kernel_find(&k) < 0)
		return -1; /* asked for and missing: the tests fail */
	if (!k.kver && access("/sbin/depmod", X_OK) != 0)
		return 0; /* tests skip */
	/* Without a test kernel (outside make check only), a fake module tree. */
	f->real_modules = k.kver != NULL;
	snprintf(f->kver, sizeof(f->kver), "%s", k.kver ? k.kver : FAKE_KVER);
	strcpy(f->dir, "/tmp/test_build.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->moddir, sizeof(f->moddir), "%s/lib/modules/%s", f->dir, f->kver);
	snprintf(f->init, sizeof(f->init), "%s/sprout-init", f->dir);
	snprintf(f->shell, sizeof(f->shell), "%s/busybox", f->dir);
	snprintf(f->fw, sizeof(f->fw), "%s/firmware", f->dir);
	/* the parts' tools: any dynamic program does, under their names */
	snprintf(f->tools, sizeof(f->tools), "%s/tools", f->dir);
	snprintf(f->notools, sizeof(f->notools), "%s/notools", f->dir);
	if (shell("mkdir -p '%s' '%s' && for t in cryptsetup lvm mdadm e2fsck; do cp /bin/true \"%s/$t\"; done",
		f->tools, f->notools, f->tools) != 0)
		return -1;
	if (f->real_modules)
		return shell("mkdir -p '%s' && cd '%s' && cp --parents %s modules.builtin "
			   "modules.builtin.modinfo modules.order '%s' && /sbin/depmod -b '%s' '%s' && "
			   "printf 'INIT\\177' > '%s' && printf '#!/bin/sh\\n' > '%s'", f->moddir,
			   k.moddir, tree_modules, f->moddir, f->dir, f->kver, f->init, f->shell);
	return shell("mkdir -p '%s' && : > '%s/modules.builtin' && /sbin/depmod -b '%s' '%s'"
		   " 2>/dev/null && printf 'INIT\\177' > '%s' && printf '#!/bin/sh\\n' > '%s'",
		   f->moddir, f->moddir, f->dir, f->kver, f->init, f->shell);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f && f->dir[0])
		shell("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

static struct build_opts opts(const struct fixture *f, const char *out)
{
	return (struct build_opts){
		.kver = f->kver, .moddir = f->moddir, .output = out, .compress = COMPRESS_ZSTD,
		.shell = f->shell, .cmdline = "rd.shell=1 quiet", .init = f->init,
		.firmware_dir = f->fw, .mtime = 0,
	};
}

static int build(const struct build_opts *o, char *err, size_t errsz)
{
	struct build_report rep;
	int r = build_image(o, &rep, err, errsz);

	build_report_free(&rep);
	return r;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Names in dir starting with prefix (to find left-over temporary files). */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

static void test_reproducible(void **state)
{
	struct fixture *f = *state;
	char a[256], b[256], c[256], err[512];
	struct build_opts o;
	uint8_t *da, *db, *dc;
	size_t la, lb, lc;
	struct stat st;

	if (!f->dir[0])
		skip();
	snprintf(a, sizeof(a), "%s/a.img", f->dir);
	snprintf(b, sizeof(b), "%s/b.img", f->dir);
	snprintf(c, sizeof(c), "%s/c.img", f->dir);
	o = opts(f, a);
	if (build(&o, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	o.output = b;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	o.output = c;
	o.mtime = 1700000000;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	da = slurp(a, &la);
	db = slurp(b, &lb);
	dc = slurp(c, &lc);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	assert_true(la != lc || memcmp(da, dc, la) != 0);  /* the epoch is in there */
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_prefixed(f->dir, "a.img.tmp"), 0);
	free(da);
	free(db);
	free(dc);
}

struct seen {
	char prev[4096];
	size_t n;
	bool sorted, owners, mtimes;
	uint32_t mtime;
	bool init, console, null, image, cmdline, dep, sh, busybox, virtio_blk, snd, proc, sysroot;
	char image_text[512];
	char dep_name[256], virtio_blk_name[256];  /* lib/modules/KVER/... */
};

static bool is(const struct cpio_entry *e, const char *name)
{
	return !strcmp(e->name, name);
}

static int visit(const struct cpio_entry *e, void *ctx)
{
	struct seen *s = ctx;

	s->sorted = s->sorted && (s->n == 0 || strcmp(s->prev, e->name) < 0);
	snprintf(s->prev, sizeof(s->prev), "%s", e->name);
	s->owners = s->owners && e->uid == 0 && e->gid == 0;
	s->mtimes = s->mtimes && e->mtime == s->mtime;
	s->n++;
	if (is(e, "init"))
		s->init = e->mode == (S_IFREG | 0755) && e->size == 5 && !memcmp(e->data, "INIT\177", 5);
	if (is(e, "dev/console"))
		s->console = S_ISCHR(e->mode) && e->rdevmajor == 5 && e->rdevminor == 1;
	if (is(e, "dev/null"))
		s->null = S_ISCHR(e->mode) && e->rdevmajor == 1 && e->rdevminor == 3;
	if (is(e, "etc/sprout/image")) {
		s->image = S_ISREG(e->mode);
		snprintf(s->image_text, sizeof(s->image_text), "%.*s", (int)e->size, e->data);
	}
	if (is(e, "etc/sprout/cmdline.d/10-build.conf"))
		s->cmdline = e->size > 16 && memmem(e->data, e->size, "\nrd.shell=1 quiet\n", 18);
	if (is(e, s->dep_name))
		s->dep = S_ISREG(e->mode);
	if (is(e, "bin/sh"))
		s->sh = S_ISLNK(e->mode) && e->size == 7 && !memcmp(e->data, "busybox", 7);
	if (is(e, "bin/busybox"))
		s->busybox = S_ISREG(e->mode) && (e->mode & 0111);
	if (is(e, s->virtio_blk_name))
		s->virtio_blk = true;
	if (strstr(e->name, "snd"))
		s->snd = true;
	if (is(e, "proc"))
		s->proc = S_ISDIR(e->mode);
	if (is(e, "sysroot"))
		s->sysroot = S_ISDIR(e->mode);
	return 0;
}

static void test_layout(void **state)
{
	struct fixture *f = *state;
	struct seen s = { .sorted = true, .owners = true, .mtimes = true, .mtime = 1234 };
	char out[256], err[512], want[256];
	struct build_opts o;
	uint8_t *buf;
	size_t len;

	if (!f->dir[0])
		skip();
	snprintf(s.dep_name, sizeof(s.dep_name), "lib/modules/%s/modules.dep", f->kver);
	snprintf(s.virtio_blk_name, sizeof(s.virtio_blk_name),
		 "lib/modules/%s/kernel/drivers/block/virtio_blk.ko", f->kver);
	snprintf(out, sizeof(out), "%s/layout.img", f->dir);
	o = opts(f, out);
	o.mtime = 1234;
	if (build(&o, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	buf = slurp(out, &len);
	assert_int_equal(compress_detect(buf, len), COMPRESS_ZSTD);
	if (image_walk(buf, len, visit, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	free(buf);
	assert_true(s.sorted && s.owners && s.mtimes);
	assert_true(s.init && s.console && s.null && s.image && s.cmdline && s.dep);
	assert_true(s.sh && s.busybox && s.proc && s.sysroot);
	snprintf(want, sizeof(want), "kver=%s\n", f->kver);
	assert_non_null(strstr(s.image_text, want));
	assert_non_null(strstr(s.image_text, "mode=generic\n"));
	assert_non_null(strstr(s.image_text, "with=\n"));
	assert_non_null(strstr(s.image_text, "compress=zstd\n"));
	assert_non_null(strstr(s.image_text, "build_time=1234\n"));
	assert_non_null(strstr(s.image_text, "sprout_version=" SPROUT_VERSION "\n"));
	if (f->real_modules) {
		assert_true(s.virtio_blk);
		assert_false(s.snd);  /* sound is no boot class */
		/* virtio_blk virtio virtio_ring isofs crc32c_generic, drivers/md's five, xts ecb,
		 * and a root image's loop squashfs erofs (with libcrc32c) */
		assert_non_null(strstr(s.image_text, "modules=16\n"));
	}
}

static void test_failures(void **state)
{
	struct fixture *f = *state;
	char out[256], err[512], path[256];
	struct build_opts o;

	if (!f->dir[0])
		skip();
	/* the output directory does not exist */
	snprintf(out, sizeof(out), "%s/nodir/x.img", f->dir);
	o = opts(f, out);
	assert_true(build(&o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "-o "));
	assert_non_null(strstr(err, "nodir/x.img"));
	/* /proc refuses new files */
	o.output = "/proc/sprout-test.img";
	assert_true(build(&o, err, sizeof(err)) < 0);
	assert_int_equal(access("/proc/sprout-test.img", F_OK), -1);
	/* the output is a directory: the temporary file is written, the rename fails,
	 * and the temporary file is removed */
	snprintf(out, sizeof(out), "%s/adir", f->dir);
	assert_int_equal(shell("mkdir -p '%s/adir/x'", f->dir), 0);
	o.output = out;
	assert_true(build(&o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "adir"));
	assert_int_equal(count_prefixed(f->dir, "adir.tmp"), 0);
	/* no module index there */
	snprintf(out, sizeof(out), "%s/m.img", f->dir);
	o = opts(f, out);
	snprintf(path, sizeof(path), "%s/nowhere", f->dir);
	o.moddir = path;
	assert_true(build(&o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, path));
	assert_int_equal(access(out, F_OK), -1);
	o.moddir = f->dir; /* exists, but no modules.dep */
	assert_true(build(&o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "no modules.dep there"));
	/* no sprout-init */
	o = opts(f, out);
	o.init = "/nonexistent/sprout-init";
	assert_true(build(&o, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "/nonexistent/sprout-init"));
	assert_int_equal(access(out, F_OK), -1);
	/* a bad kernel release */
	o = opts(f, out);
	o.kver = "../x";
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--kver"));
	assert_int_equal(count_prefixed(f->dir, "m.img"), 0);
}

static void test_conflict(void **state)
{
	static const char *const bins[] = { "/bin/sh" };
	struct fixture *f = *state;
	char out[256], err[512];
	struct build_opts o;

	if (!f->dir[0] || access("/bin/sh", R_OK) != 0)
		skip();
	snprintf(out, sizeof(out), "%s/conflict.img", f->dir);
	o = opts(f, out);
	o.add_binary = bins;   /* /bin/sh as a file, and the shell's /bin/sh link */
	o.n_add_binary = 1;
	assert_int_equal(build(&o, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "/bin/sh: two different files"));
	assert_int_equal(access(out, F_OK), -1);
	o.shell = NULL;
	if (build(&o, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}


/* --- storage parts and host-only detection ------------------------------------------ */

/* What an image holds, for the storage tests: every name, and a few files' bytes. */
struct listing {
	char names[1 << 16];
	size_t len;
	char image[512], lvm[2048], mdadm[512], key[64];
	uint32_t key_mode;
	char crypt[1024];          /* etc/sprout/cmdline.d/05-crypttab.conf */
	char tracked[256];         /* the file named by track, and its mode */
	uint32_t tracked_mode;
};

static const char *track; /* a path in the image whose data and mode collect keeps */

static void keep(char *dst, size_t size, const struct cpio_entry *e)
{
	snprintf(dst, size, "%.*s", (int)e->size, (const char *)e->data);
}

static int collect(const struct cpio_entry *e, void *ctx)
{
	struct listing *l = ctx;
	int n = snprintf(l->names + l->len, sizeof(l->names) - l->len, "\n%s", e->name);

	if (n > 0 && (size_t)n < sizeof(l->names) - l->len)
		l->len += (size_t)n;
	if (is(e, "etc/sprout/image"))
		keep(l->image, sizeof(l->image), e);
	if (is(e, "etc/lvm/lvm.conf"))
		keep(l->lvm, sizeof(l->lvm), e);
	if (is(e, "etc/mdadm/mdadm.conf"))
		keep(l->mdadm, sizeof(l->mdadm), e);
	if (is(e, "etc/sprout/cmdline.d/05-crypttab.conf"))
		keep(l->crypt, sizeof(l->crypt), e);
	if (track && is(e, track)) {
		keep(l->tracked, sizeof(l->tracked), e);
		l->tracked_mode = e->mode;
	}
	if (is(e, "etc/luks1.key")) {
		keep(l->key, sizeof(l->key), e);
		l->key_mode = e->mode;
	}
	return 0;
}

static bool has(const struct listing *l, const char *name)
{
	char want[512];
	const char *p = l->names;

	snprintf(want, sizeof(want), "\n%s", name);
	while ((p = strstr(p, want))) {
		p += strlen(want);
		if (*p == '\n' || *p == '\0')
			return true;
	}
	return false;
}

static void list_image(const char *path, struct listing *l)
{
	char err[256];
	size_t len;
	uint8_t *buf = slurp(path, &len);

	memset(l, 0, sizeof(*l));
	if (image_walk(buf, len, collect, l, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	l->names[l->len] = '\0';
	free(buf);
}

/* A module, by name, in the selection of a report. */
static bool selected(const struct build_report *rep, const char *name)
{
	for (size_t i = 0; i < rep->sel->n_mods; i++)
		if (!strcmp(rep->sel->mods[i].name, name))
			return true;
	return false;
}

static int put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (shell("mkdir -p \"$(dirname '%s')\"", path) != 0 || !(fp = fopen(path, "w")))
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

/* A fake machine under f->dir/NAME: NAME/sys (devices/ plus the files given as
 * "path=text" pairs; a name ending in '/' is a directory) and NAME/mounts. */
static void machine(const struct fixture *f, const char *name, const char *mounts,
		    const char *const *files, size_t n, char *sysfs, char *mpath)
{
	char rel[128];

	snprintf(sysfs, 256, "%s/%s/sys", f->dir, name);
	snprintf(mpath, 256, "%s/%s/mounts", f->dir, name);
	snprintf(rel, sizeof(rel), "%s/mounts", name);
	assert_int_equal(shell("rm -rf '%s' && mkdir -p '%s/devices'", sysfs, sysfs), 0);
	for (size_t i = 0; i < n; i += 2) {
		size_t len = strlen(files[i]);

		if (files[i][len - 1] == '/')
			assert_int_equal(shell("mkdir -p '%s/%s'", sysfs, files[i]), 0);
		else
			assert_int_equal(put(sysfs, files[i], files[i + 1]), 0);
	}
	assert_int_equal(put(f->dir, rel, mounts), 0);
}

static const char *const lvm_on_luks[] = {
	"class/block/dm-1/dev", "254:1\n",
	"class/block/dm-1/dm/name", "vg-root\n",
	"class/block/dm-1/dm/uuid", "LVM-AbCdEfGhIjKlMnOpQrStUvWxYz012345AbCdEfGhIjKlMnOpQrStUvWxYz0123\n",
	"class/block/dm-1/slaves/dm-0/", "",
	"class/block/dm-0/dev", "254:0\n",
	"class/block/dm-0/dm/name", "luks-2a000000-0000-4000-8000-000000000001\n",
	"class/block/dm-0/dm/uuid", "CRYPT-LUKS2-2a000000000040008000000000000001-luks-2a000000\n",
	"class/block/dm-0/slaves/vda2/", "",
	"class/block/vda2/dev", "252:2\n",
	/* another LUKS volume, not under the root: not looked at */
	"class/block/dm-2/dev", "254:2\n",
	"class/block/dm-2/dm/uuid", "CRYPT-PLAIN-swap\n",
};

static void test_host_only_lvm_on_luks(void **state)
{
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256];
	struct build_report rep;
	struct build_opts o;
	struct listing l;

	if (!f->dir[0] || !f->real_modules)
		skip();
	machine(f, "lvluks", "rootfs / rootfs rw 0 0\n/dev/mapper/vg-root / ext4 rw 0 0\n",
		lvm_on_luks, N(lvm_on_luks), sysfs, mounts);
	snprintf(out, sizeof(out), "%s/lvluks.img", f->dir);
	o = opts(f, out);
	o.host_only = true;
	o.sysfs = sysfs;
	o.mounts = mounts;
	o.tool_path = f->tools;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* the stack, and the ext4 root's own check */
	assert_int_equal(rep.with, STACK_LUKS | STACK_LVM | STACK_FSCK);
	assert_int_equal(rep.detected, STACK_LUKS | STACK_LVM | STACK_FSCK);
	assert_string_equal(rep.found.chain, "dm-1 (LVM) on dm-0 (LUKS2)");
	/* exactly the stack's modules: dm-crypt with its cipher, dm_mod; no md */
	assert_true(selected(&rep, "dm_mod") && selected(&rep, "dm_crypt"));
	assert_true(selected(&rep, "xts") && selected(&rep, "ecb"));
	assert_false(selected(&rep, "md_mod") || selected(&rep, "raid1"));
	assert_int_equal(rep.sel->n_mods, 4);
	build_report_free(&rep);
	list_image(out, &l);
	assert_true(has(&l, "sbin/cryptsetup") && has(&l, "sbin/lvm"));
	assert_false(has(&l, "sbin/mdadm") || has(&l, "etc/mdadm/mdadm.conf"));
	assert_true(has(&l, "lib/x86_64-linux-gnu/libgcc_s.so.1")); /* cryptsetup's dlopen */
	assert_non_null(strstr(l.lvm, "udev_sync = 0"));
	assert_non_null(strstr(l.lvm, "udev_rules = 0"));
	assert_non_null(strstr(l.image, "mode=host-only\n"));
	assert_true(has(&l, "sbin/e2fsck"));
	assert_non_null(strstr(l.image, "with=luks,lvm,fsck\n"));
	/* asked for too: not "detected", still in */
	o.with = STACK_LUKS | STACK_FSCK;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.detected, STACK_LVM);
	build_report_free(&rep);
	/* the tools are not on this host: no image, the package named */
	assert_int_equal(unlink(out), 0);
	/* asked for and refused at once: an error naming both, no image */
	o.no_fsck = true;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--no-fsck and --with fsck"));
	assert_int_equal(access(out, F_OK), -1);
	o.no_fsck = false;
	o.tool_path = f->notools;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), -ENOENT);
	build_report_free(&rep);
	assert_non_null(strstr(err, "--with luks needs cryptsetup, which is not on this host"));
	assert_non_null(strstr(err, "install the package cryptsetup-bin"));
	assert_int_equal(access(out, F_OK), -1);
	o.with = 0;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), -ENOENT);
	build_report_free(&rep);
	assert_non_null(strstr(err, "the root's luks layer (found by --host-only) needs "
				    "cryptsetup"));
}

/* A host-only build of the LVM-on-LUKS machine with crypttab text (NULL: no file); the
 * report's notes in notes, the image listed in l. Returns build_image's result. */
static int crypttab_build(const struct fixture *f, const char *text, struct listing *l,
			  char *notes, size_t notesz, char *err, size_t errsz)
{
	char out[256], sysfs[256], mounts[256], ct[256];
	struct build_report rep;
	struct build_opts o;
	int r;

	machine(f, "ct", "/dev/mapper/vg-root / ext4 rw 0 0\n", lvm_on_luks, N(lvm_on_luks),
		sysfs, mounts);
	snprintf(ct, sizeof(ct), "%s/ct/crypttab", f->dir);
	snprintf(out, sizeof(out), "%s/ct.img", f->dir);
	unlink(out);
	if (text)
		assert_int_equal(put(f->dir, "ct/crypttab", text), 0);
	o = opts(f, out);
	o.cmdline = NULL;
	o.host_only = true;
	o.sysfs = sysfs;
	o.mounts = mounts;
	o.tool_path = f->tools;
	o.crypttab = ct;
	r = build_image(&o, &rep, err, errsz);
	if (r == 0) {
		assert_int_equal(rep.found.n_luks, 1);
		assert_string_equal(rep.found.luks[0].uuid, "2a000000000040008000000000000001");
		assert_string_equal(rep.found.luks[0].name,
				    "luks-2a000000-0000-4000-8000-000000000001");
		snprintf(notes, notesz, "%s", rep.luks.notes);
		list_image(out, l);
	} else {
		assert_int_equal(access(out, F_OK), -1);
	}
	build_report_free(&rep);
	return r;
}

/* A host-only image whose baked-in command line names a root image takes the loop
 * device and both image filesystems; without sprout.image= it takes none of them. */
static void test_host_only_image_root(void **state)
{
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256];
	struct build_report rep;
	struct build_opts o;

	if (!f->dir[0] || !f->real_modules)
		skip();
	machine(f, "imgroot", "rootfs / rootfs rw 0 0\n", NULL, 0, sysfs, mounts);
	snprintf(out, sizeof(out), "%s/imgroot.img", f->dir);
	for (int with = 0; with < 2; with++) {
		o = opts(f, out);
		o.host_only = true;
		o.sysfs = sysfs;
		o.mounts = mounts;
		o.tool_path = f->tools;
		o.cmdline = with ? "ip=dhcp root=nfs4:10.0.0.1:/export sprout.image=/images/root.sqfs" : "quiet";
		if (build_image(&o, &rep, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(selected(&rep, "loop"), with);
		assert_int_equal(selected(&rep, "squashfs"), with);
		assert_int_equal(selected(&rep, "erofs"), with);
		build_report_free(&rep);
	}
}

static void test_host_only_crypttab(void **state)
{
	struct fixture *f = *state;
	char text[1024], key[256], want[1024], notes[HOSTLUKS_NOTES], err[1024];
	struct listing l;

	if (!f->dir[0] || !f->real_modules)
		skip();
	snprintf(key, sizeof(key), "%s/ct-keys/root.key", f->dir);
	assert_int_equal(put(f->dir, "ct-keys/root.key", "sesame"), 0);
	assert_int_equal(chmod(key, 0640), 0);
	/* matched by UUID: the name, discard and the key file; tries= named as ignored */
	snprintf(text, sizeof(text), "# host\nswap /dev/vda3 /dev/urandom swap\n"
		 "vda2_crypt UUID=2A000000-0000-4000-8000-000000000001 %s luks,discard,tries=3\n",
		 key);
	track = key + 1;
	if (crypttab_build(f, text, &l, notes, sizeof(notes), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	snprintf(want, sizeof(want), "# from the build host's crypttab (sprout build "
		 "--host-only)\nrd.luks.name=2a000000-0000-4000-8000-000000000001=vda2_crypt "
		 "rd.luks.key=%s rd.luks.options=discard\n", key);
	assert_string_equal(l.crypt, want);
	assert_string_equal(l.tracked, "sesame");
	assert_int_equal(l.tracked_mode, S_IFREG | 0600);
	assert_non_null(strstr(notes, "note: crypttab line 3 (vda2_crypt): options tries=3 "
				      "ignored"));
	assert_non_null(strstr(notes, "warning: crypttab line 3 (vda2_crypt): the image now "
				      "holds its key file"));
	assert_non_null(strstr(notes, "is readable by others on this host (mode 0640)"));
	/* matched by the dm name; no discard, no key */
	if (crypttab_build(f, "luks-2a000000-0000-4000-8000-000000000001 /dev/vda2 none luks\n",
			   &l, notes, sizeof(notes), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(l.crypt, "# from the build host's crypttab (sprout build "
			    "--host-only)\nrd.luks.name=2a000000-0000-4000-8000-000000000001="
			    "luks-2a000000-0000-4000-8000-000000000001\n");
	assert_string_equal(notes, "");
	assert_false(has(&l, track));
	/* a name sprout-init's rd.luks.name= does not take: a note, the rest kept */
	if (crypttab_build(f, "x~y UUID=2a000000-0000-4000-8000-000000000001 none discard\n", &l,
			   notes, sizeof(notes), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_non_null(strstr(l.crypt, "--host-only)\nrd.luks.options=discard\n"));
	assert_non_null(strstr(notes, "note: crypttab line 1 (x~y): the name cannot be passed"));
	/* keyscript=: a note, no key in the image */
	snprintf(text, sizeof(text), "vda2_crypt UUID=2a000000-0000-4000-8000-000000000001 %s "
		 "luks,keyscript=/lib/cryptsetup/scripts/passdev\n", key);
	if (crypttab_build(f, text, &l, notes, sizeof(notes), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_non_null(strstr(l.crypt, "\nrd.luks.name=2a000000-0000-4000-8000-000000000001="
					"vda2_crypt\n"));
	assert_null(strstr(l.crypt, "rd.luks.key"));
	assert_false(has(&l, track));
	assert_non_null(strstr(notes, "keyscript=/lib/cryptsetup/scripts/passdev ignored: "
				      "sprout-init never runs scripts"));
	/* no entry (or no file): a note, nothing baked in; the dm name with another UUID
	 * is another device */
	if (crypttab_build(f, "luks-2a000000-0000-4000-8000-000000000001 UUID=3b000000-0000-"
			   "4000-8000-000000000001 none\n", &l, notes, sizeof(notes), err,
			   sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_false(has(&l, "etc/sprout/cmdline.d/05-crypttab.conf"));
	assert_non_null(strstr(notes, "has no entry in"));
	assert_non_null(strstr(notes, "opens it as luks-2a000000-0000-4000-8000-000000000001, so "
				      "an /etc/fstab naming /dev/mapper/luks-2a000000-0000-4000-"
				      "8000-000000000001 will not match"));
	assert_int_equal(shell("rm -f '%s/ct/crypttab'", f->dir), 0);
	if (crypttab_build(f, NULL, &l, notes, sizeof(notes), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_false(has(&l, "etc/sprout/cmdline.d/05-crypttab.conf"));
	assert_non_null(strstr(notes, "has no entry in"));
	/* a malformed crypttab or an unreadable key: no image */
	assert_int_equal(crypttab_build(f, "vda2_crypt\n", &l, notes, sizeof(notes), err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ct/crypttab: line 1: too few fields"));
	snprintf(text, sizeof(text), "vda2_crypt UUID=2a000000-0000-4000-8000-000000000001 "
		 "%s/ct-keys luks\n", f->dir);
	assert_int_equal(crypttab_build(f, text, &l, notes, sizeof(notes), err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "crypttab line 1 (vda2_crypt): key file"));
	assert_non_null(strstr(err, "not a regular file"));
	track = NULL;
}

/* The resume device on a fake machine: the root on a plain partition (vda1), swap on an
 * LV (dm-3, vg-swap) on LUKS2 (dm-2) on vda2. /proc/swaps names the LV's node, which here
 * is a file holding a swap header (UUID 5a…f2). */
static const char *const swap_on_lvm_luks[] = {
	"class/block/vda1/dev", "252:1\n",
	"class/block/vda2/dev", "252:2\n",
	"class/block/dm-3/dev", "254:3\n",
	"class/block/dm-3/dm/name", "vg-swap\n",
	"class/block/dm-3/dm/uuid", "LVM-AbCdEfGhIjKlMnOpQrStUvWxYz012345SwApSwApSwApSwApSwApSwAp0123\n",
	"class/block/dm-3/slaves/dm-2/", "",
	"class/block/dm-2/dev", "254:2\n",
	"class/block/dm-2/dm/name", "vda2_crypt\n",
	"class/block/dm-2/dm/uuid", "CRYPT-LUKS2-5a000000000040008000000000000002-vda2_crypt\n",
	"class/block/dm-2/slaves/vda2/", "",
	"class/block/zram0/dev", "251:0\n",
	"power/resume", "0:0\n",
};

/* proc/swaps, proc/cmdline (NULL: none) and dev/dm-3 (the swap header) under DIR/NAME. */
static void fake_proc(const struct fixture *f, const char *name, const char *cmdline,
		      char *proc)
{
	static const uint8_t uuid[16] = { 0x5a, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0xf2 };
	static uint8_t page[65536];
	long psz = sysconf(_SC_PAGESIZE);
	char path[512], swaps[1024];
	FILE *fp;

	snprintf(proc, 256, "%s/%s/proc", f->dir, name);
	snprintf(swaps, sizeof(swaps), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		 "%s/%s/dev/dm-3 partition\t131068\t\t0\t\t-2\n"
		 "/dev/zram0 partition\t1048572\t\t0\t\t100\n", f->dir, name);
	snprintf(path, sizeof(path), "%s/proc/swaps", name);
	assert_int_equal(put(f->dir, path, swaps), 0);
	snprintf(path, sizeof(path), "%s/proc/cmdline", name);
	if (cmdline)
		assert_int_equal(put(f->dir, path, cmdline), 0);
	memset(page, 0, sizeof(page));
	memcpy(page + 1036, uuid, sizeof(uuid));
	memcpy(page + 1052, "swap", 4);
	memcpy(page + psz - 10, "SWAPSPACE2", 10);
	snprintf(path, sizeof(path), "%s/%s/dev/dm-3", f->dir, name);
	assert_int_equal(shell("mkdir -p '%s/%s/dev'", f->dir, name), 0);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(page, 1, (size_t)psz, fp), (size_t)psz);
	assert_int_equal(fclose(fp), 0);
}

static void test_host_only_resume(void **state)
{
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256], proc[256], ct[256];
	struct build_report rep;
	struct build_opts o;
	struct listing l;

	if (!f->dir[0] || !f->real_modules)
		skip();
	machine(f, "resume", "/dev/vda1 / ext4 rw 0 0\n", swap_on_lvm_luks, N(swap_on_lvm_luks),
		sysfs, mounts);
	fake_proc(f, "resume", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet\n", proc);
	snprintf(out, sizeof(out), "%s/resume.img", f->dir);
	snprintf(ct, sizeof(ct), "%s/resume/crypttab", f->dir);
	assert_int_equal(put(f->dir, "resume/crypttab",
			     "vda2_crypt UUID=5a000000-0000-4000-8000-000000000002 none luks\n"), 0);
	o = opts(f, out);
	o.host_only = true;
	o.sysfs = sysfs;
	o.mounts = mounts;
	o.proc = proc;
	o.crypttab = ct;
	o.tool_path = f->tools;
	track = "etc/sprout/cmdline.d/05-resume.conf";
	/* no resume= on the host: the largest swap partition that is not zram */
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.dev, "dm-3");
	assert_string_equal(rep.resume.source, "the largest active swap area (/proc/swaps)");
	assert_string_equal(rep.resume.word, "resume=UUID=5a000000-0000-4000-8000-0000000000f2");
	assert_string_equal(rep.resume.found.chain, "dm-3 (LVM) on dm-2 (LUKS2)");
	assert_int_equal(rep.with, STACK_LUKS | STACK_LVM | STACK_RESUME | STACK_FSCK); /* fsck: the ext4 root */
	assert_int_equal(rep.detected, STACK_LUKS | STACK_LVM | STACK_RESUME | STACK_FSCK);
	assert_string_equal(rep.found.chain, ""); /* the root itself stands on a plain disk */
	assert_true(selected(&rep, "dm_mod") && selected(&rep, "dm_crypt"));
	assert_false(selected(&rep, "md_mod"));
	build_report_free(&rep);
	list_image(out, &l);
	assert_string_equal(l.tracked, "# the build host's resume device (sprout build "
			    "--host-only)\nresume=UUID=5a000000-0000-4000-8000-0000000000f2\n");
	assert_true(has(&l, "sbin/cryptsetup") && has(&l, "sbin/lvm"));
	assert_false(has(&l, "sbin/mdadm"));
	/* the swap's LUKS device gets its crypttab name, as the root's would */
	assert_string_equal(l.crypt, "# from the build host's crypttab (sprout build "
			    "--host-only)\nrd.luks.name=5a000000-0000-4000-8000-000000000002="
			    "vda2_crypt\n");
	assert_non_null(strstr(l.image, "with=luks,lvm,fsck,resume\n"));
	/* the kernel's resume= wins over the swaps, found by its UUID among them */
	fake_proc(f, "resume", "root=/dev/vda1 resume=UUID=5A000000-0000-4000-8000-0000000000F2\n",
		  proc);
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.source, "the running kernel's resume=");
	assert_string_equal(rep.resume.word, "resume=UUID=5a000000-0000-4000-8000-0000000000f2");
	build_report_free(&rep);
	/* ... and by device number, through /sys/power/resume */
	fake_proc(f, "resume", "root=/dev/vda1\n", proc);
	assert_int_equal(put(sysfs, "power/resume", "254:3\n"), 0);
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.source, "/sys/power/resume");
	assert_string_equal(rep.resume.dev, "dm-3");
	build_report_free(&rep);
	/* noresume on the host: no resume= and no stack for it */
	fake_proc(f, "resume", "root=/dev/vda1 resume=/dev/mapper/vg-swap noresume\n", proc);
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.word, "");
	assert_int_equal(rep.with, STACK_FSCK); /* only the ext4 root's fsck */
	assert_non_null(strstr(rep.resume.notes, "this host boots with noresume"));
	build_report_free(&rep);
	list_image(out, &l);
	assert_false(has(&l, track));
	assert_true(has(&l, "sbin/e2fsck"));
	/* --no-fsck: the ext4 root's check is left to the real system */
	o.no_fsck = true;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.with, 0);
	assert_int_equal(rep.detected, 0);
	build_report_free(&rep);
	list_image(out, &l);
	assert_false(has(&l, "sbin/e2fsck"));
	o.no_fsck = false;
	/* a resume= naming nothing there: a warning, the image boots without resume */
	fake_proc(f, "resume", "resume=/dev/mapper/nothing\n", proc);
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.word, "");
	assert_non_null(strstr(rep.resume.notes, "warning: this host's resume=/dev/mapper/nothing "
						 "names no block device"));
	build_report_free(&rep);
	/* a swap on a stack sprout-init cannot bring up: a warning, no resume=, an image */
	assert_int_equal(put(sysfs, "class/block/dm-2/dm/uuid", "mpath-3600a0b80\n"), 0);
	fake_proc(f, "resume", "root=/dev/vda1\n", proc);
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.word, "");
	assert_int_equal(rep.with, STACK_FSCK);
	assert_non_null(strstr(rep.resume.notes, "warning: the resume device /dev/dm-3 stands on "
						 "multipath"));
	build_report_free(&rep);
	/* a test's sysfs without --proc: the build host's /proc is not read */
	o.proc = NULL;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(rep.resume.word, "");
	assert_string_equal(rep.resume.notes, "");
	build_report_free(&rep);
	track = NULL;
}

/* A root on a partition of an md array (md0p1): sysfs nests the partition under its
 * array, and the partition has neither md/ nor slaves/: the walk goes up to md0. */
static void test_host_only_md_partition(void **state)
{
	static const char *const raid1[] = {
		"devices/virtual/block/md0/dev", "9:0\n",
		"devices/virtual/block/md0/md/level", "raid1\n",
		"devices/virtual/block/md0/md/metadata_version", "1.2\n",
		"devices/virtual/block/md0/slaves/vda1/", "",
		"devices/virtual/block/md0/md0p1/dev", "259:0\n",
		"devices/virtual/block/md0/md0p1/partition", "1\n",
		"class/block/vda1/dev", "252:1\n",
	};
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256];
	struct build_report rep;
	struct build_opts o;

	if (!f->dir[0] || !f->real_modules)
		skip();
	machine(f, "mdpart", "/dev/md0p1 / ext4 rw 0 0\n", raid1, N(raid1), sysfs, mounts);
	assert_int_equal(shell("ln -s ../../devices/virtual/block/md0 '%s/class/block/md0' && "
			     "ln -s ../../devices/virtual/block/md0/md0p1 '%s/class/block/md0p1'",
			     sysfs, sysfs), 0);
	snprintf(out, sizeof(out), "%s/mdpart.img", f->dir);
	o = opts(f, out);
	o.host_only = true;
	o.sysfs = sysfs;
	o.mounts = mounts;
	o.tool_path = f->tools;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.with, STACK_MD | STACK_FSCK);
	assert_non_null(strstr(rep.found.chain, "md0 (raid1)"));
	assert_true(selected(&rep, "md_mod") && selected(&rep, "raid1"));
	build_report_free(&rep);
}

static void test_host_only_md(void **state)
{
	static const char *const raid1[] = {
		"class/block/md0/dev", "9:0\n",
		"class/block/md0/md/level", "raid1\n",
		"class/block/md0/md/metadata_version", "1.2\n",
		"class/block/md0/slaves/vda1/", "",
		"class/block/md0/slaves/vdb1/", "",
		"class/block/vda1/dev", "252:1\n",
		"class/block/vdb1/dev", "252:17\n",
	};
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256], conf[256];
	struct build_report rep;
	struct build_opts o;
	struct listing l;

	if (!f->dir[0] || !f->real_modules)
		skip();
	machine(f, "raid", "/dev/md0 / ext4 rw 0 0\n", raid1, N(raid1), sysfs, mounts);
	snprintf(conf, sizeof(conf), "%s/raid/mdadm.conf", f->dir);
	assert_int_equal(put(f->dir, "raid/mdadm.conf", "ARRAY /dev/md0 UUID=3a000000:0:40000000:1\n"),
			 0);
	snprintf(out, sizeof(out), "%s/raid.img", f->dir);
	o = opts(f, out);
	o.host_only = true;
	o.sysfs = sysfs;
	o.mounts = mounts;
	o.tool_path = f->tools;
	o.mdadm_conf = conf;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.with, STACK_MD | STACK_FSCK);
	assert_string_equal(rep.found.chain, "md0 (raid1)");
	assert_true(rep.mdadm_conf_host);
	assert_true(selected(&rep, "md_mod") && selected(&rep, "raid1"));
	assert_false(selected(&rep, "raid0"));     /* the personalities in use only */
	assert_false(selected(&rep, "dm_mod"));
	assert_int_equal(rep.sel->n_mods, 2);
	build_report_free(&rep);
	list_image(out, &l);
	assert_true(has(&l, "sbin/mdadm"));
	assert_false(has(&l, "sbin/cryptsetup") || has(&l, "sbin/lvm"));
	assert_string_equal(l.mdadm, "ARRAY /dev/md0 UUID=3a000000:0:40000000:1\n");
	assert_non_null(strstr(l.image, "with=md,fsck\n"));
	/* a generic image with md: every personality, and not the host's array list */
	o.host_only = false;
	o.with = STACK_MD;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(selected(&rep, "raid0") && selected(&rep, "raid1"));
	assert_false(rep.mdadm_conf_host);
	build_report_free(&rep);
	list_image(out, &l);
	assert_non_null(strstr(l.mdadm, "DEVICE partitions\n"));
	assert_null(strstr(l.mdadm, "ARRAY"));
}

/* Roots sprout-init cannot boot: the build fails naming what is missing, and no
 * image is written. */
static void test_host_only_refused(void **state)
{
	static const char *const mpath[] = {
		"class/block/dm-0/dev", "254:0\n",
		"class/block/dm-0/dm/name", "mpatha\n",
		"class/block/dm-0/dm/uuid", "mpath-3600140512345678\n",
	};
	static const char *const imsm[] = {
		"class/block/md126/dev", "9:126\n",
		"class/block/md126/md/level", "raid1\n",
		"class/block/md126/md/metadata_version", "external:/md127/0\n",
	};
	static const char *const plain[] = {
		"class/block/dm-0/dev", "254:0\n",
		"class/block/dm-0/dm/name", "cr\n",
		"class/block/dm-0/dm/uuid", "CRYPT-PLAIN-cr\n",
	};
	static const char *const odd[] = {
		"class/block/md0/dev", "9:0\n",
		"class/block/md0/md/level", "rai\001d\n",
	};
	static const struct {
		const char *name, *mounts;
		const char *const *files;
		size_t n;
		const char *err;
	} cases[] = {
		{ "zfs", "rpool/ROOT/debian / zfs rw,xattr 0 0\n", NULL, 0,
		  "--host-only: the root is ZFS (rpool/ROOT/debian): sprout-init cannot import a "
		  "ZFS pool" },
		{ "mpath", "/dev/mapper/mpatha / xfs rw 0 0\n", mpath, N(mpath),
		  "the root /dev/mapper/mpatha stands on multipath (dm-0, dm uuid "
		  "\"mpath-3600140512345678\"), which sprout-init cannot bring up" },
		{ "imsm", "/dev/md126 / ext4 rw 0 0\n", imsm, N(imsm), "needs mdmon" },
		{ "odd", "/dev/md0 / ext4 rw 0 0\n", odd, N(odd), "level \"rai\\x01d\"" },
		{ "plain", "/dev/mapper/cr / ext4 rw 0 0\n", plain, N(plain),
		  "stands on plain dm-crypt (no LUKS header)" },
		/* a root sysfs does not show, an NFS root: nothing to follow, no error */
		{ "unseen", "/dev/sdz1 / ext4 rw 0 0\n", NULL, 0, NULL },
		{ "nfs", "10.0.0.1:/srv / nfs4 rw 0 0\n", plain, N(plain), NULL },
	};
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256];
	struct build_report rep;
	struct build_opts o;

	if (!f->dir[0])
		skip();
	snprintf(out, sizeof(out), "%s/refused.img", f->dir);
	for (size_t i = 0; i < N(cases); i++) {
		int r;

		machine(f, cases[i].name, cases[i].mounts, cases[i].files, cases[i].n, sysfs,
			mounts);
		o = opts(f, out);
		o.host_only = true;
		o.sysfs = sysfs;
		o.mounts = mounts;
		o.tool_path = f->tools;
		r = build_image(&o, &rep, err, sizeof(err));
		build_report_free(&rep);
		/* a /dev/ root this sysfs does not show is said so; NFS has no device */
		assert_int_equal(rep.found.unresolved, !strcmp(cases[i].name, "unseen"));
		if (!cases[i].err) {
			if (r != 0 && f->real_modules)
				fail_msg("%s: %s", cases[i].name, err);
			unlink(out);
			continue;
		}
		if (r != -ENOTSUP || !strstr(err, cases[i].err) || !strstr(err, "no image written"))
			fail_msg("%s: %d %s", cases[i].name, r, err);
		assert_int_equal(access(out, F_OK), -1);
	}
}

/* --with fsck: the host's e2fsck at /sbin/e2fsck, no module, recorded in with=; a
 * host without it: no image, the package named. */
static void test_with_fsck(void **state)
{
	struct fixture *f = *state;
	char out[256], err[1024];
	struct build_report rep;
	struct build_opts o;
	struct listing l;
	size_t mods;

	if (!f->dir[0])
		skip();
	snprintf(out, sizeof(out), "%s/fsck.img", f->dir);
	o = opts(f, out);
	o.with = STACK_FSCK;
	o.tool_path = f->tools;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.with, STACK_FSCK);
	mods = rep.sel->n_mods;
	build_report_free(&rep);
	/* no module of its own: the same selection as without it */
	o.with = 0;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.sel->n_mods, mods);
	build_report_free(&rep);
	o.with = STACK_FSCK;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	build_report_free(&rep);
	list_image(out, &l);
	assert_true(has(&l, "sbin/e2fsck"));
	assert_false(has(&l, "sbin/cryptsetup") || has(&l, "sbin/lvm") || has(&l, "sbin/mdadm"));
	assert_non_null(strstr(l.image, "with=fsck\n"));
	assert_int_equal(unlink(out), 0);
	/* asked for and refused at once: an error naming both, no image */
	o.no_fsck = true;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--no-fsck and --with fsck"));
	assert_int_equal(access(out, F_OK), -1);
	o.no_fsck = false;
	o.tool_path = f->notools;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), -ENOENT);
	build_report_free(&rep);
	assert_non_null(strstr(err, "--with fsck needs e2fsck, which is not on this host"));
	assert_non_null(strstr(err, "install the package e2fsprogs"));
	assert_int_equal(access(out, F_OK), -1);
}

/* --host-only adds the root's own check as --with fsck does: e2fsck for ext2/3/4 when
 * the host has it; nothing for xfs and btrfs (no boot-time check) or other types; a
 * host without e2fsck still gets its image, the root unchecked (fsck_missing). */
static void test_host_only_fsck(void **state)
{
	static const char *const disk[] = { "class/block/vda1/dev", "252:1\n" };
	static const struct {
		const char *mounts;
		bool notools;
		unsigned with, detected;
		bool missing;
	} cases[] = {
		{ "/dev/vda1 / ext4 rw 0 0\n", false, STACK_FSCK, STACK_FSCK, false },
		{ "/dev/vda1 / ext3 rw 0 0\n", false, STACK_FSCK, STACK_FSCK, false },
		{ "/dev/vda1 / ext2 rw 0 0\n", false, STACK_FSCK, STACK_FSCK, false },
		{ "/dev/vda1 / xfs rw 0 0\n", false, 0, 0, false },
		{ "/dev/vda1 / btrfs rw 0 0\n", false, 0, 0, false },
		{ "/dev/vda1 / vfat rw 0 0\n", false, 0, 0, false },
		{ "/dev/vda1 / ext4 rw 0 0\n", true, 0, 0, true },
		{ "10.0.0.1:/srv / nfs4 rw 0 0\n", false, 0, 0, false },
	};
	struct fixture *f = *state;
	char out[256], err[1024], sysfs[256], mounts[256];
	struct build_report rep;
	struct build_opts o;
	struct listing l;

	if (!f->dir[0] || !f->real_modules)
		skip();
	snprintf(out, sizeof(out), "%s/hofsck.img", f->dir);
	for (size_t i = 0; i < N(cases); i++) {
		machine(f, "hofsck", cases[i].mounts, disk, N(disk), sysfs, mounts);
		o = opts(f, out);
		o.host_only = true;
		o.sysfs = sysfs;
		o.mounts = mounts;
		o.tool_path = cases[i].notools ? f->notools : f->tools;
		if (build_image(&o, &rep, err, sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].mounts, err);
		assert_int_equal(rep.with, cases[i].with);
		assert_int_equal(rep.detected, cases[i].detected);
		assert_int_equal(rep.fsck_missing, cases[i].missing);
		assert_string_equal(rep.found.chain, "");
		build_report_free(&rep);
		list_image(out, &l);
		assert_int_equal(has(&l, "sbin/e2fsck"), cases[i].with == STACK_FSCK);
		assert_non_null(strstr(l.image, cases[i].with ? "with=fsck\n" : "with=\n"));
	}
	/* asked for: in, not "detected" */
	machine(f, "hofsck", "/dev/vda1 / ext4 rw 0 0\n", disk, N(disk), sysfs, mounts);
	o = opts(f, out);
	o.host_only = true;
	o.sysfs = sysfs;
	o.mounts = mounts;
	o.tool_path = f->tools;
	o.with = STACK_FSCK;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.with, STACK_FSCK);
	assert_int_equal(rep.detected, 0);
	build_report_free(&rep);
	/* a generic image adds nothing by itself */
	o.host_only = false;
	o.with = 0;
	if (build_image(&o, &rep, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(rep.with, 0);
	build_report_free(&rep);
}

/* The pure helpers of stack.h. */
static void test_stack_helpers(void **state)
{
	static const struct {
		const char *uuid;
		unsigned part;
		const char *what;
	} kinds[] = {
		{ "CRYPT-LUKS1-1a0000000000400080000000000000-luks-1a", STACK_LUKS, "LUKS1" },
		{ "CRYPT-LUKS2-abc-name", STACK_LUKS, "LUKS2" },
		{ "LVM-Abc123", STACK_LVM, "LVM" },
		{ "CRYPT-PLAIN-swap", 0, "plain dm-crypt (no LUKS header)" },
		{ "CRYPT-VERITY-x", 0, "dm-verity" },
		{ "CRYPT-FUTURE-x", 0, "dm-crypt of an unknown kind" },
		{ "mpath-36001", 0, "multipath" },
		{ "part1-mpath-36001", 0, "a partition of a device-mapper device (kpartx)" },
		{ "lvm-lowercase", 0, "a device-mapper device of unknown origin" },
		{ "", 0, "a device-mapper device without a uuid (made by hand with dmsetup?)" },
	};
	struct fixture *f = *state;
	char out[512], path[600];

	for (size_t i = 0; i < N(kinds); i++) {
		const char *what = NULL;

		assert_int_equal(stack_dm_kind(kinds[i].uuid, &what), kinds[i].part);
		assert_string_equal(what, kinds[i].what);
	}
	stack_with_string(STACK_ALL, out, sizeof(out));
	assert_string_equal(out, "luks,lvm,md,fsck,resume");
	stack_with_string(STACK_MD | STACK_LUKS, out, sizeof(out));
	assert_string_equal(out, "luks,md");
	stack_with_string(0, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(stack_fsck_part("ext4"), STACK_FSCK);
	assert_int_equal(stack_fsck_part("ext2"), STACK_FSCK);
	assert_int_equal(stack_fsck_part("ext3"), STACK_FSCK);
	assert_int_equal(stack_fsck_part("ext4dev"), 0);
	assert_int_equal(stack_fsck_part("xfs"), 0);
	assert_int_equal(stack_fsck_part("btrfs"), 0);
	assert_int_equal(stack_fsck_part(""), 0);
	if (!f->dir[0])
		return;
	/* the first executable regular file; empty and relative entries skipped */
	assert_int_equal(shell("cp /bin/true '%s/x-tool' && chmod 644 '%s/x-tool' && "
			     "mkdir -p '%s/d2/x-tool' '%s/d3' && cp /bin/true '%s/d3/x-tool'",
			     f->notools, f->notools, f->dir, f->dir, f->dir), 0);
	snprintf(path, sizeof(path), "::.:%s:%s/d2:%s/d3:/bin", f->notools, f->dir, f->dir);
	assert_int_equal(stack_find_tool(path, "x-tool", out, sizeof(out)), 0);
	snprintf(path, sizeof(path), "%s/d3/x-tool", f->dir);
	assert_string_equal(out, path);
	assert_int_equal(stack_find_tool(f->notools, "x-tool", out, sizeof(out)), -ENOENT);
	assert_string_equal(out, "");
	assert_int_equal(stack_find_tool("", "true", out, sizeof(out)), -ENOENT);
	assert_int_equal(shell("rm -f '%s/x-tool'", f->notools), 0);
}

static void test_include(void **state)
{
	struct fixture *f = *state;
	char out[256], err[1024], key[256], spec[600];
	const char *inc[1] = { spec };
	struct build_opts o;
	struct listing l;

	if (!f->dir[0])
		skip();
	snprintf(key, sizeof(key), "%s/luks1.key", f->dir);
	assert_int_equal(put(f->dir, "luks1.key", "0123456789abcdef"), 0);
	assert_int_equal(chmod(key, 0600), 0);
	snprintf(out, sizeof(out), "%s/inc.img", f->dir);
	o = opts(f, out);
	o.include = inc;
	o.n_include = 1;
	snprintf(spec, sizeof(spec), "%s:/etc//luks1.key", key);
	if (build(&o, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	list_image(out, &l);
	assert_string_equal(l.key, "0123456789abcdef");
	assert_int_equal(l.key_mode, S_IFREG | 0600);
	/* errors: a fifo, a missing file, a DST above / or the root itself (a directory
	 * is included whole: test_buildcheck) */
	snprintf(spec, sizeof(spec), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(spec, 0600), 0);
	snprintf(spec, sizeof(spec), "%s/fifo:/etc/x", f->dir);
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file or a directory"));
	snprintf(spec, sizeof(spec), "%s/nothere", f->dir);
	assert_int_equal(build(&o, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "nothere"));
	snprintf(spec, sizeof(spec), "%s:/../x", key);
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected SRC[:DST]"));
	snprintf(spec, sizeof(spec), "%s:/", key);
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	if (!f->real_modules)
		return; /* --with lvm needs dm_mod */
	/* the same path as a part's config: refused, not silently replaced */
	snprintf(spec, sizeof(spec), "%s:/etc/lvm/lvm.conf", key);
	o.with = STACK_LVM;
	o.tool_path = f->tools;
	assert_int_equal(build(&o, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "/etc/lvm/lvm.conf: two different files"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_host_only_lvm_on_luks),
		cmocka_unit_test(test_host_only_image_root),
		cmocka_unit_test(test_host_only_crypttab),
		cmocka_unit_test(test_host_only_md),
		cmocka_unit_test(test_host_only_md_partition),
		cmocka_unit_test(test_host_only_refused),
		cmocka_unit_test(test_host_only_resume),
		cmocka_unit_test(test_host_only_fsck),
		cmocka_unit_test(test_with_fsck),
		cmocka_unit_test(test_stack_helpers),
		cmocka_unit_test(test_include),
	};

	return cmocka_run_group_tests_name("build", tests, setup, teardown);
}
