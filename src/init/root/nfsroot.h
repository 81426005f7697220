/* nfsroot: mounting the root over NFS on /sysroot. The spec comes from root=nfs:/nfs4:,
 * nfsroot=, or DHCP's root-path; the server list is ranked (rendezvous hashing of the
 * servers with our MAC, or the written order), every server is probed at once (probe.h),
 * the best-ranked one that answers within the grace window is mounted (nfsprobe.h), each
 * mount bounded by sprout.nfs.timeout=, and every failure is kept for one table of what
 * was tried. Without vers= the NFS version is negotiated. */
#ifndef SPROUT_NFSROOT_H
#define SPROUT_NFSROOT_H

#include <stdbool.h>

#include "boot.h"

/* Does this boot's root live on NFS? (root=/dev/nfs, nfs:, nfs4:, dhcp; or no root=
 * with nfsroot= or a DHCP root-path.) */
bool nfsroot_wanted(const struct boot *b);

/* Mounts it. Returns 0, or -errno after logging which servers were tried and why
 * each failed. */
int nfsroot_mount(struct boot *b);

/* The same export mounted read-only on target instead (a root image's source,
 * rootimage.h). */
int nfsroot_mount_at(struct boot *b, const char *target);

#endif
