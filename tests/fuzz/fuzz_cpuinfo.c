/* libFuzzer target for cpuinfo_parse and cpuinfo_microcode_file: bounded numbers, and
 * a microcode file name that stays in its vendor's directory. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpuinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpuinfo ci;
	char file[64];
	int r = cpuinfo_parse((const char *)data, size, &ci);

	if (r != 0 && r != -ENOENT && r != -EBADMSG)
		abort();
	if (r < 0)
		return 0;
	if (ci.family > 255 || ci.model > 255 || ci.stepping > 255)
		abort();
	r = cpuinfo_microcode_file(&ci, file, sizeof(file));
	if (r == 0 && strncmp(file, "intel-ucode/", 12) && strncmp(file, "amd-ucode/", 10))
		abort();
	if (r == 0 && strstr(file, ".."))
		abort();
	return 0;
}
