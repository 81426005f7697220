/* rescue: the shell a user gets when a phase fails or rd.break asks, and what
 * happens when there is none (panic= semantics). */
#ifndef SPROUT_RESCUE_H
#define SPROUT_RESCUE_H

#include "boot.h"

#define RESCUE_SHELL "/bin/sh"

/* Runs the rescue shell on the console and waits for it to exit.
 * Returns 0 when the shell ran and was left, -EPERM when rd.shell=0,
 * -ENOENT when the image has no shell. */
int rescue_shell(struct boot *b, const char *why);

/* No way forward: per panic=, reboot after N seconds (N > 0), at once (N < 0),
 * or stay here for the user to read the messages (0 or unset). Never returns. */
__attribute__((noreturn)) void rescue_halt(struct boot *b);

#endif
