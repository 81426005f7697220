/* libFuzzer target for settings_apply: any configuration text either applies or
 * fails with a message, and the result is always a consistent, bounded struct that
 * merges and frees cleanly. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "settings.h"
#include "stack.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings s, merged;
	char err[256] = "";
	int r;

	settings_init(&s);
	settings_init(&merged);
	r = settings_apply(&s, "fuzz.conf", (const char *)data, size, err, sizeof(err));
	must(r == 0 || r == -EINVAL || r == -EBADMSG || r == -E2BIG || r == -ENOMEM);
	must(r == 0 ? err[0] == '\0' : !strncmp(err, "fuzz.conf:", 10));
	must(s.n_add_modules <= SETTINGS_MAX_LIST && s.n_add_binary <= SETTINGS_MAX_LIST);
	for (size_t i = 0; i < s.n_add_modules; i++)
		must(s.add_modules[i][0] && !strpbrk(s.add_modules[i], ", \t"));
	for (size_t i = 0; i < s.n_add_binary; i++)
		must(s.add_binary[i][0] && !strpbrk(s.add_binary[i], " \t"));
	for (size_t i = 0; i < s.n_include; i++)
		must(s.include[i][0] && !strpbrk(s.include[i], " \t"));
	must((s.with & ~(unsigned)STACK_ALL) == 0);
	must(s.compress == -1 || compress_name((enum compress_kind)s.compress));
	must(!s.kver || s.kver[0]);
	if (settings_merge(&merged, &s) == 0) {
		must(merged.n_add_modules == s.n_add_modules);
		must(merged.mode == s.mode && merged.compress == s.compress);
		must(merged.with == s.with && merged.n_include == s.n_include);
	}
	settings_free(&s);
	settings_free(&merged);
	return 0;
}
