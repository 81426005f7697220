/* cmdline: the kernel command line split the kernel's way, then read into a config.
 *
 * Splitting follows linux lib/cmdline.c next_arg(): whitespace ends a word unless a
 * double quote is open; the quote characters are not part of the word; the first '='
 * splits key from value; an unterminated quote runs to the end of the buffer. One
 * difference: every quote is removed, not only those at the start of a word or
 * value, so key=a"b c" gives "ab c" where the kernel would keep the inner quotes.
 * Whitespace is the ASCII set (space, \t \n \v \f \r); the kernel's isspace() also
 * takes byte 0xA0, which we keep inside words so UTF-8 values stay whole. */
#include "cmdline.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "modindex.h"
#include "parse.h"
#include "size.h"

void cmdline_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rd_shell = true;
}

/* ---- phases ------------------------------------------------------------------------ */

static const char *const phase_names[] = {
	[PHASE_NONE] = "none",         [PHASE_EARLY] = "early",     [PHASE_CMDLINE] = "cmdline",
	[PHASE_DEVICES] = "devices",   [PHASE_STORAGE] = "storage", [PHASE_NETWORK] = "network",
	[PHASE_ROOT] = "root",         [PHASE_OVERLAY] = "overlay", [PHASE_HANDOVER] = "handover",
};

const char *cmdline_phase_name(enum cmdline_phase phase)
{
	if ((unsigned)phase >= ARRAY_SIZE(phase_names))
		return phase_names[PHASE_NONE];
	return phase_names[phase];
}

enum cmdline_phase cmdline_phase_from_name(const char *name)
{
	static const struct {
		const char *name;
		enum cmdline_phase phase;
	} aliases[] = {
		{ "pre-mount", PHASE_ROOT },
		{ "mount", PHASE_ROOT },
		{ "pre-pivot", PHASE_HANDOVER },
	};

	if (!name)
		return PHASE_NONE;
	for (unsigned p = PHASE_NONE + 1; p <= PHASE_HANDOVER; p++)
		if (!strcmp(name, phase_names[p]))
			return (enum cmdline_phase)p;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(name, aliases[i].name))
			return aliases[i].phase;
	return PHASE_NONE;
}

/* ---- splitting ----------------------------------------------------------------------- */

bool cmdline_next_word(const char *buf, size_t len, size_t *pos, size_t *start, size_t *end)
{
	size_t i = *pos;
	bool quoted = false;

	while (i < len && parse_is_space((unsigned char)buf[i]))
		i++;
	if (i == len)
		return false;
	*start = i;
	for (; i < len; i++) {
		if (!quoted && parse_is_space((unsigned char)buf[i]))
			break;
		if (buf[i] == '"')
			quoted = !quoted;
	}
	*end = i;
	*pos = i;
	return true;
}

/* Copies src[0..n) without its double quotes into dst[size]; -ENAMETOOLONG if the
 * result and its NUL do not fit. */
static int unquote(char *dst, size_t size, const char *src, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (src[i] == '"')
			continue;
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		dst[o++] = src[i];
	}
	dst[o] = '\0';
	return 0;
}

/* Fills *w from the raw word src[0..n), using key and value (CMDLINE_MAX_VALUE each)
 * as storage. */
static void split_word(struct cmdline_word *w, const char *src, size_t n, bool init_arg,
		       char *key, char *value)
{
	const char *eq = init_arg ? NULL : memchr(src, '=', n);
	size_t klen = eq ? (size_t)(eq - src) : n;

	*w = (struct cmdline_word){ .key = key, .init_arg = init_arg };
	if (unquote(key, CMDLINE_MAX_VALUE, src, klen) < 0) {
		key[0] = '\0';
		w->error = -ENAMETOOLONG;
		return;
	}
	if (!eq)
		return;
	if (unquote(value, CMDLINE_MAX_VALUE, eq + 1, n - klen - 1) < 0) {
		w->error = -ENAMETOOLONG;
		return;
	}
	w->value = value;
}

int cmdline_walk(const char *buf, size_t len, cmdline_fn fn, void *ctx)
{
	char key[CMDLINE_MAX_VALUE], value[CMDLINE_MAX_VALUE];
	const char *nul = len ? memchr(buf, '\0', len) : NULL;
	size_t pos = 0, start, end;
	bool after_dashes = false;
	int words = 0, r;

	if (nul)
		len = (size_t)(nul - buf);
	while (cmdline_next_word(buf, len, &pos, &start, &end)) {
		struct cmdline_word w;

		if (words == CMDLINE_MAX_WORDS) {
			w = (struct cmdline_word){ .key = "", .error = -E2BIG };
			r = fn(&w, ctx);
			return r < 0 ? r : words;
		}
		words++;
		split_word(&w, buf + start, end - start, after_dashes, key, value);
		if (!after_dashes && !w.error && !w.value && !strcmp(w.key, "--"))
			after_dashes = true;
		r = fn(&w, ctx);
		if (r < 0)
			return r;
	}
	return words;
}

/* ---- reading words into the config --------------------------------------------------- */

static void reject(struct config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Counts a rejected word; the first one is described. Messages are built from our own
 * key names and limits; a value from the command line goes in only escaped (esc()). */
static void reject(struct config *cfg, const char *fmt, ...)
{
	va_list ap;

	if (cfg->errors++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(cfg->first_error, sizeof(cfg->first_error), fmt, ap);
	va_end(ap);
}

static void set_string(struct config *cfg, const char *key, char *field, size_t size,
		       const char *value)
{
	if (parse_copy(field, size, value, strlen(value)) < 0)
		reject(cfg, "%s= is longer than %zu bytes; ignored", key, size - 1);
}

/* An escaped, shortened copy of an untrusted value for a message; buf is
 * ESC_SHORT bytes. */
#define ESC_SHORT 40
static const char *esc(const char *value, char *buf)
{
	return escape_str(value, buf, ESC_SHORT);
}

/* A number of seconds from min to CMDLINE_MAX_SECONDS: the most that still fits in
 * milliseconds in an int (poll() and the deadlines), so no consumer can wrap it. */
static void set_seconds(struct config *cfg, const char *key, unsigned min, unsigned *field,
			bool *set, const char *value)
{
	char buf[ESC_SHORT];
	unsigned v;
	int r = parse_uint(value, CMDLINE_MAX_SECONDS, &v);

	if (r == -ERANGE) {
		reject(cfg, "%s=%s is more than %u seconds, the longest wait there is; ignored", key,
		       esc(value, buf), (unsigned)CMDLINE_MAX_SECONDS);
		return;
	}
	if (r < 0 || v < min) {
		reject(cfg, "%s=%s is not a whole number of seconds from %u to %u; ignored", key,
		       esc(value, buf), min, (unsigned)CMDLINE_MAX_SECONDS);
		return;
	}
	*field = v;
	if (set)
		*set = true;
}

static void set_panic(struct config *cfg, const char *value)
{
	char buf[ESC_SHORT];

	if (parse_int(value, -(INT_MAX / 1000), INT_MAX / 1000, &cfg->panic) < 0) {
		reject(cfg, "panic=%s is not a whole number of seconds from %d to %d; ignored",
		       esc(value, buf), -(INT_MAX / 1000), INT_MAX / 1000);
		return;
	}
	cfg->panic_set = true;
}

static void set_break(struct config *cfg, const char *value)
{
	enum cmdline_phase p = cmdline_phase_from_name(value);

	if (p == PHASE_NONE) {
		reject(cfg, "rd.break= names no phase; use early cmdline devices storage network "
			    "root overlay handover (or pre-mount mount pre-pivot); ignored");
		return;
	}
	cfg->rd_break = p;
}

/* A later buffer's ip= replace an earlier buffer's; within one buffer they add up. */
static void set_ip(struct config *cfg, const char *value)
{
	if (cfg->ip_pass != cfg->parse_pass) {
		cfg->ip_count = 0;
		cfg->ip_pass = cfg->parse_pass;
	}
	if (cfg->ip_count >= CMDLINE_MAX_IP) {
		reject(cfg, "more than %d ip= given; the rest are ignored", CMDLINE_MAX_IP);
		return;
	}
	if (parse_copy(cfg->ip[cfg->ip_count], sizeof(cfg->ip[0]), value, strlen(value)) < 0) {
		reject(cfg, "ip= is longer than %d bytes; ignored", CMDLINE_MAX_VALUE - 1);
		return;
	}
	cfg->ip_count++;
}

static void set_bootif(struct config *cfg, const char *value)
{
	uint8_t mac[6];

	if (cmdline_bootif_mac(value, mac) < 0) {
		reject(cfg, "BOOTIF= is not a MAC address like 01-52-54-00-12-34-56; ignored");
		return;
	}
	set_string(cfg, "BOOTIF", cfg->bootif, sizeof(cfg->bootif), value);
}

#define MODULE_NAME_MAX MODINDEX_MAX_NAME /* one cap for module names: modindex.h */

/* Adds the names of a comma list to list (size bytes), each once, '-' written '_'. The
 * whole word is refused, leaving list as it was, if a name is not a module name or the
 * list would grow too long. */
static void add_modules(struct config *cfg, const char *key, char *list, size_t size,
			const char *value)
{
	char tmp[CMDLINE_MAX_VALUE], name[MODULE_NAME_MAX + 1];
	size_t len = strlen(list);

	memcpy(tmp, list, len + 1);
	for (const char *p = value; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");

		if (n > MODULE_NAME_MAX) {
			reject(cfg, "%s= names a module longer than %d bytes; ignored", key,
			       MODULE_NAME_MAX);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			char c = p[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-')) {
				reject(cfg, "%s= holds a name that is not a module name (letters, "
					    "digits, '_', '-'); ignored", key);
				return;
			}
			name[i] = (char)(c == '-' ? '_' : c);
		}
		name[n] = '\0';
		p += n;
		if (n == 0 || cmdline_list_has(tmp, name))
			continue;
		if (len + (len > 0) + n + 1 > size || len + (len > 0) + n + 1 > sizeof(tmp)) {
			reject(cfg, "%s= makes the list longer than %zu bytes; ignored", key, size - 1);
			return;
		}
		len += (size_t)snprintf(tmp + len, sizeof(tmp) - len, "%s%s", len ? "," : "", name);
	}
	memcpy(list, tmp, len + 1);
}

/* resume_offset=: where in the device the swap header is, in pages (a swap file). */
static void set_resume_offset(struct config *cfg, const char *value)
{
	char buf[ESC_SHORT];

	if (parse_u64(value, UINT64_MAX, &cfg->resume_offset) < 0) {
		reject(cfg, "resume_offset=%s is not a whole number of pages; ignored",
		       esc(value, buf));
		return;
	}
	cfg->resume_offset_set = true;
}

static bool set_kernel_value(struct config *cfg, const char *key, const char *value)
{
	if (!strcmp(key, "root"))
		set_string(cfg, key, cfg->root, sizeof(cfg->root), value);
	else if (!strcmp(key, "rootfstype"))
		set_string(cfg, key, cfg->rootfstype, sizeof(cfg->rootfstype), value);
	else if (!strcmp(key, "rootflags"))
		set_string(cfg, key, cfg->rootflags, sizeof(cfg->rootflags), value);
	else if (!strcmp(key, "init"))
		set_string(cfg, key, cfg->init, sizeof(cfg->init), value);
	else if (!strcmp(key, "rootdelay"))
		set_seconds(cfg, key, 0, &cfg->rootdelay, NULL, value);
	else if (!strcmp(key, "panic"))
		set_panic(cfg, value);
	else if (!strcmp(key, "ip"))
		set_ip(cfg, value);
	else if (!strcmp(key, "nfsroot"))
		set_string(cfg, key, cfg->nfsroot, sizeof(cfg->nfsroot), value);
	else if (!strcmp(key, "resume"))
		set_string(cfg, key, cfg->resume, sizeof(cfg->resume), value);
	else if (!strcmp(key, "resume_offset"))
		set_resume_offset(cfg, value);
	else if (!strcmp(key, "BOOTIF"))
		set_bootif(cfg, value);
	else
		return false;
	return true;
}

static bool set_dracut_value(struct config *cfg, const char *key, const char *value)
{
	char why[160];
	int r = cmdline_storage_set(cfg, key, value, why, sizeof(why));

	if (r < 0)
		reject(cfg, "%s", why);
	if (r != 0)
		return true;
	if (!strcmp(key, "rd.timeout"))
		set_seconds(cfg, key, 0, &cfg->rd_timeout, &cfg->rd_timeout_set, value);
	else if (!strcmp(key, "rd.retry"))
		set_seconds(cfg, key, 0, &cfg->rd_retry, &cfg->rd_retry_set, value);
	else if (!strcmp(key, "rd.break"))
		set_break(cfg, value);
	else if (!strcmp(key, "rd.shell")) {
		if (parse_bool(value, &cfg->rd_shell) < 0)
			reject(cfg, "rd.shell= is not 0 or 1; ignored");
	} else if (!strcmp(key, "rd.neednet")) {
		if (parse_bool(value, &cfg->rd_neednet) < 0)
			reject(cfg, "rd.neednet= is not 0 or 1; ignored");
	} else if (!strcmp(key, "rd.driver.blacklist"))
		add_modules(cfg, key, cfg->driver_blacklist, sizeof(cfg->driver_blacklist), value);
	else if (!strcmp(key, "rd.driver.pre"))
		add_modules(cfg, key, cfg->driver_pre, sizeof(cfg->driver_pre), value);
	else
		return false;
	return true;
}

static void set_nfs_select(struct config *cfg, const char *value)
{
	if (!strcmp(value, "hash"))
		cfg->nfs_select = NFS_SELECT_HASH;
	else if (!strcmp(value, "order"))
		cfg->nfs_select = NFS_SELECT_ORDER;
	else {
		reject(cfg, "sprout.nfs.select= is hash or order; ignored");
		return;
	}
	cfg->nfs_select_set = true;
}

/* sprout.init=PATH: an absolute path (it is exec'd by PID 1 before anything else could
 * say what a relative one meant). */
static void set_init_path(struct config *cfg, const char *value)
{
	if (value[0] != '/') {
		reject(cfg, "sprout.init= is not an absolute path; ignored");
		return;
	}
	set_string(cfg, "sprout.init", cfg->wrapper_init, sizeof(cfg->wrapper_init), value);
}

/* sprout.image.sha256=HEX: 64 hex digits, kept in lower case. */
static void set_image_sha256(struct config *cfg, const char *value)
{
	uint8_t d[SHA256_LEN];

	if (strlen(value) != 64 || sha256_parse_hex(value, 64, d) < 0) {
		reject(cfg, "sprout.image.sha256= is not 64 hex digits; ignored");
		return;
	}
	sha256_hex(d, cfg->image_sha256);
}

/* sprout.toram.min=SIZE: bytes (64M, 1G) or a share of RAM (10%), as size.h reads them. */
static void set_toram_min(struct config *cfg, const char *value)
{
	struct size_spec sz;
	char buf[ESC_SHORT];

	if (size_parse(value, strlen(value), &sz) < 0) {
		reject(cfg, "sprout.toram.min=%s is not a size like 128M, 1G or 10%%; ignored", esc(value, buf));
		return;
	}
	set_string(cfg, "sprout.toram.min", cfg->toram_min, sizeof(cfg->toram_min), value);
}

/* sprout.* keys, and the seed's AUFS= and INIT_DEBUG= kept for old boot entries. */
static bool set_sprout_value(struct config *cfg, const char *key, const char *value)
{
	bool on;

	if (!strcmp(key, "sprout.overlay"))
		set_string(cfg, key, cfg->overlay, sizeof(cfg->overlay), value);
	else if (!strcmp(key, "sprout.overlay.size"))
		set_string(cfg, key, cfg->overlay_size, sizeof(cfg->overlay_size), value);
	else if (!strcmp(key, "sprout.nfs.select"))
		set_nfs_select(cfg, value);
	else if (!strcmp(key, "sprout.nfs.timeout"))
		set_seconds(cfg, key, 1, &cfg->nfs_timeout, &cfg->nfs_timeout_set, value);
	else if (!strcmp(key, "sprout.image"))
		set_string(cfg, key, cfg->image, sizeof(cfg->image), value);
	else if (!strcmp(key, "sprout.image.sha256"))
		set_image_sha256(cfg, value);
	else if (!strcmp(key, "sprout.toram")) {
		if (parse_bool(value, &cfg->toram) < 0)
			reject(cfg, "sprout.toram= is not 0 or 1; ignored");
		else
			cfg->toram_set = true;
	} else if (!strcmp(key, "sprout.toram.min"))
		set_toram_min(cfg, value);
	else if (!strcmp(key, "sprout.resume.timeout"))
		set_seconds(cfg, key, 0, &cfg->resume_timeout, &cfg->resume_timeout_set, value);
	else if (!strcmp(key, "sprout.hook.timeout"))
		set_seconds(cfg, key, 0, &cfg->hook_timeout, &cfg->hook_timeout_set, value);
	else if (!strcmp(key, "sprout.init"))
		set_init_path(cfg, value);
	else if (!strcmp(key, "sprout.wrapper")) {
		if (parse_bool(value, &on) < 0) {
			reject(cfg, "sprout.wrapper= is on or off; ignored");
			return true;
		}
		cfg->wrapper_off = !on;
		cfg->wrapper_set = true;
	}
	else if (!strcmp(key, "sprout.devices.exec")) {
		if (parse_bool(value, &cfg->devices_exec) < 0)
			reject(cfg, "sprout.devices.exec= is not 0 or 1; ignored");
	} else if (!strcmp(key, "AUFS") || !strcmp(key, "INIT_DEBUG")) {
		if (parse_bool(value, &on) < 0) {
			reject(cfg, "%s= is not 0 or 1; ignored", key[0] == 'A' ? "AUFS" : "INIT_DEBUG");
			return true;
		}
		if (key[0] == 'A') {
			snprintf(cfg->overlay, sizeof(cfg->overlay), "%s", on ? "tmpfs" : "");
		} else {
			cfg->rd_debug = on;
			cfg->rd_shell = cfg->rd_shell || on;
		}
	} else
		return false;
	return true;
}

static void set_value(struct config *cfg, const char *key, const char *value)
{
	if (!set_kernel_value(cfg, key, value) && !set_dracut_value(cfg, key, value))
		set_sprout_value(cfg, key, value);
}

/* The kernel's own flags (ro, rw, rootwait, quiet) count only bare, as in the kernel. */
static void set_flag(struct config *cfg, const char *key)
{
	if (!strcmp(key, "ro"))
		cfg->rw = RW_RO;
	else if (!strcmp(key, "rw"))
		cfg->rw = RW_RW;
	else if (!strcmp(key, "rootwait"))
		cfg->rootwait = true;
	else if (!strcmp(key, "quiet"))
		cfg->quiet = true;
	else if (!strcmp(key, "rd.debug"))
		cfg->rd_debug = true;
	else if (!strcmp(key, "rd.shell"))
		cfg->rd_shell = true;
	else if (!strcmp(key, "rd.break"))
		cfg->rd_break = PHASE_HANDOVER;
	else if (!strcmp(key, "rd.neednet"))
		cfg->rd_neednet = true;
	else if (!strcmp(key, "noresume"))
		cfg->noresume = true;
	else if (!strcmp(key, "--"))
		cfg->init_argc = 0; /* a later "--" states the init arguments anew */
	else
		cmdline_storage_flag(cfg, key);
}

static bool known_key(const char *key)
{
	static const char *const keys[] = {
		"root", "rootfstype", "rootflags", "init", "rootdelay", "rd.timeout", "panic",
		"rd.break", "rd.shell", "ip", "nfsroot", "resume", "BOOTIF", "rd.retry",
		"rd.neednet", "rd.driver.blacklist", "rd.driver.pre", "sprout.overlay",
		"sprout.overlay.size", "sprout.nfs.select", "sprout.nfs.timeout", "AUFS",
		"sprout.init", "sprout.wrapper", "sprout.devices.exec", "INIT_DEBUG",
		"resume_offset", "sprout.resume.timeout", "sprout.hook.timeout", "sprout.image",
		"sprout.image.sha256", "sprout.toram", "sprout.toram.min",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return cmdline_storage_known(key);
}

static void add_init_arg(struct config *cfg, const struct cmdline_word *w)
{
	int n = cfg->init_argc;

	if (n >= CMDLINE_MAX_ARGS) {
		reject(cfg, "more than %d arguments for init after \"--\"; the rest are dropped",
		       CMDLINE_MAX_ARGS);
		return;
	}
	if (w->error || parse_copy(cfg->init_argv[n], sizeof(cfg->init_argv[n]), w->key,
				   strlen(w->key)) < 0) {
		reject(cfg, "init argument %d is longer than %d bytes; dropped", n + 1,
		       CMDLINE_MAX_INIT_ARG - 1);
		return;
	}
	cfg->init_argc = n + 1;
}

static int apply_word(const struct cmdline_word *w, void *ctx)
{
	struct config *cfg = ctx;

	if (w->error == -E2BIG)
		reject(cfg, "more than %d words on the command line; the rest are ignored",
		       CMDLINE_MAX_WORDS);
	else if (w->init_arg)
		add_init_arg(cfg, w);
	else if (w->error == -ENAMETOOLONG) {
		/* Only a key we use is worth a complaint; unknown keys are not ours. */
		if (known_key(w->key))
			reject(cfg, "%s= is longer than %d bytes; ignored", w->key,
			       CMDLINE_MAX_VALUE - 1);
	} else if (w->value)
		set_value(cfg, w->key, w->value);
	else
		set_flag(cfg, w->key);
	return 0;
}

int cmdline_parse(struct config *cfg, const char *buf, size_t len)
{
	cfg->parse_pass++;
	return cmdline_walk(buf, len, apply_word, cfg);
}

/* ---- helpers for the values ------------------------------------------------------- */

int cmdline_bootif_mac(const char *value, uint8_t mac[6])
{
	size_t len = strlen(value);
	uint8_t m[6];
	char sep;

	if (len == 20 && !strncmp(value, "01-", 3)) {
		value += 3;
		len -= 3;
	}
	if (len != 17)
		return -EINVAL;
	sep = value[2];
	if (sep != '-' && sep != ':')
		return -EINVAL;
	for (size_t i = 0; i < 6; i++) {
		int hi = hex_value(value[3 * i]), lo = hex_value(value[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && value[3 * i + 2] != sep))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

bool cmdline_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return false;
	for (const char *p = list; *p; p += *p == ',') {
		size_t k = strcspn(p, ",");
		size_t i = 0;

		for (; k == n && i < n; i++) {
			char a = (char)(p[i] == '-' ? '_' : p[i]);
			char b = (char)(name[i] == '-' ? '_' : name[i]);

			if (a != b)
				break;
		}
		if (k == n && i == n)
			return true;
		p += k;
	}
	return false;
}
