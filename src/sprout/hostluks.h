/* hostluks: what a host-only image needs for the LUKS devices under the root, from
 * the build host's /etc/crypttab: the mapper name its /etc/fstab expects
 * (rd.luks.name=UUID=NAME), rd.luks.options=discard, and a key file baked into the
 * image (rd.luks.key=PATH). A device is matched to an entry by its LUKS UUID (the
 * entry's UUID= source) or else by the entry's name = the device's dm name. */
#ifndef SPROUT_HOSTLUKS_H
#define SPROUT_HOSTLUKS_H

#include <stddef.h>

#include "crypttab.h"
#include "stack.h"

#define HOSTLUKS_WORDS 2048
#define HOSTLUKS_NOTES 4096

struct hostluks {
	char words[HOSTLUKS_WORDS];           /* rd.luks.* words, space separated */
	char key[CRYPTTAB_PATH_MAX];          /* the key file to put in the image, or "" */
	char notes[HOSTLUKS_NOTES];           /* "note: ...\n" and "warning: ...\n" lines */
};

/* crypttab: the file to read (NULL: /etc/crypttab; missing: no entries). Returns 0, or
 * -errno with one line in err (a crypttab that cannot be read or parsed, a key file
 * that cannot be read). */
int hostluks_plan(const char *crypttab, const struct stack_found *found, struct hostluks *out,
		  char *err, size_t errsz);

#endif
