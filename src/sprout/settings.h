/* settings: the options of `sprout build`, from the configuration files and the
 * command line.
 *
 * Files: CONFDIR/sprout.conf, then CONFDIR/conf.d/[*].conf in byte order (CONFDIR is
 * /etc/sprout, or $SPROUT_CONFDIR), or the one file of --config. Format: conf.h
 * (key=value). Keys:
 *   kver, moddir, shell, cmdline, init   a later value replaces an earlier one
 *   mode          generic | host-only
 *   compress      zstd | gzip | xz | lz4 | none
 *   module_compress  xz | none (modcomp.h; default xz generic, none host-only)
 *   module_cache  DIR | none: the cache of xz-compressed modules
 *   add_modules   comma-separated names or aliases; accumulates
 *   add_binary    space-separated paths; accumulates
 *   with          storage parts, comma-separated: luks lvm md (stack.h); accumulates
 *   include       space-separated SRC[:DST] regular files; accumulates
 * An empty value unsets a single-valued key. An unknown key is an error (a typo
 * should not be silently ignored). Command-line flags win over files: main keeps
 * them in a second struct and merges with settings_merge. */
#ifndef SPROUT_SETTINGS_H
#define SPROUT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#define SETTINGS_MAX_LIST 1024        /* entries of add_modules / add_binary */
#define SETTINGS_MAX_FILE (1u << 20)  /* largest configuration file read */
#define SETTINGS_MAX_FILES 256        /* files read from conf.d */

enum settings_mode { SETTINGS_MODE_UNSET = 0, SETTINGS_MODE_GENERIC, SETTINGS_MODE_HOST_ONLY };

struct settings {
	char *kver, *moddir, *shell, *cmdline, *init;
	enum settings_mode mode;
	int compress;                 /* enum compress_kind, or -1 when unset */
	int module_compress;          /* enum modcomp_kind, or -1 when unset */
	char *module_cache;           /* DIR or "none"; NULL when unset */
	char **add_modules;
	size_t n_add_modules, cap_add_modules;
	char **add_binary;
	size_t n_add_binary, cap_add_binary;
	unsigned with;                /* STACK_* parts */
	char **include;               /* SRC[:DST] as given */
	size_t n_include, cap_include;
};

void settings_init(struct settings *s);
void settings_free(struct settings *s);

/* Applies one setting. Returns 0, -EINVAL (unknown key or bad value: msg says
 * which), -E2BIG (a list over SETTINGS_MAX_LIST), -ENOMEM. */
int settings_set(struct settings *s, const char *key, const char *value, char *msg, size_t msgsz);

/* Appends one binary path as it is (the --add-binary flag: no splitting).
 * Returns 0, -E2BIG, -ENOMEM. */
int settings_add_binary(struct settings *s, const char *path);

/* Appends one SRC[:DST] as it is (the --include flag). Returns 0, -E2BIG, -ENOMEM. */
int settings_add_include(struct settings *s, const char *spec);

/* Applies configuration text (conf.h format). name is used in messages ("FILE:LINE:
 * ..."). Pure over (buf, len) apart from allocation. */
int settings_apply(struct settings *s, const char *name, const char *buf, size_t len,
		   char *err, size_t errsz);

/* Reads and applies one file. A missing file is an error unless optional. */
int settings_load_file(struct settings *s, const char *path, bool optional, char *err,
		       size_t errsz);

/* confdir/sprout.conf (optional) then confdir/conf.d/[*].conf, sorted. */
int settings_load_dir(struct settings *s, const char *confdir, char *err, size_t errsz);

/* Lays `over` onto `base`: its set single values replace base's, its lists are
 * appended after base's. Returns 0 or -ENOMEM / -E2BIG. */
int settings_merge(struct settings *base, const struct settings *over);

#endif
