/* listmods: `sprout build --list-modules`, what an image would hold and why, one
 * line per module and per declared firmware file, tab-separated:
 *   NAME <tab> PATH <tab> WHY
 *     PATH relative to the module directory; WHY "class rule drivers/ata/ahci",
 *     "device alias pci:v...", "dependency of ext4", "softdep of btrfs",
 *     "--add-modules NAME", "--with luks (dm_crypt)", "the root's filesystem (ext4)"
 *   firmware <tab> NAME <tab> "found" | "missing, declared by MODULE"
 * Paths and reasons are escaped (base/escape.h). */
#ifndef SPROUT_LISTMODS_H
#define SPROUT_LISTMODS_H

#include <stdio.h>

#include "kmodsel.h"

/* Returns 0, or -EIO when writing failed. */
int listmods_print(const struct kmodsel *sel, FILE *out);

#endif
