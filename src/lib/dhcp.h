/* dhcp: DHCP (RFC 2131/2132) messages of a client, as BOOTP payloads. Pure code: builds
 * DISCOVER and REQUEST, parses and checks what a server sends back. No sockets here (see
 * dhcp_frame.h for the IPv4/UDP layer and src/init/dhcpc.c for the client).
 *
 * Every IPv4 address in this API is in network byte order, as on the wire (the value of
 * a struct in_addr's s_addr). The transaction id is a plain host-order number. */
#ifndef SPROUT_DHCP_H
#define SPROUT_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dhcp_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
	DHCP_INFORM = 8,
};

#define DHCP_FIXED_LEN 236          /* op .. file, before the magic cookie */
#define DHCP_MIN_LEN 240            /* the fixed part and the cookie */
#define DHCP_BUILD_MIN 300          /* BOOTP relays drop shorter requests (RFC 1542) */
#define DHCP_BUILD_MAX 576          /* our requests always fit the smallest allowed size */
#define DHCP_MAX_MSG_SIZE 1500      /* option 57: the IP datagram we accept (one Ethernet MTU) */
#define DHCP_MAX_OPTIONS 512        /* option instances walked in one message, PADs excluded */
#define DHCP_LEASE_INFINITE 0xffffffffu

#define DHCP_MAX_ROUTERS 4          /* the first routers of option 3 are kept, the rest ignored */
#define DHCP_MAX_DNS 3              /* as many as resolv.conf uses */
#define DHCP_MAX_NTP 4
#define DHCP_NAME_MAX 255           /* hostname, domain, TFTP server, bootfile */
#define DHCP_ROOT_PATH_MAX 1024
#define DHCP_SNAME_LEN 64           /* the legacy BOOTP fields */
#define DHCP_FILE_LEN 128

/* A string option: bytes as sent (one trailing NUL removed), NUL-terminated, with its
 * length. Embedded NULs make the option unusable, so len == strlen(s) always. Other
 * bytes are kept as they are: escape before logging. */
#define DHCP_STR(name, max) \
	char name[(max) + 1];   \
	uint16_t name##_len

/* One parsed reply. Fields of options that were absent, or present but unusable, are
 * zero / empty; dhcp_has() and dhcp_option_bad() tell which. */
struct dhcp_msg {
	uint8_t op, htype, hlen;
	uint8_t type;                 /* option 53; 0 when absent (a plain BOOTP reply) */
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t overload;             /* option 52: 1 file, 2 sname, 3 both hold options */

	uint32_t subnet_mask;         /* 1: inet4_mask_prefix() takes it, else flagged bad */
	uint32_t routers[DHCP_MAX_ROUTERS];    /* 3 */
	unsigned n_routers;
	uint32_t dns[DHCP_MAX_DNS];   /* 6 */
	unsigned n_dns;
	uint32_t ntp[DHCP_MAX_NTP];   /* 42 */
	unsigned n_ntp;
	uint16_t mtu;                 /* 26: 68..65535, else flagged bad */
	uint32_t broadcast;           /* 28 */
	uint32_t lease_time;          /* 51: seconds, DHCP_LEASE_INFINITE for ever */
	uint32_t server_id;           /* 54 */
	DHCP_STR(hostname, DHCP_NAME_MAX);      /* 12 */
	DHCP_STR(domain, DHCP_NAME_MAX);        /* 15 */
	DHCP_STR(root_path, DHCP_ROOT_PATH_MAX); /* 17 */
	DHCP_STR(tftp_server, DHCP_NAME_MAX);   /* 66 */
	DHCP_STR(bootfile, DHCP_NAME_MAX);      /* 67 */
	DHCP_STR(sname, DHCP_SNAME_LEN);        /* legacy field, empty when overloaded */
	DHCP_STR(file, DHCP_FILE_LEN);          /* legacy field, empty when overloaded */

	uint8_t present[32];          /* bit per option code: seen and stored */
	uint8_t bad[32];              /* bit per option code: seen, unusable, ignored */
};

/* Parses a BOOTP/DHCP reply (the UDP payload) into m (cleared first). Returns 0 or a
 * negative DHCP_E_* code (dhcp_strerror names it). Rejected: shorter than the fixed part
 * and cookie, op not BOOTREPLY, htype/hlen not Ethernet, wrong magic cookie, an option
 * whose length runs past its field, no END option in the options field, more than
 * DHCP_MAX_OPTIONS options, a malformed option 52 or 53.
 *
 * Options given several times are concatenated in order (RFC 3396), which is how values
 * over 255 bytes (a long root-path) travel. With option 52 the file and/or sname fields
 * are walked too, after the options field and in that order (RFC 2131 4.1); there each
 * field ends at END or at its own end, and the legacy file/sname strings stay empty.
 *
 * A known option that is unusable is ignored and flagged (dhcp_option_bad), the packet is
 * still accepted: a wrong length for its type, a string with an embedded NUL or empty, a
 * value longer than its field (never cut), a non-contiguous mask, an MTU under 68. */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m);

bool dhcp_has(const struct dhcp_msg *m, uint8_t code);
bool dhcp_option_bad(const struct dhcp_msg *m, uint8_t code);

/* The checks a client makes before using a reply: xid and chaddr are ours, the type is
 * the one expected (expecting DHCP_ACK, a DHCP_NAK also passes: the caller looks at
 * m->type), and an OFFER or ACK carries a server id and a usable yiaddr. Returns 0 or a
 * negative DHCP_E_* code. */
int dhcp_check_reply(const struct dhcp_msg *m, uint32_t xid, const uint8_t mac[6],
		     int expect_type);

enum dhcp_error {
	DHCP_E_SHORT = -1000,  /* shorter than a BOOTP header and cookie */
	DHCP_E_OP,             /* not a BOOTREPLY */
	DHCP_E_HWTYPE,         /* htype/hlen not Ethernet */
	DHCP_E_COOKIE,         /* no DHCP magic cookie */
	DHCP_E_OPTLEN,         /* an option runs past the end of its field */
	DHCP_E_NOEND,          /* no END option */
	DHCP_E_TOOMANY,        /* more than DHCP_MAX_OPTIONS options */
	DHCP_E_OVERLOAD,       /* malformed option 52 */
	DHCP_E_MSGTYPE,        /* malformed option 53 */
	DHCP_E_XID,            /* not our transaction */
	DHCP_E_CHADDR,         /* for another client's hardware address */
	DHCP_E_TYPE,           /* not the message type expected here */
	DHCP_E_NOADDR,         /* yiaddr 0.0.0.0 */
	DHCP_E_BADADDR,        /* yiaddr loopback, multicast, class E or broadcast */
	DHCP_E_NOSERVER,       /* no server identifier (option 54) */
	DHCP_E_SERVER,         /* from a server other than the one selected (used by dhcpc) */
	DHCP_E_IPHDR,          /* dhcp_frame: not IPv4, or header/total length out of bounds */
	DHCP_E_IPSUM,          /* dhcp_frame: bad IPv4 header checksum */
	DHCP_E_FRAGMENT,       /* dhcp_frame: an IP fragment */
	DHCP_E_NOTUDP,         /* dhcp_frame: not UDP */
	DHCP_E_PORT,           /* dhcp_frame: not to the DHCP client port */
	DHCP_E_UDPLEN,         /* dhcp_frame: UDP length out of bounds */
	DHCP_E_UDPSUM,         /* dhcp_frame: bad UDP checksum */
	DHCP_E_TOOBIG,         /* dhcpc: larger than the receive buffer */
	DHCP_E_LAST,
};

/* A short lowercase phrase for a DHCP_E_* code ("wrong xid"); "unknown error" else. */
const char *dhcp_strerror(int code);

/* "DHCPOFFER", ..., "BOOTREPLY" for 0 (no option 53); a fixed phrase for other values. */
const char *dhcp_type_name(int type);

/* What a client puts in a request. */
struct dhcp_request {
	int type;                /* DHCP_DISCOVER or DHCP_REQUEST */
	uint32_t xid;
	uint16_t secs;           /* seconds since the client began */
	uint8_t mac[6];
	uint32_t requested_ip;   /* option 50; REQUEST only (SELECTING state) */
	uint32_t server_id;      /* option 54; REQUEST only */
	const char *hostname;    /* option 12 when not NULL or empty */
};

/* Writes the BOOTP payload of r into buf (size bytes; DHCP_BUILD_MAX always suffices),
 * with the broadcast flag, client id 01+MAC, max message size, our parameter request list
 * and vendor class "sprout", padded to DHCP_BUILD_MIN. Returns its length, or -EINVAL
 * (bad type, REQUEST without address or server), -ENAMETOOLONG (hostname over 255 bytes),
 * -ENOBUFS (buf too small). */
int dhcp_build(const struct dhcp_request *r, uint8_t *buf, size_t size);

#endif
