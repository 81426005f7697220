/* libFuzzer target for serverlist. Accepted lists must hold 1..SERVERLIST_MAX distinct
 * host addresses with weights in range, and read back the same when written out as
 * ADDR*W,... ; refused input leaves the output untouched and explains itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcfg.h"
#include "serverlist.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct serverlist l, back, untouched;
	char err[SERVERLIST_ERR_LEN], text[SERVERLIST_MAX * 24], a[IPCFG_IPV4_LEN];
	size_t o = 0;

	memset(&l, 0x5a, sizeof(l));
	untouched = l;
	if (serverlist_parse((const char *)data, size, &l, err, sizeof(err)) < 0) {
		must(memcmp(&l, &untouched, sizeof(l)) == 0);
		must(err[0] != '\0' && strlen(err) < sizeof(err));
		return 0;
	}
	must(l.n >= 1 && l.n <= SERVERLIST_MAX);
	for (int i = 0; i < l.n; i++) {
		must(l.weight[i] >= 1 && l.weight[i] <= SERVERLIST_WEIGHT_MAX);
		for (int j = 0; j < i; j++)
			must(l.addr[i] != l.addr[j]);
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s*%u", i ? "," : "",
				      ipcfg_format_ipv4(l.addr[i], a), l.weight[i]);
	}
	must(serverlist_parse(text, o, &back, err, sizeof(err)) == 0);
	must(back.n == l.n);
	must(memcmp(back.addr, l.addr, sizeof(l.addr[0]) * (size_t)l.n) == 0);
	must(memcmp(back.weight, l.weight, sizeof(l.weight[0]) * (size_t)l.n) == 0);
	return 0;
}
