/* resume: resume from hibernation. The device resume= names is waited for (bounded: a
 * missing swap must not hold the boot), then its MAJ:MIN goes to /sys/power/resume
 * (resume_offset= first to /sys/power/resume_offset): with an image on it the kernel
 * restores the hibernated system and this write never returns; without one the write
 * returns and the boot goes on. Called by the storage phase after its layers are up,
 * so a swap LV on LUKS on RAID is there, and before anything is mounted or checked:
 * resuming after a filesystem was mounted read-write (or an ext4 journal replayed, as
 * even a read-only mount does) would corrupt it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "blkdev.h"
#include "boot.h"
#include "devwait.h"
#include "log.h"
#include "rootspec.h"
#include "storage.h"
#include "swaphdr.h"

#define SYS_RESUME "/sys/power/resume"
#define SYS_RESUME_OFFSET "/sys/power/resume_offset"

/* What is on the device at the resume offset, for the log only (the kernel decides). */
static enum swaphdr_kind peek(const char *path, uint64_t offset, char *sig, size_t sigsz)
{
	long page = sysconf(_SC_PAGESIZE);
	enum swaphdr_kind kind = SWAPHDR_NONE;
	struct swaphdr h;
	uint8_t *buf;
	int fd;

	sig[0] = '\0';
	if (page < SWAPHDR_MIN_PAGE || page > SWAPHDR_MAX_PAGE || offset > INT64_MAX / (uint64_t)page)
		return SWAPHDR_NONE;
	buf = malloc((size_t)page);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (buf && fd >= 0 &&
	    pread(fd, buf, (size_t)page, (off_t)(offset * (uint64_t)page)) == (ssize_t)page &&
	    swaphdr_parse(buf, (size_t)page, (size_t)page, &h) == 0) {
		kind = h.kind;
		snprintf(sig, sigsz, "%s", h.sig);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return kind;
}

/* Writes text to a file of /sys/power; 0 or -errno. */
static int put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);
	ssize_t w;
	int r = 0;

	if (fd < 0)
		return -errno;
	w = write(fd, text, n);
	if (w < 0)
		r = -errno;
	else if ((size_t)w != n)
		r = -EIO;
	close(fd);
	return r;
}

static double since(uint64_t start_ms)
{
	return (double)(monoclock_ms() - start_ms) / 1000.0;
}

/* Hands the device to the kernel; returns only when it did not resume. */
static void hand_over(struct boot *b, const struct blkdev *d, uint64_t start)
{
	char num[32], esc[ESCAPE_SIZE(64)], sig[16];
	const struct config *c = &b->cfg;
	uint64_t off = c->resume_offset_set ? c->resume_offset : 0;
	enum swaphdr_kind kind = peek(d->path, off, sig, sizeof(sig));
	int r = 0;

	escape_str(c->resume, esc, sizeof(esc));
	if (c->resume_offset_set) {
		snprintf(num, sizeof(num), "%" PRIu64, c->resume_offset);
		r = put(SYS_RESUME_OFFSET, num);
		if (r < 0) {
			log_err("resume: writing resume_offset=%s to %s failed: %s; booting without "
				"resume", num, SYS_RESUME_OFFSET, strerror(-r));
			return;
		}
	}
	log_info("resume: resume=%s is %s (%u:%u)%s%s, found after %.2f s: %s", esc, d->path,
		 d->major, d->minor, c->resume_offset_set ? " at resume_offset=" : "",
		 c->resume_offset_set ? num : "", since(start),
		 kind == SWAPHDR_IMAGE ? "it holds a hibernation image; the kernel restores it now"
				       : "asking the kernel whether it holds a hibernation image");
	snprintf(num, sizeof(num), "%u:%u", d->major, d->minor);
	r = put(SYS_RESUME, num);
	/* still here: nothing was restored */
	if (r < 0)
		log_err("resume: writing %s to %s failed: %s (%s); booting without resume", num,
			SYS_RESUME, strerror(-r),
			r == -ENOENT ? "this kernel has no hibernation support" : "see the kernel's "
			"PM: lines");
	else if (kind == SWAPHDR_IMAGE)
		log_warn("resume: %s holds a hibernation image (%s) but the kernel did not restore "
			 "it (see the kernel's PM: lines above); booting normally after %.2f s",
			 d->path, sig, since(start));
	else
		log_info("resume: no hibernation image on %s (%s); booting normally after %.2f s",
			 d->path, kind == SWAPHDR_SWAP ? "a swap area" : swaphdr_kind_name(kind),
			 since(start));
}

void resume_from_hibernation(struct boot *b)
{
	char why[CMDLINE_RESUME_WHY], esc[ESCAPE_SIZE(64)];
	uint64_t start = monoclock_ms();
	struct rootspec rs;
	struct blkdev dev;
	int r = cmdline_resume(&b->cfg, &rs, why, sizeof(why));
	int limit, t;

	if (r == CMDLINE_RESUME_NONE) {
		if (why[0])
			log_warn("resume: %s", why);
		return;
	}
	if (r == CMDLINE_RESUME_SKIP) {
		log_info("resume: %s", why);
		return;
	}
	if (r < 0) {
		log_err("resume: %s", why);
		return;
	}
	t = timeline_begin(&b->tl, "resume");
	limit = boot_resume_wait_ms(&b->cfg);
	r = devwait_blkdev_for(&b->dev, b->uevent_fd, limit, "resume", true, "resume",
			       b->cfg.resume, &rs, &dev);
	if (r < 0)
		log_warn("resume: resume=%s did not appear within %d s; booting without resume (a "
			 "hibernation image on it, if any, is not restored; sprout.resume.timeout=N "
			 "waits longer)", escape_str(b->cfg.resume, esc, sizeof(esc)),
			 limit / 1000);
	else
		hand_over(b, &dev, start);
	timeline_end(&b->tl, t);
}
