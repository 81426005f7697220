/* libFuzzer target for rpcmsg and nfsprobe: the input is a TCP byte stream from a server.
 * Every record in it is parsed as a reply and fed to a probe (the first byte picks the
 * version asked and port=); what is accepted must be consistent, and the probe must end
 * within its step bound with a message that fits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfsprobe.h"
#include "rpcmsg.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned wants[] = { 0, 3, 4, 0 };
	uint8_t rec[RPCMSG_RECORD_MAX];
	char text[NFSPROBE_TEXT_LEN];
	struct nfsprobe p;
	size_t at = 1, len;
	int events = 0;

	if (size < 1)
		return 0;
	nfsprobe_start(&p, wants[data[0] & 3], data[0] & 4, data[0] >> 3);
	while (at < size && p.act != NFSPROBE_DONE) {
		struct rpcmsg_reply r;
		int took = rpcmsg_record(data + at, size - at, rec, sizeof(rec), &len);

		must(took >= -EMSGSIZE && took <= (int)(size - at));
		if (took <= 0) {
			nfsprobe_conn_failed(&p, took == 0 ? 0 : -ECONNRESET);
			break;
		}
		must(len <= sizeof(rec) && len + 4 <= (size_t)took);
		at += (size_t)took;
		memset(&r, 0x5a, sizeof(r));
		if (rpcmsg_parse_reply(rec, len, &r) == 0) {
			unsigned port = 0;

			must(r.status <= RPCMSG_AUTH_ERROR);
			if (r.status == RPCMSG_SUCCESS)
				must(r.result >= rec && r.result + r.result_len == rec + len);
			if (rpcmsg_getport_result(&r, &port) == 0)
				must(port <= 65535);
			must(rpcmsg_status_text(r.status)[0] != '\0');
			nfsprobe_reply(&p, &r, false);
		} else {
			nfsprobe_reply(&p, NULL, true);
		}
		events++;
	}
	nfsprobe_timeout(&p);
	must(p.act == NFSPROBE_DONE && p.result != NFSPROBE_PENDING);
	must(p.steps <= NFSPROBE_MAX_STEPS);
	must(events <= NFSPROBE_MAX_STEPS);
	must(strlen(nfsprobe_describe(&p, text, sizeof(text))) < sizeof(text) - 1);
	must(nfsprobe_word(&p)[0] != '\0');
	return 0;
}
