/* storage: the layers between the disks and the root — md RAID arrays, LUKS volumes,
 * LVM volume groups — brought up with the image's mdadm, cryptsetup and lvm as their
 * members appear. Event-driven: storage_step looks at the block devices there are and
 * handles each new member once; the device that a layer makes (md127, dm-0) comes back
 * as a new block device on the next step. The storage phase steps until nothing new
 * happens; the root wait (devwait) steps on every scan, so layers whose disks come
 * late are still assembled, and a RAID1 missing a member is started degraded after a
 * bounded wait. What rd.luks*, rd.md*, rd.lvm* ask for is brought up; without them,
 * everything found (dracut's meaning). */
#ifndef SPROUT_STORAGE_H
#define SPROUT_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORAGE_MAX_SEEN 256      /* members handled, remembered so each is handled once */
#define STORAGE_MD_WAIT_MS 10000  /* a RAID missing a member waits this long, then runs degraded */
#define STORAGE_TOOL_MS 60000     /* longest an mdadm / lvm run may take */
#define STORAGE_CRYPT_MS 300000   /* cryptsetup open: a slow key derivation on a slow CPU */
#define STORAGE_OUT 4096          /* a tool's output kept for the log */

#define STORAGE_MDADM "/sbin/mdadm"
#define STORAGE_CRYPTSETUP "/sbin/cryptsetup"
#define STORAGE_LVM "/sbin/lvm"

struct storage_seen {
	unsigned major, minor;
	char type[32];
};

struct storage {
	struct storage_seen seen[STORAGE_MAX_SEEN];
	int nseen;
	uint64_t md_pending_ms;   /* when a member of an array not yet running came; 0: none */
	int md_wait_ms;
	unsigned tools_missing;   /* bit per tool already said to be missing */
	bool md_modules, dm_modules, crypt_modules, crypt_modules_hw;
	bool said_keydev;         /* "waiting for the key's device" logged */
	uint64_t keydev_since_ms; /* when that wait began (monoclock_ms), 0: not waiting */
};

struct boot;
struct blkdev;

/* Sets st up for this boot (md_wait_ms from rd.timeout). */
void storage_init(struct storage *st, int root_wait_ms);

/* One look at the block devices list[0..n): every new RAID member, LUKS volume or LVM
 * PV that the command line wants is handed to its tool, once. Returns how many layers
 * it acted on (> 0: scan again, a new device may be there), 0 when nothing was new,
 * or -errno when the boot cannot go on (a LUKS volume stayed locked: wrong passphrase
 * three times), after logging why. */
int storage_step(struct boot *b, const struct blkdev *list, int n);

/* ---- for the layers (md.c, luks.c, lvm.c) ---- */

/* Runs a storage tool with the environment these tools need without udev, its output
 * captured. in/in_len: its stdin (a passphrase), or NULL. Logs the output at level
 * warn when it fails (info otherwise). The exit code (>= 0), or -errno when it did not
 * run or timed out. */
int storage_run(const char *what, const char *const argv[], const void *in, size_t in_len,
		int timeout_ms);

/* Is the tool at path in the image? When not, says once (bit: one per tool) that dev
 * `what` ("is a LUKS volume") and which `sprout build --with` option adds the tool. */
bool storage_tool(struct storage *st, const char *dev, unsigned bit, const char *path,
		  const char *with, const char *what);

/* Loads the modules of names (NULL-ended) the first time (*done), those not in the
 * image or the kernel skipped quietly: the kernel cannot ask for them itself here. */
void storage_modules(struct boot *b, bool *done, const char *const names[], const char *why);

/* md.c */
int md_member(struct boot *b, const struct blkdev *d);
/* How degraded array md is under sysfs: the members it has ("vda (slot 0)") into
 * members[msize], the slots without one ("slot 1") into missing[misize], its member
 * count into *disks. The count of missing members (0: whole), -ENOENT no such array. */
int md_degraded(const char *sysfs, const char *md, char *members, size_t msize, char *missing,
		size_t misize, int *disks);
/* Starts arrays still missing members once their wait is over, warning which are
 * degraded and which member is missing. 1 when it started something, else 0. */
int md_run_degraded(struct boot *b, const struct blkdev *list, int n);

/* luks.c: 1 opened, 0 already open, -EAGAIN not now (its key device is not there
 * yet: asked again on a later step), -errno (logged). */
int luks_volume(struct boot *b, const struct blkdev *d, const struct blkdev *list, int n);

/* lvm.c: activates what the command line asks for (or every VG); 1, or -errno. */
int lvm_member(struct boot *b, const struct blkdev *d);

/* resume.c: resume= / resume_offset= / noresume (cmdline_resume): waits for the device
 * (boot_resume_wait_ms), hands it to the kernel, which restores a hibernation image on
 * it and never returns here; without one (or without the device) the boot goes on,
 * after a log line saying what was done and how long it took. */
void resume_from_hibernation(struct boot *b);

#endif
