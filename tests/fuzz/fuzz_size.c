/* libFuzzer target for size: parse, then check that what was accepted reads back the
 * same through the tmpfs option and resolves within bounds. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct size_spec s, again;
	char opt[64];
	uint64_t b;
	int r = size_parse((const char *)data, size, &s);

	must(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r < 0)
		return 0;
	must(size >= 1 && size <= SIZE_MAX_TEXT);
	must(s.value > 0);
	must(s.kind == SIZE_BYTES || (s.kind == SIZE_PERCENT && s.value <= 100));
	r = size_tmpfs_option(&s, opt, sizeof(opt));
	must(r > 5 && !memcmp(opt, "size=", 5));
	must(size_parse(opt + 5, (size_t)r - 5, &again) == 0);
	must(again.kind == s.kind && again.value == s.value);
	/* A percentage resolves to exactly floor(total * pct / 100), even at the top. */
	for (int i = 0; i < 2; i++) {
		uint64_t total = i ? UINT64_MAX : (uint64_t)size * 0x9e3779b97f4a7c15ull;

		must(size_resolve(&s, total, &b) == 0);
		must(s.kind == SIZE_BYTES ? b == s.value
					  : b == (uint64_t)((unsigned __int128)total * s.value / 100));
	}
	return 0;
}
