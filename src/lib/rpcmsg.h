/* rpcmsg: the few ONC RPC messages (RFC 5531) sprout-init sends to find NFS servers that
 * answer, and the parser of their replies. Over TCP, each message is a record: fragments,
 * each after a 4-byte mark (bit 31: last fragment, the rest: its length; RFC 5531 §11).
 *
 *   NULL call    xid CALL(0) rpcvers=2 prog vers proc=0 cred AUTH_NONE verf AUTH_NONE
 *   GETPORT call the same to rpcbind (100000, version 2, procedure 3) with the arguments
 *                prog vers prot=6 (TCP) port=0; the result is one uint32, the port or 0
 *   reply        xid REPLY(1) then MSG_ACCEPTED(0): verf, accept_stat [PROG_MISMATCH: low
 *                high] [SUCCESS: results], or MSG_DENIED(1): RPC_MISMATCH low high |
 *                AUTH_ERROR auth_stat
 *
 * Pure: no I/O, no allocation. */
#ifndef SPROUT_RPCMSG_H
#define SPROUT_RPCMSG_H

#include <stddef.h>
#include <stdint.h>

#define RPC_PROG_RPCBIND 100000u
#define RPC_PROG_NFS 100003u
#define RPC_PORT_RPCBIND 111u
#define RPC_PORT_NFS 2049u
#define RPCMSG_CALL_MAX 64      /* the longest call built here, its record mark included */
#define RPCMSG_RECORD_MAX 1024  /* a reply record longer than this is refused (ours are < 100) */

/* The NULL call (procedure 0) of prog/vers, record mark included. Returns its length. */
size_t rpcmsg_null_call(uint32_t xid, uint32_t prog, uint32_t vers, uint8_t out[RPCMSG_CALL_MAX]);

/* rpcbind's GETPORT (version 2, procedure 3): the TCP port of prog/vers. Returns its length. */
size_t rpcmsg_getport_call(uint32_t xid, uint32_t prog, uint32_t vers, uint8_t out[RPCMSG_CALL_MAX]);

/* The first record of stream[0..len): its fragments joined into out[0..*outlen). Returns
 * the bytes of the stream it took (> 0), 0 when more bytes are needed, -EMSGSIZE when it
 * is longer than outsz. */
int rpcmsg_record(const uint8_t *stream, size_t len, uint8_t *out, size_t outsz, size_t *outlen);

enum rpcmsg_status {
	RPCMSG_SUCCESS = 0,   /* accepted, executed: results follow */
	RPCMSG_PROG_UNAVAIL,  /* no such program at this port */
	RPCMSG_PROG_MISMATCH, /* the program, but not that version: low..high */
	RPCMSG_PROC_UNAVAIL,
	RPCMSG_GARBAGE_ARGS,
	RPCMSG_SYSTEM_ERR,
	RPCMSG_RPC_MISMATCH,  /* denied: RPC version not low..high */
	RPCMSG_AUTH_ERROR,    /* denied: auth_stat says why */
};

struct rpcmsg_reply {
	uint32_t xid;
	enum rpcmsg_status status;
	uint32_t low, high;     /* PROG_MISMATCH, RPC_MISMATCH */
	uint32_t auth_stat;     /* AUTH_ERROR */
	const uint8_t *result;  /* SUCCESS: the procedure's results, inside the record */
	size_t result_len;
};

/* Parses one reply record (rpcmsg_record's out). 0, or -EBADMSG for anything that is not a
 * complete, well-formed reply (a call, a truncated body, an unknown status, a verifier
 * longer than the 400 bytes RFC 5531 allows). */
int rpcmsg_parse_reply(const uint8_t *rec, size_t len, struct rpcmsg_reply *out);

/* GETPORT's result in a SUCCESS reply: the port (0: not registered). 0 or -EBADMSG. */
int rpcmsg_getport_result(const struct rpcmsg_reply *r, unsigned *port);

/* "success", "program unavailable", "program version mismatch", ... for messages. */
const char *rpcmsg_status_text(enum rpcmsg_status s);

#endif
