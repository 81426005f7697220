#include "base/escape.h"

#include <string.h>

#include <stdbool.h>

#include "base/hex.h"

static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

char *escape_bytes(const void *src, size_t n, char *out, size_t size)
{
	const unsigned char *s = src;
	size_t o = 0, i = 0, whole = 0;

	if (size == 0)
		return out;
	for (size_t k = 0; k < n; k++)
		whole += plain(s[k]) ? 1 : 4;
	/* when the whole text does not fit, keep room for "..." */
	size_t room = whole < size ? size - 1 : (size - 1 > 3 ? size - 4 : 0);
	for (; i < n; i++) {
		size_t w = plain(s[i]) ? 1 : 4;

		if (o + w > room)
			break;
		if (w == 1) {
			out[o++] = (char)s[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex_digit(s[i] >> 4);
			out[o++] = hex_digit(s[i] & 15);
		}
	}
	if (i < n) {
		size_t k = size - 1 - o < 3 ? size - 1 - o : 3;
		memcpy(out + o, "...", k);
		o += k;
	}
	out[o] = '\0';
	return out;
}

char *escape_str(const char *s, char *out, size_t size)
{
	return escape_bytes(s ? s : "", s ? strlen(s) : 0, out, size);
}
