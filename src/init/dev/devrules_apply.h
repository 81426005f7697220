/* devrules_apply: the rules of devices.conf (src/lib/devrules.h) applied to /dev — owner,
 * mode, moves, links, removal, commands — for every device node present (coldplug) and
 * for each kernel uevent (hotplug). Used by the devices phase (through struct devices),
 * before handover, in wrapper mode and by `sprout-init --devices`.
 *
 * Users and groups are names in a root's /etc/passwd and /etc/group (no NSS in a static
 * binary). In the initramfs the root is not mounted at coldplug: names are resolved
 * against the image's own /etc/passwd and /etc/group when it has them, numbers always;
 * a name that cannot be resolved yet leaves that node's owner alone. Just before handover
 * the rules are applied once more with the mounted root's files (devrules_set_ids with
 * the root), so /dev is right when the real init starts; only then is an unknown name a
 * warning. Nothing here fails the boot: every problem is logged and skipped. */
#ifndef SPROUT_DEVRULES_APPLY_H
#define SPROUT_DEVRULES_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "devrules.h"
#include "uevent.h"

#define DEVRULES_CONF "/etc/sprout/devices.conf"
#define DEVRULES_CMD_TIMEOUT_MS 10000   /* a rule's command is ended after this */

struct devrules_set {
	struct devrules rules;
	const char *devdir;     /* "/dev", or a test's directory */
	bool exec;              /* sprout.devices.exec=1: commands of rules run */
	bool ids_final;         /* the root's own passwd/group are loaded: unknown is an error */
	char *passwd, *group;   /* the files' text, or NULL */
	size_t plen, glen;
	unsigned applied;       /* nodes a rule was applied to, for the log */
	bool exec_noted;        /* "commands not run" said once */
};

/* Reads the rules from path (NULL: DEVRULES_CONF) into s; a missing file is no rule.
 * Bad lines are logged (line number, what was expected) and skipped. devdir NULL: "/dev".
 * Returns the number of rules (0 when none). */
int devrules_set_load(struct devrules_set *s, const char *path, const char *devdir, bool exec);

/* Reads root's etc/passwd and etc/group (root "/" or a mounted new root) for names;
 * final: these are the files of the system that will run. */
void devrules_set_ids(struct devrules_set *s, const char *root, bool final);

void devrules_set_free(struct devrules_set *s);

/* Applies the rules to one event (a device with a DEVNAME; others are ignored);
 * run_cmds: commands of rules may run (with s->exec). */
void devrules_set_event(struct devrules_set *s, const struct uevent *ev, bool run_cmds);

/* Applies the rules to every device node sysfs knows (sysfs/dev/block, sysfs/dev/char),
 * as an "add". Returns the number of devices looked at. */
int devrules_set_coldplug(struct devrules_set *s, const char *sysfs, bool run_cmds);

/* Reads a sysfs device directory's uevent file (dirfd: the directory) into ev, as an
 * event of `action` with DEVPATH devpath and SUBSYSTEM subsystem. 0 or -errno. */
int devrules_sysfs_event(int dirfd, const char *action, const char *devpath,
			 const char *subsystem, struct uevent *ev);

#endif
