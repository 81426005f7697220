/* httpresp: HTTP/1.1 response heads and chunked bodies, for the root image client. */
#include "httpresp.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "base/hex.h"

#define CHUNK_EXT_MAX 4096 /* bytes of a chunk extension or trailer line */
#define CHUNK_DIGITS_MAX 15 /* hex digits of a chunk size: up to 2^60 - 1 */

ssize_t httpresp_head_end(const char *buf, size_t len)
{
	size_t n = len < HTTPRESP_HEAD_MAX ? len : HTTPRESP_HEAD_MAX;

	for (size_t i = 0; i + 3 < n; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
			return (ssize_t)(i + 4);
	return len >= HTTPRESP_HEAD_MAX ? -E2BIG : 0;
}

static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at s[*i..len) into *v (at most 18 of them: no overflow); 0 or -1. */
static int take_u64(const char *s, size_t len, size_t *i, uint64_t *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < len && is_digit(s[*i])) {
		if (*i - start == 18)
			return -1;
		*v = *v * 10 + (uint64_t)(s[*i] - '0');
		(*i)++;
	}
	return *i > start ? 0 : -1;
}

/* Does the comma list v[0..n) hold token tok (any case)? */
static bool list_has(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok), i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && !strncasecmp(v + s, tok, tl))
			return true;
	}
	return false;
}

/* "bytes FIRST-LAST/TOTAL", or "bytes FIRST-LAST/" and a star: the total unknown */
static int parse_range(const char *v, size_t n, struct httpresp *r)
{
	size_t i = 6;
	uint64_t total = 0;

	if (n < 6 || strncasecmp(v, "bytes ", 6) != 0)
		return -1;
	while (i < n && v[i] == ' ')
		i++;
	if (take_u64(v, n, &i, &r->range_first) < 0 || i >= n || v[i++] != '-' ||
	    take_u64(v, n, &i, &r->range_last) < 0 || i >= n || v[i++] != '/')
		return -1;
	if (i < n && v[i] == '*')
		i++;
	else if (take_u64(v, n, &i, &total) < 0 || total == 0 || r->range_last >= total)
		return -1;
	if (i != n || r->range_first > r->range_last)
		return -1;
	r->range_total = total;
	r->has_range = true;
	return 0;
}

/* One header line name: value (OWS trimmed) into r. */
static int header(const char *name, size_t nl, const char *v, size_t vl, struct httpresp *r, bool *keep_alive,
		  bool *has_te, char *err, size_t errsz)
{
	char ev[ESCAPE_SIZE(64)];

#define IS(s) (nl == sizeof(s) - 1 && !strncasecmp(name, s, nl))
	escape_bytes(v, vl < 64 ? vl : 64, ev, sizeof(ev));
	if (IS("Content-Length")) {
		uint64_t len;
		size_t i = 0;

		if (take_u64(v, vl, &i, &len) < 0 || i != vl)
			return errmsg(err, errsz, -EINVAL, "Content-Length '%s' is not a byte count", ev);
		if (r->has_length && r->length != len)
			return errmsg(err, errsz, -EINVAL, "two different Content-Length values");
		r->has_length = true;
		r->length = len;
	} else if (IS("Transfer-Encoding")) {
		/* only "chunked" alone: a compressed image is not what the digest is of */
		if (vl != 7 || strncasecmp(v, "chunked", 7) != 0)
			return errmsg(err, errsz, -EINVAL, "Transfer-Encoding '%s' is not supported (only chunked)", ev);
		r->chunked = true;
		*has_te = true;
	} else if (IS("Connection")) {
		if (list_has(v, vl, "close"))
			r->close = true;
		if (list_has(v, vl, "keep-alive"))
			*keep_alive = true;
	} else if (IS("Content-Range")) {
		if (parse_range(v, vl, r) < 0)
			return errmsg(err, errsz, -EINVAL, "Content-Range '%s' is not bytes FIRST-LAST/TOTAL", ev);
	} else if (IS("Location")) {
		if (vl == 0 || vl >= sizeof(r->location))
			return errmsg(err, errsz, -EINVAL, "Location is empty or longer than %d bytes",
				      HTTPRESP_LOCATION_MAX - 1);
		memcpy(r->location, v, vl);
		r->location[vl] = '\0';
	}
#undef IS
	return 0;
}

int httpresp_parse(const char *head, size_t len, struct httpresp *out, char *err, size_t errsz)
{
	struct httpresp r;
	char e[ESCAPE_SIZE(40)];
	size_t i = 0, eol;
	bool keep_alive = false, has_te = false;
	uint64_t st;
	int rc;

	memset(&r, 0, sizeof(r));
	if (len > HTTPRESP_HEAD_MAX)
		return errmsg(err, errsz, -E2BIG, "response head longer than %d bytes", HTTPRESP_HEAD_MAX);
	if (len < 4 || memcmp(head + len - 4, "\r\n\r\n", 4) != 0)
		return errmsg(err, errsz, -EINVAL, "response head does not end with a blank line");
	if (memchr(head, '\0', len))
		return errmsg(err, errsz, -EINVAL, "response head holds a NUL byte");
	eol = (size_t)((const char *)memchr(head, '\n', len) - head);
	escape_bytes(head, eol < 40 ? eol : 40, e, sizeof(e));
	/* HTTP/1.x SP 3DIGIT [SP reason] CRLF */
	if (eol < 13 || memcmp(head, "HTTP/1.", 7) != 0 || !is_digit(head[7]) || head[8] != ' ')
		return errmsg(err, errsz, -EINVAL, "status line '%s' is not HTTP/1.x", e);
	r.version_minor = head[7] - '0';
	i = 9;
	if (take_u64(head, eol - 1, &i, &st) < 0 || i != 12 || st < 100 || st > 599 ||
	    (i < eol - 1 && head[i] != ' '))
		return errmsg(err, errsz, -EINVAL, "status line '%s' has no status code", e);
	r.status = (int)st;
	for (size_t k = i; k < eol - 1; k++)
		if ((unsigned char)head[k] < ' ' && head[k] != '\t')
			return errmsg(err, errsz, -EINVAL, "status line '%s' holds a control character", e);
	if (head[eol - 1] != '\r')
		return errmsg(err, errsz, -EINVAL, "status line '%s' does not end with CR LF", e);
	i = eol + 1;
	while (i < len - 2) { /* the last CRLF is the blank line */
		const char *line = head + i, *nl = memchr(line, '\n', len - i), *colon;
		size_t ll = (size_t)(nl - line), nlen, vs, ve;

		escape_bytes(line, ll < 40 ? ll : 40, e, sizeof(e));
		if (ll == 0 || line[ll - 1] != '\r')
			return errmsg(err, errsz, -EINVAL, "header line '%s' does not end with CR LF", e);
		ll--;
		if (line[0] == ' ' || line[0] == '\t')
			return errmsg(err, errsz, -EINVAL, "folded header line '%s'", e);
		colon = memchr(line, ':', ll);
		if (!colon || colon == line)
			return errmsg(err, errsz, -EINVAL, "header line '%s' has no NAME:", e);
		nlen = (size_t)(colon - line);
		for (size_t k = 0; k < nlen; k++)
			if (!is_tchar((unsigned char)line[k]))
				return errmsg(err, errsz, -EINVAL, "header name in '%s' is not a token", e);
		vs = nlen + 1;
		ve = ll;
		while (vs < ve && (line[vs] == ' ' || line[vs] == '\t'))
			vs++;
		while (ve > vs && (line[ve - 1] == ' ' || line[ve - 1] == '\t'))
			ve--;
		for (size_t k = vs; k < ve; k++)
			if (((unsigned char)line[k] < ' ' && line[k] != '\t') || line[k] == 0x7f)
				return errmsg(err, errsz, -EINVAL, "header line '%s' holds a control character", e);
		rc = header(line, nlen, line + vs, ve - vs, &r, &keep_alive, &has_te, err, errsz);
		if (rc < 0)
			return rc;
		i += ll + 2;
	}
	if (has_te && r.has_length)
		return errmsg(err, errsz, -EINVAL, "both Content-Length and Transfer-Encoding: the body's end is ambiguous");
	if (r.version_minor == 0 && !keep_alive)
		r.close = true;
	*out = r;
	return 0;
}

enum {
	CH_SIZE,     /* hex digits of the size */
	CH_EXT,      /* ";ext" or whitespace up to CR */
	CH_SIZE_LF,  /* LF after the size line's CR */
	CH_DATA,
	CH_DATA_CR,  /* CR LF after the data */
	CH_DATA_LF,
	CH_TRAILER,  /* the start of a trailer line, or the final CR */
	CH_TRAILER_LINE,
	CH_TRAILER_LF,
	CH_FINAL_LF,
	CH_DONE,
};

void httpchunk_init(struct httpchunk *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

ssize_t httpchunk_decode(struct httpchunk *c, char *buf, size_t n, char *err, size_t errsz)
{
	size_t in = 0, out = 0;

	while (in < n && c->state != CH_DONE) {
		unsigned char ch = (unsigned char)buf[in];

		switch (c->state) {
		case CH_SIZE:
			if (hex_value(ch) >= 0) {
				if (c->digits == CHUNK_DIGITS_MAX)
					return errmsg(err, errsz, -EINVAL, "chunk size of more than %d hex digits",
						      CHUNK_DIGITS_MAX);
				c->left = c->left * 16 + (uint64_t)hex_value(ch);
				c->digits++;
				in++;
				break;
			}
			if (c->digits == 0)
				return errmsg(err, errsz, -EINVAL, "chunk size expected, got byte 0x%02x", ch);
			c->state = CH_EXT;
			c->linelen = 0;
			break;
		case CH_EXT:
			in++;
			if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (ch < ' ' && ch != '\t') {
				return errmsg(err, errsz, -EINVAL, "control byte 0x%02x in a chunk size line", ch);
			} else if (++c->linelen > CHUNK_EXT_MAX) {
				return errmsg(err, errsz, -EINVAL, "chunk extension longer than %d bytes", CHUNK_EXT_MAX);
			} else if (c->linelen == 1 && ch != ';' && ch != ' ' && ch != '\t') {
				return errmsg(err, errsz, -EINVAL, "byte 0x%02x after a chunk size", ch);
			}
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				return errmsg(err, errsz, -EINVAL, "chunk size line does not end with CR LF");
			in++;
			c->state = c->left ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA: {
			size_t take = n - in;

			if (take > c->left)
				take = (size_t)c->left;
			memmove(buf + out, buf + in, take);
			out += take;
			in += take;
			c->left -= take;
			if (!c->left)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
		case CH_DATA_LF:
			if (ch != (c->state == CH_DATA_CR ? '\r' : '\n'))
				return errmsg(err, errsz, -EINVAL, "chunk data not followed by CR LF");
			in++;
			if (c->state == CH_DATA_LF) {
				c->state = CH_SIZE;
				c->digits = 0;
			} else {
				c->state = CH_DATA_LF;
			}
			break;
		case CH_TRAILER:
			in++;
			c->linelen = 0;
			c->state = ch == '\r' ? CH_FINAL_LF : CH_TRAILER_LINE;
			if (ch == '\n' || (ch < ' ' && ch != '\r'))
				return errmsg(err, errsz, -EINVAL, "control byte 0x%02x in a trailer", ch);
			break;
		case CH_TRAILER_LINE:
			in++;
			if (ch == '\r')
				c->state = CH_TRAILER_LF;
			else if (ch < ' ' && ch != '\t')
				return errmsg(err, errsz, -EINVAL, "control byte 0x%02x in a trailer", ch);
			else if (++c->linelen > CHUNK_EXT_MAX)
				return errmsg(err, errsz, -EINVAL, "trailer line longer than %d bytes", CHUNK_EXT_MAX);
			break;
		case CH_TRAILER_LF:
		case CH_FINAL_LF:
			if (ch != '\n')
				return errmsg(err, errsz, -EINVAL, "trailer line does not end with CR LF");
			in++;
			c->state = c->state == CH_FINAL_LF ? CH_DONE : CH_TRAILER;
			break;
		}
	}
	if (c->state == CH_DONE)
		c->done = true;
	return (ssize_t)out;
}
