/* devrules_apply: devices.conf rules applied to the nodes of /dev. */
#include "devrules_apply.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/readfile.h"
#include "log.h"
#include "run.h"

#define IDFILE_MAX (4 << 20) /* a passwd or group file larger than this is not read */

static void on_bad_line(unsigned line, const char *why, void *ctx)
{
	log_err("devices: %s line %u: expected %s; line skipped", (const char *)ctx, line, why);
}

int devrules_set_load(struct devrules_set *s, const char *path, const char *devdir, bool exec)
{
	char *buf = NULL, esc[ESCAPE_SIZE(128)];
	size_t len = 0;
	int r;

	memset(s, 0, sizeof(*s));
	s->devdir = devdir ? devdir : "/dev";
	s->exec = exec;
	path = path ? path : DEVRULES_CONF;
	escape_str(path, esc, sizeof(esc));
	r = readfile_at(AT_FDCWD, path, DEVRULES_MAX_FILE, &buf, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		log_err("devices: cannot read %s: %s; no device rules", esc,
			r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
		return 0;
	}
	r = devrules_parse(buf, len, &s->rules, on_bad_line, esc);
	free(buf);
	if (r < 0) {
		log_err("devices: %s: %s; no device rules", esc, strerror(-r));
		devrules_free(&s->rules);
		return 0;
	}
	log_info("devices: %d rule(s) from %s%s", r, esc,
		 exec ? " (commands run: sprout.devices.exec=1)" : "");
	return r;
}

static void read_idfile(const char *root, const char *name, char **buf, size_t *len)
{
	char path[PATH_MAX];

	free(*buf);
	*buf = NULL;
	*len = 0;
	if (snprintf(path, sizeof(path), "%s/etc/%s", strcmp(root, "/") ? root : "", name) >=
	    (int)sizeof(path))
		return;
	if (readfile_at(AT_FDCWD, path, IDFILE_MAX, buf, len) < 0)
		*buf = NULL;
}

void devrules_set_ids(struct devrules_set *s, const char *root, bool final)
{
	read_idfile(root, "passwd", &s->passwd, &s->plen);
	read_idfile(root, "group", &s->group, &s->glen);
	s->ids_final = final;
}

void devrules_set_free(struct devrules_set *s)
{
	devrules_free(&s->rules);
	free(s->passwd);
	free(s->group);
	s->passwd = s->group = NULL;
}

/* --- one rule on one node ------------------------------------------------------------- */

/* Creates the directories of path (relative to devdir) but its last component. */
static void make_parents(const char *devdir, const char *rel)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s/%s", devdir, rel);

	if (n < 0 || (size_t)n >= sizeof(p))
		return;
	for (char *c = p + strlen(devdir) + 1; (c = strchr(c, '/')); c++) {
		*c = '\0';
		mkdir(p, 0755);
		*c = '/';
	}
}

/* rule path → name under devdir: "dir/" keeps the device's own last component. */
static bool target_of(const char *rpath, const char *devname, char *out, size_t size)
{
	size_t n = strlen(rpath);
	const char *base = strrchr(devname, '/');
	int w = snprintf(out, size, "%s%s", rpath, n && rpath[n - 1] == '/' ? (base ? base + 1 : devname) : "");
	return w > 0 && (size_t)w < size;
}

static void set_owner_mode(struct devrules_set *s, const struct devrule *r, const char *node)
{
	unsigned uid, gid;
	bool have = passwd_resolve(s->passwd, s->plen, r->user, &uid) == 0 &&
		    passwd_resolve(s->group, s->glen, r->group, &gid) == 0;
	char esc[ESCAPE_SIZE(64)];

	if (!have) {
		if (s->ids_final)
			log_warn("devices: rule of line %u: no user %s or group %s in the root's "
				 "/etc/passwd, /etc/group; owner of %s left alone", r->line, r->user,
				 r->group, escape_str(node, esc, sizeof(esc)));
		else
			log_debug("devices: rule of line %u: %s:%s resolved later, against the root",
				  r->line, r->user, r->group);
	} else if (lchown(node, uid, gid) < 0) {
		log_warn("devices: chown %s %u:%u: %s", escape_str(node, esc, sizeof(esc)), uid, gid,
			 strerror(errno));
	}
	if (chmod(node, r->mode) < 0)
		log_warn("devices: chmod %s %04o: %s", escape_str(node, esc, sizeof(esc)),
			 (unsigned)r->mode, strerror(errno));
}

/* A symlink at link (under devdir) to the node devname, relative, so it is right under
 * /dev both in the initramfs and after the move into the root. */
static void make_link(struct devrules_set *s, const char *link, const char *devname)
{
	char lp[PATH_MAX], to[PATH_MAX], esc[ESCAPE_SIZE(64)];
	size_t o = 0;
	struct stat st;

	for (const char *c = link; (c = strchr(c, '/')); c++) {
		if (o + 3 >= sizeof(to))
			return;
		memcpy(to + o, "../", 3);
		o += 3;
	}
	if (snprintf(to + o, sizeof(to) - o, "%s", devname) >= (int)(sizeof(to) - o) ||
	    snprintf(lp, sizeof(lp), "%s/%s", s->devdir, link) >= (int)sizeof(lp))
		return;
	if (lstat(lp, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			log_warn("devices: %s exists and is not a link; not replaced",
				 escape_str(lp, esc, sizeof(esc)));
			return;
		}
		unlink(lp);
	}
	make_parents(s->devdir, link);
	if (symlink(to, lp) < 0)
		log_warn("devices: symlink %s: %s", escape_str(lp, esc, sizeof(esc)), strerror(errno));
}

/* Removes our symlink at link if it points at devname (a removed device). */
static void drop_link(struct devrules_set *s, const char *link)
{
	char lp[PATH_MAX];
	struct stat st;

	if (snprintf(lp, sizeof(lp), "%s/%s", s->devdir, link) < (int)sizeof(lp) &&
	    lstat(lp, &st) == 0 && S_ISLNK(st.st_mode) && stat(lp, &st) < 0)
		unlink(lp); /* dangling now that the node is gone */
}

static void run_cmd(struct devrules_set *s, const struct devrule *r, const struct uevent *ev,
		    const char *node)
{
	char buf[DEVRULES_MAX_LINE], out[512];
	const char *argv[DEVRULES_MAX_ARGS];
	char e_mdev[300], e_act[48], e_name[300], e_sub[80], e_path[UEVENT_MAX_VALUE + 8];
	const char *base = strrchr(node, '/');
	struct run_result res;

	if (!s->exec) {
		if (!s->exec_noted)
			log_info("devices: rule of line %u has a command; commands of rules run only "
				 "with sprout.devices.exec=1", r->line);
		s->exec_noted = true;
		return;
	}
	if (devrules_argv(r, buf, argv) <= 0)
		return;
	snprintf(e_mdev, sizeof(e_mdev), "MDEV=%s", base ? base + 1 : node);
	snprintf(e_act, sizeof(e_act), "ACTION=%s", ev->action);
	snprintf(e_name, sizeof(e_name), "DEVNAME=%s", ev->devname);
	snprintf(e_sub, sizeof(e_sub), "SUBSYSTEM=%s", ev->subsystem);
	snprintf(e_path, sizeof(e_path), "DEVPATH=%s", ev->devpath);
	const char *envp[] = { e_mdev, e_act, e_name, e_sub, e_path,
			       "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	struct run_opts o = { .envp = envp, .timeout_ms = DEVRULES_CMD_TIMEOUT_MS,
			      .out = out, .out_size = sizeof(out) };
	char esc[ESCAPE_SIZE(128)], eout[ESCAPE_SIZE(sizeof(out))];
	int rc = run_argv(argv, &o, &res);

	escape_str(argv[0], esc, sizeof(esc));
	if (rc < 0)
		log_warn("devices: rule of line %u: cannot run %s: %s", r->line, esc, strerror(-rc));
	else if (!run_succeeded(&res))
		log_warn("devices: rule of line %u: %s failed%s%s", r->line, esc,
			 res.out_len ? ": " : "", escape_str(out, eout, sizeof(eout)));
	else
		log_debug("devices: rule of line %u: ran %s for %s", r->line, esc, ev->devname);
}

/* Applies one matched rule to the device of an "add" event. */
static void apply_add(struct devrules_set *s, const struct devrule *r, const struct uevent *ev,
		      const char *rpath, bool run_cmds)
{
	char node[PATH_MAX], target[PATH_MAX], tnode[PATH_MAX], esc[ESCAPE_SIZE(64)];
	struct stat st;

	if (snprintf(node, sizeof(node), "%s/%s", s->devdir, ev->devname) >= (int)sizeof(node))
		return;
	if (r->node == DEVRULE_NONODE) {
		if (lstat(node, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
			unlink(node);
	} else {
		const char *at = node;
		if (r->node == DEVRULE_MOVE && target_of(rpath, ev->devname, target, sizeof(target)) &&
		    snprintf(tnode, sizeof(tnode), "%s/%s", s->devdir, target) < (int)sizeof(tnode)) {
			if (lstat(node, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
				make_parents(s->devdir, target);
				if (rename(node, tnode) < 0)
					log_warn("devices: move %s: %s", escape_str(node, esc, sizeof(esc)),
						 strerror(errno));
			}
			at = tnode;
		}
		if (lstat(at, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
			set_owner_mode(s, r, at);
			s->applied++;
		}
		if (r->node == DEVRULE_LINK && target_of(rpath, ev->devname, target, sizeof(target)) &&
		    strcmp(target, ev->devname) != 0)
			make_link(s, target, ev->devname);
	}
	if (run_cmds && devrules_cmd_runs(r, "add"))
		run_cmd(s, r, ev, node);
}

static void apply_remove(struct devrules_set *s, const struct devrule *r, const struct uevent *ev,
			 const char *rpath, bool run_cmds)
{
	char target[PATH_MAX], tnode[PATH_MAX];
	struct stat st;

	if (run_cmds && devrules_cmd_runs(r, "remove"))
		run_cmd(s, r, ev, ev->devname);
	if (!target_of(rpath, ev->devname, target, sizeof(target)))
		return;
	if (r->node == DEVRULE_LINK)
		drop_link(s, target);
	else if (r->node == DEVRULE_MOVE &&
		 snprintf(tnode, sizeof(tnode), "%s/%s", s->devdir, target) < (int)sizeof(tnode) &&
		 lstat(tnode, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) &&
		 st.st_rdev == makedev(ev->major, ev->minor))
		unlink(tnode); /* the kernel removes only the name it made */
}

void devrules_set_event(struct devrules_set *s, const struct uevent *ev, bool run_cmds)
{
	char rpath[DEVRULES_MAX_PATH];
	bool add = !strcmp(ev->action, "add"), rm = !strcmp(ev->action, "remove");

	if (!s->rules.n || !ev->devname[0] || (!add && !rm))
		return;
	for (ssize_t i = devrules_next(&s->rules, 0, ev, rpath); i >= 0;
	     i = devrules_next(&s->rules, (size_t)i + 1, ev, rpath)) {
		const struct devrule *r = &s->rules.rule[i];
		if (add)
			apply_add(s, r, ev, rpath, run_cmds);
		else
			apply_remove(s, r, ev, rpath, run_cmds);
		if (!r->cont)
			break;
	}
}

/* --- coldplug -------------------------------------------------------------------------- */

int devrules_sysfs_event(int dirfd, const char *action, const char *devpath,
			 const char *subsystem, struct uevent *ev)
{
	char *text = NULL, msg[UEVENT_MAX_MSG];
	size_t len = 0;
	int n, r = readfile_at(dirfd, "uevent", UEVENT_MAX_MSG / 2, &text, &len);

	if (r < 0)
		return r;
	n = snprintf(msg, sizeof(msg), "%s@%s", action, devpath);
	if (n < 0 || (size_t)n + 1 + len + 1 + strlen(subsystem) + 12 > sizeof(msg)) {
		free(text);
		return -E2BIG;
	}
	size_t o = (size_t)n + 1;
	for (size_t i = 0; i < len; i++) {
		msg[o] = text[i];
		if (msg[o] == '\n')
			msg[o] = '\0';
		o++;
	}
	if (len && text[len - 1] != '\n')
		msg[o++] = '\0';
	free(text);
	if (subsystem[0])
		o += (size_t)sprintf(msg + o, "SUBSYSTEM=%s", subsystem) + 1;
	return uevent_parse(msg, o, ev);
}

static void coldplug_one(struct devrules_set *s, int dfd, const char *name, bool run_cmds,
			 struct uevent *ev)
{
	char link[PATH_MAX], sub[PATH_MAX];
	ssize_t n = readlinkat(dfd, name, link, sizeof(link) - 1);
	const char *devpath = link;

	if (n <= 0)
		return;
	link[n] = '\0';
	while (!strncmp(devpath, "../", 3))
		devpath += 3;
	if (devpath > link)
		devpath--; /* the '/' before "devices/...": "/devices/..." */
	int d = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return;
	ssize_t m = readlinkat(d, "subsystem", sub, sizeof(sub) - 1);
	sub[m > 0 ? m : 0] = '\0';
	const char *sname = strrchr(sub, '/') ? strrchr(sub, '/') + 1 : sub;
	if (devrules_sysfs_event(d, "add", devpath, sname, ev) == 0)
		devrules_set_event(s, ev, run_cmds);
	close(d);
}

int devrules_set_coldplug(struct devrules_set *s, const char *sysfs, bool run_cmds)
{
	static const char *const kinds[] = { "block", "char" };
	int seen = 0;
	struct uevent *ev;

	if (!s->rules.n)
		return 0;
	ev = malloc(sizeof(*ev));
	if (!ev)
		return 0;
	s->applied = 0;
	for (size_t k = 0; k < 2; k++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/dev/%s", sysfs, kinds[k]);
		DIR *d = opendir(path);
		if (!d)
			continue;
		for (struct dirent *de; (de = readdir(d));) {
			if (de->d_name[0] == '.')
				continue;
			coldplug_one(s, dirfd(d), de->d_name, run_cmds, ev);
			seen++;
		}
		closedir(d);
	}
	free(ev);
	log_info("devices: rules applied to %u of %d device node(s)%s", s->applied, seen,
		 s->ids_final ? "" : " (names of users and groups from the image)");
	return seen;
}
