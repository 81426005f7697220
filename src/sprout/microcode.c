/* microcode: the early microcode archive. See microcode.h. */
#include "microcode.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errmsg.h"
#include "base/readfile.h"
#include "cpio.h"
#include "cpuinfo.h"

#define EARLY_DIR "kernel/x86/microcode"

struct vendor {
	const char *cpio_name;   /* under EARLY_DIR */
	const char *dir;         /* under the firmware dir */
	enum cpuinfo_vendor id;
	bool (*match)(const char *name);
};

static bool hex2(const char *s)
{
	for (int i = 0; i < 2; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* intel-ucode/FF-MM-SS */
static bool intel_file(const char *n)
{
	return strlen(n) == 8 && hex2(n) && n[2] == '-' && hex2(n + 3) && n[5] == '-' &&
	       hex2(n + 6);
}

/* amd-ucode/microcode_amd.bin, microcode_amd_famXXh.bin (not the .asc signatures) */
static bool amd_file(const char *n)
{
	size_t l = strlen(n);

	return !strncmp(n, "microcode_amd", 13) && l >= 17 && !strcmp(n + l - 4, ".bin");
}

/* Sorted by cpio name, as the archive is. */
static const struct vendor vendors[] = {
	{ "AuthenticAMD.bin", "amd-ucode", CPUINFO_AMD, amd_file },
	{ "GenuineIntel.bin", "intel-ucode", CPUINFO_INTEL, intel_file },
};

struct blob {
	uint8_t *p;
	size_t len, cap;
	size_t files;
};

static int blob_add_file(struct blob *b, const char *path, char *err, size_t errsz)
{
	char *data;
	size_t n;
	int r = readfile_at(AT_FDCWD, path, MICROCODE_MAX_BYTES, &data, &n);

	if (r < 0)
		return errmsg(err, errsz, r, "microcode %s: %s", path, strerror(-r));
	if (b->len + n > MICROCODE_MAX_BYTES) {
		free(data);
		return errmsg(err, errsz, -EFBIG, "microcode %s: more than %zu MiB of microcode",
			      path, MICROCODE_MAX_BYTES >> 20);
	}
	r = array_grow((void **)&b->p, &b->cap, b->len + n, 1, MICROCODE_MAX_BYTES);
	if (r == 0) {
		memcpy(b->p + b->len, data, n);
		b->len += n;
		b->files++;
	}
	free(data);
	return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every matching file of dir, in name order. A missing dir holds none. */
static int collect_all(const struct vendor *v, const char *dir, struct blob *b, char *err,
		       size_t errsz)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, by_name), r = 0;

	if (n < 0)
		return errno == ENOENT ? 0 : errmsg(err, errsz, -errno, "microcode directory "
						    "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		char path[4096];

		if (r == 0 && v->match(names[i]->d_name)) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >=
			    sizeof(path))
				r = errmsg(err, errsz, -ENAMETOOLONG, "%s: path too long", dir);
			else if (b->files == MICROCODE_MAX_FILES)
				r = errmsg(err, errsz, -E2BIG, "%s: more than %d microcode files",
					   dir, MICROCODE_MAX_FILES);
			else
				r = blob_add_file(b, path, err, errsz);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

/* This CPU's signature; a CPU without an x86 one (another architecture) gets no
 * microcode and a note, not an error: host-only builds there must work. */
static int host_cpu(const struct microcode_opts *o, struct cpuinfo *ci,
		    struct microcode_report *rep, char *err, size_t errsz)
{
	const char *path = o->cpuinfo ? o->cpuinfo : "/proc/cpuinfo";
	char *buf;
	size_t len;
	int r = readfile_at(AT_FDCWD, path, CPUINFO_MAX, &buf, &len);

	if (r < 0)
		return errmsg(err, errsz, r, "--host-only: %s: %s (expected the CPU's "
			      "description, for its microcode)", path, strerror(-r));
	r = cpuinfo_parse(buf, len, ci);
	free(buf);
	if (r < 0) {
		ci->vendor = CPUINFO_OTHER;
		snprintf(rep->note, sizeof(rep->note), "no microcode: %.300s has no %s (vendor_id "
			 "and cpu family lines of an x86 CPU)", path,
			 r == -ENOENT ? "x86 CPU signature" : "readable CPU signature");
	}
	return 0;
}

/* The file of this CPU, when its vendor is v and the file is there. */
static int collect_host(const struct vendor *v, const struct cpuinfo *ci, const char *fwdir,
			struct blob *b, struct microcode_report *rep, char *err, size_t errsz)
{
	char rel[128], path[4096];

	if (ci->vendor != v->id || cpuinfo_microcode_file(ci, rel, sizeof(rel)) < 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", fwdir, rel) >= sizeof(path))
		return errmsg(err, errsz, -ENAMETOOLONG, "%s: path too long", fwdir);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		snprintf(rep->note, sizeof(rep->note), "no microcode for this CPU (family 0x%02x "
			 "model 0x%02x stepping 0x%02x): %.300s is not there (install %s)",
			 ci->family, ci->model, ci->stepping, path,
			 ci->vendor == CPUINFO_INTEL ? "intel-microcode" : "amd64-microcode");
		return 0;
	}
	return blob_add_file(b, path, err, errsz);
}

static int archive_add(struct cpio_buf *cb, const char *name, uint32_t mode, uint32_t mtime,
		       const uint8_t *data, size_t size)
{
	struct cpio_entry e = { .name = name, .mode = mode, .nlink = (mode & 040000) ? 2 : 1,
				.mtime = mtime, .data = data, .size = size };

	return cpio_write_entry(cb, &e);
}

/* The archive of the vendors' blobs (dirs, then each file with 16-aligned data). */
static int make_archive(const struct blob *blobs, uint32_t mtime, struct cpio_buf *cb)
{
	static const char *const dirs[] = { "kernel", "kernel/x86", EARLY_DIR };
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++)
		r = archive_add(cb, dirs[i], 040755, mtime, NULL, 0);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(vendors); i++) {
		char name[64];

		if (!blobs[i].files)
			continue;
		snprintf(name, sizeof(name), EARLY_DIR "/%s", vendors[i].cpio_name);
		r = cpio_pad_for_data(cb, name, 16);
		if (r == 0)
			r = archive_add(cb, name, 0100644, mtime, blobs[i].p, blobs[i].len);
	}
	return r == 0 ? cpio_write_trailer(cb) : r;
}

static int join(const struct cpio_buf *cb, uint8_t **img, size_t *len)
{
	uint8_t *p = malloc(cb->len + *len);

	if (!p)
		return -ENOMEM;
	memcpy(p, cb->data, cb->len);
	memcpy(p + cb->len, *img, *len);
	free(*img);
	*img = p;
	*len += cb->len;
	return 0;
}

int microcode_prepend(const struct microcode_opts *o, uint8_t **img, size_t *len,
		      struct microcode_report *rep, char *err, size_t errsz)
{
	const char *fwdir = o->firmware_dir ? o->firmware_dir : "/lib/firmware";
	struct blob blobs[ARRAY_SIZE(vendors)] = { { 0 } };
	struct cpuinfo ci = { 0 };
	struct cpio_buf cb;
	int r = 0;

	memset(rep, 0, sizeof(*rep));
	if (o->host_only)
		r = host_cpu(o, &ci, rep, err, errsz);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(vendors); i++) {
		char dir[4096];

		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", fwdir, vendors[i].dir) >=
		    sizeof(dir))
			r = errmsg(err, errsz, -ENAMETOOLONG, "%s: path too long", fwdir);
		else if (o->host_only)
			r = collect_host(&vendors[i], &ci, fwdir, &blobs[i], rep, err, errsz);
		else
			r = collect_all(&vendors[i], dir, &blobs[i], err, errsz);
		rep->files += blobs[i].files;
		if (blobs[i].files)
			snprintf(rep->vendors + strlen(rep->vendors),
				 sizeof(rep->vendors) - strlen(rep->vendors), "%s%.12s",
				 rep->vendors[0] ? " " : "", vendors[i].cpio_name);
	}
	cpio_buf_init(&cb);
	if (r == 0 && rep->files) {
		r = make_archive(blobs, o->mtime, &cb);
		if (r == 0)
			r = join(&cb, img, len);
		if (r < 0)
			errmsg(err, errsz, r, "the early microcode archive: %s", strerror(-r));
		else
			rep->bytes = cb.len;
	}
	cpio_buf_free(&cb);
	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++)
		free(blobs[i].p);
	return r;
}
