/* Unit tests for rpcmsg (ONC RPC calls, record marking, replies) and nfsprobe (the NFS
 * server probe's steps, messages and the choice of the server to mount). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nfsprobe.h"
#include "nfsspec.h"
#include "rpcmsg.h"

/* ---- rpcmsg ---------------------------------------------------------------------- */

static size_t be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* A reply body from 32-bit words. */
static size_t words(uint8_t *out, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		be32(out + 4 * i, w[i]);
	return 4 * n;
}

static void test_null_call(void **state)
{
	/* RFC 5531: mark, xid, CALL, rpcvers 2, prog, vers, proc 0, AUTH_NONE cred and verf */
	static const uint8_t want[] = {
		0x80, 0, 0, 40,  0x12, 0x34, 0x56, 0x78,  0, 0, 0, 0,  0, 0, 0, 2,
		0, 1, 0x86, 0xa3,  0, 0, 0, 4,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
		0, 0, 0, 0,  0, 0, 0, 0,
	};
	uint8_t out[RPCMSG_CALL_MAX];

	(void)state;
	assert_int_equal(rpcmsg_null_call(0x12345678, RPC_PROG_NFS, 4, out), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

static void test_getport_call(void **state)
{
	uint8_t out[RPCMSG_CALL_MAX];
	size_t n = rpcmsg_getport_call(7, RPC_PROG_NFS, 3, out);

	(void)state;
	assert_int_equal(n, 60);
	assert_int_equal(out[0], 0x80);
	assert_int_equal(out[3], 56);
	/* program 100000 version 2 procedure 3 */
	assert_memory_equal(out + 16, ((uint8_t[]){ 0, 1, 0x86, 0xa0, 0, 0, 0, 2, 0, 0, 0, 3 }), 12);
	/* arguments: 100003, 3, TCP (6), 0 */
	assert_memory_equal(out + 44, ((uint8_t[]){ 0, 1, 0x86, 0xa3, 0, 0, 0, 3, 0, 0, 0, 6, 0, 0, 0, 0 }), 16);
}

static void test_record(void **state)
{
	uint8_t s[64], out[32];
	size_t n = 0, len = 99;

	(void)state;
	/* two fragments, "abcd" then "ef" (last), then the start of another record */
	n += be32(s + n, 4);
	memcpy(s + n, "abcd", 4);
	n += 4;
	n += be32(s + n, 0x80000002);
	memcpy(s + n, "ef", 2);
	n += 2;
	n += be32(s + n, 0x80000010);
	for (size_t cut = 0; cut < 14; cut++)
		assert_int_equal(rpcmsg_record(s, cut, out, sizeof(out), &len), 0);
	assert_int_equal(rpcmsg_record(s, n, out, sizeof(out), &len), 14);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "abcdef", 6);
	/* longer than the buffer */
	be32(s, 0x80000021);
	assert_int_equal(rpcmsg_record(s, n, out, sizeof(out), &len), -EMSGSIZE);
	be32(s, 0x7fffffff);
	assert_int_equal(rpcmsg_record(s, n, out, sizeof(out), &len), -EMSGSIZE);
}

static void test_replies(void **state)
{
	uint8_t b[128];
	struct rpcmsg_reply r;
	unsigned port = 9;

	(void)state;
	/* accepted, success, with a 5-byte verifier (padded to 8) and a GETPORT result */
	size_t n = words(b, (uint32_t[]){ 42, 1, 0, 1, 5, 0xaabbccdd, 0xee000000, 0, 2049 }, 9);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_int_equal(r.xid, 42);
	assert_int_equal(r.status, RPCMSG_SUCCESS);
	assert_int_equal(r.result_len, 4);
	assert_int_equal(rpcmsg_getport_result(&r, &port), 0);
	assert_int_equal(port, 2049);
	/* a NULL reply: no results; no port in it */
	n = words(b, (uint32_t[]){ 1, 1, 0, 0, 0, 0 }, 6);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_int_equal(r.result_len, 0);
	assert_int_equal(rpcmsg_getport_result(&r, &port), -EBADMSG);
	/* PROG_MISMATCH 4..4: what a server with NFSv4 only says to an NFSv3 call */
	n = words(b, (uint32_t[]){ 3, 1, 0, 0, 0, 2, 4, 4 }, 8);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_int_equal(r.status, RPCMSG_PROG_MISMATCH);
	assert_true(r.low == 4 && r.high == 4);
	assert_int_equal(rpcmsg_parse_reply(b, n - 4, &r), -EBADMSG); /* high cut off */
	/* PROG_UNAVAIL, denied: RPC_MISMATCH, AUTH_ERROR */
	n = words(b, (uint32_t[]){ 3, 1, 0, 0, 0, 1 }, 6);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_int_equal(r.status, RPCMSG_PROG_UNAVAIL);
	n = words(b, (uint32_t[]){ 3, 1, 1, 0, 2, 2 }, 6);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_int_equal(r.status, RPCMSG_RPC_MISMATCH);
	n = words(b, (uint32_t[]){ 3, 1, 1, 1, 5 }, 5);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_true(r.status == RPCMSG_AUTH_ERROR && r.auth_stat == 5);
	assert_string_equal(rpcmsg_status_text(RPCMSG_PROG_MISMATCH), "program version mismatch");
	/* not replies */
	static const uint32_t bad[][8] = {
		{ 3, 0, 0, 0, 0, 0 },          /* a call */
		{ 3, 1, 2, 0, 0, 0 },          /* reply_stat 2 */
		{ 3, 1, 0, 0, 0, 6 },          /* accept_stat 6 */
		{ 3, 1, 1, 2, 0, 0 },          /* reject_stat 2 */
		{ 3, 1, 0, 0, 401, 0 },        /* verifier too long */
		{ 3, 1, 0, 0, 16, 0 },         /* verifier longer than the record */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = words(b, bad[i], 6);
		r.xid = 77;
		assert_int_equal(rpcmsg_parse_reply(b, n, &r), -EBADMSG);
		assert_int_equal(r.xid, 77); /* unchanged */
	}
	for (size_t cut = 0; cut < 24; cut++) /* every truncation of an accepted reply */
		assert_int_equal(rpcmsg_parse_reply(b, cut, &r), -EBADMSG);
	/* a port above 65535 is no port */
	n = words(b, (uint32_t[]){ 1, 1, 0, 0, 0, 0, 70000 }, 7);
	assert_int_equal(rpcmsg_parse_reply(b, n, &r), 0);
	assert_int_equal(rpcmsg_getport_result(&r, &port), -EBADMSG);
}

/* ---- nfsprobe: the steps ------------------------------------------------------------ */

static struct rpcmsg_reply reply(enum rpcmsg_status st, uint32_t low, uint32_t high)
{
	return (struct rpcmsg_reply){ .status = st, .low = low, .high = high };
}

static struct rpcmsg_reply port_reply(unsigned port)
{
	static uint8_t b[4];

	be32(b, port);
	return (struct rpcmsg_reply){ .status = RPCMSG_SUCCESS, .result = b, .result_len = 4 };
}

static void expect_step(const struct nfsprobe *p, enum nfsprobe_act act, unsigned port, bool getport,
			unsigned vers)
{
	if (p->act != act || p->port != port || p->getport != getport || p->vers != vers)
		fail_msg("step: act %d port %u getport %d vers %u, wanted %d %u %d %u", p->act, p->port,
			 p->getport, p->vers, act, port, getport, vers);
}

static const char *text(const struct nfsprobe *p)
{
	static char t[NFSPROBE_TEXT_LEN];

	return nfsprobe_describe(p, t, sizeof(t));
}

static void test_probe_v4(void **state)
{
	struct nfsprobe p;
	struct rpcmsg_reply r;

	(void)state;
	nfsprobe_start(&p, 4, false, 0);
	expect_step(&p, NFSPROBE_CONNECT, 2049, false, 4);
	nfsprobe_connected(&p);
	r = reply(RPCMSG_SUCCESS, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_true(p.act == NFSPROBE_DONE && p.result == NFSPROBE_ANSWERED && p.vers == 4);
	assert_string_equal(text(&p), "answers NFSv4");
	assert_string_equal(nfsprobe_word(&p), "ok");
	/* a server with NFSv3 only */
	nfsprobe_start(&p, 4, true, 3049);
	expect_step(&p, NFSPROBE_CONNECT, 3049, false, 4);
	r = reply(RPCMSG_PROG_MISMATCH, 2, 3);
	nfsprobe_reply(&p, &r, false);
	assert_int_equal(p.result, NFSPROBE_MISMATCH);
	assert_string_equal(text(&p), "speaks NFSv2 to NFSv3; NFSv4 was asked");
	/* refused, unreachable, silent after connecting, silent without */
	nfsprobe_start(&p, 4, false, 0);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	assert_int_equal(p.result, NFSPROBE_REFUSED);
	assert_string_equal(text(&p), "connection refused (no NFS server there)");
	assert_string_equal(nfsprobe_word(&p), "refused");
	nfsprobe_start(&p, 4, false, 0);
	nfsprobe_conn_failed(&p, -EHOSTUNREACH);
	assert_string_equal(text(&p), "server unreachable");
	assert_string_equal(nfsprobe_word(&p), "unreachable");
	nfsprobe_start(&p, 4, false, 0);
	nfsprobe_connected(&p);
	nfsprobe_timeout(&p);
	assert_true(p.result == NFSPROBE_SILENT && p.err == -ETIMEDOUT);
	assert_string_equal(text(&p), "TCP connected, but no RPC answer (a hung server?)");
	nfsprobe_start(&p, 4, false, 0);
	nfsprobe_timeout(&p);
	assert_string_equal(text(&p), "no answer (no TCP connection)");
	/* closed without a word; bytes that are no RPC; RPC without NFS; auth error = there */
	nfsprobe_start(&p, 4, false, 0);
	nfsprobe_conn_failed(&p, 0);
	assert_string_equal(text(&p), "connection closed before an RPC answer");
	nfsprobe_start(&p, 4, false, 0);
	nfsprobe_reply(&p, NULL, true);
	assert_string_equal(text(&p), "not an NFS server (the answer is not RPC)");
	nfsprobe_start(&p, 4, false, 0);
	r = reply(RPCMSG_PROG_UNAVAIL, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_string_equal(text(&p), "not an NFS server (RPC: program unavailable)");
	nfsprobe_start(&p, 4, false, 0);
	r = reply(RPCMSG_AUTH_ERROR, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_int_equal(p.result, NFSPROBE_ANSWERED);
	/* once done, later events change nothing */
	nfsprobe_timeout(&p);
	nfsprobe_conn_failed(&p, -ECONNRESET);
	assert_int_equal(p.result, NFSPROBE_ANSWERED);
}

static void test_probe_v3(void **state)
{
	struct nfsprobe p;
	struct rpcmsg_reply r;

	(void)state;
	/* through rpcbind: GETPORT, then the NULL call where it says */
	nfsprobe_start(&p, 3, false, 0);
	expect_step(&p, NFSPROBE_CONNECT, 111, true, 3);
	r = port_reply(2049);
	nfsprobe_reply(&p, &r, false);
	expect_step(&p, NFSPROBE_CONNECT, 2049, false, 3);
	r = reply(RPCMSG_SUCCESS, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_true(p.result == NFSPROBE_ANSWERED && p.vers == 3 && p.rpcbind_port == 2049);
	assert_string_equal(text(&p), "answers NFSv3");
	/* the case: no rpcbind (an NFSv4-only server), vers=3 */
	nfsprobe_start(&p, 3, false, 0);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	expect_step(&p, NFSPROBE_CONNECT, 2049, false, 3);
	r = reply(RPCMSG_PROG_MISMATCH, 4, 4);
	nfsprobe_reply(&p, &r, false);
	assert_int_equal(p.result, NFSPROBE_MISMATCH);
	assert_string_equal(text(&p), "speaks NFSv4 only; vers=3 was asked");
	assert_string_equal(nfsprobe_word(&p), "mismatch");
	/* rpcbind there without NFSv3 (port 0) */
	nfsprobe_start(&p, 3, false, 0);
	r = port_reply(0);
	nfsprobe_reply(&p, &r, false);
	expect_step(&p, NFSPROBE_CONNECT, 2049, false, 3);
	assert_true(p.rpcbind_absent);
	/* NFSv3 answers on 2049 but rpcbind is absent: a candidate, said so */
	nfsprobe_start(&p, 3, false, 0);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	r = reply(RPCMSG_SUCCESS, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_int_equal(p.result, NFSPROBE_ANSWERED);
	assert_string_equal(text(&p), "answers NFSv3, but no rpcbind (an NFSv3 mount needs it)");
	/* nothing at all: rpcbind and 2049 refuse */
	nfsprobe_start(&p, 3, false, 0);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	assert_string_equal(text(&p), "connection refused (no NFS server there)");
	/* the host does not answer ARP: no second try */
	nfsprobe_start(&p, 3, false, 0);
	nfsprobe_conn_failed(&p, -EHOSTUNREACH);
	assert_int_equal(p.result, NFSPROBE_REFUSED);
	/* port= given: straight to it */
	nfsprobe_start(&p, 3, true, 4000);
	expect_step(&p, NFSPROBE_CONNECT, 4000, false, 3);
}

static void test_probe_negotiate(void **state)
{
	struct nfsprobe p;
	struct rpcmsg_reply r;

	(void)state;
	/* NFSv4 answers: done in one call */
	nfsprobe_start(&p, 0, false, 0);
	expect_step(&p, NFSPROBE_CONNECT, 2049, false, 4);
	r = reply(RPCMSG_SUCCESS, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_true(p.result == NFSPROBE_ANSWERED && p.vers == 4);
	/* NFSv3 only: the NFSv3 call on the same connection */
	nfsprobe_start(&p, 0, false, 0);
	r = reply(RPCMSG_PROG_MISMATCH, 2, 3);
	nfsprobe_reply(&p, &r, false);
	expect_step(&p, NFSPROBE_CALL, 2049, false, 3);
	r = reply(RPCMSG_SUCCESS, 0, 0);
	nfsprobe_reply(&p, &r, false);
	assert_true(p.result == NFSPROBE_ANSWERED && p.vers == 3);
	/* NFSv2 only */
	nfsprobe_start(&p, 0, false, 0);
	r = reply(RPCMSG_PROG_MISMATCH, 2, 2);
	nfsprobe_reply(&p, &r, false);
	assert_string_equal(text(&p), "speaks NFSv2 only, neither NFSv3 nor NFSv4");
	/* 2049 refuses: NFSv3 may be where rpcbind says */
	nfsprobe_start(&p, 0, false, 0);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	expect_step(&p, NFSPROBE_CONNECT, 111, true, 3);
	r = port_reply(0);
	nfsprobe_reply(&p, &r, false); /* nothing registered, and 2049 refused already */
	assert_true(p.result == NFSPROBE_REFUSED && p.err == -ECONNREFUSED);
	nfsprobe_start(&p, 0, false, 0);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	r = port_reply(3049);
	nfsprobe_reply(&p, &r, false);
	expect_step(&p, NFSPROBE_CONNECT, 3049, false, 3);
	/* proto=udp: not probed, taken as answering, in rank order */
	nfsprobe_unprobed(&p, 0);
	assert_true(p.act == NFSPROBE_DONE && p.result == NFSPROBE_ANSWERED && p.vers == 3);
	assert_string_equal(text(&p), "not probed (proto=udp): tried in rank order");
	assert_string_equal(nfsprobe_word(&p), "skip");
	/* with port= nothing else is tried */
	nfsprobe_start(&p, 0, true, 3049);
	nfsprobe_conn_failed(&p, -ECONNREFUSED);
	assert_int_equal(p.result, NFSPROBE_REFUSED);
	assert_true(p.steps <= NFSPROBE_MAX_STEPS);
}

static void test_mount_versions(void **state)
{
	struct nfsspec s;
	struct nfsprobe_vers v[3];
	char err[NFSSPEC_ERR_LEN];
	static const struct {
		const char *spec;
		unsigned want, answered;
		int n;
		struct nfsprobe_vers v[3];
	} cases[] = {
		{ "10.0.0.1:/r", 0, 4, 3, { { 4, 2 }, { 4, 1 }, { 4, 0 } } },
		{ "10.0.0.1:/r", 0, 3, 1, { { 3, -1 } } },
		{ "10.0.0.1:/r,vers=3", 3, 3, 1, { { 3, -1 } } },
		{ "10.0.0.1:/r,vers=4", 4, 4, 1, { { 4, -1 } } },
		{ "10.0.0.1:/r,v4.1", 4, 4, 1, { { 4, 1 } } },
		{ "nfs4:10.0.0.1:/r", 4, 4, 3, { { 4, 2 }, { 4, 1 }, { 4, 0 } } },
		{ "nfs4:10.0.0.1:/r:minorversion=1", 4, 4, 1, { { 4, 1 } } },
		{ "nfs:10.0.0.1:/r", 0, 4, 3, { { 4, 2 }, { 4, 1 }, { 4, 0 } } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].spec;

		assert_int_equal(nfsspec_parse(NFSSPEC_NFSROOT, t, strlen(t), NULL, &s, err, sizeof(err)), 0);
		if (nfsprobe_want(&s) != cases[i].want)
			fail_msg("%s: want %u", t, nfsprobe_want(&s));
		assert_int_equal(nfsprobe_mount_versions(&s, cases[i].answered, v), cases[i].n);
		for (int k = 0; k < cases[i].n; k++)
			if (v[k].vers != cases[i].v[k].vers || v[k].minor != cases[i].v[k].minor)
				fail_msg("%s: version %d is %u.%d", t, k, v[k].vers, v[k].minor);
	}
}

/* ---- nfsprobe: the choice ---------------------------------------------------------- */

enum { P = 0, OK, DEAD }; /* pending, answered, failed */

static void set(struct nfsprobe *p, const int *st, int n)
{
	for (int i = 0; i < n; i++) {
		nfsprobe_start(&p[i], 4, false, 0);
		if (st[i] == OK) {
			struct rpcmsg_reply r = reply(RPCMSG_SUCCESS, 0, 0);

			nfsprobe_reply(&p[i], &r, false);
		} else if (st[i] == DEAD) {
			nfsprobe_conn_failed(&p[i], -ECONNREFUSED);
		}
	}
}

static void test_choose(void **state)
{
	static const struct {
		int n, st[4], order[4];
		bool tried[4];
		uint64_t now, first;
		enum nfsprobe_choice want;
		int pick, wait;
	} cases[] = {
		/* the first-ranked answers: at once, whatever the others do */
		{ 3, { OK, P, P }, { 0, 1, 2 }, { 0 }, 1000, 1000, NFSPROBE_MOUNT, 0, -1 },
		/* rank order, not list order */
		{ 3, { OK, P, OK }, { 2, 0, 1 }, { 0 }, 1000, 1000, NFSPROBE_MOUNT, 2, -1 },
		/* the first-ranked is pending: the second waits out the grace window */
		{ 2, { P, OK }, { 0, 1 }, { 0 }, 1000, 1000, NFSPROBE_WAIT, -1, 300 },
		{ 2, { P, OK }, { 0, 1 }, { 0 }, 1299, 1000, NFSPROBE_WAIT, -1, 1 },
		{ 2, { P, OK }, { 0, 1 }, { 0 }, 1300, 1000, NFSPROBE_MOUNT, 1, -1 },
		/* the first-ranked refused: no waiting at all */
		{ 2, { DEAD, OK }, { 0, 1 }, { 0 }, 1000, 1000, NFSPROBE_MOUNT, 1, -1 },
		/* only pending ones: wait for an event or the deadline */
		{ 2, { P, P }, { 0, 1 }, { 0 }, 1000, UINT64_MAX, NFSPROBE_WAIT, -1, -1 },
		{ 2, { DEAD, P }, { 0, 1 }, { 0 }, 1000, UINT64_MAX, NFSPROBE_WAIT, -1, -1 },
		/* everything failed or was tried */
		{ 2, { DEAD, DEAD }, { 0, 1 }, { 0 }, 1000, UINT64_MAX, NFSPROBE_NONE, -1, -1 },
		{ 2, { OK, DEAD }, { 0, 1 }, { 1, 0 }, 1000, 900, NFSPROBE_NONE, -1, -1 },
		/* the chosen one's mount failed: the next answering one, the grace long gone */
		{ 3, { OK, P, OK }, { 0, 1, 2 }, { 1, 0, 0 }, 5000, 900, NFSPROBE_MOUNT, 2, -1 },
		/* ... or still waiting for a better one within the window */
		{ 3, { OK, P, OK }, { 0, 1, 2 }, { 1, 0, 0 }, 1000, 900, NFSPROBE_WAIT, -1, 200 },
		/* tried and pending: the pending one may still answer */
		{ 2, { OK, P }, { 0, 1 }, { 1, 0 }, 5000, 900, NFSPROBE_WAIT, -1, -1 },
		/* four servers, the best two dead */
		{ 4, { DEAD, OK, DEAD, OK }, { 2, 0, 3, 1 }, { 0 }, 1000, 1000, NFSPROBE_MOUNT, 3, -1 },
	};
	struct nfsprobe p[4];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int pick = 99, wait = 99;
		enum nfsprobe_choice c;

		set(p, cases[i].st, cases[i].n);
		c = nfsprobe_choose(p, cases[i].tried, cases[i].order, cases[i].n, cases[i].now,
				    cases[i].first, NFSPROBE_GRACE_MS, &pick, &wait);
		if (c != cases[i].want || pick != cases[i].pick || wait != cases[i].wait)
			fail_msg("case %zu: choice %d pick %d wait %d, wanted %d %d %d", i, c, pick, wait,
				 cases[i].want, cases[i].pick, cases[i].wait);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_call),
		cmocka_unit_test(test_getport_call),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_probe_v4),
		cmocka_unit_test(test_probe_v3),
		cmocka_unit_test(test_probe_negotiate),
		cmocka_unit_test(test_mount_versions),
		cmocka_unit_test(test_choose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
