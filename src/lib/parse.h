/* parse: small whole-string parsers for numbers, booleans and bounded copies.
 *
 * Pure and allocation-free. Every function takes the whole string: leading or
 * trailing spaces, signs where none is allowed, an empty string or any stray byte
 * make it fail with -EINVAL; a number outside [min, max] (or beyond what the type
 * holds) fails with -ERANGE. On failure *out is left unchanged. */
#ifndef SPROUT_PARSE_H
#define SPROUT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal digits only, 0..max. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);
int parse_uint(const char *s, unsigned max, unsigned *out);

/* An optional '-' then decimal digits, min..max. */
int parse_int(const char *s, int min, int max, int *out);

/* 1 0 yes no true false on off, in any ASCII case. */
int parse_bool(const char *s, bool *out);

/* Copies src[0..srclen) and a NUL into dst[dstsz]. Never cuts: returns
 * -ENAMETOOLONG when srclen + 1 > dstsz and -EINVAL when src holds a NUL byte,
 * leaving dst unchanged in both cases; 0 on success. */
int parse_copy(char *dst, size_t dstsz, const char *src, size_t srclen);

/* True for the bytes the kernel's command line and our config files split on. */
bool parse_is_space(unsigned char c);

#endif
