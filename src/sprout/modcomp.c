/* modcomp: modules compressed one by one, with a cache. See modcomp.h. */
#include "modcomp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lzma.h>

#include "base/array.h"
#include "base/errmsg.h"
#include "base/readfile.h"
#include "base/sha256.h"
#include "compress.h"
#include "fileio.h"
#include "modxz.h"

#define MAX_MODULE_FILE ((size_t)256 << 20)
#define ENTRY_MAGIC "SPRTMXZ1"
#define ENTRY_HEAD (8 + 8 + 8 + SHA256_LEN)

int modcomp_from_name(const char *name)
{
	if (name && !strcmp(name, "xz"))
		return MODCOMP_XZ;
	if (name && !strcmp(name, "none"))
		return MODCOMP_NONE;
	return -1;
}

const char *modcomp_name(int kind)
{
	return kind == MODCOMP_XZ ? "xz" : kind == MODCOMP_NONE ? "none" : "unknown";
}

/* ---- names ------------------------------------------------------------------------ */

static const struct {
	const char *ext;
	int kind;  /* enum compress_kind of the file */
} endings[] = {
	{ ".ko", COMPRESS_NONE },
	{ ".ko.xz", COMPRESS_XZ },
	{ ".ko.zst", COMPRESS_ZSTD },
	{ ".ko.gz", COMPRESS_GZIP },
};

/* The length of path without its module ending, and the ending's compression; -1
 * when there is none. */
static int ending(const char *path, size_t len, size_t *base)
{
	for (size_t i = 0; i < ARRAY_SIZE(endings); i++) {
		size_t e = strlen(endings[i].ext);

		if (len > e && !memcmp(path + len - e, endings[i].ext, e)) {
			*base = len - e;
			return endings[i].kind;
		}
	}
	return -1;
}

static int stored(const char *path, size_t len, int kind, char *out, size_t n)
{
	const char *ext = kind == MODCOMP_XZ ? ".ko.xz" : ".ko";
	size_t base;

	if (ending(path, len, &base) < 0)
		return -EINVAL;
	if (base + strlen(ext) >= n)
		return -ENAMETOOLONG;
	memcpy(out, path, base);
	memcpy(out + base, ext, strlen(ext) + 1);
	return 0;
}

int modcomp_stored_path(const char *relpath, int kind, char *out, size_t n)
{
	return stored(relpath, strlen(relpath), kind, out, n);
}

int modcomp_rewrite_dep(const char *in, size_t len, int kind, char **out, size_t *outlen)
{
	/* ".ko" -> ".ko.xz" adds 3 bytes to a word of at least 4, so twice the input is
	 * always enough */
	char *o = malloc(2 * len + 1), word[PATH_MAX];
	size_t w = 0, i = 0;

	if (!o)
		return -ENOMEM;
	while (i < len) {
		size_t n = 0;

		if (in[i] == ' ' || in[i] == '\t' || in[i] == '\n' || in[i] == ':') {
			o[w++] = in[i++];
			continue;
		}
		while (i + n < len && !strchr(" \t\n:", in[i + n]) && in[i + n])
			n++;
		if (!n || stored(in + i, n, kind, word, sizeof(word)) < 0) {
			free(o);
			return -EINVAL;
		}
		memcpy(o + w, word, strlen(word));
		w += strlen(word);
		i += n;
	}
	o[w] = '\0';
	*out = o;
	*outlen = w;
	return 0;
}

/* ---- xz ----------------------------------------------------------------------------- */

int modcomp_encode(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	lzma_options_lzma opt;
	size_t cap = lzma_stream_buffer_bound(len), pos = 0;
	uint8_t *buf;

	if (lzma_lzma_preset(&opt, MODCOMP_PRESET))
		return -EINVAL;
	opt.dict_size = MODCOMP_DICT;
	lzma_filter filters[] = { { LZMA_FILTER_LZMA2, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
	buf = cap ? malloc(cap) : NULL;
	if (!buf)
		return -ENOMEM;
	/* the single-call, single-threaded encoder: its output depends on the input and
	 * the options only */
	if (lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, in, len, buf, &pos,
				      cap) != LZMA_OK) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*outlen = pos;
	return 0;
}

static int discard(const uint8_t *buf, size_t len, void *ctx)
{
	(void)buf;
	(void)len;
	(void)ctx;
	return 0;
}

int modcomp_xz_usable(const uint8_t *buf, size_t len, char *err, size_t errsz)
{
	static const uint8_t head[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 0x01 };

	if (len < sizeof(head) || memcmp(buf, head, 6) != 0)
		return errmsg(err, errsz, -EBADMSG, "not an xz file");
	if (memcmp(buf, head, sizeof(head)) != 0)
		return errmsg(err, errsz, -ENOTSUP, "its xz check is not CRC32 (the one the "
			      "kernel's decoder verifies)");
	return modxz_decode(buf, len, MODXZ_MAX_OUT, discard, NULL, err, errsz);
}

/* ---- the cache ----------------------------------------------------------------------- */

int modcomp_cache_path(const char *dir, const uint8_t sha[32], char *out, size_t n)
{
	char hex[SHA256_HEX_LEN];
	int k = snprintf(out, n, "%s/m1-%s-p%ud%uk-crc32-l%u.xz", dir, sha256_hex(sha, hex),
			 MODCOMP_PRESET, (unsigned)(MODCOMP_DICT >> 10),
			 (unsigned)lzma_version_number());

	return k < 0 || (size_t)k >= n ? -ENAMETOOLONG : 0;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void digest(const uint8_t *p, size_t len, uint8_t out[SHA256_LEN])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, p, len);
	sha256_final(&c, out);
}

int modcomp_cache_get(const char *dir, const uint8_t sha[32], size_t raw_len, uint8_t **out,
		      size_t *outlen)
{
	char path[PATH_MAX], *buf = NULL;
	uint8_t h[SHA256_LEN];
	size_t len = 0;
	int r = modcomp_cache_path(dir, sha, path, sizeof(path));

	if (r == 0)
		r = readfile_at(AT_FDCWD, path, MAX_MODULE_FILE + ENTRY_HEAD, &buf, &len);
	if (r != 0 || !buf)
		return r == -ENOENT ? r : -EBADMSG;
	const uint8_t *b = (const uint8_t *)buf;

	if (len >= ENTRY_HEAD)
		digest(b + ENTRY_HEAD, len - ENTRY_HEAD, h);
	if (len < ENTRY_HEAD || memcmp(b, ENTRY_MAGIC, 8) != 0 || get_le64(b + 8) != raw_len ||
	    get_le64(b + 16) != len - ENTRY_HEAD || memcmp(b + 24, h, SHA256_LEN) != 0) {
		free(buf);
		return -EBADMSG;
	}
	memmove(buf, buf + ENTRY_HEAD, len - ENTRY_HEAD);
	*out = (uint8_t *)buf;
	*outlen = len - ENTRY_HEAD;
	return 0;
}

int modcomp_cache_put(const char *dir, const uint8_t sha[32], size_t raw_len,
		      const uint8_t *xz, size_t xzlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	uint8_t *buf;
	int fd, r = modcomp_cache_path(dir, sha, path, sizeof(path));

	if (r < 0)
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	buf = malloc(ENTRY_HEAD + xzlen);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, ENTRY_MAGIC, 8);
	put_le64(buf + 8, raw_len);
	put_le64(buf + 16, xzlen);
	digest(xz, xzlen, buf + 24);
	memcpy(buf + ENTRY_HEAD, xz, xzlen);
	fd = mkostemp(tmp, O_CLOEXEC);
	r = fd < 0 ? -errno : fileio_commit(fd, tmp, path, buf, ENTRY_HEAD + xzlen);
	free(buf);
	return r;
}

/* ---- one module ---------------------------------------------------------------------- */

static int item_fail(struct modcomp_item *it, int r, const char *fmt, const char *why)
{
	it->err = r;
	snprintf(it->msg, sizeof(it->msg), fmt, it->src, why);
	return r;
}

/* Decodes a compressed module file whole: it must be one stream and nothing else. */
static int decode(struct modcomp_item *it, int ck, uint8_t *buf, size_t len, uint8_t **raw,
		  size_t *raw_len)
{
	size_t used = 0;
	int r = decompress_stream((enum compress_kind)ck, buf, len, MODXZ_MAX_OUT, raw, raw_len,
				  &used);

	if (r == 0 && used != len) {
		free(*raw);
		r = -EBADMSG;
	}
	if (r < 0)
		return item_fail(it, r, "%s: cannot decode the module (%s)",
				 r == -EBADMSG ? "corrupt, or bytes after its end" : strerror(-r));
	return 0;
}

static int compress_one(const struct modcomp_opts *o, struct modcomp_item *it, uint8_t *raw,
			size_t raw_len, int *cache_err)
{
	uint8_t sha[SHA256_LEN];
	int r = -ENOENT;

	digest(raw, raw_len, sha);
	if (o->cache_dir)
		r = modcomp_cache_get(o->cache_dir, sha, raw_len, &it->data, &it->size);
	if (r == 0) {
		it->how = MODCOMP_CACHED;
		return 0;
	}
	it->remade = r == -EBADMSG;
	r = modcomp_encode(raw, raw_len, &it->data, &it->size);
	if (r < 0)
		return item_fail(it, r, "%s: compressing it failed: %s", strerror(-r));
	it->how = MODCOMP_ENCODED;
	if (o->cache_dir)
		*cache_err = modcomp_cache_put(o->cache_dir, sha, raw_len, it->data, it->size);
	return 0;
}

static int prepare(const struct modcomp_opts *o, struct modcomp_item *it, int *cache_err)
{
	char *file, why[160];
	size_t len, base, raw_len;
	uint8_t *raw;
	int ck = ending(it->src, strlen(it->src), &base), r;

	if (ck < 0)
		return item_fail(it, -EINVAL, "%s: %s", "not a module file name (expected .ko, "
				 ".ko.xz, .ko.zst or .ko.gz)");
	if (o->kind == MODCOMP_NONE && ck == COMPRESS_NONE) {
		it->how = MODCOMP_AS_IS;
		return 0;
	}
	r = readfile_at(AT_FDCWD, it->src, MAX_MODULE_FILE, &file, &len);
	if (r < 0)
		return item_fail(it, r, "%s: %s", strerror(-r));
	if (o->kind == MODCOMP_XZ && ck == COMPRESS_XZ &&
	    modcomp_xz_usable((uint8_t *)file, len, why, sizeof(why)) == 0) {
		it->data = (uint8_t *)file;
		it->size = len;
		it->how = MODCOMP_KEPT;
		return 0;
	}
	if (ck == COMPRESS_NONE) {
		raw = (uint8_t *)file;
		raw_len = len;
	} else {
		r = decode(it, ck, (uint8_t *)file, len, &raw, &raw_len);
		free(file);
		if (r < 0)
			return r;
	}
	if (o->kind == MODCOMP_NONE) {
		it->data = raw;
		it->size = raw_len;
		it->how = MODCOMP_DECODED;
		return 0;
	}
	r = compress_one(o, it, raw, raw_len, cache_err);
	free(raw);
	return r;
}

/* ---- the set --------------------------------------------------------------------------- */

struct run {
	const struct modcomp_opts *o;
	struct modcomp_item *items;
	size_t n, next;           /* next item no worker has taken (atomic) */
	pthread_mutex_t lock;     /* for the first cache error */
	int cache_err;
	char cache_path[PATH_MAX];
};

static void *worker(void *arg)
{
	struct run *run = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&run->next, 1, __ATOMIC_RELAXED)) < run->n) {
		int cerr = 0;

		prepare(run->o, &run->items[i], &cerr);
		if (cerr < 0) {
			pthread_mutex_lock(&run->lock);
			if (!run->cache_err)
				run->cache_err = cerr;
			pthread_mutex_unlock(&run->lock);
		}
	}
	return NULL;
}

/* mkdir -p, 0755. */
static int make_dirs(const char *dir)
{
	char p[PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, len + 1);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static unsigned thread_count(const struct modcomp_opts *o, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = o->threads ? o->threads : cpus > 0 ? (unsigned)cpus : 1;

	if (t > MODCOMP_MAX_THREADS)
		t = MODCOMP_MAX_THREADS;
	return n < t ? (n ? (unsigned)n : 1) : t;
}

int modcomp_run(const struct modcomp_opts *o, struct modcomp_item *items, size_t n,
		struct modcomp_stats *st, char *err, size_t errsz)
{
	struct modcomp_opts eff = *o;
	struct run run = { .o = &eff, .items = items, .n = n };
	pthread_t tid[MODCOMP_MAX_THREADS];
	unsigned t = thread_count(o, n), started = 0;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < n; i++) {
		items[i].data = NULL;
		items[i].size = 0;
		items[i].how = MODCOMP_AS_IS;
		items[i].remade = false;
		items[i].err = 0;
		items[i].msg[0] = '\0';
	}
	if (eff.kind == MODCOMP_XZ && eff.cache_dir) {
		int r = make_dirs(eff.cache_dir);

		if (r < 0) {
			st->cache_err = r;
			snprintf(st->cache_msg, sizeof(st->cache_msg), "module cache %s: %s; "
				 "compressing without it", eff.cache_dir, strerror(-r));
			eff.cache_dir = NULL;
		}
	}
	pthread_mutex_init(&run.lock, NULL);
	for (unsigned i = 1; i < t; i++)
		if (pthread_create(&tid[started], NULL, worker, &run) == 0)
			started++;
	worker(&run);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&run.lock);
	if (run.cache_err && !st->cache_err) {
		st->cache_err = run.cache_err;
		snprintf(st->cache_msg, sizeof(st->cache_msg), "module cache %s: cannot write "
			 "to it: %s; the next build compresses again", eff.cache_dir,
			 strerror(-run.cache_err));
	}
	for (size_t i = 0; i < n; i++) {
		const struct modcomp_item *it = &items[i];

		if (it->err)
			return errmsg(err, errsz, it->err, "%s", it->msg);
		st->as_is += it->how == MODCOMP_AS_IS;
		st->decoded += it->how == MODCOMP_DECODED;
		st->kept += it->how == MODCOMP_KEPT;
		st->cached += it->how == MODCOMP_CACHED;
		st->encoded += it->how == MODCOMP_ENCODED;
		st->remade += it->remade;
	}
	return 0;
}
