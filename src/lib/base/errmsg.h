/* Error messages of code that may not print (library code, parsers): the caller gives a
 * buffer, the callee fills it and returns its error code. */
#ifndef SPROUT_BASE_ERRMSG_H
#define SPROUT_BASE_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>

/* Writes the message into err[errsz] (nothing when err is NULL or errsz 0) and returns rc,
 * so that `return errmsg(err, errsz, -EINVAL, "...", ...);` reports and fails at once. */
int errmsg(char *err, size_t errsz, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int verrmsg(char *err, size_t errsz, int rc, const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

#endif
