/* cmdline_storage: dracut's keys for storage stacks (LUKS, md RAID, LVM) and systemd's
 * fsck.mode= / fsck.repair=, checked and kept in struct config. Pure. See cmdline.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "base/hex.h"
#include "cmdline.h"
#include "parse.h"

#define WHY_VALUE 40 /* room for an escaped value in a message */

static int refuse(char *why, size_t n, int err, const char *key, const char *value,
		  const char *expected)
{
	char esc[WHY_VALUE];

	snprintf(why, n, "%s=%s: expected %s; ignored", key, escape_str(value, esc, sizeof(esc)),
		 expected);
	return err;
}

static const char *skip_luks_prefix(const char *s)
{
	return strncmp(s, "luks-", 5) == 0 ? s + 5 : s;
}

/* A UUID as dracut and mdadm write them: hex digits with '-' or ':' between, at least
 * one digit. */
static bool uuid_ok(const char *s, size_t n)
{
	bool digit = false;

	if (n == 0 || n > CMDLINE_UUID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (hex_value(s[i]) >= 0)
			digit = true;
		else if (s[i] != '-' && s[i] != ':')
			return false;
	}
	return digit;
}

/* Names device-mapper and LVM accept: letters, digits and + _ . - , not "." or "..",
 * not starting with '-'. */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CMDLINE_MAPPER_NAME_MAX || s[0] == '-')
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* Adds item[0..n) to the comma list (size bytes) unless it is there; -ENAMETOOLONG. */
static int list_add(char *list, size_t size, const char *item, size_t n, bool uuid)
{
	char one[CMDLINE_MAX_VALUE];
	size_t len = strlen(list);

	if (n >= sizeof(one))
		return -ENAMETOOLONG;
	memcpy(one, item, n);
	one[n] = '\0';
	if (uuid ? cmdline_uuid_list_has(list, one) : false)
		return 0;
	for (const char *p = list; !uuid && *p; p += *p == ',') {
		size_t k = strcspn(p, ",");

		if (k == n && !memcmp(p, one, n))
			return 0;
		p += k;
	}
	if (len + (len > 0) + n + 1 > size)
		return -ENAMETOOLONG;
	if (len)
		list[len++] = ',';
	memcpy(list + len, one, n + 1);
	return 0;
}

typedef bool (*item_ok_fn)(const char *s, size_t n);

/* A comma list of items into list: the whole word or nothing. */
static int add_items(char *list, size_t size, const char *value, item_ok_fn ok, bool uuid)
{
	char tmp[CMDLINE_MAX_VALUE];
	size_t len = strlen(list);

	if (len >= sizeof(tmp) || !value[0])
		return -EINVAL;
	memcpy(tmp, list, len + 1);
	for (const char *p = value; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");
		const char *item = p;

		p += n;
		if (uuid && n > 5 && !strncmp(item, "luks-", 5)) {
			item += 5;
			n -= 5;
		}
		if (n == 0)
			continue;
		if (!ok(item, n))
			return -EINVAL;
		if (list_add(tmp, size < sizeof(tmp) ? size : sizeof(tmp), item, n, uuid) < 0)
			return -ENAMETOOLONG;
	}
	memcpy(list, tmp, strlen(tmp) + 1);
	return 0;
}

static bool lv_ok(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);

	return slash && name_ok(s, (size_t)(slash - s)) &&
	       name_ok(slash + 1, n - (size_t)(slash - s) - 1);
}

/* rd.luks.name=UUID=NAME: kept as "UUID=NAME"; a later name for the same UUID wins. */
static int set_luks_name(struct config *cfg, const char *value)
{
	const char *eq = strchr(value, '=');
	char tmp[CMDLINE_MAX_VALUE], uuid[CMDLINE_UUID_MAX + 1];
	const char *u = skip_luks_prefix(value);
	size_t ulen = eq ? (size_t)(eq - u) : 0;
	size_t len = 0;

	if (!eq || eq < u || !uuid_ok(u, ulen) || !name_ok(eq + 1, strlen(eq + 1)))
		return -EINVAL;
	memcpy(uuid, u, ulen);
	uuid[ulen] = '\0';
	tmp[0] = '\0';
	/* the list without an earlier name for this UUID */
	for (const char *p = cfg->luks_name; *p; p += *p == ',') {
		size_t k = strcspn(p, ",");
		const char *e = memchr(p, '=', k);
		char old[CMDLINE_UUID_MAX + 1];

		if (e && (size_t)(e - p) <= CMDLINE_UUID_MAX) {
			memcpy(old, p, (size_t)(e - p));
			old[e - p] = '\0';
			if (!cmdline_uuid_equal(old, uuid))
				len += (size_t)snprintf(tmp + len, sizeof(tmp) - len, "%s%.*s",
							len ? "," : "", (int)k, p);
		}
		p += k;
	}
	if (len + 1 + ulen + 1 + strlen(eq + 1) + 1 > sizeof(cfg->luks_name))
		return -ENAMETOOLONG;
	for (size_t i = 0, items = 1; i < len; i++)
		if (tmp[i] == ',' && ++items >= CMDLINE_MAX_LUKS_NAMES)
			return -E2BIG;
	snprintf(tmp + len, sizeof(tmp) - len, "%s%s=%s", len ? "," : "", uuid, eq + 1);
	memcpy(cfg->luks_name, tmp, strlen(tmp) + 1);
	return 0;
}

static int set_luks_options(struct config *cfg, const char *value)
{
	bool discard = false;

	for (const char *p = value; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");

		if (n == 7 && !strncmp(p, "discard", 7))
			discard = true;
		else if (n)
			return -EINVAL;
		p += n;
	}
	if (!discard)
		return -EINVAL;
	cfg->luks_discard = true;
	return 0;
}

static int set_off(bool *off, const char *value)
{
	bool on;

	if (parse_bool(value, &on) < 0)
		return -EINVAL;
	*off = !on;
	return 0;
}

static int set_luks_key(struct config *cfg, const char *value)
{
	char path[CMDLINE_MAX_VALUE], dev[CMDLINE_MAX_VALUE];
	int r = cmdline_luks_key_split(value, path, sizeof(path), dev, sizeof(dev));

	if (r < 0)
		return r;
	return parse_copy(cfg->luks_key, sizeof(cfg->luks_key), value, strlen(value));
}

static const char *const fsck_modes[] = { "auto", "force", "skip" };
static const char *const fsck_repairs[] = { "preen", "yes", "no" };

/* value one of names[0..count): its index into *out, else -EINVAL. */
static int set_choice(const char *value, const char *const *names, unsigned count,
		      unsigned *out)
{
	for (unsigned i = 0; i < count; i++)
		if (!strcmp(value, names[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

static int set_fsck_mode(struct config *cfg, const char *value)
{
	unsigned i;
	int r = set_choice(value, fsck_modes, 3, &i);

	if (r == 0) {
		cfg->fsck_mode = (enum cmdline_fsck_mode)i;
		cfg->fsck_mode_set = true;
	}
	return r;
}

static int set_fsck_repair(struct config *cfg, const char *value)
{
	unsigned i;
	int r = set_choice(value, fsck_repairs, 3, &i);

	if (r == 0) {
		cfg->fsck_repair = (enum cmdline_fsck_repair)i;
		cfg->fsck_repair_set = true;
	}
	return r;
}

const char *cmdline_fsck_mode_name(enum cmdline_fsck_mode mode)
{
	return (unsigned)mode < 3 ? fsck_modes[mode] : "?";
}

const char *cmdline_fsck_repair_name(enum cmdline_fsck_repair repair)
{
	return (unsigned)repair < 3 ? fsck_repairs[repair] : "?";
}

int cmdline_storage_set(struct config *cfg, const char *key, const char *value, char *why,
			size_t n)
{
	const char *expected;
	int r;

	if (!strcmp(key, "rd.luks")) {
		r = set_off(&cfg->luks_off, value);
		expected = "0 or 1";
	} else if (!strcmp(key, "rd.md")) {
		r = set_off(&cfg->md_off, value);
		expected = "0 or 1";
	} else if (!strcmp(key, "rd.lvm")) {
		r = set_off(&cfg->lvm_off, value);
		expected = "0 or 1";
	} else if (!strcmp(key, "rd.luks.uuid")) {
		r = add_items(cfg->luks_uuid, sizeof(cfg->luks_uuid), value, uuid_ok, true);
		expected = "a comma list of LUKS UUIDs";
	} else if (!strcmp(key, "rd.luks.name")) {
		r = set_luks_name(cfg, value);
		expected = "UUID=NAME (NAME of letters, digits, + _ . -)";
	} else if (!strcmp(key, "rd.luks.key")) {
		r = set_luks_key(cfg, value);
		expected = "/PATH or /PATH:DEVICE";
	} else if (!strcmp(key, "rd.luks.options")) {
		r = set_luks_options(cfg, value);
		expected = "discard (the only option acted on)";
	} else if (!strcmp(key, "rd.md.uuid")) {
		r = add_items(cfg->md_uuid, sizeof(cfg->md_uuid), value, uuid_ok, true);
		expected = "a comma list of md array UUIDs";
	} else if (!strcmp(key, "rd.lvm.vg")) {
		r = add_items(cfg->lvm_vg, sizeof(cfg->lvm_vg), value, name_ok, false);
		expected = "a comma list of volume group names";
	} else if (!strcmp(key, "rd.lvm.lv")) {
		r = add_items(cfg->lvm_lv, sizeof(cfg->lvm_lv), value, lv_ok, false);
		expected = "a comma list of VG/LV";
	} else if (!strcmp(key, "fsck.mode")) {
		r = set_fsck_mode(cfg, value);
		expected = "auto, force or skip";
	} else if (!strcmp(key, "fsck.repair")) {
		r = set_fsck_repair(cfg, value);
		expected = "preen, yes or no";
	} else {
		return 0;
	}
	if (r == -E2BIG)
		return refuse(why, n, r, key, value, "at most 16 rd.luks.name= in all");
	if (r == -ENAMETOOLONG)
		return refuse(why, n, r, key, value, "a shorter list: all of them together are "
				  "limited to 1023 bytes");
	return r < 0 ? refuse(why, n, r, key, value, expected) : 1;
}

int cmdline_storage_flag(struct config *cfg, const char *key)
{
	if (!strcmp(key, "rd.luks"))
		cfg->luks_off = false;
	else if (!strcmp(key, "rd.md"))
		cfg->md_off = false;
	else if (!strcmp(key, "rd.lvm"))
		cfg->lvm_off = false;
	else
		return 0;
	return 1;
}

bool cmdline_storage_known(const char *key)
{
	static const char *const keys[] = {
		"rd.luks", "rd.luks.uuid", "rd.luks.name", "rd.luks.key", "rd.luks.options",
		"rd.md", "rd.md.uuid", "rd.lvm", "rd.lvm.vg", "rd.lvm.lv", "fsck.mode",
		"fsck.repair",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* The next hex digit of s[*i..n) in lower case, or -1 at the end. */
static int next_digit(const char *s, size_t n, size_t *i)
{
	while (*i < n) {
		int v = hex_value(s[(*i)++]);

		if (v >= 0)
			return v;
	}
	return -1;
}

static bool uuid_equal_n(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	bool any = false;

	if (an > 5 && !strncmp(a, "luks-", 5)) {
		a += 5;
		an -= 5;
	}
	if (bn > 5 && !strncmp(b, "luks-", 5)) {
		b += 5;
		bn -= 5;
	}
	for (;;) {
		int x = next_digit(a, an, &i), y = next_digit(b, bn, &j);

		if (x != y)
			return false;
		if (x < 0)
			return any;
		any = true;
	}
}

bool cmdline_uuid_equal(const char *a, const char *b)
{
	return uuid_equal_n(a, strlen(a), b, strlen(b));
}

bool cmdline_uuid_list_has(const char *list, const char *uuid)
{
	size_t un = strlen(uuid);

	for (const char *p = list; *p; p += *p == ',') {
		size_t k = strcspn(p, ",");

		if (uuid_equal_n(p, k, uuid, un))
			return true;
		p += k;
	}
	return false;
}

int cmdline_luks_name_for(const struct config *cfg, const char *uuid, char *out, size_t n)
{
	int r;

	for (const char *p = cfg->luks_name; *p; p += *p == ',') {
		size_t k = strcspn(p, ",");
		const char *eq = memchr(p, '=', k);

		if (eq && uuid_equal_n(p, (size_t)(eq - p), uuid, strlen(uuid))) {
			size_t len = k - (size_t)(eq + 1 - p);

			if (len >= n)
				return -ENAMETOOLONG;
			memcpy(out, eq + 1, len);
			out[len] = '\0';
			return 1;
		}
		p += k;
	}
	r = snprintf(out, n, "luks-%s", skip_luks_prefix(uuid));
	if (r < 0 || (size_t)r >= n) {
		if (n)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int cmdline_luks_key_split(const char *value, char *path, size_t psz, char *dev, size_t dsz)
{
	const char *colon = strchr(value, ':');
	size_t plen = colon ? (size_t)(colon - value) : strlen(value);
	const char *d = colon ? colon + 1 : "";

	if (plen < 2 || value[0] != '/' || (colon && !*d))
		return -EINVAL;
	if (plen >= psz || strlen(d) >= dsz)
		return -ENAMETOOLONG;
	memcpy(path, value, plen);
	path[plen] = '\0';
	memcpy(dev, d, strlen(d) + 1);
	return 0;
}

/* Is name[0..n) an item of the comma list? */
static bool list_has_n(const char *list, const char *name, size_t n)
{
	for (const char *p = list; *p; p += *p == ',') {
		size_t k = strcspn(p, ",");

		if (k == n && !memcmp(p, name, n))
			return true;
		p += k;
	}
	return false;
}

bool cmdline_lvm_wanted(const struct config *cfg, const char *vg, const char *lv)
{
	char full[2 * CMDLINE_MAPPER_NAME_MAX + 2];
	int k;

	if (!cfg->lvm_vg[0] && !cfg->lvm_lv[0])
		return true;
	if (list_has_n(cfg->lvm_vg, vg, strlen(vg)))
		return true;
	k = snprintf(full, sizeof(full), "%s/%s", vg, lv);
	return k > 0 && (size_t)k < sizeof(full) && list_has_n(cfg->lvm_lv, full, (size_t)k);
}
