/* nfsspec: where an NFS root is, from the three places it can be written.
 *
 *   nfsroot=[<servers>:]<root-dir>[,<nfs-options>]     the kernel's (nfsroot.rst)
 *   root=nfs:[<servers>:]<root-dir>[:<nfs-options>]    dracut's; nfs4: for NFSv4
 *   DHCP option 17 (root-path): either of the two forms above
 *
 * <servers> is one IPv4 address or a comma list of them, each with an optional *WEIGHT
 * (serverlist.h), for a farm whose machines spread over several servers (rendezvous.h): everything before the first ':' is
 * the server part, so in nfsroot= the first ',' after <root-dir> starts the options:
 *   nfsroot=10.0.0.1,10.0.0.2:/srv/root,vers=4.2
 * With no server part (the text starts with '/'), the server comes from ip= field 2 or
 * from DHCP; the caller fills it in. Host names are refused: sprout-init does no DNS
 * lookups, and a name that only resolves after boot is no use for the root.
 * In dracut's form, <root-dir> ends at ':' or ',' (dracut accepts both).
 *
 * "%s" in <root-dir> is replaced by the string the caller gives: the kernel's
 * documentation says the client's IP address (the kernel itself substitutes its node
 * name, which is the host name when ip= or DHCP gave one). Only the first "%s" is
 * replaced; any other '%' is kept as it is.
 *
 * Options are a comma list passed through to the kernel, except the ones read here:
 * vers= nfsvers= (3, 4, 4.0, 4.1, 4.2; 2 is refused), v3 v4 v4.0 v4.1 v4.2,
 * minorversion=, proto= (tcp, udp), tcp, udp, port=, ro, rw, lock/nolock (recorded),
 * and "defaults" (meaningless to the kernel, dropped). addr= is refused: the address
 * comes from the server list.
 *
 * Pure: no I/O, no allocation. */
#ifndef SPROUT_NFSSPEC_H
#define SPROUT_NFSSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFSSPEC_MAX_TEXT 1024      /* longest spec read (DHCP allows 1024 bytes) */
#define NFSSPEC_MAX_SERVERS 16      /* SERVERLIST_MAX */
#define NFSSPEC_MAX_PATH 1024      /* root-dir after "%s" is replaced, NUL included */
#define NFSSPEC_MAX_OPTIONS 512    /* the option text, NUL included */
#define NFSSPEC_MAX_OPTION_COUNT 32
#define NFSSPEC_MOUNT_DATA 1024    /* an out buffer this size holds any mount data */
#define NFSSPEC_ERR_LEN 192        /* a message buffer this size never cuts our messages */
#define NFSSPEC_DEFAULT_ROOT "/tftpboot/%s" /* the kernel's root-dir when none is given */

/* Where the text came from: for messages, and root= must carry nfs: or nfs4:. */
enum nfsspec_form {
	NFSSPEC_NFSROOT = 0, /* nfsroot= (nfs: / nfs4: accepted too) */
	NFSSPEC_ROOT,        /* root=nfs:... or root=nfs4:... */
	NFSSPEC_ROOTPATH,    /* the DHCP root-path option */
};

enum nfsspec_proto { NFSSPEC_PROTO_DEFAULT = 0, NFSSPEC_PROTO_TCP, NFSSPEC_PROTO_UDP };

struct nfsspec {
	uint32_t servers[NFSSPEC_MAX_SERVERS]; /* network order; duplicates dropped */
	unsigned weights[NFSSPEC_MAX_SERVERS]; /* each server's share, 1 unless ADDR*W */
	int nservers;                          /* 0: none given, take ip='s or DHCP's */
	char path[NFSSPEC_MAX_PATH];           /* root-dir, "%s" replaced */
	char options[NFSSPEC_MAX_OPTIONS];     /* the option text as given, "" if none */
	unsigned vers;                         /* 3 or 4: given, or 3 by default (4 for nfs4:) */
	int minor;                             /* 0..2 with vers 4; -1 if not given */
	bool vers_given;
	enum nfsspec_proto proto;
	unsigned port;                         /* with port_set; 0 means "ask rpcbind" */
	bool port_set;
	bool rw_set, rw;                       /* the options said rw (rw) or ro (!rw) */
	bool lock_set;                         /* lock or nolock given: passed as given */
};

/* Parses buf[0..len) (without "nfsroot=" / "root="; with "nfs:" / "nfs4:"). client
 * replaces "%s" in root-dir (NULL: a "%s" is an error). Returns 0 and fills *out, or
 * -EINVAL / -ENAMETOOLONG, or -EPROTONOSUPPORT for a root-path of another kind
 * (iscsi:, nbd:, http:, ...), with *out unchanged and a message in err[errsz]. */
int nfsspec_parse(enum nfsspec_form form, const char *buf, size_t len, const char *client,
		  struct nfsspec *out, char *err, size_t errsz);

/* Is this root= an NFS root? "/dev/nfs" (then nfsroot= says where), "nfs:..." and
 * "nfs4:..." (parse those with NFSSPEC_ROOT). */
bool nfsspec_is_nfs_root(const char *root);

/* "nfs" for NFSv3, "nfs4" for NFSv4 (the module that registers it is nfsv4). */
const char *nfsspec_fstype(const struct nfsspec *s);

/* Whether to mount read-only: ro / rw in the options win, then rw_wanted (the kernel
 * command line's rw). The mount data from nfsspec_mount_options says the same. */
bool nfsspec_read_only(const struct nfsspec *s, bool rw_wanted);

/* The mount source "a.b.c.d:/root-dir" for server. Returns its length, -EINVAL for
 * server 0, -ENAMETOOLONG when out[n] is too small (out is then ""). */
int nfsspec_source(const struct nfsspec *s, uint32_t server, char *out, size_t n);

/* The kernel's text mount data for server:
 *   vers=3|4|4.N,addr=A.B.C.D[,proto=][,port=][,nolock][,passed-through...],ro|rw
 * nolock is added for NFSv3 unless lock or nolock was given (no statd runs in the
 * initramfs). clientaddr= is left to the kernel. Returns the length, -EINVAL for
 * server 0, -ENAMETOOLONG when out[n] is too small (out is then ""). */
int nfsspec_mount_options(const struct nfsspec *s, uint32_t server, bool rw_wanted, char *out,
			  size_t n);

#endif
