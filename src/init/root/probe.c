/* probe: every NFS server asked at once. See probe.h. */
#include "probe.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/monoclock.h"
#include "ipcfg.h"
#include "log.h"
#include "timeline.h"

static void close_fd(struct probe_round *r, int i)
{
	if (r->fd[i] >= 0)
		close(r->fd[i]);
	r->fd[i] = -1;
	r->sent[i] = false;
	r->inlen[i] = 0;
}

/* The event and log line of a probe that ended (or was given up on). */
static void report(struct probe_round *r, int i)
{
	const struct nfsprobe *p = &r->p[i];
	char a[IPCFG_IPV4_LEN], port[8], vers[4], text[NFSPROBE_TEXT_LEN];
	const char *word = nfsprobe_word(p);

	if (r->reported[i])
		return;
	r->reported[i] = true;
	snprintf(port, sizeof(port), "%u", p->port);
	snprintf(vers, sizeof(vers), "%u", p->vers);
	nfsprobe_describe(p, text, sizeof(text));
	timeline_event("probe", ipcfg_format_ipv4(r->servers[i], a), r->t0_ns[i],
		       p->result == NFSPROBE_PENDING ? "silent" : word, "port", port, "vers", vers,
		       "err", p->err < 0 ? strerrorname_np(-p->err) : NULL, TL_END);
	if (p->result == NFSPROBE_ANSWERED)
		log_info("root: NFS server %s %s (%llu ms)", a, text,
			 (unsigned long long)((timeline_now() - r->t0_ns[i]) / 1000000));
	else
		log_warn("root: NFS server %s: %s", a, p->result == NFSPROBE_PENDING ?
			 "no answer yet, not waited for" : text);
}

/* Does the probe's next step, until it waits for the network or is done. */
static void advance(struct probe_round *r, int i)
{
	struct nfsprobe *p = &r->p[i];

	while (p->act == NFSPROBE_CONNECT && r->fd[i] < 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p->port),
					  .sin_addr.s_addr = r->servers[i] };
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), e;

		if (fd < 0) {
			nfsprobe_conn_failed(p, -errno);
			continue;
		}
		r->fd[i] = fd;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EINPROGRESS)
			return; /* POLLOUT says when it is made; the call goes out then */
		e = errno;
		close_fd(r, i);
		nfsprobe_conn_failed(p, -e);
	}
	if (p->act != NFSPROBE_DONE)
		return;
	close_fd(r, i);
	if (p->result == NFSPROBE_ANSWERED && r->first_answer_ms == UINT64_MAX)
		r->first_answer_ms = monoclock_ms();
	report(r, i);
}

static void send_call(struct probe_round *r, int i)
{
	struct nfsprobe *p = &r->p[i];
	uint8_t call[RPCMSG_CALL_MAX];
	size_t n;

	r->xid[i] = (uint32_t)monoclock_ns() ^ ((uint32_t)i << 24);
	n = p->getport ? rpcmsg_getport_call(r->xid[i], RPC_PROG_NFS, p->vers, call)
		       : rpcmsg_null_call(r->xid[i], RPC_PROG_NFS, p->vers, call);
	/* less than any socket buffer: a new connection takes it whole */
	if (send(r->fd[i], call, n, MSG_NOSIGNAL) != (ssize_t)n) {
		int e = errno;

		close_fd(r, i);
		nfsprobe_conn_failed(p, -e);
		advance(r, i);
		return;
	}
	r->sent[i] = true;
	r->inlen[i] = 0;
}

/* The connection is made (or failed): send the step's call. */
static void on_connect(struct probe_round *r, int i)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(r->fd[i], SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		close_fd(r, i);
		nfsprobe_conn_failed(&r->p[i], -err);
		advance(r, i);
		return;
	}
	nfsprobe_connected(&r->p[i]);
	send_call(r, i);
}

/* Bytes of the reply: once a whole record is there, the probe's next step. */
static void on_input(struct probe_round *r, int i)
{
	struct nfsprobe *p = &r->p[i];
	uint8_t rec[RPCMSG_RECORD_MAX];
	struct rpcmsg_reply reply;
	size_t reclen;
	ssize_t k = recv(r->fd[i], r->in[i] + r->inlen[i], sizeof(r->in[i]) - r->inlen[i], 0);
	int took;

	if (k <= 0) {
		int e = k < 0 ? errno : 0;

		if (k < 0 && (e == EAGAIN || e == EINTR))
			return;
		close_fd(r, i);
		nfsprobe_conn_failed(p, -e);
		advance(r, i);
		return;
	}
	r->inlen[i] += (size_t)k;
	for (;;) {
		took = rpcmsg_record(r->in[i], r->inlen[i], rec, sizeof(rec), &reclen);
		if (took == 0 && r->inlen[i] < sizeof(r->in[i]))
			return; /* more to come */
		if (took <= 0) { /* too long for any reply of ours */
			close_fd(r, i);
			nfsprobe_reply(p, NULL, true);
			advance(r, i);
			return;
		}
		memmove(r->in[i], r->in[i] + took, r->inlen[i] - (size_t)took);
		r->inlen[i] -= (size_t)took;
		if (rpcmsg_parse_reply(rec, reclen, &reply) < 0) {
			close_fd(r, i);
			nfsprobe_reply(p, NULL, true);
			advance(r, i);
			return;
		}
		if (reply.xid == r->xid[i])
			break; /* else a stale reply: not ours */
	}
	r->sent[i] = false;
	nfsprobe_reply(p, &reply, false);
	if (p->act == NFSPROBE_CALL) {
		send_call(r, i); /* the next call on the same connection */
		return;
	}
	close_fd(r, i); /* a new connection, or done */
	advance(r, i);
}

void probe_start(struct probe_round *r, const uint32_t *servers, int n, unsigned want,
		 bool port_set, unsigned port, bool udp)
{
	r->n = n;
	r->first_answer_ms = UINT64_MAX;
	for (int i = 0; i < n; i++) {
		r->servers[i] = servers[i];
		r->fd[i] = -1;
		r->sent[i] = false;
		r->inlen[i] = 0;
		r->reported[i] = false;
		r->t0_ns[i] = timeline_now();
		if (udp)
			nfsprobe_unprobed(&r->p[i], want);
		else
			nfsprobe_start(&r->p[i], want, port_set, port);
		advance(r, i);
	}
}

void probe_poll(struct probe_round *r, int wait_ms)
{
	struct pollfd pfd[NFSSPEC_MAX_SERVERS];
	int idx[NFSSPEC_MAX_SERVERS], m = 0, k;

	for (int i = 0; i < r->n; i++) {
		if (r->fd[i] < 0)
			continue;
		pfd[m] = (struct pollfd){ .fd = r->fd[i], .events = r->sent[i] ? POLLIN : POLLOUT };
		idx[m++] = i;
	}
	if (m == 0)
		return;
	k = poll(pfd, (nfds_t)m, wait_ms);
	if (k <= 0)
		return; /* timeout, or EINTR (SIGCHLD of the reaper): the caller looks again */
	for (int j = 0; j < m; j++) {
		int i = idx[j];

		if (!pfd[j].revents || r->fd[i] != pfd[j].fd)
			continue;
		if (!r->sent[i])
			on_connect(r, i);
		else
			on_input(r, i);
	}
}

bool probe_pending(const struct probe_round *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->p[i].act != NFSPROBE_DONE)
			return true;
	return false;
}

void probe_expire(struct probe_round *r)
{
	for (int i = 0; i < r->n; i++) {
		if (r->p[i].act == NFSPROBE_DONE)
			continue;
		close_fd(r, i);
		nfsprobe_timeout(&r->p[i]);
		report(r, i); /* unless it was reported as "not waited for" already */
	}
}

void probe_report_pending(struct probe_round *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->p[i].act != NFSPROBE_DONE)
			report(r, i);
}

void probe_end(struct probe_round *r)
{
	for (int i = 0; i < r->n; i++)
		close_fd(r, i);
}
