/* nfsowners: the verdict on an NFS root's owners (nfsowners.h). */
#include "nfsowners.h"

bool nfsowners_is_nobody(uint32_t id)
{
	return id == NFSOWNERS_NFS_NOBODY || id == NFSOWNERS_NOBODY;
}

enum nfsowners_verdict nfsowners_judge(unsigned vers, const struct nfsowners_file *f, size_t n,
				       size_t *which)
{
	size_t not_root = n, found = 0;

	if (which)
		*which = n;
	if (vers != 4)
		return NFSOWNERS_NOT_V4;
	for (size_t i = 0; i < n; i++) {
		if (!f[i].found)
			continue;
		found++;
		if (nfsowners_is_nobody(f[i].uid) || nfsowners_is_nobody(f[i].gid)) {
			if (which)
				*which = i;
			return NFSOWNERS_UNMAPPED;
		}
		if (f[i].uid != 0 && not_root == n)
			not_root = i;
	}
	if (!found)
		return NFSOWNERS_UNKNOWN;
	if (not_root == n)
		return NFSOWNERS_OK;
	if (which)
		*which = not_root;
	return NFSOWNERS_NOT_ROOT;
}
