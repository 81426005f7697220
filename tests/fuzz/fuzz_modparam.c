/* libFuzzer target for modparam: the input's first byte picks an option-buffer size,
 * the rest is a command line. Checks: options for a module never hold a NUL, never
 * exceed the buffer, an error leaves "", and the selected words give every module the
 * options the whole line gives it. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "modparam.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void check_module(const char *line, size_t len, const char *sel, const char *module,
			 size_t n)
{
	static char a[4096], b[4096];
	int ra = modparam_get(line, len, module, a, n);
	int rb = modparam_get(sel, strlen(sel), module, b, n);

	must(ra == -E2BIG || (ra >= 0 && (size_t)ra < n && strlen(a) == (size_t)ra));
	must(ra >= 0 || a[0] == '\0');
	must(ra == rb && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char sel[70000];
	static const char *const modules[] = { "m", "a_b", "a-b", "ext4", "x" };
	size_t n;
	unsigned dropped;
	int kept;

	if (size == 0)
		return 0;
	n = 1 + (size_t)data[0] * 16; /* 1 .. 4081 */
	data++;
	size--;
	sel[0] = '\0';
	kept = modparam_select((const char *)data, size, sel, sizeof(sel), &dropped);
	must(kept >= 0 && dropped == 0 && strlen(sel) <= size + (size_t)kept);
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++)
		check_module((const char *)data, size, sel, modules[i], n);
	return 0;
}
