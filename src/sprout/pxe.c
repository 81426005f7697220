/* pxe: checks a kernel command line against what iPXE and pxelinux do to it,
 * renders their two scripts, and writes a boot root (see pxe.h).
 *
 * How the loaders read the line (their sources, 2019-2024):
 *   iPXE: a script line ending in '\' continues on the next; the line is split on
 *   whitespace with no quoting; a word starting with '#' starts a comment; the words
 *   "||" "&&" ";" end the command; "${name}" inside a word is replaced by a setting;
 *   `kernel` stops reading options at the file name and joins the rest with single
 *   spaces into the kernel's command line.
 *   pxelinux: lines are read up to 4095 bytes; APPEND takes the rest of the line as
 *   it is; IPAPPEND 2 adds " BOOTIF=01-<mac>" at the very end.
 *   Linux: words split on whitespace outside double quotes; "--" ends the kernel's
 *   parameters (the rest go to init); the first '=' splits key from value. */
#include "pxe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "bzimage.h"
#include "compress.h"
#include "fileio.h"
#include "image.h"
#include "vermagic.h"

#define PXE_MAX_KERNEL ((size_t)512 << 20) /* far above any kernel; a wrong file is refused */
#define PXE_MAX_IMAGE ((size_t)4 << 30)    /* the kernel cannot unpack more either */
#define SHOW_MAX 60                        /* longest word quoted whole in a message */

/* ---- the command line ---------------------------------------------------------------- */

static bool is_printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

static int bad_byte(const char *buf, size_t i, char *err, size_t errsz)
{
	unsigned char c = (unsigned char)buf[i];

	if (c == '\n' || c == '\r')
		return errmsg(err, errsz, -EINVAL, "kernel command line: a line break at column %zu; "
			    "boot.ipxe and pxelinux.cfg/default hold the command line on one line",
			    i + 1);
	if (c == '\t')
		return errmsg(err, errsz, -EINVAL, "kernel command line: a tab at column %zu; "
			    "separate words with spaces", i + 1);
	return errmsg(err, errsz, -EINVAL, "kernel command line: byte 0x%02x at column %zu; only "
		    "printable ASCII is written into boot scripts", c, i + 1);
}

/* The byte checks: one pass over the line, tracking double quotes. */
static int check_bytes(const char *buf, size_t len, char *err, size_t errsz)
{
	bool quoted = false;
	size_t quote_at = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (!is_printable((unsigned char)c))
			return bad_byte(buf, i, err, errsz);
		if (c == '"') {
			quoted = !quoted;
			quote_at = i;
		} else if (c == '$' && i + 1 < len && buf[i + 1] == '{') {
			return errmsg(err, errsz, -EINVAL, "kernel command line: \"${\" at column %zu; "
				    "iPXE would replace ${...} with one of its settings", i + 1);
		} else if (c == ' ' && quoted && i + 1 < len && buf[i + 1] == ' ') {
			return errmsg(err, errsz, -EINVAL, "kernel command line: two spaces inside "
				    "quotes at column %zu; iPXE joins words with one space, so the "
				    "quoted value would change", i + 1);
		}
	}
	if (quoted)
		return errmsg(err, errsz, -EINVAL, "kernel command line: the double quote at column "
			    "%zu is not closed; the BOOTIF= added after the line would become part "
			    "of the quoted value", quote_at + 1);
	return 0;
}

static int bad_word(const char *w, size_t n, size_t col, const char *why, char *err,
		    size_t errsz)
{
	return errmsg(err, errsz, -EINVAL, "kernel command line: the word \"%.*s%s\" at column %zu: %s",
		    (int)(n > SHOW_MAX ? SHOW_MAX : n), w, n > SHOW_MAX ? "..." : "", col, why);
}

/* iPXE's words: runs of non-spaces, quotes or not. */
static int check_ipxe_word(const char *w, size_t n, size_t col, char *err, size_t errsz)
{
	if (w[0] == '#')
		return bad_word(w, n, col, "iPXE reads a word starting with '#' as a comment and "
				"drops the rest of the line", err, errsz);
	if ((n == 2 && (!memcmp(w, "||", 2) || !memcmp(w, "&&", 2))) || (n == 1 && w[0] == ';'))
		return bad_word(w, n, col, "iPXE reads it as the end of a command", err, errsz);
	return 0;
}

/* The kernel's words: split outside quotes; the key is what comes before the first
 * '=', compared with every quote removed (as sprout-init reads it). */
static int check_kernel_word(const char *w, size_t n, size_t col, char *err, size_t errsz)
{
	char key[8];
	size_t k = 0;

	for (size_t i = 0; i < n && w[i] != '='; i++) {
		if (w[i] == '"')
			continue;
		if (k == sizeof(key) - 1)
			return 0; /* longer than any key looked for */
		key[k++] = w[i];
	}
	key[k] = '\0';
	if (!strcmp(key, "--") && !memchr(w, '=', n))
		return bad_word(w, n, col, "the kernel passes every word after \"--\" to init, so "
				"the BOOTIF= added at the end would not reach sprout-init; give "
				"init's arguments in the image (sprout build --cmdline)", err, errsz);
	if (!strcmp(key, "BOOTIF"))
		return bad_word(w, n, col, "sprout pxe adds BOOTIF= itself, from the interface "
				"the machine boots from", err, errsz);
	if (!strcmp(key, "initrd"))
		return bad_word(w, n, col, "sprout pxe names the image itself (initrd=" PXE_INITRD
				")", err, errsz);
	return 0;
}

/* Calls fn for each word of buf: split on spaces, and outside quotes only when
 * by_quotes. Bytes are already known to be printable and quotes balanced. */
static int each_word(const char *buf, size_t len, bool by_quotes,
		     int (*fn)(const char *, size_t, size_t, char *, size_t), char *err,
		     size_t errsz)
{
	size_t i = 0;

	while (i < len) {
		size_t start;
		bool quoted = false;
		int r;

		while (i < len && buf[i] == ' ')
			i++;
		if (i == len)
			break;
		start = i;
		for (; i < len && (buf[i] != ' ' || quoted); i++)
			if (by_quotes && buf[i] == '"')
				quoted = !quoted;
		r = fn(buf + start, i - start, start + 1, err, errsz);
		if (r)
			return r;
	}
	return 0;
}

int pxe_check_cmdline(const char *buf, size_t len, char *err, size_t errsz)
{
	int r;

	if (err && errsz)
		err[0] = '\0';
	if (len > PXE_MAX_CMDLINE)
		return errmsg(err, errsz, -E2BIG, "kernel command line: %zu bytes; at most %d fit "
			    "(the kernel keeps 2047, and the loaders add initrd= and BOOTIF=)", len,
			    PXE_MAX_CMDLINE);
	r = check_bytes(buf, len, err, errsz);
	if (r == 0)
		r = each_word(buf, len, false, check_ipxe_word, err, errsz);
	if (r == 0)
		r = each_word(buf, len, true, check_kernel_word, err, errsz);
	return r;
}

/* buf's words joined by single spaces, each preceded by one space: what iPXE passes
 * on, and the same text for pxelinux so the two boots see one command line. */
static size_t join_words(const char *buf, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == ' ')
			continue;
		if (i == 0 || buf[i - 1] == ' ')
			out[n++] = ' ';
		out[n++] = buf[i];
	}
	out[n] = '\0';
	return n;
}

int pxe_render(const char *buf, size_t len, struct pxe_text *out, char *err, size_t errsz)
{
	char words[PXE_MAX_CMDLINE + 2];
	int r = pxe_check_cmdline(buf, len, err, errsz);
	int n;

	if (r)
		return r;
	join_words(buf, len, words);
	/* Both fit by construction (PXE_MAX_TEXT); checked anyway, never cut. */
	n = snprintf(out->ipxe, sizeof(out->ipxe),
		     "#!ipxe\n"
		     "# Written by sprout pxe. BOOTIF= (pxelinux's form: 01- then the MAC with\n"
		     "# hyphens) tells sprout-init which interface this machine booted from;\n"
		     "# netX is the interface iPXE opened last, the one that booted.\n"
		     "# initrd= is for UEFI iPXE builds, which hand the image to the kernel's\n"
		     "# EFI stub by name.\n"
		     "kernel " PXE_KERNEL " initrd=" PXE_INITRD "%s BOOTIF=01-${netX/mac:hexhyp}\n"
		     "initrd " PXE_INITRD "\n"
		     "boot\n", words);
	if (n < 0 || (size_t)n >= sizeof(out->ipxe))
		return errmsg(err, errsz, -ENAMETOOLONG, "boot.ipxe: longer than %zu bytes",
			    sizeof(out->ipxe) - 1);
	out->ipxe_len = (size_t)n;
	n = snprintf(out->pxelinux, sizeof(out->pxelinux),
		     "# Written by sprout pxe. IPAPPEND 2 adds BOOTIF=01-<MAC> of the interface\n"
		     "# the machine booted from, which tells sprout-init which one to bring up.\n"
		     "DEFAULT sprout\n"
		     "LABEL sprout\n"
		     "  KERNEL " PXE_KERNEL "\n"
		     "  APPEND initrd=" PXE_INITRD "%s\n"
		     "  IPAPPEND 2\n", words);
	if (n < 0 || (size_t)n >= sizeof(out->pxelinux))
		return errmsg(err, errsz, -ENAMETOOLONG, "pxelinux.cfg/default: longer than %zu bytes",
			    sizeof(out->pxelinux) - 1);
	out->pxelinux_len = (size_t)n;
	return 0;
}

const char *pxe_file_name(enum pxe_file f)
{
	static const char *const names[PXE_NFILES] = {
		[PXE_FILE_KERNEL] = PXE_KERNEL, [PXE_FILE_INITRD] = PXE_INITRD,
		[PXE_FILE_PXELINUX] = PXE_PXELINUX, [PXE_FILE_IPXE] = PXE_IPXE,
	};

	return (unsigned)f < PXE_NFILES ? names[f] : "?";
}

/* ---- the boot root ---------------------------------------------------------------------- */

struct input {
	void *map;
	const uint8_t *data; /* == map */
	size_t len;
};

static void input_free(struct input *in)
{
	if (in->map)
		munmap(in->map, in->len);
	in->map = NULL;
	in->data = NULL;
}

/* Maps a whole regular file (what names the option in messages: "--kernel"). */
static int input_map(struct input *in, const char *opt, const char *path, size_t max,
		     const char *expected, char *err, size_t errsz)
{
	struct stat st;
	void *p;
	int fd, r;

	in->map = NULL;
	in->data = NULL;
	in->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errmsg(err, errsz, -errno, "%s %s: %s (expected %s)", opt, path,
			    strerror(errno), expected);
	if (fstat(fd, &st) < 0) {
		r = errmsg(err, errsz, -errno, "%s %s: %s", opt, path, strerror(errno));
		goto out;
	}
	r = -EINVAL;
	if (!S_ISREG(st.st_mode)) {
		errmsg(err, errsz, r, "%s %s: not a regular file (expected %s)", opt, path, expected);
		goto out;
	}
	if (st.st_size == 0) {
		errmsg(err, errsz, r, "%s %s: empty (expected %s)", opt, path, expected);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = errmsg(err, errsz, -EFBIG, "%s %s: %lld bytes, more than %zu MiB (expected %s)",
			 opt, path, (long long)st.st_size, max >> 20, expected);
		goto out;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = errmsg(err, errsz, -errno, "%s %s: cannot map it: %s", opt, path, strerror(errno));
		goto out;
	}
	in->map = p;
	in->data = p;
	in->len = (size_t)st.st_size;
	r = 0;
out:
	close(fd);
	return r;
}

/* The x86 boot protocol's "HdrS" at 0x202: the file is a bzImage. */
static bool looks_like_bzimage(const struct input *in)
{
	return in->len > 0x206 && !memcmp(in->data + 0x202, "HdrS", 4);
}

/* What the image holds that the kernel must agree with: /init, and the release
 * etc/sprout/image names (sprout build writes it; "" in another image). */
struct image_facts {
	bool init;
	char kver[BZIMAGE_MAX_VERSION];
};

static int find_facts(const struct cpio_entry *e, void *ctx)
{
	struct image_facts *f = ctx;
	const char *name = e->name;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	if (strcmp(name, "init") == 0)
		f->init = true;
	if (strcmp(name, "etc/sprout/image") == 0 && e->size > 5 &&
	    !memcmp(e->data, "kver=", 5)) {
		const char *v = (const char *)e->data + 5;
		const char *nl = memchr(v, '\n', e->size - 5);
		size_t n = nl ? (size_t)(nl - v) : e->size - 5;

		if (vermagic_release(v, n, f->kver, sizeof(f->kver)) < 0)
			f->kver[0] = '\0';
	}
	return 0;
}

/* The kernel is a bzImage, of the release the image was built for. */
static int check_kernel(const struct input *kernel, const struct image_facts *f,
			const struct pxe_opts *o, char *err, size_t errsz)
{
	char release[BZIMAGE_MAX_VERSION]; /* printable, no spaces: vermagic_release */
	const char *why = NULL;
	int r = bzimage_release(kernel->data, kernel->len, release, sizeof(release), &why);

	if (r < 0)
		return errmsg(err, errsz, -EINVAL, "--kernel %s: not a bootable x86 kernel: %s "
			      "(expected a bzImage, e.g. /boot/vmlinuz-KVER)", o->kernel,
			      why ? why : strerror(-r));
	if (f->kver[0] && strcmp(f->kver, release) != 0)
		return errmsg(err, errsz, -EINVAL, "--kernel %s is release %s, but --image %s "
			      "was built for %s (its modules would not load): give the kernel "
			      "of %s, or build the image with --kver %s", o->kernel, release,
			      o->image, f->kver, f->kver, release);
	return 0;
}

static int check_inputs(const struct input *kernel, const struct input *image,
			const struct pxe_opts *o, char *err, size_t errsz)
{
	struct image_facts facts = { 0 };
	char why[512];
	int kind = compress_detect(kernel->data, kernel->len);
	int r;

	if (kind >= 0)
		return errmsg(err, errsz, -EINVAL, "--kernel %s: an initramfs (%s), not a kernel "
			    "(expected e.g. /boot/vmlinuz-KVER; are --kernel and --image swapped?)",
			    o->kernel, compress_name((enum compress_kind)kind));
	why[0] = '\0';
	r = image_walk(image->data, image->len, find_facts, &facts, why, sizeof(why));
	if (r == 0 && facts.init)
		return check_kernel(kernel, &facts, o, err, errsz);
	if (r == 0)
		return errmsg(err, errsz, -EINVAL, "--image %s: an initramfs without /init (expected "
			    "an image made by sprout build)", o->image);
	if (looks_like_bzimage(image))
		return errmsg(err, errsz, -EINVAL, "--image %s: a kernel, not an initramfs (are "
			    "--kernel and --image swapped?)", o->image);
	return errmsg(err, errsz, r, "--image %s: not an initramfs (expected an image made by "
		    "sprout build): %s", o->image, why[0] ? why : strerror(-r));
}

/* mkdir -p; the directories it makes get mode 0755 whatever the umask, since the TFTP
 * server must be able to walk in. */
static int make_dirs(const char *path, char *err, size_t errsz)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	if (len == 0 || len >= sizeof(buf))
		return errmsg(err, errsz, -ENAMETOOLONG, "--out \"%s\": %s", path,
			    len ? "path too long" : "empty path");
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) == 0) {
			if (chmod(buf, 0755) < 0)
				return errmsg(err, errsz, -errno, "%s: cannot make it world-readable: %s",
					    buf, strerror(errno));
		} else if (errno != EEXIST) {
			return errmsg(err, errsz, -errno, "%s: cannot create the directory: %s "
				    "(expected a directory for the boot files, or a path where one "
				    "can be made)", buf, strerror(errno));
		} else if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
			return errmsg(err, errsz, -ENOTDIR, "%s: exists and is not a directory "
				    "(expected a directory for the boot files)", buf);
		}
		buf[i] = path[i];
	}
	return 0;
}

/* An identical regular file, readable by everyone, is already there. */
static bool same_file(const char *path, const uint8_t *data, size_t len)
{
	struct input old;
	struct stat st;
	bool same;

	if (!data || lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 0444) != 0444 || (uint64_t)st.st_size != len)
		return false;
	if (input_map(&old, "", path, len, "", NULL, 0) < 0 || !old.data)
		return false;
	same = memcmp(old.data, data, len) == 0;
	input_free(&old);
	return same;
}

/* dir/name via dir/[sub/].base.XXXXXX, mode 0644, synced, renamed. */
static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len,
		      bool *written, char *err, size_t errsz)
{
	char path[PATH_MAX], tmp[PATH_MAX], parent[PATH_MAX];
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	int sub = slash ? (int)(slash - name) : 0;
	int fd, r;

	*written = false;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    snprintf(parent, sizeof(parent), "%s%s%.*s", dir, sub ? "/" : "", sub, name) >=
		    (int)sizeof(parent) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", parent, base) >= (int)sizeof(tmp))
		return errmsg(err, errsz, -ENAMETOOLONG, "%s/%s: path too long", dir, name);
	if (same_file(path, data, len))
		return 0;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return errmsg(err, errsz, -errno, "%s: cannot create a file there: %s (expected a "
			    "writable directory for %s)", parent, strerror(errno), base);
	r = fileio_commit(fd, tmp, path, data, len);
	if (r < 0) {
		return errmsg(err, errsz, r, "%s: writing it failed: %s", path, strerror(-r));
	}
	fileio_sync_dir(parent); /* the rename must reach the disk too */
	*written = true;
	return 0;
}

static bool private_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 || (st.st_mode & 0005) != 0005;
}

static int write_all_files(const struct pxe_opts *o, const struct input *kernel,
			   const struct input *image, const struct pxe_text *t,
			   struct pxe_report *rep, char *err, size_t errsz)
{
	const struct {
		const uint8_t *data;
		size_t len;
	} files[PXE_NFILES] = {
		[PXE_FILE_KERNEL] = { kernel->data, kernel->len },
		[PXE_FILE_INITRD] = { image->data, image->len },
		[PXE_FILE_PXELINUX] = { (const uint8_t *)t->pxelinux, t->pxelinux_len },
		[PXE_FILE_IPXE] = { (const uint8_t *)t->ipxe, t->ipxe_len },
	};
	char sub[PATH_MAX];
	int r;

	if (snprintf(sub, sizeof(sub), "%s/" PXE_PXELINUX_DIR, o->out_dir) >= (int)sizeof(sub))
		return errmsg(err, errsz, -ENAMETOOLONG, "--out %s: path too long", o->out_dir);
	r = make_dirs(sub, err, errsz);
	for (int f = 0; r == 0 && f < PXE_NFILES; f++)
		r = write_file(o->out_dir, pxe_file_name((enum pxe_file)f), files[f].data,
			       files[f].len, &rep->written[f], err, errsz);
	if (r == 0)
		rep->dir_private = private_dir(o->out_dir) || private_dir(sub);
	return r;
}

int pxe_write(const struct pxe_opts *o, struct pxe_report *rep, char *err, size_t errsz)
{
	const char *cmdline = o->cmdline ? o->cmdline : "";
	struct input kernel = { 0 }, image = { 0 };
	struct pxe_text *t;
	int r;

	memset(rep, 0, sizeof(*rep));
	if (err && errsz)
		err[0] = '\0';
	if (!o->kernel || !o->image || !o->out_dir)
		return errmsg(err, errsz, -EINVAL, "--kernel, --image and --out are required");
	/* "" would put every file in "/": refused before anything else happens. */
	if (!o->out_dir[0])
		return errmsg(err, errsz, -EINVAL, "--out \"\": empty path (expected the boot "
			    "root directory)");
	t = malloc(sizeof(*t));
	if (!t)
		return errmsg(err, errsz, -ENOMEM, "out of memory");
	r = pxe_render(cmdline, strlen(cmdline), t, err, errsz);
	if (r == 0)
		r = input_map(&kernel, "--kernel", o->kernel, PXE_MAX_KERNEL,
			      "the kernel to boot, e.g. /boot/vmlinuz-KVER", err, errsz);
	if (r == 0)
		r = input_map(&image, "--image", o->image, PXE_MAX_IMAGE,
			      "an image made by sprout build", err, errsz);
	if (r == 0)
		r = check_inputs(&kernel, &image, o, err, errsz);
	if (r == 0)
		r = write_all_files(o, &kernel, &image, t, rep, err, errsz);
	if (r == 0) {
		rep->kernel_bytes = kernel.len;
		rep->image_bytes = image.len;
	}
	input_free(&kernel);
	input_free(&image);
	free(t);
	return r;
}
