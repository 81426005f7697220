/* modxz (the decoder sprout-init uses) and modcomp (how sprout build stores modules):
 * round trips, determinism, corrupt and hostile streams, names, modules.dep, the cache. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <lzma.h>

#include "base/sha256.h"
#include "compress.h"
#include "modcomp.h"
#include "modunxz.h"
#include "modxz.h"

/* A stand-in for a module: compressible, not trivial. */
static uint8_t *make_input(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	uint32_t x = 777;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (i % 64 < 40) ? (uint8_t)("\x7f" "ELF module text "[i % 17]) : (uint8_t)(x >> 24);
	}
	return p;
}

struct sink {
	uint8_t *p;
	size_t len, cap;
	size_t calls, biggest;
};

static int collect(const uint8_t *buf, size_t len, void *ctx)
{
	struct sink *s = ctx;

	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->p = realloc(s->p, s->cap);
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
	s->calls++;
	if (len > s->biggest)
		s->biggest = len;
	return 0;
}

static void test_round_trip(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 1000, 100000, 700000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *in = make_input(sizes[i]), *xz;
		size_t xzlen;
		struct sink s = { 0 };
		char err[200];

		assert_int_equal(modcomp_encode(in, sizes[i], &xz, &xzlen), 0);
		assert_int_equal(modxz_decode(xz, xzlen, MODXZ_MAX_OUT, collect, &s, err, sizeof(err)), 0);
		assert_string_equal(err, "");
		assert_int_equal(s.len, sizes[i]);
		assert_true(!sizes[i] || memcmp(s.p, in, sizes[i]) == 0);
		/* out in chunks no bigger than MODXZ_CHUNK: the decoded module is never whole */
		assert_true(s.biggest <= MODXZ_CHUNK);
		if (sizes[i] > 2 * MODXZ_CHUNK)
			assert_true(s.calls > 2);
		/* and usable as a module of the image */
		assert_int_equal(modcomp_xz_usable(xz, xzlen, err, sizeof(err)), 0);
		free(in);
		free(xz);
		free(s.p);
	}
}

static void test_deterministic(void **state)
{
	(void)state;
	uint8_t *in = make_input(300000), *a, *b;
	size_t alen, blen;

	assert_int_equal(modcomp_encode(in, 300000, &a, &alen), 0);
	assert_int_equal(modcomp_encode(in, 300000, &b, &blen), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	/* CRC32 check (flags byte), as the kernel's decoder wants */
	assert_int_equal(a[7], 0x01);
	free(in);
	free(a);
	free(b);
}

/* Feeding in pieces of every size gives what feeding it whole gives. */
static void test_pieces(void **state)
{
	(void)state;
	uint8_t *in = make_input(90000), *xz;
	size_t xzlen;
	static const size_t steps[] = { 1, 7, 4096, 50000 };

	assert_int_equal(modcomp_encode(in, 90000, &xz, &xzlen), 0);
	for (size_t k = 0; k < 4; k++) {
		struct modxz *d = modxz_new(MODXZ_MAX_OUT);
		struct sink s = { 0 };
		size_t off = 0;
		int r = 0;

		while (r == 0 && off < xzlen) {
			size_t n = xzlen - off < steps[k] ? xzlen - off : steps[k];

			r = modxz_feed(d, xz + off, n, off + n == xzlen, collect, &s);
			off += n;
		}
		assert_int_equal(r, 0);
		assert_int_equal(s.len, 90000);
		assert_memory_equal(s.p, in, 90000);
		assert_int_equal(modxz_out_len(d), 90000);
		modxz_free(d);
		free(s.p);
	}
	free(in);
	free(xz);
}

static int expect_error(const uint8_t *buf, size_t len, size_t max_out, const char *want)
{
	struct sink s = { 0 };
	char err[200];
	int r = modxz_decode(buf, len, max_out, collect, &s, err, sizeof(err));

	free(s.p);
	if (!strstr(err, want))
		fail_msg("expected \"%s\" in the error, got \"%s\" (%d)", want, err, r);
	return r;
}

static void test_corrupt(void **state)
{
	(void)state;
	uint8_t *in = make_input(50000), *xz, *bad;
	size_t xzlen;

	assert_int_equal(modcomp_encode(in, 50000, &xz, &xzlen), 0);
	bad = malloc(xzlen + 8);
	/* a flipped byte in the middle: the data or its CRC32 no longer match */
	memcpy(bad, xz, xzlen);
	bad[xzlen / 2] ^= 0x55;
	assert_int_equal(expect_error(bad, xzlen, MODXZ_MAX_OUT, "corrupt"), -EBADMSG);
	/* cut short */
	assert_int_equal(expect_error(xz, xzlen - 10, MODXZ_MAX_OUT, "truncated"), -EBADMSG);
	assert_int_equal(expect_error(xz, 0, MODXZ_MAX_OUT, "truncated"), -EBADMSG);
	/* something after the stream */
	memcpy(bad, xz, xzlen);
	memcpy(bad + xzlen, "trailing", 8);
	assert_int_equal(expect_error(bad, xzlen + 8, MODXZ_MAX_OUT, "after the end"), -EBADMSG);
	/* not xz at all: a plain module */
	assert_int_equal(expect_error(in, 1000, MODXZ_MAX_OUT, "not an xz file"), -EBADMSG);
	/* bigger than allowed */
	assert_int_equal(expect_error(xz, xzlen, 49999, "more than the largest"), -EFBIG);
	free(bad);
	free(in);
	free(xz);
}

/* xz written by others: without a check, or with a dictionary over the limit. */
static void test_foreign(void **state)
{
	(void)state;
	uint8_t *in = make_input(20000), out[40000];
	size_t pos = 0;
	lzma_options_lzma opt;
	lzma_filter f[2] = { { LZMA_FILTER_LZMA2, &opt }, { LZMA_VLI_UNKNOWN, NULL } };
	char err[200];

	lzma_lzma_preset(&opt, 6);
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_NONE, NULL, in, 20000, out, &pos,
						   sizeof(out)), LZMA_OK);
	assert_int_equal(expect_error(out, pos, MODXZ_MAX_OUT, "without an integrity check"),
			 -EBADMSG);
	assert_int_equal(modcomp_xz_usable(out, pos, err, sizeof(err)), -ENOTSUP);

	/* the kernel's own `xz --lzma2=dict=1MiB`: more memory than sprout-init gives */
	pos = 0;
	opt.dict_size = 1u << 20;
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, in, 20000, out, &pos,
						   sizeof(out)), LZMA_OK);
	assert_int_equal(expect_error(out, pos, MODXZ_MAX_OUT, "dictionary too large"), -ENOMEM);
	assert_int_equal(modcomp_xz_usable(out, pos, err, sizeof(err)), -ENOMEM);

	/* CRC64 decodes, but the image wants CRC32 (busybox's and the kernel's decoders) */
	pos = 0;
	opt.dict_size = 64u << 10;
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC64, NULL, in, 20000, out, &pos,
						   sizeof(out)), LZMA_OK);
	assert_int_equal(expect_error(out, pos, MODXZ_MAX_OUT, ""), 0);
	assert_int_equal(modcomp_xz_usable(out, pos, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "CRC32"));
	free(in);
}

static void test_names(void **state)
{
	(void)state;
	static const struct { const char *in; int kind; const char *out; } t[] = {
		{ "kernel/fs/ext4/ext4.ko", MODCOMP_XZ, "kernel/fs/ext4/ext4.ko.xz" },
		{ "kernel/fs/ext4/ext4.ko.zst", MODCOMP_XZ, "kernel/fs/ext4/ext4.ko.xz" },
		{ "kernel/fs/ext4/ext4.ko.gz", MODCOMP_NONE, "kernel/fs/ext4/ext4.ko" },
		{ "kernel/fs/ext4/ext4.ko.xz", MODCOMP_XZ, "kernel/fs/ext4/ext4.ko.xz" },
		{ "kernel/fs/ext4/ext4.ko.xz", MODCOMP_NONE, "kernel/fs/ext4/ext4.ko" },
		{ "updates/x.ko", MODCOMP_NONE, "updates/x.ko" },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(modcomp_stored_path(t[i].in, t[i].kind, out, sizeof(out)), 0);
		assert_string_equal(out, t[i].out);
	}
	assert_int_equal(modcomp_stored_path("kernel/x.o", MODCOMP_XZ, out, sizeof(out)), -EINVAL);
	assert_int_equal(modcomp_stored_path(".ko", MODCOMP_XZ, out, sizeof(out)), -EINVAL);
	assert_int_equal(modcomp_stored_path("kernel/a/b.ko", MODCOMP_XZ, out, 10), -ENAMETOOLONG);
	assert_int_equal(modcomp_from_name("xz"), MODCOMP_XZ);
	assert_int_equal(modcomp_from_name("none"), MODCOMP_NONE);
	assert_int_equal(modcomp_from_name("zstd"), -1);
	assert_string_equal(modcomp_name(MODCOMP_XZ), "xz");
}

static void test_rewrite_dep(void **state)
{
	(void)state;
	static const char dep[] =
		"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko.zst\n"
		"kernel/drivers/block/virtio_blk.ko:\n"
		"\n";
	char *out;
	size_t len;

	assert_int_equal(modcomp_rewrite_dep(dep, strlen(dep), MODCOMP_XZ, &out, &len), 0);
	assert_string_equal(out,
		"kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz kernel/fs/mbcache.ko.xz\n"
		"kernel/drivers/block/virtio_blk.ko.xz:\n"
		"\n");
	assert_int_equal(len, strlen(out));
	free(out);
	assert_int_equal(modcomp_rewrite_dep(dep, strlen(dep), MODCOMP_NONE, &out, &len), 0);
	assert_string_equal(out,
		"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko\n"
		"kernel/drivers/block/virtio_blk.ko:\n"
		"\n");
	free(out);
	/* a word that is no module path is an error, not copied blindly */
	assert_int_equal(modcomp_rewrite_dep("a.ko: b.txt\n", 12, MODCOMP_XZ, &out, &len), -EINVAL);
	/* the shortest words grow the most: still within the buffer */
	assert_int_equal(modcomp_rewrite_dep("a.ko:a.ko a.ko", 14, MODCOMP_XZ, &out, &len), 0);
	assert_string_equal(out, "a.ko.xz:a.ko.xz a.ko.xz");
	free(out);
}

static void write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
}

static void test_cache(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_modxz.XXXXXX", path[4096];
	uint8_t sha[SHA256_LEN] = { 1, 2, 3 }, *xz, *got;
	size_t xzlen, gotlen;
	uint8_t *in = make_input(40000);
	struct stat st;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(modcomp_encode(in, 40000, &xz, &xzlen), 0);
	assert_int_equal(modcomp_cache_get(dir, sha, 40000, &got, &gotlen), -ENOENT);
	assert_int_equal(modcomp_cache_put(dir, sha, 40000, xz, xzlen), 0);
	assert_int_equal(modcomp_cache_get(dir, sha, 40000, &got, &gotlen), 0);
	assert_int_equal(gotlen, xzlen);
	assert_memory_equal(got, xz, xzlen);
	free(got);
	/* the module's size is part of what is checked */
	assert_int_equal(modcomp_cache_get(dir, sha, 40001, &got, &gotlen), -EBADMSG);
	/* a flipped byte, and a cut entry, are found out */
	assert_int_equal(modcomp_cache_path(dir, sha, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	{
		FILE *f = fopen(path, "r+b");

		fseek(f, st.st_size - 20, SEEK_SET);
		fputc(0xAA ^ fgetc(f), f);
		fclose(f);
	}
	assert_int_equal(modcomp_cache_get(dir, sha, 40000, &got, &gotlen), -EBADMSG);
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(modcomp_cache_get(dir, sha, 40000, &got, &gotlen), -EBADMSG);
	unlink(path);
	rmdir(dir);
	free(in);
	free(xz);
}

/* modcomp_run over module files of each kind, in both modes, with a cache whose entry
 * is then corrupted: the image bytes stay the same every time. */
static void test_run(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_modxz.XXXXXX", cache[4200], p[4][4200], err[300];
	uint8_t *in = make_input(60000), *xz, *gz;
	size_t xzlen, gzlen;
	struct modcomp_item it[4];
	struct modcomp_stats st;
	struct modcomp_opts o = { MODCOMP_XZ, cache, 2 };
	uint8_t *first[4];
	size_t first_len[4];

	assert_non_null(mkdtemp(dir));
	snprintf(cache, sizeof(cache), "%s/cache/sub", dir);
	assert_int_equal(modcomp_encode(in, 60000, &xz, &xzlen), 0);
	assert_int_equal(compress_buffer(COMPRESS_GZIP, in, 60000, &gz, &gzlen), 0);
	snprintf(p[0], sizeof(p[0]), "%s/a.ko", dir);
	snprintf(p[1], sizeof(p[1]), "%s/b.ko.xz", dir);
	snprintf(p[2], sizeof(p[2]), "%s/c.ko.gz", dir);
	snprintf(p[3], sizeof(p[3]), "%s/d.ko", dir);
	write_file(p[0], in, 60000);
	write_file(p[1], xz, xzlen);
	write_file(p[2], gz, gzlen);
	write_file(p[3], in, 30000);
	for (int i = 0; i < 4; i++)
		it[i].src = p[i];

	assert_int_equal(modcomp_run(&o, it, 4, &st, err, sizeof(err)), 0);
	assert_int_equal(st.encoded, 3);
	assert_int_equal(st.kept, 1);
	assert_int_equal(it[1].how, MODCOMP_KEPT);
	assert_int_equal(st.cache_err, 0);
	/* a, b (kept as it came) and c (decoded, compressed again) are the same bytes */
	assert_int_equal(it[0].size, xzlen);
	assert_memory_equal(it[0].data, xz, xzlen);
	assert_memory_equal(it[2].data, xz, xzlen);
	for (int i = 0; i < 4; i++) {
		first[i] = it[i].data;
		first_len[i] = it[i].size;
	}

	/* again: from the cache, same bytes */
	assert_int_equal(modcomp_run(&o, it, 4, &st, err, sizeof(err)), 0);
	assert_int_equal(st.cached, 3);
	assert_int_equal(st.encoded, 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(it[i].size, first_len[i]);
		assert_memory_equal(it[i].data, first[i], first_len[i]);
		free(it[i].data);
	}

	/* d's entry corrupted: found, made again, same bytes */
	{
		uint8_t sha[SHA256_LEN];
		struct sha256 c;
		char path[4300];
		FILE *f;

		sha256_init(&c);
		sha256_update(&c, in, 30000);
		sha256_final(&c, sha);
		assert_int_equal(modcomp_cache_path(cache, sha, path, sizeof(path)), 0);
		f = fopen(path, "r+b");
		assert_non_null(f);
		fseek(f, 60, SEEK_SET);
		fputc('X', f);
		fclose(f);
	}
	assert_int_equal(modcomp_run(&o, it, 4, &st, err, sizeof(err)), 0);
	assert_int_equal(st.cached, 2);
	assert_int_equal(st.encoded, 1);
	assert_int_equal(st.remade, 1);
	assert_true(it[3].remade);
	assert_memory_equal(it[3].data, first[3], first_len[3]);
	for (int i = 0; i < 4; i++) {
		free(it[i].data);
		free(first[i]);
	}

	/* none: plain modules are left to be read, compressed ones decoded */
	o.kind = MODCOMP_NONE;
	assert_int_equal(modcomp_run(&o, it, 4, &st, err, sizeof(err)), 0);
	assert_int_equal(st.as_is, 2);
	assert_int_equal(st.decoded, 2);
	assert_null(it[0].data);
	assert_int_equal(it[1].size, 60000);
	assert_memory_equal(it[1].data, in, 60000);
	assert_memory_equal(it[2].data, in, 60000);
	free(it[1].data);
	free(it[2].data);

	/* a corrupt source module: the error names the file */
	write_file(p[2], gz, gzlen / 2);
	assert_int_equal(modcomp_run(&o, it, 4, &st, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, p[2]));
	for (int i = 0; i < 4; i++)
		free(it[i].data);

	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(in);
	free(xz);
	free(gz);
}

/* sprout-init's side: a file decoded into a memfd, read in chunks; a corrupt one is
 * refused with what was wrong. */
static void test_decode_fd(void **state)
{
	(void)state;
	char path[] = "/tmp/test_modxz.XXXXXX", msg[200];
	uint8_t *in = make_input(200000), *xz, *back = malloc(200001);
	size_t xzlen;
	int fd = mkstemp(path), out, r;

	assert_true(fd >= 0);
	assert_int_equal(modcomp_encode(in, 200000, &xz, &xzlen), 0);
	assert_int_equal(write(fd, xz, xzlen), (ssize_t)xzlen);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	out = memfd_create("test.ko", MFD_CLOEXEC);
	assert_true(out >= 0);
	assert_int_equal(modunxz_decode_fd(fd, out, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_int_equal(lseek(out, 0, SEEK_END), 200000);
	assert_int_equal(pread(out, back, 200001, 0), 200000);
	assert_memory_equal(back, in, 200000);
	close(out);

	/* one byte changed in the file: refused, saying so */
	xz[xzlen - 30] ^= 1;
	assert_int_equal(pwrite(fd, xz, xzlen, 0), (ssize_t)xzlen);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	out = memfd_create("test.ko", MFD_CLOEXEC);
	r = modunxz_decode_fd(fd, out, msg, sizeof(msg));
	assert_int_equal(r, -EBADMSG);
	assert_non_null(strstr(msg, "corrupt"));
	close(out);
	close(fd);
	unlink(path);
	free(in);
	free(xz);
	free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rewrite_dep),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_decode_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
