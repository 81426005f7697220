/* libFuzzer target for procswaps: any text; what is accepted has its five fields, a path
 * without NUL and a known count. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procswaps.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct procswap s[PROCSWAPS_MAX];
	int n = procswaps_parse((const char *)data, size, s, PROCSWAPS_MAX);

	must(n == -EBADMSG || n == -ENAMETOOLONG || n == -E2BIG ||
	     (n >= 0 && n <= PROCSWAPS_MAX));
	for (int i = 0; i < n; i++) {
		must(s[i].path[0] && memchr(s[i].path, '\0', sizeof(s[i].path)));
		must(s[i].type[0] && memchr(s[i].type, '\0', sizeof(s[i].type)));
		must(!strpbrk(s[i].type, " \t\n"));
	}
	return 0;
}
