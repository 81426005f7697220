/* dhcp_frame: the IPv4 + UDP datagram around a DHCP payload. Pure code.
 *
 * The client sends and receives on an AF_PACKET SOCK_DGRAM socket bound to ETH_P_IP: the
 * kernel adds the Ethernet header (to the broadcast address given to sendto) and strips
 * it on receipt, and the binding itself is the "ethertype is IPv4" check. So a frame here
 * starts at the IPv4 header. Addresses are in network byte order, ports in host order. */
#ifndef SPROUT_DHCP_FRAME_H
#define SPROUT_DHCP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define DHCP_FRAME_HDR 28          /* IPv4 header without options + UDP header */
#define DHCP_CLIENT_PORT 68
#define DHCP_SERVER_PORT 67

/* Wraps payload in IPv4/UDP from 0.0.0.0:68 to 255.255.255.255:67 (TTL 64, header and
 * UDP checksums filled in). Returns the frame length, or -ENOBUFS when buf (size bytes)
 * cannot hold DHCP_FRAME_HDR + len, or -EMSGSIZE when len does not fit one datagram. */
int dhcp_frame_build(uint8_t *buf, size_t size, const uint8_t *payload, size_t len);

struct dhcp_frame {
	uint32_t src, dst;
	uint16_t sport, dport;
	const uint8_t *payload;    /* points into the buffer given to dhcp_frame_parse */
	size_t len;
};

/* The UDP checksum field is not final (the sender's NIC or veth computes it later;
 * PACKET_AUXDATA says TP_STATUS_CSUMNOTREADY): do not verify it. */
#define DHCP_FRAME_NO_UDP_SUM 1u

/* Finds the UDP payload of a datagram to the DHCP client port. Checked: version 4, a
 * header length of 20..60 bytes inside the buffer, a total length covering header and
 * UDP header and inside the buffer (bytes past it are link padding and ignored), the
 * header checksum, not a fragment, protocol UDP, destination port 68, a UDP length of at
 * least 8 inside the IP datagram, and the UDP checksum when non-zero (unless flagged).
 * Returns 0 and fills f, or a negative DHCP_E_* code (see dhcp.h, dhcp_strerror); on
 * failure f is zeroed except src/dst, kept for messages when an IPv4 header's first 20
 * bytes were there. */
int dhcp_frame_parse(const uint8_t *buf, size_t len, unsigned flags, struct dhcp_frame *f);

#endif
