/* uevent: the parser of kernel uevent messages. */
#include "uevent.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "base/array.h"
#include "parse.h"

static int keep(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		return -E2BIG;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/* Fields whose value is copied into ev, with a bit recording that it was seen. */
struct kept {
	const char *key;
	size_t off, size;
};

#define KEPT(k, f) { k, offsetof(struct uevent, f), sizeof(((struct uevent *)0)->f) }
static const struct kept kept_fields[] = {
	KEPT("SUBSYSTEM", subsystem),
	KEPT("MODALIAS", modalias),
	KEPT("DEVNAME", devname),
	KEPT("DEVTYPE", devtype),
};
#define NKEPT ARRAY_SIZE(kept_fields)

enum { SEEN_ACTION = 1u << NKEPT, SEEN_DEVPATH = SEEN_ACTION << 1, SEEN_MAJOR = SEEN_DEVPATH << 1,
       SEEN_MINOR = SEEN_MAJOR << 1 };

/* Same key twice is an error: a message with two MODALIAS= is not one the kernel sent. */
static int once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return -EBADMSG;
	*seen |= bit;
	return 0;
}

static int field(struct uevent *ev, const char *key, size_t klen, const char *v, size_t n,
		 unsigned *seen)
{
	for (size_t i = 0; i < NKEPT; i++) {
		const struct kept *k = &kept_fields[i];
		if (strlen(k->key) != klen || memcmp(k->key, key, klen) != 0)
			continue;
		if (once(seen, 1u << i) < 0)
			return -EBADMSG;
		return keep((char *)ev + k->off, k->size, v, n);
	}
#define IS(lit) (klen == sizeof(lit) - 1 && !memcmp(key, lit, klen))
	if (IS("ACTION")) {
		if (once(seen, SEEN_ACTION) < 0 || strlen(ev->action) != n || memcmp(ev->action, v, n) != 0)
			return -EBADMSG;
	} else if (IS("DEVPATH")) {
		if (once(seen, SEEN_DEVPATH) < 0 || strlen(ev->devpath) != n || memcmp(ev->devpath, v, n) != 0)
			return -EBADMSG;
	} else if (IS("MAJOR")) {
		/* v ends at the NUL that ends the field: a whole string */
		if (once(seen, SEEN_MAJOR) < 0 || parse_uint(v, 4095, &ev->major) < 0)
			return -EBADMSG;
	} else if (IS("MINOR")) {
		if (once(seen, SEEN_MINOR) < 0 || parse_uint(v, 1048575, &ev->minor) < 0)
			return -EBADMSG;
	}
#undef IS
	return 0;
}

static int header(struct uevent *ev, const char *h, size_t n)
{
	const char *at = memchr(h, '@', n);
	if (!at || at == h || (size_t)(at - h) + 1 >= n || at[1] != '/')
		return -EBADMSG;
	size_t alen = (size_t)(at - h);
	for (size_t i = 0; i < alen; i++)
		if (h[i] < 'a' || h[i] > 'z')
			return -EBADMSG;
	int r = keep(ev->action, sizeof(ev->action), h, alen);
	return r ? r : keep(ev->devpath, sizeof(ev->devpath), at + 1, n - alen - 1);
}

int uevent_parse(const char *buf, size_t len, struct uevent *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (len > UEVENT_MAX_MSG)
		return -E2BIG;
	if (!buf || len == 0)
		return -EBADMSG;
	unsigned seen = 0, nfields = 0;
	size_t pos = 0;
	int r = 0;
	while (pos < len && !r) {
		const char *s = buf + pos;
		const char *nul = memchr(s, '\0', len - pos);
		if (!nul || nul == s) {
			r = -EBADMSG;
			break;
		}
		size_t n = (size_t)(nul - s);
		pos += n + 1;
		if (s == buf) {
			r = header(ev, s, n);
			continue;
		}
		const char *eq = memchr(s, '=', n);
		if (++nfields > UEVENT_MAX_FIELDS)
			r = -E2BIG;
		else if (!eq || eq == s)
			r = -EBADMSG;
		else
			r = field(ev, s, (size_t)(eq - s), eq + 1, n - (size_t)(eq - s) - 1, &seen);
		if (!r) { /* fits: the fields are a part of a message of at most UEVENT_MAX_MSG */
			memcpy(ev->env + ev->envlen, s, n + 1);
			ev->envlen += n + 1;
		}
	}
	if (!r && ((seen & SEEN_MAJOR) != 0) != ((seen & SEEN_MINOR) != 0))
		r = -EBADMSG;
	if (r) {
		memset(ev, 0, sizeof(*ev));
		return r;
	}
	ev->has_devnum = (seen & SEEN_MAJOR) != 0;
	return 0;
}

const char *uevent_get(const struct uevent *ev, const char *key)
{
	size_t klen = strlen(key);

	for (size_t pos = 0; pos < ev->envlen;) {
		const char *f = ev->env + pos;
		size_t n = strlen(f);

		if (n > klen && f[klen] == '=' && !memcmp(f, key, klen))
			return f + klen + 1;
		pos += n + 1;
	}
	return NULL;
}
