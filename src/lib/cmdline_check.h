/* cmdline_check: a command line checked at build time with the parser sprout-init
 * boots with (cmdline.c), so an argument sprout-init would reject or read otherwise
 * than meant is refused when the image is made, with its column, instead of being
 * noticed (or not) at boot. Pure. */
#ifndef SPROUT_CMDLINE_CHECK_H
#define SPROUT_CMDLINE_CHECK_H

#include <stddef.h>

/* Checks buf[0..len). Refused (-EINVAL, *col the 1-based column of the offending byte
 * or word, why[n] saying what was found and expected, values escaped):
 *  - a NUL, a line break or another control byte (a baked-in file is one line per
 *    argument set, and the kernel's command line is one line);
 *  - a '#' starting the line (the defaults file would read it as a comment);
 *  - an unclosed double quote (the rest of the line would become one value);
 *  - more than CMDLINE_MAX_WORDS words, more than CMDLINE_MAX_ARGS init arguments;
 *  - a word cmdline_parse rejects (a bad number, a value too long, a bad rd.break=
 *    phase ...), with its message.
 * Returns 0 when sprout-init reads every word as written. */
int cmdline_check(const char *buf, size_t len, size_t *col, char *why, size_t n);

#endif
