/* Unit tests for httpresp (HTTP/1.1 response heads, chunked bodies) and imageurl (the
 * root image URL and the redirects followed). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "httpresp.h"
#include "imageurl.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static int parse(const char *h, struct httpresp *r, char *err)
{
	return httpresp_parse(h, strlen(h), r, err, HTTPRESP_ERR_LEN);
}

static void test_head_good(void **state)
{
	struct httpresp r;
	char err[HTTPRESP_ERR_LEN];
	const char *h = "HTTP/1.1 206 Partial Content\r\nserver: x\r\ncontent-LENGTH:  100 \r\n"
			"Content-Range: bytes 900-999/1000\r\nConnection: Keep-Alive, CLOSE\r\n\r\n";

	(void)state;
	assert_int_equal(httpresp_head_end(h, strlen(h)), (ssize_t)strlen(h));
	assert_int_equal(httpresp_head_end(h, strlen(h) - 1), 0);
	assert_int_equal(parse(h, &r, err), 0);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.version_minor, 1);
	assert_true(r.has_length && r.length == 100);
	assert_true(r.has_range && r.range_first == 900 && r.range_last == 999 && r.range_total == 1000);
	assert_true(r.close);
	assert_false(r.chunked);

	assert_int_equal(parse("HTTP/1.1 302\r\nLocation: /b/c.sqfs\r\nTransfer-Encoding: Chunked\r\n\r\n", &r, err), 0);
	assert_int_equal(r.status, 302);
	assert_string_equal(r.location, "/b/c.sqfs");
	assert_true(r.chunked);
	assert_false(r.close);
	assert_false(r.has_length);
	/* HTTP/1.0 closes unless keep-alive; an unknown total is 0 */
	assert_int_equal(parse("HTTP/1.0 206 OK\r\nContent-Range: bytes 0-0/*\r\n\r\n", &r, err), 0);
	assert_true(r.close && r.has_range && r.range_total == 0);
	/* the same Content-Length twice is fine */
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &r, err), 0);
	assert_int_equal(r.length, 5);
}

static void test_head_bad(void **state)
{
	static const struct {
		const char *head, *msg;
	} bad[] = {
		{ "HTTP/1.1 200 OK\r\n", "blank line" },
		{ "HTTP/2 200 OK\r\n\r\n", "not HTTP/1.x" },
		{ "ICY 200 OK\r\n\r\n", "not HTTP/1.x" },
		{ "HTTP/1.1 2000 OK\r\n\r\n", "no status code" },
		{ "HTTP/1.1 099 OK\r\n\r\n", "no status code" },
		{ "HTTP/1.1 200 OK\n\r\n\r\n", "CR LF" },
		{ "HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n", "CR LF" },
		{ "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "folded" },
		{ "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "NAME:" },
		{ "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "not a token" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a byte count" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "not a byte count" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "not a byte count" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "two different" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "ambiguous" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "only chunked" },
		{ "HTTP/1.1 206 OK\r\nContent-Range: bytes 5-4/10\r\n\r\n", "FIRST-LAST/TOTAL" },
		{ "HTTP/1.1 206 OK\r\nContent-Range: bytes 0-10/10\r\n\r\n", "FIRST-LAST/TOTAL" },
		{ "HTTP/1.1 206 OK\r\nContent-Range: bytes */10\r\n\r\n", "FIRST-LAST/TOTAL" },
		{ "HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n", "control character" },
		{ "HTTP/1.1 302 OK\r\nLocation:\r\n\r\n", "Location is empty" },
	};
	char err[HTTPRESP_ERR_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct httpresp r = { .status = 77 };

		if (parse(bad[i].head, &r, err) != -EINVAL)
			fail_msg("head %zu was accepted", i);
		assert_int_equal(r.status, 77);
		if (!strstr(err, bad[i].msg))
			fail_msg("head %zu: message '%s' lacks '%s'", i, err, bad[i].msg);
	}
	/* a NUL inside */
	struct httpresp r;
	assert_int_equal(httpresp_parse("HTTP/1.1 200 OK\r\nX: \0\r\n\r\n", 25, &r, err, sizeof(err)), -EINVAL);
	/* too long without an end */
	static char big[HTTPRESP_HEAD_MAX + 10];
	memset(big, 'a', sizeof(big));
	assert_int_equal(httpresp_head_end(big, sizeof(big)), -E2BIG);
	assert_int_equal(httpresp_head_end(big, HTTPRESP_HEAD_MAX - 1), 0);
}

/* Decodes body in slices of step bytes into out; returns the data length or < 0. */
static ssize_t decode(const char *body, size_t step, char *out, bool *done)
{
	struct httpchunk c;
	char buf[256], err[HTTPRESP_ERR_LEN];
	size_t n = strlen(body), o = 0;

	httpchunk_init(&c);
	for (size_t i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;
		ssize_t got;

		memcpy(buf, body + i, k);
		got = httpchunk_decode(&c, buf, k, err, sizeof(err));
		if (got < 0)
			return got;
		memcpy(out + o, buf, (size_t)got);
		o += (size_t)got;
	}
	*done = c.done;
	return (ssize_t)o;
}

static void test_chunked(void **state)
{
	const char *body = "5;name=v\r\nhello\r\n1A \r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\n\r\nGARBAGE";
	char out[128];
	bool done;

	(void)state;
	for (size_t step = 1; step < 80; step++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(decode(body, step, out, &done), 31);
		assert_true(done);
		assert_memory_equal(out, "helloabcdefghijklmnopqrstuvwxyz", 31);
	}
	assert_int_equal(decode("3\r\nabc\r\n", 2, out, &done), 3);
	assert_false(done); /* the last chunk is missing: not done */
	assert_int_equal(decode("0\r\n\r\n", 1, out, &done), 0);
	assert_true(done);
	/* broken framing */
	assert_int_equal(decode("x\r\n", 1, out, &done), -EINVAL);
	assert_int_equal(decode("3\r\nabcd\r\n", 3, out, &done), -EINVAL);
	assert_int_equal(decode("3\nabc\r\n", 3, out, &done), -EINVAL);
	assert_int_equal(decode("3x\r\nabc\r\n", 3, out, &done), -EINVAL);
	assert_int_equal(decode("1000000000000000\r\n", 5, out, &done), -EINVAL);
	assert_int_equal(decode("0\r\nX\n\r\n", 5, out, &done), -EINVAL);
}

static int url(const char *t, struct imageurl *u, char *err)
{
	return imageurl_parse(t, strlen(t), u, err, IMAGEURL_ERR_LEN);
}

static void test_url(void **state)
{
	struct imageurl u;
	char err[IMAGEURL_ERR_LEN];

	(void)state;
	assert_true(imageurl_is_http("HTTP://x", 8));
	assert_true(imageurl_is_http("https://x", 9));
	assert_false(imageurl_is_http("https://x", 7)); /* the length bounds it */
	assert_false(imageurl_is_http("/images/root.sqfs", 17));
	assert_int_equal(url("http://10.0.0.1*2,10.0.0.2:8080/img/root-v1.sqfs?x=1", &u, err), 0);
	assert_int_equal(u.servers.n, 2);
	assert_true(u.servers.addr[0] == ip("10.0.0.1") && u.servers.weight[0] == 2);
	assert_int_equal(u.port, 8080);
	assert_string_equal(u.path, "/img/root-v1.sqfs?x=1");
	assert_int_equal(url("http://10.0.0.9/a%20b", &u, err), 0);
	assert_int_equal(u.port, 80);

	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "https://10.0.0.1/a", "no TLS" },
		{ "ftp://10.0.0.1/a", "http://" },
		{ "http://10.0.0.1", "no /PATH" },
		{ "http://server.example/a", "DNS" },
		{ "http://127.0.0.1/a", "host's address" },
		{ "http://10.0.0.1:0/a", "1..65535" },
		{ "http://10.0.0.1:65536/a", "1..65535" },
		{ "http://10.0.0.1:/a", "1..65535" },
		{ "http://u@10.0.0.1/a", "user name" },
		{ "http:///a", "no server" },
		{ "http://10.0.0.1/a b", "0x20" },
		{ "http://10.0.0.1/a#frag", "0x23" },
		{ "http://10.0.0.1/a%2", "two hex digits" },
		{ "http://10.0.0.1/a%zz", "two hex digits" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u.port = 77;
		if (url(bad[i].text, &u, err) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i].text);
		assert_int_equal(u.port, 77);
		if (!strstr(err, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text, err, bad[i].msg);
	}
}

static int redir(const char *loc, const char *cur, char *out, char *err)
{
	return imageurl_redirect(loc, strlen(loc), ip("10.0.0.1"), 8080, cur, out, err, IMAGEURL_ERR_LEN);
}

static void test_redirect(void **state)
{
	char out[IMAGEURL_PATH_MAX], err[IMAGEURL_ERR_LEN];

	(void)state;
	assert_int_equal(redir("/v2/root.sqfs", "/root.sqfs", out, err), 0);
	assert_string_equal(out, "/v2/root.sqfs");
	assert_int_equal(redir("root-v2.sqfs", "/img/root.sqfs?a=/b", out, err), 0);
	assert_string_equal(out, "/img/root-v2.sqfs");
	assert_int_equal(redir("http://10.0.0.1:8080/x", "/a", out, err), 0);
	assert_string_equal(out, "/x");
	assert_int_equal(redir("HTTP://10.0.0.1:8080/y?z", "/a", out, err), 0);
	assert_string_equal(out, "/y?z");
	assert_int_equal(redir("//10.0.0.1:8080/w", "/a", out, err), 0);
	assert_string_equal(out, "/w");
	/* elsewhere: refused */
	assert_int_equal(redir("http://10.0.0.2:8080/x", "/a", out, err), -EINVAL);
	assert_non_null(strstr(err, "same server"));
	assert_int_equal(redir("http://10.0.0.1/x", "/a", out, err), -EINVAL); /* port 80 */
	assert_int_equal(redir("http://10.0.0.1:8080", "/a", out, err), -EINVAL);
	assert_int_equal(redir("https://10.0.0.1:8080/x", "/a", out, err), -EINVAL);
	assert_int_equal(redir("http://mirror.example:8080/x", "/a", out, err), -EINVAL);
	assert_int_equal(redir("/a b", "/a", out, err), -EINVAL);
	assert_int_equal(redir("", "/a", out, err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_good),
		cmocka_unit_test(test_head_bad),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_redirect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
