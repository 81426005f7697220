/* libFuzzer target for shebang_parse: an accepted line gives an absolute interpreter
 * that is a word of the input. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shebang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shebang sb;
	int r = shebang_parse((const char *)data, size, &sb);

	if (r != 0 && r != 1 && r != -EBADMSG)
		abort();
	if (r == 1 && (sb.interp[0] != '/' || !memmem(data, size, sb.interp, strlen(sb.interp)) ||
		       strchr(sb.interp, ' ') || strchr(sb.arg, '\n')))
		abort();
	return 0;
}
