/* progress: what `sprout build` shows on a terminal. One line on stderr, redrawn in
 * place with \r (the stage: choosing modules, collecting files, compressing with a
 * percentage of the cpio archive's bytes consumed, writing), at most PROGRESS_REDRAW_MS
 * apart, erased before any other message and at the end; then a summary line (files,
 * modules, size before and after compression, ratio, time).
 *
 * Off unless main turns it on (stderr a terminal and no -q): every call is then a no-op,
 * so build.c and compress.c call it unconditionally and scripts see nothing extra.
 * The formatting and throttling parts are pure, for the unit test. */
#ifndef SPROUT_PROGRESS_H
#define SPROUT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "build.h"

#define PROGRESS_REDRAW_MS 100   /* at most 10 redraws a second */
#define PROGRESS_STEP (1u << 20) /* compressors feed their input in steps of this */

/* Turns the display on (or off) and starts the clock for the summary. */
void progress_enable(bool on);
bool progress_enabled(void);
/* A new stage: drawn at once ("collecting files"). */
void progress_stage(const char *stage);
/* done of total bytes in the current stage: redrawn with a percentage when due. */
void progress_bytes(size_t done, size_t total);
/* Erases the line (before a warning, at the end); the next call draws it again. */
void progress_clear(void);
/* Milliseconds since progress_enable(true). */
uint64_t progress_elapsed_ms(void);

/* -v: what was chosen and why: every module with its reason (listmods.h), the storage
 * parts (asked for, found under the root) and their tools, the microcode decision. */
void progress_explain(const struct build_report *rep, const struct build_opts *o, FILE *out);

/* ---- pure ---- */

/* Whether a redraw at now_ms is due after one at last_ms (0: none yet). */
bool progress_due(uint64_t last_ms, uint64_t now_ms);
/* done/total as 0..100, rounded down; 100 for total 0; never over 100. */
unsigned progress_percent(size_t done, size_t total);
/* "1.5 KiB", "10.7 MiB", "512 B": bytes in binary units, one decimal. */
void progress_size(char *buf, size_t sz, uint64_t bytes);
/* The line drawn: "sprout: STAGE" or "sprout: STAGE 42%" (percent < 0: none). */
void progress_line(char *buf, size_t sz, const char *stage, int percent);

struct progress_summary {
	const char *output;      /* the path written, or "standard output" */
	size_t files, modules;
	uint64_t before, after;  /* cpio bytes, image bytes */
	const char *compress;    /* "zstd" ... */
	uint64_t ms;
};
/* "sprout: built OUT: 413 files, 282 modules, 50.8 MiB -> 10.7 MiB (zstd, 21%) in 1.4 s" */
void progress_summary_format(char *buf, size_t sz, const struct progress_summary *s);

#endif
