/* libFuzzer target for cmdline_check: refused lines name a column inside the line;
 * accepted ones parse in sprout-init's parser without an error. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "cmdline_check.h"

static struct config cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[512];
	size_t col = 99;
	int r;

	if (size > 8192)
		return 0;
	r = cmdline_check((const char *)data, size, &col, why, sizeof(why));
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == -EINVAL && (col < 1 || col > size || !why[0]))
		abort();
	if (r == 0) {
		if (col != 0 || memchr(data, '\n', size) || memchr(data, '\0', size))
			abort();
		cmdline_init(&cfg);
		cmdline_parse(&cfg, (const char *)data, size);
		if (cfg.errors)
			abort();
	}
	return 0;
}
