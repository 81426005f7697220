/* nfsprobe: the NFS server probe's decisions. See nfsprobe.h. */
#include "nfsprobe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probechoose.h"
#include "serverlist.h"

unsigned nfsprobe_want(const struct nfsspec *s)
{
	if (s->vers_given)
		return s->vers;
	return s->vers == 4 ? 4 : 0; /* nfs4: says NFSv4; otherwise nothing was said */
}

static void step(struct nfsprobe *p, enum nfsprobe_act act, unsigned port, bool getport, unsigned vers)
{
	if (++p->steps > NFSPROBE_MAX_STEPS) { /* cannot happen: every path below is short */
		p->act = NFSPROBE_DONE;
		p->result = NFSPROBE_NOT_NFS;
		return;
	}
	p->act = act;
	p->port = port;
	p->getport = getport;
	p->vers = vers;
}

static void done(struct nfsprobe *p, enum nfsprobe_result r, int err)
{
	p->act = NFSPROBE_DONE;
	p->result = r;
	p->err = err;
}

static unsigned nfs_port(const struct nfsprobe *p)
{
	return p->port_set ? p->user_port : RPC_PORT_NFS;
}

void nfsprobe_start(struct nfsprobe *p, unsigned want, bool port_set, unsigned port)
{
	memset(p, 0, sizeof(*p));
	p->want = want;
	p->port_set = port_set;
	p->user_port = port;
	if (want == 3 && !port_set)
		step(p, NFSPROBE_CONNECT, RPC_PORT_RPCBIND, true, 3);
	else
		step(p, NFSPROBE_CONNECT, nfs_port(p), false, want == 3 ? 3 : 4);
}

void nfsprobe_unprobed(struct nfsprobe *p, unsigned want)
{
	memset(p, 0, sizeof(*p));
	p->want = want;
	p->vers = want == 4 ? 4 : 3;
	p->unprobed = true;
	done(p, NFSPROBE_ANSWERED, 0);
}

void nfsprobe_connected(struct nfsprobe *p)
{
	p->connected = true;
}

static bool host_gone(int err)
{
	return err == -EHOSTUNREACH || err == -ENETUNREACH || err == -ETIMEDOUT;
}

/* rpcbind had nothing for NFSv3: what is on the NFS port says whether NFS is there at all. */
static void after_rpcbind(struct nfsprobe *p)
{
	p->rpcbind_absent = true;
	if (p->nfs_refused)
		done(p, NFSPROBE_REFUSED, -ECONNREFUSED);
	else
		step(p, NFSPROBE_CONNECT, RPC_PORT_NFS, false, 3);
}

void nfsprobe_conn_failed(struct nfsprobe *p, int err)
{
	if (p->act == NFSPROBE_DONE)
		return;
	if (err == 0)
		err = -ECONNRESET;
	if (p->getport) {
		if (host_gone(err))
			done(p, NFSPROBE_REFUSED, err);
		else
			after_rpcbind(p);
		return;
	}
	if (err == -ECONNREFUSED && p->port == nfs_port(p))
		p->nfs_refused = true;
	/* no version given and nothing on 2049: NFSv3 may live where rpcbind says */
	if (err == -ECONNREFUSED && p->want == 0 && !p->port_set && p->vers == 4) {
		step(p, NFSPROBE_CONNECT, RPC_PORT_RPCBIND, true, 3);
		return;
	}
	done(p, NFSPROBE_REFUSED, err);
}

void nfsprobe_reply(struct nfsprobe *p, const struct rpcmsg_reply *r, bool bad)
{
	unsigned port;

	if (p->act == NFSPROBE_DONE)
		return;
	if (bad) {
		p->rpc_seen = false;
		if (p->getport)
			after_rpcbind(p);
		else
			done(p, NFSPROBE_NOT_NFS, 0);
		return;
	}
	p->rpc_seen = true;
	p->rpc_status = r->status;
	if (p->getport) {
		if (rpcmsg_getport_result(r, &port) == 0 && port > 0) {
			p->rpcbind_port = port;
			step(p, NFSPROBE_CONNECT, port, false, 3);
		} else {
			after_rpcbind(p);
		}
		return;
	}
	switch (r->status) {
	case RPCMSG_SUCCESS:
	case RPCMSG_AUTH_ERROR: /* NFS is there; the mount itself uses AUTH_SYS */
		done(p, NFSPROBE_ANSWERED, 0);
		return;
	case RPCMSG_PROG_MISMATCH:
		p->low = r->low;
		p->high = r->high;
		if (p->want == 0 && p->vers == 4 && r->low <= 3 && r->high >= 3)
			step(p, NFSPROBE_CALL, p->port, false, 3);
		else
			done(p, NFSPROBE_MISMATCH, 0);
		return;
	default:
		done(p, NFSPROBE_NOT_NFS, 0);
		return;
	}
}

void nfsprobe_timeout(struct nfsprobe *p)
{
	if (p->act != NFSPROBE_DONE)
		done(p, NFSPROBE_SILENT, -ETIMEDOUT);
}

/* "NFSv4 only", "NFSv2 to NFSv4" */
static const char *speaks(const struct nfsprobe *p, char *out, size_t n)
{
	if (p->low == p->high)
		snprintf(out, n, "NFSv%u only", p->low);
	else
		snprintf(out, n, "NFSv%u to NFSv%u", p->low, p->high);
	return out;
}

const char *nfsprobe_describe(const struct nfsprobe *p, char *out, size_t n)
{
	char v[40];

	switch (p->result) {
	case NFSPROBE_PENDING:
		snprintf(out, n, "no answer yet");
		break;
	case NFSPROBE_ANSWERED:
		if (p->unprobed)
			snprintf(out, n, "not probed (proto=udp): tried in rank order");
		else if (p->vers == 3 && p->rpcbind_absent)
			snprintf(out, n, "answers NFSv3, but no rpcbind (an NFSv3 mount needs it)");
		else
			snprintf(out, n, "answers NFSv%u", p->vers);
		break;
	case NFSPROBE_REFUSED:
		if (p->err == -ECONNREFUSED)
			snprintf(out, n, "connection refused (no NFS server there)");
		else if (p->err == -EHOSTUNREACH || p->err == -ENETUNREACH)
			snprintf(out, n, "server unreachable");
		else if (p->err == -ECONNRESET || p->err == -EPIPE)
			snprintf(out, n, "connection closed before an RPC answer");
		else
			snprintf(out, n, "cannot connect: %s", strerror(-p->err));
		break;
	case NFSPROBE_SILENT:
		snprintf(out, n, p->connected ? "TCP connected, but no RPC answer (a hung server?)"
					      : "no answer (no TCP connection)");
		break;
	case NFSPROBE_MISMATCH:
		if (p->want == 3)
			snprintf(out, n, "speaks %s; vers=3 was asked", speaks(p, v, sizeof(v)));
		else if (p->want == 4)
			snprintf(out, n, "speaks %s; NFSv4 was asked", speaks(p, v, sizeof(v)));
		else
			snprintf(out, n, "speaks %s, neither NFSv3 nor NFSv4", speaks(p, v, sizeof(v)));
		break;
	case NFSPROBE_NOT_NFS:
		if (p->rpc_seen)
			snprintf(out, n, "not an NFS server (RPC: %s)", rpcmsg_status_text(p->rpc_status));
		else
			snprintf(out, n, "not an NFS server (the answer is not RPC)");
		break;
	}
	return out;
}

const char *nfsprobe_word(const struct nfsprobe *p)
{
	switch (p->result) {
	case NFSPROBE_PENDING: return "pending";
	case NFSPROBE_ANSWERED: return p->unprobed ? "skip" : "ok";
	case NFSPROBE_REFUSED:
		return p->err == -ECONNREFUSED ? "refused" : host_gone(p->err) ? "unreachable" : "fail";
	case NFSPROBE_SILENT: return "silent";
	case NFSPROBE_MISMATCH: return "mismatch";
	case NFSPROBE_NOT_NFS: return "not-nfs";
	}
	return "fail";
}

int nfsprobe_mount_versions(const struct nfsspec *s, unsigned answered, struct nfsprobe_vers out[3])
{
	if (s->vers_given) {
		out[0] = (struct nfsprobe_vers){ s->vers, s->minor };
		return 1;
	}
	if (answered == 3) {
		out[0] = (struct nfsprobe_vers){ 3, -1 };
		return 1;
	}
	if (s->minor >= 0) {
		out[0] = (struct nfsprobe_vers){ 4, s->minor };
		return 1;
	}
	for (int k = 0; k < 3; k++)
		out[k] = (struct nfsprobe_vers){ 4, 2 - k };
	return 3;
}

enum nfsprobe_choice nfsprobe_choose(const struct nfsprobe *p, const bool *tried, const int *order,
				     int n, uint64_t now_ms, uint64_t first_answer_ms,
				     unsigned grace_ms, int *pick, int *wait_ms)
{
	enum probe_state st[SERVERLIST_MAX];

	if (n > SERVERLIST_MAX)
		n = SERVERLIST_MAX;
	for (int i = 0; i < n; i++)
		st[i] = p[i].act != NFSPROBE_DONE ? PROBE_PENDING :
			p[i].result == NFSPROBE_ANSWERED ? PROBE_ANSWERED : PROBE_FAILED;
	switch (probe_choose(st, tried, order, n, now_ms, first_answer_ms, grace_ms, pick, wait_ms)) {
	case PROBE_TAKE: return NFSPROBE_MOUNT;
	case PROBE_NONE: return NFSPROBE_NONE;
	case PROBE_WAIT: break;
	}
	return NFSPROBE_WAIT;
}
