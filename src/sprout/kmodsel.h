/* kmodsel: which kernel modules (and firmware) go into an image, and the module
 * index files written for that subset.
 *
 * Everything is read from the TARGET kernel's module directory (its modules.dep,
 * modules.alias, modules.softdep, modules.builtin and the .ko files, through
 * libkmod), never from the running kernel, and no modprobe.d configuration of the
 * build host is applied: the same tree and options give the same selection on any
 * host.
 *
 * generic:   every module whose path falls in a boot class of the rule table in
 *            kmodsel.c (storage, RAID/dm, virtio, USB storage and keyboards, common
 *            NICs, root filesystems, NFS).
 * host-only: the modules the target kernel offers for the modaliases found under
 *            SYSFS/devices (so a driver built into the host kernel but modular in the
 *            target is found), kept when they are in a boot class (the table's
 *            "generic too big" rows count here) or outside kernel/ (updates/, extra/:
 *            out-of-tree drivers); plus the host root's filesystem (fs-TYPE), the NFS
 *            client when the root is NFS. The storage stack under the root (dm,
 *            md) is stack.h's: build.c hands its modules in as `want`.
 * both:      plus the --add-modules names or aliases and the wanted modules of the
 *            storage parts (`--with`), then the closure: hard
 *            dependencies and softdeps (pre and post, from modules.softdep and from
 *            each module's own modinfo) transitively. Built-in modules are skipped.
 */
#ifndef SPROUT_KMODSEL_H
#define SPROUT_KMODSEL_H

#include <stdbool.h>
#include <stddef.h>

#define KMODSEL_MAX_MODULES 20000
#define KMODSEL_MAX_NAME 4096       /* longest module path, alias or firmware name */
#define KMODSEL_MAX_INDEX (64u << 20) /* largest index file read (modules.dep, .builtin) */
#define KMODSEL_MAX_LINE 65536      /* longest modules.dep line */
#define KMODSEL_MAX_FIRMWARE 65536  /* firmware files (found or missing) of one selection */
#define KMODSEL_MAX_WHY 512         /* longest reason a module is in the image */

/* A module a storage part needs (stack.h): a missing one that is not optional is
 * an error naming the part (why). */
struct kmodsel_want {
	const char *name;          /* module name or alias */
	const char *why;           /* "--with luks" */
	bool optional;             /* absent from the target kernel: skipped */
};

struct kmodsel_opts {
	const char *moddir;        /* the target kernel's /lib/modules/KVER */
	bool host_only;
	const char *sysfs;         /* host-only: where devices/ is; NULL means "/sys" */
	const char *mounts;        /* host-only: mount table; NULL means "/proc/self/mounts" */
	const char *firmware_dir;  /* NULL means "/lib/firmware" */
	const char *const *add;    /* extra module names or aliases */
	size_t n_add;
	const struct kmodsel_want *want;
	size_t n_want;
};

struct kmodsel_module {
	char *name;      /* normalised name: crc32c_intel */
	char *relpath;   /* relative to moddir, as modules.dep spells it */
	char *why;       /* what brought it in: "class rule drivers/ata/ahci",
			  * "device alias pci:v...", "dependency of ext4", "--add-modules x" */
	char *vermagic;  /* the release its vermagic names ("" when it has none) */
};

struct kmodsel_firmware {
	char *name;      /* relative to the firmware dir, with the suffix found (.xz, .zst) */
	char *src;       /* the host file */
};

struct kmodsel_missing {
	char *firmware;  /* name as the module declares it */
	char *module;    /* first module that declares it */
};

struct kmodsel {
	struct kmodsel_module *mods;      /* sorted by relpath */
	size_t n_mods;
	struct kmodsel_firmware *fw;      /* sorted by name */
	size_t n_fw, cap_fw;
	struct kmodsel_missing *missing;  /* declared firmware not found, sorted */
	size_t n_missing, cap_missing;
	char **notes;                     /* --add-modules entries that are built in */
	size_t n_notes, cap_notes;
	/* The index files for the subset, in depmod's text formats. */
	char *dep, *alias, *softdep, *builtin;
	size_t dep_len, alias_len, softdep_len, builtin_len;
};

/* Returns 0 (free *out with kmodsel_free) or -errno with a message in err that
 * names the input and what was wrong. */
int kmodsel_select(const struct kmodsel_opts *opts, struct kmodsel **out, char *err, size_t errsz);
void kmodsel_free(struct kmodsel *sel);

/* --- pure helpers (exposed for tests and fuzzing) ---------------------------------- */

enum kmodsel_class {
	KMODSEL_NONE = 0,   /* not a boot class */
	KMODSEL_GENERIC,    /* in generic images */
	KMODSEL_HOST,       /* boot class, but only when the device is present (host-only) */
};

/* Classifies a module path relative to the module dir ("kernel/fs/ext4/ext4.ko"). */
enum kmodsel_class kmodsel_classify(const char *relpath);

/* The same, with the rule's prefix (under kernel/) that decided, or NULL. */
enum kmodsel_class kmodsel_classify_rule(const char *relpath, const char **prefix);

/* Walks a modinfo "softdep" value ("pre: a b post: c"). fn gets each name with
 * post = false/true; a non-zero return stops and is returned. Returns 0 or -EBADMSG
 * (a name before any "pre:"/"post:", a name longer than KMODSEL_MAX_NAME). */
int kmodsel_parse_softdep(const char *buf, size_t len,
			  int (*fn)(const char *name, bool post, void *ctx), void *ctx);

/* Walks modules.dep text. fn gets each line's module path (the part before ':')
 * and the whole line without its '\n'; a non-zero return stops and is returned.
 * Comments (#) and blank lines are skipped. Returns 0 or -EBADMSG (a line without
 * ':', an empty path, a NUL byte, a line over KMODSEL_MAX_LINE). The image's
 * modules.dep is the target's lines for the chosen modules, kept as they are: their
 * order of dependencies is the load order modprobe relies on. */
int kmodsel_dep_walk(const char *buf, size_t len,
		     int (*fn)(const char *path, size_t pathlen, const char *line, size_t linelen,
			       void *ctx),
		     void *ctx);

/* The filesystem type of "/" in a mount table (/proc/self/mounts format; the last
 * entry for "/" wins, octal escapes such as \040 are decoded). Returns 0, -ENOENT
 * (no entry for "/"), -EBADMSG (a malformed line), -ENAMETOOLONG (type over outsz). */
int kmodsel_root_fstype(const char *buf, size_t len, char *out, size_t outsz);

/* The same, with the entry's device too (dev may be NULL). */
int kmodsel_root_mount(const char *buf, size_t len, char *dev, size_t devsz, char *type,
		       size_t typesz);

#endif
