/* timeline: phase durations. */
#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

static struct timeline *active;

void timeline_set_active(struct timeline *t)
{
	active = t;
}

uint64_t timeline_now(void)
{
	return active ? now_ns(active) : monoclock_ns();
}

void timeline_event(const char *kind, const char *name, uint64_t start_ns, const char *outcome, ...)
{
	struct timeline *t = active;
	struct tl_event *e;
	const char *key;
	unsigned slot;
	va_list ap;

	if (!t)
		return;
	slot = __atomic_fetch_add(&t->nev, 1, __ATOMIC_RELAXED);
	if (slot >= TIMELINE_EVENTS)
		return; /* counted: the saved timeline says how many were dropped */
	e = &t->ev[slot];
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	tlfmt_token(name, e->name, sizeof(e->name));
	snprintf(e->outcome, sizeof(e->outcome), "%s", outcome);
	e->start_us = start_ns / 1000;
	e->end_us = now_ns(t) / 1000;
	if (e->end_us < e->start_us)
		e->end_us = e->start_us;
	e->attrs[0] = '\0';
	va_start(ap, outcome);
	while ((key = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);

		if (value)
			tlfmt_attr_add(e->attrs, sizeof(e->attrs), key, value);
	}
	va_end(ap);
}

int timeline_format_file(const struct timeline *t, char *out, size_t n)
{
	const struct tl_event *order[TIMELINE_EVENTS] = { 0 };
	unsigned nev = t->nev < TIMELINE_EVENTS ? t->nev : TIMELINE_EVENTS;
	struct strbuf sb;
	char line[512], z[32];

	strbuf_init(&sb, out, n);
	strbuf_addf(&sb, "sprout-timeline %d\n", TLFMT_VERSION);
	if (t->n > 0) {
		tlfmt_secs(t->e[0].start_ns / 1000, z, sizeof(z));
		strbuf_addf(&sb, "zero %s\n", z);
	}
	for (int i = 0; i < t->n; i++) {
		struct tl_event e = { .kind = "phase", .outcome = "ok" };
		int k;

		snprintf(e.name, sizeof(e.name), "%s", t->e[i].name);
		e.start_us = t->e[i].start_ns / 1000;
		e.end_us = t->e[i].end_ns > t->e[i].start_ns ? t->e[i].end_ns / 1000 : e.start_us;
		snprintf(e.attrs, sizeof(e.attrs), "attempts=%d", t->e[i].attempts);
		k = tlfmt_line(&e, line, sizeof(line));
		if (k > 0)
			strbuf_add(&sb, line, (size_t)k);
	}
	for (unsigned i = 0; i < nev; i++) { /* in the order they started: insertion, n <= 256 */
		unsigned j = i;

		while (j > 0 && order[j - 1]->start_us > t->ev[i].start_us) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = &t->ev[i];
	}
	for (unsigned i = 0; i < nev; i++) {
		int k = tlfmt_line(order[i], line, sizeof(line));

		if (k > 0)
			strbuf_add(&sb, line, (size_t)k);
	}
	if (t->nev > TIMELINE_EVENTS)
		strbuf_addf(&sb, "# %u more events not recorded (all %d slots taken)\n",
			    t->nev - TIMELINE_EVENTS, TIMELINE_EVENTS);
	return strbuf_finish(&sb);
}

void timeline_save(const struct timeline *t, const char *path, bool to_log)
{
	static char buf[TIMELINE_EVENTS * 400 + 4096];
	int n = timeline_format_file(t, buf, sizeof(buf)), fd;

	if (n < 0) {
		log_warn("timeline: too long to save (%d events)", (int)t->nev);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)n) != n)
		log_warn("timeline: writing %s failed: %m", path);
	if (fd >= 0)
		close(fd);
	/* The same lines in the kernel log, for a serial console or dmesg: one write each. */
	for (char *p = buf, *nl; to_log && (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		log_info("tl: %s", p);
		*nl = '\n';
		if (p == buf) { /* after the header: the two clocks side by side */
			char now[32];

			tlfmt_secs(monoclock_ns() / 1000, now, sizeof(now));
			log_info("tl: clock %s", now);
		}
	}
}
