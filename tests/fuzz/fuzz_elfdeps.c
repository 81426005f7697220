/* libFuzzer target for elfdeps_parse (and elfdeps_normalize on the same bytes):
 * any input is refused cleanly or yields strings within the caps. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfdeps.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void check_normalize(const uint8_t *data, size_t size)
{
	char in[512], out[512], again[512];

	if (size >= sizeof(in))
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	if (elfdeps_normalize(in, out, sizeof(out)) != 0)
		return;
	/* normal form: absolute, no empty, "." or ".." segments, stable */
	must(out[0] == '/' && !strstr(out, "//") && !strstr(out, "/./") && !strstr(out, "/../"));
	must(elfdeps_normalize(out, again, sizeof(again)) == 0 && !strcmp(out, again));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfdeps_info info;
	int r = elfdeps_parse(data, size, &info);

	must(r == 0 || r == -ENOEXEC || r == -EBADMSG || r == -E2BIG || r == -EFBIG ||
	     r == -ENOMEM);
	if (r == 0) {
		must(info.n_needed <= ELFDEPS_MAX_NEEDED);
		for (size_t i = 0; i < info.n_needed; i++)
			must(strlen(info.needed[i]) < ELFDEPS_MAX_STR);
		must(!info.interp || strlen(info.interp) < ELFDEPS_MAX_STR);
		must(!info.runpath || strlen(info.runpath) < ELFDEPS_MAX_STR);
		must(!info.rpath || strlen(info.rpath) < ELFDEPS_MAX_STR);
		elfdeps_info_free(&info);
	} else {
		must(!info.interp && !info.needed && !info.runpath && !info.rpath);
	}
	check_normalize(data, size);
	return 0;
}
