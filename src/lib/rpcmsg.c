/* rpcmsg: ONC RPC calls and replies over TCP. See rpcmsg.h. */
#include "rpcmsg.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define RPC_CALL 0u
#define RPC_REPLY 1u
#define RPC_VERSION 2u
#define AUTH_NONE 0u
#define RPCBIND_VERSION 2u
#define RPCBIND_GETPORT 3u
#define IPPROTO_TCP_NUMBER 6u
#define LAST_FRAGMENT 0x80000000u
#define MAX_AUTH_BYTES 400u

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Mark, header, AUTH_NONE credential and verifier; the mark is filled in by finish. */
static uint8_t *call_header(uint8_t *out, uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc)
{
	uint8_t *p = out + 4;

	p = put32(p, xid);
	p = put32(p, RPC_CALL);
	p = put32(p, RPC_VERSION);
	p = put32(p, prog);
	p = put32(p, vers);
	p = put32(p, proc);
	for (int i = 0; i < 4; i++) /* cred and verf: flavor AUTH_NONE, length 0 */
		p = put32(p, AUTH_NONE);
	return p;
}

static size_t finish(uint8_t *out, const uint8_t *end)
{
	size_t n = (size_t)(end - out);

	put32(out, LAST_FRAGMENT | (uint32_t)(n - 4));
	return n;
}

size_t rpcmsg_null_call(uint32_t xid, uint32_t prog, uint32_t vers, uint8_t out[RPCMSG_CALL_MAX])
{
	return finish(out, call_header(out, xid, prog, vers, 0));
}

size_t rpcmsg_getport_call(uint32_t xid, uint32_t prog, uint32_t vers, uint8_t out[RPCMSG_CALL_MAX])
{
	uint8_t *p = call_header(out, xid, RPC_PROG_RPCBIND, RPCBIND_VERSION, RPCBIND_GETPORT);

	p = put32(p, prog);
	p = put32(p, vers);
	p = put32(p, IPPROTO_TCP_NUMBER);
	p = put32(p, 0);
	return finish(out, p);
}

int rpcmsg_record(const uint8_t *stream, size_t len, uint8_t *out, size_t outsz, size_t *outlen)
{
	size_t at = 0, got = 0;

	*outlen = 0;
	for (;;) {
		uint32_t mark;
		size_t frag;

		if (len - at < 4)
			return 0;
		mark = get32(stream + at);
		frag = mark & ~LAST_FRAGMENT;
		if (frag > outsz - got)
			return -EMSGSIZE;
		if (len - at - 4 < frag)
			return 0;
		memcpy(out + got, stream + at + 4, frag);
		got += frag;
		at += 4 + frag;
		if (mark & LAST_FRAGMENT) {
			*outlen = got;
			return (int)at;
		}
	}
}

/* A reader over the record: every get fails once the bytes run out. */
struct rd {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static uint32_t take(struct rd *r)
{
	uint32_t v;

	if (r->left < 4) {
		r->bad = true;
		r->left = 0;
		return 0;
	}
	v = get32(r->p);
	r->p += 4;
	r->left -= 4;
	return v;
}

int rpcmsg_parse_reply(const uint8_t *rec, size_t len, struct rpcmsg_reply *out)
{
	struct rd r = { rec, len, false };
	struct rpcmsg_reply o = { 0 };
	uint32_t stat;

	o.xid = take(&r);
	if (take(&r) != RPC_REPLY || r.bad)
		return -EBADMSG;
	stat = take(&r);
	if (stat == 0) { /* MSG_ACCEPTED: verifier, then accept_stat */
		uint32_t vlen;

		take(&r); /* flavor: whatever the server uses, not ours to check */
		vlen = take(&r);
		size_t padded = ((size_t)vlen + 3) / 4 * 4;

		if (r.bad || vlen > MAX_AUTH_BYTES || padded > r.left)
			return -EBADMSG;
		r.p += padded;
		r.left -= padded;
		stat = take(&r);
		if (r.bad || stat > 5)
			return -EBADMSG;
		o.status = (enum rpcmsg_status)stat; /* SUCCESS .. SYSTEM_ERR, in RFC order */
		if (o.status == RPCMSG_SUCCESS) {
			o.result = r.p;
			o.result_len = r.left;
		} else if (o.status == RPCMSG_PROG_MISMATCH) {
			o.low = take(&r);
			o.high = take(&r);
		}
	} else if (stat == 1) { /* MSG_DENIED */
		uint32_t why = take(&r);

		if (why == 0) {
			o.status = RPCMSG_RPC_MISMATCH;
			o.low = take(&r);
			o.high = take(&r);
		} else if (why == 1) {
			o.status = RPCMSG_AUTH_ERROR;
			o.auth_stat = take(&r);
		} else {
			return -EBADMSG;
		}
	} else {
		return -EBADMSG;
	}
	if (r.bad)
		return -EBADMSG;
	*out = o;
	return 0;
}

int rpcmsg_getport_result(const struct rpcmsg_reply *r, unsigned *port)
{
	uint32_t v;

	if (r->status != RPCMSG_SUCCESS || r->result_len < 4)
		return -EBADMSG;
	v = get32(r->result);
	if (v > 65535)
		return -EBADMSG;
	*port = v;
	return 0;
}

const char *rpcmsg_status_text(enum rpcmsg_status s)
{
	switch (s) {
	case RPCMSG_SUCCESS: return "success";
	case RPCMSG_PROG_UNAVAIL: return "program unavailable";
	case RPCMSG_PROG_MISMATCH: return "program version mismatch";
	case RPCMSG_PROC_UNAVAIL: return "procedure unavailable";
	case RPCMSG_GARBAGE_ARGS: return "garbage arguments";
	case RPCMSG_SYSTEM_ERR: return "system error";
	case RPCMSG_RPC_MISMATCH: return "RPC version mismatch";
	case RPCMSG_AUTH_ERROR: return "authentication error";
	}
	return "unknown status";
}
