/* rank: the farm's server order per machine, as sprout-init computes it. */
#include "rank.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "ipcfg.h"
#include "nfsspec.h"
#include "rendezvous.h"

static int parse_servers(const char *text, uint32_t *out, int max, char *err, size_t errsz)
{
	int n = 0;
	const char *p = text;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (n == max) {
			snprintf(err, errsz, "more than %d servers in %s", max, text);
			return -EINVAL;
		}
		if (ipcfg_parse_ipv4(p, len, &out[n]) < 0) {
			snprintf(err, errsz, "'%.*s' in %s is not an IPv4 address", (int)len, p, text);
			return -EINVAL;
		}
		n++;
		p = end ? end + 1 : p + len;
	}
	if (n == 0)
		snprintf(err, errsz, "no servers given: expected e.g. 10.0.0.1,10.0.0.2");
	return n ? n : -EINVAL;
}

int rank_print(const char *servers, char *const *macs, int nmacs, FILE *out, char *err, size_t errsz)
{
	uint32_t list[NFSSPEC_MAX_SERVERS];
	int order[NFSSPEC_MAX_SERVERS];
	char a[IPCFG_IPV4_LEN];
	int n = parse_servers(servers, list, NFSSPEC_MAX_SERVERS, err, errsz);

	if (n < 0)
		return n;
	for (int i = 0; i < nmacs; i++) {
		uint8_t mac[6];

		if (cmdline_bootif_mac(macs[i], mac) < 0) {
			snprintf(err, errsz, "'%s' is not a MAC address: expected aa:bb:cc:dd:ee:ff", macs[i]);
			return -EINVAL;
		}
		rendezvous_rank(list, n, mac, order);
		if (nmacs > 1)
			fprintf(out, "%s ", macs[i]);
		for (int k = 0; k < n; k++)
			fprintf(out, "%s%s", k ? " " : "", ipcfg_format_ipv4(list[order[k]], a));
		fputc('\n', out);
	}
	return 0;
}
