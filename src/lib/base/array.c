#include "base/array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

int array_grow(void **items, size_t *cap, size_t need, size_t elem, size_t max)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	if (need > max || elem == 0)
		return -E2BIG;
	while (n < need)
		n = n > max / 2 ? max : n * 2;
	if (n > max)
		n = max;
	if (n > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*items, n * elem);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = n;
	return 0;
}
