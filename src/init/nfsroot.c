/* nfsroot: the root over NFS. The kernel's text mount data does the work (no mount
 * helper): mount("SERVER:/path", "/sysroot", "nfs"|"nfs4", flags, "vers=..,addr=.."). */
#include "nfsroot.h"

#include <errno.h>
#include <fcntl.h>
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

#define NFS_TIMEOUT_DEFAULT_S 5

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
		int e;
		ssize_t k;
		struct timeval tv = { 0, 100000 };
		fd_set set;

		FD_ZERO(&set);
		FD_SET(pipefd[0], &set);
		if (select(pipefd[0] + 1, &set, NULL, NULL, &tv) > 0) {
			k = read(pipefd[0], &e, sizeof(e));
			rc = k == sizeof(e) ? -e : -EIO;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= (time_t)timeout_s)
			break;
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

static void record_server(uint32_t server)
{
	char a[IPCFG_IPV4_LEN];
	FILE *f = fopen(STATE_DIR "/nfs-server", "we");

	if (!f)
		return;
	fprintf(f, "%s\n", ipcfg_format_ipv4(server, a));
	fclose(f);
}

int nfsroot_mount(struct boot *b)
{
	static struct nfsspec s;
	static char data[NFSSPEC_MOUNT_DATA], src[NFSSPEC_MAX_PATH + 32], table[4096];
	char err[NFSSPEC_ERR_LEN], client[IPCFG_IPV4_LEN], a[IPCFG_IPV4_LEN];
	enum nfsspec_form form;
	const char *text = spec_text(b, &form);
	unsigned timeout = b->cfg.nfs_timeout_set ? b->cfg.nfs_timeout : NFS_TIMEOUT_DEFAULT_S;
	int order[NFSSPEC_MAX_SERVERS], rc = -EHOSTUNREACH;
	size_t off = 0;

	if (!b->net_up) {
		log_err("root: %s is an NFS root but the network is not up (ip=off?)", b->cfg.root);
		return -ENETDOWN;
	}
	ipcfg_format_ipv4(b->net_addr, client);
	if (nfsspec_parse(form, text, strlen(text), client, &s, err, sizeof(err)) < 0) {
		log_err("root: %s", err);
		return -EINVAL;
	}
	if (s.nservers == 0) {
		if (!b->net_server) {
			log_err("root: %s names no server, and neither ip= nor DHCP gave one", text);
			return -EINVAL;
		}
		s.servers[s.nservers++] = b->net_server;
	}
	rc = load_nfs(b, &s);
	if (rc < 0)
		return rc;
	if (b->cfg.nfs_select == NFS_SELECT_ORDER || s.nservers == 1)
		for (int i = 0; i < s.nservers; i++)
			order[i] = i;
	else
		rendezvous_rank(s.servers, s.nservers, b->net_mac, order);

	unsigned long flags = nfsspec_read_only(&s, b->cfg.rw == RW_RW) ? MS_RDONLY : 0;
	table[0] = '\0';
	for (int k = 0; k < s.nservers; k++) {
		uint32_t server = s.servers[order[k]];

		if (nfsspec_source(&s, server, src, sizeof(src)) < 0 ||
		    nfsspec_mount_options(&s, server, b->cfg.rw == RW_RW, data, sizeof(data)) < 0) {
			log_err("root: NFS source or options too long for %s", text);
			return -ENAMETOOLONG;
		}
		log_info("root: mounting %s (%s, %s) from server %d of %d", src, nfsspec_fstype(&s), data,
			 k + 1, s.nservers);
		rc = mount_with_timeout(src, nfsspec_fstype(&s), flags, data, timeout);
		if (rc == 0) {
			log_info("root: mounted %s on %s %s", src, SYSROOT, flags ? "read-only" : "read-write");
			record_server(server);
			snprintf(b->root_dev, sizeof(b->root_dev), "%s", src);
			snprintf(b->root_type, sizeof(b->root_type), "%s", nfsspec_fstype(&s));
			return 0;
		}
		int w = snprintf(table + off, sizeof(table) - off, "%s:%s  %s (%s)\n",
				 ipcfg_format_ipv4(server, a), s.path, mount_error(-rc), strerror(-rc));
		if (w > 0 && (size_t)w < sizeof(table) - off)
			off += (size_t)w;
		log_warn("root: NFS server %s: %s", a, mount_error(-rc));
	}
	log_err("root: no NFS server could give the root (%s, %s, %u s each); tried:", text,
		nfsspec_fstype(&s), timeout);
	for (char *save = NULL, *row = strtok_r(table, "\n", &save); row; row = strtok_r(NULL, "\n", &save))
		log_err("root:   %s", row);
	return rc;
}
