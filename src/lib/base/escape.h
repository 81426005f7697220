/* Untrusted bytes (from the command line, the network, disks, image files) made safe to
 * print: the one escaper of the project. */
#ifndef SPROUT_BASE_ESCAPE_H
#define SPROUT_BASE_ESCAPE_H

#include <stddef.h>

/* Room for an escaped copy of a value of n bytes, shown whole: 4 bytes per input byte. */
#define ESCAPE_SIZE(n) (4 * (n) + 1)

/* Writes src[0..n) into out[size] for a log line or a listing: printable ASCII (space to
 * '~') as is, except '\\'; every other byte, and '\\', as \xHH. So no control character,
 * newline or escape sequence reaches a console, and the original bytes can be recovered.
 * When the escaped text does not fit, it ends in "..." (a log line is cut visibly, never
 * silently). Returns out; out is always NUL-terminated when size > 0. */
char *escape_bytes(const void *src, size_t n, char *out, size_t size);
/* escape_bytes() of a NUL-terminated string; NULL is shown as "". */
char *escape_str(const char *s, char *out, size_t size);

#endif
