/* httpget: a root image fetched over HTTP/1.1 from a farm's servers, for
 * sprout.image=http://SERVERS[:PORT]/PATH (imageurl.h parses it; SERVERS as in
 * serverlist.h, ranked by rendezvous hashing with the machine's MAC like the NFS root).
 *
 * The client is ours (the init is static; no TLS): GET with Content-Length or chunked
 * bodies, redirects within the same host, connect and idle timeouts. With more than one
 * server, all are probed at once first (a connect and HEAD PATH): the transfer starts on
 * the best-ranked server that answered 2xx (or a redirect) within a grace window after
 * the first answer (probechoose.h), so a dead or silent server costs a fraction of a
 * second; on failure the next server that answered is used, in rank order. A server that
 * failed the probe is not asked again; the table of failures says what its probe saw.
 * A transfer that breaks midway continues on the next server with a Range request from
 * the offset reached. The digest is computed while the bytes arrive
 * and checked at the end against the expected one: sprout.image.sha256= when given,
 * else the PATH.sha256 file each server serves beside the image. A mismatch is that
 * server's error: the next one is tried from offset 0. Nothing is mounted here. */
#ifndef SPROUT_HTTPGET_H
#define SPROUT_HTTPGET_H

#include <stdbool.h>
#include <stdint.h>

#include "base/sha256.h"
#include "probechoose.h"
#include "boot.h"

/* Where the bytes go, and what the caller (rootimage.c) decides on the way. */
struct httpget_sink {
	int fd; /* a file in RAM, written from offset 0; truncated when a server starts over */
	/* Called once the image's size is known, before its first byte is written; < 0
	 * refuses the image (e.g. RAM too small for sprout.toram.min=): the fetch then ends
	 * with that code, trying no other server. NULL: any size. size 0: the server did
	 * not say (a chunked body). Called again when a server starting over from 0 gives
	 * another size. */
	int (*admit)(uint64_t size, void *arg);
	/* Called as bytes arrive (done of size), for the console's progress line. NULL: none. */
	void (*progress)(uint64_t done, uint64_t size, void *arg);
	void *arg;
};

struct httpget_result {
	uint32_t server;         /* the server that delivered the last byte (network order) */
	uint64_t size;           /* the image's size */
	uint64_t transferred;    /* body bytes received over all attempts, restarts included */
	int resumed;             /* how many times a transfer continued with a Range request */
	bool verified;           /* checked against a digest (false: none was to be had) */
	uint8_t sha256[SHA256_LEN];
};

/* Fetches url (the text of sprout.image=) into sink->fd. want: the expected digest, or
 * NULL to take each server's PATH.sha256. 0 with *res filled, or -errno after logging
 * every server's failure (a table like the NFS root's). */
int httpget_image(struct boot *b, const char *url, const uint8_t *want, const struct httpget_sink *sink,
		  struct httpget_result *res);

/* Timeouts: the TCP connect, and the longest silence while a server sends. */
#define HTTPGET_CONNECT_MS 3000
#define HTTPGET_IDLE_MS 10000
/* Waited for better-ranked servers after the first answer to HEAD (probechoose.h). */
#define HTTPGET_GRACE_MS PROBE_GRACE_MS

/* The transfer itself, without struct boot: servers[0..n) in the order to try them,
 * all on port, path as sent. httpget_image ranks and calls it; the unit test calls it
 * with servers on 127.0.0.1 (which serverlist.h refuses). Same results and logs. */
struct httpget_plan {
	const uint32_t *servers; /* network order */
	int n;
	uint16_t port;
	const char *path;
	int connect_ms, idle_ms;
};
int httpget_fetch(const struct httpget_plan *p, const uint8_t *want, const struct httpget_sink *sink,
		  struct httpget_result *res);

#endif
