/* procswaps: the kernel's /proc/swaps ("Filename Type Size Used Priority", one active swap
 * area a line, sizes in KiB, the path with \ooo escapes as in /proc/self/mounts), and the
 * field reader both files share. Pure. */
#ifndef SPROUT_PROCSWAPS_H
#define SPROUT_PROCSWAPS_H

#include <stddef.h>
#include <stdint.h>

#define PROCSWAPS_MAX 32         /* swap areas read; more is an error (the kernel allows 32) */
#define PROCSWAPS_PATH 512

struct procswap {
	char path[PROCSWAPS_PATH];   /* /dev/dm-3, /swapfile (escapes decoded) */
	char type[16];               /* "partition" or "file" */
	uint64_t size_kib, used_kib;
	int priority;
};

/* Decodes the next whitespace-separated field of one line (*p up to end), with the
 * kernel's \ooo escapes, into out[outsz]; moves *p past it. 0, -EBADMSG (no field, or a
 * NUL in it), -ENAMETOOLONG. */
int procfs_field(const char **p, const char *end, char *out, size_t outsz);

/* Every swap area of buf[0..len) (the heading line skipped) into out[0..max). The count,
 * or -EBADMSG (a line without its five fields, a bad number), -ENAMETOOLONG, -E2BIG
 * (more than max). */
int procswaps_parse(const char *buf, size_t len, struct procswap *out, size_t max);

#endif
