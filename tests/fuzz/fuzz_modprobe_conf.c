/* libFuzzer target for modprobe_conf_walk: module names handed on are bounded, without
 * '/' or '-', and line numbers stay within the input. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modprobe_conf.h"

static size_t lines;

static int check(const struct modprobe_line *l, void *ctx)
{
	(void)ctx;
	if (l->lineno < 1 || l->lineno > lines || strlen(l->module) >= MODPROBE_MAX_NAME ||
	    strchr(l->module, '/') || strchr(l->module, '-') || !l->command || !l->rest)
		abort();
	if (l->kind != MODPROBE_OTHER && !l->module[0])
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned bad;
	int r;

	lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	r = modprobe_conf_walk((const char *)data, size, check, NULL, &bad);
	if (r != 0 && r != -EBADMSG)
		abort();
	if (r == -EBADMSG && (bad < 1 || bad > lines))
		abort();
	return 0;
}
