/* stack_detect: the storage stack under a host's root, from its mount table and
 * sysfs. See stack.h. */
#include "stack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "base/readfile.h"
#include "kmodsel.h"

#define MAX_MOUNTS (16u << 20)

struct walk {
	const char *sysfs;
	struct stack_found *out;
	const char *role;            /* "root", "resume device": whose stack, for messages */
	char dev[ESCAPE_SIZE(96)];   /* its device, escaped for messages */
	bool live;                   /* the running system's /sys and mount table */
	size_t visited;
	char *err;
	size_t errsz;
};

unsigned stack_dm_kind(const char *uuid, const char **what)
{
	static const struct {
		const char *prefix, *what;
		unsigned part;
	} kinds[] = {
		{ "CRYPT-LUKS1-", "LUKS1", STACK_LUKS },
		{ "CRYPT-LUKS2-", "LUKS2", STACK_LUKS },
		{ "LVM-", "LVM", STACK_LVM },
		{ "CRYPT-PLAIN-", "plain dm-crypt (no LUKS header)", 0 },
		{ "CRYPT-VERITY-", "dm-verity", 0 },
		{ "CRYPT-INTEGRITY-", "dm-integrity", 0 },
		{ "CRYPT-TCRYPT-", "TrueCrypt/VeraCrypt", 0 },
		{ "CRYPT-BITLK-", "BitLocker", 0 },
		{ "CRYPT-", "dm-crypt of an unknown kind", 0 },
		{ "mpath-", "multipath", 0 },
		{ "part", "a partition of a device-mapper device (kpartx)", 0 },
		{ "stratis-", "Stratis", 0 },
		{ "VDO-", "VDO", 0 },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(uuid, kinds[i].prefix, strlen(kinds[i].prefix))) {
			*what = kinds[i].what;
			return kinds[i].part;
		}
	*what = *uuid ? "a device-mapper device of unknown origin"
		      : "a device-mapper device without a uuid (made by hand with dmsetup?)";
	return 0;
}

/* SYSFS/class/block/NAME/ATTR, first line, without trailing white space. 0, or
 * -ENOENT when the attribute is not there. */
static int attr(const struct walk *w, const char *name, const char *a, char *out, size_t outsz)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int r;

	if (snprintf(path, sizeof(path), "%s/class/block/%s/%s", w->sysfs, name, a) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	r = readfile_at(AT_FDCWD, path, STACK_MAX_LINE, &buf, &len);
	if (r < 0)
		return r == -ENOTDIR ? -ENOENT : r;
	len = strcspn(buf, "\n");
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (len >= outsz) {
		free(buf);
		return -ENAMETOOLONG;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	free(buf);
	return 0;
}

static void chain_add(struct stack_found *f, const char *name, const char *what)
{
	size_t o = strlen(f->chain);
	char n[ESCAPE_SIZE(64)];

	escape_str(name, n, sizeof(n));
	snprintf(f->chain + o, sizeof(f->chain) - o, "%s%s (%s)", o ? " on " : "", n, what);
}

static int add_level(struct walk *w, const char *name, const char *level)
{
	struct stack_found *f = w->out;
	char esc[ESCAPE_SIZE(32)];

	for (size_t i = 0; i < f->n_md_levels; i++)
		if (!strcmp(f->md_levels[i], level))
			return 0;
	escape_str(level, esc, sizeof(esc));
	if (!*level || strlen(level) >= sizeof(f->md_levels[0]) ||
	    strspn(level, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(level) ||
	    !strcmp(level, "container"))
		return errmsg(w->err, w->errsz, -ENOTSUP, "the %s %s stands on md array %s "
			      "of level \"%s\": sprout-init assembles linear, raid0, raid1, "
			      "raid4/5/6 and raid10 arrays only", w->role, w->dev, name, esc);
	if (f->n_md_levels == STACK_MAX_LEVELS)
		return errmsg(w->err, w->errsz, -E2BIG, "more than %d md levels", STACK_MAX_LEVELS);
	memcpy(f->md_levels[f->n_md_levels++], level, strlen(level) + 1); /* fits: checked */
	return 0;
}

/* Remembers a LUKS device of the chain: the UUID from its dm uuid
 * (CRYPT-LUKSn-<32 hex>-<name>), its name from dm/name. One whose uuid is not of that
 * form is left out (nothing to match a crypttab entry by). */
static void add_luks(struct walk *w, const char *name, const char *uuid)
{
	struct stack_found *f = w->out;
	struct stack_luks *l = &f->luks[f->n_luks];
	const char *hex = uuid + strlen("CRYPT-LUKS2-");
	size_t n = strspn(hex, "0123456789abcdef");

	if (f->n_luks == STACK_MAX_LUKS || n != 32 || (hex[n] != '\0' && hex[n] != '-'))
		return;
	memcpy(l->uuid, hex, 32);
	l->uuid[32] = '\0';
	if (attr(w, name, "dm/name", l->name, sizeof(l->name)) < 0)
		l->name[0] = '\0';
	f->n_luks++;
}

static int visit(struct walk *w, const char *name, int depth);

static int visit_slaves(struct walk *w, const char *name, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (snprintf(path, sizeof(path), "%s/class/block/%s/slaves", w->sysfs, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return 0; /* a disk or a partition: the bottom */
	while (r == 0 && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = visit(w, de->d_name, depth + 1);
	closedir(d);
	return r;
}

/* A partition (its sysfs entry has a "partition" file) stands on the device above it in
 * sysfs: a partitioned md array's md0p1 has neither md/ nor slaves/, md0 has them. 0 for
 * a partition of a plain disk or anything that is not a partition. */
static int visit_partition_parent(struct walk *w, const char *name, int depth)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;

	if (snprintf(path, sizeof(path), "%s/class/block/%s/partition", w->sysfs, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, F_OK) < 0)
		return 0;
	*strrchr(path, '/') = '\0';
	if (!realpath(path, real) || !(slash = strrchr(real, '/')) || slash == real)
		return 0;
	*slash = '\0'; /* the directory above the partition's: its device, or the class dir */
	slash = strrchr(real, '/');
	if (!slash || !strcmp(slash + 1, "block"))
		return 0; /* not nested under a device (a fake sysfs of plain directories) */
	return visit(w, slash + 1, depth + 1);
}

static int visit(struct walk *w, const char *name, int depth)
{
	struct stack_found *f = w->out;
	char val[STACK_MAX_LINE] = "", esc[ESCAPE_SIZE(96)];
	const char *what;
	unsigned part;
	int r;

	if (depth > STACK_MAX_DEPTH || ++w->visited > STACK_MAX_DEVICES)
		return errmsg(w->err, w->errsz, -ELOOP, "%s: more than %d layers or %d devices "
			      "under the %s %s", w->sysfs, STACK_MAX_DEPTH, STACK_MAX_DEVICES,
			      w->role, w->dev);
	r = attr(w, name, "dm/uuid", val, sizeof(val));
	if (r == 0) {
		part = stack_dm_kind(val, &what);
		escape_str(val, esc, sizeof(esc));
		if (!part)
			return errmsg(w->err, w->errsz, -ENOTSUP, "the %s %s stands on %s (%s, "
				      "dm uuid \"%s\"), which sprout-init cannot bring up",
				      w->role, w->dev, what, name, esc);
		f->parts |= part;
		chain_add(f, name, what);
		if (part == STACK_LUKS)
			add_luks(w, name, val);
		return visit_slaves(w, name, depth);
	}
	if (r != -ENOENT)
		return errmsg(w->err, w->errsz, r, "%s/class/block/%s/dm/uuid: %s", w->sysfs, name,
			      strerror(-r));
	r = attr(w, name, "md/metadata_version", val, sizeof(val));
	if (r == 0 && !strncmp(val, "external:", 9)) {
		escape_str(val, esc, sizeof(esc));
		return errmsg(w->err, w->errsz, -ENOTSUP, "the %s %s stands on md array %s with "
			      "external metadata (%s: IMSM or DDF firmware RAID), which needs "
			      "mdmon; sprout-init does not carry it", w->role, w->dev, name, esc);
	}
	r = attr(w, name, "md/level", val, sizeof(val));
	if (r == -ENOENT)
		return visit_partition_parent(w, name, depth); /* a disk or partition */
	if (r == 0)
		r = add_level(w, name, val);
	if (r < 0)
		return w->err[0] ? r : errmsg(w->err, w->errsz, r, "%s/class/block/%s/md/level: "
					      "%s", w->sysfs, name, strerror(-r));
	f->parts |= STACK_MD;
	chain_add(f, name, val);
	return visit_slaves(w, name, depth);
}

static int copy_name(char *out, size_t outsz, const char *name)
{
	size_t n = strlen(name);

	if (n >= outsz)
		return -ENAMETOOLONG;
	memcpy(out, name, n + 1);
	return 0;
}

/* A dm device by its name (dm/name), as /dev/mapper shows it. */
static int find_dm_name(const struct walk *w, const char *want, char *out, size_t outsz)
{
	char path[PATH_MAX], val[STACK_MAX_LINE];
	struct dirent *de;
	int found = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/block", w->sysfs);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while (found < 0 && (de = readdir(d)))
		if (!strncmp(de->d_name, "dm-", 3) && attr(w, de->d_name, "dm/name", val,
							   sizeof(val)) == 0 &&
		    !strcmp(val, want))
			found = copy_name(out, outsz, de->d_name);
	closedir(d);
	return found;
}

/* /dev/VG/LV as device-mapper names it: each '-' doubled, joined by '-'. */
static int lvm_dm_name(const char *vg, size_t vglen, const char *lv, char *out, size_t outsz)
{
	size_t o = 0;

	for (int part = 0; part < 2; part++) {
		const char *s = part ? lv : vg;
		size_t n = part ? strlen(lv) : vglen;

		for (size_t i = 0; i < n; i++) {
			if (o + 3 >= outsz)
				return -ENAMETOOLONG;
			if (s[i] == '-')
				out[o++] = '-';
			out[o++] = s[i];
		}
		if (!part)
			out[o++] = '-';
	}
	out[o] = '\0';
	return 0;
}

static bool in_class(const struct walk *w, const char *name)
{
	char val[32];

	return attr(w, name, "dev", val, sizeof(val)) == 0;
}

/* The running root's device by number (the mount table may say /dev/root): the
 * name /sys/dev/block/MAJ:MIN links to. */
static int live_root(const struct walk *w, char *out, size_t outsz)
{
	char path[64], link[PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t n;

	if (stat("/", &st) < 0)
		return -errno;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -ENOENT;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	return in_class(w, base) ? copy_name(out, outsz, base) : -ENOENT;
}

/* The block device name (sysfs's) of the root's device path; -ENOENT when sysfs does
 * not show it. */
static int root_block(const struct walk *w, const char *dev, char *out, size_t outsz)
{
	const char *rest = dev + 5, *slash = strchr(rest, '/');
	char name[256], real[PATH_MAX];

	if (!strncmp(rest, "mapper/", 7))
		return find_dm_name(w, rest + 7, out, outsz);
	if (!slash && in_class(w, rest))
		return copy_name(out, outsz, rest);
	if (slash && !strchr(slash + 1, '/') && strncmp(rest, "disk/", 5) != 0 &&
	    strncmp(rest, "md/", 3) != 0 &&
	    lvm_dm_name(rest, (size_t)(slash - rest), slash + 1, name, sizeof(name)) == 0 &&
	    find_dm_name(w, name, out, outsz) == 0)
		return 0;
	/* /dev/disk/by-uuid/..., /dev/md/NAME: links of this host, when it is the host */
	if (w->live && realpath(dev, real) && !strncmp(real, "/dev/", 5) &&
	    !strchr(real + 5, '/') && in_class(w, real + 5))
		return copy_name(out, outsz, real + 5);
	return w->live ? live_root(w, out, outsz) : -ENOENT;
}

static bool no_block_root(const char *type, const char *dev)
{
	static const char *const types[] = { "nfs", "nfs4", "cifs", "smb3", "rootfs", "tmpfs",
					     "ramfs", "overlay", "9p", "virtiofs", "squashfs" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	return strncmp(type, "fuse", 4) == 0 || strncmp(dev, "/dev/", 5) != 0;
}

int stack_detect(const char *sysfs, const char *mounts, struct stack_found *out, char *err,
		 size_t errsz)
{
	struct walk w = { .sysfs = sysfs, .out = out, .err = err, .errsz = errsz, .role = "root",
			  .live = !strcmp(sysfs, "/sys") && !strcmp(mounts, "/proc/self/mounts") };
	char name[256];
	char *buf;
	size_t len;
	int r;

	memset(out, 0, sizeof(*out));
	if (errsz)
		err[0] = '\0';
	r = readfile_at(AT_FDCWD, mounts, MAX_MOUNTS, &buf, &len);
	if (r < 0)
		return errmsg(err, errsz, r, "%s: %s", mounts, strerror(-r));
	r = kmodsel_root_mount(buf, len, out->root_dev, sizeof(out->root_dev), out->root_type,
			       sizeof(out->root_type));
	free(buf);
	if (r < 0)
		return errmsg(err, errsz, r, "%s: no entry for / found (%s)", mounts,
			      r == -EBADMSG ? "a malformed line" : strerror(-r));
	escape_str(out->root_dev, w.dev, sizeof(w.dev));
	if (!strcmp(out->root_type, "zfs"))
		return errmsg(err, errsz, -ENOTSUP, "the root is ZFS (%s): sprout-init cannot "
			      "import a ZFS pool, and there is no other way to mount it; keep the "
			      "distribution's initramfs for this machine", w.dev);
	if (no_block_root(out->root_type, out->root_dev))
		return 0;
	if (root_block(&w, out->root_dev, name, sizeof(name)) < 0) {
		out->unresolved = true;
		return 0; /* not in this sysfs: nothing to follow */
	}
	return visit(&w, name, 0);
}

int stack_block_name(const char *sysfs, const char *dev, char *out, size_t outsz)
{
	struct walk w = { .sysfs = sysfs, .live = !strcmp(sysfs, "/sys") };

	if (strncmp(dev, "/dev/", 5) != 0)
		return -ENOENT;
	return root_block(&w, dev, out, outsz);
}

bool stack_is_block(const char *sysfs, const char *name)
{
	struct walk w = { .sysfs = sysfs };

	return !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       in_class(&w, name);
}

int stack_detect_block(const char *sysfs, const char *name, const char *role,
		       struct stack_found *out, char *err, size_t errsz)
{
	struct walk w = { .sysfs = sysfs, .out = out, .err = err, .errsz = errsz, .role = role };

	memset(out, 0, sizeof(*out));
	if (errsz)
		err[0] = '\0';
	snprintf(out->root_dev, sizeof(out->root_dev), "/dev/%s", name);
	escape_str(out->root_dev, w.dev, sizeof(w.dev));
	return visit(&w, name, 0);
}
