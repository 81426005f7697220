/* kver: checking a kernel release before it names files. See kver.h. */
#include "kver.h"

#include <errno.h>
#include <string.h>

#include "base/errmsg.h"

static int allowed(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._+~-", c) != NULL);
}

int kver_check(const char *s, size_t len, char *err, size_t errsz)
{
	if (err && errsz)
		err[0] = '\0';
	if (len == 0)
		return errmsg(err, errsz, -EINVAL, "empty kernel release (expected e.g. "
			      "6.1.0-28-amd64, as `uname -r` prints)");
	if (len > KVER_MAX)
		return errmsg(err, errsz, -EINVAL, "kernel release of %zu bytes (at most %d)",
			      len, KVER_MAX);
	if (s[0] == '.' || s[0] == '-')
		return errmsg(err, errsz, -EINVAL, "kernel release starts with '%c' (expected "
			      "a letter or digit first)", s[0]);
	for (size_t i = 0; i < len; i++)
		if (!allowed((unsigned char)s[i]))
			return errmsg(err, errsz, -EINVAL, "kernel release byte %zu is "
				      "0x%02x (expected letters, digits and . _ + ~ -)", i + 1,
				      (unsigned char)s[i]);
	return 0;
}
