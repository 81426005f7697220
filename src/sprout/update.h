/* update: `sprout update`, the image of every installed kernel kept current, as the
 * kernel hooks and `update-initramfs -u -k all` do for initramfs-tools.
 *
 *   sprout update [-k KVER|all] [-b BOOTDIR] [--root DIR] [--remove]
 *
 * builds (or with --remove deletes) BOOTDIR/initrd.img-KVER, the name Debian's
 * bootloader scripts look for, from ROOT/lib/modules/KVER, with the settings of
 * ROOT/etc/sprout (SPROUT_CONFDIR wins). Each image is made by running this program's
 * own `sprout build`, so update adds nothing a build would not do. */
#ifndef SPROUT_UPDATE_H
#define SPROUT_UPDATE_H

/* argv[0] is "update". Returns the exit status: 0, 1 (some kernel failed; the others
 * were still done), 2 (usage). */
int cmd_update(int argc, char **argv);

#endif
