/* wrapper_install: sprout-init in and out of a root's /sbin/init. */
#include "wrapper_install.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "base/inroot.h"
#include "base/writeall.h"
#include "base/readfile.h"
#include "fileio.h"
#include "initmode.h"

#define INIT_NAME "init"
#define REAL_NAME "init.real"
#define TMP_NAME ".init.sprout-new"

/* Does buf hold the mark of a sprout-init? This program must not hold the mark itself
 * (`--init sprout` would pass), so it keeps it reversed and turns it round here. */
static bool has_mark(const char *buf, size_t len)
{
	static const char reversed[] = "1v:repparw-tini:tini-tuorps";
	char mark[sizeof(reversed)];
	size_t n = sizeof(reversed) - 1;

	_Static_assert(sizeof(reversed) == sizeof(INITMODE_BINARY_MARK), "the mark, reversed");
	for (size_t i = 0; i < n; i++)
		mark[i] = reversed[n - 1 - i];
	mark[n] = '\0';
	return memmem(buf, len, mark, n) != NULL;
}

/* Is name in dirfd a regular file (not followed) that is a sprout-init? */
static bool is_sprout_init(int dirfd, const char *name)
{
	struct stat st;
	size_t len;
	char *buf;
	bool yes;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (readfile_at(dirfd, name, INITMODE_BINARY_MAX, &buf, &len) < 0)
		return false;
	yes = has_mark(buf, len);
	free(buf);
	return yes;
}

/* root's /sbin (resolved inside root) as a directory fd, or -errno after err. */
static int open_sbin(const char *root, char *err, size_t n)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int pfd, fd;

	if (rootfd < 0)
		return errmsg(err, n, -errno, "--root %s: %s", root, strerror(errno));
	pfd = inroot_open(rootfd, "/sbin", false);
	close(rootfd);
	if (pfd < 0)
		return errmsg(err, n, pfd, "%s/sbin: %s (is --root the top of a root tree?)", root,
			      strerror(-pfd));
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pfd);
	if (fd < 0)
		return errmsg(err, n, -errno, "%s/sbin: %s", root, strerror(errno));
	return fd;
}

static void describe(int dirfd, const char *name, char *what, size_t wsz)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t k;

	if (!what || !wsz)
		return;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(what, wsz, "?");
		return;
	}
	if (S_ISLNK(st.st_mode) && (k = readlinkat(dirfd, name, target, sizeof(target) - 1)) >= 0) {
		target[k] = '\0';
		snprintf(what, wsz, "a symlink to %s", target);
	} else {
		snprintf(what, wsz, "%s, %lld bytes", S_ISREG(st.st_mode) ? "a file" : "not a regular file",
			 (long long)st.st_size);
	}
}

/* The preconditions of install: init there and not ours, init.real absent. */
static int check_install(int sbin, const char *root, char *err, size_t n)
{
	struct stat st;

	if (fstatat(sbin, INIT_NAME, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errmsg(err, n, -errno, "%s/sbin/init: %s: there is no init to wrap", root,
			      strerror(errno));
	if (fstatat(sbin, REAL_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return errmsg(err, n, -EEXIST, "%s/sbin/init.real exists already: the wrapper is "
			      "installed (or a package put it there); nothing changed — see `sprout "
			      "wrapper uninstall`", root);
	if (errno != ENOENT)
		return errmsg(err, n, -errno, "%s/sbin/init.real: %s", root, strerror(errno));
	if (is_sprout_init(sbin, INIT_NAME))
		return errmsg(err, n, -EEXIST, "%s/sbin/init is a sprout-init already, with no "
			      "init.real beside it; nothing changed", root);
	return 0;
}

/* Writes the new init beside the old one: TMP_NAME, 0755, synced. */
static int write_new(int sbin, const char *buf, size_t len, const char *root, char *err, size_t n)
{
	int fd, r;

	unlinkat(sbin, TMP_NAME, 0); /* a leftover of an interrupted install */
	fd = openat(sbin, TMP_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0755);
	if (fd < 0)
		return errmsg(err, n, -errno, "%s/sbin/%s: %s", root, TMP_NAME, strerror(errno));
	r = write_all(fd, buf, len);
	if (r == 0 && fchmod(fd, 0755) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlinkat(sbin, TMP_NAME, 0);
		return errmsg(err, n, r, "writing %s/sbin/%s: %s", root, TMP_NAME, strerror(-r));
	}
	return 0;
}

/* The swap: init <-> TMP_NAME at once, then TMP_NAME -> init.real; /sbin/init is there
 * throughout. A filesystem without RENAME_EXCHANGE gets two plain renames (a moment
 * without /sbin/init). */
static int swap_in(int sbin, const char *root, char *err, size_t n)
{
	if (renameat2(sbin, TMP_NAME, sbin, INIT_NAME, RENAME_EXCHANGE) == 0) {
		if (renameat2(sbin, TMP_NAME, sbin, REAL_NAME, RENAME_NOREPLACE) == 0)
			return 0;
		int e = errno;

		if (renameat2(sbin, TMP_NAME, sbin, INIT_NAME, RENAME_EXCHANGE) == 0)
			unlinkat(sbin, TMP_NAME, 0);
		return errmsg(err, n, -e, "%s/sbin: moving the real init to init.real: %s; "
			      "nothing changed", root, strerror(e));
	}
	if (errno != EINVAL && errno != ENOSYS) {
		int e = errno;

		unlinkat(sbin, TMP_NAME, 0);
		return errmsg(err, n, -e, "%s/sbin: %s; nothing changed", root, strerror(e));
	}
	if (renameat2(sbin, INIT_NAME, sbin, REAL_NAME, RENAME_NOREPLACE) < 0) {
		int e = errno;

		unlinkat(sbin, TMP_NAME, 0);
		return errmsg(err, n, -e, "%s/sbin: moving init to init.real: %s; nothing changed",
			      root, strerror(e));
	}
	if (renameat(sbin, TMP_NAME, sbin, INIT_NAME) < 0) {
		int e = errno;

		renameat(sbin, REAL_NAME, sbin, INIT_NAME);
		unlinkat(sbin, TMP_NAME, 0);
		return errmsg(err, n, -e, "%s/sbin: %s; the real init is back as init", root,
			      strerror(e));
	}
	return 0;
}

int wrapper_install(const char *root, const char *init_bin, char *what, size_t wsz, char *err,
		    size_t n)
{
	char *buf = NULL;
	size_t len;
	int sbin, r;

	r = readfile_at(AT_FDCWD, init_bin, INITMODE_BINARY_MAX, &buf, &len);
	if (r < 0)
		return errmsg(err, n, r, "%s: %s", init_bin, strerror(-r));
	if (!has_mark(buf, len)) {
		free(buf);
		return errmsg(err, n, -EINVAL, "%s is not a sprout-init (it lacks the mark every "
			      "sprout-init holds)", init_bin);
	}
	sbin = open_sbin(root, err, n);
	if (sbin < 0) {
		free(buf);
		return sbin;
	}
	r = check_install(sbin, root, err, n);
	if (r == 0)
		describe(sbin, INIT_NAME, what, wsz);
	if (r == 0)
		r = write_new(sbin, buf, len, root, err, n);
	if (r == 0)
		r = swap_in(sbin, root, err, n);
	free(buf);
	if (r == 0)
		fsync(sbin);
	close(sbin);
	return r;
}

int wrapper_uninstall(const char *root, char *err, size_t n)
{
	struct stat st;
	int sbin = open_sbin(root, err, n), r = 0;

	if (sbin < 0)
		return sbin;
	if (!is_sprout_init(sbin, INIT_NAME))
		r = errmsg(err, n, -EINVAL, "%s/sbin/init is not a sprout-init (was it replaced by "
			   "a package upgrade? then the wrapper is gone already: remove "
			   "%s/sbin/init.real if it is stale); nothing changed", root, root);
	else if (fstatat(sbin, REAL_NAME, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = errmsg(err, n, -errno, "%s/sbin/init.real: %s: no real init to put back; "
			   "nothing changed", root, strerror(errno));
	else if (renameat(sbin, REAL_NAME, sbin, INIT_NAME) < 0)
		r = errmsg(err, n, -errno, "%s/sbin: putting init.real back as init: %s", root,
			   strerror(errno));
	if (r == 0)
		fsync(sbin);
	close(sbin);
	return r;
}

static const char usage_wrapper[] =
	"usage: sprout wrapper install --root DIR [--init FILE]\n"
	"       sprout wrapper uninstall --root DIR\n"
	"\n"
	"install: DIR/sbin/init (a file or a symlink such as Debian's -> ../lib/systemd/systemd)\n"
	"moves to DIR/sbin/init.real and sprout-init takes its place; at boot it prepares the\n"
	"machine and runs /sbin/init.real (sprout.wrapper=off on the kernel command line skips\n"
	"it). --init FILE: the sprout-init to install (default: the one `sprout build` uses).\n"
	"uninstall: DIR/sbin/init.real goes back to DIR/sbin/init, exactly as it was.\n"
	"Both refuse, changing nothing, when the tree is not in the state they expect.\n"
	"--root / is this machine.\n";

int wrapper_cli(int argc, char **argv, char *(*find_init)(void))
{
	const char *root = NULL, *init = NULL, *cmd = argc > 1 ? argv[1] : "";
	char err[PATH_MAX + 256], what[PATH_MAX + 32] = "";
	char *found = NULL;
	int r;

	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_wrapper, stdout);
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		const char **slot = !strcmp(argv[i], "--root") ? &root : !strcmp(argv[i], "--init") ? &init : NULL;

		if (!slot || i + 1 >= argc || (slot == &init && strcmp(cmd, "install") != 0)) {
			fprintf(stderr, "sprout: wrapper: %s: %s\n(see sprout wrapper --help)\n",
				argv[i], slot ? "needs a value (or is only for install)" : "unknown option");
			return 2;
		}
		*slot = argv[++i];
	}
	if ((strcmp(cmd, "install") != 0 && strcmp(cmd, "uninstall") != 0) || !root) {
		fprintf(stderr, "sprout: wrapper: %s\n(see sprout wrapper --help)\n",
			strcmp(cmd, "install") != 0 && strcmp(cmd, "uninstall") != 0
				? "install or uninstall?"
				: "--root DIR is required (--root / for this machine)");
		return 2;
	}
	if (!strcmp(cmd, "uninstall")) {
		if (wrapper_uninstall(root, err, sizeof(err)) < 0) {
			fprintf(stderr, "sprout: wrapper uninstall: %s\n", err);
			return 1;
		}
		printf("sprout: %s/sbin/init is the real init again (sprout-init removed)\n", root);
		return 0;
	}
	if (!init && !(init = found = find_init()))
		return 1;
	r = wrapper_install(root, init, what, sizeof(what), err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "sprout: wrapper install: %s\n", err);
	else
		printf("sprout: %s/sbin/init is now sprout-init (%s); the real init (%s) is %s/sbin/"
		       "init.real\n", root, init, what, root);
	free(found);
	return r < 0 ? 1 : 0;
}
