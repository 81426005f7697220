/* rendezvous: highest-random-weight ranking of servers. See rendezvous.h. */
#include "rendezvous.h"

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

void rendezvous_rank(const uint32_t *servers, int n, const uint8_t mac[6], int *order_out)
{
	/* Insertion sort, recomputing the weights it compares instead of storing them:
	 * the lists are short (a handful of servers, at most 16 from nfsspec), no buffer
	 * sized by the caller is needed, and the sort is stable, which gives equal weights
	 * their list order. */
	for (int i = 0; i < n; i++) {
		uint64_t wi = rendezvous_weight(servers[i], mac);
		int j = i;

		for (; j > 0 && rendezvous_weight(servers[order_out[j - 1]], mac) < wi; j--)
			order_out[j] = order_out[j - 1];
		order_out[j] = i;
	}
}
