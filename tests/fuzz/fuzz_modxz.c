/* libFuzzer target for modxz, the decoder sprout-init feeds a module file of the image
 * into: whatever the bytes, it never writes more than its cap, and fed in two pieces it
 * gives the same answer and the same output as fed whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modxz.h"

#define CAP ((size_t)1 << 20)

struct sum {
	uint64_t len;
	uint64_t h;
};

static void must(int cond)
{
	if (!cond)
		abort();
}

static int add(const uint8_t *buf, size_t len, void *ctx)
{
	struct sum *s = ctx;

	must(len > 0 && len <= MODXZ_CHUNK);
	for (size_t i = 0; i < len; i++)
		s->h = (s->h ^ buf[i]) * 0x100000001b3ULL;
	s->len += len;
	must(s->len <= CAP);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sum whole = { 0, 0 }, parts = { 0, 0 };
	char err[200];
	int r = modxz_decode(data, size, CAP, add, &whole, err, sizeof(err));
	size_t cut = size ? data[0] % (size + 1) : 0;
	struct modxz *d = modxz_new(CAP);
	int r2;

	must(r <= 0);
	must((r == 0) == (err[0] == '\0'));
	if (!d)
		return 0;
	r2 = modxz_feed(d, data, cut, 0, add, &parts);
	if (r2 == 0)
		r2 = modxz_feed(d, data + cut, size - cut, 1, add, &parts);
	must((r == 0) == (r2 == 0));
	if (r == 0)
		must(whole.len == parts.len && whole.h == parts.h && whole.len == modxz_out_len(d));
	modxz_free(d);
	return 0;
}
