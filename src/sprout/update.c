/* update: rebuilding the images of installed kernels. See update.h. */
#include "update.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/monoclock.h"
#include "kver.h"

enum { UPDATE_OK = 0, UPDATE_FAIL = 1, UPDATE_USAGE = 2 };
#define UPDATE_MAX_KERNELS 256

static const char usage_update[] =
	"usage: sprout update [-k KVER|all] [-b BOOTDIR] [--root DIR] [--remove]\n"
	"\n"
	"Builds BOOTDIR/initrd.img-KVER for one installed kernel, or for each of them,\n"
	"with `sprout build` and the settings of /etc/sprout/sprout.conf (mode,\n"
	"compression, modules...). The kernel hooks run it when a kernel package is\n"
	"installed or removed.\n"
	"\n"
	"  -k KVER           the kernel release (default: the running kernel, uname -r)\n"
	"  -k all            every kernel that has both BOOTDIR/vmlinuz-KVER and\n"
	"                    ROOT/lib/modules/KVER/modules.dep\n"
	"  -b BOOTDIR        where the kernels and images are (default ROOT/boot)\n"
	"  --root DIR        a system mounted at DIR: its /boot, /lib/modules,\n"
	"                    /lib/firmware and /etc/sprout (default /, or $SPROUT_ROOT)\n"
	"  --remove          delete BOOTDIR/initrd.img-KVER instead (the kernel is gone)\n"
	"\n"
	"An image is replaced atomically: a failed build leaves the old one in place.\n"
	"Exit status 1 when any kernel failed (the others are still done).\n";

struct update_opts {
	const char *kver, *bootdir, *root;
	bool remove;
};

static int update_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "sprout: update: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see sprout update --help)\n");
	return UPDATE_USAGE;
}

static int check_kver(const char *kver, const char *what)
{
	char err[160], esc[ESCAPE_SIZE(80)];

	if (kver_check(kver, strlen(kver), err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "sprout: update: %s \"%s\": %s\n", what, escape_str(kver, esc, sizeof(esc)),
		err);
	return -EINVAL;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ROOT + rest, or rest when there is no root ("/" counts as none). */
static int rooted(char *out, size_t outsz, const char *root, const char *rest)
{
	bool none = !root || !*root || !strcmp(root, "/");

	if (snprintf(out, outsz, "%s%s", none ? "" : root, rest) >= (int)outsz) {
		fprintf(stderr, "sprout: update: path too long: %s%s\n", none ? "" : root, rest);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int kver_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* The kernels of -k all: BOOTDIR/vmlinuz-KVER with ROOT/lib/modules/KVER/modules.dep,
 * in version order. A vmlinuz without modules (or the other way round, modules left
 * behind by a removed kernel) is not a kernel to build for; it is noted. */
static int list_kernels(const struct update_opts *o, char ***out, size_t *n)
{
	DIR *d = opendir(o->bootdir);
	struct dirent *de;
	size_t cap = 0;
	char path[PATH_MAX], rest[PATH_MAX];
	int r = 0;

	*out = NULL;
	*n = 0;
	if (!d) {
		fprintf(stderr, "sprout: update: %s: %s\n", o->bootdir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d)) != NULL) {
		const char *kver;

		if (strncmp(de->d_name, "vmlinuz-", 8) != 0)
			continue;
		kver = de->d_name + 8;
		if (kver_check(kver, strlen(kver), NULL, 0) < 0)
			continue; /* e.g. vmlinuz-KVER.old or a backup: not a kernel release */
		snprintf(rest, sizeof(rest), "/lib/modules/%s/modules.dep", kver);
		if (rooted(path, sizeof(path), o->root, rest) < 0)
			continue;
		if (!is_file(path)) {
			fprintf(stderr, "sprout: update: note: %s/vmlinuz-%s has no %s; skipped\n",
				o->bootdir, kver, path);
			continue;
		}
		r = array_grow((void **)out, &cap, *n + 1, sizeof(**out), UPDATE_MAX_KERNELS);
		if (r < 0 || !((*out)[*n] = strdup(kver))) {
			r = r < 0 ? r : -ENOMEM;
			fprintf(stderr, "sprout: update: %s: %s\n", o->bootdir,
				r == -E2BIG ? "too many kernels" : strerror(-r));
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (r == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), kver_cmp);
	return r;
}

/* Runs this program's `sprout build` for one kernel; its messages go straight out. */
static int build_one(const struct update_opts *o, const char *kver, const char *image)
{
	char exe[PATH_MAX], moddir[PATH_MAX], fwdir[PATH_MAX], confdir[PATH_MAX], rest[PATH_MAX];
	const char *conf_env = getenv("SPROUT_CONFDIR");
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int status;
	pid_t pid;

	if (len <= 0) {
		fprintf(stderr, "sprout: update: cannot find this program (/proc/self/exe: %s; "
			"is /proc mounted?)\n", len < 0 ? strerror(errno) : "empty");
		return -1;
	}
	exe[len] = '\0';
	snprintf(rest, sizeof(rest), "/lib/modules/%s", kver);
	if (rooted(moddir, sizeof(moddir), o->root, rest) < 0 ||
	    rooted(fwdir, sizeof(fwdir), o->root, "/lib/firmware") < 0 ||
	    rooted(confdir, sizeof(confdir), o->root, "/etc/sprout") < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sprout: update: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char k[KVER_MAX + 1], out[PATH_MAX], a0[] = "sprout", a1[] = "build",
			a2[] = "--kver", a4[] = "--moddir", a6[] = "--firmware-dir", a8[] = "-o";
		char *argv[] = { a0, a1, a2, k, a4, moddir, a6, fwdir, a8, out, NULL };

		snprintf(k, sizeof(k), "%s", kver);
		snprintf(out, sizeof(out), "%s", image);

		if ((!conf_env || !*conf_env) && setenv("SPROUT_CONFDIR", confdir, 1) < 0)
			_exit(127);
		execv(exe, argv);
		fprintf(stderr, "sprout: update: %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "sprout: update: waitpid: %s\n", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "sprout: update: the build for %s was killed by signal %d\n", kver,
			WTERMSIG(status));
	return -1;
}

static int do_kernel(const struct update_opts *o, const char *kver)
{
	char image[PATH_MAX];
	uint64_t t0 = monoclock_ms();

	if (snprintf(image, sizeof(image), "%s/initrd.img-%s", o->bootdir, kver) >= (int)sizeof(image)) {
		fprintf(stderr, "sprout: update: %s/initrd.img-%s: path too long\n", o->bootdir, kver);
		return -1;
	}
	if (o->remove) {
		if (unlink(image) == 0) {
			printf("sprout: update: removed %s\n", image);
			return 0;
		}
		if (errno == ENOENT) {
			printf("sprout: update: no %s to remove\n", image);
			return 0;
		}
		fprintf(stderr, "sprout: update: cannot remove %s: %s\n", image, strerror(errno));
		return -1;
	}
	printf("sprout: update: building %s\n", image);
	if (build_one(o, kver, image) < 0) {
		fprintf(stderr, "sprout: update: %s not updated\n", image);
		return -1;
	}
	printf("sprout: update: %s done in %.1f s\n", image, (double)(monoclock_ms() - t0) / 1000.0);
	return 0;
}

static const struct option update_options[] = {
	{ "kver", required_argument, NULL, 'k' },
	{ "bootdir", required_argument, NULL, 'b' },
	{ "root", required_argument, NULL, 'r' },
	{ "remove", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_update_args(int argc, char **argv, struct update_opts *o)
{
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":k:b:h", update_options, NULL)) != -1) {
		switch (opt) {
		case 'k': o->kver = optarg; break;
		case 'b': o->bootdir = optarg; break;
		case 'r': o->root = optarg; break;
		case 'd': o->remove = true; break;
		case 'h': fputs(usage_update, stdout); return -1;
		case ':': return update_usage("%s needs a value", argv[optind - 1]);
		default: return update_usage("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return update_usage("unexpected argument \"%s\"", argv[optind]);
	return 0;
}

int cmd_update(int argc, char **argv)
{
	struct update_opts o = { 0 };
	char bootdir[PATH_MAX], **kernels = NULL;
	struct utsname un;
	size_t n = 0, failed = 0;
	int r = parse_update_args(argc, argv, &o);

	if (r)
		return r < 0 ? UPDATE_OK : r;
	if (!o.root) {
		o.root = getenv("SPROUT_ROOT");
		if (o.root && !*o.root)
			o.root = NULL;
	}
	if (o.root && o.root[0] != '/')
		return update_usage("--root %s: expected an absolute path", o.root);
	if (!o.bootdir) {
		if (rooted(bootdir, sizeof(bootdir), o.root, "/boot") < 0)
			return UPDATE_FAIL;
		o.bootdir = bootdir;
	}
	if (!o.kver) {
		if (uname(&un) < 0) {
			fprintf(stderr, "sprout: update: uname: %s\n", strerror(errno));
			return UPDATE_FAIL;
		}
		o.kver = un.release;
	}
	if (!strcmp(o.kver, "all")) {
		if (list_kernels(&o, &kernels, &n) < 0) {
			failed = 1;
		} else if (n == 0) {
			printf("sprout: update: no kernel in %s (a vmlinuz-KVER with its modules); "
			       "nothing to do\n", o.bootdir);
		}
		for (size_t i = 0; i < n; i++)
			failed += do_kernel(&o, kernels[i]) < 0;
		for (size_t i = 0; i < n; i++)
			free(kernels[i]);
		free(kernels);
		return failed ? UPDATE_FAIL : UPDATE_OK;
	}
	if (check_kver(o.kver, "-k") < 0)
		return UPDATE_USAGE;
	return do_kernel(&o, o.kver) < 0 ? UPDATE_FAIL : UPDATE_OK;
}
