/* stack: what `--with luks,lvm,md,fsck,resume` carries, and the tools' lookup. See stack.h;
 * the detection under a host's root is in stack_detect.c. */
#include "stack.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errmsg.h"
#include "base/escape.h"

static const struct {
	unsigned part;
	const char *name;
} part_names[] = {
	{ STACK_LUKS, "luks" },
	{ STACK_LVM, "lvm" },
	{ STACK_MD, "md" },
	{ STACK_FSCK, "fsck" },
	{ STACK_RESUME, "resume" },
};

/* glibc's pthread_exit unwinds through libgcc_s, which it dlopens: libargon2 (the
 * LUKS2 default PBKDF, argon2id) ends its threads with pthread_exit, and without
 * the library glibc aborts. Token plugins (libcryptsetup-token-*.so) are left out:
 * passphrases and key files need none. */
static const char *const cryptsetup_dlopen[] = { "libgcc_s.so.1", NULL };
static const char *const no_dlopen[] = { NULL };

/* lvm's other commands (vgchange, lvs ...) are this one binary under other names:
 * sprout-init runs `lvm vgchange`, so no links. dmeventd's plugins (the other
 * dlopen of lvm) are not needed with monitoring = 0. mdadm's mdmon (external
 * metadata: IMSM, DDF) is left out; detection refuses such arrays. */
static const struct stack_tool tools[] = {
	{ STACK_LUKS, "cryptsetup", "/sbin/cryptsetup", "cryptsetup-bin", cryptsetup_dlopen },
	{ STACK_LVM, "lvm", "/sbin/lvm", "lvm2", no_dlopen },
	{ STACK_MD, "mdadm", "/sbin/mdadm", "mdadm", no_dlopen },
	{ STACK_FSCK, "e2fsck", "/sbin/e2fsck", "e2fsprogs", no_dlopen },
};

/* dm-crypt with LUKS's default cipher aes-xts-plain64 (and cbc-essiv:sha256 of old
 * LUKS1 volumes; aes, cbc and sha256 are built into Debian's kernels), the x86
 * AES-NI and SHA variants when the target has them, and the AF_ALG sockets
 * cryptsetup uses for the key slots' area (without them it falls back to a
 * temporary dm-crypt mapping). LVM's linear and striped LVs need dm_mod alone;
 * snapshots, mirrors, raid, thin and cache LVs (dm_snapshot, dm_mirror, dm_raid,
 * dm_thin_pool, dm_cache: all in a generic image anyway) need --add-modules in a
 * host-only one. md: every personality a generic image carries; host-only keeps
 * those in use. */
static const struct stack_module modules[] = {
	{ "dm_mod", STACK_LUKS, false, false },
	{ "dm_crypt", STACK_LUKS, false, false },
	{ "xts", STACK_LUKS, true, false },
	{ "essiv", STACK_LUKS, true, false },
	{ "aesni_intel", STACK_LUKS, true, false },
	{ "sha256_ssse3", STACK_LUKS, true, false },
	{ "sha512_ssse3", STACK_LUKS, true, false },
	{ "af_alg", STACK_LUKS, true, false },
	{ "algif_skcipher", STACK_LUKS, true, false },
	{ "algif_hash", STACK_LUKS, true, false },
	{ "dm_mod", STACK_LVM, false, false },
	{ "md_mod", STACK_MD, false, false },
	{ "md-linear", STACK_MD, true, true },
	{ "md-raid0", STACK_MD, true, true },
	{ "md-raid1", STACK_MD, true, true },
	{ "md-raid10", STACK_MD, true, true },
	{ "md-raid5", STACK_MD, true, true },   /* raid456: levels 4, 5 and 6 */
};

/* No udev, no daemons, no writes: activation only. The host's system.devices is
 * not in the image (use_devicesfile = 0); messages go to stderr, which sprout-init
 * captures. Checked with `lvm config --validate` of lvm 2.03. */
static const char lvm_conf[] =
	"# /etc/lvm/lvm.conf of a sprout image (sprout build --with lvm):\n"
	"# activation only, without udev, daemons or metadata backups.\n"
	"devices {\n"
	"\tobtain_device_list_from_udev = 0\n"
	"\texternal_device_info_source = \"none\"\n"
	"\tuse_devicesfile = 0\n"
	"}\n"
	"activation {\n"
	"\tudev_sync = 0\n"
	"\tudev_rules = 0\n"
	"\tmonitoring = 0\n"
	"}\n"
	"global {\n"
	"\tuse_lvmpolld = 0\n"
	"\tevent_activation = 0\n"
	"\tlocking_dir = \"/run/lock/lvm\"\n"
	"}\n"
	"backup {\n"
	"\tbackup = 0\n"
	"\tarchive = 0\n"
	"}\n"
	"log {\n"
	"\tsyslog = 0\n"
	"}\n";

static const char mdadm_conf[] =
	"# /etc/mdadm/mdadm.conf of a sprout image (sprout build --with md): every\n"
	"# array found on the partitions is assembled, whatever host made it.\n"
	"DEVICE partitions\n"
	"AUTO +all\n";

const struct stack_tool *stack_tools(size_t *n)
{
	*n = ARRAY_SIZE(tools);
	return tools;
}

const struct stack_module *stack_modules(size_t *n)
{
	*n = ARRAY_SIZE(modules);
	return modules;
}

const char *stack_lvm_conf(void)
{
	return lvm_conf;
}

const char *stack_mdadm_conf(void)
{
	return mdadm_conf;
}

static unsigned part_of(const char *word, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(part_names); i++)
		if (strlen(part_names[i].name) == n && !memcmp(part_names[i].name, word, n))
			return part_names[i].part;
	return 0;
}

int stack_parse_with(const char *list, unsigned *parts, char *msg, size_t msgsz)
{
	const char *p = list;

	if (msgsz)
		msg[0] = '\0';
	while (*p) {
		size_t n = strcspn(p, ", \t");
		unsigned part = part_of(p, n);

		if (n && !part) {
			char word[ESCAPE_SIZE(32)];

			escape_bytes(p, n, word, sizeof(word));
			return errmsg(msg, msgsz, -EINVAL, "with \"%s\": unknown part; expected luks, "
				      "lvm, md, fsck or resume", word);
		}
		*parts |= part;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

void stack_with_string(unsigned parts, char *out, size_t outsz)
{
	size_t o = 0;

	if (!outsz)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(part_names); i++) {
		int n;

		if (!(parts & part_names[i].part))
			continue;
		n = snprintf(out + o, outsz - o, "%s%s", o ? "," : "", part_names[i].name);
		if (n < 0 || (size_t)n >= outsz - o)
			return;
		o += (size_t)n;
	}
}

unsigned stack_fsck_part(const char *fstype)
{
	static const char *const ext[] = { "ext2", "ext3", "ext4" };

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (!strcmp(fstype, ext[i]))
			return STACK_FSCK;
	return 0;
}

int stack_find_tool(const char *path, const char *name, char *out, size_t outsz)
{
	for (const char *p = path; p && *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;
		int len;

		if (n && p[0] == '/') { /* a relative entry would depend on the directory */
			len = snprintf(out, outsz, "%.*s/%s", (int)n, p, name);
			if (len < 0 || (size_t)len >= outsz)
				return -ENAMETOOLONG;
			if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
				return 0;
		}
		p += n;
		if (*p)
			p++;
	}
	if (outsz)
		out[0] = '\0';
	return -ENOENT;
}
