/* serverlist: the servers of a farm as the command line and DHCP write them, for the
 * NFS root (nfsspec.h), root images over HTTP and `sprout rank`.
 *
 *   ADDR[*WEIGHT][,ADDR[*WEIGHT]]...      e.g. 10.0.0.1*2,10.0.0.2
 *
 * ADDR is an IPv4 address of a host (not 0.0.0.0, loopback or multicast): sprout-init
 * does no DNS lookups. WEIGHT (1..SERVERLIST_WEIGHT_MAX, default 1) is the server's
 * share of the farm relative to the others (rendezvous.h): 10.0.0.1*2,10.0.0.2 sends
 * two thirds of the machines to 10.0.0.1 first. A server listed twice is kept once
 * (trying it twice would only cost another timeout); twice with different weights is
 * an error. Pure: no I/O, no allocation. */
#ifndef SPROUT_SERVERLIST_H
#define SPROUT_SERVERLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERVERLIST_MAX 16
#define SERVERLIST_WEIGHT_MAX 1000
#define SERVERLIST_ERR_LEN 160 /* a message buffer this size never cuts our messages */

struct serverlist {
	uint32_t addr[SERVERLIST_MAX];   /* network order */
	unsigned weight[SERVERLIST_MAX]; /* 1..SERVERLIST_WEIGHT_MAX */
	int n;
};

/* Parses text[0..len) into *out. Returns 0, or -EINVAL with *out unchanged and a
 * message in err[errsz] that quotes the entry at fault ("server 'x' is not ..."). An
 * empty text is an error: callers that allow "no server" check for it first. */
int serverlist_parse(const char *text, size_t len, struct serverlist *out, char *err, size_t errsz);

/* True when any server has a weight other than 1 (for messages: "10.0.0.1*2"). */
bool serverlist_weighted(const struct serverlist *l);

#endif
