/* devsnap: `sprout devices snapshot` — the owners and modes of /dev nodes that differ
 * from what devices.conf gives them, written as rules, so a permission changed by hand
 * can be saved into devices.conf. Pure: the caller walks the directory.
 *
 * What a node should have: the owner and mode of the rule devrules_expect finds; with no
 * rule, root:root (0:0) and the mode the kernel gives it (devsnap_kernel_mode). */
#ifndef SPROUT_DEVSNAP_H
#define SPROUT_DEVSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "devrules.h"

/* One node found under the dev directory. */
struct devsnap_node {
	const char *name;       /* relative to it: "sda", "input/event0" */
	const char *subsystem;  /* from sysfs, or NULL when unknown */
	unsigned uid, gid;
	mode_t mode;            /* permission bits (07777) */
	unsigned major, minor;
};

/* The users and groups names are written with (text of /etc/passwd and /etc/group, NULL
 * for numbers only) and looked up in for the rules. */
struct devsnap_ids {
	const char *passwd, *group;
	size_t plen, glen;
};

/* The mode devtmpfs gives a node no rule matches: 0666 for the nodes every user may use
 * (null, zero, full, random, urandom, tty, ptmx, net/tun, fuse, kvm), 0644 for kmsg,
 * else 0600. */
mode_t devsnap_kernel_mode(const char *name);

/* Writes into out[size] the rule "NAME USER:GROUP MODE\\n" that gives node n what it has
 * now (NAME: the name as a whole-match regex, its special characters escaped) when that
 * differs from what rs gives it. 1 written; 0 no difference; -ENAMETOOLONG it does not
 * fit (never cut); -EINVAL a name that cannot be a rule (blank or control bytes). */
int devsnap_line(const struct devrules *rs, const struct devsnap_ids *ids,
		 const struct devsnap_node *n, char *out, size_t size);

#endif
