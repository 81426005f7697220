/* shebang: the interpreter line of a script ("#!/bin/sh", "#! /usr/bin/env python3",
 * "#!/usr/bin/perl -w"), as the kernel reads it (fs/binfmt_script.c): "#!" at the
 * start, optional blanks, the interpreter path up to a blank, then at most one
 * argument (the rest of the line, blanks at its ends removed). Pure. */
#ifndef SPROUT_SHEBANG_H
#define SPROUT_SHEBANG_H

#include <stddef.h>

#define SHEBANG_MAX_LINE 256 /* the kernel reads this much of the line (BINPRM_BUF_SIZE) */

struct shebang {
	char interp[SHEBANG_MAX_LINE]; /* absolute path */
	char arg[SHEBANG_MAX_LINE];    /* "" when none */
};

/* Returns 1 with *out filled when buf starts with a "#!" line; 0 when it does not
 * start with "#!" (not a script); -EBADMSG when the line has no interpreter, a
 * relative one, a NUL or control byte, or no end within SHEBANG_MAX_LINE bytes. */
int shebang_parse(const char *buf, size_t len, struct shebang *out);

#endif
