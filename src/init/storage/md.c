/* md: RAID members handed to mdadm --incremental; an array still missing members after
 * a bounded wait is started degraded, with a warning naming what is missing. Without
 * udev, mdadm makes the /dev/md* nodes itself (MDADM_NO_UDEV). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "base/strbuf.h"
#include "blkdev.h"
#include "boot.h"
#include "log.h"
#include "parse.h"
#include "storage.h"

#define MD_MAX_SLOTS 64 /* slots looked at in one array */

/* every personality --with md carries (the kernel cannot request one itself: no modprobe here) */
static const char *const md_modules[] = { "md_mod", "linear", "raid1", "raid0", "raid10", "raid456", NULL };

/* Reads SYSFS/block/NAME/md/ATTR (one line) into out[n]; 0 or -errno. */
static int md_attr(const char *sysfs, const char *name, const char *attr, char *out, size_t n)
{
	char path[PATH_MAX];
	ssize_t k;
	int fd;

	if (snprintf(path, sizeof(path), "%s/block/%s/md/%s", sysfs, name, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	k = read(fd, out, n - 1);
	close(fd);
	if (k < 0)
		return -errno;
	out[k] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static int md_number(const char *sysfs, const char *name, const char *attr)
{
	char buf[32];
	int v = -1;

	if (md_attr(sysfs, name, attr, buf, sizeof(buf)) < 0 || parse_int(buf, 0, 1 << 20, &v) < 0)
		return -1;
	return v;
}

/* The md array holding the block device `name` (its holders/ entry), into out[n]. */
static bool md_holder(const char *sysfs, const char *name, char *out, size_t n)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s/class/block/%s/holders", sysfs, name) >= (int)sizeof(path))
		return false;
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		if (strncmp(de->d_name, "md", 2) == 0 && strlen(de->d_name) < n) {
			snprintf(out, n, "%s", de->d_name);
			found = true;
		}
	closedir(d);
	return found;
}

/* "vda (slot 0), vdb (slot 1)" for the members md has, and a bitmap of their slots. */
static void md_members(const char *sysfs, const char *md, char *out, size_t n,
		       unsigned long long *slots)
{
	char path[PATH_MAX], slot[32];
	struct dirent *de;
	struct strbuf sb;
	DIR *d;

	*slots = 0;
	strbuf_init(&sb, out, n);
	snprintf(path, sizeof(path), "%s/block/%s/md", sysfs, md);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			char attr[300];
			int s = -1;

			if (strncmp(de->d_name, "dev-", 4) != 0)
				continue;
			snprintf(attr, sizeof(attr), "%s/slot", de->d_name);
			if (md_attr(sysfs, md, attr, slot, sizeof(slot)) == 0 &&
			    parse_int(slot, 0, MD_MAX_SLOTS - 1, &s) == 0)
				*slots |= 1ull << s;
			else
				s = -1; /* "none": a spare, or not in the array yet */
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", de->d_name + 4);
			if (s >= 0)
				strbuf_addf(&sb, " (slot %d)", s);
		}
		closedir(d);
	}
	if (strbuf_finish(&sb) < 0)
		snprintf(out, n, "...");  /* not all fit: marked, never cut in the middle */
}

int md_member(struct boot *b, const struct blkdev *d)
{
	const char *argv[] = { STORAGE_MDADM, "--incremental", d->path, NULL };
	char esc[ESCAPE_SIZE(64)], md[32], state[32] = "", members[256];
	unsigned long long slots;
	int r;

	escape_str(d->uuid, esc, sizeof(esc));
	if (!storage_tool(&b->storage, d->path, 1u << 0, STORAGE_MDADM, "md", "is an md RAID member"))
		return 0;
	storage_modules(b, &b->storage.md_modules, md_modules, "md RAID");
	log_info("storage: %s is a member of md array %s: mdadm --incremental", d->path, esc);
	r = storage_run("storage", argv, NULL, 0, STORAGE_TOOL_MS);
	if (r != 0) {
		log_warn("storage: mdadm --incremental %s failed (%s); that array may not come up",
			 d->path, r < 0 ? strerror(-r) : "see its output above");
		return 0;
	}
	if (!md_holder(b->dev.sysfs, d->name, md, sizeof(md)))
		return 1;
	md_attr(b->dev.sysfs, md, "array_state", state, sizeof(state));
	if (!strcmp(state, "inactive") || !state[0]) {
		if (!b->storage.md_pending_ms)
			b->storage.md_pending_ms = monoclock_ms();
		log_info("storage: %s (array %s) waits for its other members (up to %d s, then it "
			 "starts degraded)", md, esc, b->storage.md_wait_ms / 1000);
		return 1;
	}
	md_members(b->dev.sysfs, md, members, sizeof(members), &slots);
	log_info("storage: md array %s is up as /dev/%s (%s): %s", esc, md, state, members);
	return 1;
}

/* The array's UUID from the members of list it holds, for the warning. */
static const char *md_uuid_of(const char *sysfs, const char *md, const struct blkdev *list, int n)
{
	char holder[32];

	for (int i = 0; i < n; i++)
		if (!strcmp(list[i].type, "linux_raid_member") &&
		    md_holder(sysfs, list[i].name, holder, sizeof(holder)) && !strcmp(holder, md))
			return list[i].uuid;
	return "";
}

int md_degraded(const char *sysfs, const char *md, char *members, size_t msize, char *missing,
		size_t misize, int *disks)
{
	int degraded = md_number(sysfs, md, "degraded");
	unsigned long long slots;
	struct strbuf sb;

	*disks = md_number(sysfs, md, "raid_disks");
	if (degraded <= 0)
		return degraded < 0 ? -ENOENT : 0;
	md_members(sysfs, md, members, msize, &slots);
	strbuf_init(&sb, missing, misize);
	for (int s = 0; s < *disks && s < MD_MAX_SLOTS; s++)
		if (!(slots & (1ull << s)))
			strbuf_addf(&sb, "%sslot %d", sb.len ? ", " : "", s);
	if (strbuf_finish(&sb) <= 0)
		snprintf(missing, misize, "%d member(s)", degraded);
	return degraded;
}

static void md_warn_degraded(const char *sysfs, const char *md, const struct blkdev *list, int n)
{
	char members[256], missing[256], esc[ESCAPE_SIZE(64)];
	int disks, degraded = md_degraded(sysfs, md, members, sizeof(members), missing,
					  sizeof(missing), &disks);

	if (degraded <= 0)
		return;
	log_warn("storage: WARNING: md array %s (/dev/%s) runs DEGRADED: %d of %d members present "
		 "(%s); missing: the member in %s, which did not appear within the wait. Check "
		 "that disk; add it back with mdadm /dev/%s --add DEVICE",
		 escape_str(md_uuid_of(sysfs, md, list, n), esc, sizeof(esc)), md, disks - degraded,
		 disks, members, missing, md);
}

int md_run_degraded(struct boot *b, const struct blkdev *list, int n)
{
	struct storage *st = &b->storage;
	char state[32], node[300];
	struct dirent *de;
	int started = 0;
	DIR *d;

	if (!st->md_pending_ms || monoclock_ms() - st->md_pending_ms < (uint64_t)st->md_wait_ms)
		return 0;
	st->md_pending_ms = 0;
	snprintf(node, sizeof(node), "%s/block", b->dev.sysfs);
	d = opendir(node);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		const char *argv[] = { STORAGE_MDADM, "--run", node, NULL };

		if (strncmp(de->d_name, "md", 2) != 0 || strlen(de->d_name) > 16 ||
		    md_attr(b->dev.sysfs, de->d_name, "array_state", state, sizeof(state)) < 0 ||
		    strcmp(state, "inactive") != 0)
			continue;
		snprintf(node, sizeof(node), "/dev/%s", de->d_name);
		log_warn("storage: /dev/%s still misses members after %d s: starting it degraded "
			 "(mdadm --run)", de->d_name, st->md_wait_ms / 1000);
		if (storage_run("storage", argv, NULL, 0, STORAGE_TOOL_MS) != 0) {
			log_err("storage: /dev/%s could not be started degraded (mdadm's output above)",
				de->d_name);
			continue;
		}
		md_warn_degraded(b->dev.sysfs, de->d_name, list, n);
		started++;
	}
	closedir(d);
	return started > 0;
}
