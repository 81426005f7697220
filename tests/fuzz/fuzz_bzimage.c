/* libFuzzer target for bzimage_release: never reads past the buffer (ASan), and a
 * release read is a word of the buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[BZIMAGE_MAX_VERSION];
	const char *why = NULL;
	int r = bzimage_release(data, size, out, sizeof(out), &why);

	if (r != 0 && r != -EBADMSG && r != -ENAMETOOLONG)
		abort();
	if (r < 0 && !why)
		abort();
	if (r == 0 && (!out[0] || !memmem(data, size, out, strlen(out))))
		abort();
	return 0;
}
