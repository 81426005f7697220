/* A bounded string builder over a caller's buffer: appends never overflow, and a result
 * that did not fit is reported as an error, never handed on cut short. */
#ifndef SPROUT_BASE_STRBUF_H
#define SPROUT_BASE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;
	size_t size, len;
	bool full; /* something did not fit: the text is incomplete */
};

/* An empty string in buf[size]. */
void strbuf_init(struct strbuf *sb, char *buf, size_t size);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_addc(struct strbuf *sb, char c);
/* The length of the text, or -ENAMETOOLONG (with the buffer emptied) when it did not fit. */
int strbuf_finish(struct strbuf *sb);

#endif
