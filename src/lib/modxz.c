/* modxz: one xz stream decoded in bounded memory, out in chunks. See modxz.h. */
#include "modxz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <lzma.h>

struct modxz {
	lzma_stream s;
	size_t max_out;
	uint64_t out_len;
	bool done;       /* the stream ended */
	int err;         /* first error, sticky */
	char msg[160];
	uint8_t buf[MODXZ_CHUNK];
};

/* The decoder's memory comes straight from mmap and goes straight back: with malloc,
 * glibc keeps freed blocks of this size in its (per-thread) arenas, and sprout-init's
 * resident memory would keep the last decoder's ~200 KiB until the handover. */
#define MAP_HEAD 16 /* the mapping's length, keeping malloc's alignment */

static void *map_alloc(void *opaque, size_t nmemb, size_t size)
{
	(void)opaque;
	if (size && nmemb > (SIZE_MAX - MAP_HEAD) / size)
		return NULL;
	size_t len = nmemb * size + MAP_HEAD;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, &len, sizeof(len));
	return p + MAP_HEAD;
}

static void map_free(void *opaque, void *ptr)
{
	size_t len;

	(void)opaque;
	if (!ptr)
		return;
	memcpy(&len, (uint8_t *)ptr - MAP_HEAD, sizeof(len));
	munmap((uint8_t *)ptr - MAP_HEAD, len);
}

static const lzma_allocator map_allocator = { map_alloc, map_free, NULL };

struct modxz *modxz_new(size_t max_out)
{
	struct modxz *d = map_alloc(NULL, 1, sizeof(*d)); /* zeroed, as mmap gives it */
	lzma_stream init = LZMA_STREAM_INIT;

	if (!d)
		return NULL;
	d->s = init;
	d->s.allocator = &map_allocator;
	d->max_out = max_out;
	/* told about a stream without a check, so it can be refused: a module the image
	 * carries must be verified before the kernel gets it */
	if (lzma_stream_decoder(&d->s, MODXZ_MEMLIMIT, LZMA_TELL_NO_CHECK |
				LZMA_TELL_UNSUPPORTED_CHECK) != LZMA_OK) {
		map_free(NULL, d);
		return NULL;
	}
	return d;
}

void modxz_free(struct modxz *d)
{
	if (!d)
		return;
	lzma_end(&d->s);
	map_free(NULL, d);
}

static int fail(struct modxz *d, int r, const char *what)
{
	d->err = r;
	snprintf(d->msg, sizeof(d->msg), "%s", what);
	return r;
}

/* The error of a liblzma return value, or 0 for the ones that are no error. */
static int lzma_fail(struct modxz *d, lzma_ret lr)
{
	char what[160];

	switch (lr) {
	case LZMA_OK:
	case LZMA_STREAM_END:
		return 0;
	case LZMA_NO_CHECK:
		return fail(d, -EBADMSG, "an xz stream without an integrity check (expected "
			    "CRC32, as sprout build writes)");
	case LZMA_UNSUPPORTED_CHECK:
		return fail(d, -ENOTSUP, "an xz integrity check this decoder does not know");
	case LZMA_MEM_ERROR:
		return fail(d, -ENOMEM, "out of memory");
	case LZMA_MEMLIMIT_ERROR:
		snprintf(what, sizeof(what), "needs %llu KiB to decode, more than the %llu KiB "
			 "allowed (an xz dictionary too large: sprout build compresses modules "
			 "again with a smaller one)", (unsigned long long)(lzma_memusage(&d->s) >> 10),
			 (unsigned long long)(MODXZ_MEMLIMIT >> 10));
		return fail(d, -ENOMEM, what);
	case LZMA_FORMAT_ERROR:
		return fail(d, -EBADMSG, "not an xz file (no xz header)");
	case LZMA_OPTIONS_ERROR:
		return fail(d, -ENOTSUP, "xz options this decoder does not support");
	case LZMA_DATA_ERROR:
		return fail(d, -EBADMSG, "corrupt xz data (or its integrity check does not match)");
	case LZMA_BUF_ERROR:
		return fail(d, -EBADMSG, "truncated: the xz stream does not end");
	default:
		return fail(d, -EBADMSG, "the xz decoder failed");
	}
}

int modxz_feed(struct modxz *d, const uint8_t *in, size_t len, int last,
	       modxz_write_fn write, void *ctx)
{
	if (d->err)
		return d->err;
	if (d->done && len)
		return fail(d, -EBADMSG, "bytes after the end of the xz stream");
	d->s.next_in = in;
	d->s.avail_in = len;
	while (!d->done) {
		d->s.next_out = d->buf;
		d->s.avail_out = sizeof(d->buf);
		lzma_ret lr = lzma_code(&d->s, last ? LZMA_FINISH : LZMA_RUN);
		size_t got = sizeof(d->buf) - d->s.avail_out;
		int r = lzma_fail(d, lr);

		if (r)
			return r;
		if (got > d->max_out - d->out_len)
			return fail(d, -EFBIG, "decodes to more than the largest module allowed");
		d->out_len += got;
		if (got && (r = write(d->buf, got, ctx)) != 0)
			return fail(d, r < 0 ? r : -EIO, "writing the decoded module failed");
		d->done = lr == LZMA_STREAM_END;
		/* more to do while input is left, or the output buffer was filled, or the
		 * end must still come */
		/* more to do while input is left or the output buffer was filled; at the
		 * end of the input, liblzma says LZMA_BUF_ERROR (truncated) once it can make
		 * no more progress */
		if (!d->s.avail_in && got < sizeof(d->buf) && !last)
			break;
	}
	if (d->done && d->s.avail_in)
		return fail(d, -EBADMSG, "bytes after the end of the xz stream");
	if (last && !d->done)
		return fail(d, -EBADMSG, "truncated: the xz stream does not end");
	return 0;
}

const char *modxz_error(const struct modxz *d)
{
	return d->err ? d->msg : "";
}

uint64_t modxz_out_len(const struct modxz *d)
{
	return d->out_len;
}

int modxz_decode(const uint8_t *in, size_t len, size_t max_out, modxz_write_fn write,
		 void *ctx, char *err, size_t errsz)
{
	struct modxz *d = modxz_new(max_out);
	int r;

	if (!d) {
		if (errsz)
			snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	r = modxz_feed(d, in, len, 1, write, ctx);
	if (errsz)
		snprintf(err, errsz, "%s", modxz_error(d));
	modxz_free(d);
	return r;
}
