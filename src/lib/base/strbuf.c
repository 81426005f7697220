#include "base/strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void strbuf_init(struct strbuf *sb, char *buf, size_t size)
{
	*sb = (struct strbuf){ .p = buf, .size = size, .full = size == 0 };
	if (size)
		buf[0] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (sb->full)
		return;
	va_start(ap, fmt);
	k = vsnprintf(sb->p + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sb->size - sb->len) {
		sb->full = true;
		sb->p[sb->len] = '\0';
		return;
	}
	sb->len += (size_t)k;
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->full)
		return;
	if (n >= sb->size - sb->len) {
		sb->full = true;
		return;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

int strbuf_finish(struct strbuf *sb)
{
	if (sb->full) {
		if (sb->size)
			sb->p[0] = '\0';
		sb->len = 0;
		return -ENAMETOOLONG;
	}
	return (int)sb->len;
}
