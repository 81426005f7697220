/* stack: the storage stacks an image can carry (`sprout build --with luks,lvm,md`)
 * and the detection of the stack under a host's root (--host-only).
 *
 * A part is what sprout-init needs to bring one layer up: a host tool placed at a
 * fixed path in the image (the contract with sprout-init: /sbin/cryptsetup,
 * /sbin/lvm, /sbin/mdadm, /sbin/e2fsck, with their libraries through elfdeps), kernel modules,
 * and configuration text. What each part carries, and why, is in stack.c's table.
 *
 * Detection reads only files: the mount table's entry for "/" (device and type)
 * and SYSFS/class/block/NAME/{dm/uuid,dm/name,md/level,slaves/}. From the root's
 * block device it follows the slaves down to the disks: a dm uuid CRYPT-LUKS1-/
 * CRYPT-LUKS2- is LUKS, LVM- is LVM; an md device is md RAID with its level. What
 * sprout-init cannot bring up (ZFS, multipath, plain dm-crypt, md external
 * metadata, a dm device of unknown origin) is an error naming it. */
#ifndef SPROUT_STACK_H
#define SPROUT_STACK_H

#include <stdbool.h>
#include <stddef.h>

enum {
	STACK_LUKS = 1u << 0,
	STACK_LVM = 1u << 1,
	STACK_MD = 1u << 2,
	STACK_FSCK = 1u << 3,   /* e2fsck: checks an ext2/3/4 root before it is mounted */
	STACK_RESUME = 1u << 4, /* resume from hibernation: no tool, no module of its own (the
				 * kernel does it); the resume device's layers are luks/lvm/md */
	STACK_ALL = STACK_LUKS | STACK_LVM | STACK_MD | STACK_FSCK | STACK_RESUME,
};

#define STACK_MAX_DEPTH 16      /* layers followed below the root */
#define STACK_MAX_DEVICES 64    /* block devices visited in one detection */
#define STACK_MAX_LEVELS 8      /* distinct md levels remembered */
#define STACK_MAX_LINE 4096     /* longest sysfs attribute or mount field read */
#define STACK_MAX_LUKS 8        /* LUKS devices remembered under the root */

/* Parses a comma (or space) separated list of part names into *parts (OR'ed in).
 * Returns 0 or -EINVAL with msg naming the word. Pure. */
int stack_parse_with(const char *list, unsigned *parts, char *msg, size_t msgsz);

/* "luks,lvm,md,fsck,resume" for a set of parts (the empty string for none). */
void stack_with_string(unsigned parts, char *out, size_t outsz);

/* The part that checks a root of filesystem type fstype before it is mounted: STACK_FSCK
 * (e2fsck) for ext2, ext3 and ext4; 0 for any other. xfs and btrfs need none (their
 * fsck.xfs and fsck.btrfs do nothing at boot: the kernel replays the log at mount); for
 * the rest (vfat, f2fs ...) sprout-init runs no checker. Pure. */
unsigned stack_fsck_part(const char *fstype);

/* --- what a part carries ----------------------------------------------------------- */

struct stack_tool {
	unsigned part;
	const char *name;      /* cryptsetup */
	const char *dst;       /* its path in the image: /sbin/cryptsetup */
	const char *package;   /* the Debian package that has it: cryptsetup-bin */
	const char *const *dlopen;   /* libraries it loads at run time, NULL-terminated */
};

struct stack_module {
	const char *name;      /* module name or alias in the target's index */
	unsigned part;
	bool optional;         /* skipped when the target kernel has no such module */
	bool personality;      /* an md personality: host-only keeps only those in use */
};

/* The tables, for build.c; n_* set to their lengths. */
const struct stack_tool *stack_tools(size_t *n);
const struct stack_module *stack_modules(size_t *n);

/* The /etc/lvm/lvm.conf of an image, and the mdadm.conf written when the build host
 * has none (or the image is generic). */
const char *stack_lvm_conf(void);
const char *stack_mdadm_conf(void);

/* Finds tool `name` in the ':' separated directories of path (empty and relative
 * entries are skipped): the first regular, executable file. Returns 0 with its path in out,
 * -ENOENT, or -ENAMETOOLONG. */
int stack_find_tool(const char *path, const char *name, char *out, size_t outsz);

/* --- detection ------------------------------------------------------------------------- */

/* A LUKS device under the root: its LUKS UUID (32 hex digits, as the dm uuid
 * CRYPT-LUKS2-<uuid>-<name> holds it) and its device-mapper name now. */
struct stack_luks {
	char uuid[33];
	char name[128];
};

struct stack_found {
	unsigned parts;                     /* STACK_* the root needs */
	char md_levels[STACK_MAX_LEVELS][16];  /* "raid1", ...: md personalities in use */
	size_t n_md_levels;
	char root_dev[256];                 /* the mount table's device for "/" */
	char root_type[64];                 /* and its filesystem type */
	char chain[512];                    /* "dm-1 (LVM) on dm-0 (LUKS2) on md0 (raid1)" */
	bool unresolved;                    /* a /dev/ root this sysfs does not show */
	struct stack_luks luks[STACK_MAX_LUKS];   /* the LUKS devices in the chain */
	size_t n_luks;
};

/* Detects the stack under "/" (see above). mounts: the mount table file; sysfs: its
 * root. A root that is not a block device of this sysfs (NFS, tmpfs, a rootfs, a
 * device sysfs does not show: unresolved) gives parts 0 and no error. With the
 * running system's files ("/sys", "/proc/self/mounts") the device's links are
 * followed and, failing that (/dev/root), the device number of "/" is looked up. Returns 0 or -errno with
 * one line in err: -ENOTSUP names what sprout-init cannot boot. */
int stack_detect(const char *sysfs, const char *mounts, struct stack_found *out, char *err,
		 size_t errsz);

/* The stack under another block device than the root (the resume device): name is
 * its sysfs name (dm-3); role names it in messages ("resume device"). out->root_dev
 * is then /dev/NAME. 0 or -errno with one line in err, as stack_detect. */
int stack_detect_block(const char *sysfs, const char *name, const char *role,
		       struct stack_found *out, char *err, size_t errsz);

/* The sysfs name of the block device a /dev path names (/dev/vda2, /dev/mapper/NAME,
 * /dev/VG/LV; on the running system, with sysfs "/sys", any link such as
 * /dev/disk/by-uuid/X). 0, -ENOENT, -ENAMETOOLONG. */
int stack_block_name(const char *sysfs, const char *dev, char *out, size_t outsz);

/* Is name a block device of this sysfs (SYSFS/class/block/NAME/dev)? */
bool stack_is_block(const char *sysfs, const char *name);

/* Classifies a dm uuid (as dm/uuid holds it). Returns STACK_LUKS, STACK_LVM, or 0
 * for one sprout-init cannot bring up; *what names it for a message ("LUKS2",
 * "LVM", "multipath", "plain dm-crypt", ...). Pure. */
unsigned stack_dm_kind(const char *uuid, const char **what);

#endif
