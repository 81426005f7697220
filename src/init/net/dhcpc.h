/* dhcpc: sprout-init's DHCP client (RFC 2131), for the network phase. Gets one lease on
 * one interface that is already up, over a raw packet socket (the interface has no
 * address yet), and returns it; configuring addresses and routes is the caller's job.
 *
 * The exchange is DISCOVER -> first valid OFFER -> REQUEST (SELECTING state) -> ACK; a
 * NAK, or no answer to 4 REQUESTs, starts over with a new xid. Retransmission intervals
 * double from 1 s up to a cap of 16 s, each randomized by +-0.5 s (RFC 2131 4.1 starts at
 * 4 s; a booting machine waits for nothing else, so we start sooner). After a NAK we wait
 * 1 s before discovering again so a server that refuses everything cannot make us loop.
 * Every packet received and not used is logged on one line saying why. */
#ifndef SPROUT_DHCPC_H
#define SPROUT_DHCPC_H

#include <net/if.h>
#include <stdint.h>

#include "dhcp.h"
#include "dhcp_lease.h"

/* The seam between the client and the network, so tests drive it without sockets. */
struct dhcpc_transport {
	void *ctx;
	/* Sends one IPv4 datagram (dhcp_frame_build) to the link's broadcast address.
	 * Returns 0 or -errno; a failed send is logged and retried like a lost packet. */
	int (*send)(void *ctx, const uint8_t *frame, size_t len);
	/* Waits at most timeout_ms for one received IPv4 datagram and copies it to buf.
	 * Returns its whole length (more than size when it did not fit: it is then dropped),
	 * 0 when nothing came (or on EINTR: the caller looks at the clock), -errno to end
	 * the exchange. Sets *flags to DHCP_FRAME_* flags for dhcp_frame_parse. */
	int (*recv)(void *ctx, uint8_t *buf, size_t size, int timeout_ms, unsigned *flags);
	/* Monotonic milliseconds; NULL: CLOCK_MONOTONIC. */
	uint64_t (*now_ms)(void *ctx);
	/* Random bits for the xid and the jitter; NULL: getrandom(2). */
	uint32_t (*random)(void *ctx);
};

struct dhcpc_opts {
	int ifindex;
	const char *ifname;        /* for messages, and copied into the lease; may be NULL */
	uint8_t mac[6];
	const char *hostname;      /* sent as option 12; NULL or "" for none */
	unsigned timeout_ms;       /* for the whole exchange; 0: keep trying for ever */
	const struct dhcpc_transport *transport; /* NULL: an AF_PACKET socket on ifindex */
};

/* Runs the exchange until a lease is acknowledged, and fills *out. Returns 0,
 * -ETIMEDOUT when opts->timeout_ms passed first, -EINVAL for bad opts, or the -errno of
 * opening the socket or of the transport's recv. Logs what it does through log.h, and
 * the lease (dhcp_lease_from_ack) with what was wrong in it, escaped. */
int dhcpc_run(const struct dhcpc_opts *o, struct dhcp_lease *out);

#endif
