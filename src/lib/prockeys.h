/* prockeys: one key found in the text of /proc/keys, by type and description. Each line
 * is "ID FLAGS USAGE EXPIRY PERM UID GID TYPE DESCRIPTION[: DETAIL]" with ID in hex;
 * a keyring's DETAIL is its number of entries, or "empty". Pure: the caller reads the
 * file. Lines that do not have that shape are skipped (the kernel writes the file, but
 * a description may hold anything). */
#ifndef SPROUT_PROCKEYS_H
#define SPROUT_PROCKEYS_H

#include <stddef.h>
#include <stdint.h>

struct prockey {
	int32_t id;   /* the key's serial number, as keyctl(2) takes it (> 0) */
	long entries; /* a keyring's entries (0 for "empty"); -1 when not said */
};

/* Finds the first key of type `type` whose description is exactly `desc` in
 * buf[0..len). 1 and *out set, or 0 when there is none. */
int prockeys_find(const char *buf, size_t len, const char *type, const char *desc, struct prockey *out);

#endif
