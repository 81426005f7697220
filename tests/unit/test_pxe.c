/* pxe: the command line checks (what iPXE, pxelinux and the kernel would each read),
 * the two rendered scripts, and the boot root writer on a scratch directory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpio.h"
#include "pxe.h"

/* ---- the command line ---------------------------------------------------------------- */

struct good {
	const char *in;
	const char *words; /* what both scripts carry after initrd=initrd.img */
};

static const struct good goods[] = {
	{ "", "" },
	{ "console=ttyS0 panic=1 rd.break=root", " console=ttyS0 panic=1 rd.break=root" },
	{ "   a    b  ", " a b" },                        /* runs of spaces outside quotes */
	{ "rootflags=\"a b\" ro", " rootflags=\"a b\" ro" }, /* one space inside quotes */
	{ "x=\"\" y", " x=\"\" y" },
	{ "nfsroot=10.0.0.1,10.0.0.2:/srv/root,vers=4.2 ip=dhcp",
	  " nfsroot=10.0.0.1,10.0.0.2:/srv/root,vers=4.2 ip=dhcp" },
	{ "a=x#y", " a=x#y" },               /* '#' inside a word is no comment */
	{ "a=$HOME b=} c=$", " a=$HOME b=} c=$" }, /* '$' without '{' is not expanded */
	{ "a=|| b=&& c=;", " a=|| b=&& c=;" },     /* only whole words are iPXE syntax */
	{ "--x a=-- ---", " --x a=-- ---" },       /* only a lone "--" ends the parameters */
	{ "bootif=1 BOOTIFX=1 initrdmem=0x1,2", " bootif=1 BOOTIFX=1 initrdmem=0x1,2" },
	{ "root=LABEL=x\\y", " root=LABEL=x\\y" }, /* a backslash only matters at the end */
	{ "a\\", " a\\" },                           /* ... and BOOTIF= comes after it */
};

static void test_good(void **state)
{
	static struct pxe_text t;
	char err[256], line[PXE_MAX_TEXT];

	(void)state;
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const char *in = goods[i].in;

		err[0] = 'x';
		assert_int_equal(pxe_check_cmdline(in, strlen(in), err, sizeof(err)), 0);
		assert_string_equal(err, "");
		assert_int_equal(pxe_render(in, strlen(in), &t, err, sizeof(err)), 0);
		snprintf(line, sizeof(line), "\nkernel vmlinuz initrd=initrd.img%s "
			 "BOOTIF=01-${netX/mac:hexhyp}\ninitrd initrd.img\nboot\n", goods[i].words);
		assert_non_null(strstr(t.ipxe, line));
		snprintf(line, sizeof(line), "\n  APPEND initrd=initrd.img%s\n", goods[i].words);
		assert_non_null(strstr(t.pxelinux, line));
		assert_int_equal(t.ipxe_len, strlen(t.ipxe));
		assert_int_equal(t.pxelinux_len, strlen(t.pxelinux));
	}
}

/* The whole files, once: the shape each loader needs. */
static void test_render_exact(void **state)
{
	static struct pxe_text t;
	const char *in = "console=ttyS0 panic=1";
	const char *kernel_line = "kernel vmlinuz initrd=initrd.img console=ttyS0 panic=1 "
				  "BOOTIF=01-${netX/mac:hexhyp}\n";
	char err[256];
	const char *p;

	(void)state;
	assert_int_equal(pxe_render(in, strlen(in), &t, err, sizeof(err)), 0);
	assert_memory_equal(t.ipxe, "#!ipxe\n", 7); /* iPXE's magic, then whitespace */
	p = strstr(t.ipxe, kernel_line);
	assert_non_null(p);
	assert_string_equal(p + strlen(kernel_line), "initrd initrd.img\nboot\n");
	/* Every other line is a comment: iPXE would run anything else. */
	for (p = t.ipxe; *p; p = strchr(p, '\n') + 1)
		assert_true(*p == '#' || !strncmp(p, "kernel ", 7) || !strncmp(p, "initrd ", 7) ||
			    !strcmp(p, "boot\n"));
	p = strstr(t.pxelinux, "DEFAULT sprout\n");
	assert_non_null(p);
	assert_string_equal(p, "DEFAULT sprout\nLABEL sprout\n  KERNEL vmlinuz\n"
			       "  APPEND initrd=initrd.img console=ttyS0 panic=1\n  IPAPPEND 2\n");
	for (p = t.pxelinux; *p; p = strchr(p, '\n') + 1)
		assert_true(p[0] == '#' || p[0] == 'D' || p[0] == 'L' || p[0] == ' ');
}

struct bad {
	const char *in;
	size_t len; /* 0: strlen */
	int r;
	const char *why; /* a piece of the message */
};

static const struct bad bads[] = {
	{ "a\nb", 0, -EINVAL, "line break at column 2" },
	{ "a b\r", 0, -EINVAL, "line break at column 4" },
	{ "a\tb", 0, -EINVAL, "a tab at column 2" },
	{ "a=\x80", 0, -EINVAL, "byte 0x80 at column 3" },
	{ "a=\x7f", 0, -EINVAL, "byte 0x7f" },
	{ "a\0b", 3, -EINVAL, "byte 0x00 at column 2" },
	{ "a=${net0/ip}", 0, -EINVAL, "\"${\" at column 3" },
	{ "a=${", 0, -EINVAL, "iPXE would replace" },
	{ "a=\"b c", 0, -EINVAL, "double quote at column 3 is not closed" },
	{ "a=\"b\" c=\"", 0, -EINVAL, "column 9 is not closed" },
	{ "a=\"b  c\"", 0, -EINVAL, "two spaces inside quotes at column 5" },
	{ "#a", 0, -EINVAL, "\"#a\" at column 1: iPXE reads a word starting with '#'" },
	{ "ro #rw", 0, -EINVAL, "\"#rw\" at column 4" },
	{ "ro \"x #y\"", 0, -EINVAL, "\"#y\"\" at column 7" }, /* iPXE does not know quotes */
	{ "a || b", 0, -EINVAL, "\"||\" at column 3: iPXE reads it as the end of a command" },
	{ "a && b", 0, -EINVAL, "\"&&\"" },
	{ "a ; b", 0, -EINVAL, "\";\"" },
	{ "ro -- single", 0, -EINVAL, "\"--\" at column 4: the kernel passes every word" },
	{ "--", 0, -EINVAL, "after \"--\" to init" },
	{ "ro \"--\"", 0, -EINVAL, "\"\"--\"\" at column 4" },
	{ "BOOTIF=01-52-54-00-12-34-56", 0, -EINVAL, "adds BOOTIF= itself" },
	{ "\"BOOTIF\"=x", 0, -EINVAL, "adds BOOTIF= itself" },
	{ "BOOTIF", 0, -EINVAL, "adds BOOTIF= itself" },
	{ "ro initrd=other.img", 0, -EINVAL, "\"initrd=other.img\" at column 4: sprout pxe names" },
};

static void test_bad(void **state)
{
	static struct pxe_text t;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		size_t len = bads[i].len ? bads[i].len : strlen(bads[i].in);

		err[0] = '\0';
		assert_int_equal(pxe_check_cmdline(bads[i].in, len, err, sizeof(err)), bads[i].r);
		if (!strstr(err, bads[i].why))
			fail_msg("case %zu: \"%s\" does not hold \"%s\"", i, err, bads[i].why);
		assert_int_equal(pxe_render(bads[i].in, len, &t, err, sizeof(err)), bads[i].r);
	}
}

/* The cap: PXE_MAX_CMDLINE is accepted and fits the buffers; one more is refused. */
static void test_length(void **state)
{
	static struct pxe_text t;
	static char in[PXE_MAX_CMDLINE + 2];
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(in) - 1; i++)
		in[i] = i % 2 ? ' ' : 'a'; /* the most words: the most added spaces */
	assert_int_equal(pxe_render(in, PXE_MAX_CMDLINE, &t, err, sizeof(err)), 0);
	assert_int_equal(t.ipxe_len, strlen(t.ipxe));
	assert_true(t.ipxe_len < sizeof(t.ipxe));
	assert_int_equal(pxe_check_cmdline(in, PXE_MAX_CMDLINE + 1, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "1901 bytes; at most 1900"));
	/* A short error buffer is filled, never overrun. */
	assert_int_equal(pxe_check_cmdline("a\nb", 3, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(pxe_check_cmdline("a\nb", 3, NULL, 0), -EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pxe_file_name(PXE_FILE_KERNEL), "vmlinuz");
	assert_string_equal(pxe_file_name(PXE_FILE_INITRD), "initrd.img");
	assert_string_equal(pxe_file_name(PXE_FILE_PXELINUX), "pxelinux.cfg/default");
	assert_string_equal(pxe_file_name(PXE_FILE_IPXE), "boot.ipxe");
	assert_string_equal(pxe_file_name(PXE_NFILES), "?");
}

/* ---- the writer ---------------------------------------------------------------------- */

struct scratch {
	char dir[64];
	char kernel[128], image[128], noinit[128], empty[128], out[128];
};

static void put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* An uncompressed newc image holding the given file (and etc/sprout/image naming kver,
 * when not NULL). */
static void put_image_kver(const char *path, const char *name, const char *kver)
{
	struct cpio_buf b;
	struct cpio_entry e = { .name = name, .mode = 0100755, .nlink = 1,
				.data = (const uint8_t *)"#!/bin/sh\n", .size = 10 };
	char meta[128];

	cpio_buf_init(&b);
	if (kver) {
		struct cpio_entry m = { .name = "etc/sprout/image", .mode = 0100644, .nlink = 1,
					.data = (const uint8_t *)meta };

		m.size = (size_t)snprintf(meta, sizeof(meta), "kver=%s\nmode=generic\n", kver);
		assert_int_equal(cpio_write_entry(&b, &m), 0);
	}
	assert_int_equal(cpio_write_entry(&b, &e), 0);
	assert_int_equal(cpio_write_trailer(&b), 0);
	put(path, b.data, b.len);
	cpio_buf_free(&b);
}

static void put_image(const char *path, const char *name)
{
	put_image_kver(path, name, NULL);
}

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));
	static uint8_t kernel[4096];
	char path[160];

	assert_non_null(s);
	strcpy(s->dir, "/tmp/sprout-test-pxe.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->kernel, sizeof(s->kernel), "%s/bzImage", s->dir);
	snprintf(s->image, sizeof(s->image), "%s/sprout.img", s->dir);
	snprintf(s->noinit, sizeof(s->noinit), "%s/noinit.img", s->dir);
	snprintf(s->empty, sizeof(s->empty), "%s/empty", s->dir);
	snprintf(s->out, sizeof(s->out), "%s/srv/tftp/farm", s->dir);
	for (size_t i = 0; i < sizeof(kernel); i++)
		kernel[i] = (uint8_t)(i * 7 + 3);
	kernel[0] = 'M';
	kernel[1] = 'Z';
	memcpy(kernel + 0x202, "HdrS", 4);
	kernel[0x206] = 0x0f; /* boot protocol 2.15 */
	kernel[0x207] = 0x02;
	kernel[0x20e] = 0x00; /* version string at 0x200 + 0x200 */
	kernel[0x20f] = 0x02;
	kernel[0x211] = 0x01; /* loaded high: a bzImage */
	memcpy(kernel + 0x400, "6.1.0-test-amd64 (builder@example) #1 SMP", 42);
	put(s->kernel, kernel, sizeof(kernel));
	put_image(s->image, "init");
	put_image(s->noinit, "bin/sh");
	snprintf(path, sizeof(path), "%s/other.img", s->dir);
	put_image_kver(path, "init", "6.1.0-other-amd64");
	snprintf(path, sizeof(path), "%s/same.img", s->dir);
	put_image_kver(path, "init", "6.1.0-test-amd64");
	snprintf(path, sizeof(path), "%s/notbz", s->dir);
	kernel[0x202] = 'X'; /* no boot header: e.g. a vmlinux, or a kernel of another arch */
	put(path, kernel, sizeof(kernel));
	kernel[0x202] = 'H';
	put(s->empty, "", 0);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
	free(s);
	return 0;
}

static void assert_same(const char *a, const char *b)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	assert_int_equal(system(cmd), 0);
}

static mode_t mode_of(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static void test_write(void **state)
{
	struct scratch *s = *state;
	struct pxe_opts o = { .kernel = s->kernel, .image = s->image, .out_dir = s->out,
			      .cmdline = "console=ttyS0 ip=dhcp" };
	struct pxe_report rep;
	char err[1024], path[256], cmd[512];
	struct stat st;
	mode_t old = umask(077); /* what we create must be world-readable anyway */

	assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), 0);
	umask(old);
	for (int f = 0; f < PXE_NFILES; f++) {
		assert_true(rep.written[f]);
		assert_int_equal(mode_of(s->out, pxe_file_name((enum pxe_file)f)), 0644);
	}
	assert_int_equal(mode_of(s->out, "."), 0755);
	assert_int_equal(mode_of(s->out, "pxelinux.cfg"), 0755);
	assert_false(rep.dir_private);
	assert_int_equal(rep.kernel_bytes, 4096);
	snprintf(path, sizeof(path), "%s/vmlinuz", s->out);
	assert_same(path, s->kernel);
	snprintf(path, sizeof(path), "%s/initrd.img", s->out);
	assert_same(path, s->image);
	snprintf(cmd, sizeof(cmd), "grep -qx 'kernel vmlinuz initrd=initrd.img console=ttyS0 "
		 "ip=dhcp BOOTIF=01-${netX/mac:hexhyp}' '%s/boot.ipxe' && grep -qx '  APPEND "
		 "initrd=initrd.img console=ttyS0 ip=dhcp' '%s/pxelinux.cfg/default'", s->out, s->out);
	assert_int_equal(system(cmd), 0);
	/* No temporary file is left behind. */
	snprintf(cmd, sizeof(cmd), "test \"$(cd '%s' && find . | sort | tr '\\n' ' ')\" = "
		 "'. ./boot.ipxe ./initrd.img ./pxelinux.cfg ./pxelinux.cfg/default ./vmlinuz '",
		 s->out);
	assert_int_equal(system(cmd), 0);

	/* Again: nothing changes. Then another command line: only the scripts change. */
	assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), 0);
	for (int f = 0; f < PXE_NFILES; f++)
		assert_false(rep.written[f]);
	o.cmdline = "console=ttyS0";
	assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), 0);
	assert_false(rep.written[PXE_FILE_KERNEL]);
	assert_false(rep.written[PXE_FILE_INITRD]);
	assert_true(rep.written[PXE_FILE_PXELINUX]);
	assert_true(rep.written[PXE_FILE_IPXE]);

	/* An identical file TFTP could not read, and a symlink, are replaced. */
	snprintf(path, sizeof(path), "%s/vmlinuz", s->out);
	assert_int_equal(chmod(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/initrd.img", s->out);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(s->image, path), 0);
	assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), 0);
	assert_true(rep.written[PXE_FILE_KERNEL]);
	assert_true(rep.written[PXE_FILE_INITRD]);
	assert_int_equal(mode_of(s->out, "vmlinuz"), 0644);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));

	/* A directory TFTP cannot enter is reported. */
	assert_int_equal(chmod(s->out, 0750), 0);
	assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), 0);
	assert_true(rep.dir_private);
}

struct write_bad {
	int which; /* 0 kernel, 1 image, 2 out, 3 cmdline */
	const char *value; /* "%s" is the scratch directory */
	int r;
	const char *why;
};

static const struct write_bad write_bads[] = {
	{ 0, "%s/missing", -ENOENT, "--kernel %s/missing: No such file or directory (expected "
				    "the kernel to boot" },
	{ 1, "%s/missing", -ENOENT, "--image %s/missing: No such file or directory (expected "
				    "an image made by sprout build)" },
	{ 0, "%s", -EINVAL, "--kernel %s: not a regular file" },
	{ 0, "%s/empty", -EINVAL, "--kernel %s/empty: empty" },
	{ 1, "%s/empty", -EINVAL, "--image %s/empty: empty" },
	{ 0, "%s/sprout.img", -EINVAL, "--kernel %s/sprout.img: an initramfs (none), not a "
				       "kernel" },
	{ 1, "%s/bzImage", -EINVAL, "--image %s/bzImage: a kernel, not an initramfs (are "
				    "--kernel and --image swapped?)" },
	{ 1, "%s/noinit.img", -EINVAL, "--image %s/noinit.img: an initramfs without /init" },
	{ 0, "%s/notbz", -EINVAL, "--kernel %s/notbz: not a bootable x86 kernel: no x86 boot "
				  "header (\"HdrS\" at 0x202) (expected a bzImage" },
	{ 1, "%s/other.img", -EINVAL, "is release 6.1.0-test-amd64, but --image %s/other.img was "
				      "built for 6.1.0-other-amd64 (its modules would not load): "
				      "give the kernel of 6.1.0-other-amd64, or build the image "
				      "with --kver 6.1.0-test-amd64" },
	{ 2, "%s/bzImage/sub", -ENOTDIR, "%s/bzImage: exists and is not a directory" },
	{ 2, "", -EINVAL, "--out \"\": empty path" },
	{ 3, "ro\nrw", -EINVAL, "kernel command line: a line break at column 3" },
};

/* Every refusal names the file and what was expected, and writes nothing. */
static void test_write_bad(void **state)
{
	struct scratch *s = *state;
	char err[1024], value[256], why[512], out[160];
	struct pxe_report rep;

	snprintf(out, sizeof(out), "%s/never", s->dir);
	for (size_t i = 0; i < sizeof(write_bads) / sizeof(write_bads[0]); i++) {
		const struct write_bad *b = &write_bads[i];
		struct pxe_opts o = { .kernel = s->kernel, .image = s->image, .out_dir = out };

		snprintf(value, sizeof(value), b->value, s->dir);
		snprintf(why, sizeof(why), b->why, s->dir);
		if (b->which == 0)
			o.kernel = value;
		else if (b->which == 1)
			o.image = value;
		else if (b->which == 2)
			o.out_dir = value;
		else
			o.cmdline = value;
		err[0] = '\0';
		assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), b->r);
		if (!strstr(err, why))
			fail_msg("case %zu: \"%s\" does not hold \"%s\"", i, err, why);
		assert_int_equal(access(out, F_OK), -1);
	}
	assert_int_equal(pxe_write(&(struct pxe_opts){ .kernel = s->kernel }, &rep, err,
				   sizeof(err)), -EINVAL);
}

/* An image that names the kernel's own release is accepted. */
static void test_write_same_release(void **state)
{
	struct scratch *s = *state;
	char err[1024], image[160];
	struct pxe_report rep;

	snprintf(image, sizeof(image), "%s/same.img", s->dir);
	struct pxe_opts o = { .kernel = s->kernel, .image = image, .out_dir = s->out };

	err[0] = '\0';
	assert_int_equal(pxe_write(&o, &rep, err, sizeof(err)), 0);
	assert_true(rep.written[PXE_FILE_KERNEL]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_render_exact),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_same_release, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
