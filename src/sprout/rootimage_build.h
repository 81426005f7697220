/* rootimage_build: `sprout image build` and `sprout image publish`, the farm operator's
 * side of root images (sprout.image=): a reproducible squashfs or erofs file made from a
 * root tree with Debian's mksquashfs or mkfs.erofs, its FILE.sha256 beside it, and the
 * switch of a published name (a symlink) from one version to the next, or back.
 *
 * Reproducible: every timestamp is SOURCE_DATE_EPOCH (or 0), the filesystem's own time
 * and UUID are fixed, entries are sorted by the tools, owners and modes are kept as the
 * tree has them (numeric ids), xattrs are kept (file capabilities of ping and the like).
 * Two builds of the same tree are byte-identical.
 *
 * Never half-written: the tool writes FILE.tmp, which is synced and renamed over FILE;
 * FILE.sha256 ("HEX  NAME\n", sha256sum's format) follows the same way. Publishing is a
 * rename of a fresh symlink over the published name, so a reader opens the old image or
 * the new one, never a mix. */
#ifndef SPROUT_ROOTIMAGE_BUILD_H
#define SPROUT_ROOTIMAGE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "base/sha256.h"

enum rootimage_fs { ROOTIMAGE_SQUASHFS, ROOTIMAGE_EROFS };

/* The program and Debian package of each type. */
const char *rootimage_tool(enum rootimage_fs fs);
const char *rootimage_package(enum rootimage_fs fs);

/* Most arguments rootimage_argv writes, NULL included. */
#define ROOTIMAGE_ARGV_MAX 24

/* Fills argv (ROOTIMAGE_ARGV_MAX entries) with the command that makes image out of
 * tree dir with every time set to epoch; the strings point into buf[bufsz] or are
 * literals. Returns the number of arguments, or -ENAMETOOLONG. Pure. */
int rootimage_argv(enum rootimage_fs fs, const char *dir, const char *out, uint32_t epoch,
		   char **argv, char *buf, size_t bufsz);

/* The line of a FILE.sha256: "HEX  NAME\n" with NAME the last component of path, as
 * `sha256sum NAME` run in FILE's directory prints it. Returns its length, or
 * -ENAMETOOLONG when out[outsz] is too small. Pure. */
int rootimage_sha256_line(const uint8_t digest[SHA256_LEN], const char *path, char *out, size_t outsz);

/* Whether file and link name entries of the same directory (their directory parts are
 * the same string, "" and "." alike), which publishing needs: the symlink's target is
 * then the bare file name, which an NFS client or an HTTP server resolves in the same
 * directory wherever the export is mounted. Pure. */
int rootimage_same_dir(const char *file, const char *link);

/* The last component of path (path itself when it has no '/'). Pure. */
const char *rootimage_base(const char *path);

/* `sprout image ...`: argv[0] is "image". Returns the exit status. */
int rootimage_cmd(int argc, char **argv);

#endif
