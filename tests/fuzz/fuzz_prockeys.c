/* libFuzzer target for prockeys: any text; a key found has a positive serial and an
 * entry count of -1 or more. */
#include <stdint.h>
#include <stdlib.h>

#include "prockeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prockey k = { 0, 0 };

	if (prockeys_find((const char *)data, size, "keyring", ".id_resolver", &k) &&
	    (k.id <= 0 || k.entries < -1))
		abort();
	return 0;
}
