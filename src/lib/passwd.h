/* passwd: /etc/passwd and /etc/group of a root, read without NSS (sprout-init is
 * static): "name:password:ID:..." lines, where the third field is the uid (passwd) or
 * the gid (group). Pure over (buf, len): the caller reads the file.
 *
 * A line that is not of that shape (fewer than three fields, an empty or over-long name,
 * an ID that is not a decimal number up to PASSWD_MAX_ID) is skipped, as the C library
 * does; lookups never fail because of another line. Lines starting with '+' or '-' (NIS
 * compat) are skipped too. */
#ifndef SPROUT_PASSWD_H
#define SPROUT_PASSWD_H

#include <stddef.h>

#define PASSWD_MAX_NAME 32          /* longest user or group name kept */
#define PASSWD_MAX_LINE 4096        /* longer lines are skipped */
#define PASSWD_MAX_ID 4294967294u   /* (uid_t)-1 is "no change" for chown: refused */

/* The ID of `name` (the first line naming it). 0 and *id set; -ENOENT. */
int passwd_find_id(const char *buf, size_t len, const char *name, unsigned *id);

/* The name of the first line with this ID, into out[size]. 0; -ENOENT; -ENAMETOOLONG
 * when it does not fit (never cut). */
int passwd_find_name(const char *buf, size_t len, unsigned id, char *out, size_t size);

/* A user or group field of a rule: a name ([A-Za-z0-9_.-], first not '-', at most
 * PASSWD_MAX_NAME bytes) or a decimal ID. 0 when valid; -EINVAL. */
int passwd_check_name(const char *s);

/* Resolves a field that passwd_check_name accepted: a decimal ID is itself; a name is
 * looked up in buf (NULL/0: no file). 0; -ENOENT. */
int passwd_resolve(const char *buf, size_t len, const char *field, unsigned *id);

#endif
