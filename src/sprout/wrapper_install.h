/* wrapper_install: `sprout wrapper install|uninstall --root DIR` — sprout-init put in
 * place as DIR/sbin/init with the real init moved aside to DIR/sbin/init.real, and back.
 *
 * Paths are resolved inside DIR as if it were "/" (base/inroot), so Debian's /sbin ->
 * usr/sbin symlink is followed inside the tree and never out of it. Each step is one
 * rename within /sbin, so /sbin/init exists at every moment (a crash in between leaves a
 * bootable tree), and uninstall gives back the very inode that install moved (a symlink
 * stays the same symlink, with its owner and times). */
#ifndef SPROUT_WRAPPER_INSTALL_H
#define SPROUT_WRAPPER_INSTALL_H

#include <stddef.h>

/* Installs init_bin (a sprout-init: it must hold INITMODE_BINARY_MARK) as root/sbin/init,
 * mode 0755, moving what was there to root/sbin/init.real. Refuses, changing nothing,
 * when there is no /sbin/init, when /sbin/init.real exists already, or when /sbin/init is
 * a sprout-init already. *what (may be NULL) receives a line describing the real init
 * (its type, and a symlink's target). 0 or -errno with err[n] saying why. */
int wrapper_install(const char *root, const char *init_bin, char *what, size_t wsz, char *err,
		    size_t n);

/* Puts root/sbin/init.real back as root/sbin/init. Refuses, changing nothing, unless
 * /sbin/init is a sprout-init (a regular file holding the mark) and /sbin/init.real
 * exists. 0 or -errno with err[n] saying why. */
int wrapper_uninstall(const char *root, char *err, size_t n);

/* `sprout wrapper install|uninstall --root DIR [--init FILE]` (argv[0] = "wrapper");
 * find_init gives the default sprout-init (NULL after its own message). Returns the exit
 * status: 0 done, 1 refused or failed, 2 usage error. */
int wrapper_cli(int argc, char **argv, char *(*find_init)(void));

#endif
