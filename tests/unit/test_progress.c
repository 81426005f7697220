/* Unit tests for progress: the redraw throttle, the percentage, sizes, the line and the
 * summary, and that the display writes nothing when off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "compress.h"
#include "progress.h"

#include "testutil.h"

static void test_due(void **state)
{
	(void)state;
	assert_true(progress_due(0, 5));            /* nothing drawn yet */
	assert_false(progress_due(1000, 1000));
	assert_false(progress_due(1000, 1000 + PROGRESS_REDRAW_MS - 1));
	assert_true(progress_due(1000, 1000 + PROGRESS_REDRAW_MS));
	assert_true(progress_due(1000, 999));       /* a clock that went back: draw */
	/* at most 10 redraws a second */
	assert_true(PROGRESS_REDRAW_MS >= 100);
}

static void test_percent(void **state)
{
	(void)state;
	assert_int_equal(progress_percent(0, 100), 0);
	assert_int_equal(progress_percent(42, 100), 42);
	assert_int_equal(progress_percent(1, 3), 33);
	assert_int_equal(progress_percent(999, 1000), 99);  /* not done: never 100 */
	assert_int_equal(progress_percent(99999, 100000), 99);
	assert_int_equal(progress_percent(100, 100), 100);
	assert_int_equal(progress_percent(150, 100), 100);
	assert_int_equal(progress_percent(0, 0), 100);
	assert_int_equal(progress_percent(SIZE_MAX / 2, SIZE_MAX), 50); /* no overflow */
	assert_int_equal(progress_percent(SIZE_MAX - 1, SIZE_MAX), 99);
}

static void test_size(void **state)
{
	char b[32];

	(void)state;
	progress_size(b, sizeof(b), 0);
	assert_string_equal(b, "0 B");
	progress_size(b, sizeof(b), 1023);
	assert_string_equal(b, "1023 B");
	progress_size(b, sizeof(b), 1536);
	assert_string_equal(b, "1.5 KiB");
	progress_size(b, sizeof(b), 53241344);
	assert_string_equal(b, "50.8 MiB");
	progress_size(b, sizeof(b), 3ull << 30);
	assert_string_equal(b, "3.0 GiB");
	progress_size(b, sizeof(b), UINT64_MAX);
	assert_string_equal(b, "16777216.0 TiB");
	progress_size(b, 4, 1536);                   /* truncated, terminated */
	assert_string_equal(b, "1.5");
}

static void test_line(void **state)
{
	char b[64];

	(void)state;
	progress_line(b, sizeof(b), "collecting files", -1);
	assert_string_equal(b, "sprout: collecting files");
	progress_line(b, sizeof(b), "compressing (zstd)", 42);
	assert_string_equal(b, "sprout: compressing (zstd) 42%");
}

static void test_summary(void **state)
{
	char b[256];
	struct progress_summary s = { "/boot/x.img", 413, 282, 53241344, 11225051, "zstd", 1432 };

	(void)state;
	progress_summary_format(b, sizeof(b), &s);
	assert_string_equal(b, "sprout: built /boot/x.img: 413 files, 282 modules, 50.8 MiB -> "
			    "10.7 MiB (zstd, 21%) in 1.4 s");
	s.before = 0;
	s.after = 100;
	s.ms = 59;
	s.compress = "none";
	progress_summary_format(b, sizeof(b), &s);
	assert_string_equal(b, "sprout: built /boot/x.img: 413 files, 282 modules, 0 B -> 100 B "
			    "(none, 100%) in 0.0 s");
}

/* What the display writes to stderr between enable and clear, compressing len bytes. */
static char *drawn(bool on, size_t len)
{
	char path[] = "/tmp/test_progress-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	uint8_t *in = calloc(1, len), *z = NULL;
	size_t zlen;
	char *text;

	assert_true(fd >= 0 && saved >= 0 && in);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	progress_enable(on);
	progress_stage("compressing (gzip)");
	assert_int_equal(compress_buffer(COMPRESS_GZIP, in, len, &z, &zlen), 0);
	progress_clear();
	progress_enable(false);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	text = calloc(1, 4096);
	assert_non_null(text);
	assert_true(pread(fd, text, 4095, 0) >= 0);
	close(fd);
	unlink(path);
	free(in);
	free(z);
	return text;
}

static void test_display(void **state)
{
	char *t;

	(void)state;
	t = drawn(false, 1 << 20);
	assert_string_equal(t, "");                  /* off: nothing at all */
	free(t);
	t = drawn(true, 3u * PROGRESS_STEP);
	/* the stage at once, then throttled percentages, and erased at the end */
	assert_memory_equal(t, "\rsprout: compressing (gzip)\033[K", 30);
	assert_true(strlen(t) >= 34);
	assert_string_equal(t + strlen(t) - 4, "\r\033[K");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_display),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
