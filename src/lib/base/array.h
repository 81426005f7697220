/* Arrays: the element count of a fixed array, and growth of a heap array with a cap. */
#ifndef SPROUT_BASE_ARRAY_H
#define SPROUT_BASE_ARRAY_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Makes room for at least `need` elements of `elem` bytes in *items (capacity *cap),
 * doubling from 16. Never more than `max` elements: -E2BIG. -ENOMEM when allocation
 * fails (*items is then unchanged and still owned by the caller). 0 on success. */
int array_grow(void **items, size_t *cap, size_t need, size_t elem, size_t max);

#endif
