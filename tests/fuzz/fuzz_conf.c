/* libFuzzer target for conf: every setting handed to the callback must be a valid key
 * and a bounded value, with line numbers that only grow. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static int check(const char *key, const char *value, size_t line, void *ctx)
{
	size_t *last = ctx;
	size_t klen = strlen(key);

	must(klen > 0 && klen < CONF_MAX_KEY);
	must(strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == klen);
	must(strlen(value) < CONF_MAX_LINE);
	must(line > *last);
	*last = line;
	/* Stop now and then so the early-return path is fuzzed too. */
	return (line % 97) == 13 ? -ECANCELED : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t last = 0, bad = 0;
	int r = conf_parse((const char *)data, size, check, &last, &bad);

	must(r == 0 || r == -EBADMSG || r == -ECANCELED);
	must(r == 0 ? bad == 0 : bad >= 1);
	/* Validation alone agrees up to the first stop. */
	if (r == 0)
		must(conf_parse((const char *)data, size, NULL, NULL, NULL) == 0);
	return 0;
}
