/* Hexadecimal digits, both ways. */
#ifndef SPROUT_BASE_HEX_H
#define SPROUT_BASE_HEX_H

#include <stdbool.h>

/* The value of one hex digit (either case), or -1. */
static inline int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The lower-case digit for v & 15. */
static inline char hex_digit(unsigned v)
{
	return "0123456789abcdef"[v & 15];
}

#endif
