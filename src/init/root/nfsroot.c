/* nfsroot: the root over NFS. The kernel's text mount data does the work (no mount
 * helper): mount("SERVER:/path", "/sysroot", "nfs"|"nfs4", flags, "vers=..,addr=.."). */
#include "nfsroot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipcfg.h"
#include "log.h"
#include "nfsspec.h"
#include "rendezvous.h"

#define NFS_TIMEOUT_DEFAULT_S 5   /* per server: long enough for a loaded server, short for a dead one */
#define NFS_RETRY_DEFAULT_S 10    /* rounds over the list for this long before giving up */

bool nfsroot_wanted(const struct boot *b)
{
	const struct config *c = &b->cfg;

	if (nfsspec_is_nfs_root(c->root) || strcmp(c->root, "dhcp") == 0)
		return true;
	return !c->root[0] && (c->nfsroot[0] || (b->lease_set && b->lease.root_path[0]));
}

/* Which text says where the root is, and in which form. */
static const char *spec_text(const struct boot *b, enum nfsspec_form *form)
{
	const struct config *c = &b->cfg;

	if (!strncmp(c->root, "nfs:", 4) || !strncmp(c->root, "nfs4:", 5)) {
		*form = NFSSPEC_ROOT;
		return c->root;
	}
	if (c->nfsroot[0]) {
		*form = NFSSPEC_NFSROOT;
		return c->nfsroot;
	}
	if (b->lease_set && b->lease.root_path[0]) {
		*form = NFSSPEC_ROOTPATH;
		return b->lease.root_path;
	}
	*form = NFSSPEC_NFSROOT;
	return NFSSPEC_DEFAULT_ROOT; /* the kernel's default: /tftpboot/<client ip> */
}

static const char *mount_error(int err)
{
	switch (err) {
	case ENOENT: return "no such export on that server";
	case EACCES:
	case EPERM: return "refused by the server: no such export, or this client may not mount it";
	case ETIMEDOUT: return "no answer in time";
	case ECONNREFUSED: return "connection refused (no NFS server there)";
	case EHOSTUNREACH:
	case ENETUNREACH: return "server unreachable";
	case EPROTONOSUPPORT: return "that NFS version is not offered by the server";
	default: return strerror(err);
	}
}

/* Mounts in a child so a server that never answers costs timeout_s, not forever: the
 * child is killed (NFS mounts wait killably). Returns 0 or -errno. */
static int mount_with_timeout(const char *src, const char *type, unsigned long flags,
			      const char *data, unsigned timeout_s)
{
	int pipefd[2], rc = -ETIMEDOUT, status;
	struct timespec t0, now;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		int e = mount(src, SYSROOT, type, flags, data) < 0 ? errno : 0;

		if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		long left_ms;
		int e;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ms = (long)timeout_s * 1000 - ((now.tv_sec - t0.tv_sec) * 1000 +
						    (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left_ms <= 0)
			break;
		if (poll(&p, 1, (int)left_ms) > 0) {
			ssize_t k = read(pipefd[0], &e, sizeof(e));

			rc = k == sizeof(e) ? -e : -EIO;
			break;
		}
	}
	close(pipefd[0]);
	if (rc == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* a mount that completed just as we gave up is not left behind */
	if (rc == -ETIMEDOUT)
		umount2(SYSROOT, MNT_DETACH);
	return rc;
}

/* The NFS client modules: the kernel cannot ask for them itself (no modprobe here). */
static int load_nfs(struct boot *b, const struct nfsspec *s)
{
	const char *fsmod = s->vers == 4 ? "nfsv4" : "nfsv3";
	int rc = modload_module_for(&b->ml, fsmod, "NFS root");

	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (rc == -ENOENT && modload_alias(&b->ml, s->vers == 4 ? "fs-nfs4" : "fs-nfs") == -ENOENT) {
		log_err("root: no module in the image provides %s (NFSv%u); rebuild with --add-modules %s",
			fsmod, s->vers, fsmod);
		return -ENOENT;
	}
	return 0;
}

/* NFSv4 servers tell clients apart by an identity string the kernel builds from the
 * node name; diskless machines all boot as "(none)" and would steal each other's
 * state (the server then refuses them). Our MAC makes it unique, unless the user set
 * nfs.nfs4_unique_id= already. */
static void set_nfs4_identity(const struct boot *b)
{
	const char *path = "/sys/module/nfs/parameters/nfs4_unique_id";
	const uint8_t *m = b->net_mac;
	char cur[128] = "", id[64];
	int fd = open(path, O_RDWR | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return;
	k = read(fd, cur, sizeof(cur) - 1);
	if (k > 1) { /* "\n" alone means unset */
		close(fd);
		return;
	}
	k = snprintf(id, sizeof(id), "sprout-%02x%02x%02x%02x%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	if (pwrite(fd, id, (size_t)k, 0) != k)
		log_warn("root: cannot set the NFSv4 client identity (%s): %m", path);
	close(fd);
}

static void record_server(uint32_t server)
{
	char a[IPCFG_IPV4_LEN];
	FILE *f = fopen(STATE_DIR "/nfs-server", "we");

	if (!f)
		return;
	fprintf(f, "%s\n", ipcfg_format_ipv4(server, a));
	fclose(f);
}

struct attempt {
	struct nfsspec s;
	int order[NFSSPEC_MAX_SERVERS];
	unsigned long flags;
	unsigned timeout;
	char table[4096];          /* one row per failed try of the last round */
};

/* One pass over the ranked servers. 0 once one gave the root, else the last -errno. */
static int try_servers(struct boot *b, struct attempt *at)
{
	static char data[NFSSPEC_MOUNT_DATA], src[NFSSPEC_MAX_PATH + 32];
	const struct nfsspec *s = &at->s;
	char a[IPCFG_IPV4_LEN];
	size_t off = 0;
	int rc = -EHOSTUNREACH;

	at->table[0] = '\0';
	for (int k = 0; k < s->nservers; k++) {
		uint32_t server = s->servers[at->order[k]];

		if (nfsspec_source(s, server, src, sizeof(src)) < 0 ||
		    nfsspec_mount_options(s, server, b->cfg.rw == RW_RW, data, sizeof(data)) < 0) {
			log_err("root: NFS source or options too long for %s", s->path);
			return -ENAMETOOLONG;
		}
		log_info("root: mounting %s (%s, %s) from server %d of %d", src, nfsspec_fstype(s), data,
			 k + 1, s->nservers);
		rc = mount_with_timeout(src, nfsspec_fstype(s), at->flags, data, at->timeout);
		if (rc == 0) {
			log_info("root: mounted %s on %s %s", src, SYSROOT,
				 at->flags ? "read-only" : "read-write");
			record_server(server);
			snprintf(b->root_dev, sizeof(b->root_dev), "%s", src);
			snprintf(b->root_type, sizeof(b->root_type), "%s", nfsspec_fstype(s));
			return 0;
		}
		int w = snprintf(at->table + off, sizeof(at->table) - off, "%s:%s  %s (%s)\n",
				 ipcfg_format_ipv4(server, a), s->path, mount_error(-rc), strerror(-rc));
		if (w > 0 && (size_t)w < sizeof(at->table) - off)
			off += (size_t)w;
		log_warn("root: NFS server %s: %s", a, mount_error(-rc));
	}
	return rc;
}

/* Ranks the servers: rendezvous hashing with our MAC (a farm spreads evenly and a
 * machine keeps its server), or the written order. */
static void rank(const struct boot *b, struct attempt *at)
{
	char a[IPCFG_IPV4_LEN], line[512];
	size_t off = 0;

	if (b->cfg.nfs_select == NFS_SELECT_ORDER || at->s.nservers == 1)
		for (int i = 0; i < at->s.nservers; i++)
			at->order[i] = i;
	else
		rendezvous_rank(at->s.servers, at->s.nservers, b->net_mac, at->order);
	line[0] = '\0';
	for (int i = 0; i < at->s.nservers && off < sizeof(line); i++) {
		int w = snprintf(line + off, sizeof(line) - off, "%s%s", i ? " " : "",
				 ipcfg_format_ipv4(at->s.servers[at->order[i]], a));
		if (w < 0 || (size_t)w >= sizeof(line) - off)
			break;
		off += (size_t)w;
	}
	if (at->s.nservers > 1)
		log_info("root: NFS servers in the order this machine tries them (%s): %s",
			 b->cfg.nfs_select == NFS_SELECT_ORDER ? "as written" : "rendezvous hash", line);
}

int nfsroot_mount(struct boot *b)
{
	static struct attempt at;
	char err[NFSSPEC_ERR_LEN], client[IPCFG_IPV4_LEN];
	enum nfsspec_form form;
	const char *text = spec_text(b, &form);
	unsigned retry = b->cfg.rd_retry_set ? b->cfg.rd_retry : NFS_RETRY_DEFAULT_S;
	uint64_t start = timeline_now_ns();
	unsigned pause = 1;
	int rc;

	if (!b->net_up) {
		log_err("root: %s is an NFS root but the network is not up (ip=off?)", b->cfg.root);
		return -ENETDOWN;
	}
	ipcfg_format_ipv4(b->net_addr, client);
	if (nfsspec_parse(form, text, strlen(text), client, &at.s, err, sizeof(err)) < 0) {
		log_err("root: %s", err);
		return -EINVAL;
	}
	if (at.s.nservers == 0) {
		if (!b->net_server) {
			log_err("root: %s names no server, and neither ip= nor DHCP gave one", text);
			return -EINVAL;
		}
		at.s.servers[at.s.nservers++] = b->net_server;
	}
	if ((rc = load_nfs(b, &at.s)) < 0)
		return rc;
	set_nfs4_identity(b);
	rank(b, &at);
	at.flags = nfsspec_read_only(&at.s, b->cfg.rw == RW_RW) ? MS_RDONLY : 0;
	at.timeout = b->cfg.nfs_timeout_set ? b->cfg.nfs_timeout : NFS_TIMEOUT_DEFAULT_S;
	/* rounds over the whole list until rd.retry= seconds have gone, pausing 1, 2, 4... s */
	for (;;) {
		rc = try_servers(b, &at);
		if (rc == 0 || rc == -ENAMETOOLONG)
			return rc;
		uint64_t spent = (timeline_now_ns() - start) / 1000000000u;
		if (spent + pause > retry)
			break;
		log_warn("root: no NFS server answered; trying the list again in %u s (rd.retry=%u)", pause,
			 retry);
		sleep(pause);
		pause = pause < 16 ? pause * 2 : pause;
	}
	log_err("root: no NFS server could give the root (%s, %s, %u s each); last round:", text,
		nfsspec_fstype(&at.s), at.timeout);
	for (char *save = NULL, *row = strtok_r(at.table, "\n", &save); row; row = strtok_r(NULL, "\n", &save))
		log_err("root:   %s", row);
	return rc;
}
