/* image: segment walking (plain and compressed, with padding), listing, and safe
 * extraction: nothing is ever written outside the target directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/array.h"
#include "compress.h"
#include "cpio.h"
#include "image.h"

#define REG(n, d) { .name = (n), .mode = S_IFREG | 0644, .data = (const uint8_t *)(d), .size = sizeof(d) - 1 }
#define DIR_(n) { .name = (n), .mode = S_IFDIR | 0755 }
#define LNK(n, t) { .name = (n), .mode = S_IFLNK | 0777, .data = (const uint8_t *)(t), .size = sizeof(t) - 1 }

static char base[64], target[128], outside[128], img[128];

/* ---- helpers ------------------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/sprout-test-image-XXXXXX");
	assert_non_null(mkdtemp(base));
	snprintf(target, sizeof(target), "%s/out", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	snprintf(img, sizeof(img), "%s/image", base);
	assert_int_equal(mkdir(outside, 0755), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void archive(struct cpio_buf *b, const struct cpio_entry *e, size_t n)
{
	cpio_buf_init(b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cpio_write_entry(b, &e[i]), 0);
	assert_int_equal(cpio_write_trailer(b), 0);
}

/* Appends the archive of e[0..n), compressed with kind, to *img_buf. */
static void segment(uint8_t **buf, size_t *len, enum compress_kind kind,
		    const struct cpio_entry *e, size_t n)
{
	struct cpio_buf b;
	uint8_t *c;
	size_t cl;

	archive(&b, e, n);
	assert_int_equal(compress_buffer(kind, b.data, b.len, &c, &cl), 0);
	*buf = realloc(*buf, *len + cl);
	memcpy(*buf + *len, c, cl);
	*len += cl;
	free(c);
	cpio_buf_free(&b);
}

static void pad(uint8_t **buf, size_t *len, size_t n)
{
	*buf = realloc(*buf, *len + n);
	memset(*buf + *len, 0, n);
	*len += n;
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void write_image(enum compress_kind kind, const struct cpio_entry *e, size_t n)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	segment(&buf, &len, kind, e, n);
	write_file(img, buf, len);
	free(buf);
}

static size_t count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *read_text(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = 0;
	return buf;
}

struct names {
	char all[1024];
};

static int collect(const struct cpio_entry *e, void *ctx)
{
	struct names *n = ctx;
	strcat(n->all, e->name);
	strcat(n->all, " ");
	return 0;
}

/* ---- walking ------------------------------------------------------------------- */

static void test_segments(void **state)
{
	const struct cpio_entry a[] = { REG("ucode", "u") }, b[] = { REG("g", "gz") },
				c[] = { DIR_("z"), REG("z/f", "zst") }, d[] = { REG("x", "xz") },
				e[] = { LNK("l", "g") };
	struct names n = { "" };
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[256];
	(void)state;

	/* the early-microcode layout, then each compression, with odd padding between */
	segment(&buf, &len, COMPRESS_NONE, a, 1);
	segment(&buf, &len, COMPRESS_GZIP, b, 1);
	pad(&buf, &len, 3);
	segment(&buf, &len, COMPRESS_ZSTD, c, 2);
	segment(&buf, &len, COMPRESS_XZ, d, 1);
	pad(&buf, &len, 4 + (4 - len % 4) % 4); /* an uncompressed cpio starts 4-aligned */
	segment(&buf, &len, COMPRESS_NONE, a, 1);
	segment(&buf, &len, COMPRESS_LZ4, e, 1);
	pad(&buf, &len, 1);
	if (image_walk(buf, len, collect, &n, err, sizeof(err)) != 0)
		fail_msg("image_walk: %s", err);
	assert_string_equal(n.all, "ucode g z z/f x ucode l ");
	free(buf);
}

struct walk_case {
	const char *what;
	const char *bytes;
	size_t len;
	int r;
	const char *msg;
};

static const struct walk_case walk_cases[] = {
	{ "empty", "", 0, 0, "" },
	{ "zeros", "\0\0\0\0\0", 5, 0, "" },
	{ "text", "hello world", 11, -EBADMSG, "offset 0: expected a cpio header \"070701\" or a gzip, zstd, xz or lz4 stream, found bytes 68 65 6c 6c" },
	{ "bzip2", "BZh91AY&SY", 10, -EBADMSG, "bzip2" },
	{ "lz4 frame", "\x04\x22\x4d\x18\x64\x40\xa7", 7, -EBADMSG, "legacy lz4" },
	{ "unaligned cpio", "\0" "070701", 7, -EBADMSG, "offset 1: found a cpio header at an offset" },
	{ "bad cpio", "070701zz", 8, -EBADMSG, "offset 0: truncated header" },
	{ "bad gzip", "\x1f\x8b\x08\0\0\0\0\0\0\3garbage", 17, -EBADMSG,
	  "offset 0: gzip stream corrupt or truncated" },
	{ "bad lz4 size", "\x02\x21\x4c\x18\xff\xff\0\0", 8, -EBADMSG, "lz4 stream corrupt" },
};

static void test_walk_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(walk_cases) / sizeof(walk_cases[0]); i++) {
		const struct walk_case *w = &walk_cases[i];
		struct names n = { "" };
		char err[256] = "stale";
		int r = image_walk((const uint8_t *)w->bytes, w->len, collect, &n, err, sizeof(err));
		if (r != w->r || !strstr(err, w->msg) || (w->r == 0 && err[0]))
			fail_msg("%s: r=%d err=%s", w->what, r, err);
	}
}

static void test_walk_errors_in_streams(void **state)
{
	const struct cpio_entry e[] = { REG("a", "1"), REG("b", "2") };
	struct cpio_buf b;
	struct names n = { "" };
	uint8_t *c, *buf = NULL;
	size_t cl, len = 0;
	char err[256];
	(void)state;

	/* junk after the archive, inside the gzip stream */
	archive(&b, e, 2);
	memcpy(b.data + b.len - 4, "JUNK", 4);
	assert_int_equal(compress_buffer(COMPRESS_GZIP, b.data, b.len, &c, &cl), 0);
	pad(&buf, &len, 8);
	buf = realloc(buf, len + cl);
	memcpy(buf + len, c, cl);
	len += cl;
	assert_int_equal(image_walk(buf, len, collect, &n, err, sizeof(err)), -EBADMSG);
	assert_string_equal(n.all, "a b ");
	char want[128];
	snprintf(want, sizeof(want), "offset %zu of the gzip stream at offset 8: junk", b.len - 4);
	if (!strstr(err, want))
		fail_msg("err=%s", err);
	/* the unpacked-size cap */
	assert_int_equal(image_walk_limit(buf, len, 100, collect, &n, err, sizeof(err)), -EFBIG);
	assert_non_null(strstr(err, "offset 8: gzip stream: the image unpacks to more than 100 "
				"bytes, the most that is read from one image"));
	assert_true(IMAGE_MAX_UNPACKED <= (size_t)1 << 30); /* well below the kernel's 4 GiB */
	free(c);
	free(buf);
	cpio_buf_free(&b);
}

static int fail_on_b(const struct cpio_entry *e, void *ctx)
{
	char *err = ctx;
	if (strcmp(e->name, "b") == 0) {
		snprintf(err, 256, "boom");
		return -EIO;
	}
	return 0;
}

static void test_visitor_error_located(void **state)
{
	const struct cpio_entry e[] = { REG("a", "1"), REG("b", "2") };
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[256];
	(void)state;

	/* entry "b" starts at 116: header 110 + "a\0" padded to 112, data padded to 4 */
	segment(&buf, &len, COMPRESS_NONE, e, 2);
	assert_int_equal(image_walk(buf, len, fail_on_b, err, err, sizeof(err)), -EIO);
	assert_string_equal(err, "offset 116: boom");
	free(buf);
	buf = NULL;
	len = 0;
	pad(&buf, &len, 4);
	segment(&buf, &len, COMPRESS_XZ, e, 2);
	assert_int_equal(image_walk(buf, len, fail_on_b, err, err, sizeof(err)), -EIO);
	assert_string_equal(err, "offset 116 of the xz stream at offset 4: boom");
	free(buf);
}

/* ---- listing ------------------------------------------------------------------- */

static void test_list(void **state)
{
	const struct cpio_entry e[] = {
		DIR_("bin"),
		{ .name = "bin/su", .mode = S_IFREG | 04755, .data = (const uint8_t *)"abc",
		  .size = 3 },
		LNK("sh", "bin/busybox"),
		{ .name = "dev/console", .mode = S_IFCHR | 0600, .rdevmajor = 5, .rdevminor = 1 },
		{ .name = "tmp", .mode = S_IFDIR | 01777, .uid = 1000, .gid = 100 },
		REG("odd\nname\\", "x"),
	};
	char *out = NULL, err[256];
	size_t outlen = 0;
	FILE *f;
	(void)state;

	write_image(COMPRESS_ZSTD, e, ARRAY_SIZE(e));
	f = open_memstream(&out, &outlen);
	assert_int_equal(image_list(img, f, err, sizeof(err)), 0);
	fclose(f);
	assert_string_equal(out,
		"drwxr-xr-x     0     0          0 bin\n"
		"-rwsr-xr-x     0     0          3 bin/su\n"
		"lrwxrwxrwx     0     0         11 sh -> bin/busybox\n"
		"crw-------     0     0    5,    1 dev/console\n"
		"drwxrwxrwt  1000   100          0 tmp\n"
		"-rw-r--r--     0     0          1 odd\\x0aname\\x5c\n");
	free(out);
}

static void test_list_errors(void **state)
{
	char err[256], path[160];
	FILE *f = fopen("/dev/null", "w");
	(void)state;

	snprintf(path, sizeof(path), "%s/missing", base);
	assert_int_equal(image_list(path, f, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_int_equal(image_list(base, f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	write_file(img, (const uint8_t *)"", 0);
	assert_int_equal(image_list(img, f, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "empty"));
	write_file(img, (const uint8_t *)"garbage!", 8);
	assert_int_equal(image_list(img, f, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, img));
	assert_non_null(strstr(err, "offset 0"));
	fclose(f);
}

/* ---- extracting ------------------------------------------------------------------ */

static void test_extract(void **state)
{
	const struct cpio_entry e[] = {
		DIR_("."),
		DIR_("./etc"),
		REG("etc/hostname", "sprout\n"),
		{ .name = "etc/ro", .mode = S_IFDIR | 0555 },
		REG("etc/ro/inside", "in"),
		REG("deep/er/file", "made parents"),
		{ .name = "suid", .mode = S_IFREG | 04755, .data = (const uint8_t *)"#!", .size = 2 },
		LNK("passwd", "/etc/passwd"), /* created, never followed */
		LNK("etc/up", ".."),
	};
	char err[256], path[256], link[64];
	struct stat st;
	ssize_t n;
	(void)state;

	write_image(COMPRESS_GZIP, e, ARRAY_SIZE(e));
	for (int round = 0; round < 2; round++) { /* the second writes over the first */
		assert_int_equal(image_extract(img, target, err, sizeof(err)), 0);
		snprintf(path, sizeof(path), "%s/etc/hostname", target);
		assert_string_equal(read_text(path), "sprout\n");
		snprintf(path, sizeof(path), "%s/etc/ro/inside", target);
		assert_string_equal(read_text(path), "in");
		snprintf(path, sizeof(path), "%s/deep/er/file", target);
		assert_string_equal(read_text(path), "made parents");
		snprintf(path, sizeof(path), "%s/suid", target);
		assert_int_equal(lstat(path, &st), 0);
		assert_int_equal(st.st_mode, S_IFREG | 0755);
		snprintf(path, sizeof(path), "%s/etc/ro", target);
		assert_int_equal(lstat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0755);
		snprintf(path, sizeof(path), "%s/passwd", target);
		n = readlink(path, link, sizeof(link) - 1);
		assert_true(n > 0);
		link[n] = 0;
		assert_string_equal(link, "/etc/passwd");
	}
	assert_int_equal(count_dir(outside), 0);
}

struct refusal {
	const char *what;
	struct cpio_entry e[3];
	size_t n;
	int r;
	const char *msg;
	bool nothing_written;
};

static const struct refusal refusals[] = {
	{ "dotdot", { REG("../x", "evil") }, 1, -EPERM, "entry \"../x\": name has a \"..\"", true },
	{ "absolute", { REG("/abs", "evil") }, 1, -EPERM, "entry \"/abs\": absolute name", true },
	{ "dotdot inside", { DIR_("a"), REG("a/../../b", "evil") }, 2, -EPERM,
	  "entry \"a/../../b\"", true },
	{ "device", { { .name = "dev/sda", .mode = S_IFBLK | 0600, .rdevmajor = 8 } }, 1, -EPERM,
	  "entry \"dev/sda\": is a device node", true },
	{ "fifo", { REG("ok", "1"), { .name = "fifo", .mode = S_IFIFO | 0600 } }, 2, -EPERM,
	  "entry \"fifo\"", true },
	{ "unknown type", { { .name = "what", .mode = 0170644 } }, 1, -EPERM, "unknown file type",
	  true },
	{ "symlink to /tmp", { LNK("s", "/tmp"), REG("s/sprout-test-escaped", "evil") }, 2, -ELOOP,
	  "entry \"s/sprout-test-escaped\": passes through the symlink \"s\"", false },
	{ "symlink up", { LNK("s", ".."), REG("s/escaped", "evil") }, 2, -ELOOP,
	  "passes through the symlink", false },
	{ "symlink deeper", { DIR_("d"), LNK("d/s", "/tmp"), REG("d/s/x/escaped", "evil") }, 3,
	  -ELOOP, "symlink \"s\"", false },
	{ "file as dir", { REG("f", "1"), REG("f/g", "2") }, 2, -ENOTDIR, "entry \"f/g\"", false },
};

static void test_extract_refuses(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		const struct refusal *t = &refusals[i];
		char err[256], path[256];
		int r;

		teardown(NULL);
		setup(NULL);
		write_image(COMPRESS_XZ, t->e, t->n);
		r = image_extract(img, target, err, sizeof(err));
		if (r != t->r || !strstr(err, t->msg) || !strstr(err, img))
			fail_msg("%s: r=%d err=%s", t->what, r, err);
		if (t->nothing_written && count_dir(target) != 0)
			fail_msg("%s: files written before the refusal", t->what);
		/* nothing outside: base holds only out/, outside/ (empty) and the image */
		assert_int_equal(count_dir(outside), 0);
		assert_true(count_dir(base) <= 3);
		snprintf(path, sizeof(path), "%s/b", base);
		assert_int_equal(access(path, F_OK), -1);
		assert_int_equal(access("/tmp/sprout-test-escaped", F_OK), -1);
		assert_int_equal(access("/tmp/escaped", F_OK), -1);
		assert_int_equal(access("/tmp/x/escaped", F_OK), -1);
	}
}

/* Symlinks already in the target directory are not followed either. */
static void test_extract_existing_symlink(void **state)
{
	const struct cpio_entry through[] = { REG("a/f", "evil") }, over[] = { REG("a", "file") };
	char err[256], path[256];
	(void)state;

	assert_int_equal(mkdir(target, 0755), 0);
	snprintf(path, sizeof(path), "%s/a", target);
	assert_int_equal(symlink(outside, path), 0);
	write_image(COMPRESS_LZ4, through, 1);
	assert_int_equal(image_extract(img, target, err, sizeof(err)), -ELOOP);
	assert_int_equal(count_dir(outside), 0);
	/* a file entry replaces the symlink itself */
	write_image(COMPRESS_LZ4, over, 1);
	assert_int_equal(image_extract(img, target, err, sizeof(err)), 0);
	assert_string_equal(read_text(path), "file");
	assert_int_equal(count_dir(outside), 0);
}

static void test_extract_skip_special(void **state)
{
	const struct cpio_entry e[] = {
		DIR_("dev"),
		{ .name = "dev/console", .mode = S_IFCHR | 0600, .rdevmajor = 5, .rdevminor = 1 },
		REG("init", "#!/bin/sh\n"),
	};
	char err[256], path[256];
	size_t skipped = 0;
	(void)state;

	write_image(COMPRESS_NONE, e, 3);
	assert_int_equal(image_extract(img, target, err, sizeof(err)), -EPERM);
	assert_int_equal(count_dir(target), 0);
	assert_int_equal(image_extract_flags(img, target, IMAGE_EXTRACT_SKIP_SPECIAL, &skipped,
					     err, sizeof(err)), 0);
	assert_int_equal(skipped, 1);
	snprintf(path, sizeof(path), "%s/init", target);
	assert_string_equal(read_text(path), "#!/bin/sh\n");
	snprintf(path, sizeof(path), "%s/dev/console", target);
	assert_int_equal(access(path, F_OK), -1);
}

/* The target directory may be a symlink: it is followed, as the user named it. */
static void test_extract_into_symlink(void **state)
{
	const struct cpio_entry e[] = { REG("f", "in") };
	char err[256], path[256];
	(void)state;

	assert_int_equal(symlink(outside, target), 0);
	write_image(COMPRESS_GZIP, e, 1);
	assert_int_equal(image_extract(img, target, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/f", outside);
	assert_string_equal(read_text(path), "in");
}

/* A writer flips "xx" to ".." in the image file while it is extracted: the name that is
 * written is the name that was checked (the image is read once, into private memory),
 * so nothing ever lands outside the target. */
static void test_extract_race(void **state)
{
	const struct cpio_entry e[] = { DIR_("xx"), REG("xx/escaped", "evil") };
	char err[256], path[256];
	uint8_t *buf = NULL, *at;
	size_t len = 0, ok = 0, refused = 0;
	pid_t pid;
	(void)state;

	segment(&buf, &len, COMPRESS_NONE, e, 2);
	at = memmem(buf, len, "xx/escaped", 10);
	assert_non_null(at);
	write_file(img, buf, len);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(img, O_WRONLY | O_CLOEXEC);

		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives a failed test */
		if (getppid() == 1)
			_exit(1);
		for (;;) {
			if (fd < 0 || pwrite(fd, "..", 2, at - buf) != 2 ||
			    pwrite(fd, "xx", 2, at - buf) != 2)
				_exit(1);
		}
	}
	snprintf(path, sizeof(path), "%s/escaped", base);
	for (int i = 0; i < 400; i++) {
		int r = image_extract(img, target, err, sizeof(err));

		if (r == 0)
			ok++;
		else if (r == -EPERM && strstr(err, "\"..\" component"))
			refused++;
		else
			fail_msg("run %d: r=%d err=%s", i, r, err);
		if (access(path, F_OK) == 0)
			fail_msg("run %d: a file was written outside the target", i);
	}
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(ok + refused, 400);
	assert_int_equal(count_dir(outside), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_walk_errors),
		cmocka_unit_test(test_walk_errors_in_streams),
		cmocka_unit_test(test_visitor_error_located),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_existing_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_skip_special, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_into_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_race, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
