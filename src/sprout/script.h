/* script: what a script given to --add-binary needs to run in the image: its
 * interpreter (the "#!" line, shebang.h), and that interpreter's own needs. For
 * "#!/usr/bin/env NAME" the program env runs is looked up in the build host's PATH,
 * and both go in. An interpreter that is itself a script is followed, up to
 * SCRIPT_MAX_DEPTH levels. */
#ifndef SPROUT_SCRIPT_H
#define SPROUT_SCRIPT_H

#include <stddef.h>

#define SCRIPT_MAX_DEPTH 4
#define SCRIPT_MAX_PROGRAMS ((size_t)2 * SCRIPT_MAX_DEPTH)

struct script_needs {
	char prog[SCRIPT_MAX_PROGRAMS][4096]; /* host paths of the programs to add too */
	size_t n;
};

/* Fills *out for the file at path (none for an ELF file or a non-script). search is
 * the ':' list env's program is looked up in. Returns 0 or -errno with err naming
 * the script and what is wrong (a malformed "#!" line, an interpreter not on this
 * host, env's program not in search, scripts nested too deep). */
int script_needs(const char *path, const char *search, struct script_needs *out, char *err,
		 size_t errsz);

struct elfdeps;

/* elfdeps_add of path (at dst in the image; NULL: at path), then of each program script_needs names (with their
 * libraries); with have_sh (a busybox at /bin/sh, --shell) "/bin/sh" is left to it.
 * Returns 0 or -errno with err saying what was missing. */
int script_add(struct elfdeps *d, const char *path, const char *dst, const char *search,
	       int have_sh, char *err, size_t errsz);

#endif
