/* shebang: a script's interpreter line. See shebang.h. */
#include "shebang.h"

#include <errno.h>
#include <string.h>

#include "parse.h"

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

int shebang_parse(const char *buf, size_t len, struct shebang *out)
{
	const char *end, *p, *q;
	size_t n;

	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	if (len > SHEBANG_MAX_LINE)
		len = SHEBANG_MAX_LINE;
	end = memchr(buf, '\n', len);
	if (!end)
		return -EBADMSG;
	for (p = buf + 2; p < end; p++)
		if ((unsigned char)*p < 0x20 && !blank(*p))
			return -EBADMSG; /* NUL, CR ... */
	p = buf + 2;
	while (p < end && blank(*p))
		p++;
	for (q = p; q < end && !blank(*q); q++)
		;
	if (q == p || *p != '/' || parse_copy(out->interp, sizeof(out->interp), p,
					      (size_t)(q - p)) < 0)
		return -EBADMSG;
	while (q < end && blank(*q))
		q++;
	n = (size_t)(end - q);
	while (n && blank(q[n - 1]))
		n--;
	if (parse_copy(out->arg, sizeof(out->arg), q, n) < 0)
		return -EBADMSG;
	return 1;
}
