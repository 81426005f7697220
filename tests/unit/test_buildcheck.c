/* Unit tests for the build's refusals and its additions, with the test kernel's real
 * modules: --kver against the modules' vermagic, an unreadable directory of the
 * module tree, --cmdline read by sprout-init's parser, the early microcode archive
 * (the kernel's paths, uncompressed, data 16-byte aligned, the compressed image after
 * it; every file in a generic image, this CPU's in a host-only one; --no-microcode),
 * and --list-modules (reasons; the datacenter NICs and HBAs of the generic image).
 * Every refusal writes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/readfile.h"
#include "build.h"
#include "compress.h"
#include "cpio.h"
#include "image.h"
#include "testkernel.h"

#include "testutil.h"

/* A few real modules, indexed with depmod: ext4 and its dependencies under kernel/fs,
 * virtio_blk under kernel/drivers. */
static const char *const tree_modules =
	"kernel/fs/ext4/ext4.ko kernel/fs/jbd2/jbd2.ko kernel/fs/mbcache.ko kernel/lib/crc16.ko "
	"kernel/crypto/crc32c_generic.ko kernel/drivers/block/virtio_blk.ko "
	"kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko";

struct fixture {
	char dir[64];
	char tree[128], moddir[512], init[256], fw[256], sysfs[256], mounts[256], out[256];
	char cpu_intel[256], cpu_amd[256];
	const char *kver, *real_moddir;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_kernel k;

	if (!f)
		return -1;
	*state = f;
	if (test_kernel_find(&k) < 0)
		return -1;
	if (!k.kver)
		return 0; /* no test kernel (outside make check): the tests skip */
	f->kver = k.kver;
	f->real_moddir = k.moddir;
	strcpy(f->dir, "/tmp/test_buildcheck.XXXXXX");
	if (!mkdtemp(f->dir) || chmod(f->dir, 0755) < 0)
		return -1;
	snprintf(f->tree, sizeof(f->tree), "%s/root", f->dir);
	snprintf(f->moddir, sizeof(f->moddir), "%s/lib/modules/%s", f->tree, f->kver);
	snprintf(f->init, sizeof(f->init), "%s/sprout-init", f->dir);
	snprintf(f->fw, sizeof(f->fw), "%s/firmware", f->dir);
	snprintf(f->sysfs, sizeof(f->sysfs), "%s/sys", f->dir);
	snprintf(f->mounts, sizeof(f->mounts), "%s/mounts", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/out.img", f->dir);
	snprintf(f->cpu_intel, sizeof(f->cpu_intel), "%s/cpuinfo.intel", f->dir);
	snprintf(f->cpu_amd, sizeof(f->cpu_amd), "%s/cpuinfo.amd", f->dir);
	return shell("mkdir -p '%s' '%s/devices' '%s/intel-ucode' '%s/amd-ucode' && cd '%s' && "
		   "cp --parents %s modules.builtin modules.builtin.modinfo modules.order '%s' && "
		   "/sbin/depmod -b '%s' '%s' && printf 'INIT\\177' > '%s' && "
		   "printf '/dev/vda1 / ext4 rw 0 0\\n' > '%s' && cd '%s' && "
		   "head -c 3072 /dev/urandom > intel-ucode/06-55-04 && "
		   "head -c 1024 /dev/urandom > intel-ucode/06-8f-08 && "
		   "echo junk > intel-ucode/06-8f-08.initramfs && "
		   "head -c 700 /dev/urandom > amd-ucode/microcode_amd.bin && "
		   "head -c 2000 /dev/urandom > amd-ucode/microcode_amd_fam19h.bin && "
		   "echo sig > amd-ucode/microcode_amd.bin.asc && "
		   "printf 'processor\\t: 0\\nvendor_id\\t: GenuineIntel\\ncpu family\\t: 6\\n"
		   "model\\t\\t: 143\\nstepping\\t: 8\\n\\n' > '%s' && "
		   "printf 'processor\\t: 0\\nvendor_id\\t: AuthenticAMD\\ncpu family\\t: 25\\n"
		   "model\\t\\t: 1\\nstepping\\t: 1\\n\\n' > '%s'",
		   f->moddir, f->sysfs, f->fw, f->fw, k.moddir, tree_modules, f->moddir, f->tree,
		   f->kver, f->init, f->mounts, f->fw, f->cpu_intel, f->cpu_amd);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f && f->dir[0]) {
		shell("chmod -R u+rwX '%s'", f->dir);
		shell("rm -rf '%s'", f->dir);
	}
	free(f);
	return 0;
}

static struct build_opts opts(const struct fixture *f)
{
	return (struct build_opts){
		.kver = f->kver, .moddir = f->moddir, .output = f->out, .compress = COMPRESS_LZ4,
		.init = f->init, .firmware_dir = f->fw, .sysfs = f->sysfs, .mounts = f->mounts,
	};
}

static int build(const struct build_opts *o, char *err, size_t errsz)
{
	struct build_report rep;
	int r = build_image(o, &rep, err, errsz);

	build_report_free(&rep);
	return r;
}

#define NEED_KERNEL(f)                                                                       \
	do {                                                                                 \
		if (!(f)->kver)                                                              \
			skip();                                                              \
	} while (0)

/* --kver of another release than the modules': refused, naming both. */
static void test_kver_mismatch(void **state)
{
	struct fixture *f = *state;
	struct build_opts o;
	char err[1024], want[256];

	NEED_KERNEL(f);
	o = opts(f);
	o.moddir = f->real_moddir;
	o.host_only = true;
	o.kver = "9.9.9-other";
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--kver 9.9.9-other does not match the modules in"));
	snprintf(want, sizeof(want), "was built for %s (its vermagic)", f->kver);
	if (!strstr(err, want))
		fail_msg("\"%s\" does not name the modules' release", err);
	assert_int_equal(access(f->out, F_OK), -1);
	/* the matching release builds */
	o.kver = f->kver;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	assert_int_equal(access(f->out, F_OK), 0);
	unlink(f->out);
}

/* The generic selection of the tree, in a child that cannot read past permissions
 * (root is made nobody): 0 and whether ext4 is in, or -errno with the message. */
static int list_as_user(const struct fixture *f, char *err, size_t errsz, bool *ext4)
{
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct build_opts o = opts(f);
		struct build_report rep;
		char msg[1024] = "";
		int r;

		close(fds[0]);
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
				       setresuid(65534, 65534, 65534) < 0))
			_exit(100);
		o.list_only = true;
		o.output = NULL;
		r = build_image(&o, &rep, msg, sizeof(msg));
		if (r == 0) {
			bool has = false;

			for (size_t i = 0; i < rep.sel->n_mods; i++)
				has = has || !strcmp(rep.sel->mods[i].name, "ext4");
			snprintf(msg, sizeof(msg), "%s", has ? "ext4" : "");
		}
		build_report_free(&rep);
		if (write(fds[1], msg, strlen(msg)) < 0)
			_exit(101);
		_exit(r < 0 ? -r : 0);
	}
	close(fds[1]);
	n = read(fds[0], err, errsz - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) < 100);
	*ext4 = !strcmp(err, "ext4");
	return -WEXITSTATUS(status);
}

/* A directory of the module tree that cannot be read: an error naming it, not an image
 * without its modules. */
static void test_unreadable_tree(void **state)
{
	struct fixture *f = *state;
	char err[1024], fs[600];
	bool ext4;

	NEED_KERNEL(f);
	assert_int_equal(list_as_user(f, err, sizeof(err), &ext4), 0);
	assert_true(ext4);
	snprintf(fs, sizeof(fs), "%s/kernel/fs", f->moddir);
	assert_int_equal(chmod(fs, 0), 0);
	assert_int_equal(list_as_user(f, err, sizeof(err), &ext4), -EACCES);
	assert_int_equal(chmod(fs, 0755), 0);
	if (!strstr(err, "/kernel/fs: Permission denied (the module tree must be readable"))
		fail_msg("\"%s\" does not name the directory", err);
}

static void test_cmdline_refused(void **state)
{
	struct fixture *f = *state;
	struct build_opts o;
	char err[1024];

	NEED_KERNEL(f);
	o = opts(f);
	o.host_only = true;
	o.cmdline = "root=/dev/vda1 rd.timeout=abc";
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--cmdline: the word \"rd.timeout=abc\" at column 16"));
	o.cmdline = "root=\"/dev/vda1 quiet";
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "the double quote at column 6 is never closed"));
	o.cmdline = "root=/dev/vda1\nquiet";
	assert_int_equal(build(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "a line break at column 15"));
	assert_int_equal(access(f->out, F_OK), -1);
}

/* ---- early microcode ------------------------------------------------------------------ */

struct early {
	const uint8_t *base;
	char names[8][64];
	size_t off[8], size[8];
	int n;
};

static int early_entry(const struct cpio_entry *e, void *ctx)
{
	struct early *x = ctx;

	if (x->n < 8) {
		snprintf(x->names[x->n], sizeof(x->names[0]), "%s", e->name);
		x->off[x->n] = e->size ? (size_t)(e->data - x->base) : 0;
		x->size[x->n] = e->size;
		x->n++;
	}
	return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	char *buf;

	assert_int_equal(readfile_at(AT_FDCWD, path, 1u << 30, &buf, len), 0);
	return (uint8_t *)buf;
}

/* The file at off in img holds exactly the concatenation of the given firmware files. */
static void assert_holds(const struct fixture *f, const uint8_t *img, size_t off, size_t size,
			 const char *const *files)
{
	size_t at = 0;

	for (; *files; files++) {
		char path[512];
		size_t n;
		uint8_t *want;

		snprintf(path, sizeof(path), "%s/%s", f->fw, *files);
		want = slurp(path, &n);
		assert_true(at + n <= size);
		assert_memory_equal(img + off + at, want, n);
		at += n;
		free(want);
	}
	assert_int_equal(at, size);
}

static void read_early(const uint8_t *img, size_t len, struct early *x, size_t *end)
{
	size_t err_off;
	const char *why;

	memset(x, 0, sizeof(*x));
	x->base = img;
	assert_memory_equal(img, "070701", 6);
	assert_int_equal(cpio_read_prefix(img, len, early_entry, x, end, &err_off, &why), 0);
}

static void test_microcode_generic(void **state)
{
	static const char *const amd[] = { "amd-ucode/microcode_amd.bin",
					   "amd-ucode/microcode_amd_fam19h.bin", NULL };
	static const char *const intel[] = { "intel-ucode/06-55-04", "intel-ucode/06-8f-08", NULL };
	struct fixture *f = *state;
	struct build_opts o;
	struct early x;
	size_t len, end;
	uint8_t *img;
	char err[1024];

	NEED_KERNEL(f);
	o = opts(f);
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	img = slurp(f->out, &len);
	read_early(img, len, &x, &end);
	assert_int_equal(x.n, 5);
	assert_string_equal(x.names[0], "kernel");
	assert_string_equal(x.names[1], "kernel/x86");
	assert_string_equal(x.names[2], "kernel/x86/microcode");
	assert_string_equal(x.names[3], "kernel/x86/microcode/AuthenticAMD.bin");
	assert_string_equal(x.names[4], "kernel/x86/microcode/GenuineIntel.bin");
	assert_holds(f, img, x.off[3], x.size[3], amd);
	assert_holds(f, img, x.off[4], x.size[4], intel);
	for (int i = 3; i < 5; i++)
		assert_int_equal(x.off[i] % 16, 0);
	/* the early part ends on a 512-byte block, and the compressed image follows */
	assert_int_equal(end % 512, 0);
	assert_int_equal(compress_detect(img + end, len - end), COMPRESS_LZ4);
	free(img);

	/* sprout ls marks where it ends */
	{
		char line[256], cmd[600];
		FILE *p;
		bool marked = false;

		snprintf(line, sizeof(line), "-- end of the uncompressed early part: %zu bytes; a "
			 "lz4 archive from offset %zu --\n", end, end);
		p = tmpfile();
		assert_non_null(p);
		assert_int_equal(image_list(f->out, p, err, sizeof(err)), 0);
		rewind(p);
		while (fgets(cmd, sizeof(cmd), p))
			marked = marked || !strcmp(cmd, line);
		fclose(p);
		assert_true(marked);
	}

	/* --no-microcode: the image starts with the compressed archive */
	o.no_microcode = true;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	img = slurp(f->out, &len);
	assert_int_equal(compress_detect(img, len), COMPRESS_LZ4);
	free(img);
	unlink(f->out);
}

static void test_microcode_host_only(void **state)
{
	static const char *const intel[] = { "intel-ucode/06-8f-08", NULL };
	static const char *const amd[] = { "amd-ucode/microcode_amd_fam19h.bin", NULL };
	struct fixture *f = *state;
	struct build_report rep;
	struct build_opts o;
	struct early x;
	size_t len, end;
	uint8_t *img;
	char err[1024], path[300];

	NEED_KERNEL(f);
	o = opts(f);
	o.host_only = true;
	o.cpuinfo = f->cpu_intel;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	img = slurp(f->out, &len);
	read_early(img, len, &x, &end);
	assert_int_equal(x.n, 4);
	assert_string_equal(x.names[3], "kernel/x86/microcode/GenuineIntel.bin");
	assert_holds(f, img, x.off[3], x.size[3], intel);
	assert_int_equal(x.off[3] % 16, 0);
	free(img);

	o.cpuinfo = f->cpu_amd;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	img = slurp(f->out, &len);
	read_early(img, len, &x, &end);
	assert_int_equal(x.n, 4);
	assert_string_equal(x.names[3], "kernel/x86/microcode/AuthenticAMD.bin");
	assert_holds(f, img, x.off[3], x.size[3], amd);
	free(img);

	/* this CPU's file missing: no early part, and the report says why */
	snprintf(path, sizeof(path), "%s/amd-ucode/microcode_amd_fam19h.bin", f->fw);
	assert_int_equal(shell("mv '%s' '%s.off'", path, path), 0);
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.microcode.bytes, 0);
	assert_non_null(strstr(rep.microcode.note, "microcode_amd_fam19h.bin is not there "
					       "(install amd64-microcode)"));
	build_report_free(&rep);
	assert_int_equal(shell("mv '%s.off' '%s'", path, path), 0);
	img = slurp(f->out, &len);
	assert_int_equal(compress_detect(img, len), COMPRESS_LZ4);
	free(img);

	/* a cpuinfo without an x86 signature (another architecture): no microcode, a note,
	 * and the build goes on */
	o.cpuinfo = f->mounts;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.microcode.bytes, 0);
	assert_non_null(strstr(rep.microcode.note, "has no x86 CPU signature"));
	build_report_free(&rep);
	unlink(f->out);
}

/* ---- --list-modules ---------------------------------------------------------------------- */

static const struct kmodsel_module *find(const struct kmodsel *s, const char *name)
{
	for (size_t i = 0; i < s->n_mods; i++)
		if (!strcmp(s->mods[i].name, name))
			return &s->mods[i];
	return NULL;
}

static void test_list_modules(void **state)
{
	static const char *const datacenter[] = { "mlx5_core", "ice", "i40e", "bnxt_en",
						  "mpt3sas", "megaraid_sas" };
	struct fixture *f = *state;
	struct build_report rep;
	struct build_opts o;
	const struct kmodsel_module *m;
	char err[1024];
	bool ice_fw = false;

	NEED_KERNEL(f);
	assert_int_equal(shell("mkdir -p '%s/intel/ice/ddp' && echo pkg > '%s/intel/ice/ddp/ice.pkg'",
			     f->fw, f->fw), 0);
	o = opts(f);
	o.moddir = f->real_moddir;
	o.list_only = true;
	o.output = NULL;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), 0);
	for (size_t i = 0; i < N(datacenter); i++) {
		m = find(rep.sel, datacenter[i]);
		if (!m)
			fail_msg("%s is not in the generic image", datacenter[i]);
		if (strncmp(m->why, "class rule drivers/", 19) != 0)
			fail_msg("%s: %s", m->name, m->why);
	}
	m = find(rep.sel, "mlxfw");
	assert_non_null(m);
	assert_string_equal(m->why, "dependency of mlx5_core");
	m = find(rep.sel, "ext4");
	assert_non_null(m);
	assert_string_equal(m->why, "class rule fs/ext4/");
	assert_string_equal(m->vermagic, f->kver);
	for (size_t i = 0; i < rep.sel->n_fw; i++)
		ice_fw = ice_fw || !strcmp(rep.sel->fw[i].name, "intel/ice/ddp/ice.pkg");
	assert_true(ice_fw);
	build_report_free(&rep);

	/* host-only: the root's filesystem, and --add-modules, say so */
	o.host_only = true;
	o.add_modules = (const char *const[]){ "virtio_blk" };
	o.n_add_modules = 1;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), 0);
	m = find(rep.sel, "ext4");
	assert_non_null(m);
	assert_string_equal(m->why, "the root's filesystem (ext4)");
	m = find(rep.sel, "virtio_blk");
	assert_non_null(m);
	assert_string_equal(m->why, "--add-modules virtio_blk");
	assert_null(find(rep.sel, "mlx5_core"));
	build_report_free(&rep);
	assert_int_equal(access(f->out, F_OK), -1);
}

static bool listed(const char *img, const char *name)
{
	char line[4096], want[512];
	FILE *p = tmpfile();
	char err[512];
	bool found = false;

	assert_non_null(p);
	assert_int_equal(image_list(img, p, err, sizeof(err)), 0);
	rewind(p);
	snprintf(want, sizeof(want), " %s", name);
	while (fgets(line, sizeof(line), p)) {
		char *nl = strchr(line, '\n');
		size_t n = strlen(want), l;

		if (nl)
			*nl = '\0';
		l = strlen(line);
		found = found || (l >= n && !strcmp(line + l - n, want)) ||
			(strstr(line, want) && strstr(line, " -> "));
	}
	fclose(p);
	return found;
}

/* --add-binary of a script brings its interpreter and that one's libraries;
 * --include of a directory brings it whole. */
static void test_script_and_include(void **state)
{
	struct fixture *f = *state;
	struct build_opts o;
	char err[1024], sh[300], env[300], bad[300], inc[300], spec[400];
	const char *bins[1];
	const char *incs[1] = { spec };

	NEED_KERNEL(f);
	snprintf(sh, sizeof(sh), "%s/hello.sh", f->dir);
	snprintf(env, sizeof(env), "%s/hello.env", f->dir);
	snprintf(bad, sizeof(bad), "%s/hello.bad", f->dir);
	snprintf(inc, sizeof(inc), "%s/inc", f->dir);
	assert_int_equal(shell("printf '#!/bin/sh\\necho hi\\n' > '%s' && "
			     "printf '#!/usr/bin/env sh\\n' > '%s' && "
			     "printf '#!/nonexistent/interp\\n' > '%s' && chmod 755 '%s' '%s' '%s' && "
			     "mkdir -p '%s/sub' && echo k > '%s/sub/key' && chmod 600 '%s/sub/key' && "
			     "ln -s sub/key '%s/link'", sh, env, bad, sh, env, bad, inc, inc, inc,
			     inc), 0);
	o = opts(f);
	o.host_only = true;
	o.add_binary = bins;
	o.n_add_binary = 1;
	o.tool_path = "/bin"; /* where env looks its program up */
	bins[0] = sh;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	assert_true(listed(f->out, sh + 1));
	assert_true(listed(f->out, "bin/sh"));
	assert_true(listed(f->out, "lib/x86_64-linux-gnu/libc.so.6"));
	bins[0] = env;
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	assert_true(listed(f->out, "usr/bin/env"));
	assert_true(listed(f->out, "bin/sh"));
	bins[0] = bad;
	assert_int_equal(build(&o, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "its interpreter /nonexistent/interp (from its \"#!\" line) "
				    "is not on this host"));
	o.n_add_binary = 0;
	o.include = incs;
	o.n_include = 1;
	snprintf(spec, sizeof(spec), "%s:/etc/extra", inc);
	assert_int_equal(build(&o, err, sizeof(err)), 0);
	assert_true(listed(f->out, "etc/extra/sub/key"));
	assert_true(listed(f->out, "etc/extra/link"));
	unlink(f->out);
}

/* modprobe.d lines for the image's modules become boot arguments sprout-init acts on,
 * and softdeps lines of its modules.softdep; others are named as not carried. */
static void test_modprobe_carried(void **state)
{
	struct fixture *f = *state;
	struct build_report rep;
	struct build_opts o;
	char err[1024], conf[300];
	const char *paths[1] = { conf };

	NEED_KERNEL(f);
	snprintf(conf, sizeof(conf), "%s/modprobe.d", f->dir);
	assert_int_equal(shell("mkdir -p '%s' && printf 'options ext4 foo=1 bar=\"a b\"\n"
			     "blacklist virtio-blk\noptions snd index=0\nsoftdep ext4 pre: jbd2\n"
			     "softdep ext4 post: snd\ninstall ext4 /bin/true\n' > '%s/a.conf' && "
			     "echo 'options ext4 ignored=1' > '%s/b.txt'", conf, conf, conf), 0);
	o = opts(f);
	o.modprobe_conf = paths;
	o.n_modprobe_conf = 1;
	o.add_modules = (const char *const[]){ "virtio_blk" };
	o.n_add_modules = 1;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), 0);
	assert_string_equal(rep.modprobe.words,
			    "ext4.foo=1 ext4.bar=\"a b\" rd.driver.blacklist=virtio_blk");
	assert_int_equal(rep.modprobe.options, 1);
	assert_int_equal(rep.modprobe.blacklist, 1);
	assert_int_equal(rep.modprobe.softdep, 1);
	assert_int_equal(rep.modprobe.ignored, 1);
	assert_non_null(strstr(rep.modprobe.notes, "softdep ext4 not carried: snd is not in "
					      "the image"));
	assert_non_null(memmem(rep.sel->softdep, rep.sel->softdep_len,
			       "softdep ext4 pre: jbd2\n", 23));
	build_report_free(&rep);
	assert_true(listed(f->out, "etc/sprout/cmdline.d/03-modprobe.conf"));
	/* a generic image without --modprobe-conf carries none */
	o.n_modprobe_conf = 0;
	assert_int_equal(build_image(&o, &rep, err, sizeof(err)), 0);
	assert_string_equal(rep.modprobe.words, "");
	build_report_free(&rep);
	assert_false(listed(f->out, "etc/sprout/cmdline.d/03-modprobe.conf"));
	/* a malformed line is an error naming the file and line */
	assert_int_equal(shell("echo 'blacklist' >> '%s/a.conf'", conf), 0);
	o.n_modprobe_conf = 1;
	assert_int_equal(build(&o, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "a.conf:7: expected"));
	unlink(f->out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kver_mismatch),
		cmocka_unit_test(test_unreadable_tree),
		cmocka_unit_test(test_cmdline_refused),
		cmocka_unit_test(test_microcode_generic),
		cmocka_unit_test(test_microcode_host_only),
		cmocka_unit_test(test_list_modules),
		cmocka_unit_test(test_script_and_include),
		cmocka_unit_test(test_modprobe_carried),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
