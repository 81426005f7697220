/* analyze_svg: the boot timeline as an SVG chart. The kernel's "Run /init" (or
 * sprout-init's start) is time 0; phases are bands across the chart and a row each;
 * every event is a bar in a row of its own, coloured by kind (servers and failures by
 * outcome), labelled beside it with its name and time. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

#define W 1200.0
#define LEFT 20.0
#define RIGHT 20.0
#define TOP 78.0
#define ROW 20.0

struct colour {
	const char *kind, *fill, *what;
};

static const struct colour legend[] = {
	{ "phase", "#4a5568", "phase" },
	{ "module", "#3182ce", "module load" },
	{ "wait", "#dd6b20", "wait (device, carrier)" },
	{ "dhcp", "#805ad5", "DHCP exchange" },
	{ "storage", "#975a16", "storage layer" },
	{ "server", "#38a169", "server tried: answered" },
	{ "fail", "#e53e3e", "failed / timed out" },
};

static bool failed(const struct tl_event *e)
{
	return strcmp(e->outcome, "ok") != 0 && strcmp(e->outcome, "skip") != 0 && strcmp(e->outcome, "nodev") != 0;
}

static const char *fill_of(const struct tl_event *e)
{
	if (failed(e))
		return legend[6].fill;
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(e->kind, legend[i].kind))
			return legend[i].fill;
	return "#718096";
}

/* Text for XML: the token's "\x20" as a space, & < > " as entities. */
static void xml(const char *s, FILE *out)
{
	for (; *s; s++) {
		if (!strncmp(s, "\\x20", 4)) {
			fputc(' ', out);
			s += 3;
		} else if (*s == '&') {
			fputs("&amp;", out);
		} else if (*s == '<') {
			fputs("&lt;", out);
		} else if (*s == '>') {
			fputs("&gt;", out);
		} else if (*s == '"') {
			fputs("&quot;", out);
		} else {
			fputc(*s, out);
		}
	}
}

/* The characters a reader sees of SVG text: entities count one. */
static size_t visible_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '&') {
			const char *semi = strchr(s, ';');

			s = semi ? semi : s;
		} else if ((*s & 0xc0) == 0x80) {
			continue; /* a UTF-8 continuation byte */
		}
		n++;
	}
	return n;
}

static void took(double s, FILE *out)
{
	if (s < 1)
		fprintf(out, "%.0f ms", s * 1000);
	else
		fprintf(out, "%.2f s", s);
}

/* A tick step giving about 10 ticks over span seconds: 1, 2 or 5 times a power of ten. */
static double tick_step(double span)
{
	static const double m[] = { 1, 2, 5 };
	double p = 0.001;

	for (;;) {
		for (int i = 0; i < 3; i++)
			if (span / (m[i] * p) <= 12)
				return m[i] * p;
		p *= 10;
	}
}

static void label(const struct analysis *a, const struct tl_event *e, FILE *out)
{
	char by[160];

	if (strcmp(e->kind, "phase") != 0) {
		xml(e->kind, out);
		fputc(' ', out);
	}
	xml(e->name, out);
	fputc(' ', out);
	took((double)(e->end_us - e->start_us) / 1e6, out);
	if (strcmp(e->outcome, "ok") != 0) {
		fputs(" — ", out);
		xml(e->outcome, out);
	}
	if (tlfmt_attr_get(e, "err", by, sizeof(by)) == 0) {
		fputs(" ", out);
		xml(by, out);
	}
	if (!strcmp(e->kind, "module") && tlfmt_attr_get(e, "by", by, sizeof(by)) == 0) {
		fputs(strncmp(by, "dependency\\x20", 14) != 0 && strncmp(by, "by\\x20", 6) != 0 ? " (for " : " (", out);
		xml(by, out);
		fputc(')', out);
	}
	if (!strcmp(e->kind, "wait") && tlfmt_attr_get(e, "for", by, sizeof(by)) == 0) {
		fputs(" (", out);
		xml(by, out);
		fputc(')', out);
	}
	(void)a;
}

void analyze_svg(const struct analysis *a, const char *title, FILE *out)
{
	const struct tl_doc *d = a->doc;
	uint64_t end = a->root_us;
	size_t rows = a->nphases + a->nslow;
	double span, scale, step, h;

	for (size_t i = 0; i < d->n; i++)
		if (d->ev[i].end_us > end)
			end = d->ev[i].end_us;
	span = (double)(end - a->zero_us) / 1e6;
	if (span <= 0)
		span = 0.001;
	scale = (W - LEFT - RIGHT) / span;
	step = tick_step(span);
	h = TOP + (double)rows * ROW + 60;
#define X(us) (LEFT + ((double)(us) - (double)a->zero_us) / 1e6 * scale)

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		     "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n",
		W, h, W, h);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fputs("<text x=\"20\" y=\"22\" font-size=\"15\" font-weight=\"bold\">sprout-init boot timeline: ", out);
	xml(title, out);
	fputs("</text>\n", out);
	fprintf(out, "<text x=\"20\" y=\"40\" fill=\"#4a5568\">time 0 is %s; the root was ready at %.3f s</text>\n",
		a->zero_what[0] == 't' ? "the kernel's &quot;Run /init&quot;" : "sprout-init's start",
		((double)a->root_us - (double)a->zero_us) / 1e6);
	/* phase bands */
	for (size_t i = 0; i < a->nphases; i++) {
		const struct tl_event *p = &d->ev[a->phases[i]];
		double x = X(p->start_us), w = X(p->end_us) - x;

		fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>\n", x, TOP - 8,
			w < 0.5 ? 0.5 : w, (double)rows * ROW + 10, i % 2 ? "#edf2f7" : "#f7fafc");
	}
	/* time axis */
	for (int i = 0; (double)i * step <= span + step / 2; i++) {
		double t = (double)i * step, x = LEFT + t * scale;

		fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#cbd5e0\" stroke-width=\"0.5\"/>\n",
			x, TOP - 14, x, TOP + (double)rows * ROW + 2);
		fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#4a5568\" font-size=\"10\">%g s</text>\n",
			x, TOP - 18, t);
	}
	/* one row each: the phases first, then the events in the order they started */
	size_t *idx = malloc((rows ? rows : 1) * sizeof(size_t));

	if (!idx) {
		fputs("<text x=\"20\" y=\"100\">out of memory</text></svg>\n", out);
		return;
	}

	for (size_t i = 0; i < a->nphases; i++)
		idx[i] = a->phases[i];
	for (size_t i = 0; i < a->nslow; i++)
		idx[a->nphases + i] = a->slow[i];
	for (size_t i = a->nphases + 1; i < rows; i++) { /* events by start: insertion sort */
		size_t v = idx[i], j = i;

		while (j > a->nphases && d->ev[idx[j - 1]].start_us > d->ev[v].start_us) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
	for (size_t r = 0; r < rows; r++) {
		const struct tl_event *e = &d->ev[idx[r]];
		double x = X(e->start_us), w = X(e->end_us) - x, y = TOP + (double)r * ROW;
		char *text = NULL;
		size_t tlen = 0;
		FILE *m = open_memstream(&text, &tlen);

		if (w < 2)
			w = 2;
		if (m) {
			label(a, e, m);
			fclose(m);
		}
		/* beside the bar where it fits, else before it, else over it in white */
		double tw = 6.8 * (double)(text ? visible_len(text) : 0);
		const char *anchor = "", *colour = "";
		double tx = x + w + 4;

		if (tx + tw > W && x - 4 - tw >= 0) {
			tx = x - 4;
			anchor = " text-anchor=\"end\"";
		} else if (tx + tw > W) {
			tx = x + 4;
			colour = " fill=\"#ffffff\"";
		}
		fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" rx=\"2\" fill=\"%s\"/>\n", x, y + 3, w,
			ROW - 6, fill_of(e));
		fprintf(out, "<text x=\"%.1f\" y=\"%.0f\"%s%s>%s</text>\n", tx, y + 14, anchor, colour, text ? text : "");
		free(text);
	}
	/* legend */
	double lx = LEFT, ly = TOP + (double)rows * ROW + 30;

	for (size_t i = 0; i < sizeof(legend) / sizeof(legend[0]); i++) {
		fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			     "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", lx, ly - 10, legend[i].fill, lx + 16, ly, legend[i].what);
		lx += 40 + 7.0 * (double)strlen(legend[i].what);
	}
	fputs("</svg>\n", out);
	free(idx);
#undef X
}
