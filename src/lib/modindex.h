/* modindex: the image's module index, read from the standard text files
 * modules.dep, modules.alias and modules.softdep (the formats depmod writes).
 *
 * The parsers are pure over (buf, len); the index keeps its own copies of the
 * strings. Module names are normalised ('-' -> '_') as the kernel does. */
#ifndef SPROUT_MODINDEX_H
#define SPROUT_MODINDEX_H

#include <stdbool.h>
#include <stddef.h>

#define MODINDEX_MAX_MODULES 20000
#define MODINDEX_MAX_ALIASES 200000
#define MODINDEX_MAX_DEPS 256      /* dependencies of one module */
#define MODINDEX_MAX_LINE 65536    /* longest line accepted */
/* The longest module name, the one cap every part of sprout uses (the index, the loader,
 * rd.driver.blacklist= / rd.driver.pre= in the command-line parser): the kernel keeps a
 * name in char name[MODULE_NAME_LEN], MODULE_NAME_LEN = 64 - sizeof(unsigned long)
 * (include/linux/module.h, moduleparam.h), 56 bytes with the NUL on a 64-bit kernel.
 * A longer name cannot be a module: finit_module refuses it. (32-bit kernels allow 59;
 * no module comes near either: the longest in Debian's 6.1 has 35.) */
#define MODINDEX_MAX_NAME 55
#define MODINDEX_MAX_PATH 4095     /* longest module path in modules.dep */
#define MODINDEX_MAX_SOFTDEPS 100000 /* softdep names in the whole index */
#define MODINDEX_MAX_DEPTH 64      /* longest chain of dependencies followed */

struct modindex; /* opaque */

struct modindex *modindex_new(void);
void modindex_free(struct modindex *idx);

/* Each returns 0 or -EBADMSG (a malformed line: *bad_line is its 1-based number)
 * or -E2BIG (over a cap) or -ENOMEM. Comments (#) and blank lines are skipped.
 * modules.dep:     "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/jbd2/jbd2.ko"
 * modules.alias:   "alias fs-ext4 ext4"  (pattern is an fnmatch glob)
 * modules.softdep: "softdep ext4 pre: crypto-crc32c post: foo"
 * The files may be parsed in any order. On error the lines before the bad one stay
 * in the index; callers normally throw the index away.
 * Names before any "pre:"/"post:" in a softdep line are ignored, as kmod does. */
int modindex_parse_dep(struct modindex *idx, const char *buf, size_t len, size_t *bad_line);
int modindex_parse_alias(struct modindex *idx, const char *buf, size_t len, size_t *bad_line);
int modindex_parse_softdep(struct modindex *idx, const char *buf, size_t len, size_t *bad_line);

/* Number of modules in the image (those with a modules.dep line or named as a
 * dependency in one). */
size_t modindex_count(const struct modindex *idx);

/* Module names whose alias patterns match `alias` (fnmatch), or whose own name is
 * `alias` (after normalising). Calls fn for each distinct module; stops on non-zero
 * and returns it. Returns 0 when done (matches or not), -ENOMEM.
 * Only modules in the image (in modules.dep) are reported; the own name comes
 * first, then the matches in modules.alias order. */
int modindex_lookup(const struct modindex *idx, const char *alias,
		    int (*fn)(const char *module, void *ctx), void *ctx);

/* Whether `module` can find its device on this CPU: 0 when it has "cpu:" aliases (a
 * driver for a CPU feature, such as crc32c_intel for SSE4.2) and none matches `cpu`,
 * the CPU's modalias (/sys/devices/system/cpu/modalias, "cpu:type:x86,ven...:feature:,..."):
 * its init would only fail with ENODEV. 1 otherwise (no such alias, a module or CPU
 * modalias unknown). Pure. */
int modindex_cpu_fit(const struct modindex *idx, const char *module, const char *cpu);

/* Relative path (as in modules.dep) of a module by name, or NULL if not in the index. */
const char *modindex_path(const struct modindex *idx, const char *module);

/* The load order for `module`: every module that must be loaded first (hard
 * dependencies deepest first, softdep "pre:" modules before the module that names
 * them), then the module itself, then its "post:" softdeps. Each name at most once.
 * Writes up to max names into out (pointers into the index) and returns the count,
 * or -ENOENT (module unknown), -E2BIG (more than max), -ELOOP (a cycle).
 * Softdep names that are aliases (e.g. "crypto-crc32c") are resolved with
 * modindex_lookup; softdeps missing from the index are skipped (they are optional). */
int modindex_load_order(const struct modindex *idx, const char *module,
			const char **out, int max);

/* The same order with more per step: the path, and whether the step is optional
 * (reached only through a softdep: its failure must not fail `module`). */
struct modindex_step {
	const char *name;
	const char *path;
	bool optional;
};
int modindex_load_plan(const struct modindex *idx, const char *module,
		       struct modindex_step *out, int max);

/* A small dense number for a module known to the index (in modules.dep or only
 * named by an alias), 0 <= id < modindex_slots(idx), or -ENOENT. Ids do not change
 * once parsing is over, so callers can keep per-module state in an array. */
int modindex_id(const struct modindex *idx, const char *module);
size_t modindex_slots(const struct modindex *idx);

/* Writes the normalised module name ('-' -> '_') of `name` into out[MODINDEX_MAX_NAME+1].
 * Returns 0, or -EINVAL (empty, or a byte that cannot be in a module name:
 * space, control, '/') or -ENAMETOOLONG. */
int modindex_normalise(const char *name, char *out);

/* fnmatch(pattern, s, 0) in the C locale, in O(len(pattern) * len(s)) time: '*', '?',
 * '[...]' with '!'/'^' and ranges, '\' escapes. Named classes ("[:alpha:]") are not
 * supported (depmod never writes them). */
bool modindex_glob_match(const char *pattern, const char *s);

#endif
