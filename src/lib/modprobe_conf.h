/* modprobe_conf: the lines of modprobe.d(5) files. Pure.
 * "#" starts a comment line; a line ending in '\' goes on on the next; words are split
 * on blanks. The first word is the command: options MODULE PARAM[=VALUE]...,
 * blacklist MODULE, softdep MODULE pre: A B post: C, and the others (alias, install,
 * remove, ...), handed on as MODPROBE_OTHER. Module names are given as the kernel
 * names modules ('-' as '_'). */
#ifndef SPROUT_MODPROBE_CONF_H
#define SPROUT_MODPROBE_CONF_H

#include <stddef.h>

#define MODPROBE_MAX_LINE 4096  /* longest logical line */
#define MODPROBE_MAX_NAME 64    /* longest module name, NUL included */

enum modprobe_kind { MODPROBE_OPTIONS, MODPROBE_BLACKLIST, MODPROBE_SOFTDEP, MODPROBE_OTHER };

struct modprobe_line {
	enum modprobe_kind kind;
	const char *command;          /* the first word ("install" for MODPROBE_OTHER) */
	char module[MODPROBE_MAX_NAME]; /* "" for MODPROBE_OTHER */
	const char *rest;             /* the words after the module, blanks between them kept */
	unsigned lineno;              /* where the line starts, from 1 */
};

/* Calls fn for each command line of buf[0..len); a non-zero return stops and is
 * returned. Returns 0 or -EBADMSG with *bad (if not NULL) the line number: a NUL byte,
 * a logical line over MODPROBE_MAX_LINE, options/blacklist/softdep without a module
 * name or with one that is too long or holds '/'. */
int modprobe_conf_walk(const char *buf, size_t len,
		       int (*fn)(const struct modprobe_line *l, void *ctx), void *ctx,
		       unsigned *bad);

#endif
