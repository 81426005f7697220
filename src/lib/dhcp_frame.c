/* dhcp_frame: IPv4/UDP around DHCP payloads, built and checked by hand because the
 * client talks before the interface has an address (no UDP socket can do that). */
#include "dhcp_frame.h"

#include <errno.h>
#include <string.h>

#include "dhcp.h"

#define IP_UDP 17

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 ones' complement sum of big-endian 16-bit words, odd byte padded. */
static uint32_t sum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The UDP checksum over the pseudo-header and the UDP header + payload at udp. */
static uint16_t udp_sum(const uint8_t *ip, const uint8_t *udp, size_t udp_len)
{
	uint32_t sum = 0;

	sum = sum_add(sum, ip + 12, 8); /* source and destination addresses */
	sum += IP_UDP;
	sum += (uint32_t)udp_len;
	return sum_fold(sum_add(sum, udp, udp_len));
}

int dhcp_frame_build(uint8_t *buf, size_t size, const uint8_t *payload, size_t len)
{
	uint8_t *udp = buf + 20;
	uint16_t sum;

	if (len > 0xffff - DHCP_FRAME_HDR)
		return -EMSGSIZE;
	if (size < DHCP_FRAME_HDR || size - DHCP_FRAME_HDR < len)
		return -ENOBUFS;
	memset(buf, 0, DHCP_FRAME_HDR);
	buf[0] = 0x45;
	buf[1] = 0x10; /* low delay, as other DHCP clients do */
	put16(buf + 2, (uint16_t)(DHCP_FRAME_HDR + len));
	buf[8] = 64;
	buf[9] = IP_UDP;
	memset(buf + 16, 0xff, 4);
	put16(buf + 10, sum_fold(sum_add(0, buf, 20)));
	put16(udp, DHCP_CLIENT_PORT);
	put16(udp + 2, DHCP_SERVER_PORT);
	put16(udp + 4, (uint16_t)(8 + len));
	memmove(udp + 8, payload, len);
	sum = udp_sum(buf, udp, 8 + len);
	put16(udp + 6, sum ? sum : 0xffff); /* 0 would mean "no checksum" */
	return (int)(DHCP_FRAME_HDR + len);
}

static int check_ip(const uint8_t *buf, size_t len, size_t *ihl, size_t *total)
{
	if (len < 20 || buf[0] >> 4 != 4)
		return DHCP_E_IPHDR;
	*ihl = (size_t)(buf[0] & 15) * 4;
	*total = get16(buf + 2);
	if (*ihl < 20 || *ihl > len || *total < *ihl + 8 || *total > len)
		return DHCP_E_IPHDR;
	if (sum_fold(sum_add(0, buf, *ihl)) != 0)
		return DHCP_E_IPSUM;
	/* more-fragments set, or a fragment offset */
	if (get16(buf + 6) & 0x3fff)
		return DHCP_E_FRAGMENT;
	if (buf[9] != IP_UDP)
		return DHCP_E_NOTUDP;
	return 0;
}

int dhcp_frame_parse(const uint8_t *buf, size_t len, unsigned flags, struct dhcp_frame *f)
{
	size_t ihl, total, ulen;
	const uint8_t *udp;
	int r;

	memset(f, 0, sizeof(*f));
	if (len >= 20 && buf[0] >> 4 == 4) {
		memcpy(&f->src, buf + 12, 4);
		memcpy(&f->dst, buf + 16, 4);
	}
	r = check_ip(buf, len, &ihl, &total);
	if (r < 0)
		return r;
	udp = buf + ihl;
	if (get16(udp + 2) != DHCP_CLIENT_PORT)
		return DHCP_E_PORT;
	ulen = get16(udp + 4);
	if (ulen < 8 || ulen > total - ihl)
		return DHCP_E_UDPLEN;
	if (get16(udp + 6) != 0 && !(flags & DHCP_FRAME_NO_UDP_SUM) &&
	    udp_sum(buf, udp, ulen) != 0)
		return DHCP_E_UDPSUM;
	f->sport = get16(udp);
	f->dport = DHCP_CLIENT_PORT;
	f->payload = udp + 8;
	f->len = ulen - 8;
	return 0;
}
