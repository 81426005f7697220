/* libFuzzer target for imagespec: the forms of sprout.image= and /proc/meminfo text. What
 * is accepted must hold the invariants the image flow relies on: an absolute path
 * without ".", ".." or empty parts that fits its buffer, a device rootspec can read. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imagespec.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char err[IMAGESPEC_ERR_LEN];
	struct imagespec s;
	uint64_t a, t;
	int r = imagespec_parse(buf, size, &s, err, sizeof(err));

	must(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
	if (r < 0)
		must(strlen(err) < sizeof(err) && !strchr(err, '\n'));
	else if (s.kind != IMAGE_HTTP) {
		size_t n = strlen(s.path);

		must(s.kind == IMAGE_NFS || s.kind == IMAGE_DEVICE);
		must(n >= 2 && n < IMAGESPEC_MAX_PATH && s.path[0] == '/' && s.path[n - 1] != '/');
		must(!strstr(s.path, "//") && !strstr(s.path, "/./") && !strstr(s.path, "/../"));
		must(strcmp(s.path + n - 2, "/.") && (n < 3 || strcmp(s.path + n - 3, "/..")));
		if (s.kind == IMAGE_DEVICE) {
			struct rootspec again;

			must(rootspec_parse(s.dev_text, &again) == 0 && again.kind == s.dev.kind);
		}
	}
	r = imagespec_meminfo(buf, size, &a, &t);
	must(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r == 0) {
		must(a % 1024 == 0 && t % 1024 == 0);
		must(imagespec_toram_fits(a & ~(uint64_t)4095, a, 0) == 0);
	}
	return 0;
}
