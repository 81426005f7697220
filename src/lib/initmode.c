/* initmode: the mode decision and the wrapper's list of inits, pure. */
#include "initmode.h"

#include <string.h>

#include "base/array.h"

enum initmode initmode_decide(bool root_is_ramfs_or_tmpfs, bool has_image_marker)
{
	return root_is_ramfs_or_tmpfs && has_image_marker ? INITMODE_INITRAMFS : INITMODE_WRAPPER;
}

static size_t add(const char **out, size_t n, size_t max, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i], path))
			return n;
	if (n < max)
		out[n++] = path;
	return n;
}

size_t initmode_candidates(const char *configured, bool pid1, const char **out, size_t max)
{
	static const char *const kernel_order[] = { "/sbin/init", "/etc/init", "/bin/init" };
	size_t n = 0;

	n = add(out, n, max, configured && *configured ? configured : INITMODE_REAL_INIT);
	for (size_t i = 0; i < ARRAY_SIZE(kernel_order); i++)
		n = add(out, n, max, kernel_order[i]);
	if (pid1)
		n = add(out, n, max, "/bin/sh");
	return n;
}
