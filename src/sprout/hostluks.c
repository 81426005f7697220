/* hostluks: see hostluks.h. */
#include "hostluks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "base/readfile.h"

#define DEFAULT_CRYPTTAB "/etc/crypttab"

static void addf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - len)
		buf[len] = '\0'; /* never a cut line */
}

/* "2a000000-0000-4000-8000-000000000001" from 32 hex digits. */
static void dashed(const char *hex, char *out)
{
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* What sprout-init's rd.luks.name= takes as a name. */
static bool mapper_name_ok(const char *name)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789+_.-";

	return name[0] != '-' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strspn(name, ok) == strlen(name);
}

static const struct crypttab_entry *match(const struct crypttab *t, const struct stack_luks *l)
{
	char uuid[33];

	for (size_t i = 0; i < t->n; i++)
		if (crypttab_source_uuid(&t->e[i], uuid, sizeof(uuid)) == 0 &&
		    !strcmp(uuid, l->uuid))
			return &t->e[i];
	/* by name only an entry whose source names no UUID: one naming another UUID is
	 * another device, whatever it is called */
	for (size_t i = 0; l->name[0] && i < t->n; i++)
		if (!strcmp(t->e[i].name, l->name) &&
		    crypttab_source_uuid(&t->e[i], uuid, sizeof(uuid)) < 0)
			return &t->e[i];
	return NULL;
}

static int load(const char *path, struct crypttab *t, char *err, size_t errsz)
{
	char msg[512];
	char *buf;
	size_t len;
	int r = readfile_at(AT_FDCWD, path, CRYPTTAB_MAX_TEXT, &buf, &len);

	t->n = 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return errmsg(err, errsz, r, "%s: %s", path, strerror(-r));
	r = crypttab_parse(buf, len, t, msg, sizeof(msg));
	free(buf);
	if (r < 0)
		return errmsg(err, errsz, r, "%s: %s", path, msg);
	return 0;
}

/* The key file of entry e: into the image when it is a readable regular file. */
static int plan_key(const struct crypttab_entry *e, struct hostluks *out, const char *what,
		    char *err, size_t errsz)
{
	char key[ESCAPE_SIZE(CRYPTTAB_PATH_MAX)], dev[ESCAPE_SIZE(CRYPTTAB_PATH_MAX)];
	struct stat st;
	int r = 0;

	escape_str(e->key, key, sizeof(key));
	if (e->key_dev[0]) {
		escape_str(e->key_dev, dev, sizeof(dev));
		addf(out->notes, sizeof(out->notes), "note: %s: the key file %s is read at boot "
		     "from %s (rd.luks.key=%s:%s); it is not put in the image\n", what, key, dev,
		     key, dev);
		if (!out->key[0])
			addf(out->words, sizeof(out->words), " rd.luks.key=%s:%s", e->key, e->key_dev);
		return 0;
	}
	if (strpbrk(e->key, "\"'\\") || strpbrk(e->key_dev, "\"'\\")) {
		addf(out->notes, sizeof(out->notes), "note: %s: key %s ignored: a quote or "
		     "backslash in it cannot be passed on the command line (the passphrase is "
		     "asked at boot)\n", what, key);
		return 0;
	}
	if (!strncmp(e->key, "/dev/", 5) || !strncmp(e->key, "/proc/", 6) ||
	    !strncmp(e->key, "/sys/", 5)) {
		addf(out->notes, sizeof(out->notes), "note: %s: key %s ignored: not a file "
		     "(the passphrase is asked at boot)\n", what, key);
		return 0;
	}
	if (stat(e->key, &st) < 0 || (S_ISREG(st.st_mode) && access(e->key, R_OK) < 0))
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	if (r < 0)
		return errmsg(err, errsz, r, "%s: key file %s: %s (expected a regular file "
			      "this user can read: run sprout build as root)", what, key,
			      r == -EINVAL ? "not a regular file" : strerror(-r));
	if (out->key[0]) {
		addf(out->notes, sizeof(out->notes), "note: %s: key file %s not used: the image "
		     "takes one rd.luks.key= and already has %s; its passphrase is asked at "
		     "boot\n", what, key, out->key);
		return 0;
	}
	memcpy(out->key, e->key, strlen(e->key) + 1);
	addf(out->words, sizeof(out->words), " rd.luks.key=%s", e->key);
	addf(out->notes, sizeof(out->notes), "warning: %s: the image now holds its key file "
	     "%s (mode 0600): whoever can read the image can unlock the disk; keep the image "
	     "readable by root only\n", what, key);
	if (st.st_mode & 077)
		addf(out->notes, sizeof(out->notes), "warning: the key file %s is readable by "
		     "others on this host (mode %04o)\n", key, (unsigned)(st.st_mode & 07777));
	return 0;
}

static int plan_one(const struct crypttab_entry *e, const struct stack_luks *l,
		    struct hostluks *out, unsigned *discard, char *err, size_t errsz)
{
	char what[ESCAPE_SIZE(CRYPTTAB_NAME_MAX) + 64], name[ESCAPE_SIZE(CRYPTTAB_NAME_MAX)];
	char ign[ESCAPE_SIZE(CRYPTTAB_OPTIONS_MAX)], uuid[37];

	dashed(l->uuid, uuid);
	escape_str(e->name, name, sizeof(name));
	snprintf(what, sizeof(what), "crypttab line %u (%s)", e->line, name);
	if (mapper_name_ok(e->name))
		addf(out->words, sizeof(out->words), " rd.luks.name=%s=%s", uuid, e->name);
	else
		addf(out->notes, sizeof(out->notes), "note: %s: the name cannot be passed to "
		     "sprout-init (rd.luks.name= takes letters, digits, '+', '_', '.' and '-', not "
		     "first): the image opens it as luks-%s\n", what, uuid);
	if (e->flags & CRYPTTAB_DISCARD)
		discard[0]++;
	else
		discard[1]++;
	if (e->ignored[0])
		addf(out->notes, sizeof(out->notes), "note: %s: options %s ignored: sprout-init "
		     "does not act on them\n", what, escape_str(e->ignored, ign, sizeof(ign)));
	if (e->flags & CRYPTTAB_KEYSCRIPT) {
		addf(out->notes, sizeof(out->notes), "note: %s: keyscript=%s ignored: sprout-init "
		     "never runs scripts; the passphrase is asked on the console\n", what,
		     escape_str(e->keyscript, ign, sizeof(ign)));
		return 0;
	}
	return e->key[0] ? plan_key(e, out, what, err, errsz) : 0;
}

int hostluks_plan(const char *crypttab, const struct stack_found *found, struct hostluks *out,
		  char *err, size_t errsz)
{
	const char *path = crypttab ? crypttab : DEFAULT_CRYPTTAB;
	char file[ESCAPE_SIZE(128)], dm[ESCAPE_SIZE(128)], uuid[37];
	unsigned discard[2] = { 0, 0 };
	struct crypttab *t;
	int r;

	memset(out, 0, sizeof(*out));
	if (!found->n_luks)
		return 0;
	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	r = load(path, t, err, errsz);
	escape_str(path, file, sizeof(file));
	for (size_t i = 0; r == 0 && i < found->n_luks; i++) {
		const struct stack_luks *l = &found->luks[i];
		const struct crypttab_entry *e = match(t, l);

		if (e) {
			r = plan_one(e, l, out, discard, err, errsz);
			continue;
		}
		dashed(l->uuid, uuid);
		escape_str(l->name, dm, sizeof(dm));
		addf(out->notes, sizeof(out->notes), "note: the root's LUKS device %s (open as "
		     "%s) has no entry in %s: the image opens it as luks-%s, so an /etc/fstab "
		     "naming /dev/mapper/%s will not match\n", uuid, dm, file, uuid, dm);
	}
	free(t);
	if (r < 0)
		return r;
	if (discard[0])
		addf(out->words, sizeof(out->words), " rd.luks.options=discard");
	if (discard[0] && discard[1])
		addf(out->notes, sizeof(out->notes), "note: rd.luks.options=discard applies to "
		     "every LUKS device of the image, also the %u whose crypttab entry lacks "
		     "discard\n", discard[1]);
	if (out->words[0])
		memmove(out->words, out->words + 1, strlen(out->words));
	return 0;
}
