/* cmdline_resume: what resume=, resume_offset= and noresume ask of the boot. Pure; the
 * device forms are root='s (rootspec), so there is one parser for both. See cmdline.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "base/escape.h"
#include "cmdline.h"
#include "rootspec.h"

int cmdline_resume(const struct config *cfg, struct rootspec *rs, char *why, size_t n)
{
	char esc[ESCAPE_SIZE(64)];
	int r;

	if (n)
		why[0] = '\0';
	if (cfg->noresume) {
		snprintf(why, n, "noresume: not resuming from hibernation%s%s%s",
			 cfg->resume[0] ? " (resume=" : "",
			 cfg->resume[0] ? escape_str(cfg->resume, esc, sizeof(esc)) : "",
			 cfg->resume[0] ? " not looked at)" : "");
		return CMDLINE_RESUME_SKIP;
	}
	if (!cfg->resume[0]) {
		if (cfg->resume_offset_set)
			snprintf(why, n, "resume_offset=%" PRIu64 " is ignored: no resume= names "
				 "the device it is in", cfg->resume_offset);
		return CMDLINE_RESUME_NONE;
	}
	r = rootspec_parse(cfg->resume, rs);
	if (r < 0) {
		snprintf(why, n, "resume=%s: %s; expected /dev/NAME, UUID=, LABEL=, PARTUUID=, "
			 "PARTLABEL= or MAJOR:MINOR; the boot goes on without resume",
			 escape_str(cfg->resume, esc, sizeof(esc)),
			 r == -ENAMETOOLONG ? "too long" : "not a device");
		return r;
	}
	return CMDLINE_RESUME_DEVICE;
}
