/* Unit tests for build: two builds of the same inputs are byte-identical, the image
 * holds the documented layout (read back with image_walk), and failures (missing
 * module dir, missing sprout-init, an output that cannot be written or renamed,
 * two files for one path) leave no file behind and say what was wrong.
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
	"kernel/crypto/crc32c_generic.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko";

struct fixture {
	char dir[64];
	char moddir[256], init[256], shell[256], fw[256];
	char kver[128];
	bool real_modules;
};

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

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
	if (f->real_modules)
		return run("mkdir -p '%s' && cd '%s' && cp --parents %s modules.builtin "
			   "modules.builtin.modinfo modules.order '%s' && /sbin/depmod -b '%s' '%s' && "
			   "printf 'INIT\\177' > '%s' && printf '#!/bin/sh\\n' > '%s'", f->moddir,
			   k.moddir, tree_modules, f->moddir, f->dir, f->kver, f->init, f->shell);
	return run("mkdir -p '%s' && : > '%s/modules.builtin' && /sbin/depmod -b '%s' '%s'"
		   " 2>/dev/null && printf 'INIT\\177' > '%s' && printf '#!/bin/sh\\n' > '%s'",
		   f->moddir, f->moddir, f->dir, f->kver, f->init, f->shell);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f && f->dir[0])
		run("rm -rf '%s'", f->dir);
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
	assert_non_null(strstr(s.image_text, "compress=zstd\n"));
	assert_non_null(strstr(s.image_text, "build_time=1234\n"));
	assert_non_null(strstr(s.image_text, "sprout_version=" SPROUT_VERSION "\n"));
	if (f->real_modules) {
		assert_true(s.virtio_blk);
		assert_false(s.snd);  /* sound is no boot class */
		assert_non_null(strstr(s.image_text, "modules=5\n"));
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
	assert_int_equal(run("mkdir -p '%s/adir/x'", f->dir), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_conflict),
	};

	return cmocka_run_group_tests_name("build", tests, setup, teardown);
}
