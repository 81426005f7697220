/* httpresp: the parts of HTTP/1.1 (RFC 9112) a root image client reads: a response's
 * head (status line and the headers that matter to a download) and a chunked body.
 *
 * Header names are matched without regard to case; unknown headers are skipped. What
 * would make the body's length or meaning ambiguous is refused rather than guessed:
 * two different Content-Length values, Content-Length beside Transfer-Encoding, a
 * transfer coding other than chunked, folded header lines. Pure: no I/O, no allocation. */
#ifndef SPROUT_HTTPRESP_H
#define SPROUT_HTTPRESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTPRESP_HEAD_MAX 16384    /* a longer head is refused */
#define HTTPRESP_LOCATION_MAX 1024 /* Location values longer than this are refused */
#define HTTPRESP_ERR_LEN 160       /* a message buffer this size never cuts our messages */

struct httpresp {
	int version_minor;   /* HTTP/1.x */
	int status;          /* 100..599 */
	bool has_length;     /* Content-Length: length */
	uint64_t length;
	bool chunked;        /* Transfer-Encoding: chunked */
	bool close;          /* Connection: close, or HTTP/1.0 without keep-alive */
	bool has_range;      /* Content-Range: bytes first-last/total (total 0: "*", unknown) */
	uint64_t range_first, range_last, range_total;
	char location[HTTPRESP_LOCATION_MAX]; /* "" when absent */
};

/* The length of the head at buf[0..len), its blank line included: > 0 when it is all
 * there, 0 when more bytes are needed, -E2BIG when HTTPRESP_HEAD_MAX bytes hold no end. */
ssize_t httpresp_head_end(const char *buf, size_t len);

/* Parses the head head[0..len) (as measured by httpresp_head_end). Returns 0, or
 * -EINVAL / -E2BIG with *out unchanged and a message in err naming what is wrong. */
int httpresp_parse(const char *head, size_t len, struct httpresp *out, char *err, size_t errsz);

/* The chunked body decoder: a state machine fed slices of any size, including one
 * byte at a time. */
struct httpchunk {
	int state;
	uint64_t left;    /* data bytes left in the current chunk */
	unsigned digits;  /* hex digits of the size read */
	unsigned linelen; /* bytes of an extension or trailer line read */
	bool done;        /* the last chunk and the trailers have been read */
};

void httpchunk_init(struct httpchunk *c);

/* Decodes buf[0..n) in place: the data bytes it holds are moved to the front of buf.
 * Returns how many there are (0..n), or -EINVAL with a message in err when the framing
 * is broken. Once c->done, the bytes that follow are not data and are ignored. */
ssize_t httpchunk_decode(struct httpchunk *c, char *buf, size_t n, char *err, size_t errsz);

#endif
