#include "base/errmsg.h"

#include <stdio.h>

int verrmsg(char *err, size_t errsz, int rc, const char *fmt, va_list ap)
{
	if (err && errsz)
		vsnprintf(err, errsz, fmt, ap);
	return rc;
}

int errmsg(char *err, size_t errsz, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = verrmsg(err, errsz, rc, fmt, ap);
	va_end(ap);
	return rc;
}
