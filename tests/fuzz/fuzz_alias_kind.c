/* Fuzz modalias_kind and modalias_first: a modalias read from sysfs or a uevent, classified. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modalias_kind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	const struct modalias_kind *k;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	k = modalias_kind(s);
	if (k && (!k->what || !k->what[0]))
		abort(); /* a kind always has a description for the message */
	/* root first: what is not known is never kept back, whatever the boot needs */
	if (!k && (!modalias_first(s, 0) || !modalias_first(s, ~0u)))
		abort();
	free(s);
	return 0;
}
