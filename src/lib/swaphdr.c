/* swaphdr: see swaphdr.h. */
#include "swaphdr.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"

#define UUID_AT 1036  /* after 1024 boot bytes, version, last_page, nr_badpages */
#define LABEL_AT 1052
#define SIG_LEN 10

static const struct {
	const char *sig;
	enum swaphdr_kind kind;
} sigs[] = {
	{ "SWAPSPACE2", SWAPHDR_SWAP },
	{ "S1SUSPEND", SWAPHDR_IMAGE },  /* the kernel's hibernation (swsusp) */
	{ "S2SUSPEND", SWAPHDR_IMAGE },
	{ "ULSUSPEND", SWAPHDR_IMAGE },  /* uswsusp */
	{ "LINHIB0001", SWAPHDR_IMAGE }, /* an older kernel's */
};

int swaphdr_parse(const uint8_t *buf, size_t len, size_t page_size, struct swaphdr *out)
{
	const uint8_t *sig, *u;
	bool zero = true;

	memset(out, 0, sizeof(*out));
	if (page_size < SWAPHDR_MIN_PAGE || page_size > SWAPHDR_MAX_PAGE ||
	    (page_size & (page_size - 1)) || len < page_size)
		return -EINVAL;
	sig = buf + page_size - SIG_LEN;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		size_t n = strlen(sigs[i].sig);

		/* a shorter signature is NUL-padded to the 10 bytes */
		if (!memcmp(sig, sigs[i].sig, n) && (n == SIG_LEN || sig[n] == '\0')) {
			out->kind = sigs[i].kind;
			memcpy(out->sig, sigs[i].sig, n + 1);
			break;
		}
	}
	if (out->kind == SWAPHDR_NONE)
		return 0;
	u = buf + UUID_AT;
	for (size_t i = 0; i < 16; i++)
		zero = zero && u[i] == 0;
	if (!zero)
		snprintf(out->uuid, sizeof(out->uuid),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			 u[12], u[13], u[14], u[15]);
	for (size_t i = 0; i < 16 && buf[LABEL_AT + i]; i++)
		out->label[i] = (char)buf[LABEL_AT + i];
	return 0;
}

const char *swaphdr_kind_name(enum swaphdr_kind kind)
{
	switch (kind) {
	case SWAPHDR_SWAP: return "swap area";
	case SWAPHDR_IMAGE: return "hibernation image";
	case SWAPHDR_NONE: break;
	}
	return "no swap signature";
}
