/* Fuzz rootspec_parse/rootspec_match with arbitrary root= values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rootspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct rootspec rs;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (rootspec_parse(s, &rs) == 0) {
		if (strlen(rs.value) >= sizeof(rs.value))
			abort();
		(void)rootspec_match(&rs, s);
	}
	free(s);
	return 0;
}
