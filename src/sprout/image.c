/* image: walking the segments of an initramfs image, listing and extracting it.
 * The segment rules are the kernel's (init/initramfs.c unpack_to_rootfs): NUL bytes
 * between segments are skipped; a '0' at a 4-aligned offset starts archives; any
 * other byte must start a compressed stream, which must hold whole archives. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/writeall.h"
#include "base/readfile.h"
#include "base/errmsg.h"
#include "compress.h"
#include "fileio.h"

#define CPIO_HDR_LEN 110  /* an entry's name follows its header */

static void err_prefix(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "PREFIX: " in front of what err already says. */
static void err_prefix(char *err, size_t errsz, const char *fmt, ...)
{
	char pre[512], old[1024];
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	snprintf(old, sizeof(old), "%s", err);
	snprintf(err, errsz, "%s: %s", pre, old);
}

/* ---- walking the segments (pure) ---------------------------------------------- */

struct walk {
	cpio_visit_fn fn;
	void *ctx;
	char *err;
	size_t errsz;
	const uint8_t *base;  /* the bytes cpio_read is reading */
	size_t seg_off;       /* where the segment starts in the image */
	int kind;             /* COMPRESS_NONE for archives stored as they are */
	size_t entries;
	size_t max_unpacked;  /* for the message when it is reached */
	image_segment_fn seg; /* told where each segment starts, or NULL */
};

static void locate(const struct walk *w, size_t off, char *buf, size_t n)
{
	if (w->kind == COMPRESS_NONE)
		snprintf(buf, n, "offset %zu", w->seg_off + off);
	else
		snprintf(buf, n, "offset %zu of the %s stream at offset %zu", off,
			 compress_name(w->kind), w->seg_off);
}

static int walk_visit(const struct cpio_entry *e, void *ctx)
{
	struct walk *w = ctx;
	char loc[128];
	int r;

	if (w->err && w->errsz)
		w->err[0] = 0;
	if (++w->entries > CPIO_MAX_ENTRIES) {
		errmsg(w->err, w->errsz, 0, "more than %d entries in the image", CPIO_MAX_ENTRIES);
		r = -EBADMSG;
	} else {
		r = w->fn(e, w->ctx);
	}
	if (r && w->err && w->errsz && w->err[0]) {
		/* The reader hands out names inside its buffer, right after the header. */
		locate(w, (size_t)((const uint8_t *)e->name - w->base) - CPIO_HDR_LEN, loc,
		       sizeof(loc));
		err_prefix(w->err, w->errsz, "%s", loc);
	}
	return r;
}

/* Says what was found where a segment must start. */
static void not_a_segment(struct walk *w, const uint8_t *p, size_t n, size_t off)
{
	static const struct { const char *magic; size_t len; const char *what; } tab[] = {
		{ "BZh", 3, "a bzip2 stream: not supported, use gzip, zstd, xz or lz4" },
		{ "\x5d\0\0", 3, "an lzma stream: not supported, use gzip, zstd, xz or lz4" },
		{ "\x89LZO", 4, "an lzo stream: not supported, use gzip, zstd, xz or lz4" },
		{ "\x04\x22\x4d\x18", 4,
		  "an lz4 frame: the kernel unpacks only the legacy lz4 format (lz4 -l)" },
		{ "\x1f\x9e", 2, "an old gzip stream: not supported, use gzip" },
	};
	char hex[16] = "";

	if (p[0] == '0' && (off & 3)) {
		errmsg(w->err, w->errsz, 0, "offset %zu: found a cpio header at an offset that is "
		     "not a multiple of 4", off);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		if (n >= tab[i].len && memcmp(p, tab[i].magic, tab[i].len) == 0) {
			errmsg(w->err, w->errsz, 0, "offset %zu: found %s", off, tab[i].what);
			return;
		}
	}
	for (size_t i = 0; i < n && i < 4; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, " %02x", p[i]);
	errmsg(w->err, w->errsz, 0, "offset %zu: expected a cpio header \"070701\" or a gzip, zstd, "
	     "xz or lz4 stream, found bytes%s", off, hex);
}

static const char *unpack_error(int r)
{
	switch (r) {
	case -ENOTSUP:
		return "uses a feature the kernel's unpacker lacks (a gzip header field other "
		       "than the name, an xz check other than CRC32, a zstd window over 8 MiB)";
	case -ENOMEM:
		return "out of memory";
	default:
		return "corrupt or truncated";
	}
}

static int walk_plain(struct walk *w, const uint8_t *buf, size_t len, size_t off, size_t *used)
{
	const char *why = NULL;
	size_t eoff = 0;
	int r;

	w->base = buf + off;
	w->seg_off = off;
	w->kind = COMPRESS_NONE;
	r = cpio_read_prefix(buf + off, len - off, walk_visit, w, used, &eoff, &why);
	if (r == -EBADMSG && why)
		errmsg(w->err, w->errsz, 0, "offset %zu: %s", off + eoff, why);
	return r;
}

static int walk_packed(struct walk *w, const uint8_t *buf, size_t len, size_t off,
		       size_t room, size_t *unpacked, size_t *used)
{
	const char *why = NULL;
	size_t out_len = 0, eoff = 0;
	uint8_t *out = NULL;
	int kind = compress_detect(buf + off, len - off), r;

	if (kind <= COMPRESS_NONE) {
		not_a_segment(w, buf + off, len - off, off);
		return -EBADMSG;
	}
	r = decompress_stream(kind, buf + off, len - off, room, &out, &out_len, used);
	if (r == -EFBIG) {
		char lim[32];

		if (w->max_unpacked % (1u << 20) == 0)
			snprintf(lim, sizeof(lim), "%zu MiB", w->max_unpacked >> 20);
		else
			snprintf(lim, sizeof(lim), "%zu bytes", w->max_unpacked);
		errmsg(w->err, w->errsz, 0, "offset %zu: %s stream: the image unpacks to more than "
		     "%s, the most that is read from one image", off, compress_name(kind), lim);
		return r;
	}
	if (r < 0) {
		errmsg(w->err, w->errsz, 0, "offset %zu: %s stream %s", off, compress_name(kind),
		     unpack_error(r));
		return r;
	}
	*unpacked += out_len;
	w->base = out;
	w->seg_off = off;
	w->kind = kind;
	r = cpio_read_why(out, out_len, walk_visit, w, &eoff, &why);
	if (r == -EBADMSG && why) {
		char loc[128];
		locate(w, eoff, loc, sizeof(loc));
		errmsg(w->err, w->errsz, 0, "%s: %s", loc, why);
	}
	free(out);
	if (r == 0 && *used == 0) {
		errmsg(w->err, w->errsz, 0, "offset %zu: empty %s stream", off, compress_name(kind));
		r = -EBADMSG;
	}
	return r;
}

static int walk_segments(const uint8_t *buf, size_t len, size_t max_unpacked,
			 cpio_visit_fn fn, image_segment_fn seg, void *ctx, char *err,
			 size_t errsz)
{
	struct walk w = { .fn = fn, .ctx = ctx, .err = err, .errsz = errsz,
			  .max_unpacked = max_unpacked, .seg = seg };
	size_t off = 0, unpacked = 0;

	if (err && errsz)
		err[0] = 0;
	while (off < len) {
		size_t used = 0;
		int r;

		if (buf[off] == 0) {
			off++;
			continue;
		}
		if (w.seg) {
			r = w.seg(off, buf[off] == '0' && !(off & 3) ? COMPRESS_NONE
					: compress_detect(buf + off, len - off), ctx);
			if (r)
				return r;
		}
		if (buf[off] == '0' && !(off & 3))
			r = walk_plain(&w, buf, len, off, &used);
		else
			r = walk_packed(&w, buf, len, off, max_unpacked - unpacked, &unpacked, &used);
		if (r)
			return r;
		off += used;
	}
	return 0;
}

int image_walk_limit(const uint8_t *buf, size_t len, size_t max_unpacked,
		     cpio_visit_fn fn, void *ctx, char *err, size_t errsz)
{
	return walk_segments(buf, len, max_unpacked, fn, NULL, ctx, err, errsz);
}

int image_walk_segments(const uint8_t *buf, size_t len, cpio_visit_fn fn,
			image_segment_fn seg, void *ctx, char *err, size_t errsz)
{
	return walk_segments(buf, len, IMAGE_MAX_UNPACKED, fn, seg, ctx, err, errsz);
}

int image_walk(const uint8_t *buf, size_t len, cpio_visit_fn fn, void *ctx,
	       char *err, size_t errsz)
{
	return image_walk_limit(buf, len, IMAGE_MAX_UNPACKED, fn, ctx, err, errsz);
}

/* ---- the image file --------------------------------------------------------- */

/* The image, read into private memory with one read: every pass over it sees the same
 * bytes, whatever another process does to the file meanwhile (a mapping of the file
 * would show its writes, so a name checked in one pass could change before the next). */
struct image {
	uint8_t *p;
	size_t len;
};

static int image_load(const char *path, struct image *m, char *err, size_t errsz)
{
	char *buf;
	int r;

	*m = (struct image){ 0 };
	r = readfile_at(AT_FDCWD, path, IMAGE_MAX_FILE, &buf, &m->len);
	if (r == 0 && m->len == 0) {
		free(buf);
		r = -EBADMSG;
	}
	if (r == -EINVAL)
		errmsg(err, errsz, 0, "%s: not a regular file", path);
	else if (r == -EBADMSG)
		errmsg(err, errsz, 0, "%s: empty file, not an image", path);
	else if (r == -EFBIG)
		errmsg(err, errsz, 0, "%s: larger than %u MiB, the largest image read", path,
		     (unsigned)(IMAGE_MAX_FILE >> 20));
	else if (r < 0)
		errmsg(err, errsz, 0, "%s: %s", path, strerror(-r));
	else
		m->p = (uint8_t *)buf;
	return r;
}

int image_read(const char *path, uint8_t **buf, size_t *len, char *err, size_t errsz)
{
	struct image m;
	int r = image_load(path, &m, err, errsz);

	*buf = m.p;
	*len = m.len;
	return r;
}

static void image_unload(struct image *m)
{
	free(m->p);
	*m = (struct image){ 0 };
}

/* ---- listing ------------------------------------------------------------------ */

struct list_ctx {
	FILE *out;
	char *err;
	size_t errsz;
	int segments;     /* seen so far */
	int prev_kind;    /* of the segment before */
};

/* A line between segments, so the early (uncompressed, microcode) part is told apart
 * from the main image. */
static int list_segment(size_t off, int kind, void *ctx)
{
	struct list_ctx *l = ctx;
	const char *name = kind >= 0 ? compress_name(kind) : NULL;

	if (l->segments++ > 0) {
		if (l->prev_kind == COMPRESS_NONE)
			fprintf(l->out, "-- end of the uncompressed early part: %zu bytes; ", off);
		else
			fprintf(l->out, "-- ");
		fprintf(l->out, "%s%s archive from offset %zu --\n",
			kind == COMPRESS_NONE ? "an uncompressed" : "a ",
			kind == COMPRESS_NONE ? "" : name ? name : "?", off);
	}
	l->prev_kind = kind;
	return 0;
}

static void mode_string(uint32_t mode, char s[11])
{
	static const char types[16] = { [1] = 'p', [2] = 'c', [4] = 'd', [6] = 'b',
					[8] = '-', [10] = 'l', [12] = 's' };
	static const char rwx[] = "rwxrwxrwx";

	s[0] = (char)(types[(mode & S_IFMT) >> 12] ? types[(mode & S_IFMT) >> 12] : '?');
	for (int i = 0; i < 9; i++)
		s[1 + i] = (char)(mode & (0400u >> i) ? rwx[i] : '-');
	if (mode & S_ISUID)
		s[3] = mode & S_IXUSR ? 's' : 'S';
	if (mode & S_ISGID)
		s[6] = mode & S_IXGRP ? 's' : 'S';
	if (mode & S_ISVTX)
		s[9] = mode & S_IXOTH ? 't' : 'T';
	s[10] = 0;
}

static int list_entry(const struct cpio_entry *e, void *ctx)
{
	struct list_ctx *l = ctx;
	char mode[11], name[ESCAPE_SIZE(CPIO_MAX_NAME)];
	uint32_t type = e->mode & S_IFMT;

	mode_string(e->mode, mode);
	fprintf(l->out, "%s %5u %5u ", mode, e->uid, e->gid);
	if (type == S_IFCHR || type == S_IFBLK)
		fprintf(l->out, "%4u,%5u ", e->rdevmajor, e->rdevminor);
	else
		fprintf(l->out, "%10zu ", e->size);
	fputs(escape_str(e->name, name, sizeof(name)), l->out);
	if (type == S_IFLNK) {
		escape_bytes(e->data, e->size, name, sizeof(name));
		fprintf(l->out, " -> %s", name);
	}
	fputc('\n', l->out);
	if (ferror(l->out)) {
		errmsg(l->err, l->errsz, 0, "writing the listing failed");
		return -EIO;
	}
	return 0;
}

int image_list(const char *path, FILE *out, char *err, size_t errsz)
{
	struct list_ctx l = { .out = out, .err = err, .errsz = errsz };
	struct image m;
	int r;

	r = image_load(path, &m, err, errsz);
	if (r < 0)
		return r;
	r = image_walk_segments(m.p, m.len, list_entry, list_segment, &l, err, errsz);
	if (r)
		err_prefix(err, errsz, "%s", path);
	image_unload(&m);
	return r;
}

/* ---- extracting ------------------------------------------------------------- */

struct extract_ctx {
	int root;          /* -1 in the first pass, which only checks */
	unsigned flags;
	size_t skipped;
	char *err;
	size_t errsz;
};

static int refuse(struct extract_ctx *x, const struct cpio_entry *e, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Fills err with 'entry "NAME": WHY' and returns r. */
static int refuse(struct extract_ctx *x, const struct cpio_entry *e, int r, const char *fmt, ...)
{
	char name[512], why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	errmsg(x->err, x->errsz, 0, "entry \"%s\": %s", escape_str(e->name, name, sizeof(name)), why);
	return r;
}

/* The next path component of *p, skipping empty ones and "."; NULL at the end.
 * Cuts the string in place. */
static char *next_comp(char **p)
{
	while (*p) {
		char *s = *p, *slash = strchr(s, '/');

		if (slash) {
			*slash = 0;
			*p = slash + 1;
		} else {
			*p = NULL;
		}
		if (s[0] && strcmp(s, ".") != 0)
			return s;
	}
	return NULL;
}

/* 0 to extract, 1 to skip, or a refusal. */
static int check_entry(struct extract_ctx *x, const struct cpio_entry *e)
{
	char copy[CPIO_MAX_NAME], *p = copy, *c;
	uint32_t type = e->mode & S_IFMT;
	size_t n = 0;

	if (e->name[0] == '/')
		return refuse(x, e, -EPERM, "absolute name, refused");
	snprintf(copy, sizeof(copy), "%s", e->name);
	while ((c = next_comp(&p))) {
		if (strcmp(c, "..") == 0)
			return refuse(x, e, -EPERM, "name has a \"..\" component, refused");
		n++;
	}
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK) {
		if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
			return refuse(x, e, -EPERM, "unknown file type (mode 0%o)", e->mode);
		if (x->flags & IMAGE_EXTRACT_SKIP_SPECIAL)
			return 1;
		return refuse(x, e, -EPERM, "is a device node, fifo or socket (mode 0%o, "
			      "device %u,%u): not extracted", e->mode, e->rdevmajor, e->rdevminor);
	}
	if (n == 0)
		return type == S_IFDIR ? 1 : refuse(x, e, -EPERM, "names the target directory "
						    "itself and is not a directory");
	return 0;
}

/* The walk below refuses ".." on its own, whatever check_entry found: one component at
 * a time, never a symlink, never up, so nothing is reached outside the target. */
static int refuse_dotdot(struct extract_ctx *x, const struct cpio_entry *e, const char *comp)
{
	if (strcmp(comp, "..") != 0)
		return 0;
	return refuse(x, e, -EPERM, "name has a \"..\" component, refused");
}

/* Opens (creating if missing) the directory comp under dfd, never through a symlink. */
static int enter_dir(struct extract_ctx *x, const struct cpio_entry *e, int dfd, const char *comp)
{
	const int fl = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd, r = refuse_dotdot(x, e, comp);

	if (r < 0)
		return r;
	fd = openat(dfd, comp, fl);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(dfd, comp, 0755) < 0 && errno != EEXIST)
			return refuse(x, e, -errno, "creating directory \"%s\": %s", comp,
				      strerror(errno));
		fd = openat(dfd, comp, fl);
	}
	if (fd >= 0)
		return fd;
	r = -errno;
	if (fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return refuse(x, e, -ELOOP, "passes through the symlink \"%s\", refused", comp);
	return refuse(x, e, r, "opening directory \"%s\": %s", comp, strerror(-r));
}

/* Removes whatever non-directory (or empty directory) is at leaf, as the kernel
 * does before creating an entry of another kind. */
static int clear_leaf(struct extract_ctx *x, const struct cpio_entry *e, int dfd, const char *leaf)
{
	if (unlinkat(dfd, leaf, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno == EISDIR || errno == EPERM) && unlinkat(dfd, leaf, AT_REMOVEDIR) == 0)
		return 0;
	return refuse(x, e, -errno, "replacing \"%s\": %s", leaf, strerror(errno));
}

static int make_file(struct extract_ctx *x, const struct cpio_entry *e, int dfd, const char *leaf)
{
	/* Set-id bits dropped: extracting as root must not mint set-id files. */
	mode_t perm = e->mode & 01777;
	int fd, r;

	fd = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return refuse(x, e, -errno, "creating: %s", strerror(errno));
	r = write_all(fd, e->data, e->size);
	if (r == 0 && fchmod(fd, perm) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r ? refuse(x, e, r, "writing: %s", strerror(-r)) : 0;
}

static int make_dir(struct extract_ctx *x, const struct cpio_entry *e, int dfd, const char *leaf)
{
	/* Owner rwx kept so that the entries inside can be written. */
	mode_t perm = (e->mode & 01777) | S_IRWXU;
	struct stat st;
	int fd, r = 0;

	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
		r = clear_leaf(x, e, dfd, leaf);
		if (r < 0)
			return r;
	}
	if (mkdirat(dfd, leaf, 0700) < 0 && errno != EEXIST)
		return refuse(x, e, -errno, "creating directory: %s", strerror(errno));
	fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(x, e, -errno, "opening directory: %s", strerror(errno));
	if (fchmod(fd, perm) < 0)
		r = refuse(x, e, -errno, "chmod: %s", strerror(errno));
	close(fd);
	return r;
}

static int make_leaf(struct extract_ctx *x, const struct cpio_entry *e, int dfd, const char *leaf)
{
	char target[CPIO_MAX_NAME];
	int r = refuse_dotdot(x, e, leaf);

	if (r < 0)
		return r;
	if (S_ISDIR(e->mode))
		return make_dir(x, e, dfd, leaf);
	r = clear_leaf(x, e, dfd, leaf);
	if (r < 0)
		return r;
	if (S_ISREG(e->mode))
		return make_file(x, e, dfd, leaf);
	/* The reader guarantees 0 < size < CPIO_MAX_NAME and no NUL inside. */
	memcpy(target, e->data, e->size);
	target[e->size] = 0;
	if (symlinkat(target, dfd, leaf) < 0)
		return refuse(x, e, -errno, "creating symlink: %s", strerror(errno));
	return 0;
}

static int extract_entry(const struct cpio_entry *e, void *ctx)
{
	struct extract_ctx *x = ctx;
	char copy[CPIO_MAX_NAME], *p = copy, *c, *n;
	int dfd, r;

	r = check_entry(x, e);
	if (r == 1 && x->root >= 0)
		x->skipped++;
	if (r != 0 || x->root < 0)
		return r < 0 ? r : 0;
	snprintf(copy, sizeof(copy), "%s", e->name);
	dfd = x->root;
	c = next_comp(&p);
	while ((n = next_comp(&p))) {
		int fd = enter_dir(x, e, dfd, c);
		if (dfd != x->root)
			close(dfd);
		if (fd < 0)
			return fd;
		dfd = fd;
		c = n;
	}
	r = make_leaf(x, e, dfd, c);
	if (dfd != x->root)
		close(dfd);
	return r;
}

int image_extract_flags(const char *path, const char *dir, unsigned flags, size_t *skipped,
			char *err, size_t errsz)
{
	struct extract_ctx x = { .root = -1, .flags = flags, .err = err, .errsz = errsz };
	struct image m;
	int r;

	r = image_load(path, &m, err, errsz);
	if (r < 0)
		return r;
	/* First pass: every name and type is checked before anything is written. */
	r = image_walk(m.p, m.len, extract_entry, &x, err, errsz);
	if (r == 0) {
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			errmsg(err, errsz, 0, "creating %s: %s", dir, strerror(errno));
		} else if ((x.root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			r = -errno;
			errmsg(err, errsz, 0, "opening %s: %s", dir, strerror(errno));
		} else {
			r = image_walk(m.p, m.len, extract_entry, &x, err, errsz);
			close(x.root);
		}
		if (r && x.root >= 0)
			err_prefix(err, errsz, "%s", path);
	} else {
		err_prefix(err, errsz, "%s", path);
	}
	image_unload(&m);
	if (skipped)
		*skipped = x.skipped;
	return r;
}

int image_extract(const char *path, const char *dir, char *err, size_t errsz)
{
	return image_extract_flags(path, dir, 0, NULL, err, errsz);
}
