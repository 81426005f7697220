/* elfdeps: what a dynamically linked program needs at run time, for the image.
 *
 * elfdeps_parse reads one ELF file's loader-facing facts (PT_INTERP, DT_NEEDED,
 * DT_RUNPATH, DT_RPATH) through the program headers, as ld.so does, so a binary
 * without section headers works too. It is pure over (buf, len): every offset and
 * string is checked against the buffer.
 *
 * elfdeps_add places a binary in the image and, transitively, its interpreter and
 * the shared libraries it needs, looked up as ld.so would: DT_RPATH (only when there
 * is no DT_RUNPATH), DT_RUNPATH, then the Debian multiarch default directories.
 *
 * Layout in the image: each library sits at the path ld.so will try (e.g.
 * /lib/x86_64-linux-gnu/libc.so.6, /lib64/ld-linux-x86-64.so.2). Directories are
 * always real directories in the image, even when the host has a merged /usr
 * (/lib -> usr/lib): a directory symlink would collide with lib/modules. File
 * symlinks are kept as symlinks: a same-directory link (libz.so.1 -> libz.so.1.2.13)
 * as it is, a link that leaves its directory as an absolute link to the file's real
 * path, which is then added too. A file reached twice (same device and inode) is
 * stored once; later paths become symlinks to the first. */
#ifndef SPROUT_ELFDEPS_H
#define SPROUT_ELFDEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ELFDEPS_MAX_NEEDED 256          /* DT_NEEDED entries of one object */
#define ELFDEPS_MAX_STR 4096            /* longest interpreter path / needed name / runpath */
#define ELFDEPS_MAX_FILE (512u << 20)   /* bigger files are refused */
#define ELFDEPS_MAX_ITEMS 4096          /* files and links one elfdeps may hold */
#define ELFDEPS_MAX_LINKS 16            /* symlinks followed for one lookup */

struct elfdeps_info {
	int elf_class;        /* ELFCLASS32 / ELFCLASS64 */
	unsigned machine;     /* e_machine */
	char *interp;         /* PT_INTERP or NULL (static binaries, libraries) */
	char *runpath;        /* DT_RUNPATH or NULL */
	char *rpath;          /* DT_RPATH or NULL */
	char **needed;        /* DT_NEEDED, in file order */
	size_t n_needed;
};

/* Returns 0, -ENOEXEC (not ELF), -EBADMSG (malformed: an offset or string outside
 * the buffer, an unterminated string), -E2BIG (over a cap), -EFBIG, -ENOMEM.
 * On success free *out with elfdeps_info_free; on failure it holds nothing. */
int elfdeps_parse(const uint8_t *buf, size_t len, struct elfdeps_info *out);
void elfdeps_info_free(struct elfdeps_info *info);

struct elfdeps_item {
	char *path;   /* absolute, normalised path in the image */
	char *src;    /* host file whose bytes go there; NULL for a symlink */
	char *link;   /* symlink target; NULL for a file */
	unsigned mode;   /* permission bits for a file */
};

struct elfdeps {
	struct elfdeps_item *items;
	size_t n, cap;
	/* (st_dev, st_ino) of each stored file, parallel to a list of image paths */
	struct elfdeps_seen *seen;
	size_t n_seen, cap_seen;
};

void elfdeps_init(struct elfdeps *d);
void elfdeps_free(struct elfdeps *d);

/* Adds host file `src` at image path `dst` (absolute; NULL means the same as src)
 * and everything it needs. Returns 0 or -errno with a message in err naming the
 * file and what was missing (e.g. "libfoo.so.1 (needed by /usr/bin/x): not found
 * in ..."). Adding the same file twice is harmless. */
int elfdeps_add(struct elfdeps *d, const char *src, const char *dst, char *err, size_t errsz);

/* Adds library `name` (a DT_NEEDED-style name: libgcc_s.so.1) the way ld.so would
 * find it for the object already added at image path `user`, with everything it
 * needs: for what a program dlopens. Returns 0 or -errno with a message in err
 * (-ENOENT: not found, or `user` not added). */
int elfdeps_add_library(struct elfdeps *d, const char *user, const char *name, char *err,
			size_t errsz);

/* Lexically normalises an absolute path into out: collapses "//" and "/./", applies
 * "..", drops a trailing "/". Returns 0, -EINVAL (not absolute, or ".." above /),
 * -ENAMETOOLONG. */
int elfdeps_normalize(const char *path, char *out, size_t outsz);

#endif
