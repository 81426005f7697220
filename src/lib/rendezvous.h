/* rendezvous: which NFS server a machine of the farm tries first, second, ...
 *
 * Highest random weight (rendezvous) hashing: every (server, client MAC) pair gets a
 * pseudo-random 64-bit weight and the client tries its servers in falling weight order.
 * So a farm spreads evenly over the servers, a machine always prefers the same server,
 * and removing a server moves only the machines that preferred it (every other
 * machine's first choice keeps the highest weight); adding one takes machines only onto
 * the new server. No server-side coordination and no state: pure arithmetic.
 *
 * Weighted (serverlist.h's ADDR*W): each hash is turned into a score w / -ln(u), with u
 * the hash as a fraction in (0, 1); the highest score wins. A server of weight w is then
 * first for w / (sum of weights) of the machines, and removing a server still moves
 * only its own machines. With equal weights the score orders servers exactly as the
 * hash does, so a farm without weights ranks as it always did.
 *
 * Addresses are IPv4 in network byte order (a struct in_addr's s_addr); the weight is
 * computed from the address bytes as they are on the wire, so every machine of the
 * farm, whatever its byte order, agrees on the ranking. */
#ifndef SPROUT_RENDEZVOUS_H
#define SPROUT_RENDEZVOUS_H

#include <stdint.h>

/* The weight of server for the client with this MAC. Fixed forever: changing the
 * function reshuffles every farm on upgrade. */
uint64_t rendezvous_weight(uint32_t server, const uint8_t mac[6]);

/* Writes into order_out[0..n) the indexes 0..n-1 of servers[] from the most to the
 * least preferred. weights[i] >= 1 is server i's share (NULL: all 1). Equal scores
 * (the same address listed twice) keep list order. Nothing is written when n <= 0. */
void rendezvous_rank(const uint32_t *servers, const unsigned *weights, int n, const uint8_t mac[6],
		     int *order_out);

#endif
