/* rootimage: a squashfs or erofs image as the root. The order is fixed so that a bad
 * image is never mounted: source up → (RAM admitted → copied) → digest compared →
 * loop attached → type probed → mounted. With sprout.toram=1 the source is unmounted
 * before the root is, so the running machine needs no server.
 *
 * Digests: sprout.image.sha256= wins; else PATH.sha256 beside the image (sha256sum
 * format); with neither the image is used unverified, with a warning (an operator who
 * wants every boot checked publishes the .sha256 file: `sprout image build` writes
 * it). Without toram the file is read twice (once to hash, once by the loop device); a
 * file changed between the two on the server is not caught: use toram for that. */
#include "rootimage.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "base/readfile.h"
#include "base/sha256.h"
#include "base/writeall.h"
#include "blkdev.h"
#include "httpget.h"
#include "imagespec.h"
#include "ipcfg.h"
#include "log.h"
#include "nfsroot.h"
#include "size.h"

#define RAM_FILE ROOTIMAGE_RAM "/root.img"
#define PROGRESS_MIN (32ull << 20) /* smaller images get no progress line */
/* Read and copied in pieces of 64 KiB: the kernel reads ahead for larger ones anyway, and
 * a static buffer is resident in PID 1 for the whole boot (1 MiB of a 3.4 MB peak). */
#define COPY_BUF (64u << 10)

struct img {
	struct imagespec spec;
	char file[PATH_MAX];           /* the image where the source shows it */
	char shown[ESCAPE_SIZE(256)];  /* sprout.image= escaped, for messages */
	uint64_t size, transferred;
	bool toram, src_mounted, ram_mounted;
	bool have_want, verified;
	const char *want_from;         /* "sprout.image.sha256=" or "PATH.sha256" */
	uint8_t want[SHA256_LEN], got[SHA256_LEN];
	uint64_t keep_free, avail;
	char server[96];
	char loopdev[32], type[32];
	int progress_step;             /* last 10 % step shown, -1 none */
	const char *verb;              /* "copying to RAM", "checking" */
};

bool rootimage_wanted(const struct boot *b)
{
	return b->cfg.image[0] != '\0';
}

/* ---- the console's progress line --------------------------------------------------- */

static void progress(uint64_t done, uint64_t size, void *arg)
{
	struct img *im = arg;
	char line[128];
	int step, k;

	if (size < PROGRESS_MIN)
		return;
	step = (int)(done * 10 / size);
	if (step == im->progress_step)
		return;
	im->progress_step = step;
	k = snprintf(line, sizeof(line), "\rsprout: image: %s: %3d %% of %" PRIu64 " MiB%s", im->verb,
		     step * 10, size >> 20, done == size ? "\n" : "");
	if (write(STDERR_FILENO, line, (size_t)k) < 0) { /* the console; nothing to do if gone */
	}
}

/* ---- the source -------------------------------------------------------------------- */

static int mount_source(struct boot *b, struct img *im)
{
	struct blkdev dev;
	char et[ESCAPE_SIZE(sizeof(dev.type))];
	int rc;

	mkdir(ROOTIMAGE_SRC, 0755);
	if (im->spec.kind == IMAGE_NFS) {
		if (!nfsroot_wanted(b)) {
			log_err("root: sprout.image=%s is a file in the NFS root's export, but no export is named: "
				"add root=nfs:SERVER:/EXPORT (or nfsroot=, or DHCP's root-path), or write "
				"sprout.image=DEVSPEC:/PATH for a local disk", im->shown);
			return -EINVAL;
		}
		if ((rc = nfsroot_mount_at(b, ROOTIMAGE_SRC)) < 0)
			return rc;
		char *s = NULL;
		size_t n;
		if (readfile_at(AT_FDCWD, STATE_DIR "/nfs-server", 64, &s, &n) == 0) {
			snprintf(im->server, sizeof(im->server), "%.*s", (int)strcspn(s, "\n"), s);
			free(s);
		}
	} else {
		rc = boot_find_device(b, "sprout.image", im->spec.dev_text, &im->spec.dev, &dev);
		if (rc < 0)
			return rc;
		if (!dev.type[0]) {
			log_err("root: %s holds no filesystem libblkid knows; sprout.image=%s needs the "
				"image on a filesystem", dev.path, im->shown);
			return -EINVAL;
		}
		if ((rc = boot_ensure_fs(b, dev.type)) < 0)
			return rc;
		escape_str(dev.type, et, sizeof(et)); /* read from the disk */
		if (mount(dev.path, ROOTIMAGE_SRC, dev.type, MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0) {
			rc = -errno;
			log_err("root: mounting %s (%s) read-only for the image failed: %s", dev.path, et,
				strerror(-rc));
			return rc;
		}
		log_info("root: %s (%s) mounted read-only on %s for the image", dev.path, et, ROOTIMAGE_SRC);
		snprintf(im->server, sizeof(im->server), "%s", dev.path);
	}
	im->src_mounted = true;
	return 0;
}

static void unmount_source(struct img *im)
{
	if (!im->src_mounted)
		return;
	if (umount(ROOTIMAGE_SRC) < 0) {
		log_warn("root: unmounting the image's source %s: %m; detaching it", ROOTIMAGE_SRC);
		umount2(ROOTIMAGE_SRC, MNT_DETACH);
	}
	im->src_mounted = false;
}

/* ---- digests ----------------------------------------------------------------------- */

/* The expected digest: the command line's, else PATH.sha256 on the source. 0 (maybe
 * none: have_want false), or -EINVAL for a .sha256 file that holds no digest. */
static int find_want(struct boot *b, struct img *im)
{
	char path[PATH_MAX + 8], *txt = NULL;
	size_t n;
	int rc;

	if (b->cfg.image_sha256[0]) {
		sha256_parse_hex(b->cfg.image_sha256, 64, im->want); /* checked by cmdline.c */
		im->have_want = true;
		im->want_from = "sprout.image.sha256=";
		return 0;
	}
	if (im->spec.kind == IMAGE_HTTP)
		return 0; /* httpget takes each server's PATH.sha256 */
	snprintf(path, sizeof(path), "%s.sha256", im->file);
	rc = readfile_at(AT_FDCWD, path, 4096, &txt, &n);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		rc = sha256_parse_hex(txt, n, im->want);
	free(txt);
	if (rc < 0) {
		log_err("root: %s.sha256 holds no SHA-256 digest (expected `sha256sum` output): %s", im->shown,
			strerror(-rc));
		return -EINVAL;
	}
	im->have_want = true;
	im->want_from = "PATH.sha256 beside the image";
	return 0;
}

/* 0 when the image's digest is the expected one (or there is none to compare). */
static int check_digest(struct img *im)
{
	char want[SHA256_HEX_LEN], got[SHA256_HEX_LEN];

	sha256_hex(im->got, got);
	if (!im->have_want) {
		log_warn("root: image %s is UNVERIFIED: no sprout.image.sha256= and no .sha256 file beside it "
			 "(its sha256 is %s)", im->shown, got);
		return 0;
	}
	sha256_hex(im->want, want);
	if (memcmp(im->want, im->got, SHA256_LEN) != 0) {
		log_err("root: image %s is corrupt or not the one expected: its sha256 is %s, but %s says %s; "
			"not mounted", im->shown, got, im->want_from, want);
		return -EBADMSG;
	}
	im->verified = true;
	log_info("root: image %s verified: sha256 %s (from %s)", im->shown, got, im->want_from);
	return 0;
}

/* ---- RAM --------------------------------------------------------------------------- */

static int ram_budget(struct boot *b, struct img *im)
{
	const char *min = b->cfg.toram_min[0] ? b->cfg.toram_min : ROOTIMAGE_TORAM_MIN_DEFAULT;
	struct size_spec sz;
	uint64_t total = 0;
	char *txt = NULL;
	size_t n;
	int rc = readfile_at(AT_FDCWD, "/proc/meminfo", 65536, &txt, &n);

	if (rc == 0)
		rc = imagespec_meminfo(txt, n, &im->avail, &total);
	free(txt);
	if (rc < 0) {
		log_err("root: cannot read MemAvailable from /proc/meminfo: %s", strerror(-rc));
		return rc;
	}
	if (size_parse(min, strlen(min), &sz) < 0 || size_resolve(&sz, total, &im->keep_free) < 0)
		return -EINVAL; /* checked by cmdline.c */
	return 0;
}

/* httpget's admit, and the file copy's: refuse before the first byte when the copy
 * would leave less than sprout.toram.min= free; else size the tmpfs to the image. */
static int admit(uint64_t size, void *arg)
{
	struct img *im = arg;
	char data[64];

	im->size = size;
	if (size == 0) /* a chunked HTTP body: not known before the end; the tmpfs keeps its default limit */
		return 0;
	if (imagespec_toram_fits(size, im->avail, im->keep_free) < 0) {
		log_err("root: image %s is %" PRIu64 " MiB, MemAvailable is %" PRIu64 " MiB, and sprout.toram.min= "
			"keeps %" PRIu64 " MiB free: not enough RAM to copy it (nothing copied). Give the machine "
			"more RAM, lower sprout.toram.min=, or boot with sprout.toram=0", im->shown,
			(size + (1 << 20) - 1) >> 20, im->avail >> 20, im->keep_free >> 20);
		return -ENOMEM;
	}
	snprintf(data, sizeof(data), "size=%" PRIu64 ",mode=0700", (size + 4095) / 4096 * 4096 + 4096);
	if (mount(NULL, ROOTIMAGE_RAM, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, data) < 0) {
		log_err("root: sizing the RAM copy's tmpfs (%s) failed: %m", data);
		return -errno;
	}
	return 0;
}

static int mount_ram(struct img *im)
{
	mkdir(ROOTIMAGE_RAM, 0700);
	if (mount("sprout-image", ROOTIMAGE_RAM, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) {
		log_err("root: tmpfs for the image's RAM copy failed: %m");
		return -errno;
	}
	im->ram_mounted = true;
	return 0;
}

static void unmount_ram(struct img *im)
{
	if (im->ram_mounted && umount2(ROOTIMAGE_RAM, MNT_DETACH) == 0)
		im->ram_mounted = false;
}

/* Reads src to its end, hashing, writing to dst when dst >= 0. */
static int stream(struct img *im, int src, int dst)
{
	static uint8_t buf[COPY_BUF];
	struct sha256 h;
	uint64_t done = 0;

	sha256_init(&h);
	im->progress_step = -1;
	for (;;) {
		ssize_t k = read(src, buf, sizeof(buf));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			log_err("root: reading image %s failed at byte %" PRIu64 ": %m", im->shown, done);
			return -errno;
		}
		if (k == 0)
			break;
		sha256_update(&h, buf, (size_t)k);
		if (dst >= 0) {
			int r = write_all(dst, buf, (size_t)k);

			if (r < 0) {
				log_err("root: copying image %s to RAM failed in bytes %" PRIu64 "-%" PRIu64 ": %s",
					im->shown, done, done + (uint64_t)k, strerror(-r));
				return r;
			}
		}
		done += (uint64_t)k;
		progress(done < im->size ? done : im->size, im->size, im);
	}
	if (done != im->size) {
		log_err("root: image %s changed size while read (%" PRIu64 " bytes, then %" PRIu64 ")", im->shown,
			im->size, done);
		return -EIO;
	}
	im->transferred += done;
	sha256_final(&h, im->got);
	return 0;
}

/* ---- getting the bytes: an fd on the image, checked ----------------------------------- */

static int open_file(struct img *im)
{
	struct stat st;
	int fd = open(im->file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_err("root: image %s: cannot open it: %m", im->shown);
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_err("root: image %s is not a regular file", im->shown);
		close(fd);
		return -EINVAL;
	}
	im->size = (uint64_t)st.st_size;
	return fd;
}

/* The image from the mounted source into RAM. The fd of the copy, or -errno. */
static int file_to_ram(struct img *im)
{
	int src = open_file(im), dst, rc;

	if (src < 0)
		return src;
	rc = admit(im->size, im);
	dst = rc < 0 ? rc : open(RAM_FILE, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dst < 0) {
		if (rc == 0)
			log_err("root: creating %s: %m", RAM_FILE);
		close(src);
		return rc < 0 ? rc : -errno;
	}
	im->verb = "copying to RAM";
	log_info("root: copying image %s (%" PRIu64 " bytes) to RAM", im->shown, im->size);
	rc = stream(im, src, dst);
	close(src);
	if (rc < 0) {
		close(dst);
		return rc;
	}
	return dst;
}

static int http_to_ram(struct boot *b, struct img *im)
{
	struct httpget_sink sink = { .admit = admit, .progress = progress, .arg = im };
	struct httpget_result res;
	char a[IPCFG_IPV4_LEN];
	int rc;

	sink.fd = open(RAM_FILE, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (sink.fd < 0) {
		log_err("root: creating %s: %m", RAM_FILE);
		return -errno;
	}
	im->verb = "fetching to RAM";
	im->progress_step = -1;
	rc = httpget_image(b, b->cfg.image, im->have_want ? im->want : NULL, &sink, &res);
	if (rc < 0) {
		close(sink.fd);
		return rc;
	}
	im->size = res.size;
	im->transferred = res.transferred;
	memcpy(im->got, res.sha256, SHA256_LEN);
	if (!im->have_want && res.verified) {
		memcpy(im->want, res.sha256, SHA256_LEN); /* httpget compared it with the server's */
		im->have_want = true;
		im->want_from = "the server's PATH.sha256";
	}
	snprintf(im->server, sizeof(im->server), "%s", ipcfg_format_ipv4(res.server, a));
	return sink.fd;
}

/* An fd on the image's bytes, verified, wherever they now are. */
static int get_image(struct boot *b, struct img *im)
{
	int fd, rc;

	if (im->spec.kind != IMAGE_HTTP) {
		if ((rc = mount_source(b, im)) < 0)
			return rc;
		snprintf(im->file, sizeof(im->file), "%s%s", ROOTIMAGE_SRC, im->spec.path);
	}
	if ((rc = find_want(b, im)) < 0)
		return rc;
	if (im->toram) {
		if ((rc = ram_budget(b, im)) < 0 || (rc = mount_ram(im)) < 0)
			return rc;
		fd = im->spec.kind == IMAGE_HTTP ? http_to_ram(b, im) : file_to_ram(im);
		if (fd < 0)
			return fd;
		unmount_source(im); /* from here on no server is needed */
	} else {
		if ((fd = open_file(im)) < 0)
			return fd;
		im->verb = "checking";
		if (im->have_want && (rc = stream(im, fd, -1)) < 0) {
			close(fd);
			return rc;
		}
		if (!im->have_want)
			memset(im->got, 0, sizeof(im->got));
	}
	if (im->have_want || im->toram) {
		if ((rc = check_digest(im)) < 0) {
			close(fd);
			return rc;
		}
	} else {
		log_warn("root: image %s is UNVERIFIED: no sprout.image.sha256= and no .sha256 file beside it",
			 im->shown);
	}
	return fd;
}

/* ---- loop device, type, mount -------------------------------------------------------- */

static int loop_open(struct boot *b, struct img *im, int *ctl_out)
{
	int rc = modload_module_for(&b->ml, "loop", "sprout.image=");
	int ctl, n, fd;

	if (rc < 0 && rc != -ENOENT)
		return rc;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		log_err("root: no /dev/loop-control (%m): the kernel has no loop driver and the image has "
			"no loop module; rebuild with --add-modules loop");
		return -errno;
	}
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	if (n < 0) {
		log_err("root: no free loop device: %m");
		close(ctl);
		return -errno;
	}
	snprintf(im->loopdev, sizeof(im->loopdev), "/dev/loop%d", n);
	fd = open(im->loopdev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && mknod(im->loopdev, S_IFBLK | 0600, makedev(7, (unsigned)n)) == 0)
		fd = open(im->loopdev, O_RDONLY | O_CLOEXEC); /* devtmpfs had not made it yet */
	if (fd < 0) {
		log_err("root: opening %s: %m", im->loopdev);
		close(ctl);
		return -errno;
	}
	*ctl_out = ctl;
	return fd;
}

/* Attaches file (read-only, freed with its last user) to a free loop device. */
static int loop_attach(struct boot *b, struct img *im, int file)
{
	struct loop_config lc = { .fd = (uint32_t)file };
	int ctl = -1, fd = -1, rc = 0;

	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	/* the kernel shows the name (losetup); a long path is shown by its end */
	size_t pl = strlen(im->spec.path), keep = sizeof(lc.info.lo_file_name) - 1;
	memcpy(lc.info.lo_file_name, im->spec.path + (pl > keep ? pl - keep : 0), pl > keep ? keep : pl);
	for (int tries = 0; tries < 8; tries++) { /* another process may take the free one */
		if ((fd = loop_open(b, im, &ctl)) < 0)
			return fd;
		close(ctl);
		if (ioctl(fd, LOOP_CONFIGURE, &lc) == 0)
			break;
		rc = -errno;
		if (rc == -EINVAL || rc == -ENOTTY) { /* before Linux 5.8 */
			rc = ioctl(fd, LOOP_SET_FD, file) < 0 ? -errno : 0;
			if (rc == 0 && ioctl(fd, LOOP_SET_STATUS64, &lc.info) < 0) {
				rc = -errno;
				ioctl(fd, LOOP_CLR_FD, 0);
			}
			if (rc == 0)
				break;
		}
		close(fd);
		fd = -1;
		if (rc != -EBUSY)
			break;
	}
	if (fd < 0) {
		log_err("root: attaching image %s to a loop device failed: %s", im->shown, strerror(-rc));
		return rc;
	}
	log_info("root: image %s on %s", im->shown, im->loopdev);
	return fd;
}

static int mount_image(struct boot *b, struct img *im)
{
	struct blkdev d;
	int rc = blkdev_probe(im->loopdev, &d);
	char et[ESCAPE_SIZE(sizeof(d.type))];

	if (rc < 0) {
		log_err("root: probing %s (image %s): %s", im->loopdev, im->shown, strerror(-rc));
		return rc;
	}
	if (strcmp(d.type, "squashfs") != 0 && strcmp(d.type, "erofs") != 0) {
		log_err("root: image %s is %s%s: a root image must be squashfs or erofs (sprout image build "
			"makes either)", im->shown, d.type[0] ? "" : "no filesystem libblkid knows",
			escape_str(d.type, et, sizeof(et)));
		return -EMEDIUMTYPE;
	}
	snprintf(im->type, sizeof(im->type), "%s", d.type);
	if ((rc = boot_ensure_fs(b, d.type)) < 0)
		return rc;
	mkdir(SYSROOT, 0755);
	if (mount(im->loopdev, SYSROOT, d.type, MS_RDONLY, NULL) < 0) {
		rc = -errno;
		log_err("root: mounting image %s (%s on %s) on %s failed: %s", im->shown, d.type, im->loopdev,
			SYSROOT, strerror(-rc));
		return rc;
	}
	snprintf(b->root_dev, sizeof(b->root_dev), "%s", im->loopdev);
	snprintf(b->root_type, sizeof(b->root_type), "%s", d.type);
	return 0;
}

/* ---- the record -------------------------------------------------------------------- */

static void record(const struct img *im, uint64_t t0, int rc)
{
	char hex[SHA256_HEX_LEN] = "", bytes[24], size[24];
	FILE *f;

	if (im->verified || im->have_want)
		sha256_hex(im->got, hex);
	snprintf(bytes, sizeof(bytes), "%" PRIu64, im->transferred);
	snprintf(size, sizeof(size), "%" PRIu64, im->size);
	timeline_event("image", im->spec.kind == IMAGE_HTTP ? "http" : im->spec.path, t0, rc == 0 ? "ok" : "fail",
		       "source", im->spec.kind == IMAGE_NFS ? "nfs" : im->spec.kind == IMAGE_HTTP ? "http" : "local",
		       "server", im->server[0] ? im->server : NULL, "bytes", bytes, "size", size, "type",
		       im->type[0] ? im->type : NULL, "toram", im->toram ? "1" : "0", "verified",
		       im->verified ? "1" : "0", TL_END);
	if (rc < 0 || !(f = fopen(ROOTIMAGE_STATE, "we")))
		return;
	fprintf(f, "source=%s\nimage=%s\nserver=%s\nsize=%s\nbytes=%s\ntype=%s\ntoram=%d\nverified=%d\nsha256=%s\n",
		im->spec.kind == IMAGE_NFS ? "nfs" : im->spec.kind == IMAGE_HTTP ? "http" : "local", im->shown,
		im->server, size, bytes, im->type, im->toram, im->verified, hex);
	fclose(f);
}

int rootimage_mount(struct boot *b)
{
	static struct img im;
	char err[IMAGESPEC_ERR_LEN];
	uint64_t t0 = timeline_now();
	int fd, loop = -1, rc;

	memset(&im, 0, sizeof(im));
	escape_str(b->cfg.image, im.shown, sizeof(im.shown));
	if (imagespec_parse(b->cfg.image, strlen(b->cfg.image), &im.spec, err, sizeof(err)) < 0) {
		log_err("root: %s", err);
		return -EINVAL;
	}
	im.toram = b->cfg.toram || im.spec.kind == IMAGE_HTTP;
	if (im.spec.kind == IMAGE_HTTP && b->cfg.toram_set && !b->cfg.toram)
		log_info("root: sprout.toram=0 does not apply to an HTTP image: it is always copied to RAM");
	log_info("root: root image %s (%s%s)", im.shown, imagespec_kind_name(im.spec.kind),
		 im.toram ? ", copied to RAM" : "");
	fd = get_image(b, &im);
	rc = fd < 0 ? fd : 0;
	if (rc == 0) {
		loop = loop_attach(b, &im, fd);
		close(fd); /* the loop device holds the file now */
		rc = loop < 0 ? loop : mount_image(b, &im);
		if (loop >= 0)
			close(loop); /* autoclear: the mount holds the device now */
	}
	if (rc < 0) {
		unmount_ram(&im);
		unmount_source(&im);
	} else {
		log_info("root: mounted image %s (%s, %" PRIu64 " bytes%s) on %s read-only%s", im.shown, im.type,
			 im.size, im.verified ? ", verified" : ", unverified", SYSROOT,
			 im.toram ? "; it is in RAM, the machine needs no server from here on" : "");
		if (!b->cfg.overlay[0]) {
			snprintf(b->cfg.overlay, sizeof(b->cfg.overlay), "tmpfs");
			log_info("root: the image is read-only: a RAM layer goes on top "
				 "(sprout.overlay=tmpfs; set sprout.overlay= to choose another)");
		}
	}
	record(&im, t0, rc);
	return rc;
}
