/* hostresume: see hostresume.h. */
#include "hostresume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/readfile.h"
#include "cmdline.h"
#include "parse.h"
#include "procswaps.h"
#include "rootspec.h"
#include "swaphdr.h"

#define MAX_PROC_FILE 65536

struct ctx {
	const char *sysfs;
	bool live;
	struct procswap swaps[PROCSWAPS_MAX];
	int nswaps;
	struct hostresume *out;
};

static void note(struct hostresume *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct hostresume *h, const char *fmt, ...)
{
	size_t len = strlen(h->notes);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(h->notes + len, sizeof(h->notes) - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(h->notes) - len)
		h->notes[len] = '\0'; /* never a cut line */
}

/* A file of proc or sysfs, whole; NULL when missing or unreadable. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX], *buf;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    readfile_at(AT_FDCWD, path, MAX_PROC_FILE, &buf, len) < 0)
		return NULL;
	return buf;
}

/* The swap header at path (a device or, in tests, a file holding its first page). */
static int header(const char *path, struct swaphdr *h)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *buf;
	int fd, r = -EIO;

	memset(h, 0, sizeof(*h));
	if (page < SWAPHDR_MIN_PAGE || page > SWAPHDR_MAX_PAGE)
		return -EINVAL;
	buf = malloc((size_t)page);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (buf && fd >= 0 && pread(fd, buf, (size_t)page, 0) == (ssize_t)page)
		r = swaphdr_parse(buf, (size_t)page, (size_t)page, h);
	else if (fd < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}

/* The sysfs name of a swap area's path: a /dev path resolved as the root's is, else
 * (a test's fake tree) its last component when sysfs has it. */
static int swap_block(const struct ctx *c, const char *path, char *out, size_t outsz)
{
	const char *base = strrchr(path, '/');

	if (stack_block_name(c->sysfs, path, out, outsz) == 0)
		return 0;
	base = base ? base + 1 : path;
	if (!stack_is_block(c->sysfs, base) || strlen(base) >= outsz)
		return -ENOENT;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

/* The swaps entry of block device name, or -1. */
static int swap_of(const struct ctx *c, const char *name)
{
	char b[64];

	for (int i = 0; i < c->nswaps; i++)
		if (swap_block(c, c->swaps[i].path, b, sizeof(b)) == 0 && !strcmp(b, name))
			return i;
	return -1;
}

/* The block device with this device number (SYSFS/class/block/NAME/dev). */
static int by_devnum(const struct ctx *c, unsigned maj, unsigned min, char *out, size_t outsz)
{
	char path[PATH_MAX], want[32], *buf;
	struct dirent *de;
	int found = -ENOENT;
	size_t len;
	DIR *d;

	snprintf(want, sizeof(want), "%u:%u", maj, min);
	snprintf(path, sizeof(path), "%s/class/block", c->sysfs);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while (found < 0 && (de = readdir(d))) {
		char rel[NAME_MAX + 32];

		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "class/block/%s/dev", de->d_name);
		buf = slurp(c->sysfs, rel, &len);
		if (!buf)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, want) && strlen(de->d_name) < outsz) {
			memcpy(out, de->d_name, strlen(de->d_name) + 1);
			found = 0;
		}
		free(buf);
	}
	closedir(d);
	return found;
}

/* The device a resume= spec names: by number or path as sysfs shows it; by UUID or
 * LABEL among the active swap areas' headers; on the running system any tag through
 * udev's /dev/disk links. */
static int resolve(const struct ctx *c, const struct rootspec *rs, char *out, size_t outsz)
{
	static const char *const links[] = { [ROOT_UUID] = "by-uuid", [ROOT_LABEL] = "by-label",
					     [ROOT_PARTUUID] = "by-partuuid",
					     [ROOT_PARTLABEL] = "by-partlabel" };
	char path[PATH_MAX];

	if (rs->kind == ROOT_DEVNUM)
		return by_devnum(c, rs->major, rs->minor, out, outsz);
	if (rs->kind == ROOT_PATH)
		return stack_block_name(c->sysfs, rs->value, out, outsz);
	for (int i = 0; i < c->nswaps && (rs->kind == ROOT_UUID || rs->kind == ROOT_LABEL); i++) {
		struct swaphdr h;

		if (header(c->swaps[i].path, &h) == 0 && h.kind != SWAPHDR_NONE &&
		    rootspec_match(rs, rs->kind == ROOT_UUID ? h.uuid : h.label))
			return swap_block(c, c->swaps[i].path, out, outsz);
	}
	if (!c->live || rs->kind < ROOT_UUID || rs->kind > ROOT_PARTLABEL || strchr(rs->value, '/'))
		return -ENOENT;
	snprintf(path, sizeof(path), "/dev/disk/%s/%s", links[rs->kind], rs->value);
	return stack_block_name(c->sysfs, path, out, outsz);
}

/* 1 when the kernel's command line decided (a device in out->dev, or none to bake),
 * 0 when it says nothing about resume. */
static int from_cmdline(struct ctx *c, const char *proc)
{
	struct hostresume *h = c->out;
	char why[CMDLINE_RESUME_WHY], esc[ESCAPE_SIZE(64)];
	struct config *cfg;
	struct rootspec rs;
	size_t len;
	char *buf = slurp(proc, "cmdline", &len);
	int r;

	if (!buf)
		return 0;
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		free(buf);
		return -ENOMEM;
	}
	cmdline_init(cfg);
	cmdline_parse(cfg, buf, len);
	free(buf);
	r = cmdline_resume(cfg, &rs, why, sizeof(why));
	escape_str(cfg->resume, esc, sizeof(esc));
	if (r == CMDLINE_RESUME_SKIP)
		note(h, "note: this host boots with noresume: the image gets no resume=\n");
	else if (r < 0)
		note(h, "warning: this host's command line: %s; the image gets no resume=\n", why);
	else if (r == CMDLINE_RESUME_DEVICE && resolve(c, &rs, h->dev, sizeof(h->dev)) < 0)
		note(h, "warning: this host's resume=%s names no block device of %s (nor an "
		     "active swap area); the image gets no resume=\n", esc, c->sysfs);
	else if (r == CMDLINE_RESUME_DEVICE)
		h->source = "the running kernel's resume=";
	free(cfg);
	return r == CMDLINE_RESUME_NONE ? 0 : 1;
}

static int from_sys_power(struct ctx *c)
{
	unsigned maj, min;
	size_t len;
	char *buf = slurp(c->sysfs, "power/resume", &len);
	char *colon;
	int r = -ENOENT;

	if (!buf)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (parse_uint(buf, 4095, &maj) == 0 && parse_uint(colon + 1, 1048575, &min) == 0 &&
		    (maj || min))
			r = by_devnum(c, maj, min, c->out->dev, sizeof(c->out->dev));
	}
	free(buf);
	if (r == 0)
		c->out->source = "/sys/power/resume";
	return r == 0;
}

static void from_swaps(struct ctx *c)
{
	struct hostresume *h = c->out;
	char esc[ESCAPE_SIZE(64)];
	int best = -1;

	for (int i = 0; i < c->nswaps; i++) {
		const struct procswap *s = &c->swaps[i];

		escape_str(s->path, esc, sizeof(esc));
		if (strcmp(s->type, "partition") != 0) {
			note(h, "note: swap file %s left out: resuming from a swap file needs "
			     "resume=DEVICE resume_offset=N (give them with --cmdline)\n", esc);
			continue;
		}
		if (!strncmp(s->path, "/dev/zram", 9))
			continue; /* in RAM: no image survives there */
		if (best < 0 || s->size_kib > c->swaps[best].size_kib)
			best = i;
	}
	if (best >= 0 && swap_block(c, c->swaps[best].path, h->dev, sizeof(h->dev)) == 0)
		h->source = "the largest active swap area (/proc/swaps)";
}

/* The word for the image: resume=UUID= of the swap header, else a stable name. */
static void choose_word(struct ctx *c)
{
	struct hostresume *h = c->out;
	char path[PATH_MAX], esc[ESCAPE_SIZE(64)];
	int i = swap_of(c, h->dev);
	struct swaphdr sh;
	int r;

	if (i >= 0)
		snprintf(path, sizeof(path), "%s", c->swaps[i].path);
	else
		snprintf(path, sizeof(path), "/dev/%s", h->dev);
	r = (i >= 0 || c->live) ? header(path, &sh) : -ENOENT;
	if (r == 0 && sh.kind != SWAPHDR_NONE && sh.uuid[0]) {
		snprintf(h->word, sizeof(h->word), "resume=UUID=%s", sh.uuid);
		return;
	}
	escape_str(h->dev, esc, sizeof(esc));
	note(h, "warning: the resume device /dev/%s has %s: the image gets no resume= (give "
	     "one with --cmdline resume=...)\n", esc,
	     r < 0 ? "a swap header this build cannot read" : "no swap signature with a UUID");
}

int hostresume_plan(const char *sysfs, const char *proc, struct hostresume *out)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char msg[1024];
	size_t len;
	char *buf;
	int r;

	memset(out, 0, sizeof(*out));
	if (!c)
		return -ENOMEM;
	c->sysfs = sysfs;
	c->live = !strcmp(sysfs, "/sys");
	c->out = out;
	buf = slurp(proc, "swaps", &len);
	if (buf) {
		c->nswaps = procswaps_parse(buf, len, c->swaps, PROCSWAPS_MAX);
		if (c->nswaps < 0) {
			note(out, "warning: %s/swaps: %s; active swap areas not looked at\n", proc,
			     strerror(-c->nswaps));
			c->nswaps = 0;
		}
		free(buf);
	}
	r = from_cmdline(c, proc);
	if (r == 0)
		r = from_sys_power(c);
	if (r == 0)
		from_swaps(c);
	if (r < 0 || !out->dev[0]) {
		out->dev[0] = '\0';
		out->source = NULL;
		free(c);
		return r < 0 ? r : 0;
	}
	r = stack_detect_block(sysfs, out->dev, "resume device", &out->found, msg, sizeof(msg));
	if (r < 0) {
		note(out, "warning: %s; the image gets no resume= (it boots without resuming)\n", msg);
		memset(&out->found, 0, sizeof(out->found));
	} else {
		choose_word(c);
	}
	if (!out->word[0])
		memset(&out->found, 0, sizeof(out->found));
	free(c);
	return 0;
}
