/* httpget: the root image over HTTP/1.1. See httpget.h.
 *
 * One connection per request (Connection: close). The bytes already in the sink stay
 * there when a server fails: the next server is asked for the rest with a Range
 * request, as long as it describes the same image (same size, same expected digest);
 * otherwise the sink is truncated and the image fetched again from byte 0. */
#include "httpget.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "base/monoclock.h"
#include "base/strbuf.h"
#include "httpresp.h"
#include "imageurl.h"
#include "ipcfg.h"
#include "log.h"
#include "probechoose.h"
#include "rendezvous.h"
#include "timeline.h"

#define BUF_SIZE (64 * 1024)
#define DIGEST_FILE_MAX 4096 /* a PATH.sha256 longer than this is not a sha256sum line */
#define WHY_LEN 200
#define REQ_LEN (IMAGEURL_PATH_MAX + 256)
#define PROBE_HEAD_LEN 4096 /* a HEAD answer's head longer than this is no answer */

/* What one server did wrong, for its log line and the final table. */
struct failure {
	int err;             /* -errno */
	char why[WHY_LEN];
};

/* The fetch across servers: what the sink holds so far. */
struct state {
	const struct httpget_plan *p;
	const struct httpget_sink *sink;
	struct httpget_result *res;
	uint64_t offset;          /* bytes in the sink, all hashed */
	uint64_t size;            /* the image's size; 0 unknown */
	bool size_known;
	bool admitted;            /* sink->admit said yes to size */
	bool have_expect;         /* the bytes in the sink are of the image with this digest */
	uint8_t expect[SHA256_LEN];
	struct sha256 sha;
	char buf[BUF_SIZE];
	size_t buffered;          /* body bytes read past the head, at buf[0..buffered) */
};

static int fail(struct failure *f, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct failure *f, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	f->err = verrmsg(f->why, sizeof(f->why), err, fmt, ap);
	va_end(ap);
	return err;
}

static int connect_to(uint32_t server, uint16_t port, int timeout_ms, struct failure *f)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = server };
	struct pollfd pfd;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = 0, rc;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return fail(f, -errno, "cannot open a socket: %m");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		err = errno;
		close(fd);
		return fail(f, -err, "cannot connect: %s", strerror(err));
	}
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		close(fd);
		return fail(f, -ETIMEDOUT, "no connection within %d.%d s", timeout_ms / 1000, timeout_ms % 1000 / 100);
	}
	if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		close(fd);
		return fail(f, -err, "cannot connect: %s", strerror(err));
	}
	return fd;
}

/* Waits up to idle_ms for fd to be readable or writable (events). */
static int wait_fd(int fd, short events, int idle_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, idle_ms);
	while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : rc == 0 ? -ETIMEDOUT : 0;
}

static int send_all(int fd, const char *s, size_t n, int idle_ms)
{
	while (n) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN) {
			int rc = wait_fd(fd, POLLOUT, idle_ms);

			if (rc < 0)
				return rc;
			continue;
		}
		if (k < 0)
			return -errno;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads what is there (after up to idle_ms of silence): > 0 bytes, 0 at the end of
 * the stream, or -errno (-ETIMEDOUT). */
static ssize_t recv_some(int fd, char *buf, size_t n, int idle_ms)
{
	for (;;) {
		ssize_t k = recv(fd, buf, n, 0);
		int rc;

		if (k >= 0)
			return k;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		rc = wait_fd(fd, POLLIN, idle_ms);
		if (rc < 0)
			return rc;
	}
}

/* The text of a request (method GET or HEAD) for path, from byte offset when > 0. */
static int request_text(const char *method, uint32_t server, uint16_t port, const char *path, uint64_t offset,
			char *req, size_t n)
{
	char a[IPCFG_IPV4_LEN];
	struct strbuf sb;

	strbuf_init(&sb, req, n);
	strbuf_addf(&sb, "%s %s HTTP/1.1\r\nHost: %s", method, path, ipcfg_format_ipv4(server, a));
	if (port != IMAGEURL_PORT_DEFAULT)
		strbuf_addf(&sb, ":%u", port);
	strbuf_addf(&sb, "\r\nUser-Agent: sprout-init/%s\r\nAccept-Encoding: identity\r\n", SPROUT_VERSION);
	if (offset)
		strbuf_addf(&sb, "Range: bytes=%llu-\r\n", (unsigned long long)offset);
	strbuf_addf(&sb, "Connection: close\r\n\r\n");
	return strbuf_finish(&sb);
}

/* Sends GET path (from byte offset when > 0) and reads the response head into r;
 * the body bytes that came with it are left in st->buf[0..st->buffered). Returns the
 * connected socket, or -errno with f filled. */
static int request(struct state *st, uint32_t server, const char *path, uint64_t offset, struct httpresp *r,
		   struct failure *f)
{
	const struct httpget_plan *p = st->p;
	char req[REQ_LEN], err[HTTPRESP_ERR_LEN];
	size_t have = 0;
	ssize_t end = 0;
	int fd, rc;

	if (request_text("GET", server, p->port, path, offset, req, sizeof(req)) < 0)
		return fail(f, -ENAMETOOLONG, "request too long");
	fd = connect_to(server, p->port, p->connect_ms, f);
	if (fd < 0)
		return fd;
	rc = send_all(fd, req, strlen(req), p->idle_ms);
	if (rc < 0) {
		close(fd);
		return fail(f, rc, "cannot send the request: %s", strerror(-rc));
	}
	while (end == 0) {
		ssize_t k = recv_some(fd, st->buf + have, sizeof(st->buf) - have, p->idle_ms);

		if (k <= 0) {
			close(fd);
			if (k == -ETIMEDOUT)
				return fail(f, -ETIMEDOUT, "no response within %d.%d s", p->idle_ms / 1000,
					    p->idle_ms % 1000 / 100);
			if (k == 0)
				return fail(f, -EPROTO, "connection closed before a complete response head");
			return fail(f, (int)k, "cannot read the response: %s", strerror((int)-k));
		}
		have += (size_t)k;
		end = httpresp_head_end(st->buf, have);
		if (end < 0) {
			close(fd);
			return fail(f, -EPROTO, "response head longer than %d bytes", HTTPRESP_HEAD_MAX);
		}
	}
	if (httpresp_parse(st->buf, (size_t)end, r, err, sizeof(err)) < 0) {
		close(fd);
		return fail(f, -EPROTO, "bad response: %s", err);
	}
	st->buffered = have - (size_t)end;
	memmove(st->buf, st->buf + end, st->buffered);
	return fd;
}

static bool is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* request() following redirects within the server: the final response's socket. */
static int request_follow(struct state *st, uint32_t server, uint64_t offset, const char *path0, struct httpresp *r,
			  struct failure *f)
{
	char path[IMAGEURL_PATH_MAX], next[IMAGEURL_PATH_MAX], err[IMAGEURL_ERR_LEN];
	char eloc[ESCAPE_SIZE(80)];

	snprintf(path, sizeof(path), "%s", path0);
	for (int hop = 0;; hop++) {
		int fd = request(st, server, path, offset, r, f);

		if (fd < 0 || !is_redirect(r->status))
			return fd;
		close(fd);
		if (!r->location[0])
			return fail(f, -EPROTO, "HTTP %d redirect without a Location", r->status);
		if (hop == IMAGEURL_REDIRECTS_MAX)
			return fail(f, -ELOOP, "more than %d redirects", IMAGEURL_REDIRECTS_MAX);
		if (imageurl_redirect(r->location, strlen(r->location), server, st->p->port, path, next, err,
				      sizeof(err)) < 0)
			return fail(f, -EPROTO, "%s", err);
		log_info("root: HTTP %d: %s redirects to %s", r->status, path,
			 escape_str(next, eloc, sizeof(eloc)));
		memcpy(path, next, sizeof(path));
	}
}

static const char *http_status_text(int status)
{
	switch (status) {
	case 403: return " (forbidden)";
	case 404: return " (no such file on that server)";
	case 416: return " (range not satisfiable)";
	case 500: return " (server error)";
	case 503: return " (server unavailable)";
	default: return "";
	}
}

/* The expected digest from server's PATH.sha256. 1 with it in d, 0 when the server
 * has none (404), -errno when the server failed (f filled). */
static int fetch_digest(struct state *st, uint32_t server, uint8_t d[SHA256_LEN], struct failure *f)
{
	char path[IMAGEURL_PATH_MAX + 8], text[DIGEST_FILE_MAX];
	const char *q = strchr(st->p->path, '?');
	size_t pl = q ? (size_t)(q - st->p->path) : strlen(st->p->path), n = 0;
	struct httpresp r;
	struct httpchunk ch;
	int fd;

	snprintf(path, sizeof(path), "%.*s.sha256", (int)pl, st->p->path);
	fd = request_follow(st, server, 0, path, &r, f);
	if (fd < 0)
		return fd;
	if (r.status == 404) {
		close(fd);
		return 0;
	}
	if (r.status != 200) {
		close(fd);
		return fail(f, -EPROTO, "%s: HTTP %d%s", path, r.status, http_status_text(r.status));
	}
	httpchunk_init(&ch);
	for (;;) {
		ssize_t k = (ssize_t)st->buffered;
		char err[HTTPRESP_ERR_LEN];

		st->buffered = 0;
		if (k == 0)
			k = recv_some(fd, st->buf, sizeof(st->buf), st->p->idle_ms);
		if (k < 0) {
			close(fd);
			return fail(f, (int)k, "%s: %s", path, strerror((int)-k));
		}
		if (k == 0)
			break;
		if (r.chunked && (k = httpchunk_decode(&ch, st->buf, (size_t)k, err, sizeof(err))) < 0) {
			close(fd);
			return fail(f, -EPROTO, "%s: %s", path, err);
		}
		if (n + (size_t)k > sizeof(text)) {
			close(fd);
			return fail(f, -EPROTO, "%s is longer than %d bytes: not a sha256sum line", path, DIGEST_FILE_MAX);
		}
		memcpy(text + n, st->buf, (size_t)k);
		n += (size_t)k;
		if ((r.chunked && ch.done) || (r.has_length && n >= r.length))
			break;
	}
	close(fd);
	if (r.has_length && n > r.length)
		n = (size_t)r.length;
	if (sha256_parse_hex(text, n, d) < 0)
		return fail(f, -EPROTO, "%s does not start with 64 hex digits (a sha256sum line)", path);
	return 1;
}

static int start_over(struct state *st)
{
	if (ftruncate(st->sink->fd, 0) < 0)
		return -errno;
	st->offset = 0;
	sha256_init(&st->sha);
	return 0;
}

static int sink_write(struct state *st, const char *data, size_t n)
{
	while (n) {
		ssize_t k = pwrite(st->sink->fd, data, n, (off_t)st->offset);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		sha256_update(&st->sha, data, (size_t)k);
		st->offset += (uint64_t)k;
		st->res->transferred += (uint64_t)k;
		data += k;
		n -= (size_t)k;
	}
	if (st->sink->progress)
		st->sink->progress(st->offset, st->size, st->sink->arg);
	return 0;
}

/* Tells the sink the size (once per size). < 0: refused, the fetch ends. */
static int admit(struct state *st)
{
	int rc;

	if (st->admitted)
		return 0;
	rc = st->sink->admit ? st->sink->admit(st->size, st->sink->arg) : 0;
	if (rc < 0)
		return rc;
	st->admitted = true;
	return 0;
}

/* Marks a sink error (not the server's fault: every server would hit it). */
#define SINK_ERR_BIT 0x40000000

/* The image from one server, from st->offset on. 0 once every byte is in the sink
 * (size_known then true), else -errno with f filled; an error of the sink or a refusal
 * of admit comes back as -(errno | SINK_ERR_BIT). */
static int transfer(struct state *st, uint32_t server, struct failure *f)
{
	struct httpresp r;
	struct httpchunk ch;
	char err[HTTPRESP_ERR_LEN];
	uint64_t body_left = 0;
	int fd = request_follow(st, server, st->offset, st->p->path, &r, f), rc = 0;

	if (fd < 0)
		return fd;
	if (r.status == 200) {
		if (st->offset) {
			log_info("root: the server sends the whole image (HTTP 200, not 206): starting over from byte 0");
			if ((rc = start_over(st)) < 0)
				goto sink_err;
		}
		st->size_known = r.has_length;
		if (st->size != (r.has_length ? r.length : 0))
			st->admitted = false;
		st->size = r.has_length ? r.length : 0;
	} else if (r.status == 206 && st->offset) {
		uint64_t total = r.range_total;

		if (!r.has_range || r.range_first != st->offset || (total && r.range_last != total - 1) ||
		    (st->size_known && total != st->size) || (r.has_length && r.length != r.range_last - r.range_first + 1)) {
			close(fd);
			return fail(f, -EPROTO, "HTTP 206 does not continue at byte %llu of %llu (Content-Range: %s)",
				    (unsigned long long)st->offset, (unsigned long long)st->size,
				    r.has_range ? "another range" : "missing");
		}
		if (!st->size_known && total) {
			st->size = total;
			st->size_known = true;
		}
		st->res->resumed++;
	} else {
		close(fd);
		return fail(f, -EPROTO, "HTTP %d%s", r.status, http_status_text(r.status));
	}
	if ((rc = admit(st)) < 0)
		goto sink_err;
	body_left = st->size_known ? st->size - st->offset : 0;
	httpchunk_init(&ch);
	for (;;) {
		ssize_t k = (ssize_t)st->buffered;

		st->buffered = 0;
		if (k == 0) {
			if (r.chunked ? ch.done : st->size_known && body_left == 0)
				break;
			k = recv_some(fd, st->buf, sizeof(st->buf), st->p->idle_ms);
		}
		if (k < 0) {
			close(fd);
			if (k == -ETIMEDOUT)
				return fail(f, -ETIMEDOUT, "silent for %d.%d s at byte %llu", st->p->idle_ms / 1000,
					    st->p->idle_ms % 1000 / 100, (unsigned long long)st->offset);
			return fail(f, (int)k, "%s at byte %llu", strerror((int)-k), (unsigned long long)st->offset);
		}
		if (k == 0) {
			if (r.chunked || st->size_known) {
				close(fd);
				return fail(f, -EPIPE, "connection closed at byte %llu of %llu", (unsigned long long)st->offset,
					    (unsigned long long)st->size);
			}
			break; /* the body ends with the connection; the digest says whether it is whole */
		}
		if (r.chunked && (k = httpchunk_decode(&ch, st->buf, (size_t)k, err, sizeof(err))) < 0) {
			close(fd);
			return fail(f, -EPROTO, "bad chunked body at byte %llu: %s", (unsigned long long)st->offset, err);
		}
		if (st->size_known && (uint64_t)k > body_left) {
			if (r.chunked) {
				close(fd);
				return fail(f, -EPROTO, "more bytes than the %llu announced", (unsigned long long)st->size);
			}
			k = (ssize_t)body_left; /* anything past Content-Length is not the body */
		}
		if ((rc = sink_write(st, st->buf, (size_t)k)) < 0)
			goto sink_err;
		body_left -= st->size_known ? (uint64_t)k : 0;
	}
	close(fd);
	if (!st->size_known) {
		st->size = st->offset;
		st->size_known = true;
	} else if (st->offset != st->size) {
		return fail(f, -EPROTO, "chunked body ended at byte %llu of %llu", (unsigned long long)st->offset,
			    (unsigned long long)st->size);
	}
	return 0;
sink_err:
	close(fd);
	fail(f, rc, "%s", strerror(-rc));
	return -(-rc | SINK_ERR_BIT);
}

static const char *outcome(int err)
{
	return err == 0 ? "ok" : err == -ETIMEDOUT ? "timeout" : "fail";
}

/* One server: its digest, then the image (or the rest of it), then the check. */
static int try_server(struct state *st, uint32_t server, const uint8_t *want, struct failure *f)
{
	uint8_t d[SHA256_LEN], got[SHA256_LEN];
	char hg[SHA256_HEX_LEN], hw[SHA256_HEX_LEN];
	bool have = want != NULL;
	int rc;

	if (want) {
		memcpy(d, want, SHA256_LEN);
	} else {
		rc = fetch_digest(st, server, d, f);
		if (rc < 0)
			return rc;
		have = rc == 1;
	}
	/* bytes of another image (another digest, or none known) are no start */
	if (st->offset && (have != st->have_expect || (have && memcmp(d, st->expect, SHA256_LEN) != 0))) {
		log_info("root: this server's image has another digest than the %llu bytes fetched so far: "
			 "starting over from byte 0", (unsigned long long)st->offset);
		if ((rc = start_over(st)) < 0) {
			fail(f, rc, "%s", strerror(-rc));
			return -(-rc | SINK_ERR_BIT);
		}
	}
	st->have_expect = have;
	memcpy(st->expect, d, SHA256_LEN);
	rc = transfer(st, server, f);
	if (rc < 0)
		return rc;
	{
		struct sha256 c = st->sha;

		sha256_final(&c, got);
	}
	if (have && memcmp(got, d, SHA256_LEN) != 0) {
		rc = fail(f, -EBADMSG, "sha256 mismatch: the %llu bytes have %s, expected %s",
			  (unsigned long long)st->offset, sha256_hex(got, hg), sha256_hex(d, hw));
		int t = start_over(st); /* a bad image is kept by no one */

		if (t < 0)
			return -(-t | SINK_ERR_BIT);
		return rc;
	}
	memcpy(st->res->sha256, got, SHA256_LEN);
	st->res->verified = have;
	st->res->size = st->offset;
	st->res->server = server;
	return 0;
}

/* The probe: every server asked at once (a connect and HEAD path) before any transfer,
 * so a dead or silent server costs at most the grace window (probechoose.h). */
struct hprobe {
	int fd;                   /* -1 once the probe ended */
	enum probe_state state;
	bool connected, reported;
	uint64_t t0_ns, deadline_ms;
	size_t sent, have;
	int status;               /* the HEAD answer's HTTP status */
	bool has_length;
	uint64_t length;          /* its Content-Length: the image's size */
	char head[PROBE_HEAD_LEN];
	struct failure f;         /* what a failed probe saw */
};

struct hround {
	const struct httpget_plan *p;
	int n;
	char req[SERVERLIST_MAX][REQ_LEN];
	struct hprobe pr[SERVERLIST_MAX];
	uint64_t first_answer_ms;
};

static void probe_end(struct hround *r, int i, enum probe_state state)
{
	struct hprobe *h = &r->pr[i];

	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	h->state = state;
	if (state == PROBE_ANSWERED && r->first_answer_ms == UINT64_MAX)
		r->first_answer_ms = monoclock_ms();
}

static void probe_failed(struct hround *r, int i, int err, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void probe_failed(struct hround *r, int i, int err, const char *fmt, ...)
{
	struct hprobe *h = &r->pr[i];
	va_list ap;

	va_start(ap, fmt);
	h->f.err = verrmsg(h->f.why, sizeof(h->f.why), err, fmt, ap);
	va_end(ap);
	probe_end(r, i, PROBE_FAILED);
}

/* The event and the log line of a probe that ended, or was given up on (pending). */
static void probe_report(struct hround *r, int i)
{
	struct hprobe *h = &r->pr[i];
	char a[IPCFG_IPV4_LEN], status[8] = "", size[24] = "";
	const char *word = h->state == PROBE_ANSWERED ? "ok" : h->state == PROBE_PENDING ? "silent"
		: h->f.err == -ECONNREFUSED ? "refused" : h->f.err == -ETIMEDOUT ? "silent" : "fail";

	if (h->reported)
		return;
	h->reported = true;
	ipcfg_format_ipv4(r->p->servers[i], a);
	if (h->status)
		snprintf(status, sizeof(status), "%d", h->status);
	if (h->has_length)
		snprintf(size, sizeof(size), "%llu", (unsigned long long)h->length);
	timeline_event("probe", a, h->t0_ns, word, "proto", "http", "status", status[0] ? status : NULL, "size",
		       size[0] ? size : NULL, "err", h->state == PROBE_FAILED && h->f.err < 0 ?
		       strerrorname_np(-h->f.err) : NULL, TL_END);
	if (h->state == PROBE_ANSWERED)
		log_info("root: HTTP server %s answers HEAD with HTTP %d%s%s (%llu ms)", a, h->status,
			 size[0] ? ", size " : "", size, (unsigned long long)((timeline_now() - h->t0_ns) / 1000000));
	else if (h->state == PROBE_PENDING)
		log_warn("root: HTTP server %s: no answer to HEAD yet, not waited for", a);
	else
		log_warn("root: HTTP server %s: %s", a, h->f.why);
}

static void probe_start(struct hround *r, int i)
{
	const struct httpget_plan *p = r->p;
	struct hprobe *h = &r->pr[i];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(p->port), .sin_addr.s_addr = p->servers[i] };

	memset(h, 0, sizeof(*h));
	h->t0_ns = timeline_now();
	h->deadline_ms = monoclock_ms() + (uint64_t)p->connect_ms;
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return probe_failed(r, i, -errno, "cannot open a socket: %m");
	if (request_text("HEAD", p->servers[i], p->port, p->path, 0, r->req[i], REQ_LEN) < 0)
		return probe_failed(r, i, -ENAMETOOLONG, "request too long");
	if (connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
		return probe_failed(r, i, -errno, "cannot connect: %m");
}

/* What poll saw on probe i's socket. */
static void probe_event(struct hround *r, int i, short revents)
{
	struct hprobe *h = &r->pr[i];
	char err[HTTPRESP_ERR_LEN];
	struct httpresp resp;
	ssize_t end, k;

	if (!h->connected) {
		int e = 0;
		socklen_t len = sizeof(e);

		if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
		if (e)
			return probe_failed(r, i, -e, "cannot connect: %s", strerror(e));
		if (!(revents & (POLLOUT | POLLIN)))
			return;
		h->connected = true;
		h->deadline_ms = monoclock_ms() + (uint64_t)r->p->idle_ms;
	}
	if (h->sent < strlen(r->req[i])) {
		k = send(h->fd, r->req[i] + h->sent, strlen(r->req[i]) - h->sent, MSG_NOSIGNAL);
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return probe_failed(r, i, -errno, "cannot send HEAD: %m");
		h->sent += k > 0 ? (size_t)k : 0;
		return;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	k = recv(h->fd, h->head + h->have, sizeof(h->head) - h->have, 0);
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (k < 0)
		return probe_failed(r, i, -errno, "HEAD: cannot read the response: %m");
	if (k == 0)
		return probe_failed(r, i, -EPROTO, "HEAD: connection closed before a complete response head");
	h->have += (size_t)k;
	end = httpresp_head_end(h->head, h->have);
	if (end == 0 && h->have == sizeof(h->head))
		end = -E2BIG;
	if (end < 0)
		return probe_failed(r, i, -EPROTO, "HEAD: response head longer than %d bytes", PROBE_HEAD_LEN);
	if (end == 0)
		return;
	if (httpresp_parse(h->head, (size_t)end, &resp, err, sizeof(err)) < 0)
		return probe_failed(r, i, -EPROTO, "HEAD: bad response: %s", err);
	h->status = resp.status;
	h->has_length = resp.has_length && !resp.chunked;
	h->length = resp.length;
	/* a redirect is followed by the GET (within the server) */
	if ((resp.status >= 200 && resp.status < 300) || is_redirect(resp.status))
		return probe_end(r, i, PROBE_ANSWERED);
	probe_failed(r, i, -EPROTO, "HEAD: HTTP %d%s", resp.status, http_status_text(resp.status));
}

/* A pending probe whose deadline passed: it failed. */
static void probe_expire(struct hround *r, int i)
{
	struct hprobe *h = &r->pr[i];

	if (h->connected)
		probe_failed(r, i, -ETIMEDOUT, "HEAD: no response within %d.%d s", r->p->idle_ms / 1000,
			     r->p->idle_ms % 1000 / 100);
	else
		probe_failed(r, i, -ETIMEDOUT, "no connection within %d.%d s", r->p->connect_ms / 1000,
			     r->p->connect_ms % 1000 / 100);
	probe_report(r, i);
}

/* Polls the pending probes for at most wait_ms (-1: until the first deadline). A probe
 * past its deadline is polled once more, without waiting, before it counts as failed:
 * its answer may have arrived while this process was busy elsewhere (a transfer from
 * another server, a loaded machine), and it is then not a silent server. */
static void probe_poll(struct hround *r, int wait_ms)
{
	struct pollfd pfd[SERVERLIST_MAX];
	int idx[SERVERLIST_MAX], m = 0, rc;
	uint64_t now = monoclock_ms();

	for (int i = 0; i < r->n; i++) {
		struct hprobe *h = &r->pr[i];

		if (h->state != PROBE_PENDING)
			continue;
		if (now >= h->deadline_ms)
			wait_ms = 0;
		else if (wait_ms < 0 || h->deadline_ms - now < (uint64_t)wait_ms)
			wait_ms = (int)(h->deadline_ms - now);
		pfd[m] = (struct pollfd){ .fd = h->fd,
					  .events = !h->connected || h->sent < strlen(r->req[i]) ? POLLOUT : POLLIN };
		idx[m++] = i;
	}
	if (m == 0)
		return;
	rc = poll(pfd, (nfds_t)m, wait_ms);
	for (int k = 0; rc > 0 && k < m; k++)
		if (pfd[k].revents) {
			probe_event(r, idx[k], pfd[k].revents);
			if (r->pr[idx[k]].state != PROBE_PENDING)
				probe_report(r, idx[k]);
		}
	now = monoclock_ms();
	for (int k = 0; k < m; k++)
		if (r->pr[idx[k]].state == PROBE_PENDING && now >= r->pr[idx[k]].deadline_ms)
			probe_expire(r, idx[k]);
}

/* Ends the round: a probe still pending gets its event ("silent") and is closed. */
static void probe_close(struct hround *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->pr[i].fd >= 0) {
			probe_report(r, i);
			close(r->pr[i].fd);
			r->pr[i].fd = -1;
		}
}

/* The next server to fetch from, in the plan's order (its rank), or -1 when none is left:
 * every server failed the probe or was tried (tried[]). */
static int probe_next(struct hround *r, const bool *tried)
{
	int order[SERVERLIST_MAX];
	enum probe_state st[SERVERLIST_MAX];

	for (int i = 0; i < r->n; i++)
		order[i] = i;
	for (;;) {
		int pick, wait_ms;
		enum probe_choice c;

		for (int i = 0; i < r->n; i++)
			st[i] = r->pr[i].state;
		c = probe_choose(st, tried, order, r->n, monoclock_ms(), r->first_answer_ms, HTTPGET_GRACE_MS,
				 &pick, &wait_ms);
		if (c == PROBE_NONE)
			return -1;
		if (c == PROBE_TAKE) {
			for (int i = 0; i < pick; i++)
				if (r->pr[i].state == PROBE_PENDING)
					probe_report(r, i); /* given up on: not waited for */
			return pick;
		}
		probe_poll(r, wait_ms);
	}
}

int httpget_fetch(const struct httpget_plan *p, const uint8_t *want, const struct httpget_sink *sink,
		  struct httpget_result *res)
{
	static struct state st;
	static struct hround r;
	struct failure fails[SERVERLIST_MAX];
	bool tried[SERVERLIST_MAX];
	char a[IPCFG_IPV4_LEN], epath[ESCAPE_SIZE(IMAGEURL_PATH_MAX)], bytes[24];
	int n = p->n < SERVERLIST_MAX ? p->n : SERVERLIST_MAX, rc = -EHOSTUNREACH, k;

	memset(&st, 0, sizeof(st));
	memset(res, 0, sizeof(*res));
	memset(fails, 0, sizeof(fails));
	st.p = p;
	st.sink = sink;
	st.res = res;
	sha256_init(&st.sha);
	escape_str(p->path, epath, sizeof(epath));
	if (ftruncate(sink->fd, 0) < 0) {
		rc = -errno;
		log_err("root: cannot empty the file the image goes to: %m");
		return rc;
	}
	memset(tried, 0, sizeof(tried));
	r.p = p;
	r.n = n;
	r.first_answer_ms = UINT64_MAX;
	for (int i = 0; i < n; i++) {
		if (n == 1) { /* no choice to make: no probe */
			r.pr[0] = (struct hprobe){ .fd = -1, .state = PROBE_ANSWERED, .reported = true };
			break;
		}
		probe_start(&r, i);
		if (r.pr[i].state == PROBE_FAILED)
			probe_report(&r, i);
	}
	while ((k = probe_next(&r, tried)) >= 0) {
		uint32_t server = p->servers[k];
		uint64_t t0 = timeline_now(), before = res->transferred;

		tried[k] = true;
		ipcfg_format_ipv4(server, a);
		if (st.offset)
			log_info("root: fetching http://%s:%u%s from server %d of %d, from byte %llu", a, p->port, epath,
				 k + 1, n, (unsigned long long)st.offset);
		else
			log_info("root: fetching http://%s:%u%s from server %d of %d", a, p->port, epath, k + 1, n);
		rc = try_server(&st, server, want, &fails[k]);
		snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)(res->transferred - before));
		timeline_event("server", a, t0, outcome(rc), "proto", "http", "path", p->path, "bytes", bytes, "err",
			       rc < 0 ? strerrorname_np((-rc) & ~SINK_ERR_BIT) : NULL, TL_END);
		if (rc == 0) {
			log_info("root: image from %s: %llu bytes%s (%llu transferred, %d resumed)%s", a,
				 (unsigned long long)res->size, res->verified ? ", sha256 verified" : "",
				 (unsigned long long)res->transferred, res->resumed,
				 res->verified ? "" : "; no digest to check it against (no sprout.image.sha256=, no PATH.sha256)");
			probe_close(&r);
			return 0;
		}
		if (-rc & SINK_ERR_BIT) {
			rc = -((-rc) & ~SINK_ERR_BIT);
			log_err("root: image from %s: %s; not trying other servers", a, fails[k].why);
			probe_close(&r);
			return rc;
		}
		log_warn("root: HTTP server %s: %s", a, fails[k].why);
	}
	probe_close(&r);
	log_err("root: no server gave the image %s; what each said:", epath);
	for (k = 0; k < n; k++) {
		if (!tried[k]) { /* failed the probe */
			fails[k] = r.pr[k].f;
			if (rc == -EHOSTUNREACH || rc == 0)
				rc = fails[k].err;
		}
		log_err("root:   %s:%u  %s", ipcfg_format_ipv4(p->servers[k], a), p->port, fails[k].why);
	}
	return rc;
}

int httpget_image(struct boot *b, const char *url, const uint8_t *want, const struct httpget_sink *sink,
		  struct httpget_result *res)
{
	static struct imageurl u;
	static uint32_t ranked[SERVERLIST_MAX];
	int order[SERVERLIST_MAX];
	char err[IMAGEURL_ERR_LEN], a[IPCFG_IPV4_LEN], line[SERVERLIST_MAX * IPCFG_IPV4_LEN + 1];
	struct strbuf sb;
	bool by_order = b->cfg.nfs_select == NFS_SELECT_ORDER;
	static struct httpget_plan p; /* static: httpget_fetch's round state keeps a pointer to it */

	if (imageurl_parse(url, strlen(url), &u, err, sizeof(err)) < 0) {
		log_err("root: sprout.image=: %s", err);
		return -EINVAL;
	}
	if (!b->net_up) {
		log_err("root: sprout.image= is an HTTP URL but the network is not up (ip=off?)");
		return -ENETDOWN;
	}
	if (by_order || u.servers.n == 1)
		for (int i = 0; i < u.servers.n; i++)
			order[i] = i;
	else
		rendezvous_rank(u.servers.addr, u.servers.weight, u.servers.n, b->net_mac, order);
	strbuf_init(&sb, line, sizeof(line));
	for (int i = 0; i < u.servers.n; i++) {
		ranked[i] = u.servers.addr[order[i]];
		strbuf_addf(&sb, "%s%s", i ? " " : "", ipcfg_format_ipv4(ranked[i], a));
	}
	if (u.servers.n > 1 && strbuf_finish(&sb) >= 0)
		log_info("root: HTTP servers in the order this machine tries them (%s, sprout.nfs.select=): %s",
			 by_order ? "as written" : "rendezvous hash", line);
	p.connect_ms = HTTPGET_CONNECT_MS;
	p.idle_ms = HTTPGET_IDLE_MS;
	p.servers = ranked;
	p.n = u.servers.n;
	p.port = u.port;
	p.path = u.path;
	return httpget_fetch(&p, want, sink, res);
}
