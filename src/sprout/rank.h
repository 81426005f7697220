/* rank: `sprout rank SERVERS MAC...` tells an admin which NFS server each machine of
 * a farm tries first (then second...), by the same rendezvous hashing sprout-init uses
 * for root=nfs:A,B:/path with sprout.nfs.select=hash. */
#ifndef SPROUT_RANK_H
#define SPROUT_RANK_H

#include <stdio.h>

/* servers: "10.0.0.1,10.0.0.2" (serverlist.h: weights as ADDR*W); macs:
 * "52:54:00:12:34:56" (':' or '-'). Prints one line per MAC: the servers in order,
 * space-separated, as ADDR*W when the list is weighted (just the servers when one MAC
 * is given; "MAC servers..." with several, then one "# SERVER: first for N of M machines" line per
 * server: its count and share against its weight's). Returns 0, or -EINVAL with a
 * message in err. */
int rank_print(const char *servers, char *const *macs, int nmacs, FILE *out, char *err, size_t errsz);

#endif
