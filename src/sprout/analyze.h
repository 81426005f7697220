/* analyze: `sprout analyze [FILE]` turns sprout-init's boot timeline (tlfmt: the file
 * /run/sprout/timeline, or a serial-console log or dmesg holding its lines) into a
 * per-phase table, the slowest events and the critical path to the root; --json for
 * scripts, --svg OUT for a chart (analyze_svg.c). */
#ifndef SPROUT_ANALYZE_H
#define SPROUT_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlfmt.h"

#define ANALYZE_DEFAULT_FILE "/run/sprout/timeline"

/* The view of one boot the outputs share. Times are microseconds since boot. */
struct analysis {
	const struct tl_doc *doc;
	uint64_t zero_us;       /* the kernel's "Run /init" when known, else sprout-init's start */
	const char *zero_what;  /* says which */
	size_t *phases;         /* indices into doc->ev of the phases, in order */
	size_t nphases;
	size_t *slow;           /* the other events, slowest first */
	size_t nslow;
	size_t *kept;           /* "defer" events (drivers root first kept back), in order */
	size_t nkept;
	size_t *path;           /* the critical path to the root, in time order */
	size_t npath;
	uint64_t root_us;       /* end of the root phase (or of the last phase) */
};

/* Fills a from doc (which it keeps pointing to). 0, -ENODATA (no phase in doc), -ENOMEM. */
int analysis_make(struct analysis *a, const struct tl_doc *doc);
void analysis_free(struct analysis *a);

/* The phase an event started in ("" when before the first or after the last). */
const char *analysis_phase_of(const struct analysis *a, const struct tl_event *e);

/* The text report: phases, the `top` slowest events, the critical path. */
void analyze_print(const struct analysis *a, const char *source, size_t top, FILE *out);
void analyze_json(const struct analysis *a, FILE *out);
/* The chart (analyze_svg.c). */
void analyze_svg(const struct analysis *a, const char *title, FILE *out);

/* The command: argv[0] is "analyze". Exit status 0, 1 (failed), 2 (usage). */
int analyze_cmd(int argc, char **argv);

#endif
