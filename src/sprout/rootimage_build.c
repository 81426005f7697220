/* rootimage_build: `sprout image build|publish`. See rootimage_build.h. */
#include "rootimage_build.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "parse.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

const char *rootimage_tool(enum rootimage_fs fs)
{
	return fs == ROOTIMAGE_EROFS ? "mkfs.erofs" : "mksquashfs";
}

const char *rootimage_package(enum rootimage_fs fs)
{
	return fs == ROOTIMAGE_EROFS ? "erofs-utils" : "squashfs-tools";
}

/* The options, and why:
 * mksquashfs: -noappend (a fresh filesystem, never added to an old FILE), -mkfs-time and
 *   -all-time (every timestamp fixed; -reproducible is its default since 4.4 and says
 *   so), -comp zstd (decompresses fast at boot; the Debian kernel's squashfs has it),
 *   -no-progress -quiet (no bar in logs). Owners, modes and xattrs stay as in the tree.
 * mkfs.erofs: -T (every timestamp), -U (a fixed UUID instead of a random one), -zlz4hc
 *   (the best compressor erofs-utils 1.5 and the kernel's erofs share), --quiet. */
/* execvp wants char *const[]; the words are never written to */
static char *arg_word(const char *s)
{
	union {
		const char *c;
		char *m;
	} u = { .c = s };

	return u.m;
}

int rootimage_argv(enum rootimage_fs fs, const char *dir, const char *out, uint32_t epoch,
		   char **argv, char *buf, size_t bufsz)
{
	int n = 0;
	int len = snprintf(buf, bufsz, "%u", (unsigned)epoch);

	if (len < 0 || (size_t)len >= bufsz)
		return -ENAMETOOLONG;
#define ARG(s) (argv[n++] = arg_word(s))
	if (fs == ROOTIMAGE_EROFS) {
		/* -T# and -U take their value in the same word (getopt's optional form) */
		char *t = buf + len + 1;
		size_t left = bufsz - (size_t)len - 1;
		int l2 = snprintf(t, left, "-T%u", (unsigned)epoch);

		if (l2 < 0 || (size_t)l2 >= left)
			return -ENAMETOOLONG;
		ARG("mkfs.erofs");
		ARG("--quiet");
		ARG(t);
		ARG("-U00000000-0000-0000-0000-000000000000");
		ARG("-zlz4hc");
		ARG(out);
		ARG(dir);
	} else {
		ARG("mksquashfs");
		ARG(dir);
		ARG(out);
		ARG("-noappend");
		ARG("-reproducible");
		ARG("-mkfs-time");
		ARG(buf);
		ARG("-all-time");
		ARG(buf);
		ARG("-comp");
		ARG("zstd");
		ARG("-no-progress");
		ARG("-quiet");
	}
#undef ARG
	argv[n] = NULL;
	return n;
}

const char *rootimage_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int rootimage_sha256_line(const uint8_t digest[SHA256_LEN], const char *path, char *out, size_t outsz)
{
	char hex[SHA256_HEX_LEN];
	int n = snprintf(out, outsz, "%s  %s\n", sha256_hex(digest, hex), rootimage_base(path));

	return n < 0 || (size_t)n >= outsz ? -ENAMETOOLONG : n;
}

/* The directory part of path, without trailing slashes: "" for a bare name and for ".". */
static size_t dir_len(const char *path)
{
	const char *b = rootimage_base(path);
	size_t n = (size_t)(b - path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 1 && path[0] == '/')
		return 1;
	if (n > 0 && path[n - 1] == '/')
		n--;
	return n;
}

int rootimage_same_dir(const char *file, const char *link)
{
	size_t a = dir_len(file), b = dir_len(link);
	int dot_a = a == 0 || (a == 1 && file[0] == '.'), dot_b = b == 0 || (b == 1 && link[0] == '.');

	if (dot_a || dot_b)
		return dot_a && dot_b;
	return a == b && !memcmp(file, link, a);
}

/* --- build ----------------------------------------------------------------------------- */

/* The directory of path (".", "/" or its part before the last '/') into out. */
static int parent_of(const char *path, char *out, size_t outsz)
{
	size_t n = dir_len(path);

	if (n == 0)
		return snprintf(out, outsz, ".") >= (int)outsz ? -ENAMETOOLONG : 0;
	if (n >= outsz)
		return -ENAMETOOLONG;
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

/* Whether PATH has an executable called name. */
static int tool_found(const char *name)
{
	const char *p = getenv("PATH");
	char full[PATH_MAX];

	if (!p || !*p)
		p = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*p) {
		size_t n = strcspn(p, ":");

		if (n && snprintf(full, sizeof(full), "%.*s/%s", (int)n, p, name) < (int)sizeof(full) &&
		    access(full, X_OK) == 0)
			return 1;
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

/* Runs argv (no shell); its standard output goes to stderr, so a pipe of ours stays clean. */
static int run_tool(char **argv)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sprout: image: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* mksquashfs refuses SOURCE_DATE_EPOCH beside -all-time: the time is on its
		 * command line already */
		unsetenv("SOURCE_DATE_EPOCH");
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "sprout: image: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "sprout: image: waitpid: %s\n", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "sprout: image: %s was killed by signal %d\n", argv[0], WTERMSIG(status));
	else
		fprintf(stderr, "sprout: image: %s failed (exit status %d)\n", argv[0], WEXITSTATUS(status));
	return -1;
}

/* Hashes the file open at fd and syncs it to disk. */
static int hash_and_sync(int fd, uint8_t digest[SHA256_LEN])
{
	static uint8_t buf[1 << 20];
	struct sha256 c;

	sha256_init(&c);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		sha256_update(&c, buf, (size_t)n);
	}
	sha256_final(&c, digest);
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

/* Writes text as path through path.tmp, synced and renamed. */
static int write_small(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	return fileio_commit(fd, tmp, path, text, strlen(text));
}

static int epoch_from_env(uint32_t *out)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	unsigned t;

	*out = 0;
	if (!v || !*v)
		return 0;
	if (parse_uint(v, UINT32_MAX, &t) < 0) {
		fprintf(stderr, "sprout: image: SOURCE_DATE_EPOCH=%s: expected seconds since 1970 "
			"(0 to 4294967295)\n", v);
		return -1;
	}
	*out = t;
	return 0;
}

static int do_build(const char *dir, const char *out, enum rootimage_fs fs)
{
	char parent[PATH_MAX], tmp[PATH_MAX], sumpath[PATH_MAX], line[PATH_MAX + 80], buf[64];
	char *argv[ROOTIMAGE_ARGV_MAX];
	uint8_t digest[SHA256_LEN];
	struct stat st;
	uint32_t epoch;
	int fd, r;

	if (stat(dir, &st) < 0) {
		fprintf(stderr, "sprout: image build: %s: %s (expected the root tree to pack)\n", dir,
			strerror(errno));
		return EXIT_FAIL;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sprout: image build: %s: not a directory (expected the root tree to pack)\n",
			dir);
		return EXIT_FAIL;
	}
	if (parent_of(out, parent, sizeof(parent)) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= (int)sizeof(tmp) ||
	    snprintf(sumpath, sizeof(sumpath), "%s.sha256", out) >= (int)sizeof(sumpath)) {
		fprintf(stderr, "sprout: image build: %s: path too long\n", out);
		return EXIT_FAIL;
	}
	if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sprout: image build: %s: the directory %s %s\n", out, parent,
			errno == ENOENT ? "does not exist" : "is not a directory");
		return EXIT_FAIL;
	}
	if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
		fprintf(stderr, "sprout: image build: %s is a symlink (a published name?); build to a "
			"versioned name, e.g. root-v2.sqfs, and publish that with sprout image publish\n", out);
		return EXIT_FAIL;
	}
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sprout: image build: %s: is a directory (expected the image file to write)\n", out);
		return EXIT_FAIL;
	}
	if (!tool_found(rootimage_tool(fs))) {
		fprintf(stderr, "sprout: image build: %s not found in PATH (install the Debian package %s)\n",
			rootimage_tool(fs), rootimage_package(fs));
		return EXIT_FAIL;
	}
	if (epoch_from_env(&epoch) < 0)
		return EXIT_FAIL;
	if (rootimage_argv(fs, dir, tmp, epoch, argv, buf, sizeof(buf)) < 0)
		return EXIT_FAIL;
	unlink(tmp);
	if (run_tool(argv) < 0) {
		unlink(tmp);
		fprintf(stderr, "sprout: image build: %s not written\n", out);
		return EXIT_FAIL;
	}
	fd = open(tmp, O_RDONLY | O_CLOEXEC);
	r = fd < 0 ? -errno : hash_and_sync(fd, digest);
	if (fd >= 0)
		close(fd);
	/* a FILE.sha256 of an earlier build must never sit beside the new FILE */
	if (r == 0 && unlink(sumpath) < 0 && errno != ENOENT)
		r = -errno;
	if (r == 0 && rename(tmp, out) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		fprintf(stderr, "sprout: image build: %s: %s\n", out, strerror(-r));
		return EXIT_FAIL;
	}
	if (rootimage_sha256_line(digest, out, line, sizeof(line)) < 0 || (r = write_small(sumpath, line)) < 0) {
		fprintf(stderr, "sprout: image build: %s: %s\n", sumpath, strerror(r < 0 ? -r : ENAMETOOLONG));
		return EXIT_FAIL;
	}
	fileio_sync_dir(parent);
	fputs(line, stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

/* --- publish ----------------------------------------------------------------------------- */

/* Reads FILE.sha256 and checks FILE against it: publishing a file that is not complete, or
 * not the one its checksum names, is refused. */
static int verify(const char *file)
{
	char sumpath[PATH_MAX], text[256], hex[SHA256_HEX_LEN];
	uint8_t want[SHA256_LEN], got[SHA256_LEN];
	static uint8_t buf[1 << 20];
	struct sha256 c;
	ssize_t n;
	int fd;

	if (snprintf(sumpath, sizeof(sumpath), "%s.sha256", file) >= (int)sizeof(sumpath))
		return -1;
	fd = open(sumpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sprout: image publish: %s: %s (sprout image build writes it beside "
			"the image)\n", sumpath, strerror(errno));
		return -1;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0 || sha256_parse_hex(text, (size_t)n, want) < 0) {
		fprintf(stderr, "sprout: image publish: %s: expected a sha256sum line (64 hex digits, "
			"two spaces, the name)\n", sumpath);
		return -1;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sprout: image publish: %s: %s\n", file, strerror(errno));
		return -1;
	}
	sha256_init(&c);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "sprout: image publish: %s: %s\n", file, strerror(errno));
			close(fd);
			return -1;
		}
		sha256_update(&c, buf, (size_t)n);
	}
	close(fd);
	sha256_final(&c, got);
	if (memcmp(want, got, SHA256_LEN) != 0) {
		fprintf(stderr, "sprout: image publish: %s: its sha256 is %s, not the one %s gives; "
			"refusing to publish it\n", file, sha256_hex(got, hex), sumpath);
		return -1;
	}
	return 0;
}

/* Points link at target (a name in link's directory) by renaming a new symlink over it. */
static int swap_link(const char *target, const char *link)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", link, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (symlink(target, tmp) < 0)
		return -errno;
	if (rename(tmp, link) < 0) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

/* A published name is a symlink or nothing: a real file there is somebody's image. */
static int check_link(const char *link, char *old, size_t oldsz)
{
	struct stat st;
	ssize_t n;

	old[0] = '\0';
	if (lstat(link, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISLNK(st.st_mode)) {
		fprintf(stderr, "sprout: image publish: %s is not a symlink; refusing to replace it (move "
			"the image to a versioned name, e.g. root-v1.sqfs, and publish that)\n", link);
		return -1;
	}
	n = readlink(link, old, oldsz - 1);
	old[n < 0 ? 0 : n] = '\0';
	return 0;
}

static int do_publish(const char *file, const char *link)
{
	char sumlink[PATH_MAX], sumtarget[PATH_MAX], old[PATH_MAX], oldsum[PATH_MAX];
	const char *target = rootimage_base(file);
	struct stat st;
	int r;

	if (!rootimage_same_dir(file, link)) {
		fprintf(stderr, "sprout: image publish: %s and %s must be in the same directory (the "
			"link's target is the bare file name, which clients resolve beside it)\n", file, link);
		return EXIT_FAIL;
	}
	if (!strcmp(target, rootimage_base(link))) {
		fprintf(stderr, "sprout: image publish: %s: the image and its published name are the "
			"same file\n", file);
		return EXIT_FAIL;
	}
	if (stat(file, &st) < 0) {
		fprintf(stderr, "sprout: image publish: %s: %s\n", file, strerror(errno));
		return EXIT_FAIL;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "sprout: image publish: %s: not a regular file (expected an image "
			"sprout image build wrote)\n", file);
		return EXIT_FAIL;
	}
	if (snprintf(sumlink, sizeof(sumlink), "%s.sha256", link) >= (int)sizeof(sumlink) ||
	    snprintf(sumtarget, sizeof(sumtarget), "%s.sha256", target) >= (int)sizeof(sumtarget)) {
		fprintf(stderr, "sprout: image publish: %s: path too long\n", link);
		return EXIT_FAIL;
	}
	if (verify(file) < 0 || check_link(link, old, sizeof(old)) < 0 ||
	    check_link(sumlink, oldsum, sizeof(oldsum)) < 0)
		return EXIT_FAIL;
	/* the checksum's link first: a reader that opens the image after this sees either the
	 * old pair, a new checksum with the old image (a mismatch, so that copy is refused and
	 * tried again, never mounted), or the new pair */
	r = swap_link(sumtarget, sumlink);
	if (r == 0)
		r = swap_link(target, link);
	if (r < 0) {
		fprintf(stderr, "sprout: image publish: %s: %s\n", link, strerror(-r));
		return EXIT_FAIL;
	}
	{
		char parent[PATH_MAX];

		if (parent_of(link, parent, sizeof(parent)) == 0)
			fileio_sync_dir(parent);
	}
	if (old[0] && strcmp(old, target) != 0)
		printf("%s: %s -> %s (to roll back: sprout image publish %.*s%s --as %s)\n", link, old,
		       target, (int)(rootimage_base(link) - link), link, old, link);
	else
		printf("%s: %s\n", link, target);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

/* --- the command --------------------------------------------------------------------------- */

static const char usage_image[] =
	"usage: sprout image build DIR -o FILE [--squashfs|--erofs]\n"
	"       sprout image publish FILE --as LINK\n"
	"\n"
	"Root images for sprout.image= (a farm's root as one file, loop-mounted read-only\n"
	"under the RAM layer, over NFS, HTTP or a local disk).\n"
	"\n"
	"build: packs the root tree DIR into FILE with mksquashfs (the default; zstd) or\n"
	"  mkfs.erofs (--erofs; lz4hc), then writes FILE.sha256 (\"HEX  NAME\", as sha256sum\n"
	"  prints it) and prints that line. Reproducible: every timestamp is\n"
	"  SOURCE_DATE_EPOCH (default 0), the filesystem's time and UUID are fixed, owners\n"
	"  (numeric), modes and xattrs are kept as in DIR; two builds of the same tree are\n"
	"  byte-identical. Run it as root for a real root tree (files only root may read).\n"
	"  FILE is written as FILE.tmp, synced and renamed: never seen half-written. A\n"
	"  symlink FILE (a published name) is refused: build a versioned name, then publish.\n"
	"  -o, --output FILE   the image to write\n"
	"  --squashfs          squashfs (package squashfs-tools; the default)\n"
	"  --erofs             erofs (package erofs-utils)\n"
	"\n"
	"publish: makes LINK (e.g. root.sqfs, the name the machines' sprout.image= gives) a\n"
	"  symlink to FILE (e.g. root-v2.sqfs, in the same directory), and LINK.sha256 one to\n"
	"  FILE.sha256, each by renaming a new symlink over the old. FILE is checked against\n"
	"  FILE.sha256 first. Machines that boot later take FILE; running ones keep the image\n"
	"  they opened. Roll back by publishing the previous file again (the command prints\n"
	"  how). LINK must be a symlink or absent, never an image itself.\n";

int rootimage_cmd(int argc, char **argv)
{
	enum { OPT_SQUASHFS = 256, OPT_EROFS, OPT_AS, OPT_HELP };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "squashfs", no_argument, NULL, OPT_SQUASHFS },
		{ "erofs", no_argument, NULL, OPT_EROFS },  { "as", required_argument, NULL, OPT_AS },
		{ "help", no_argument, NULL, OPT_HELP },    { NULL, 0, NULL, 0 }
	};
	enum rootimage_fs fs = ROOTIMAGE_SQUASHFS;
	const char *out = NULL, *as = NULL, *sub;
	int opt, nfs = 0;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_image, stdout);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	}
	if (argc < 2 || (strcmp(argv[1], "build") != 0 && strcmp(argv[1], "publish") != 0)) {
		fprintf(stderr, "sprout: image: wants build or publish%s%s\n(see sprout image --help)\n",
			argc < 2 ? "" : ", not ", argc < 2 ? "" : argv[1]);
		return EXIT_USAGE;
	}
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case OPT_AS: as = optarg; break;
		case OPT_SQUASHFS: fs = ROOTIMAGE_SQUASHFS; nfs++; break;
		case OPT_EROFS: fs = ROOTIMAGE_EROFS; nfs++; break;
		case OPT_HELP:
			fputs(usage_image, stdout);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
		case ':':
			fprintf(stderr, "sprout: image %s: %s wants a value\n(see sprout image --help)\n", sub,
				argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "sprout: image %s: unknown option %s\n(see sprout image --help)\n", sub,
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "build")) {
		if (as || argc - optind != 1 || !out || nfs > 1) {
			fprintf(stderr, "sprout: image build: wants one DIR, -o FILE and at most one of "
				"--squashfs, --erofs\n(see sprout image --help)\n");
			return EXIT_USAGE;
		}
		return do_build(argv[optind], out, fs);
	}
	if (out || nfs || argc - optind != 1 || !as) {
		fprintf(stderr, "sprout: image publish: wants one FILE and --as LINK\n(see sprout image --help)\n");
		return EXIT_USAGE;
	}
	return do_publish(argv[optind], as);
}
