/* inet4: IPv4 netmask arithmetic. See inet4.h. */
#include "inet4.h"

#include <arpa/inet.h>
#include <errno.h>

int inet4_mask_prefix(uint32_t mask)
{
	uint32_t host = ~ntohl(mask);

	/* Contiguous means the host part is 2^k - 1; all ones is the /0 mask. */
	if (host == 0xffffffffu || (host & (host + 1)) != 0)
		return -EINVAL;
	return 32 - __builtin_popcount(host);
}

uint32_t inet4_prefix_mask(int prefix)
{
	if (prefix <= 0)
		return 0;
	if (prefix >= 32)
		return 0xffffffffu;
	return htonl(0xffffffffu << (32 - prefix));
}

uint32_t inet4_class_mask(uint32_t addr)
{
	uint32_t host = ntohl(addr);

	return inet4_prefix_mask(host < 0x80000000u ? 8 : host < 0xc0000000u ? 16 : 24);
}
