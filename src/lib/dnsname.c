/* dnsname: checking host and domain names. See dnsname.h. */
#include "dnsname.h"

#include <errno.h>
#include <stdbool.h>

static bool label_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* One label s[0..n), n > 0. */
static int check_label(const char *s, size_t n)
{
	if (n > DNSNAME_LABEL_MAX)
		return -ENAMETOOLONG;
	if (s[0] == '-' || s[n - 1] == '-')
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!label_byte(s[i]))
			return -EINVAL;
	return 0;
}

int dnsname_check(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0)
		return -EINVAL;
	if (n > DNSNAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i <= n; i++) {
		int r;

		if (i < n && s[i] != '.')
			continue;
		if (i == start) /* an empty label: leading, trailing or doubled dot */
			return -EINVAL;
		r = check_label(s + start, i - start);
		if (r < 0)
			return r;
		start = i + 1;
	}
	return 0;
}

int dnsname_check_host(const char *s, size_t n)
{
	int r = dnsname_check(s, n);

	if (r == 0 && n > DNSNAME_HOST_MAX)
		return -ENAMETOOLONG;
	return r;
}
