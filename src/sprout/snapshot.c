/* snapshot: walks a dev directory for `sprout devices snapshot`. */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/readfile.h"
#include "devrules.h"
#include "devsnap.h"

#define SNAP_MAX_DEPTH 8
#define SNAP_IDFILE_MAX (4 << 20)

struct snap {
	const struct snapshot_opts *o;
	struct devrules rules;
	struct devsnap_ids ids;
	FILE *out, *err;
	dev_t top;  /* the dev directory's filesystem: devpts, mqueue... below are skipped */
	unsigned bad;
};

static void on_bad(unsigned line, const char *why, void *ctx)
{
	struct snap *s = ctx;
	char esc[ESCAPE_SIZE(128)];

	fprintf(s->err, "sprout devices snapshot: %s line %u: expected %s; line skipped\n",
		escape_str(s->o->rules, esc, sizeof(esc)), line, why);
}

static void subsystem_of(const struct snap *s, bool block, unsigned ma, unsigned mi, char *out,
			 size_t size)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/dev/%s/%u:%u/subsystem", s->o->sysfs,
		 block ? "block" : "char", ma, mi);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		const char *b = strrchr(link, '/');
		b = b ? b + 1 : link;
		if (strlen(b) < size)
			memcpy(out, b, strlen(b) + 1);
	} else if (block) {
		snprintf(out, size, "block");
	}
}

static void node(struct snap *s, const char *rel, const struct stat *st)
{
	char sub[64], line[1024], esc[ESCAPE_SIZE(256)];
	struct devsnap_node n = { rel, sub, st->st_uid, st->st_gid, st->st_mode & 07777,
				  major(st->st_rdev), minor(st->st_rdev) };

	subsystem_of(s, S_ISBLK(st->st_mode), n.major, n.minor, sub, sizeof(sub));
	int r = devsnap_line(&s->rules, &s->ids, &n, line, sizeof(line));
	if (r > 0)
		fputs(line, s->out);
	else if (r < 0)
		fprintf(s->err, "sprout devices snapshot: %s: %s; skipped\n",
			escape_str(rel, esc, sizeof(esc)),
			r == -EINVAL ? "a name no rule can hold" : strerror(-r));
}

static void walk(struct snap *s, int dfd, const char *prefix, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		char rel[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != s->top)
			continue;
		if (snprintf(rel, sizeof(rel), "%s%s", prefix, de->d_name) >= (int)sizeof(rel))
			continue;
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			node(s, rel, &st);
		} else if (S_ISDIR(st.st_mode) && depth < SNAP_MAX_DEPTH) {
			size_t n = strlen(rel);
			if (n + 2 > sizeof(rel))
				continue;
			memcpy(rel + n, "/", 2);
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk(s, sub, rel, depth + 1);
		}
	}
	closedir(d);
}

static char *read_ids(const char *root, const char *name, size_t *len)
{
	char path[PATH_MAX];
	char *b = NULL;

	snprintf(path, sizeof(path), "%s/etc/%s", strcmp(root, "/") ? root : "", name);
	if (readfile_at(AT_FDCWD, path, SNAP_IDFILE_MAX, &b, len) < 0)
		return NULL;
	return b;
}

int snapshot_run(const struct snapshot_opts *opts, FILE *out, FILE *err)
{
	struct snapshot_opts o = *opts;
	struct snap s = { .o = &o, .out = out, .err = err };
	char *text = NULL, esc[ESCAPE_SIZE(128)];
	size_t len = 0;
	struct stat st;
	int r;

	o.dev = o.dev ? o.dev : "/dev";
	o.rules = o.rules ? o.rules : "/etc/sprout/devices.conf";
	o.root = o.root ? o.root : "/";
	o.sysfs = o.sysfs ? o.sysfs : "/sys";
	r = readfile_at(AT_FDCWD, o.rules, DEVRULES_MAX_FILE, &text, &len);
	if (r < 0 && r != -ENOENT) {
		fprintf(err, "sprout devices snapshot: %s: %s\n", escape_str(o.rules, esc, sizeof(esc)),
			strerror(-r));
		return r;
	}
	if (r == 0) {
		r = devrules_parse(text, len, &s.rules, on_bad, &s);
		free(text);
		if (r < 0) {
			fprintf(err, "sprout devices snapshot: %s: %s\n",
				escape_str(o.rules, esc, sizeof(esc)), strerror(-r));
			devrules_free(&s.rules);
			return r;
		}
	}
	char *pw = read_ids(o.root, "passwd", &s.ids.plen), *gr = read_ids(o.root, "group", &s.ids.glen);
	s.ids.passwd = pw;
	s.ids.group = gr;
	int dfd = open(o.dev, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0) {
		r = -errno;
		fprintf(err, "sprout devices snapshot: %s: %s\n", escape_str(o.dev, esc, sizeof(esc)),
			strerror(errno));
		if (dfd >= 0)
			close(dfd);
	} else {
		s.top = st.st_dev;
		walk(&s, dfd, "", 0);
		r = 0;
	}
	devrules_free(&s.rules);
	free(pw);
	free(gr);
	return r;
}
