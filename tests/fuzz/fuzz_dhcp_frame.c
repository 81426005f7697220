/* libFuzzer target for dhcp_frame_parse: any bytes as a received IPv4 datagram. An
 * accepted frame's payload lies inside the input right after a UDP header to port 68;
 * it is then parsed as DHCP, as the client does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "dhcp_frame.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m;
	struct dhcp_frame f;

	for (unsigned flags = 0; flags <= DHCP_FRAME_NO_UDP_SUM; flags++) {
		int r = dhcp_frame_parse(data, size, flags, &f);

		if (r < 0) {
			must(r >= DHCP_E_IPHDR && r <= DHCP_E_UDPSUM);
			must(f.payload == NULL && f.len == 0);
			continue;
		}
		size_t ihl = (size_t)(data[0] & 15) * 4;
		must(r == 0 && size >= 28 && data[0] >> 4 == 4 && ihl >= 20);
		must(f.payload == data + ihl + 8 && f.len <= size - ihl - 8);
		must(f.dport == 68 && data[9] == 17);
		must(!memcmp(&f.src, data + 12, 4));
		dhcp_parse(f.payload, f.len, &m);
	}
	/* building around the input then parsing it back (as a server reply) gives it back */
	static uint8_t out[DHCP_FRAME_HDR + 4096];
	if (size <= 4096) {
		int n = dhcp_frame_build(out, sizeof(out), data, size);
		must(n == (int)(DHCP_FRAME_HDR + size));
		out[23] = 68; /* to the client port */
		out[26] = out[27] = 0;
		must(dhcp_frame_parse(out, (size_t)n, 0, &f) == 0);
		must(f.len == size && !memcmp(f.payload, data, size));
	}
	return 0;
}
