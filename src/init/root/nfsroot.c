/* nfsroot: the root over NFS. The kernel's text mount data does the work (no mount
 * helper): mount("SERVER:/path", "/sysroot", "nfs"|"nfs4", flags, "vers=..,addr=.."). */
#include "nfsroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "base/strbuf.h"
#include "ipcfg.h"
#include "log.h"
#include "nfsprobe.h"
#include "nfsspec.h"
#include "probe.h"
#include "rendezvous.h"
#include "rootowners.h"
#include "run.h"

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

struct mount_call {
	const char *src, *target, *type, *data;
	unsigned long flags;
};

/* In the child: the mount itself; its errno is the exit code. */
static int mount_child(void *arg)
{
	const struct mount_call *m = arg;

	return mount(m->src, m->target, m->type, m->flags, m->data) < 0 ? errno : 0;
}

/* Mounts in a child so a server that never answers costs timeout_ms, not forever:
 * the child is killed (NFS mounts wait killably), and one that does not die even of
 * SIGKILL is left to the reaper. Returns 0 or -errno. */
static int mount_with_timeout(const char *src, const char *target, const char *type,
			      unsigned long flags, const char *data, int timeout_ms)
{
	struct mount_call m = { .src = src, .target = target, .type = type, .data = data, .flags = flags };
	struct run_opts o = { .timeout_ms = timeout_ms, .grace_ms = 1000, .reap_ms = 2000 };
	struct run_result r;
	char how[160];
	int rc = run_func(mount_child, &m, &o, &r);

	if (rc < 0) {
		log_err("root: cannot start the mount of %s: %s", src, strerror(-rc));
		return rc;
	}
	if (r.timed_out) {
		if (r.stuck)
			log_warn("root: the mount of %s (process %d) %s", src, (int)r.pid,
				 run_describe(&r, how, sizeof(how)));
		/* a mount that completed just as we gave up is not left behind */
		umount2(target, MNT_DETACH);
		return -ETIMEDOUT;
	}
	if (r.exit_code < 0) {
		log_warn("root: the mount of %s %s", src, run_describe(&r, how, sizeof(how)));
		return -EIO;
	}
	return -r.exit_code;
}

/* The NFS client module of version vers (3 or 4): the kernel cannot ask for it itself (no
 * modprobe here). */
static int load_nfs(struct boot *b, unsigned vers)
{
	const char *fsmod = vers == 4 ? "nfsv4" : "nfsv3";
	int rc = modload_module_for(&b->ml, fsmod, "NFS root");

	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (rc == -ENOENT && modload_alias(&b->ml, vers == 4 ? "fs-nfs4" : "fs-nfs") == -ENOENT) {
		log_err("root: no module in the image provides %s (NFSv%u); rebuild with --add-modules %s",
			fsmod, vers, fsmod);
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
	int err[NFSSPEC_MAX_SERVERS];  /* the last round: the mount's -errno per server, 0 untried */
	bool tried[NFSSPEC_MAX_SERVERS];
	unsigned long flags;
	const char *target;            /* SYSROOT, or where a root image's export goes */
	unsigned timeout_s;
	int timeout_ms;
	unsigned want;                 /* nfsprobe_want: 3, 4, or 0 (negotiated) */
	struct probe_round probe;      /* every server asked at once, each round */
	struct nfsspec v;              /* s with the version of the mount being tried */
};

/* Mounts server i (its probe answered) in the version(s) to try: the one given, or 4.2 4.1
 * 4.0 (the next when the server refuses the minor version) or 3. 0 once it gave the root,
 * else the last -errno. */
static int try_server(struct boot *b, struct attempt *at, int i)
{
	static char data[NFSSPEC_MOUNT_DATA], src[NFSSPEC_MAX_PATH + 32];
	static char esrc[ESCAPE_SIZE(sizeof(src))], edata[ESCAPE_SIZE(sizeof(data))];
	struct nfsprobe_vers vers[3];
	const struct nfsspec *s = &at->v;
	uint32_t server = at->s.servers[i];
	int nv = nfsprobe_mount_versions(&at->s, at->probe.p[i].vers, vers), rank = 0;
	char a[IPCFG_IPV4_LEN];
	int rc = -EPROTONOSUPPORT;

	while (at->order[rank] != i)
		rank++;
	if (!at->s.vers_given && vers[0].vers == 3 && (rc = load_nfs(b, 3)) < 0)
		return rc;
	for (int k = 0; k < nv; k++) {
		at->v = at->s;
		at->v.vers = vers[k].vers;
		at->v.minor = vers[k].minor;
		if (nfsspec_source(s, server, src, sizeof(src)) < 0 ||
		    nfsspec_mount_options(s, server, b->cfg.rw == RW_RW, data, sizeof(data)) < 0) {
			log_err("root: NFS source or options too long for %s",
				escape_str(s->path, esrc, sizeof(esrc)));
			return -ENAMETOOLONG;
		}
		escape_str(src, esrc, sizeof(esrc));
		log_info("root: mounting %s (%s, %s) from server %d of %d", esrc, nfsspec_fstype(s),
			 escape_str(data, edata, sizeof(edata)), rank + 1, at->s.nservers);
		uint64_t t0 = timeline_now();

		rc = mount_with_timeout(src, at->target, nfsspec_fstype(s), at->flags, data, at->timeout_ms);
		timeline_event("server", ipcfg_format_ipv4(server, a), t0, rc == 0 ? "ok" : rc == -ETIMEDOUT ? "timeout" : "fail",
			       "proto", nfsspec_fstype(s), "path", s->path, "err", rc < 0 ? strerrorname_np(-rc) : NULL, TL_END);
		if (rc == 0) {
			log_info("root: mounted %s on %s %s", esrc, at->target,
				 at->flags ? "read-only" : "read-write");
			if (!at->s.vers_given)
				log_info("root: NFS version %s negotiated with %s",
					 s->minor >= 0 ? (const char *[]){ "4.0", "4.1", "4.2" }[s->minor % 3]
						       : s->vers == 4 ? "4" : "3", a);
			record_server(server);
			snprintf(b->root_dev, sizeof(b->root_dev), "%s", src);
			snprintf(b->root_type, sizeof(b->root_type), "%s", nfsspec_fstype(s));
			return 0;
		}
		log_warn("root: NFS server %s: %s", ipcfg_format_ipv4(server, a), mount_error(-rc));
		/* the server does not speak that minor version (or this kernel does not) */
		if (rc != -EPROTONOSUPPORT && rc != -EINVAL)
			break;
	}
	return rc;
}

/* One round: every server probed at once (probe.h); the best-ranked one that answers
 * within the grace window mounted, the next answering one when that mount fails. 0 once
 * one gave the root, else the last -errno. */
static int try_servers(struct boot *b, struct attempt *at)
{
	struct probe_round *pr = &at->probe;
	const struct nfsspec *s = &at->s;
	uint64_t deadline = monoclock_ms() + (uint64_t)at->timeout_ms;
	int rc = -EHOSTUNREACH, pick, wait;

	for (int i = 0; i < s->nservers; i++) {
		at->err[i] = 0;
		at->tried[i] = false;
	}
	probe_start(pr, s->servers, s->nservers, at->want, s->port_set, s->port,
		    s->proto == NFSSPEC_PROTO_UDP);
	for (;;) {
		uint64_t now = monoclock_ms();
		enum nfsprobe_choice c = nfsprobe_choose(pr->p, at->tried, at->order, s->nservers, now,
							 pr->first_answer_ms, NFSPROBE_GRACE_MS, &pick, &wait);

		if (c == NFSPROBE_NONE)
			break;
		if (c == NFSPROBE_WAIT) {
			if (now >= deadline) {
				probe_poll(pr, 0); /* what came while a mount was being tried */
				probe_expire(pr);
				continue;
			}
			if (wait < 0 || (uint64_t)wait > deadline - now)
				wait = (int)(deadline - now);
			probe_poll(pr, wait);
			continue;
		}
		probe_report_pending(pr);
		at->tried[pick] = true;
		rc = try_server(b, at, pick);
		if (rc == 0 || rc == -ENAMETOOLONG)
			break;
		at->err[pick] = rc;
	}
	probe_end(pr);
	return rc;
}

/* What the last round found, one line per server in the order they rank: the mount's
 * error, or what its probe saw. */
static void log_round(const struct attempt *at)
{
	static char epath[ESCAPE_SIZE(NFSSPEC_MAX_PATH)];
	char a[IPCFG_IPV4_LEN], text[NFSPROBE_TEXT_LEN];

	escape_str(at->s.path, epath, sizeof(epath));
	for (int k = 0; k < at->s.nservers; k++) {
		int i = at->order[k];

		ipcfg_format_ipv4(at->s.servers[i], a);
		if (at->err[i] < 0)
			log_err("root:   %s:%s  %s (%s)", a, epath, mount_error(-at->err[i]),
				strerror(-at->err[i]));
		else
			log_err("root:   %s:%s  %s", a, epath,
				nfsprobe_describe(&at->probe.p[i], text, sizeof(text)));
	}
}

/* Ranks the servers: rendezvous hashing with our MAC (a farm spreads evenly and a
 * machine keeps its server), or the written order. */
static void rank(const struct boot *b, struct attempt *at)
{
	char a[IPCFG_IPV4_LEN], line[NFSSPEC_MAX_SERVERS * IPCFG_IPV4_LEN + 1];
	struct strbuf sb;

	if (b->cfg.nfs_select == NFS_SELECT_ORDER || at->s.nservers == 1)
		for (int i = 0; i < at->s.nservers; i++)
			at->order[i] = i;
	else
		rendezvous_rank(at->s.servers, at->s.weights, at->s.nservers, b->net_mac, at->order);
	if (at->s.nservers < 2)
		return;
	strbuf_init(&sb, line, sizeof(line));
	for (int i = 0; i < at->s.nservers; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", ipcfg_format_ipv4(at->s.servers[at->order[i]], a));
	if (strbuf_finish(&sb) >= 0) /* always fits: the line has room for every server */
		log_info("root: NFS servers in the order this machine tries them (%s): %s",
			 b->cfg.nfs_select == NFS_SELECT_ORDER ? "as written" : "rendezvous hash", line);
}

int nfsroot_mount(struct boot *b)
{
	return nfsroot_mount_at(b, SYSROOT);
}

int nfsroot_mount_at(struct boot *b, const char *target)
{
	static struct attempt at;
	static char etext[ESCAPE_SIZE(NFSSPEC_MAX_PATH)];
	char err[NFSSPEC_ERR_LEN], client[IPCFG_IPV4_LEN];
	enum nfsspec_form form;
	const char *text = spec_text(b, &form);
	unsigned retry = b->cfg.rd_retry_set ? b->cfg.rd_retry : NFS_RETRY_DEFAULT_S;
	uint64_t start = monoclock_ms();
	unsigned pause = 1;
	int rc;

	escape_str(text, etext, sizeof(etext));
	if (!b->net_up) {
		log_err("root: %s is an NFS root but the network is not up (ip=off?)", etext);
		return -ENETDOWN;
	}
	ipcfg_format_ipv4(b->net_addr, client);
	if (nfsspec_parse(form, text, strlen(text), client, &at.s, err, sizeof(err)) < 0) {
		log_err("root: %s", err);
		return -EINVAL;
	}
	if (at.s.nservers == 0) {
		if (!b->net_server) {
			log_err("root: %s names no server, and neither ip= nor DHCP gave one", etext);
			return -EINVAL;
		}
		at.s.servers[at.s.nservers++] = b->net_server;
	}
	at.timeout_s = b->cfg.nfs_timeout_set ? b->cfg.nfs_timeout : NFS_TIMEOUT_DEFAULT_S;
	if (ms_from_seconds(at.timeout_s, &at.timeout_ms) < 0) {
		log_err("root: sprout.nfs.timeout=%u is too long: at most %d seconds", at.timeout_s,
			INT_MAX / 1000);
		return -ERANGE;
	}
	at.want = nfsprobe_want(&at.s);
	/* without vers=, NFSv4 first: its module now, NFSv3's when a server speaks only that */
	rc = load_nfs(b, at.want == 3 ? 3 : 4);
	if (rc == -ENOENT && at.want == 0) {
		log_warn("root: no NFSv4 client in the image: only NFSv3 is tried");
		at.want = 3;
		rc = load_nfs(b, 3);
	}
	if (rc < 0)
		return rc;
	set_nfs4_identity(b);
	rank(b, &at);
	at.target = target;
	at.flags = nfsspec_read_only(&at.s, b->cfg.rw == RW_RW) || strcmp(target, SYSROOT) != 0 ? MS_RDONLY : 0;
	/* rounds over the whole list until rd.retry= seconds have gone, pausing 1, 2, 4... s */
	for (;;) {
		rc = try_servers(b, &at);
		if (rc == 0 && strcmp(target, SYSROOT) == 0) /* the root itself, not an image's export */
			rootowners_check(b, target); /* owners over NFSv4: says once when they are lost */
		if (rc == 0 || rc == -ENAMETOOLONG)
			return rc;
		uint64_t spent = (monoclock_ms() - start) / 1000;
		if (spent + pause > retry)
			break;
		log_warn("root: no NFS server answered; trying the list again in %u s (rd.retry=%u)", pause,
			 retry);
		monoclock_sleep_ms((uint64_t)pause * 1000);
		pause = pause < 16 ? pause * 2 : pause;
	}
	log_err("root: no NFS server could give the root (%s, %s, %u s each); last round:", etext,
		at.want == 0 ? "NFSv4 or NFSv3" : at.want == 4 ? "NFSv4" : "NFSv3", at.timeout_s);
	log_round(&at);
	return rc;
}
