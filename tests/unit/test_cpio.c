/* cpio: writer/reader round trip, determinism, and a table of malformed archives. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "base/array.h"
#include "cpio.h"

#define MAXE 16

struct seen {
	size_t n;
	struct cpio_entry e[MAXE];
	char names[MAXE][64];
	uint8_t data[MAXE][64];
};

static int collect(const struct cpio_entry *e, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < MAXE);
	s->e[s->n] = *e;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", e->name);
	if (e->size <= sizeof(s->data[0]))
		memcpy(s->data[s->n], e->data, e->size);
	s->n++;
	return 0;
}

static const struct cpio_entry sample[] = {
	{ .name = "bin", .mode = S_IFDIR | 0755, .nlink = 2 },
	{ .name = "bin/a", .mode = S_IFREG | 0644, .data = (const uint8_t *)"x", .size = 1 },
	{ .name = "bin/bb", .mode = S_IFREG | 0600, .uid = 7, .gid = 9, .mtime = 1234567,
	  .data = (const uint8_t *)"hello", .size = 5 },
	{ .name = "empty", .mode = S_IFREG | 0400 },
	{ .name = "sh", .mode = S_IFLNK | 0777, .data = (const uint8_t *)"bin/bb", .size = 6 },
	{ .name = "dev/console", .mode = S_IFCHR | 0600, .rdevmajor = 5, .rdevminor = 1 },
	{ .name = "abcd", .mode = S_IFREG | 0644, .data = (const uint8_t *)"1234", .size = 4 },
};
#define NSAMPLE ARRAY_SIZE(sample)

static void build(struct cpio_buf *b, size_t n)
{
	cpio_buf_init(b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cpio_write_entry(b, &sample[i]), 0);
	assert_int_equal(cpio_write_trailer(b), 0);
}

static void test_round_trip(void **state)
{
	struct cpio_buf b;
	struct seen s = { 0 };
	size_t off = 99;
	(void)state;

	build(&b, NSAMPLE);
	assert_int_equal(b.len % 512, 0);
	assert_memory_equal(b.data, "070701", 6);
	assert_int_equal(cpio_read(b.data, b.len, collect, &s, &off), 0);
	assert_int_equal(s.n, NSAMPLE);
	for (size_t i = 0; i < NSAMPLE; i++) {
		assert_string_equal(s.names[i], sample[i].name);
		assert_int_equal(s.e[i].mode, sample[i].mode);
		assert_int_equal(s.e[i].uid, sample[i].uid);
		assert_int_equal(s.e[i].gid, sample[i].gid);
		assert_int_equal(s.e[i].mtime, sample[i].mtime);
		assert_int_equal(s.e[i].rdevmajor, sample[i].rdevmajor);
		assert_int_equal(s.e[i].rdevminor, sample[i].rdevminor);
		assert_int_equal(s.e[i].nlink, sample[i].nlink ? sample[i].nlink : 1);
		assert_int_equal(s.e[i].ino, i + 1);
		assert_int_equal(s.e[i].size, sample[i].size);
		assert_memory_equal(s.data[i], sample[i].data ? sample[i].data : (const uint8_t *)"",
				    sample[i].size);
	}
	assert_int_equal(off, 99); /* untouched on success */
	cpio_buf_free(&b);
}

static void test_deterministic(void **state)
{
	struct cpio_buf a, b;
	(void)state;

	build(&a, NSAMPLE);
	build(&b, NSAMPLE);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* header of the first entry, byte for byte: ino 1, dir 0755, nlink 2, namesize 4 */
	assert_memory_equal(a.data, "070701" "00000001" "000041ED" "00000000" "00000000"
			    "00000002" "00000000" "00000000" "00000000" "00000000" "00000000"
			    "00000000" "00000004" "00000000" "bin\0", 114);
	cpio_buf_free(&a);
	cpio_buf_free(&b);
}

static void test_writer_errors(void **state)
{
	struct cpio_buf b;
	char *name = malloc(CPIO_MAX_NAME + 1);
	struct cpio_entry e = { .mode = S_IFREG | 0644 };
	(void)state;

	cpio_buf_init(&b);
	assert_int_equal(cpio_write_entry(&b, &e), -EINVAL);
	e.name = "";
	assert_int_equal(cpio_write_entry(&b, &e), -EINVAL);
	memset(name, 'a', CPIO_MAX_NAME);
	name[CPIO_MAX_NAME] = 0;
	e.name = name;
	assert_int_equal(cpio_write_entry(&b, &e), -ENAMETOOLONG);
	name[CPIO_MAX_NAME - 1] = 0; /* 4095 characters + NUL: the longest allowed */
	assert_int_equal(cpio_write_entry(&b, &e), 0);
	e.name = "x";
	e.size = 3; /* data missing */
	assert_int_equal(cpio_write_entry(&b, &e), -EINVAL);
#if SIZE_MAX > 0xffffffffu
	e.data = (const uint8_t *)"abc";
	e.size = (size_t)UINT32_MAX + 1;
	assert_int_equal(cpio_write_entry(&b, &e), -EINVAL);
#endif
	/* the long name reads back whole */
	struct seen s = { 0 };
	assert_int_equal(cpio_read(b.data, b.len, collect, &s, NULL), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(strlen(s.e[0].name), CPIO_MAX_NAME - 1);
	free(name);
	cpio_buf_free(&b);
}

/* One entry "ab" with data "hello" (header 0, name 110, data 116, end 124), then
 * the trailer at 124. Mutations below poke at it. */
static void one_entry(struct cpio_buf *b)
{
	struct cpio_entry e = { .name = "ab", .mode = S_IFREG | 0644,
				.data = (const uint8_t *)"hello", .size = 5 };
	cpio_buf_init(b);
	assert_int_equal(cpio_write_entry(b, &e), 0);
	assert_int_equal(cpio_write_trailer(b), 0);
}

#define FIELD(i) (6 + 8 * (i))

struct bad_case {
	const char *what;
	size_t at;           /* where to write */
	const char *bytes;   /* what to write there (NULL: nothing) */
	size_t len_bytes;
	size_t cut;          /* if non-zero, the archive is cut to this length */
	size_t err_off;
	const char *why;     /* substring expected in the reason */
};

static const struct bad_case bad[] = {
	{ "bad magic", 0, "070703", 6, 0, 0, "bad magic" },
	{ "odc magic", 0, "070707", 6, 0, 0, "odc" },
	{ "hex: filesize", FIELD(6) + 3, "g", 1, 0, 0, "filesize" },
	{ "hex: check", FIELD(12), " ", 1, 0, 0, "check" },
	{ "hex: sign", FIELD(0), "-", 1, 0, 0, "ino" },
	{ "namesize 0", FIELD(11), "00000000", 8, 0, 0, "name size" },
	{ "empty name", FIELD(11), "00000001", 8, 0, 0, "name is empty" },
	{ "namesize too big", FIELD(11), "00001001", 8, 0, 0, "name size" },
	{ "name without NUL", 112, "c", 1, 0, 0, "NUL-terminated" },
	{ "NUL inside name", 110, "\0", 1, 0, 0, "NUL byte before" },
	{ "size past end", FIELD(6), "7fffffff", 8, 0, 0, "past the end" },
	{ "name past end", FIELD(11), "00000fff", 8, 0, 0, "past the end" },
	{ "mode too wide", FIELD(1), "000181a4", 8, 0, 0, "mode" },
	{ "dir with data", FIELD(1), "000041ed", 8, 0, 0, "has data" },
	{ "symlink with NUL", FIELD(1), "0000a1ff", 8, 0, 0, "NUL byte" },
	{ "truncated header", 0, NULL, 0, 50, 0, "truncated header" },
	{ "truncated data", 0, NULL, 0, 118, 0, "past the end" },
	{ "truncated padding", 0, NULL, 0, 122, 0, "padding" },
	{ "second header cut", 0, NULL, 0, 200, 124, "truncated header" },
	{ "junk after trailer", 256, "JUNK", 4, 0, 256, "junk" },
	{ "unaligned header", 257, "0", 1, 0, 257, "broken padding" },
	{ "crc magic, bad sum", 0, "070702", 6, 0, 0, "checksum" },
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cpio_buf b;
		struct seen s = { 0 };
		const char *why = NULL;
		size_t off = 12345, len;
		int r;

		one_entry(&b);
		if (bad[i].bytes)
			memcpy(b.data + bad[i].at, bad[i].bytes, bad[i].len_bytes);
		if (strcmp(bad[i].what, "symlink with NUL") == 0)
			b.data[116] = 0; /* "hello" -> "\0ello" */
		len = bad[i].cut ? bad[i].cut : b.len;
		r = cpio_read_why(b.data, len, collect, &s, &off, &why);
		if (r != -EBADMSG || off != bad[i].err_off || !why || !strstr(why, bad[i].why))
			fail_msg("%s: r=%d off=%zu why=%s", bad[i].what, r, off, why ? why : "-");
		assert_int_equal(cpio_read(b.data, len, collect, &s, NULL), -EBADMSG);
		cpio_buf_free(&b);
	}
}

static void test_crc_format(void **state)
{
	struct cpio_buf b;
	struct seen s = { 0 };
	char sum[9];
	(void)state;

	one_entry(&b);
	memcpy(b.data, "070702", 6);
	snprintf(sum, sizeof(sum), "%08X", 'h' + 'e' + 'l' + 'l' + 'o');
	memcpy(b.data + FIELD(12), sum, 8);
	assert_int_equal(cpio_read(b.data, b.len, collect, &s, NULL), 0);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.data[0], "hello", 5);
	cpio_buf_free(&b);
}

static void test_concatenated(void **state)
{
	struct cpio_buf a, b;
	struct seen s = { 0 };
	uint8_t *cat;
	size_t len;
	(void)state;

	build(&a, 2);
	one_entry(&b);
	/* leading NULs, archive, 12 more NULs beyond the trailer's 512 padding, archive */
	len = 8 + a.len + 12 + b.len;
	cat = calloc(1, len);
	memcpy(cat + 8, a.data, a.len);
	memcpy(cat + 8 + a.len + 12, b.data, b.len);
	assert_int_equal(cpio_read(cat, len, collect, &s, NULL), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "bin");
	assert_string_equal(s.names[1], "bin/a");
	assert_string_equal(s.names[2], "ab");
	/* an archive that does not end with a trailer is still read, as the kernel does */
	s.n = 0;
	assert_int_equal(cpio_read(b.data, 124, collect, &s, NULL), 0);
	assert_int_equal(s.n, 1);
	free(cat);
	cpio_buf_free(&a);
	cpio_buf_free(&b);
}

static void test_prefix(void **state)
{
	struct cpio_buf a;
	struct seen s = { 0 };
	const char *why = NULL;
	size_t used = 0, off = 0;
	uint8_t *img;
	(void)state;

	build(&a, 3);
	img = calloc(1, a.len + 16);
	memcpy(img, a.data, a.len);
	memcpy(img + a.len + 4, "\x1f\x8b\x08\x00", 4); /* a gzip stream after 4 NULs */
	assert_int_equal(cpio_read_prefix(img, a.len + 16, collect, &s, &used, &off, &why), 0);
	assert_int_equal(used, a.len + 4);
	assert_int_equal(s.n, 3);
	/* cpio_read calls the same bytes junk */
	assert_int_equal(cpio_read_why(img, a.len + 16, collect, &s, &off, &why), -EBADMSG);
	assert_int_equal(off, a.len + 4);
	/* a foreign byte at an unaligned offset is broken padding, even for the prefix */
	memset(img + a.len, 0, 16);
	img[a.len + 5] = 0x1f;
	assert_int_equal(cpio_read_prefix(img, a.len + 16, collect, &s, &used, &off, &why),
			 -EBADMSG);
	assert_int_equal(off, a.len + 5);
	free(img);
	cpio_buf_free(&a);
}

static int stop_second(const struct cpio_entry *e, void *ctx)
{
	int *n = ctx;
	(void)e;
	return ++*n == 2 ? 42 : 0;
}

static void test_visitor_stops(void **state)
{
	struct cpio_buf b;
	int n = 0;
	(void)state;

	build(&b, NSAMPLE);
	assert_int_equal(cpio_read(b.data, b.len, stop_second, &n, NULL), 42);
	assert_int_equal(n, 2);
	assert_int_equal(cpio_read(b.data, 0, stop_second, &n, NULL), 0);
	cpio_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_crc_format),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_visitor_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
