/* timeline: phase durations. */
#include "timeline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

uint64_t timeline_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int timeline_begin(struct timeline *t, const char *name)
{
	for (int i = 0; i < t->n; i++) {
		if (t->e[i].name == name) {
			t->e[i].attempts++;
			return i;
		}
	}
	if (t->n == TIMELINE_MAX)
		return TIMELINE_MAX - 1; /* more phases than slots: reuse the last */
	t->e[t->n] = (struct timeline_entry){ .name = name, .start_ns = timeline_now_ns(), .attempts = 1 };
	return t->n++;
}

void timeline_end(struct timeline *t, int idx)
{
	if (idx >= 0 && idx < t->n)
		t->e[idx].end_ns = timeline_now_ns();
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

__attribute__((format(printf, 4, 5)))
static int appendf(char *out, size_t n, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(out + *off, n - *off, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= n - *off)
		return -ENAMETOOLONG;
	*off += (size_t)k;
	return 0;
}

int timeline_format_line(const struct timeline *t, char *out, size_t n)
{
	size_t off = 0;

	if (n == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (int i = 0; i < t->n; i++) {
		const struct timeline_entry *e = &t->e[i];

		if (appendf(out, n, &off, "%s%s %.3fs%s", i ? ", " : "", e->name,
			    secs(e->end_ns - e->start_ns), e->attempts > 1 ? " (retried)" : "") < 0)
			return -ENAMETOOLONG;
	}
	if (t->n > 0 && appendf(out, n, &off, "; /init ran %.3fs, from %.3fs",
				secs(t->e[t->n - 1].end_ns - t->e[0].start_ns),
				secs(t->e[0].start_ns)) < 0)
		return -ENAMETOOLONG;
	return (int)off;
}

int timeline_format_table(const struct timeline *t, char *out, size_t n)
{
	size_t off = 0;

	if (n == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (int i = 0; i < t->n; i++) {
		const struct timeline_entry *e = &t->e[i];

		if (appendf(out, n, &off, "%s %.6f %.6f %.6f %d\n", e->name, secs(e->start_ns),
			    secs(e->end_ns), secs(e->end_ns - e->start_ns), e->attempts) < 0)
			return -ENAMETOOLONG;
	}
	return (int)off;
}
