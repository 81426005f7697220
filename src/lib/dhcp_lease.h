/* dhcp_lease: what a DHCPACK gives the machine, in the form the network phase and the
 * real system use. Pure: the ACK (already checked by dhcp_check_reply) in, the lease
 * and what was noticed about it out; the caller logs. */
#ifndef SPROUT_DHCP_LEASE_H
#define SPROUT_DHCP_LEASE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "dhcp.h"

/* All addresses in network byte order; strings NUL-terminated with embedded NULs
 * impossible. hostname and domain passed dnsname_check (else they are ""); the other
 * strings are as the server sent them: escape before logging. Absent values: 0 / "". */
struct dhcp_lease {
	char ifname[IF_NAMESIZE];  /* filled by the caller (dhcpc_run copies opts->ifname) */
	uint32_t address;
	unsigned prefix_len;       /* from option 1; the class default when it is absent */
	uint32_t netmask;
	uint32_t broadcast;        /* option 28, else address | ~netmask */
	uint32_t gateway;          /* first non-zero router of option 3 */
	uint32_t dns[DHCP_MAX_DNS];
	unsigned n_dns;
	uint32_t ntp[DHCP_MAX_NTP];
	unsigned n_ntp;
	uint16_t mtu;              /* 0: not given */
	uint32_t server_id;
	uint32_t next_server;      /* siaddr: the TFTP/boot server */
	/* Option 51 as sent: seconds, DHCP_LEASE_INFINITE (0xffffffff, RFC 2131's "for ever"),
	 * or 0 (kept: the real system renews at once). Without option 51 (which a DHCPACK
	 * must carry) the lease is unknown, not infinite: lease_time_set is false, lease_time
	 * 0, and the lease files leave it empty for the real system's client to settle. */
	uint32_t lease_time;
	bool lease_time_set;
	uint64_t obtained_ms;      /* transport clock (CLOCK_MONOTONIC) when the ACK came */
	char hostname[DHCP_NAME_MAX + 1];
	char domain[DHCP_NAME_MAX + 1];
	char root_path[DHCP_ROOT_PATH_MAX + 1];
	char tftp_server[DHCP_NAME_MAX + 1]; /* option 66, else the legacy sname field */
	char bootfile[DHCP_NAME_MAX + 1];    /* option 67, else the legacy file field */
};

/* What dhcp_lease_from_ack noticed (bits of its return value). */
enum {
	DHCP_LEASE_NOTE_NO_MASK = 1,       /* no usable option 1: the class default was used */
	DHCP_LEASE_NOTE_NO_LEASE_TIME = 2, /* no option 51: lease time unknown */
	DHCP_LEASE_NOTE_LEASE_ZERO = 4,    /* option 51 was 0 */
	DHCP_LEASE_NOTE_NO_GATEWAY = 8,    /* no usable router */
	DHCP_LEASE_NOTE_BAD_HOSTNAME = 16, /* option 12 failed dnsname_check_host: dropped */
	DHCP_LEASE_NOTE_BAD_DOMAIN = 32,   /* option 15 failed dnsname_check: dropped */
};

/* The lease an ACK describes. Returns DHCP_LEASE_NOTE_* bits, for the caller to log
 * (the dropped host name and domain are still in ack). ifname and obtained_ms are left 0. */
int dhcp_lease_from_ack(const struct dhcp_msg *ack, struct dhcp_lease *out);

#endif
