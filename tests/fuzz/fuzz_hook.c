/* libFuzzer target for hook_spec_parse: an accepted spec names a phase that takes hooks
 * and a non-empty PROGRAM inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char spec[512], err[256];
	enum cmdline_phase p;
	const char *prog;

	if (size >= sizeof(spec))
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (hook_spec_parse(spec, &p, &prog, err, sizeof(err)) == 0) {
		if (p == PHASE_NONE || hook_phase(cmdline_phase_name(p)) != p || !*prog ||
		    prog < spec || prog > spec + size || prog[-1] != ':')
			abort();
	} else if (!err[0]) {
		abort();
	}
	if (hook_name_wanted(spec) && (spec[0] == '.' || !spec[0]))
		abort();
	return 0;
}
