/* nfsowners: does an NFS root show its files' owners as the server has them? NFSv4
 * carries owners as strings: numeric ("0") from kernel nfsd to sec=sys clients, names
 * ("root@domain") from nfs-ganesha unless Only_Numeric_Owners is set. A client with no
 * id mapper (an initramfs, or a root without nfsidmap) cannot map names and shows every
 * file as owned by nobody; setuid programs then run as nobody and fail. Pure: the
 * verdict from what stat() said about a few files the root must own. */
#ifndef SPROUT_NFSOWNERS_H
#define SPROUT_NFSOWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFSOWNERS_NFS_NOBODY 4294967294u /* the NFS client's owner for a name it cannot map: (u32)-2 */
#define NFSOWNERS_NOBODY 65534u          /* nobody/nogroup: what a server or mapper may map to */

struct nfsowners_file {
	const char *path; /* as in the root, for messages */
	bool found;       /* stat() succeeded; a missing file says nothing */
	uint32_t uid, gid;
};

enum nfsowners_verdict {
	NFSOWNERS_OK = 0,   /* every file found is owned by uid 0 (and no nobody group) */
	NFSOWNERS_NOT_V4,   /* NFSv2/v3 carry numeric ids: nothing to check */
	NFSOWNERS_UNKNOWN,  /* none of the files was found */
	NFSOWNERS_UNMAPPED, /* a file owned by a nobody id: owner names nobody mapped */
	NFSOWNERS_NOT_ROOT, /* a file owned by another id (a tree copied without owners, squashing) */
};

/* The verdict for a root mounted with NFS version vers (2, 3, 4) whose files f[0..n)
 * were looked at. *which (may be NULL) is set to the index of the file the verdict is
 * about (the first unmapped one, else the first not owned by root), else to n. */
enum nfsowners_verdict nfsowners_judge(unsigned vers, const struct nfsowners_file *f, size_t n,
				       size_t *which);

/* Is id one of the "nobody" ids an unmapped owner name turns into? */
bool nfsowners_is_nobody(uint32_t id);

#endif
