/* libFuzzer target for vermagic_release: the release read is the first word, printable,
 * without '/', and it fits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vermagic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[VERMAGIC_MAX_RELEASE];
	int r = vermagic_release((const char *)data, size, out, sizeof(out));

	if (r != 0 && r != -EBADMSG && r != -ENAMETOOLONG)
		abort();
	if (r == 0) {
		size_t n = strlen(out);

		if (n == 0 || n >= sizeof(out) || strchr(out, '/') || !memmem(data, size, out, n))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f)
				abort();
	}
	return 0;
}
