/* progress: the build's progress line and summary. See progress.h. */
#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/monoclock.h"
#include "build.h"
#include "listmods.h"
#include "stack.h"

static struct {
	bool on, drawn;
	uint64_t start_ms, last_ms;
	char stage[64];
} p;

bool progress_due(uint64_t last_ms, uint64_t now_ms)
{
	return last_ms == 0 || now_ms < last_ms || now_ms - last_ms >= PROGRESS_REDRAW_MS;
}

unsigned progress_percent(size_t done, size_t total)
{
	if (total == 0 || done >= total)
		return 100;
	/* in double: done * 100 could overflow size_t; below total stays below 100 */
	double pc = (double)done * 100.0 / (double)total;

	return pc >= 99.0 ? 99 : (unsigned)pc;
}

void progress_size(char *buf, size_t sz, uint64_t bytes)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, sz, "%" PRIu64 " B", bytes);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, sz, "%.1f %s", v, unit[u]);
}

void progress_line(char *buf, size_t sz, const char *stage, int percent)
{
	if (percent < 0)
		snprintf(buf, sz, "sprout: %s", stage);
	else
		snprintf(buf, sz, "sprout: %s %d%%", stage, percent);
}

void progress_summary_format(char *buf, size_t sz, const struct progress_summary *s)
{
	char before[32], after[32];
	unsigned ratio = s->before ? progress_percent((size_t)s->after, (size_t)s->before) : 100;

	progress_size(before, sizeof(before), s->before);
	progress_size(after, sizeof(after), s->after);
	snprintf(buf, sz, "sprout: built %s: %zu files, %zu modules, %s -> %s (%s, %u%%) in "
		 "%" PRIu64 ".%" PRIu64 " s", s->output, s->files, s->modules, before, after,
		 s->compress, ratio, s->ms / 1000, s->ms % 1000 / 100);
}

static void draw(int percent)
{
	char line[128];

	progress_line(line, sizeof(line), p.stage, percent);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p.drawn = true;
	p.last_ms = monoclock_ms();
}

void progress_enable(bool on)
{
	memset(&p, 0, sizeof(p));
	p.on = on;
	p.start_ms = monoclock_ms();
}

bool progress_enabled(void)
{
	return p.on;
}

void progress_stage(const char *stage)
{
	if (!p.on)
		return;
	snprintf(p.stage, sizeof(p.stage), "%s", stage);
	draw(-1);
}

void progress_bytes(size_t done, size_t total)
{
	if (p.on && progress_due(p.last_ms, monoclock_ms()))
		draw((int)progress_percent(done, total));
}

void progress_clear(void)
{
	if (!p.on || !p.drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p.drawn = false;
}

uint64_t progress_elapsed_ms(void)
{
	return monoclock_ms() - p.start_ms;
}

void progress_explain(const struct build_report *rep, const struct build_opts *o, FILE *out)
{
	char asked[64], found[64], all[64];
	size_t n;
	const struct stack_tool *tl = stack_tools(&n);
	bool any = false;

	fprintf(out, "sprout: -v: %zu modules (name, path, why they are in), then firmware:\n",
		rep->sel->n_mods);
	listmods_print(rep->sel, out);
	stack_with_string(rep->with, all, sizeof(all));
	stack_with_string(o->with & STACK_ALL, asked, sizeof(asked));
	stack_with_string(rep->detected, found, sizeof(found));
	fprintf(out, "sprout: -v: storage parts: %s (asked for: %s; found under the root: %s)",
		all[0] ? all : "none", asked[0] ? asked : "none", found[0] ? found : "none");
	for (size_t i = 0; i < n; i++)
		if (tl[i].part & rep->with) {
			fprintf(out, "%s%s as %s", any ? ", " : "; tools: ", tl[i].name, tl[i].dst);
			any = true;
		}
	fputc('\n', out);
	if (o->no_microcode)
		fprintf(out, "sprout: -v: microcode: none (--no-microcode)\n");
	else
		fprintf(out, "sprout: -v: microcode: %s: %s\n", o->host_only ?
			"host-only, this CPU's vendor only" : "generic, every vendor's files found",
			rep->microcode.bytes ? rep->microcode.vendors : "none found");
}
