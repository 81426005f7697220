/* buildinfo: when this copy of sprout was built, as a constant the build sets
 * (SPROUT_BUILD_EPOCH: SOURCE_DATE_EPOCH, else the commit time of the source, else the
 * newest source file's mtime; see the Makefile) — never the compiler's __DATE__, so a
 * build is reproducible. The clock check uses it as a lower bound of the true time. */
#ifndef SPROUT_BUILDINFO_H
#define SPROUT_BUILDINFO_H

#include <stdint.h>

/* Seconds since the epoch; 0 when the build did not know. */
int64_t buildinfo_epoch(void);

#endif
