/* kmodsel_out: the outputs of a selection (index files, firmware), for kmodsel.c.
 * Built on kmodsel-internal.h; calls nothing in kmodsel.c. */
#ifndef SPROUT_KMODSEL_OUT_H
#define SPROUT_KMODSEL_OUT_H

#include "kmodsel-internal.h"

/* modules.dep / .alias / .softdep for s->c (sorted), and modules.builtin as is. */
int kmodsel_write_index(struct sel *s, struct kmodsel *out);

/* The firmware the chosen modules declare, found in the firmware dir or noted missing. */
int kmodsel_find_firmware(struct sel *s, struct kmodsel *out);

#endif
