/* libFuzzer target for kver: any bytes give 0 or -EINVAL with a message; what is
 * accepted can name no other directory and cannot pass for an option. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kver.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160];
	const char *s = (const char *)data;
	int r;

	memset(err, 'x', sizeof(err));
	r = kver_check(s, size, err, sizeof(err));
	must(memchr(err, '\0', sizeof(err)) != NULL);
	if (r < 0) {
		must(r == -EINVAL && err[0] != '\0');
		return 0;
	}
	must(r == 0 && err[0] == '\0' && size >= 1 && size <= KVER_MAX);
	must(memchr(s, '/', size) == NULL && memchr(s, '\0', size) == NULL);
	must(s[0] != '.' && s[0] != '-');
	return 0;
}
