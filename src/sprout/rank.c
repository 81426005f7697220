/* rank: the farm's server order per machine, as sprout-init computes it. */
#include "rank.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "ipcfg.h"
#include "rendezvous.h"
#include "serverlist.h"

/* "10.0.0.1", or "10.0.0.1*2" when the list is weighted */
static void put_server(const struct serverlist *l, int i, bool weighted, FILE *out)
{
	char a[IPCFG_IPV4_LEN];

	fputs(ipcfg_format_ipv4(l->addr[i], a), out);
	if (weighted)
		fprintf(out, "*%u", l->weight[i]);
}

int rank_print(const char *servers, char *const *macs, int nmacs, FILE *out, char *err, size_t errsz)
{
	struct serverlist l;
	int order[SERVERLIST_MAX], first[SERVERLIST_MAX] = { 0 };
	unsigned total = 0;
	bool weighted;

	if (serverlist_parse(servers, strlen(servers), &l, err, errsz) < 0)
		return -EINVAL;
	weighted = serverlist_weighted(&l);
	for (int i = 0; i < nmacs; i++) {
		uint8_t mac[6];

		if (cmdline_bootif_mac(macs[i], mac) < 0) {
			snprintf(err, errsz, "'%s' is not a MAC address: expected aa:bb:cc:dd:ee:ff", macs[i]);
			return -EINVAL;
		}
		rendezvous_rank(l.addr, l.weight, l.n, mac, order);
		first[order[0]]++;
		if (nmacs > 1)
			fprintf(out, "%s ", macs[i]);
		for (int k = 0; k < l.n; k++) {
			if (k)
				fputc(' ', out);
			put_server(&l, order[k], weighted, out);
		}
		fputc('\n', out);
	}
	if (nmacs < 2)
		return 0;
	/* the spread over these machines against the share the weights ask for */
	for (int i = 0; i < l.n; i++)
		total += l.weight[i];
	for (int i = 0; i < l.n; i++) {
		fputs("# ", out);
		put_server(&l, i, weighted, out);
		fprintf(out, ": first for %d of %d machines (%.0f %%; its weight's share %.0f %%)\n",
			first[i], nmacs, 100.0 * first[i] / nmacs, 100.0 * l.weight[i] / total);
	}
	return 0;
}
