/* libFuzzer target for image_walk: arbitrary bytes as an image, with every
 * decompressor behind it; entries must be sane, errors must come with a message. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image.h"

#define FUZZ_MAX_UNPACKED ((size_t)32 << 20) /* keeps each run within the RSS limit */

static void must(int cond)
{
	if (!cond)
		abort();
}

static int check(const struct cpio_entry *e, void *arg)
{
	size_t *n = arg;
	size_t nlen = strlen(e->name);
	uint8_t sum = 0;

	must(nlen > 0 && nlen < CPIO_MAX_NAME);
	for (size_t i = 0; i < e->size; i++) /* touch every byte: ASan checks the bounds */
		sum ^= e->data[i];
	(void)sum;
	++*n;
	return e->mtime == 0x5eed ? -ECANCELED : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	size_t n = 0;
	int r;

	r = image_walk_limit(data, size, FUZZ_MAX_UNPACKED, check, &n, err, sizeof(err));
	must(r <= 0);
	must(r == 0 ? err[0] == 0 : r == -ECANCELED || (err[0] != 0 && strlen(err) < sizeof(err)));
	return 0;
}
