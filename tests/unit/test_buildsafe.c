/* Unit tests for the parsers behind the build's safety checks: a module's vermagic
 * release, a command line checked at build time with sprout-init's own parser (and
 * the column of what is refused), a bzImage's release from its boot header, the CPU
 * signature in /proc/cpuinfo and its microcode file, and the padding that puts a
 * microcode file's data 16-byte aligned in the early archive. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bzimage.h"
#include "cmdline.h"
#include "cmdline_check.h"
#include "cpio.h"
#include "cpuinfo.h"
#include "modprobe_conf.h"
#include "shebang.h"
#include "vermagic.h"

#include "testutil.h"

static void test_vermagic(void **state)
{
	static const struct {
		const char *in;
		int r;
		const char *out;
	} t[] = {
		{ "6.1.0-57-amd64 SMP preempt mod_unload modversions ", 0, "6.1.0-57-amd64" },
		{ "  5.10.0-30-arm64 SMP mod_unload aarch64", 0, "5.10.0-30-arm64" },
		{ "6.12.9+bpo-amd64", 0, "6.12.9+bpo-amd64" },
		{ "", -EBADMSG, NULL },
		{ "   \t ", -EBADMSG, NULL },
		{ "6.1\x01 SMP", -EBADMSG, NULL },
		{ "../../etc SMP", -EBADMSG, NULL },
		{ "6.1.0-\xc3\xa9 SMP", -EBADMSG, NULL },
	};
	char out[VERMAGIC_MAX_RELEASE], tiny[4];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int r = vermagic_release(t[i].in, strlen(t[i].in), out, sizeof(out));

		if (r != t[i].r || (t[i].out && strcmp(out, t[i].out)))
			fail_msg("case %zu: %d \"%s\"", i, r, r ? "" : out);
	}
	/* a NUL byte ends nothing: it is refused */
	assert_int_equal(vermagic_release("6.1\0x SMP", 9, out, sizeof(out)), -EBADMSG);
	assert_int_equal(vermagic_release("6.1.0 SMP", 9, tiny, sizeof(tiny)), -ENAMETOOLONG);
}

static void test_cmdline_check(void **state)
{
	static const struct {
		const char *in;
		int r;
		size_t col;
		const char *why;
	} t[] = {
		{ "root=/dev/vda1 ro quiet", 0, 0, NULL },
		{ "root=UUID=1234 rootflags=\"a b\" -- single \"two words\"", 0, 0, NULL },
		{ "", 0, 0, NULL },
		{ "ip=dhcp rd.timeout=30 rd.break=root sprout.overlay=tmpfs", 0, 0, NULL },
		{ "root=/dev/vda1 rd.timeout=abc", -EINVAL, 16, "the word \"rd.timeout=abc\" at "
		  "column 16: rd.timeout=abc is not a whole number of seconds" },
		{ "root=\"/dev/vda1 quiet", -EINVAL, 6, "the double quote at column 6 is never closed" },
		{ "root=/dev/vda1\nquiet", -EINVAL, 15, "a line break at column 15" },
		{ "root=/dev/vda1\tquiet", 0, 0, NULL },
		{ "quiet \x1b[2J", -EINVAL, 7, "byte 0x1b at column 7" },
		{ "  # comment", -EINVAL, 3, "a '#' at column 3 starts the line" },
		{ "quiet #notacomment", 0, 0, NULL },
		{ "rd.break=nowhere", -EINVAL, 1, "rd.break= names no phase" },
		{ "quiet rd.timeout=9999999", -EINVAL, 7, "column 7" },
		{ "quiet BOOTIF=zz-zz", -EINVAL, 7, "BOOTIF" },
		{ "ip=dhcp ip=dhcp ip=dhcp ip=dhcp ip=dhcp", -EINVAL, 33, "at column 33: " },
	};
	char why[512];
	size_t col;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int r = cmdline_check(t[i].in, strlen(t[i].in), &col, why, sizeof(why));

		if (r != t[i].r || col != t[i].col || (t[i].why && !strstr(why, t[i].why)))
			fail_msg("case %zu: %d column %zu \"%s\"", i, r, col, why);
	}
}

/* More words, or init arguments, than sprout-init keeps: refused at the first one
 * dropped. */
static void test_cmdline_check_counts(void **state)
{
	char buf[CMDLINE_MAX_WORDS * 3 + 64], why[512];
	size_t col, n = 0;

	(void)state;
	for (int i = 0; i <= CMDLINE_MAX_WORDS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "a ");
	assert_int_equal(cmdline_check(buf, n, &col, why, sizeof(why)), -EINVAL);
	assert_int_equal(col, CMDLINE_MAX_WORDS * 2 + 1);
	assert_non_null(strstr(why, "more than 512 words"));
	n = (size_t)snprintf(buf, sizeof(buf), "ro --");
	for (int i = 0; i <= CMDLINE_MAX_ARGS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " x");
	assert_int_equal(cmdline_check(buf, n, &col, why, sizeof(why)), -EINVAL);
	assert_int_equal(col, 5 + 2 * CMDLINE_MAX_ARGS + 2);
	assert_non_null(strstr(why, "arguments for init"));
	/* an init argument too long for sprout-init's slot */
	n = (size_t)snprintf(buf, sizeof(buf), "-- %0300d", 7);
	assert_int_equal(cmdline_check(buf, n, &col, why, sizeof(why)), -EINVAL);
	assert_int_equal(col, 4);
}

/* A fake bzImage: boot header, protocol 2.15, loaded high, version string at
 * 0x200 + off. */
static size_t fake_kernel(uint8_t *k, size_t n, unsigned off, const char *version)
{
	memset(k, 0x90, n);
	memcpy(k + 0x202, "HdrS", 4);
	k[0x206] = 0x0f;
	k[0x207] = 0x02;
	k[0x20e] = (uint8_t)(off & 0xff);
	k[0x20f] = (uint8_t)(off >> 8);
	k[0x211] = 1;
	if (version && 0x200 + off + strlen(version) < n)
		memcpy(k + 0x200 + off, version, strlen(version) + 1);
	return n;
}

static void test_bzimage(void **state)
{
	static uint8_t k[8192];
	char out[BZIMAGE_MAX_VERSION], tiny[8];
	const char *why = NULL;

	(void)state;
	fake_kernel(k, sizeof(k), 0x3000, "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1");
	assert_int_equal(bzimage_release(k, 0x3000, out, sizeof(out), &why), -EBADMSG);
	assert_non_null(strstr(why, "past the end"));
	fake_kernel(k, sizeof(k), 0x1000, "6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1");
	assert_int_equal(bzimage_release(k, sizeof(k), out, sizeof(out), &why), 0);
	assert_string_equal(out, "6.1.0-57-amd64");
	assert_int_equal(bzimage_release(k, sizeof(k), tiny, sizeof(tiny), &why), -ENAMETOOLONG);
	/* not NUL-terminated before the end of the file */
	memset(k + 0x1200, 'x', sizeof(k) - 0x1200);
	assert_int_equal(bzimage_release(k, sizeof(k), out, sizeof(out), &why), -EBADMSG);
	fake_kernel(k, sizeof(k), 0, NULL);
	assert_int_equal(bzimage_release(k, sizeof(k), out, sizeof(out), &why), -EBADMSG);
	assert_non_null(strstr(why, "no kernel version string"));
	fake_kernel(k, sizeof(k), 0x1000, " ");
	assert_int_equal(bzimage_release(k, sizeof(k), out, sizeof(out), &why), -EBADMSG);
	fake_kernel(k, sizeof(k), 0x1000, "6.1");
	k[0x211] = 0; /* not loaded high: a zImage */
	assert_int_equal(bzimage_release(k, sizeof(k), out, sizeof(out), &why), -EBADMSG);
	assert_non_null(strstr(why, "zImage"));
	k[0x202] = 'X';
	assert_int_equal(bzimage_release(k, sizeof(k), out, sizeof(out), &why), -EBADMSG);
	assert_non_null(strstr(why, "HdrS"));
	assert_int_equal(bzimage_release(k, 0x100, out, sizeof(out), NULL), -EBADMSG);
}

static void test_cpuinfo(void **state)
{
	static const struct {
		const char *in;
		int r;
		const char *file;
	} t[] = {
		{ "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
		  "model name\t: Intel(R) Xeon(R)\nstepping\t: 4\nflags\t\t: fpu vme\n\n"
		  "processor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n", 0,
		  "intel-ucode/06-55-04" },
		{ "vendor_id : AuthenticAMD\ncpu family : 25\nmodel : 1\nstepping : 1\n", 0,
		  "amd-ucode/microcode_amd_fam19h.bin" },
		{ "vendor_id : AuthenticAMD\ncpu family : 26\nmodel : 2\n", 0,
		  "amd-ucode/microcode_amd_fam1ah.bin" },
		{ "vendor_id : AuthenticAMD\ncpu family : 16\n", 0, "amd-ucode/microcode_amd.bin" },
		{ "vendor_id : AuthenticAMD\ncpu family : 15\n", 0, NULL },
		{ "vendor_id : CentaurHauls\ncpu family : 6\n", 0, NULL },
		{ "processor : 0\nBogoMIPS : 48.00\nCPU implementer : 0x41\n", -ENOENT, NULL },
		{ "vendor_id : GenuineIntel\ncpu family : six\n", -EBADMSG, NULL },
		{ "vendor_id : GenuineIntel\ncpu family : 6\nmodel : 300\n", -EBADMSG, NULL },
		{ "", -ENOENT, NULL },
	};
	struct cpuinfo ci;
	char file[64];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int r = cpuinfo_parse(t[i].in, strlen(t[i].in), &ci), m;

		if (r != t[i].r)
			fail_msg("case %zu: %d", i, r);
		if (r)
			continue;
		m = cpuinfo_microcode_file(&ci, file, sizeof(file));
		if (t[i].file ? (m != 0 || strcmp(file, t[i].file)) : m != -ENOENT)
			fail_msg("case %zu: %d %s", i, m, m ? "" : file);
	}
	assert_int_equal(cpuinfo_parse("vendor_id : GenuineIntel\0cpu family : 6\n", 40, &ci),
			 -EBADMSG);
}

/* The data of the entry written after the padding starts aligned, whatever came
 * before, and the padding is read as nothing by the archive reader. */
static int count(const struct cpio_entry *e, void *ctx)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

static void test_pad_for_data(void **state)
{
	static const char *const names[] = { "kernel/x86/microcode/GenuineIntel.bin", "a", "ab",
					     "abc", "abcd" };

	(void)state;
	for (size_t first = 0; first < 8; first++) {
		for (size_t i = 0; i < N(names); i++) {
			struct cpio_buf b;
			char pre[16] = "p";
			struct cpio_entry e = { .name = pre, .mode = 040755 };
			struct cpio_entry f = { .name = names[i], .mode = 0100644,
						.data = (const uint8_t *)"DATA", .size = 4 };
			const uint8_t *hit;
			int n = 0;

			memset(pre + 1, 'x', first);
			cpio_buf_init(&b);
			assert_int_equal(cpio_write_entry(&b, &e), 0);
			assert_int_equal(cpio_pad_for_data(&b, names[i], 16), 0);
			assert_int_equal(b.len % 4, 0);
			assert_int_equal(cpio_write_entry(&b, &f), 0);
			assert_int_equal(cpio_write_trailer(&b), 0);
			hit = memmem(b.data, b.len, "DATA", 4);
			assert_non_null(hit);
			assert_int_equal((size_t)(hit - b.data) % 16, 0);
			assert_int_equal(cpio_read(b.data, b.len, count, &n, NULL), 0);
			assert_int_equal(n, 2);
			cpio_buf_free(&b);
		}
	}
}

static void test_shebang(void **state)
{
	static const struct {
		const char *in;
		int r;
		const char *interp, *arg;
	} t[] = {
		{ "#!/bin/sh\necho hi\n", 1, "/bin/sh", "" },
		{ "#! /usr/bin/env python3 \n", 1, "/usr/bin/env", "python3" },
		{ "#!/usr/bin/perl -w -T\n", 1, "/usr/bin/perl", "-w -T" },
		{ "#!\t/bin/bash\t-e\n", 1, "/bin/bash", "-e" },
		{ "\x7f" "ELF\x02\x01", 0, NULL, NULL },
		{ "echo hi\n", 0, NULL, NULL },
		{ "#", 0, NULL, NULL },
		{ "#!sh\n", -EBADMSG, NULL, NULL },
		{ "#!\n", -EBADMSG, NULL, NULL },
		{ "#!   \n", -EBADMSG, NULL, NULL },
		{ "#!/bin/sh\r\n", -EBADMSG, NULL, NULL },
		{ "#!/bin/sh", -EBADMSG, NULL, NULL },
	};
	struct shebang sb;
	char long_line[SHEBANG_MAX_LINE + 16];

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int r = shebang_parse(t[i].in, strlen(t[i].in), &sb);

		if (r != t[i].r || (r == 1 && (strcmp(sb.interp, t[i].interp) ||
					      strcmp(sb.arg, t[i].arg))))
			fail_msg("case %zu: %d", i, r);
	}
	assert_int_equal(shebang_parse("#!/bin/s\0h\n", 12, &sb), -EBADMSG);
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "#!/", 3);
	long_line[sizeof(long_line) - 1] = '\n';
	assert_int_equal(shebang_parse(long_line, sizeof(long_line), &sb), -EBADMSG);
}

struct seen {
	char text[1024];
};

static int collect(const struct modprobe_line *l, void *ctx)
{
	struct seen *s = ctx;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%u %s [%s] [%s]|", l->lineno, l->command,
		 l->module, l->rest);
	return 0;
}

static void test_modprobe_conf(void **state)
{
	static const struct {
		const char *in;
		int r;
		unsigned bad;
		const char *out;
	} t[] = {
		{ "# comment\noptions snd-hda-intel model=auto power_save=1\n", 0, 0,
		  "2 options [snd_hda_intel] [model=auto power_save=1]|" },
		{ "blacklist pcspkr\n\n  softdep ext4 pre: crc32c post: x\n", 0, 0,
		  "1 blacklist [pcspkr] []|3 softdep [ext4] [pre: crc32c post: x]|" },
		{ "options a \\\n b=1\ninstall foo /bin/true\n", 0, 0,
		  "1 options [a] [b=1]|3 install [] [foo /bin/true]|" },
		{ "alias pci:* x", 0, 0, "1 alias [] [pci:* x]|" },
		{ "options\n", -EBADMSG, 1, "" },
		{ "ok\nblacklist ../x\n", -EBADMSG, 2, "1 ok [] []|" },
		{ "options aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa x\n",
		  -EBADMSG, 1, "" },
	};
	struct seen s;
	unsigned bad;

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		int r;

		s.text[0] = '\0';
		r = modprobe_conf_walk(t[i].in, strlen(t[i].in), collect, &s, &bad);
		if (r != t[i].r || bad != t[i].bad || strcmp(s.text, t[i].out))
			fail_msg("case %zu: %d line %u \"%s\"", i, r, bad, s.text);
	}
	s.text[0] = '\0';
	assert_int_equal(modprobe_conf_walk("options a b\0", 12, collect, &s, &bad), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vermagic),
		cmocka_unit_test(test_cmdline_check),
		cmocka_unit_test(test_cmdline_check_counts),
		cmocka_unit_test(test_bzimage),
		cmocka_unit_test(test_cpuinfo),
		cmocka_unit_test(test_pad_for_data),
		cmocka_unit_test(test_shebang),
		cmocka_unit_test(test_modprobe_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
