/* console: the console on fds 0-2, the one way PID 1 (and its interactive children)
 * attach to it. */
#ifndef SPROUT_CONSOLE_H
#define SPROUT_CONSOLE_H

#include <stdbool.h>

#define CONSOLE_PATH "/dev/console"

/* Opens /dev/console and puts it on fds 0, 1 and 2 (inherited across exec: they are
 * the only fds that are not close-on-exec). With ctty, the console also becomes the
 * controlling terminal of the caller, which must lead a session of its own (setsid)
 * — for an interactive shell, so ^C and job control work. 0, or -errno when the
 * console cannot be opened (fds 0-2 are then unchanged). */
int console_attach(bool ctty);

#endif
