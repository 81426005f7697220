/* Unit tests for elfdeps: the ELF reader on hand-made ELF images (good and broken),
 * path normalisation, and the closure on files made in a temporary directory and on
 * this host's own /usr/bin/env (interpreter + libc). */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfdeps.h"

#include "testutil.h"

/* --- a tiny ELF writer ---------------------------------------------------------------
 * Layout: Ehdr, 3 Phdrs (LOAD of the whole file at vaddr 0x400000, INTERP, DYNAMIC),
 * the interpreter string, the dynamic array, the string table. */
struct spec {
	const char *interp;            /* NULL: no PT_INTERP */
	const char *needed[8];
	const char *runpath, *rpath;
	bool no_dynamic;
	/* breakages */
	uint64_t interp_off_add;       /* added to PT_INTERP's offset */
	bool interp_unterminated;
	bool no_strtab;
	uint64_t strtab_vaddr_add;     /* moves DT_STRTAB */
	uint64_t strsz_add;            /* grows DT_STRSZ */
	uint64_t needed_idx_add;       /* moves the first DT_NEEDED index */
	uint16_t machine;              /* 0: EM_X86_64 */
};

#define BASE 0x400000u

static size_t make_elf(const struct spec *sp, uint8_t *buf, size_t cap)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	size_t off = sizeof(*eh) + 3 * sizeof(*ph), interp_off = off, dyn_off, str_off;
	char strtab[1024] = "";
	size_t strsz = 1, idx_needed[8], idx_run = 0, idx_rpath = 0, nn = 0;
	Elf64_Dyn *dyn;
	size_t nd = 0;

	memset(buf, 0, cap);
	if (sp->interp) {
		size_t n = strlen(sp->interp) + (sp->interp_unterminated ? 0 : 1);

		memcpy(buf + off, sp->interp, n);
		off += n;
	}
	off = (off + 7) & ~(size_t)7;
	dyn_off = off;
	for (; nn < N(sp->needed) && sp->needed[nn]; nn++) {
		idx_needed[nn] = strsz;
		strcpy(strtab + strsz, sp->needed[nn]);
		strsz += strlen(sp->needed[nn]) + 1;
	}
	if (sp->runpath) {
		idx_run = strsz;
		strcpy(strtab + strsz, sp->runpath);
		strsz += strlen(sp->runpath) + 1;
	}
	if (sp->rpath) {
		idx_rpath = strsz;
		strcpy(strtab + strsz, sp->rpath);
		strsz += strlen(sp->rpath) + 1;
	}
	dyn = (Elf64_Dyn *)(buf + dyn_off);
	for (size_t i = 0; i < nn; i++)
		dyn[nd++] = (Elf64_Dyn){ DT_NEEDED, { idx_needed[i] + (i ? 0 : sp->needed_idx_add) } };
	if (sp->runpath)
		dyn[nd++] = (Elf64_Dyn){ DT_RUNPATH, { idx_run } };
	if (sp->rpath)
		dyn[nd++] = (Elf64_Dyn){ DT_RPATH, { idx_rpath } };
	str_off = dyn_off + (nd + 3) * sizeof(*dyn);
	if (!sp->no_strtab)
		dyn[nd++] = (Elf64_Dyn){ DT_STRTAB, { BASE + str_off + sp->strtab_vaddr_add } };
	dyn[nd++] = (Elf64_Dyn){ DT_STRSZ, { strsz + sp->strsz_add } };
	dyn[nd++] = (Elf64_Dyn){ DT_NULL, { 0 } };
	memcpy(buf + str_off, strtab, strsz);
	off = str_off + strsz;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = sp->machine ? sp->machine : EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0, .p_vaddr = BASE, .p_filesz = off,
			      .p_memsz = off, .p_align = 0x1000 };
	ph[1] = (Elf64_Phdr){ .p_type = sp->interp ? PT_INTERP : PT_NULL,
			      .p_offset = interp_off + sp->interp_off_add,
			      .p_filesz = sp->interp ? strlen(sp->interp) + !sp->interp_unterminated
						     : 0 };
	ph[2] = (Elf64_Phdr){ .p_type = sp->no_dynamic ? PT_NULL : PT_DYNAMIC, .p_offset = dyn_off,
			      .p_vaddr = BASE + dyn_off, .p_filesz = nd * sizeof(*dyn) };
	return off;
}

static void test_parse_table(void **state)
{
	static const struct {
		struct spec sp;
		int ret;
		const char *interp, *needed, *runpath, *rpath;
	} cases[] = {
		{ { .interp = "/lib64/ld-linux-x86-64.so.2", .needed = { "libc.so.6" } }, 0,
		  "/lib64/ld-linux-x86-64.so.2", "libc.so.6,", NULL, NULL },
		{ { .needed = { "liba.so.1", "libb.so.2", "libc.so.6" }, .runpath = "$ORIGIN/../lib" },
		  0, NULL, "liba.so.1,libb.so.2,libc.so.6,", "$ORIGIN/../lib", NULL },
		{ { .needed = { "x" }, .rpath = "/opt/x/lib:/opt/y" }, 0, NULL, "x,", NULL,
		  "/opt/x/lib:/opt/y" },
		{ { .no_dynamic = true }, 0, NULL, "", NULL, NULL },  /* static */
		{ { .interp = "/i" }, 0, "/i", "", NULL, NULL },
		/* broken */
		{ { .interp = "/i", .interp_off_add = 1u << 20 }, -EBADMSG, NULL, NULL, NULL, NULL },
		{ { .interp = "/lib/ld", .interp_unterminated = true }, -EBADMSG, NULL, NULL, NULL, NULL },
		{ { .needed = { "a" }, .no_strtab = true }, -EBADMSG, NULL, NULL, NULL, NULL },
		{ { .needed = { "a" }, .strtab_vaddr_add = 1u << 24 }, -EBADMSG, NULL, NULL, NULL, NULL },
		{ { .needed = { "a" }, .strsz_add = 4096 }, -EBADMSG, NULL, NULL, NULL, NULL },
		{ { .needed = { "a" }, .needed_idx_add = 1000 }, -EBADMSG, NULL, NULL, NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		uint8_t buf[4096];
		size_t len = make_elf(&cases[i].sp, buf, sizeof(buf));
		struct elfdeps_info info;
		char needed[256] = "";
		int r = elfdeps_parse(buf, len, &info);

		if (r != cases[i].ret)
			fail_msg("case %zu: got %d", i, r);
		if (r < 0) {
			assert_null(info.interp);
			assert_null(info.needed);
			continue;
		}
		for (size_t k = 0; k < info.n_needed; k++) {
			strcat(needed, info.needed[k]);
			strcat(needed, ",");
		}
		if ((cases[i].interp ? !info.interp || strcmp(info.interp, cases[i].interp)
				     : info.interp != NULL) ||
		    strcmp(needed, cases[i].needed) ||
		    (cases[i].runpath ? !info.runpath || strcmp(info.runpath, cases[i].runpath)
				      : info.runpath != NULL) ||
		    (cases[i].rpath ? !info.rpath || strcmp(info.rpath, cases[i].rpath)
				    : info.rpath != NULL))
			fail_msg("case %zu: interp %s needed %s", i, info.interp, needed);
		assert_int_equal(info.elf_class, ELFCLASS64);
		assert_int_equal(info.machine, EM_X86_64);
		elfdeps_info_free(&info);
	}
}

static void test_parse_not_elf(void **state)
{
	static const char script[] = "#!/bin/sh\necho hi\n";
	struct elfdeps_info info;
	uint8_t buf[4096];
	size_t len;

	(void)state;
	assert_int_equal(elfdeps_parse((const uint8_t *)script, sizeof(script) - 1, &info), -ENOEXEC);
	assert_int_equal(elfdeps_parse((const uint8_t *)"\177ELF", 4, &info), -ENOEXEC);
	len = make_elf(&(struct spec){ .needed = { "libc.so.6" } }, buf, sizeof(buf));
	/* every truncation is refused or parsed, never read past */
	for (size_t cut = 0; cut < len; cut++) {
		int r = elfdeps_parse(buf, cut, &info);

		assert_true(r == -ENOEXEC || r == -EBADMSG || r == 0);
		if (r == 0)
			elfdeps_info_free(&info);
	}
}

static void test_normalize(void **state)
{
	static const struct {
		const char *in;
		int ret;
		const char *out;
	} cases[] = {
		{ "/", 0, "/" },
		{ "/lib/x86_64-linux-gnu/libc.so.6", 0, "/lib/x86_64-linux-gnu/libc.so.6" },
		{ "//usr///lib/", 0, "/usr/lib" },
		{ "/usr/./lib/.", 0, "/usr/lib" },
		{ "/usr/bin/../lib/x", 0, "/usr/lib/x" },
		{ "/a/..", 0, "/" },
		{ "/..", -EINVAL, NULL },
		{ "/a/../..", -EINVAL, NULL },
		{ "relative/path", -EINVAL, NULL },
		{ "", -EINVAL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char out[64];
		int r = elfdeps_normalize(cases[i].in, out, sizeof(out));

		if (r != cases[i].ret || (r == 0 && strcmp(out, cases[i].out)))
			fail_msg("case %zu: %s -> %d %s", i, cases[i].in, r, r == 0 ? out : "");
	}
	{
		char small[8];

		assert_int_equal(elfdeps_normalize("/usr/lib/x", small, sizeof(small)), -ENAMETOOLONG);
	}
}

/* --- the closure ----------------------------------------------------------------------- */

static char tmpdir[64];

static void write_elf(const char *rel, const struct spec *sp, mode_t mode)
{
	uint8_t buf[4096];
	size_t len = make_elf(sp, buf, sizeof(buf));
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static const struct elfdeps_item *find(const struct elfdeps *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const struct elfdeps_item *find(const struct elfdeps *d, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].path, path))
			return &d->items[i];
	return NULL;
}

static int setup_dir(void **state)
{
	char path[256];

	(void)state;
	strcpy(tmpdir, "/tmp/test_elfdeps.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/bin", tmpdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib", tmpdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/sub", tmpdir);
	mkdir(path, 0755);
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* prog: interpreter TMP/lib/ld.so, RUNPATH $ORIGIN/../lib, needs libfoo.so.1 (a
 * same-directory symlink), libbar.so.1 (a hard link to libfoo's file) and
 * libqux.so.1 (a symlink into another directory). libfoo needs libz.so.9, found
 * through libfoo's own RUNPATH ($ORIGIN): a RUNPATH serves only its object. */
static void test_closure(void **state)
{
	struct elfdeps d;
	char err[512], interp[128], runpath[] = "$ORIGIN/../lib", path[256], target[256];
	const struct elfdeps_item *it;

	(void)state;
	snprintf(interp, sizeof(interp), "%s/lib/ld.so", tmpdir);
	write_elf("lib/ld.so", &(struct spec){ 0 }, 0755);
	write_elf("lib/libfoo.so.1.0", &(struct spec){ .needed = { "libz.so.9" },
						      .runpath = "$ORIGIN" }, 0644);
	write_elf("lib/libz.so.9", &(struct spec){ 0 }, 0644);
	write_elf("lib/sub/libqux.so.1.0", &(struct spec){ 0 }, 0644);
	write_elf("bin/prog", &(struct spec){ .interp = interp, .runpath = runpath,
		  .needed = { "libfoo.so.1", "libbar.so.1", "libqux.so.1" } }, 0755);
	snprintf(path, sizeof(path), "%s/lib/libfoo.so.1", tmpdir);
	assert_int_equal(symlink("libfoo.so.1.0", path), 0);
	snprintf(target, sizeof(target), "%s/lib/libfoo.so.1.0", tmpdir);
	snprintf(path, sizeof(path), "%s/lib/libbar.so.1", tmpdir);
	assert_int_equal(link(target, path), 0);
	snprintf(path, sizeof(path), "%s/lib/libqux.so.1", tmpdir);
	assert_int_equal(symlink("sub/libqux.so.1.0", path), 0);

	elfdeps_init(&d);
	snprintf(path, sizeof(path), "%s/bin/prog", tmpdir);
	if (elfdeps_add(&d, path, NULL, err, sizeof(err)) != 0)
		fail_msg("elfdeps_add: %s", err);
	it = find(&d, "%s/bin/prog", tmpdir);
	assert_non_null(it);
	assert_int_equal(it->mode & 0777, 0755);
	it = find(&d, "%s/lib/ld.so", tmpdir);
	assert_true(it && it->src && !it->link);
	it = find(&d, "%s/lib/libfoo.so.1", tmpdir);
	assert_true(it && !it->src && it->link);
	assert_string_equal(it->link, "libfoo.so.1.0");
	it = find(&d, "%s/lib/libfoo.so.1.0", tmpdir);
	assert_true(it && it->src);
	/* the same inode reached again becomes a link to where it already is */
	it = find(&d, "%s/lib/libbar.so.1", tmpdir);
	assert_true(it && it->link);
	assert_string_equal(it->link, target);
	/* a link leaving its directory: absolute, to the real file, which is added */
	it = find(&d, "%s/lib/libqux.so.1", tmpdir);
	assert_true(it && it->link && it->link[0] == '/');
	assert_non_null(strstr(it->link, "/lib/sub/libqux.so.1.0"));
	assert_non_null(find(&d, "%s", it->link));
	/* libfoo's own RUNPATH ($ORIGIN) found libz */
	it = find(&d, "%s/lib/libz.so.9", tmpdir);
	assert_true(it && it->src);
	assert_int_equal(d.n, 8);
	/* adding it again changes nothing */
	assert_int_equal(elfdeps_add(&d, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(d.n, 8);
	elfdeps_free(&d);
}

static void test_missing_library(void **state)
{
	struct elfdeps d;
	char err[512], path[256];

	(void)state;
	write_elf("bin/broken", &(struct spec){ .needed = { "libdoesnotexist.so.9" } }, 0755);
	snprintf(path, sizeof(path), "%s/bin/broken", tmpdir);
	elfdeps_init(&d);
	assert_int_equal(elfdeps_add(&d, path, NULL, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "libdoesnotexist.so.9 (needed by "));
	assert_non_null(strstr(err, "/bin/broken"));
	elfdeps_free(&d);
	/* a library of another machine is skipped like ld.so skips it */
	write_elf("lib/libother.so.1", &(struct spec){ .machine = EM_AARCH64 }, 0644);
	write_elf("bin/wantsother", &(struct spec){ .needed = { "libother.so.1" },
		  .runpath = "$ORIGIN/../lib" }, 0755);
	snprintf(path, sizeof(path), "%s/bin/wantsother", tmpdir);
	elfdeps_init(&d);
	assert_int_equal(elfdeps_add(&d, path, NULL, err, sizeof(err)), -ENOENT);
	elfdeps_free(&d);
}

static void test_other_files(void **state)
{
	struct elfdeps d;
	char err[512], path[256];
	FILE *f;

	(void)state;
	elfdeps_init(&d);
	/* a script is copied with nothing to follow */
	snprintf(path, sizeof(path), "%s/bin/script", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	assert_int_equal(elfdeps_add(&d, path, "/bin/script", err, sizeof(err)), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].path, "/bin/script");
	/* the same image path for another file is refused */
	write_elf("bin/other", &(struct spec){ 0 }, 0755);
	snprintf(path, sizeof(path), "%s/bin/other", tmpdir);
	assert_int_equal(elfdeps_add(&d, path, "/bin/script", err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "/bin/script"));
	assert_int_equal(elfdeps_add(&d, "/nonexistent/prog", NULL, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/prog"));
	assert_int_equal(elfdeps_add(&d, tmpdir, NULL, err, sizeof(err)), -EINVAL);
	elfdeps_free(&d);
}

/* This host's own dynamic program: its interpreter and libc must come along. */
static void test_host_env(void **state)
{
	const char *prog = access("/usr/bin/env", X_OK) == 0 ? "/usr/bin/env" : "/bin/ls";
	const struct elfdeps_item *interp = NULL, *libc = NULL;
	struct elfdeps d;
	char err[512];

	(void)state;
	elfdeps_init(&d);
	if (elfdeps_add(&d, prog, NULL, err, sizeof(err)) != 0)
		fail_msg("%s: %s", prog, err);
	for (size_t i = 0; i < d.n; i++) {
		const char *base = strrchr(d.items[i].path, '/') + 1;

		if (!strcmp(d.items[i].path, "/lib64/ld-linux-x86-64.so.2"))
			interp = &d.items[i];
		if (!strcmp(base, "libc.so.6"))
			libc = &d.items[i];
	}
	assert_non_null(interp);
	assert_non_null(libc);
	/* every link points at something stored too */
	for (size_t i = 0; i < d.n; i++) {
		char dir[256], target[512];
		const char *l = d.items[i].link;

		if (!l)
			continue;
		snprintf(dir, sizeof(dir), "%s", d.items[i].path);
		*strrchr(dir, '/') = '\0';
		if (l[0] == '/')
			snprintf(target, sizeof(target), "%s", l);
		else
			snprintf(target, sizeof(target), "%s/%s", dir, l);
		if (!find(&d, "%s", target))
			fail_msg("%s -> %s: target not in the closure", d.items[i].path, l);
	}
	elfdeps_free(&d);
}

/* busybox-static has no interpreter and no libraries; placed as /bin/busybox. */
static void test_static_busybox(void **state)
{
	struct elfdeps d;
	char err[512];

	(void)state;
	if (access("/bin/busybox", R_OK) != 0)
		skip();
	elfdeps_init(&d);
	assert_int_equal(elfdeps_add(&d, "/bin/busybox", "/bin/busybox", err, sizeof(err)), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].src, "/bin/busybox");
	elfdeps_free(&d);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_not_elf),
		cmocka_unit_test(test_normalize),
	};
	const struct CMUnitTest files[] = {
		cmocka_unit_test(test_closure),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_other_files),
		cmocka_unit_test(test_host_env),
		cmocka_unit_test(test_static_busybox),
	};
	int r = cmocka_run_group_tests_name("elfdeps parse", pure, NULL, NULL);

	return r | cmocka_run_group_tests_name("elfdeps closure", files, setup_dir, teardown_dir);
}
