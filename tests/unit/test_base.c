/* The base helpers: whole-file read with a cap, bounded string builder, the one escaper,
 * hex digits, array growth, the monotonic clock and checked seconds → milliseconds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/array.h"
#include "base/errmsg.h"
#include "base/escape.h"
#include "base/hash.h"
#include "base/hex.h"
#include "base/monoclock.h"
#include "base/readfile.h"
#include "base/sha256.h"
#include "base/strbuf.h"

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

static void test_readfile(void **state)
{
	char dir[] = "/tmp/sprout-base-XXXXXX", path[PATH_MAX];
	char *buf;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	write_file(path, "hello\0world", 11);

	assert_int_equal(readfile_at(AT_FDCWD, path, 64, &buf, &len), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "hello\0world", 12); /* NUL-terminated after len */
	free(buf);

	/* exactly at the cap is fine, one byte over is not */
	assert_int_equal(readfile_at(AT_FDCWD, path, 11, &buf, &len), 0);
	free(buf);
	assert_int_equal(readfile_at(AT_FDCWD, path, 10, &buf, &len), -EFBIG);
	assert_null(buf);

	/* relative to a directory fd; empty files; missing files; directories */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	write_file(path, "", 0);
	assert_int_equal(readfile_at(dfd, "f", 64, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	assert_int_equal(readfile_at(dfd, "nope", 64, &buf, &len), -ENOENT);
	assert_int_equal(readfile_at(AT_FDCWD, dir, 64, &buf, &len), -EINVAL);
	close(dfd);

	/* a pseudo file that says size 0 is read to its end, and capped too */
	assert_int_equal(readfile_at(AT_FDCWD, "/proc/self/status", 1 << 20, &buf, &len), 0);
	assert_true(len > 0);
	assert_non_null(strstr(buf, "Pid:"));
	free(buf);
	assert_int_equal(readfile_at(AT_FDCWD, "/proc/self/status", 16, &buf, &len), -EFBIG);

	/* sysfs says a page (4K, 16K or 64K) for a few bytes: the size is only a hint */
	assert_int_equal(readfile_at(AT_FDCWD, "/sys/class/net/lo/address", 64, &buf, &len), 0);
	assert_int_equal(len, 18);
	assert_string_equal(buf, "00:00:00:00:00:00\n");
	free(buf);

	unlink(path);
	rmdir(dir);
}

static void test_strbuf(void **state)
{
	struct strbuf sb;
	char small[8], big[64];

	(void)state;
	strbuf_init(&sb, big, sizeof(big));
	strbuf_addf(&sb, "%s=%d", "a", 1);
	strbuf_addc(&sb, ' ');
	strbuf_add(&sb, "bc", 2);
	assert_int_equal(strbuf_finish(&sb), 6);
	assert_string_equal(big, "a=1 bc");

	/* 7 characters fit in 8 bytes, 8 do not: an error, never a cut string */
	strbuf_init(&sb, small, sizeof(small));
	strbuf_add(&sb, "1234567", 7);
	assert_int_equal(strbuf_finish(&sb), 7);
	strbuf_init(&sb, small, sizeof(small));
	strbuf_addf(&sb, "%s", "1234");
	strbuf_addf(&sb, "%s", "5678");
	strbuf_addc(&sb, 'x'); /* after a failure nothing more is added */
	assert_true(sb.full);
	assert_int_equal(strbuf_finish(&sb), -ENAMETOOLONG);
	assert_string_equal(small, "");

	strbuf_init(&sb, NULL, 0);
	strbuf_add(&sb, "a", 1);
	assert_int_equal(strbuf_finish(&sb), -ENAMETOOLONG);
}

static void test_escape(void **state)
{
	char out[64], tiny[8];

	(void)state;
	assert_string_equal(escape_str("plain text-1.2", out, sizeof(out)), "plain text-1.2");
	assert_string_equal(escape_str("a\nb", out, sizeof(out)), "a\\x0ab");
	assert_string_equal(escape_str("x\\y", out, sizeof(out)), "x\\x5cy");
	assert_string_equal(escape_str("\x1b[2J\x7f\xff", out, sizeof(out)), "\\x1b[2J\\x7f\\xff");
	assert_string_equal(escape_str(NULL, out, sizeof(out)), "");
	assert_string_equal(escape_bytes("a\0b", 3, out, sizeof(out)), "a\\x00b");

	/* too long: cut visibly with "...", never mid-escape, always terminated */
	assert_string_equal(escape_str("abcdefghij", tiny, sizeof(tiny)), "abcd...");
	assert_string_equal(escape_str("\n\n\n", tiny, sizeof(tiny)), "\\x0a...");
	assert_string_equal(escape_str("abcdefg", tiny, sizeof(tiny)), "abcdefg");
	assert_string_equal(escape_str("abcdefgh", tiny, sizeof(tiny)), "abcd...");
	assert_string_equal(escape_str("ab", tiny, 2), "."); /* too small for any byte: only the mark */
	assert_string_equal(escape_str("abc", tiny, 3), "..");
	assert_string_equal(escape_str("a", tiny, 2), "a");

	/* the full-size buffer always holds the whole value */
	char whole[ESCAPE_SIZE(4)];
	assert_string_equal(escape_bytes("\x01\x02\x03\x04", 4, whole, sizeof(whole)),
			    "\\x01\\x02\\x03\\x04");
}

static void test_hex(void **state)
{
	(void)state;
	assert_int_equal(hex_value('0'), 0);
	assert_int_equal(hex_value('9'), 9);
	assert_int_equal(hex_value('a'), 10);
	assert_int_equal(hex_value('F'), 15);
	assert_int_equal(hex_value('g'), -1);
	assert_int_equal(hex_value('/'), -1);
	assert_int_equal(hex_value(0), -1);
	assert_int_equal(hex_digit(0), '0');
	assert_int_equal(hex_digit(11), 'b');
	assert_int_equal(hex_digit(0x1f), 'f');
}

static void test_array_grow(void **state)
{
	int *a = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(array_grow((void **)&a, &cap, 1, sizeof(*a), 100), 0);
	assert_int_equal(cap, 16);
	assert_int_equal(array_grow((void **)&a, &cap, 16, sizeof(*a), 100), 0);
	assert_int_equal(cap, 16);
	assert_int_equal(array_grow((void **)&a, &cap, 17, sizeof(*a), 100), 0);
	assert_int_equal(cap, 32);
	a[31] = 7;
	assert_int_equal(array_grow((void **)&a, &cap, 70, sizeof(*a), 100), 0);
	assert_int_equal(cap, 100); /* capped at max, not doubled past it */
	assert_int_equal(a[31], 7);
	assert_int_equal(array_grow((void **)&a, &cap, 101, sizeof(*a), 100), -E2BIG);
	assert_int_equal(cap, 100);
	assert_int_equal(array_grow((void **)&a, &cap, 2, SIZE_MAX / 2, SIZE_MAX), 0); /* no growth needed */
	free(a);
	a = NULL;
	cap = 0;
	assert_int_equal(array_grow((void **)&a, &cap, 20, SIZE_MAX / 4, SIZE_MAX), -ENOMEM);
	assert_null(a);
}

static void test_clock_and_ms(void **state)
{
	int ms = -1;

	(void)state;
	uint64_t a = monoclock_ns(), b = monoclock_ns();
	assert_true(b >= a);
	assert_true(monoclock_ms() >= a / 1000000u);
	assert_int_equal(ms_from_seconds(0, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(ms_from_seconds(15, &ms), 0);
	assert_int_equal(ms, 15000);
	assert_int_equal(ms_from_seconds(INT_MAX / 1000, &ms), 0);
	assert_int_equal(ms, INT_MAX / 1000 * 1000);
	ms = 5;
	assert_int_equal(ms_from_seconds(INT_MAX / 1000 + 1, &ms), -ERANGE);
	assert_int_equal(ms_from_seconds(3000000, &ms), -ERANGE); /* wrapped once: issue 10 */
	assert_int_equal(ms_from_seconds(UINT64_MAX, &ms), -ERANGE);
	assert_int_equal(ms, 5);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* a signal during the sleep (as SIGCHLD comes to PID 1) does not shorten it */
static void test_sleep_full(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_interval = { 0, 10000 }, .it_value = { 0, 10000 } }, off = { 0 };
	uint64_t t0;

	(void)state;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &it, NULL); /* a signal every 10 ms */
	t0 = monoclock_ms();
	monoclock_sleep_ms(120);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	assert_true(monoclock_ms() - t0 >= 120);
	assert_true(monoclock_ms() - t0 < 2000);
}

static void test_errmsg(void **state)
{
	char err[16] = "old";

	(void)state;
	assert_int_equal(errmsg(err, sizeof(err), -EINVAL, "bad %s", "value"), -EINVAL);
	assert_string_equal(err, "bad value");
	/* no buffer: the code still comes back, nothing is written */
	assert_int_equal(errmsg(NULL, 0, -ENOENT, "x"), -ENOENT);
	assert_int_equal(errmsg(err, 0, 7, "y"), 7);
	assert_string_equal(err, "bad value");
	/* a message longer than the buffer stays terminated */
	assert_int_equal(errmsg(err, sizeof(err), -E2BIG, "%s", "0123456789abcdefghij"), -E2BIG);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

static void test_hash(void **state)
{
	(void)state;
	/* FNV-1a 64 reference values */
	assert_true(hash_str("") == 0xcbf29ce484222325ULL);
	assert_true(hash_str("a") == 0xaf63dc4c8601ec8cULL);
	assert_true(hash_bytes("foobar", 6) == hash_str("foobar"));
	assert_true(hash_str("foobar") == 0x85944171f73967e8ULL);
}

static void sha_of(const void *data, size_t n, size_t chunk, char hex[SHA256_HEX_LEN])
{
	const unsigned char *p = data;
	uint8_t d[SHA256_LEN];
	struct sha256 c;

	sha256_init(&c);
	for (size_t off = 0; off < n; off += chunk)
		sha256_update(&c, p + off, n - off < chunk ? n - off : chunk);
	sha256_final(&c, d);
	sha256_hex(d, hex);
}

/* FIPS 180-4 example messages, fed whole and in odd pieces that cross blocks */
static void test_sha256(void **state)
{
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[SHA256_HEX_LEN];
	uint8_t d[SHA256_LEN], want[SHA256_LEN];
	char *million = malloc(1000000);

	(void)state;
	sha_of("", 0, 1, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_of("abc", 3, 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	for (size_t chunk = 1; chunk <= 64; chunk += 7) {
		sha_of(two, strlen(two), chunk, hex);
		assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	}
	assert_non_null(million);
	memset(million, 'a', 1000000);
	sha_of(million, 1000000, 4099, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
	/* 55, 56 and 64 bytes: the padding edges */
	sha_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 55, 55, hex);
	assert_string_equal(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	sha_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 56, 5, hex);
	assert_string_equal(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	sha_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64, 64, hex);
	assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");

	/* parsing: whole, a sha256sum line, either case; refused: short, bad digit, glued */
	sha_of("abc", 3, 3, hex);
	assert_int_equal(sha256_parse_hex(hex, 64, d), 0);
	assert_string_equal(sha256_hex(d, hex), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	memcpy(want, d, sizeof(d));
	const char *line = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  root.sqfs\n";
	memset(d, 0, sizeof(d));
	assert_int_equal(sha256_parse_hex(line, strlen(line), d), 0);
	assert_memory_equal(d, want, SHA256_LEN);
	memset(d, 7, sizeof(d));
	assert_int_equal(sha256_parse_hex(hex, 63, d), -EINVAL);
	assert_int_equal(sha256_parse_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag", 64, d), -EINVAL);
	assert_int_equal(sha256_parse_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adx", 65, d), -EINVAL);
	assert_int_equal(sha256_parse_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\0", 65, d), -EINVAL);
	assert_int_equal(d[0], 7); /* unchanged on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readfile),    cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_escape),      cmocka_unit_test(test_hex),
		cmocka_unit_test(test_array_grow),  cmocka_unit_test(test_clock_and_ms),
		cmocka_unit_test(test_hash),        cmocka_unit_test(test_sha256),        cmocka_unit_test(test_errmsg),        cmocka_unit_test(test_sleep_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
