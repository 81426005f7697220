/* Unit tests for httpget's transfer (httpget_fetch) against small HTTP servers forked
 * here on 127.0.0.X, all on one port, that misbehave on purpose: close halfway, send
 * chunks, redirect, serve a corrupt image, never answer, ignore Range. Each server
 * appends the requests it gets to its own log file, so the Range requests can be seen. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/sha256.h"
#include "httpget.h"

#define IMG_SIZE 300000
#define HALF 150000
#define MAX_SRV 4

enum mode { GOOD, CHUNKED, HALFWAY, CORRUPT, SILENT, REDIRECT, OFFSITE, NORANGE, NODIGEST, HTTP10, BADRANGE };

static char img[IMG_SIZE];
static uint8_t img_sha[SHA256_LEN];
static char logdir[] = "/tmp/test_httpget.XXXXXX";
static uint16_t port;
static int idle_ms = 500;
static pid_t pids[MAX_SRV];
static int nsrv;

static uint32_t lo(int i)
{
	return htonl(0x7f000001u + (uint32_t)i); /* 127.0.0.1 + i */
}

static void put(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t k = write(fd, s, n);

		if (k <= 0)
			_exit(0);
		s += k;
		n -= (size_t)k;
	}
}

static void putf(int fd, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	put(fd, b, (size_t)n);
}

/* One request on c, answered as mode says. */
static void answer(int c, enum mode m, int logfd)
{
	char req[4096] = "", path[1024] = "", *r;
	size_t have = 0;
	unsigned long long from = 0;
	bool ranged = false;

	while (have < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		ssize_t k = read(c, req + have, sizeof(req) - 1 - have);

		if (k <= 0)
			return;
		have += (size_t)k;
		req[have] = '\0';
	}
	if (sscanf(req, "HEAD %1023s", path) == 1) { /* the probe: logged, answered with the head only */
		putf(logfd, "HEAD %s\n", path);
		if (m == SILENT)
			return; /* the connection stays open, never answered */
		if (m == REDIRECT || m == OFFSITE)
			putf(c, "HTTP/1.1 302 Found\r\nLocation: real/root.sqfs\r\nContent-Length: 0\r\n\r\n");
		else if (m == HTTP10)
			putf(c, "HTTP/1.0 200 OK\r\n\r\n");
		else
			putf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", IMG_SIZE);
		return;
	}
	sscanf(req, "GET %1023s", path);
	if ((r = strstr(req, "Range: bytes=")) && m != NORANGE) {
		ranged = true;
		from = strtoull(r + 13, NULL, 10);
	}
	putf(logfd, "%s%s\n", path, r ? (ranged ? " range" : " range-ignored") : "");
	if (r)
		dprintf(logfd, "Range: bytes=%llu-\n", strtoull(r + 13, NULL, 10));
	if (m == SILENT)
		return; /* the connection stays open, never answered */
	if (m == REDIRECT && !strcmp(path, "/img/root.sqfs")) {
		putf(c, "HTTP/1.1 302 Found\r\nLocation: real/root.sqfs\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	if (m == REDIRECT && !strcmp(path, "/img/root.sqfs.sha256")) {
		putf(c, "HTTP/1.1 301 Moved\r\nLocation: /img/real/root.sqfs.sha256\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	if (m == OFFSITE) {
		putf(c, "HTTP/1.1 302 Found\r\nLocation: http://10.9.9.9/img/root.sqfs\r\n\r\n");
		return;
	}
	if (strstr(path, ".sha256")) {
		char hex[SHA256_HEX_LEN];

		if (m == NODIGEST) {
			putf(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
			return;
		}
		sha256_hex(img_sha, hex);
		if (m == CHUNKED)
			putf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n%.16s\r\n%zx\r\n%s  root.sqfs\n\r\n0\r\n\r\n",
			     hex, strlen(hex) - 16 + 12, hex + 16);
		else
			putf(c, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s  root.sqfs\n", strlen(hex) + 12, hex);
		return;
	}
	if (ranged && m == BADRANGE) { /* another range than the one asked for */
		putf(c, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-%d/%d\r\nContent-Length: %d\r\n\r\n",
		     IMG_SIZE - 1, IMG_SIZE, IMG_SIZE);
		put(c, img, IMG_SIZE);
		return;
	}
	if (ranged && from < IMG_SIZE) {
		putf(c, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %llu-%d/%d\r\nContent-Length: %llu\r\n\r\n",
		     from, IMG_SIZE - 1, IMG_SIZE, IMG_SIZE - from);
		put(c, img + from, IMG_SIZE - from);
		return;
	}
	if (m == CHUNKED) {
		putf(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
		for (size_t o = 0, step = 1; o < IMG_SIZE; o += step, step = step * 3 + 7) {
			if (step > IMG_SIZE - o)
				step = IMG_SIZE - o;
			putf(c, "%zx;n=1\r\n", step);
			put(c, img + o, step);
			putf(c, "\r\n");
		}
		putf(c, "0\r\nX-Trailer: 1\r\n\r\n");
		return;
	}
	if (m == HTTP10) { /* no length: the body ends with the connection */
		putf(c, "HTTP/1.0 200 OK\r\n\r\n");
		put(c, img, IMG_SIZE);
		return;
	}
	putf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", IMG_SIZE);
	if (m == HALFWAY) {
		put(c, img, HALF);
		return;
	}
	if (m == CORRUPT) {
		put(c, img, 1000);
		put(c, "X", 1);
		put(c, img + 1001, IMG_SIZE - 1001);
		return;
	}
	put(c, img, IMG_SIZE);
}

/* Starts server i (127.0.0.1+i) in mode m. */
static void start(int i, enum mode m)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = lo(i) };
	socklen_t sl = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char logp[64];
	pid_t pid;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	if (!port) {
		assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
		port = ntohs(sa.sin_port);
	}
	snprintf(logp, sizeof(logp), "%s/%d.log", logdir, i);
	close(open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644)); /* empty before the test looks */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int logfd = open(logp, O_WRONLY | O_APPEND);

		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				_exit(1);
			answer(c, m, logfd);
			if (m != SILENT)
				close(c);
		}
	}
	close(fd);
	pids[nsrv++] = pid;
}

static void stop_all(void)
{
	for (int i = 0; i < nsrv; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	nsrv = 0;
}

static int stop_servers(void **state)
{
	(void)state;
	stop_all();
	return 0;
}

static char *server_log(int i)
{
	static char buf[4096];
	char p[64];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%d.log", logdir, i);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return strcpy(buf, "");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Whether server i got a GET (the probe's HEAD lines start with "HEAD "). */
static bool got_get(int i)
{
	const char *l = server_log(i);

	return l[0] == '/' || strstr(l, "\n/");
}

struct seen {
	uint64_t admitted;
	int admits, progress;
	int refuse;
};

static int admit_cb(uint64_t size, void *arg)
{
	struct seen *s = arg;

	s->admitted = size;
	s->admits++;
	return s->refuse;
}

static void progress_cb(uint64_t done, uint64_t size, void *arg)
{
	struct seen *s = arg;

	assert_true(size == 0 || done <= size);
	s->progress++;
}

/* Fetches from servers 0..n-1 into a fresh file; returns httpget_fetch's code. */
static int fetch(int n, const uint8_t *want, struct httpget_result *res, struct seen *seen, int *fd_out)
{
	uint32_t servers[MAX_SRV];
	struct httpget_plan p = { .servers = servers, .n = n, .port = port, .path = "/img/root.sqfs",
				  .connect_ms = 1000, .idle_ms = idle_ms };
	struct httpget_sink sink = { .admit = admit_cb, .progress = progress_cb, .arg = seen };
	int rc;

	for (int i = 0; i < n; i++)
		servers[i] = lo(i);
	sink.fd = memfd_create("image", MFD_CLOEXEC);
	assert_true(sink.fd >= 0);
	rc = httpget_fetch(&p, want, &sink, res);
	*fd_out = sink.fd;
	return rc;
}

static void assert_image(int fd)
{
	static char back[IMG_SIZE + 1];
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, IMG_SIZE);
	assert_int_equal(pread(fd, back, sizeof(back), 0), IMG_SIZE);
	assert_memory_equal(back, img, IMG_SIZE);
	close(fd);
}

static int setup(void **state)
{
	struct sha256 c;
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < IMG_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		img[i] = (char)(x >> 16);
	}
	sha256_init(&c);
	sha256_update(&c, img, IMG_SIZE);
	sha256_final(&c, img_sha);
	signal(SIGPIPE, SIG_IGN);
	assert_non_null(mkdtemp(logdir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	stop_all();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", logdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_chunked_verified(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	start(0, CHUNKED);
	assert_int_equal(fetch(1, NULL, &res, &seen, &fd), 0);
	stop_all();
	assert_true(res.verified);
	assert_int_equal(res.size, IMG_SIZE);
	assert_int_equal(res.transferred, IMG_SIZE);
	assert_int_equal(res.resumed, 0);
	assert_true(res.server == lo(0));
	assert_memory_equal(res.sha256, img_sha, SHA256_LEN);
	assert_int_equal(seen.admits, 1);
	assert_int_equal(seen.admitted, 0); /* chunked: the size is not said */
	assert_true(seen.progress > 0);
	assert_image(fd);
}

static void test_resume_after_halfway(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	start(0, HALFWAY);
	start(1, GOOD);
	assert_int_equal(fetch(2, NULL, &res, &seen, &fd), 0);
	stop_all();
	assert_true(res.verified && res.server == lo(1));
	assert_int_equal(res.resumed, 1);
	assert_int_equal(res.transferred, IMG_SIZE); /* nothing fetched twice */
	assert_int_equal(seen.admits, 1);
	assert_int_equal(seen.admitted, IMG_SIZE);
	assert_non_null(strstr(server_log(1), "Range: bytes=150000-"));
	assert_null(strstr(server_log(0), "Range"));
	assert_image(fd);
}

static void test_wrong_range_refused(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	start(0, HALFWAY);
	start(1, BADRANGE);
	start(2, GOOD);
	assert_int_equal(fetch(3, NULL, &res, &seen, &fd), 0);
	assert_true(res.verified && res.server == lo(2));
	assert_int_equal(res.resumed, 1);
	assert_non_null(strstr(server_log(1), "Range: bytes=150000-"));
	assert_non_null(strstr(server_log(2), "Range: bytes=150000-")); /* the offset kept */
	assert_image(fd);
}

static void test_no_range_starts_over(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	start(0, HALFWAY);
	start(1, NORANGE);
	assert_int_equal(fetch(2, NULL, &res, &seen, &fd), 0);
	stop_all();
	assert_true(res.verified && res.server == lo(1));
	assert_int_equal(res.resumed, 0);
	assert_int_equal(res.transferred, HALF + IMG_SIZE);
	assert_non_null(strstr(server_log(1), "range-ignored"));
	assert_image(fd);
}

static void test_corrupt_then_good(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	start(0, CORRUPT);
	start(1, GOOD);
	assert_int_equal(fetch(2, NULL, &res, &seen, &fd), 0);
	stop_all();
	assert_true(res.verified && res.server == lo(1));
	assert_int_equal(res.transferred, 2 * IMG_SIZE); /* the second from byte 0 */
	assert_null(strstr(server_log(1), "Range"));
	assert_image(fd);
}

static void test_silent_redirect_http10(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	/* never answers (idle timeout), then redirects within itself */
	start(0, SILENT);
	start(1, REDIRECT);
	assert_int_equal(fetch(2, NULL, &res, &seen, &fd), 0);
	stop_all();
	assert_true(res.verified && res.server == lo(1));
	assert_non_null(strstr(server_log(1), "/img/real/root.sqfs"));
	assert_image(fd);
	/* an HTTP/1.0 body that ends with the connection, checked with the digest given */
	start(0, HTTP10);
	assert_int_equal(fetch(1, img_sha, &res, &seen, &fd), 0);
	stop_all();
	assert_true(res.verified);
	assert_null(strstr(server_log(0), ".sha256")); /* the digest given: none fetched */
	assert_image(fd);
}

static void test_all_fail(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	uint8_t wrong[SHA256_LEN];
	struct stat st;
	int fd;

	(void)state;
	/* a redirect elsewhere, nothing listening, a corrupt image: all fail, nothing kept */
	start(0, OFFSITE);
	start(2, CORRUPT);
	assert_true(fetch(3, NULL, &res, &seen, &fd) < 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	stop_all();
	/* the digest given does not match anything */
	memset(wrong, 0xab, sizeof(wrong));
	start(0, GOOD);
	assert_int_equal(fetch(1, wrong, &res, &seen, &fd), -EBADMSG);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	stop_all();
}

static void test_unverified_and_refused(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	start(0, NODIGEST);
	assert_int_equal(fetch(1, NULL, &res, &seen, &fd), 0);
	assert_false(res.verified);
	assert_image(fd);
	/* admit refuses: the fetch ends with its code, the second server is not asked */
	start(1, GOOD);
	seen.refuse = -ENOSPC;
	assert_int_equal(fetch(2, NULL, &res, &seen, &fd), -ENOSPC);
	close(fd);
	stop_all();
	assert_false(got_get(1)); /* perhaps probed, never asked for the image */
}

static void test_silent_first_not_waited_for(void **state)
{
	struct httpget_result res;
	struct seen seen = { 0 };
	int fd;

	(void)state;
	/* ranked first, accepts and never answers; the idle timeout long: the fetch goes to
	 * the second server after the grace window, the silent one never gets a GET */
	idle_ms = 20000;
	start(0, SILENT);
	start(1, GOOD);
	start(2, GOOD);
	assert_int_equal(fetch(3, NULL, &res, &seen, &fd), 0);
	idle_ms = 500;
	assert_true(res.verified && res.server == lo(1)); /* the best-ranked that answered */
	assert_non_null(strstr(server_log(0), "HEAD /img/root.sqfs\n"));
	assert_false(got_get(0));
	assert_true(got_get(1));
	assert_false(got_get(2)); /* probed, not used */
	assert_image(fd);
	stop_all();
	/* the silent one listed last: the first is used at once */
	start(0, GOOD);
	start(1, SILENT);
	assert_int_equal(fetch(2, NULL, &res, &seen, &fd), 0);
	assert_true(res.server == lo(0));
	assert_false(got_get(1));
	assert_image(fd);
	stop_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_chunked_verified, stop_servers),
		cmocka_unit_test_teardown(test_resume_after_halfway, stop_servers),
		cmocka_unit_test_teardown(test_wrong_range_refused, stop_servers),
		cmocka_unit_test_teardown(test_no_range_starts_over, stop_servers),
		cmocka_unit_test_teardown(test_corrupt_then_good, stop_servers),
		cmocka_unit_test_teardown(test_silent_redirect_http10, stop_servers),
		cmocka_unit_test_teardown(test_all_fail, stop_servers),
		cmocka_unit_test_teardown(test_unverified_and_refused, stop_servers),
		cmocka_unit_test_teardown(test_silent_first_not_waited_for, stop_servers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
