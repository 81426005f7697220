/* probe: asks every NFS server of a list at once whether it answers, and in which NFS
 * version: nonblocking TCP connects and ONC RPC calls (rpcmsg.h), driven by nfsprobe.h's
 * steps. One poll() loop in PID 1, no threads, no children. Each server's probe is one
 * timeline event ("probe ADDR ... ok|refused|unreachable|silent|mismatch|not-nfs"). */
#ifndef SPROUT_PROBE_H
#define SPROUT_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "nfsprobe.h"
#include "nfsspec.h"

struct probe_round {
	int n;
	uint32_t servers[NFSSPEC_MAX_SERVERS];    /* network order */
	struct nfsprobe p[NFSSPEC_MAX_SERVERS];
	int fd[NFSSPEC_MAX_SERVERS];              /* -1: none open */
	bool sent[NFSSPEC_MAX_SERVERS];           /* the step's call is on the wire */
	uint32_t xid[NFSSPEC_MAX_SERVERS];
	uint8_t in[NFSSPEC_MAX_SERVERS][RPCMSG_RECORD_MAX + 8];
	size_t inlen[NFSSPEC_MAX_SERVERS];
	uint64_t t0_ns[NFSSPEC_MAX_SERVERS];      /* timeline start */
	bool reported[NFSSPEC_MAX_SERVERS];       /* its timeline event and log line are out */
	uint64_t first_answer_ms;                 /* monoclock; UINT64_MAX: none yet */
};

/* Starts the probes of servers[0..n) for NFS version want (nfsprobe_want); with udp none
 * is probed (nfsprobe_unprobed). */
void probe_start(struct probe_round *r, const uint32_t *servers, int n, unsigned want,
		 bool port_set, unsigned port, bool udp);

/* Handles whatever comes within wait_ms (-1: until something happens); returns early when a
 * probe ends. */
void probe_poll(struct probe_round *r, int wait_ms);

/* True while some probe is still pending. */
bool probe_pending(const struct probe_round *r);

/* The deadline: every pending probe becomes silent (reported, unless probe_report_pending
 * did already). */
void probe_expire(struct probe_round *r);

/* A server was chosen: probes still pending are reported as silent so far (they go on
 * being polled if the round goes on). */
void probe_report_pending(struct probe_round *r);

/* Closes every connection. */
void probe_end(struct probe_round *r);

#endif
