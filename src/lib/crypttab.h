/* crypttab: a pure parser of /etc/crypttab (crypttab(5)), for `sprout build
 * --host-only`: which mapper name, key file and options the host gives its LUKS
 * devices, so the image unlocks them under the names its /etc/fstab expects.
 *
 * One entry a line: NAME SOURCE [KEYFILE [OPTIONS]], fields separated by blanks;
 * '#' at the start of a line (after blanks) is a comment. SOURCE is UUID=...,
 * PARTUUID=..., LABEL=... or a path; KEYFILE is none, '-' or an absolute path
 * (systemd's PATH:DEVICE form kept as two parts); OPTIONS a comma list. What an
 * image carries: discard. What is fine to drop: luks, initramfs, noauto, nofail,
 * _netdev. keyscript= is flagged (sprout-init never runs scripts); every other
 * option is kept, as written, in `ignored` for the build to name. */
#ifndef SPROUT_CRYPTTAB_H
#define SPROUT_CRYPTTAB_H

#include <stddef.h>

#define CRYPTTAB_MAX_ENTRIES 64
#define CRYPTTAB_MAX_TEXT (1u << 20)   /* the whole file */
#define CRYPTTAB_MAX_LINE 4096
#define CRYPTTAB_NAME_MAX 128          /* device-mapper's limit, with the NUL */
#define CRYPTTAB_PATH_MAX 256          /* source, key file, key device */
#define CRYPTTAB_OPTIONS_MAX 1024      /* the options field */

enum {
	CRYPTTAB_DISCARD = 1u << 0,
	CRYPTTAB_KEYSCRIPT = 1u << 1,
	CRYPTTAB_LUKS = 1u << 2,       /* "luks" given */
	CRYPTTAB_NOAUTO = 1u << 3,
	CRYPTTAB_NOFAIL = 1u << 4,
	CRYPTTAB_INITRAMFS = 1u << 5,
};

struct crypttab_entry {
	unsigned line;                        /* 1-based, for messages */
	char name[CRYPTTAB_NAME_MAX];
	char source[CRYPTTAB_PATH_MAX];
	char key[CRYPTTAB_PATH_MAX];          /* "" for none, '-' or no field */
	char key_dev[CRYPTTAB_PATH_MAX];      /* PATH:DEVICE's device, else "" */
	unsigned flags;                       /* CRYPTTAB_* */
	char keyscript[CRYPTTAB_PATH_MAX];    /* keyscript='s value, as written */
	char ignored[CRYPTTAB_OPTIONS_MAX];   /* options not acted on, comma list */
};

struct crypttab {
	struct crypttab_entry e[CRYPTTAB_MAX_ENTRIES];
	size_t n;
};

/* Parses buf[0..len). Returns 0, or -EINVAL / -E2BIG / -ENAMETOOLONG with one line in
 * err naming the line, the field and what was expected; *out is then unspecified. */
int crypttab_parse(const char *buf, size_t len, struct crypttab *out, char *err, size_t errsz);

/* The LUKS UUID an entry names (SOURCE UUID=... or /dev/disk/by-uuid/...), as 32
 * lower-case hex digits without dashes (the form a dm uuid CRYPT-LUKS2-... holds).
 * Returns 0, or -ENOENT when the source is not a UUID. out has room for 33 bytes. */
int crypttab_source_uuid(const struct crypttab_entry *e, char *out, size_t outsz);

#endif
