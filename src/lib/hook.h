/* hook: the pure part of boot hooks (README "Hooks"). sprout-init runs the executable
 * regular files of /etc/sprout/hooks/PHASE.d/, in name order, at the start of PHASE;
 * `sprout build --hook PHASE:PROGRAM` puts one there. Which phases take hooks, which
 * directory entries count as hooks, and their order are decided here. */
#ifndef SPROUT_HOOK_H
#define SPROUT_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"

#define HOOK_DIR "/etc/sprout/hooks"  /* HOOK_DIR/PHASE.d/ */
#define HOOK_TIMEOUT_DEFAULT 30       /* seconds one hook may run without sprout.hook.timeout= */
#define HOOK_MAX 64                   /* hooks of one phase run; more are logged and skipped */
/* The phases that take hooks, as one string for messages. */
#define HOOK_PHASES "devices, storage, network, root, overlay, handover"

/* The phase named (its canonical name, as rd.break= spells it; no aliases) when it
 * takes hooks, else PHASE_NONE. early and cmdline take none: the log and the command
 * line (sprout.hook.timeout=) are not there yet. */
enum cmdline_phase hook_phase(const char *name);

/* Does a directory entry of that name count as a hook? Not a name starting with '.',
 * nor a backup or package-manager leftover (ending in '~', ".dpkg-old", ".dpkg-new",
 * ".dpkg-dist", ".dpkg-tmp", ".ucf-old", ".ucf-dist", ".rpmnew", ".rpmsave",
 * ".disabled"). Whether it is an executable regular file is the caller's to check. */
bool hook_name_wanted(const char *name);

/* Keeps the wanted names of names[0..n) (hook_name_wanted), in strcmp order (bytes,
 * as LC_ALL=C sorts: "10-a" before "9-b", so prefix numbers with the same width).
 * Returns how many are left at the front of names. */
size_t hook_filter_sort(const char **names, size_t n);

/* "PHASE:PROGRAM" of `sprout build --hook`: 0 with *phase set and *prog pointing at
 * PROGRAM inside spec; -EINVAL with err saying what was expected (no ':', an unknown
 * phase, naming the valid ones, or an empty PROGRAM). */
int hook_spec_parse(const char *spec, enum cmdline_phase *phase, const char **prog, char *err,
		    size_t errsz);

#endif
