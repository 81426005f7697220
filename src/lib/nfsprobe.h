/* nfsprobe: which NFS servers of a list answer, in which NFS version, and which of them to
 * mount: the decisions of the probe that asks every server at once (sprout-init does the
 * sockets: src/init/root/probe.c). Pure: no I/O, no clock, no allocation.
 *
 * One server's probe walks a few steps, each a TCP connect and/or one RPC call (rpcmsg.h):
 *
 *   NFSv4 (vers=4, vers=4.N, nfs4:)  NULL call of NFS version 4 to port 2049 (or port=)
 *   NFSv3 (vers=3)                   with port=: NULL call of version 3 to it; else
 *                                    rpcbind's GETPORT (port 111) for NFS version 3 and the
 *                                    NULL call to the port it gives; when rpcbind is not
 *                                    there or does not know NFSv3, the NULL call to 2049,
 *                                    to tell "speaks NFSv4 only" from "nothing there"
 *   no version given                 the NFSv4 NULL call to 2049 (or port=); when the
 *                                    reply says PROG_MISMATCH with 3 in low..high, the
 *                                    NFSv3 NULL call on the same connection; when 2049
 *                                    refuses (and no port=), the NFSv3 walk through rpcbind
 *
 * A server "answers" when the NULL call of a version we may mount succeeds (or is refused
 * for authentication only: the program is there; the mount uses AUTH_SYS). A reply with
 * PROG_MISMATCH names the versions the server speaks, for the message ("speaks NFSv4 only;
 * vers=3 was asked"). NFSv4 minor versions cannot be told apart by a NULL call: the mount
 * tries them, highest first (nfsprobe_mount_versions).
 *
 * The choice (nfsprobe_choose, which is probechoose.h's probe_choose): servers are ranked (rendezvous.h, or as written). The
 * best-ranked server that answered is mounted at once when every better-ranked one has
 * failed already; otherwise the probe waits for the better ones, at most a grace window
 * (NFSPROBE_GRACE_MS) after the first answer. So a dead or silent server costs at most the
 * grace window, while a farm still spreads by rank. */
#ifndef SPROUT_NFSPROBE_H
#define SPROUT_NFSPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfsspec.h"
#include "probechoose.h"
#include "rpcmsg.h"

#define NFSPROBE_GRACE_MS PROBE_GRACE_MS/* waited for better-ranked servers after the first answer */
#define NFSPROBE_TEXT_LEN 96  /* a buffer this size holds any nfsprobe_describe text */
#define NFSPROBE_MAX_STEPS 6  /* a probe never takes more calls than this */

enum nfsprobe_act {
	NFSPROBE_CONNECT, /* open a new TCP connection to port, then send the call */
	NFSPROBE_CALL,    /* send the call on the connection that is open */
	NFSPROBE_DONE,    /* result says how it ended */
};

enum nfsprobe_result {
	NFSPROBE_PENDING = 0,
	NFSPROBE_ANSWERED,  /* vers answered: a candidate for the mount */
	NFSPROBE_REFUSED,   /* nothing listens (err) or the host is unreachable */
	NFSPROBE_SILENT,    /* no (complete) answer in time: err -ETIMEDOUT */
	NFSPROBE_MISMATCH,  /* NFS is there, but speaks low..high, not what was asked */
	NFSPROBE_NOT_NFS,   /* something answered RPC without NFS, or not RPC at all */
};

struct nfsprobe {
	/* the request (nfsprobe_start) */
	unsigned want;            /* 3, 4, or 0: no version given, 4 then 3 */
	bool port_set;
	unsigned user_port;
	/* the next step, while act != NFSPROBE_DONE */
	enum nfsprobe_act act;
	unsigned port;            /* the connection's port */
	bool getport;             /* the call is rpcbind's GETPORT for NFS vers, else NFS NULL */
	unsigned vers;            /* the NFS version of the call */
	int steps;
	/* what was seen */
	enum nfsprobe_result result;
	int err;                  /* -errno of a connection that failed */
	unsigned low, high;       /* versions the server said it speaks (0 0: not said) */
	bool rpcbind_absent;      /* rpcbind refused or had no NFSv3 (the v3 walk) */
	unsigned rpcbind_port;    /* what GETPORT gave (0: none) */
	bool connected;           /* a TCP connection was made (silent: a hung server) */
	bool nfs_refused;         /* port 2049 (or port=) refused already */
	bool rpc_seen;            /* rpc_status holds the last RPC reply's status */
	bool unprobed;            /* nfsprobe_unprobed */
	enum rpcmsg_status rpc_status;
};

/* The version to probe for: 3 or 4 as given (vers=, or nfs4:), 0 when none was given. */
unsigned nfsprobe_want(const struct nfsspec *s);

/* Starts a probe: act is NFSPROBE_CONNECT. */
void nfsprobe_start(struct nfsprobe *p, unsigned want, bool port_set, unsigned port);

/* proto=udp: not probed (the probe speaks TCP; NFSv4 has no UDP): taken as answering the
 * version asked (3 without one), so the servers are mounted in rank order as they are. */
void nfsprobe_unprobed(struct nfsprobe *p, unsigned want);

/* The connection was made (for the message of a server that then stays silent). */
void nfsprobe_connected(struct nfsprobe *p);

/* The connection could not be made (err: -ECONNREFUSED, -EHOSTUNREACH, ...), or it broke
 * before a reply (err: -ECONNRESET, -EPIPE; 0 for an orderly close). */
void nfsprobe_conn_failed(struct nfsprobe *p, int err);

/* A reply to the call (its xid checked by the caller); bad is true for bytes that were no
 * RPC reply at all. */
void nfsprobe_reply(struct nfsprobe *p, const struct rpcmsg_reply *r, bool bad);

/* No answer by the deadline: a pending probe becomes SILENT. */
void nfsprobe_timeout(struct nfsprobe *p);

/* What the probe saw, for the log and the table: "answers NFSv4", "speaks NFSv4 only;
 * vers=3 was asked", "connection refused (no NFS server there)", ... */
const char *nfsprobe_describe(const struct nfsprobe *p, char *out, size_t n);

/* A one-word form for the timeline: ok refused unreachable silent mismatch not-nfs. */
const char *nfsprobe_word(const struct nfsprobe *p);

struct nfsprobe_vers {
	unsigned vers; /* 3 or 4 */
	int minor;     /* -1: as given ("vers=4" or "vers=3"), else 4.minor */
};

/* The mounts to try, in order, for a server that answered version answered: the version
 * given, exactly; without one, 4.2 4.1 4.0 for NFSv4 (the next after EPROTONOSUPPORT),
 * or 3. Returns how many (1..3) written to out. */
int nfsprobe_mount_versions(const struct nfsspec *s, unsigned answered, struct nfsprobe_vers out[3]);

enum nfsprobe_choice {
	NFSPROBE_WAIT,  /* nothing to mount yet: poll the probes at most *wait_ms (-1: no limit) */
	NFSPROBE_MOUNT, /* mount server *pick */
	NFSPROBE_NONE,  /* every server failed or was tried: the round is over */
};

/* The decision, from the probes p[0..n) (by server index), tried[i] (its mount failed this
 * round), the rank order[0..n), the time now and of the first answer (in ms, any clock;
 * first_answer_ms == UINT64_MAX: none yet) and the grace window. */
enum nfsprobe_choice nfsprobe_choose(const struct nfsprobe *p, const bool *tried, const int *order,
				     int n, uint64_t now_ms, uint64_t first_answer_ms,
				     unsigned grace_ms, int *pick, int *wait_ms);

#endif
