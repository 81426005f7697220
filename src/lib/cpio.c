/* cpio: newc writer and reader. The reader follows the kernel's unpacker
 * (init/initramfs.c) in what it accepts, and is stricter where the kernel would
 * silently do something else than the bytes say (a directory with data, a mode
 * wider than 16 bits, a name with an embedded NUL). */
#include "cpio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/array.h"
#include "base/hex.h"

#define HDR_LEN 110 /* "0707xx" + 13 fields of 8 hex digits */
#define NFIELDS 13
#define TRAILER "TRAILER!!!"

/* The header's first six bytes; no NUL, it is not a string in the archive. */
static const char newc_magic[6] = { '0', '7', '0', '7', '0', '1' };

enum field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_SIZE,
	F_DEVMAJ, F_DEVMIN, F_RDEVMAJ, F_RDEVMIN, F_NAMESIZE, F_CHECK,
};

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

/* ---- writer ----------------------------------------------------------------- */

void cpio_buf_init(struct cpio_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->next_ino = 1;
}

void cpio_buf_free(struct cpio_buf *b)
{
	if (!b)
		return;
	free(b->data);
	cpio_buf_init(b);
}

static int buf_reserve(struct cpio_buf *b, size_t more)
{
	void *p = b->data;
	int r;

	if (more > SIZE_MAX - b->len)
		return -ENOMEM;
	r = array_grow(&p, &b->cap, b->len + more, 1, SIZE_MAX);
	b->data = p;
	return r;
}

/* Upper-case digits, as the kernel's gen_init_cpio writes them. */
static void put_hex8(uint8_t *p, uint32_t v)
{
	char field[9];

	snprintf(field, sizeof(field), "%08" PRIX32, v);
	memcpy(p, field, 8);
}

/* Appends header, name and data, each padded so the next header is 4-aligned
 * (b->len is always a multiple of 4 between calls). */
static int append(struct cpio_buf *b, const struct cpio_entry *e, uint32_t ino, size_t namesize)
{
	size_t name_span = HDR_LEN + namesize + pad4(HDR_LEN + namesize);
	size_t data_span = e->size + pad4(e->size);
	uint32_t f[NFIELDS] = {
		ino, e->mode, e->uid, e->gid, e->nlink ? e->nlink : 1, e->mtime,
		(uint32_t)e->size, e->devmajor, e->devminor, e->rdevmajor, e->rdevminor,
		(uint32_t)namesize, 0,
	};
	uint8_t *p;
	int r;

	if (data_span > SIZE_MAX - name_span)
		return -ENOMEM;
	r = buf_reserve(b, name_span + data_span);
	if (r < 0)
		return r;
	p = b->data + b->len;
	memset(p, 0, name_span + data_span);
	memcpy(p, newc_magic, sizeof(newc_magic));
	for (size_t i = 0; i < NFIELDS; i++)
		put_hex8(p + 6 + 8 * i, f[i]);
	memcpy(p + HDR_LEN, e->name, namesize - 1);
	if (e->size)
		memcpy(p + name_span, e->data, e->size);
	b->len += name_span + data_span;
	return 0;
}

int cpio_write_entry(struct cpio_buf *b, const struct cpio_entry *e)
{
	size_t n;
	int r;

	if (!e->name || !e->name[0])
		return -EINVAL;
	n = strnlen(e->name, CPIO_MAX_NAME);
	if (n >= CPIO_MAX_NAME)
		return -ENAMETOOLONG;
	if (e->size > UINT32_MAX || (e->size && !e->data))
		return -EINVAL;
	r = append(b, e, b->next_ino, n + 1);
	if (r == 0)
		b->next_ino++;
	return r;
}

int cpio_pad_for_data(struct cpio_buf *b, const char *name, size_t align)
{
	size_t ns = strlen(name) + 1, data = b->len + HDR_LEN + ns + pad4(HDR_LEN + ns), pad = 0;

	if (align < 4 || (align & (align - 1)) || (b->len & 3))
		return -EINVAL;
	while ((data + pad) & (align - 1))
		pad += 4;
	if (buf_reserve(b, pad) < 0)
		return -ENOMEM;
	memset(b->data + b->len, 0, pad);
	b->len += pad;
	return 0;
}

int cpio_write_trailer(struct cpio_buf *b)
{
	struct cpio_entry t = { .name = TRAILER, .nlink = 1 };
	size_t pad;
	int r;

	r = append(b, &t, 0, sizeof(TRAILER));
	if (r < 0)
		return r;
	/* 512-byte blocks, as cpio(1) writes: some tools refuse a short last block. */
	pad = (512 - (b->len & 511)) & 511;
	r = buf_reserve(b, pad);
	if (r < 0)
		return r;
	memset(b->data + b->len, 0, pad);
	b->len += pad;
	return 0;
}

/* ---- reader ----------------------------------------------------------------- */

static const char *const bad_hex[NFIELDS] = {
	"non-hex digit in field ino", "non-hex digit in field mode",
	"non-hex digit in field uid", "non-hex digit in field gid",
	"non-hex digit in field nlink", "non-hex digit in field mtime",
	"non-hex digit in field filesize", "non-hex digit in field devmajor",
	"non-hex digit in field devminor", "non-hex digit in field rdevmajor",
	"non-hex digit in field rdevminor", "non-hex digit in field namesize",
	"non-hex digit in field check",
};

static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d = hex_value(p[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

static const char *parse_header(const uint8_t *h, uint32_t f[NFIELDS], bool *crc)
{
	if (memcmp(h, "070701", 6) == 0)
		*crc = false;
	else if (memcmp(h, "070702", 6) == 0)
		*crc = true;
	else if (memcmp(h, "070707", 6) == 0)
		return "old (odc) cpio header \"070707\": expected newc \"070701\"";
	else
		return "bad magic: expected \"070701\" or \"070702\"";
	for (size_t i = 0; i < NFIELDS; i++)
		if (!parse_hex8(h + 6 + 8 * i, &f[i]))
			return bad_hex[i];
	if (f[F_MODE] > 0xffff)
		return "mode has bits above 0177777";
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > CPIO_MAX_NAME)
		return "name size is 0 or over 4096";
	if (f[F_NAMESIZE] == 1)
		return "name is empty";
	return NULL;
}

/* What the kernel would not create as the bytes say. */
static const char *check_body(const struct cpio_entry *e, bool crc, uint32_t check)
{
	uint32_t type = e->mode & S_IFMT;

	if (type == S_IFLNK) {
		if (e->size == 0 || e->size >= CPIO_MAX_NAME)
			return "symlink target is empty or over 4095 bytes";
		if (memchr(e->data, 0, e->size))
			return "symlink target contains a NUL byte";
	} else if (type != S_IFREG && e->size) {
		/* The kernel skips such an entry entirely. */
		return "an entry that is not a file or symlink has data";
	}
	if (crc && type == S_IFREG) {
		uint32_t sum = 0;
		for (size_t i = 0; i < e->size; i++)
			sum += e->data[i];
		if (sum != check)
			return "data checksum does not match the \"070702\" header";
	}
	return NULL;
}

/* Parses the entry at buf[off] (off is 4-aligned); *next is past its data padding. */
static const char *parse_entry(const uint8_t *buf, size_t len, size_t off,
			       struct cpio_entry *e, size_t *next)
{
	const uint8_t *h = buf + off, *name;
	size_t left = len - off, namesize, name_span, size, data_span;
	uint32_t f[NFIELDS];
	const char *why;
	bool crc;

	if (left < HDR_LEN)
		return "truncated header: 110 bytes expected";
	why = parse_header(h, f, &crc);
	if (why)
		return why;
	namesize = f[F_NAMESIZE];
	name_span = HDR_LEN + namesize + pad4(HDR_LEN + namesize);
	if (name_span > left)
		return "name runs past the end of the data";
	name = h + HDR_LEN;
	if (name[namesize - 1] != 0)
		return "name is not NUL-terminated at namesize";
	if (memchr(name, 0, namesize - 1))
		return "name contains a NUL byte before its end";
	size = f[F_SIZE];
	data_span = size + pad4(size);
	if (size > left - name_span)
		return "file data runs past the end of the data";
	if (data_span > left - name_span)
		return "padding after file data runs past the end of the data";
	*e = (struct cpio_entry){
		.name = (const char *)name, .mode = f[F_MODE], .uid = f[F_UID], .gid = f[F_GID],
		.nlink = f[F_NLINK], .mtime = f[F_MTIME], .devmajor = f[F_DEVMAJ],
		.devminor = f[F_DEVMIN], .rdevmajor = f[F_RDEVMAJ], .rdevminor = f[F_RDEVMIN],
		.ino = f[F_INO], .data = h + name_span, .size = size,
	};
	why = check_body(e, crc, f[F_CHECK]);
	if (why)
		return why;
	*next = off + name_span + data_span;
	return NULL;
}

static int walk(const uint8_t *buf, size_t len, bool prefix, cpio_visit_fn visit, void *ctx,
		size_t *consumed, size_t *err_off, const char **why)
{
	size_t off = 0, count = 0;
	const char *bad = NULL;
	struct cpio_entry e;

	for (;;) {
		while (off < len && buf[off] == 0)
			off++;
		if (off == len)
			break;
		if (off & 3) {
			bad = "non-NUL byte at an unaligned offset: broken padding";
			break;
		}
		if (buf[off] != '0') {
			if (!prefix)
				bad = "junk: expected a cpio header \"070701\"";
			break;
		}
		if (++count > CPIO_MAX_ENTRIES) {
			bad = "too many entries";
			break;
		}
		size_t next = 0;
		bad = parse_entry(buf, len, off, &e, &next);
		if (bad)
			break;
		if (strcmp(e.name, TRAILER) != 0) {
			int r = visit(&e, ctx);
			if (r)
				return r;
		}
		off = next;
	}
	if (bad) {
		if (err_off)
			*err_off = off;
		if (why)
			*why = bad;
		return -EBADMSG;
	}
	if (consumed)
		*consumed = off;
	return 0;
}

int cpio_read(const uint8_t *buf, size_t len, cpio_visit_fn visit, void *ctx, size_t *err_off)
{
	return walk(buf, len, false, visit, ctx, NULL, err_off, NULL);
}

int cpio_read_why(const uint8_t *buf, size_t len, cpio_visit_fn visit, void *ctx,
		  size_t *err_off, const char **why)
{
	return walk(buf, len, false, visit, ctx, NULL, err_off, why);
}

int cpio_read_prefix(const uint8_t *buf, size_t len, cpio_visit_fn visit, void *ctx,
		     size_t *consumed, size_t *err_off, const char **why)
{
	return walk(buf, len, true, visit, ctx, consumed, err_off, why);
}
