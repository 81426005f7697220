/* modprobe: the build host's modprobe.d lines for the modules of an image, carried as
 * what sprout-init acts on (it has no modprobe.d reader of its own):
 *   options MOD P=V ...   -> MOD.P=V words in etc/sprout/cmdline.d/03-modprobe.conf
 *                            (applied when sprout-init loads MOD; --cmdline and the
 *                            kernel's command line win)
 *   blacklist MOD         -> rd.driver.blacklist=MOD in the same file: stricter than
 *                            modprobe's (not loaded as a dependency either)
 *   softdep MOD pre: ...  -> a line of the image's modules.softdep, when every module
 *                            it names is in the image (else a note names the missing)
 * Lines for modules not in the image are skipped; alias, install, remove and other
 * commands are counted and named as ignored (sprout-init runs no shell commands).
 * host-only reads /etc/modprobe.d by default; a generic image only --modprobe-conf. */
#ifndef SPROUT_MODPROBE_H
#define SPROUT_MODPROBE_H

#include <stddef.h>

#include "kmodsel.h"

#define MODPROBE_WORDS 4096   /* the words written, at most */
#define MODPROBE_MAX_FILES 256

struct modprobe_plan {
	char words[MODPROBE_WORDS];   /* for 03-modprobe.conf; "" when none */
	size_t options, blacklist, softdep; /* lines carried */
	size_t ignored;               /* lines of other commands */
	char notes[1024];             /* one line per note, '\n'-separated */
};

/* Reads each path (a file, or a directory's *.conf in name order; a missing one is
 * skipped) and plans for the modules of sel; softdep lines are appended to
 * sel->softdep. Returns 0 or -errno with err naming the file and line. */
int modprobe_plan(const char *const *paths, size_t n, struct kmodsel *sel,
		  struct modprobe_plan *p, char *err, size_t errsz);

#endif
