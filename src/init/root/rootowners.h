/* rootowners: right after an NFS root is mounted, a look at who owns its /etc/passwd and
 * its init. Owned by nobody over NFSv4 means the server sends owner names nothing here
 * maps: sprout-init says once what is wrong, what it breaks and what fixes it (numeric
 * owners on the server, or an id mapper in the root). Never fails the boot. */
#ifndef SPROUT_ROOTOWNERS_H
#define SPROUT_ROOTOWNERS_H

#include "boot.h"

/* Looks at the root mounted on root (b->root_type says the NFS version). */
void rootowners_check(const struct boot *b, const char *root);

#endif
