/* blkdev: enumerate and probe block devices. */
#include "blkdev.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/strbuf.h"

static void take(blkid_probe pr, const char *tag, char *out, size_t n)
{
	const char *v = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (blkid_probe_lookup_value(pr, tag, &v, &len) == 0 && v && strlen(v) < n)
		snprintf(out, n, "%s", v); /* a value that does not fit stays empty: never cut */
}

/* Superblock probers left out. zfs_member reads its four 256 KiB labels on every
 * device of 64 MiB or more (0.8 MB of sprout-init's peak memory on a 1.3 GB disk), for
 * a pool sprout-init cannot mount anyway (`sprout build --host-only` refuses a ZFS root).
 * xfs_external_log reads the first 256 KiB of every device, looking for XFS log records:
 * a device that holds only an XFS filesystem's external log is never a root nor a
 * layer under one (256 KiB of the peak memory of every boot that probes a disk). */
static char *skip_types[] = { "zfs_member", "xfs_external_log", NULL };

int blkdev_probe(const char *path, struct blkdev *d)
{
	struct stat st;
	blkid_probe pr;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode)) {
		close(fd);
		return -ENOTBLK;
	}
	d->major = major(st.st_rdev);
	d->minor = minor(st.st_rdev);
	pr = blkid_new_probe();
	if (!pr) {
		close(fd);
		return -ENOMEM;
	}
	rc = blkid_probe_set_device(pr, fd, 0, 0);
	if (rc == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
							      BLKID_SUBLKS_TYPE);
		blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, skip_types);
		blkid_probe_enable_partitions(pr, 1);
		blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
		/* 1 = nothing found, -2 = ambiguous, -1 = probe error: the device is still
		 * listed, with whatever tags were found (typically none). */
		(void)blkid_do_safeprobe(pr);
		take(pr, "TYPE", d->type, sizeof(d->type));
		take(pr, "UUID", d->uuid, sizeof(d->uuid));
		take(pr, "LABEL", d->label, sizeof(d->label));
		take(pr, "PART_ENTRY_UUID", d->partuuid, sizeof(d->partuuid));
		take(pr, "PART_ENTRY_NAME", d->partlabel, sizeof(d->partlabel));
	}
	blkid_free_probe(pr);
	close(fd);
	return rc < 0 ? -EIO : 0;
}

/* A device of size 0 (an empty CD drive, a card reader without a card) holds no root,
 * and opening one can take long (the drive checks for media). */
static bool empty_device(const char *sysfs, const char *name)
{
	char path[512], buf[32];
	ssize_t k;
	int fd;

	snprintf(path, sizeof(path), "%s/class/block/%s/size", sysfs, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return k > 0 && buf[0] == '0' && (buf[1] == '\n' || k == 1);
}

int blkdev_scan(const char *sysfs, struct blkdev *out, int max)
{
	char dir[256];
	DIR *dp;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/class/block", sysfs);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((de = readdir(dp)) && n < max) {
		struct blkdev *d = &out[n];
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len >= sizeof(d->name))
			continue;
		/* ram and loop devices are never a root here, and probing them is slow */
		if (strncmp(de->d_name, "ram", 3) == 0 || strncmp(de->d_name, "loop", 4) == 0)
			continue;
		if (empty_device(sysfs, de->d_name))
			continue;
		memset(d, 0, sizeof(*d));
		memcpy(d->name, de->d_name, len + 1);
		memcpy(d->path, "/dev/", 5);
		memcpy(d->path + 5, de->d_name, len + 1); /* fits: path is 16 bytes longer than name */
		if (blkdev_probe(d->path, d) == 0)
			n++;
	}
	closedir(dp);
	return n;
}

static bool same_node(const char *path, const struct blkdev *d)
{
	struct stat st;

	return strncmp(path, "/dev/", 5) == 0 && stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
	       major(st.st_rdev) == d->major && minor(st.st_rdev) == d->minor;
}

const struct blkdev *blkdev_find(const struct blkdev *list, int n, const struct rootspec *rs)
{
	for (int i = 0; i < n; i++) {
		const struct blkdev *d = &list[i];
		const char *v = NULL;

		switch (rs->kind) {
		case ROOT_UUID: v = d->uuid; break;
		case ROOT_LABEL: v = d->label; break;
		case ROOT_PARTUUID: v = d->partuuid; break;
		case ROOT_PARTLABEL: v = d->partlabel; break;
		case ROOT_DEVNUM:
			if (d->major == rs->major && d->minor == rs->minor)
				return d;
			continue;
		case ROOT_PATH:
			/* /dev/mapper/NAME, /dev/VG/LV: nodes and links lvm and libdevmapper
			 * made for what the kernel calls dm-N; the same device number */
			if (!rootspec_match(rs, d->path) && same_node(rs->value, d))
				return d;
			v = d->path;
			break;
		case ROOT_NONE: return NULL;
		}
		if (rootspec_match(rs, v))
			return d;
	}
	return NULL;
}

/* " KEY=value" for a value from the disk, escaped whole (at most 128 bytes: 4 each). */
static void add_tag(struct strbuf *sb, const char *key, const char *value)
{
	char esc[ESCAPE_SIZE(128)];

	if (value[0])
		strbuf_addf(sb, " %s=%s", key, escape_str(value, esc, sizeof(esc)));
}

int blkdev_format(const struct blkdev *d, char *out, size_t size)
{
	char type[ESCAPE_SIZE(sizeof(d->type))];
	struct strbuf sb;

	strbuf_init(&sb, out, size);
	strbuf_addf(&sb, "%s %u:%u %s", d->path, d->major, d->minor,
		    d->type[0] ? escape_str(d->type, type, sizeof(type)) : "(nothing recognised)");
	add_tag(&sb, "UUID", d->uuid);
	add_tag(&sb, "LABEL", d->label);
	add_tag(&sb, "PARTUUID", d->partuuid);
	add_tag(&sb, "PARTLABEL", d->partlabel);
	return strbuf_finish(&sb);
}

void blkdev_describe(const struct blkdev *list, int n, char *out, size_t outsz)
{
	size_t off = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (n == 0) {
		snprintf(out, outsz, "no block devices at all (is the storage driver in the image?)");
		return;
	}
	for (int i = 0; i < n; i++) {
		size_t sep = i ? 2 : 0;
		int k = outsz - off > sep ? blkdev_format(&list[i], out + off + sep, outsz - off - sep)
					  : -ENAMETOOLONG;

		if (k < 0) {
			/* marked as cut, never silently */
			out[off] = '\0';
			snprintf(out + off, outsz - off, "%s...", sep ? "; " : "");
			return;
		}
		if (sep)
			memcpy(out + off, "; ", 2);
		off += sep + (size_t)k;
	}
}
