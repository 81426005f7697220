/* timeline: phase durations. */
#include "timeline.h"

#include <errno.h>

#include "base/strbuf.h"
#include "log.h"

static uint64_t now_ns(const struct timeline *t)
{
	return t->now ? t->now() : monoclock_ns();
}

int timeline_begin(struct timeline *t, const char *name)
{
	for (int i = 0; i < t->n; i++) {
		if (t->e[i].name == name) {
			t->e[i].attempts++;
			return i;
		}
	}
	if (t->n == TIMELINE_MAX) {
		if (t->dropped++ == 0)
			log_warn("timeline: all %d entries taken; %s and any later phase are not timed",
				 TIMELINE_MAX, name);
		return -1;
	}
	t->e[t->n] = (struct timeline_entry){ .name = name, .start_ns = now_ns(t), .attempts = 1 };
	return t->n++;
}

void timeline_end(struct timeline *t, int idx)
{
	if (idx >= 0 && idx < t->n)
		t->e[idx].end_ns = now_ns(t);
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

int timeline_format_line(const struct timeline *t, char *out, size_t n)
{
	struct strbuf sb;

	strbuf_init(&sb, out, n);
	for (int i = 0; i < t->n; i++) {
		const struct timeline_entry *e = &t->e[i];

		strbuf_addf(&sb, "%s%s %.3fs%s", i ? ", " : "", e->name, secs(e->end_ns - e->start_ns),
			    e->attempts > 1 ? " (retried)" : "");
	}
	if (t->n > 0)
		strbuf_addf(&sb, "; /init ran %.3fs, from %.3fs", secs(t->e[t->n - 1].end_ns - t->e[0].start_ns),
			    secs(t->e[0].start_ns));
	if (t->dropped)
		strbuf_addf(&sb, "; %d more not timed (timeline full)", t->dropped);
	return strbuf_finish(&sb);
}

int timeline_format_table(const struct timeline *t, char *out, size_t n)
{
	struct strbuf sb;

	strbuf_init(&sb, out, n);
	for (int i = 0; i < t->n; i++) {
		const struct timeline_entry *e = &t->e[i];

		strbuf_addf(&sb, "%s %.6f %.6f %.6f %d\n", e->name, secs(e->start_ns), secs(e->end_ns),
			    secs(e->end_ns - e->start_ns), e->attempts);
	}
	return strbuf_finish(&sb);
}
