/* libFuzzer target for swaphdr: any bytes, any page size taken from the first byte;
 * what is found is printable and consistent with the kind. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swaphdr.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void printable(const char *s, size_t max)
{
	must(memchr(s, '\0', max) != NULL);
	for (; *s; s++)
		must(*s != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pages[] = { 4096, 8192, 16384, 65536, 0, 4095, 5000 };
	size_t page = size ? pages[data[0] % (sizeof(pages) / sizeof(pages[0]))] : 4096;
	struct swaphdr h;
	int r = swaphdr_parse(data, size, page, &h);

	must(r == 0 || r == -EINVAL);
	if (r < 0) {
		must(size < page || page < SWAPHDR_MIN_PAGE || (page & (page - 1)));
		must(h.kind == SWAPHDR_NONE);
		return 0;
	}
	must(h.kind == SWAPHDR_NONE || h.kind == SWAPHDR_SWAP || h.kind == SWAPHDR_IMAGE);
	must((h.kind == SWAPHDR_NONE) == (h.sig[0] == '\0'));
	must(!memcmp(h.sig, data + page - 10, strlen(h.sig)));
	printable(h.sig, sizeof(h.sig));
	printable(h.label, sizeof(h.label));
	must(h.uuid[0] == '\0' || strlen(h.uuid) == 36);
	must(h.kind != SWAPHDR_NONE || (!h.uuid[0] && !h.label[0]));
	must(swaphdr_kind_name(h.kind) != NULL);
	return 0;
}
