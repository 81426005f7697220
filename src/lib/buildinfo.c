/* buildinfo: the build time constant (the Makefile defines it for this file only). */
#include "buildinfo.h"

#ifndef SPROUT_BUILD_EPOCH
#define SPROUT_BUILD_EPOCH 0
#endif

int64_t buildinfo_epoch(void)
{
	return (int64_t)SPROUT_BUILD_EPOCH;
}
