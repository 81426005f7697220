/* vermagic: the release word of a module's vermagic. See vermagic.h. */
#include "vermagic.h"

#include <errno.h>
#include <string.h>

#include "parse.h"

int vermagic_release(const char *buf, size_t len, char *out, size_t outsz)
{
	size_t i = 0, start;

	while (i < len && parse_is_space((unsigned char)buf[i]))
		i++;
	start = i;
	while (i < len && !parse_is_space((unsigned char)buf[i])) {
		unsigned char c = (unsigned char)buf[i];

		if (c <= 0x20 || c >= 0x7f || c == '/')
			return -EBADMSG;
		i++;
	}
	if (i == start)
		return -EBADMSG;
	return parse_copy(out, outsz, buf + start, i - start);
}
