/* snapshot: `sprout devices snapshot`, the walk of a dev directory (the comparison with
 * the rules is devsnap in src/lib). */
#ifndef SPROUT_SNAPSHOT_H
#define SPROUT_SNAPSHOT_H

#include <stdio.h>

struct snapshot_opts {
	const char *dev;    /* default "/dev" */
	const char *rules;  /* default /etc/sprout/devices.conf */
	const char *root;   /* whose etc/passwd and etc/group name owners; default "/" */
	const char *sysfs;  /* subsystems of the nodes; default "/sys" */
};

/* Prints to out a rule for every device node under o->dev that differs from what the
 * rules give it; bad lines of the rules file to err. 0, or -errno after printing why
 * to err (the dev directory or the rules file cannot be read). */
int snapshot_run(const struct snapshot_opts *o, FILE *out, FILE *err);

#endif
