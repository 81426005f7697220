/* rendezvous: highest-random-weight ranking of servers. See rendezvous.h. */
#include "rendezvous.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* The splitmix64 finalizer (Steele, Lea, Flood 2014): a bijection on 64 bits in which
 * every input bit flips each output bit with probability close to 1/2. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

uint64_t rendezvous_weight(uint32_t server, const uint8_t mac[6])
{
	uint8_t ip[4];
	uint64_t a = 0, m = 0;

	memcpy(ip, &server, sizeof(ip)); /* the wire bytes, whatever the host order */
	for (int i = 0; i < 4; i++)
		a = a << 8 | ip[i];
	for (int i = 0; i < 6; i++)
		m = m << 8 | mac[i];
	/* Two chained rounds so that the 80 input bits (which do not fit one word) all
	 * reach every output bit; the constant keeps (0.0.0.0, 00:..:00) off mix64(0). */
	return mix64(mix64(a ^ 0x73707267726f7574ull) ^ m);
}

/* Whether server a ranks before server b (strictly). */
static bool before(uint32_t a, unsigned wa, uint32_t b, unsigned wb, const uint8_t mac[6])
{
	uint64_t ha = rendezvous_weight(a, mac), hb = rendezvous_weight(b, mac);

	if (wa == wb) /* w / -ln(u) grows with u: the hash order, exactly, without rounding */
		return ha > hb;
	/* u in (0, 1) from the top 53 bits; -ln(u) > 0, so both scores are finite */
	double ua = ((double)(ha >> 11) + 0.5) / 9007199254740992.0;
	double ub = ((double)(hb >> 11) + 0.5) / 9007199254740992.0;

	return (double)wa / -log(ua) > (double)wb / -log(ub);
}

void rendezvous_rank(const uint32_t *servers, const unsigned *weights, int n, const uint8_t mac[6],
		     int *order_out)
{
	/* Insertion sort, recomputing the scores it compares instead of storing them:
	 * the lists are short (at most SERVERLIST_MAX), no buffer sized by the caller is
	 * needed, and the sort is stable, which gives equal scores their list order. */
	for (int i = 0; i < n; i++) {
		unsigned wi = weights ? weights[i] : 1;
		int j = i;

		for (; j > 0; j--) {
			int k = order_out[j - 1];

			if (!before(servers[i], wi, servers[k], weights ? weights[k] : 1, mac))
				break;
			order_out[j] = k;
		}
		order_out[j] = i;
	}
}
