/* rootowners: the owners of an NFS root, checked once it is mounted (rootowners.h). */
#include "rootowners.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfsowners.h"
#include "base/array.h"
#include "base/escape.h"
#include "base/inroot.h"
#include "log.h"

/* stat() of path inside rootfd, symlinks followed inside the root. */
static void look(int rootfd, struct nfsowners_file *f)
{
	struct stat st;
	int fd = inroot_open(rootfd, f->path, false);

	f->found = fd >= 0 && fstat(fd, &st) == 0;
	if (f->found) {
		f->uid = st.st_uid;
		f->gid = st.st_gid;
	}
	if (fd >= 0)
		close(fd);
}

static void say(enum nfsowners_verdict v, const struct nfsowners_file *f)
{
	char e[ESCAPE_SIZE(sizeof(((struct config *)0)->init))];
	const char *path = escape_str(f->path, e, sizeof(e)); /* init= comes from the command line */

	if (v == NFSOWNERS_UNMAPPED) {
		log_warn("root: over NFSv4 the root's %s shows as owned by %u:%u (nobody), not root: the "
			 "server sends owner names and nothing maps them here, so every file looks owned "
			 "by nobody", path, f->uid, f->gid);
		log_warn("root: this breaks setuid programs (mount, su, sudo, ping run as nobody and fail) "
			 "and with them systemd's API filesystem mounts; the boot goes on");
		log_warn("root: fix: numeric owners on the server (nfs-ganesha: `Only_Numeric_Owners = "
			 "true;` in its NFSv4 { } block; kernel nfsd sends them to sec=sys clients by "
			 "default), or an id mapper in the root (nfs-common's nfsidmap, with the server's "
			 "NFSv4 domain in /etc/idmapd.conf)");
		return;
	}
	log_warn("root: over NFSv4 the root's %s is owned by %u:%u, not root: setuid programs in it "
		 "will run as uid %u, not as root (was the tree copied without its owners, or does the "
		 "server squash every user?); the boot goes on", path, f->uid, f->gid, f->uid);
}

void rootowners_check(const struct boot *b, const char *root)
{
	static bool said; /* once per boot, however often the root is mounted again */
	struct nfsowners_file f[] = {
		{ .path = "/etc/passwd" },
		{ .path = b->cfg.init[0] ? b->cfg.init : "/sbin/init" },
	};
	unsigned vers = strcmp(b->root_type, "nfs4") == 0 ? 4 : 3;
	enum nfsowners_verdict v;
	size_t which;
	int rootfd;

	if (said || vers != 4)
		return;
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		look(rootfd, &f[i]);
	close(rootfd);
	v = nfsowners_judge(vers, f, ARRAY_SIZE(f), &which);
	if (v != NFSOWNERS_UNMAPPED && v != NFSOWNERS_NOT_ROOT)
		return;
	said = true;
	say(v, &f[which]);
}
