/* Unit tests for kmodsel: the rule table, the pure parsers (softdep values, mount
 * table, modules.dep lines), and selection on a small module tree made of REAL
 * modules copied from the Debian test kernel and indexed with depmod (skipped when
 * that kernel or depmod is not on this machine: scripts/deps.sh provides both). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kmodsel.h"
#include "testkernel.h"

#include "testutil.h"
#define S(lit) lit, sizeof(lit) - 1


/* --- rule table ------------------------------------------------------------------- */

static void test_classify(void **state)
{
	static const struct {
		const char *path;
		enum kmodsel_class cls;
	} cases[] = {
		{ "kernel/fs/ext4/ext4.ko", KMODSEL_GENERIC },
		{ "kernel/fs/ext4/ext4.ko.xz", KMODSEL_GENERIC },
		{ "kernel/drivers/block/virtio_blk.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/block/drbd/drbd.ko", KMODSEL_HOST },
		{ "kernel/drivers/block/zram/zram.ko", KMODSEL_NONE },
		{ "kernel/drivers/scsi/sd_mod.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/scsi/lpfc/lpfc.ko", KMODSEL_HOST },
		{ "kernel/drivers/scsi/scsi_debug.ko", KMODSEL_NONE },
		{ "kernel/drivers/ata/ahci.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/ata/pata_legacy.ko", KMODSEL_HOST },
		{ "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko", KMODSEL_GENERIC },
		/* the datacenter NICs and HBAs a diskless farm boots from */
		{ "kernel/drivers/net/ethernet/intel/ice/ice.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/net/ethernet/intel/i40e/i40e.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/net/ethernet/mellanox/mlx5/core/mlx5_core.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/net/ethernet/broadcom/bnxt/bnxt_en.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/scsi/mpt3sas/mpt3sas.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/scsi/megaraid/megaraid_sas.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/net/ethernet/mellanox/mlx4/mlx4_core.ko", KMODSEL_HOST },
		{ "kernel/drivers/net/ethernet/broadcom/bnx2x/bnx2x.ko", KMODSEL_HOST },
		{ "kernel/drivers/net/virtio_net.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/net/wireless/intel/iwlwifi/iwlwifi.ko", KMODSEL_NONE },
		{ "kernel/drivers/hid/hid-generic.ko", KMODSEL_GENERIC },
		{ "kernel/drivers/hid/hid-sony.ko", KMODSEL_HOST },
		{ "kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko", KMODSEL_NONE },
		{ "kernel/sound/core/snd.ko", KMODSEL_NONE },
		{ "kernel/net/sunrpc/sunrpc.ko", KMODSEL_GENERIC },
		{ "kernel/net/sunrpc/xprtrdma/rpcrdma.ko", KMODSEL_HOST },
		{ "kernel/fs/nls/nls_utf8.ko", KMODSEL_GENERIC },
		{ "kernel/fs/nls/nls_cp1250.ko", KMODSEL_NONE },
		{ "kernel/crypto/xts.ko", KMODSEL_GENERIC },
		/* only paths under kernel/ are classified; out-of-tree ones never by rule */
		{ "updates/dkms/zfs.ko", KMODSEL_NONE },
		{ "fs/ext4/ext4.ko", KMODSEL_NONE },
		{ "", KMODSEL_NONE },
		{ "kernel/", KMODSEL_NONE },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		if (kmodsel_classify(cases[i].path) != cases[i].cls)
			fail_msg("case %zu: %s", i, cases[i].path);
	}
}

/* --- softdep values ----------------------------------------------------------------- */

static int rec_soft(const char *name, bool post, void *ctx)
{
	char *out = ctx;
	size_t o = strlen(out);

	snprintf(out + o, 512 - o, "%s%s;", post ? "+" : "-", name);
	return !strcmp(name, "STOP") ? 7 : 0;
}

static void test_parse_softdep(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int ret;
		const char *seen;
	} cases[] = {
		{ S(""), 0, "" },
		{ S("pre: crypto-crc32c"), 0, "-crypto-crc32c;" },
		{ S("pre: a b post: c"), 0, "-a;-b;+c;" },
		{ S("post: c pre: a"), 0, "+c;-a;" },
		{ S("  pre:\ta  \t b  "), 0, "-a;-b;" },
		{ S("pre:"), 0, "" },
		{ S("pre: a STOP b"), 7, "-a;-STOP;" },
		{ S("a b"), -EBADMSG, "" },          /* a name before any section */
		{ S("pre:a"), -EBADMSG, "" },        /* "pre:a" is one word, not a section */
		{ S("pre: a\0b"), -EBADMSG, "" },
		{ S("pre: a\nb"), 0, "-a\nb;" },     /* only blanks separate words */
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char seen[512] = "";
		int r = kmodsel_parse_softdep(cases[i].in, cases[i].len, rec_soft, seen);

		if (r != cases[i].ret || strcmp(seen, cases[i].seen))
			fail_msg("case %zu: got %d <%s>", i, r, seen);
	}
}

static void test_parse_softdep_long_name(void **state)
{
	char buf[KMODSEL_MAX_NAME + 16], seen[512] = "";

	(void)state;
	memcpy(buf, "pre: ", 5);
	memset(buf + 5, 'x', KMODSEL_MAX_NAME);
	assert_int_equal(kmodsel_parse_softdep(buf, 5 + KMODSEL_MAX_NAME, rec_soft, seen), -EBADMSG);
	assert_string_equal(seen, "");
}

/* --- mount table ----------------------------------------------------------------------- */

static void test_root_fstype(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int ret;
		const char *type;
	} cases[] = {
		{ S("/dev/vda / ext4 rw,relatime 0 0\n"), 0, "ext4" },
		{ S("rootfs / rootfs rw 0 0\n/dev/sda1 / xfs rw 0 0\n"), 0, "xfs" },
		{ S("proc /proc proc rw 0 0\n10.0.0.1:/srv / nfs4 ro 0 0"), 0, "nfs4" },
		{ S("a /\\040x ext4 rw 0 0\n"), -ENOENT, "" },   /* "/ x", not "/" */
		{ S("a \\057 btrfs rw 0 0\n"), 0, "btrfs" },     /* "\057" is "/" */
		{ S("overlay / overlay rw 0 0\n\n\n"), 0, "overlay" },
		{ S("proc /proc proc rw 0 0\n"), -ENOENT, "" },
		{ S(""), -ENOENT, "" },
		{ S("justone\n"), -EBADMSG, "" },
		{ S("dev /\n"), -EBADMSG, "" },
		{ S("a \\000 ext4 rw 0 0\n"), -EBADMSG, "" },     /* a NUL byte decoded */
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char type[64] = "";
		int r = kmodsel_root_fstype(cases[i].in, cases[i].len, type, sizeof(type));

		if (r != cases[i].ret || (r == 0 && strcmp(type, cases[i].type)))
			fail_msg("case %zu: got %d <%s>", i, r, type);
	}
}

static void test_root_fstype_small_out(void **state)
{
	char type[4];

	(void)state;
	assert_int_equal(kmodsel_root_fstype(S("d / btrfs rw 0 0"), type, sizeof(type)),
			 -ENAMETOOLONG);
	assert_int_equal(kmodsel_root_fstype(S("d / xfs rw 0 0"), type, sizeof(type)), 0);
	assert_string_equal(type, "xfs");
}

static void test_root_mount(void **state)
{
	char dev[16], type[16];

	(void)state;
	assert_int_equal(kmodsel_root_mount(S("rootfs / rootfs rw 0 0\n/dev/mapper/vg-root / "
					      "ext4 rw 0 0\n"), dev, sizeof(dev), type,
					    sizeof(type)), -ENAMETOOLONG); /* dev too long */
	assert_int_equal(kmodsel_root_mount(S("rootfs / rootfs rw 0 0\n/dev/md0 / ext4 rw 0 0\n"),
					    dev, sizeof(dev), type, sizeof(type)), 0);
	assert_string_equal(dev, "/dev/md0");
	assert_string_equal(type, "ext4");
	assert_int_equal(kmodsel_root_mount(S("a\\040b / xfs rw 0 0\n"), dev, sizeof(dev), type,
					    sizeof(type)), 0);
	assert_string_equal(dev, "a b");
}

/* --- modules.dep lines ------------------------------------------------------------------ */

static int rec_dep(const char *path, size_t pathlen, const char *line, size_t linelen, void *ctx)
{
	char *out = ctx;
	size_t o = strlen(out);

	snprintf(out + o, 512 - o, "[%.*s|%.*s]", (int)pathlen, path, (int)linelen, line);
	return 0;
}

static void test_dep_walk(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		int ret;
		const char *seen;
	} cases[] = {
		{ S(""), 0, "" },
		{ S("a.ko:\n"), 0, "[a.ko|a.ko:]" },
		{ S("a.ko: b.ko c.ko\nb.ko:\n"), 0, "[a.ko|a.ko: b.ko c.ko][b.ko|b.ko:]" },
		{ S("# comment\n\nc.ko: d.ko"), 0, "[c.ko|c.ko: d.ko]" },
		{ S("a.ko:\nno colon\n"), -EBADMSG, "[a.ko|a.ko:]" },
		{ S(": b.ko\n"), -EBADMSG, "" },
		{ S("a\0.ko:\n"), -EBADMSG, "" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char seen[512] = "";
		int r = kmodsel_dep_walk(cases[i].in, cases[i].len, rec_dep, seen);

		if (r != cases[i].ret || strcmp(seen, cases[i].seen))
			fail_msg("case %zu: got %d <%s>", i, r, seen);
	}
}

/* --- selection on a small real tree ------------------------------------------------------ */

static const char *const tree_modules[] = {
	"kernel/fs/ext4/ext4.ko", "kernel/lib/crc16.ko", "kernel/fs/mbcache.ko",
	"kernel/fs/jbd2/jbd2.ko", "kernel/crypto/crc32c_generic.ko",
	"kernel/arch/x86/crypto/crc32c-intel.ko", "kernel/drivers/virtio/virtio_pci.ko",
	"kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko", "kernel/drivers/virtio/virtio.ko",
	"kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/block/virtio_blk.ko",
	"kernel/drivers/net/ethernet/realtek/r8169.ko", "kernel/drivers/net/phy/mdio_devres.ko",
	"kernel/drivers/net/phy/libphy.ko", "kernel/drivers/net/phy/realtek.ko",
	"kernel/drivers/md/dm-crypt.ko", "kernel/drivers/md/dm-mod.ko",
	"kernel/sound/core/snd.ko", "kernel/sound/soundcore.ko",
	"kernel/drivers/net/ethernet/mellanox/mlx4/mlx4_core.ko",
	"kernel/drivers/input/misc/pcspkr.ko",
};

struct fixture {
	char dir[64];
	char moddir[256], sysfs[256], mounts[256], fw[256];
};

static int put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (shell("mkdir -p \"$(dirname '%s')\"", path) != 0 || !(f = fopen(path, "w")))
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A fake machine: two virtio devices, a Mellanox NIC (a HOST-class driver, so
 * host-only must take it), a PC speaker (no boot class: must be left out), a LUKS
 * device-mapper device, a sysfs symlink loop, and an ext4 root. */
static int make_sysfs(struct fixture *f)
{
	static const struct {
		const char *rel, *text;
	} files[] = {
		{ "devices/pci0000:00/0000:00:02.0/modalias",
		  "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\n" },
		{ "devices/pci0000:00/0000:00:02.0/virtio0/modalias", "virtio:d00000002v00001AF4\n" },
		{ "devices/pci0000:00/0000:00:03.0/modalias",
		  "pci:v000015B3d00001003sv000015B3sd00000006bc02sc00i00\n" },
		{ "devices/platform/pcspkr/modalias", "platform:pcspkr\n" },
		{ "devices/virtual/block/dm-0/dm/uuid", "CRYPT-LUKS2-0123456789abcdef-root\n" },
		{ "devices/virtual/block/loop0/size", "0\n" },
		{ "devices/system/cpu/modalias", "" },
	};

	for (size_t i = 0; i < N(files); i++)
		if (put(f->sysfs, files[i].rel, files[i].text) != 0)
			return -1;
	if (shell("ln -s ../../.. '%s/devices/pci0000:00/0000:00:02.0/subsystem'", f->sysfs) != 0)
		return -1;
	return put(f->dir, "mounts", "rootfs / rootfs rw 0 0\n/dev/vda / ext4 rw,relatime 0 0\n");
}

static int setup_tree(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_kernel k;
	char list[4096] = "";

	if (!f)
		return -1;
	*state = f;
	if (test_kernel_find(&k) < 0)
		return -1; /* asked for and missing: the tests fail */
	if (!k.kver)
		return 0;  /* no test kernel outside make check: the tests skip */
	strcpy(f->dir, "/tmp/test_kmodsel.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->moddir, sizeof(f->moddir), "%s/lib/modules/%s", f->dir, k.kver);
	snprintf(f->sysfs, sizeof(f->sysfs), "%s/sys", f->dir);
	snprintf(f->mounts, sizeof(f->mounts), "%s/mounts", f->dir);
	snprintf(f->fw, sizeof(f->fw), "%s/firmware", f->dir);
	for (size_t i = 0; i < N(tree_modules); i++) {
		strcat(list, " ");
		strcat(list, tree_modules[i]);
	}
	if (shell("mkdir -p '%s' && cd '%s' && cp --parents %s modules.builtin "
		"modules.builtin.modinfo modules.order '%s' && /sbin/depmod -b '%s' '%s'",
		f->moddir, k.moddir, list, f->moddir, f->dir, k.kver) != 0)
		return -1;
	if (put(f->fw, "rtl_nic/rtl8168d-1.fw", "fw1") || put(f->fw, "rtl_nic/rtl8168d-2.fw.zst", "fw2"))
		return -1;
	return make_sysfs(f);
}

static int teardown_tree(void **state)
{
	struct fixture *f = *state;

	if (f && f->dir[0])
		shell("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

static bool has_mod(const struct kmodsel *s, const char *name)
{
	for (size_t i = 0; i < s->n_mods; i++)
		if (!strcmp(s->mods[i].name, name))
			return true;
	return false;
}

static bool has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && p < text + len; p = memchr(p, '\n', (size_t)(text + len - p)), p = p ? p + 1 : NULL)
		if ((size_t)(text + len - p) >= n && !memcmp(p, line, n) &&
		    (p + n == text + len || p[n] == '\n'))
			return true;
	return false;
}

static struct kmodsel *select_ok(struct fixture *f, bool host_only, const char *const *add,
				 size_t n_add)
{
	struct kmodsel_opts o = { .moddir = f->moddir, .host_only = host_only,
				  .sysfs = f->sysfs, .mounts = f->mounts, .firmware_dir = f->fw,
				  .add = add, .n_add = n_add };
	struct kmodsel *s = NULL;
	char err[512] = "";
	int r = kmodsel_select(&o, &s, err, sizeof(err));

	if (r != 0)
		fail_msg("kmodsel_select: %d %s", r, err);
	return s;
}

static void test_generic(void **state)
{
	static const char *const in[] = { "ext4", "jbd2", "mbcache", "crc16", "crc32c_generic",
					   "crc32c_intel", "virtio_pci", "virtio_pci_legacy_dev",
					   "virtio_pci_modern_dev", "virtio", "virtio_ring",
					   "virtio_blk", "r8169", "mdio_devres", "libphy", "realtek",
					   "dm_crypt", "dm_mod" };
	struct fixture *f = *state;
	struct kmodsel *s;

	if (!f->dir[0])
		skip();
	s = select_ok(f, false, NULL, 0);
	for (size_t i = 0; i < N(in); i++)
		if (!has_mod(s, in[i]))
			fail_msg("%s missing from the generic selection", in[i]);
	/* realtek is the softdep "pre: realtek" of r8169; crc32c_* of "crypto-crc32c" */
	assert_int_equal(s->n_mods, N(in));
	assert_false(has_mod(s, "snd"));
	assert_false(has_mod(s, "mlx4_core"));
	assert_false(has_mod(s, "pcspkr"));
	for (size_t i = 1; i < s->n_mods; i++)
		assert_true(strcmp(s->mods[i - 1].relpath, s->mods[i].relpath) < 0);
	/* the target's own modules.dep line, as it is */
	assert_true(has_line(s->dep, s->dep_len, "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko "
			     "kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko"));
	assert_true(has_line(s->dep, s->dep_len, "kernel/drivers/block/virtio_blk.ko: "
			     "kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko"));
	assert_null(memmem(s->dep, s->dep_len, "snd", 3));
	assert_true(has_line(s->alias, s->alias_len, "alias fs-ext4 ext4"));
	assert_true(has_line(s->alias, s->alias_len, "alias crypto-crc32c crc32c_generic"));
	assert_null(memmem(s->alias, s->alias_len, "mlx4", 4));
	assert_true(has_line(s->softdep, s->softdep_len, "softdep ext4 pre: crypto-crc32c"));
	assert_true(has_line(s->softdep, s->softdep_len, "softdep r8169 pre: realtek"));
	assert_non_null(memmem(s->builtin, s->builtin_len, "kernel/crypto/sha256_generic.ko", 31));
	kmodsel_free(s);
}

static void test_firmware(void **state)
{
	struct fixture *f = *state;
	struct kmodsel *s;
	bool missing_8125 = false;

	if (!f->dir[0])
		skip();
	s = select_ok(f, false, NULL, 0);
	assert_int_equal(s->n_fw, 2);
	assert_string_equal(s->fw[0].name, "rtl_nic/rtl8168d-1.fw");
	assert_string_equal(s->fw[1].name, "rtl_nic/rtl8168d-2.fw.zst");
	assert_non_null(strstr(s->fw[1].src, "/firmware/rtl_nic/rtl8168d-2.fw.zst"));
	assert_true(s->n_missing > 10);
	for (size_t i = 0; i < s->n_missing; i++) {
		assert_string_not_equal(s->missing[i].firmware, "rtl_nic/rtl8168d-1.fw");
		if (!strcmp(s->missing[i].firmware, "rtl_nic/rtl8125b-2.fw")) {
			assert_string_equal(s->missing[i].module, "r8169");
			missing_8125 = true;
		}
		if (i)
			assert_true(strcmp(s->missing[i - 1].firmware, s->missing[i].firmware) < 0);
	}
	assert_true(missing_8125);
	kmodsel_free(s);
}

static void test_host_only(void **state)
{
	static const char *const in[] = { "virtio_pci", "virtio_pci_legacy_dev",
					   "virtio_pci_modern_dev", "virtio", "virtio_ring",
					   "virtio_blk", "mlx4_core", "ext4", "jbd2", "mbcache",
					   "crc16", "crc32c_generic", "crc32c_intel" };
	struct fixture *f = *state;
	struct kmodsel *s;

	if (!f->dir[0])
		skip();
	s = select_ok(f, true, NULL, 0);
	for (size_t i = 0; i < N(in); i++)
		if (!has_mod(s, in[i]))
			fail_msg("%s missing from the host-only selection", in[i]);
	assert_int_equal(s->n_mods, N(in));
	assert_false(has_mod(s, "r8169"));   /* no such device */
	assert_false(has_mod(s, "pcspkr"));  /* a device, but no boot class */
	/* the LUKS dm-0 is not under the root (/dev/vda): the storage stack is stack.h's
	 * business, and it hands in what the root needs as `want` */
	assert_false(has_mod(s, "dm_crypt"));
	kmodsel_free(s);
}

static void test_want(void **state)
{
	static const struct kmodsel_want want[] = {
		{ "dm_crypt", "--with luks", false },
		{ "aesni_intel", "--with luks", true },       /* not in this tree: skipped */
		{ "sha256_generic", "--with luks", false },   /* built in: fine */
	};
	static const struct kmodsel_want missing[] = { { "md_mod", "--with md", false } };
	struct fixture *f = *state;
	struct kmodsel_opts o = { .moddir = f->moddir, .host_only = true, .sysfs = f->sysfs,
				  .mounts = f->mounts, .firmware_dir = f->fw, .want = want,
				  .n_want = N(want) };
	struct kmodsel *s = NULL;
	char err[512] = "";

	if (!f->dir[0])
		skip();
	if (kmodsel_select(&o, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(has_mod(s, "dm_crypt") && has_mod(s, "dm_mod"));
	assert_false(has_mod(s, "aesni_intel"));
	assert_int_equal(s->n_notes, 0);
	kmodsel_free(s);
	o.want = missing;
	o.n_want = 1;
	assert_int_equal(kmodsel_select(&o, &s, err, sizeof(err)), -ENOENT);
	assert_null(s);
	assert_non_null(strstr(err, "--with md needs module \"md_mod\", which the target kernel "
				    "has neither as a module nor built in"));
}

static void test_host_only_nfs_root(void **state)
{
	struct fixture *f = *state;
	struct kmodsel *s;

	if (!f->dir[0])
		skip();
	assert_int_equal(put(f->dir, "mounts", "10.0.0.1:/srv / nfs4 ro 0 0\n"), 0);
	s = select_ok(f, true, NULL, 0);
	/* no NFS modules in this small tree: nothing added, and no error either */
	assert_false(has_mod(s, "ext4"));
	assert_true(has_mod(s, "virtio_blk"));
	kmodsel_free(s);
	assert_int_equal(put(f->dir, "mounts", "/dev/vda / ext4 rw 0 0\n"), 0);
}

static void test_add_modules(void **state)
{
	static const char *const add[] = { "mlx4_core", "fs-ext4", "sha256_generic" };
	struct fixture *f = *state;
	struct kmodsel *s;

	if (!f->dir[0])
		skip();
	s = select_ok(f, false, add, N(add));
	assert_true(has_mod(s, "mlx4_core"));
	assert_int_equal(s->n_notes, 1);
	assert_non_null(strstr(s->notes[0], "sha256_generic is built into the kernel"));
	kmodsel_free(s);
}

static void test_errors(void **state)
{
	static const char *const nosuch[] = { "no_such_module_x" };
	struct fixture *f = *state;
	struct kmodsel_opts o = { .moddir = f->moddir, .add = nosuch, .n_add = 1 };
	struct kmodsel *s = (struct kmodsel *)1;
	char err[512] = "";

	if (!f->dir[0])
		skip();
	assert_int_equal(kmodsel_select(&o, &s, err, sizeof(err)), -ENOENT);
	assert_null(s);
	assert_non_null(strstr(err, "no module or alias \"no_such_module_x\""));
	o.n_add = 0;
	o.moddir = f->sysfs; /* a directory without modules.dep */
	assert_int_equal(kmodsel_select(&o, &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no modules.dep there"));
	o.moddir = "/nonexistent/lib/modules/x";
	assert_true(kmodsel_select(&o, &s, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "/nonexistent/lib/modules/x"));
	o.moddir = f->moddir;
	o.host_only = true;
	o.sysfs = f->sysfs;
	o.mounts = "/nonexistent/mounts";
	assert_int_equal(kmodsel_select(&o, &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/mounts"));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_parse_softdep),
		cmocka_unit_test(test_parse_softdep_long_name),
		cmocka_unit_test(test_root_fstype),
		cmocka_unit_test(test_root_fstype_small_out),
		cmocka_unit_test(test_root_mount),
		cmocka_unit_test(test_dep_walk),
	};
	const struct CMUnitTest tree[] = {
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_firmware),
		cmocka_unit_test(test_host_only),
		cmocka_unit_test(test_host_only_nfs_root),
		cmocka_unit_test(test_add_modules),
		cmocka_unit_test(test_want),
		cmocka_unit_test(test_errors),
	};
	int r = cmocka_run_group_tests_name("kmodsel pure", pure, NULL, NULL);

	return r | cmocka_run_group_tests_name("kmodsel tree", tree, setup_tree, teardown_tree);
}
