/* analyze: the boot timeline as a table, the slowest events and the critical path;
 * see analyze.h. */
#include "analyze.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/readfile.h"
#include "parse.h"

#define MAX_INPUT (64u << 20) /* a serial log of a long-running machine is read whole */
#define PATH_SLACK_US ((uint64_t)1000)   /* an event ending this close after the point still leads to it */

static bool is_phase(const struct tl_event *e)
{
	return !strcmp(e->kind, "phase");
}

/* A driver root first kept back: its span is a wait it did not cause, not work. */
static bool is_kept(const struct tl_event *e)
{
	return !strcmp(e->kind, "defer");
}

static const struct tl_event *ev(const struct analysis *a, size_t i)
{
	return &a->doc->ev[i];
}

static const struct analysis *sort_ctx;

static int slower(const void *x, const void *y)
{
	const struct tl_event *a = ev(sort_ctx, *(const size_t *)x), *b = ev(sort_ctx, *(const size_t *)y);
	uint64_t da = a->end_us - a->start_us, db = b->end_us - b->start_us;

	if (da != db)
		return da < db ? 1 : -1;
	return a->start_us < b->start_us ? -1 : a->start_us > b->start_us;
}

static int earlier(const void *x, const void *y)
{
	const struct tl_event *a = ev(sort_ctx, *(const size_t *)x), *b = ev(sort_ctx, *(const size_t *)y);

	return a->start_us < b->start_us ? -1 : a->start_us > b->start_us;
}

/* Back from the end of the root phase: each step takes the event that ended last before
 * the point (the longest of those ending together) and moves the point to its start. */
static void critical_path(struct analysis *a)
{
	const struct tl_doc *d = a->doc;
	uint64_t t = a->root_us, first = ev(a, a->phases[0])->start_us;

	a->npath = 0;
	for (;;) {
		size_t best = SIZE_MAX;

		for (size_t i = 0; i < d->n; i++) {
			const struct tl_event *e = &d->ev[i];

			if (is_phase(e) || is_kept(e) || e->end_us > t + PATH_SLACK_US || e->start_us >= t || e->start_us < first)
				continue;
			if (best == SIZE_MAX || e->end_us > d->ev[best].end_us ||
			    (e->end_us == d->ev[best].end_us && e->start_us < d->ev[best].start_us))
				best = i;
		}
		if (best == SIZE_MAX)
			break;
		a->path[a->npath++] = best;
		t = d->ev[best].start_us;
	}
	for (size_t i = 0; i < a->npath / 2; i++) { /* into time order */
		size_t k = a->path[i];

		a->path[i] = a->path[a->npath - 1 - i];
		a->path[a->npath - 1 - i] = k;
	}
}

int analysis_make(struct analysis *a, const struct tl_doc *doc)
{
	*a = (struct analysis){ .doc = doc };
	a->phases = calloc(doc->n + 1, sizeof(size_t));
	a->slow = calloc(doc->n + 1, sizeof(size_t));
	a->path = calloc(doc->n + 1, sizeof(size_t));
	a->kept = calloc(doc->n + 1, sizeof(size_t));
	if (!a->phases || !a->slow || !a->path || !a->kept) {
		analysis_free(a);
		return -ENOMEM;
	}
	for (size_t i = 0; i < doc->n; i++) {
		if (is_phase(&doc->ev[i]))
			a->phases[a->nphases++] = i;
		else if (is_kept(&doc->ev[i]))
			a->kept[a->nkept++] = i;
		else
			a->slow[a->nslow++] = i;
	}
	if (!a->nphases) {
		analysis_free(a);
		return -ENODATA;
	}
	sort_ctx = a;
	qsort(a->phases, a->nphases, sizeof(size_t), earlier);
	qsort(a->slow, a->nslow, sizeof(size_t), slower);
	uint64_t kz = doc->kernel_zero_us;

	if (doc->have_kernel_zero && doc->have_clock) /* the log's clock to the timeline's */
		kz = kz + doc->clock_us >= doc->clock_stamp_us ? kz + doc->clock_us - doc->clock_stamp_us : 0;
	if (doc->have_kernel_zero && kz <= ev(a, a->phases[0])->start_us) {
		a->zero_us = kz;
		a->zero_what = "the kernel's \"Run /init\"";
	} else {
		a->zero_us = doc->have_zero ? doc->zero_us : ev(a, a->phases[0])->start_us;
		if (a->zero_us > ev(a, a->phases[0])->start_us)
			a->zero_us = ev(a, a->phases[0])->start_us;
		a->zero_what = "sprout-init's start";
	}
	a->root_us = ev(a, a->phases[a->nphases - 1])->end_us;
	for (size_t i = 0; i < a->nphases; i++)
		if (!strcmp(ev(a, a->phases[i])->name, "root"))
			a->root_us = ev(a, a->phases[i])->end_us;
	critical_path(a);
	return 0;
}

void analysis_free(struct analysis *a)
{
	free(a->phases);
	free(a->slow);
	free(a->path);
	free(a->kept);
	a->phases = a->slow = a->path = a->kept = NULL;
	a->nphases = a->nslow = a->npath = a->nkept = 0;
}

const char *analysis_phase_of(const struct analysis *a, const struct tl_event *e)
{
	const char *in = "";

	for (size_t i = 0; i < a->nphases; i++) {
		const struct tl_event *p = ev(a, a->phases[i]);

		if (e->start_us >= p->start_us && e->start_us <= p->end_us)
			in = p->name; /* the last that holds it: a retried phase spans the others */
	}
	return in;
}

static double rel(const struct analysis *a, uint64_t us)
{
	return ((double)us - (double)a->zero_us) / 1e6;
}

static double dur(const struct tl_event *e)
{
	return (double)(e->end_us - e->start_us) / 1e6;
}

/* "\x20" back to a space for display; tokens hold nothing else a terminal minds. */
static void put_token(const char *s, FILE *out)
{
	for (; *s; s++) {
		if (!strncmp(s, "\\x20", 4)) {
			fputc(' ', out);
			s += 3;
		} else {
			fputc(*s, out);
		}
	}
}

static void put_event(const struct analysis *a, const struct tl_event *e, FILE *out)
{
	fprintf(out, "%9.3fs %+9.3fs  %-7s ", dur(e), rel(a, e->start_us), e->kind);
	put_token(e->name, out);
	fprintf(out, " %s", e->outcome);
	if (e->attrs[0]) {
		fputs(" (", out);
		put_token(e->attrs, out);
		fputc(')', out);
	}
	fprintf(out, " [%s]\n", analysis_phase_of(a, e));
}

void analyze_print(const struct analysis *a, const char *source, size_t top, FILE *out)
{
	const struct tl_event *first = ev(a, a->phases[0]), *last = ev(a, a->phases[a->nphases - 1]);
	double sum = 0;

	fprintf(out, "timeline of %s (format %d); time 0 is %s", source, a->doc->version, a->zero_what);
	fprintf(out, ", %.6f s after the kernel started\n\n", (double)a->zero_us / 1e6);
	fprintf(out, "%-10s %10s %10s %9s\n", "phase", "start", "took", "attempts");
	for (size_t i = 0; i < a->nphases; i++) {
		const struct tl_event *p = ev(a, a->phases[i]);
		char att[16] = "1";

		tlfmt_attr_get(p, "attempts", att, sizeof(att));
		fprintf(out, "%-10s %+9.3fs %9.3fs %9s\n", p->name, rel(a, p->start_us), dur(p), att);
		sum += dur(p);
	}
	fprintf(out, "%-10s %10s %9.3fs   (sprout-init ran %.3f s; the root was ready at %+.3f s)\n",
		"total", "", sum, (double)(last->end_us - first->start_us) / 1e6, rel(a, a->root_us));
	if (a->nslow) {
		size_t n = a->nslow < top ? a->nslow : top;

		fprintf(out, "\nslowest %zu of %zu events:\n%10s %10s  %-7s name outcome (details) [phase]\n",
			n, a->nslow, "took", "start", "kind");
		for (size_t i = 0; i < n; i++)
			put_event(a, ev(a, a->slow[i]), out);
	}
	fprintf(out, "\ncritical path to the root (%+.3f s):\n", rel(a, a->root_us));
	uint64_t t = first->start_us;

	for (size_t i = 0; i < a->npath; i++) {
		const struct tl_event *e = ev(a, a->path[i]);

		if (e->start_us > t + 10 * PATH_SLACK_US)
			fprintf(out, "%9.3fs %+9.3fs  (sprout-init's own work, no event)\n",
				(double)(e->start_us - t) / 1e6, rel(a, t));
		put_event(a, e, out);
		t = e->end_us > t ? e->end_us : t;
	}
	if (a->root_us > t + 10 * PATH_SLACK_US)
		fprintf(out, "%9.3fs %+9.3fs  (sprout-init's own work, no event)\n",
			(double)(a->root_us - t) / 1e6, rel(a, t));
	if (a->nkept) {
		fprintf(out, "\ndrivers kept for later (root first): %zu device(s)\n", a->nkept);
		for (size_t i = 0; i < a->nkept; i++)
			put_event(a, ev(a, a->kept[i]), out);
	}
	if (a->doc->bad)
		fprintf(out, "\nnote: %zu line(s) looked like timeline lines but were not; the first is line %zu\n",
			a->doc->bad, a->doc->first_bad);
}

/* --- JSON ------------------------------------------------------------------------------ */

static void jstr(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		if (!strncmp(s, "\\x20", 4)) {
			fputc(' ', out);
			s += 3;
		} else if (*s == '"' || *s == '\\') {
			fprintf(out, "\\%c", *s);
		} else if ((unsigned char)*s < 0x20) {
			fprintf(out, "\\u%04x", (unsigned char)*s);
		} else {
			fputc(*s, out);
		}
	}
	fputc('"', out);
}

static void jevent(const struct analysis *a, const struct tl_event *e, FILE *out)
{
	fputs("{\"kind\":", out);
	jstr(e->kind, out);
	fputs(",\"name\":", out);
	jstr(e->name, out);
	fprintf(out, ",\"start\":%.6f,\"end\":%.6f,\"seconds\":%.6f,\"outcome\":", rel(a, e->start_us),
		rel(a, e->end_us), dur(e));
	jstr(e->outcome, out);
	fputs(",\"phase\":", out);
	jstr(analysis_phase_of(a, e), out);
	fputs(",\"attrs\":{", out);
	for (const char *p = e->attrs; *p;) {
		const char *sp = strchr(p, ' '), *eq = strchr(p, '=');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		char key[64], val[256];

		if (eq && eq < p + n && (size_t)(eq - p) < sizeof(key)) {
			memcpy(key, p, (size_t)(eq - p));
			key[eq - p] = '\0';
			snprintf(val, sizeof(val), "%.*s", (int)(p + n - eq - 1), eq + 1);
			fputs(p == e->attrs ? "" : ",", out);
			jstr(key, out);
			fputc(':', out);
			jstr(val, out);
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	fputs("}}", out);
}

void analyze_json(const struct analysis *a, FILE *out)
{
	fprintf(out, "{\"version\":%d,\"zero\":%.6f,\"zero_is\":", a->doc->version, (double)a->zero_us / 1e6);
	jstr(a->zero_what[0] == 't' ? "run-init" : "sprout-init", out);
	fprintf(out, ",\"root_ready\":%.6f,\"phases\":[", rel(a, a->root_us));
	for (size_t i = 0; i < a->nphases; i++) {
		fputs(i ? "," : "", out);
		jevent(a, ev(a, a->phases[i]), out);
	}
	fputs("],\"events\":[", out);
	for (size_t i = 0; i < a->nslow; i++) {
		fputs(i ? "," : "", out);
		jevent(a, ev(a, a->slow[i]), out);
	}
	fputs("],\"kept\":[", out);
	for (size_t i = 0; i < a->nkept; i++) {
		fputs(i ? "," : "", out);
		jevent(a, ev(a, a->kept[i]), out);
	}
	fputs("],\"critical_path\":[", out);
	for (size_t i = 0; i < a->npath; i++) {
		fputs(i ? "," : "", out);
		jevent(a, ev(a, a->path[i]), out);
	}
	fputs("]}\n", out);
}

/* --- the command ----------------------------------------------------------------------- */

static const char usage[] =
	"usage: sprout analyze [--json] [--svg OUT] [--top N] [FILE]\n"
	"\n"
	"Shows where the boot's initramfs time went: sprout-init's phases, the slowest\n"
	"events (module loads and who asked for them, waits, DHCP, NFS servers tried,\n"
	"storage layers) and the critical path to the root.\n"
	"\n"
	"  FILE        the timeline: /run/sprout/timeline (the default, on the booted\n"
	"              system), or a serial-console log or dmesg output holding\n"
	"              sprout-init's \"sprout: tl:\" lines; - reads standard input\n"
	"  --json      the same as JSON, for scripts\n"
	"  --svg OUT   also draws the timeline as an SVG chart into OUT (- for stdout)\n"
	"  --top N     how many of the slowest events to show (default 10)\n"
	"  -h, --help  this help\n"
	"\n"
	"The timeline format is described in sprout-image(5).\n";

static int usage_err(const char *fmt, const char *arg)
{
	fputs("sprout: analyze: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(see sprout analyze --help)\n", stderr);
	return 2;
}

static int read_input(const char *path, char **text, size_t *len)
{
	if (strcmp(path, "-") != 0)
		return readfile_at(AT_FDCWD, path, MAX_INPUT, text, len);
	size_t cap = 0;

	*text = NULL;
	*len = 0;
	for (;;) {
		if (array_grow((void **)text, &cap, *len + 65536 + 1, 1, MAX_INPUT + 1) < 0) {
			free(*text);
			*text = NULL;
			return -EFBIG;
		}
		ssize_t k = read(0, *text + *len, cap - *len - 1);

		if (k < 0) {
			int e = errno;

			free(*text);
			*text = NULL;
			return -e;
		}
		if (k == 0)
			break;
		*len += (size_t)k;
	}
	(*text)[*len] = '\0';
	return 0;
}

enum { OPT_JSON = 256, OPT_SVG, OPT_TOP };

int analyze_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = ANALYZE_DEFAULT_FILE, *svg = NULL;
	bool json = false;
	unsigned top = 10;
	struct tl_doc doc;
	struct analysis a;
	size_t len;
	char *text;
	int opt, r, rc = 1;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: json = true; break;
		case OPT_SVG: svg = optarg; break;
		case OPT_TOP:
			if (parse_uint(optarg, 100000, &top) < 0)
				return usage_err("--top wants a number, not \"%s\"", optarg);
			break;
		case 'h': fputs(usage, stdout); return 0;
		case ':': return usage_err("%s needs a value", argv[optind - 1]);
		default: return usage_err("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc)
		return usage_err("unexpected argument \"%s\"", argv[optind]);
	r = read_input(file, &text, &len);
	if (r < 0) {
		fprintf(stderr, "sprout: analyze: cannot read %s: %s%s\n", file, strerror(-r),
			r == -ENOENT && !strcmp(file, ANALYZE_DEFAULT_FILE)
				? " (not a system booted by sprout-init? give a FILE)" : "");
		return 1;
	}
	r = tlfmt_parse(text, len, &doc);
	free(text);
	if (r == -EBADMSG)
		fprintf(stderr, "sprout: analyze: %s holds no sprout timeline (no \"sprout-timeline\" line; "
			"a serial log needs sprout-init's \"sprout: tl:\" lines)\n", file);
	else if (r == -EPROTONOSUPPORT)
		fprintf(stderr, "sprout: analyze: %s is timeline format %d; this sprout reads format %d\n",
			file, doc.version, TLFMT_VERSION);
	else if (r < 0)
		fprintf(stderr, "sprout: analyze: reading %s: %s\n", file, strerror(-r));
	if (r < 0)
		goto out;
	r = analysis_make(&a, &doc);
	if (r == -ENODATA) {
		fprintf(stderr, "sprout: analyze: %s has a timeline header but no phase\n", file);
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "sprout: analyze: %s\n", strerror(-r));
		goto out;
	}
	if (json)
		analyze_json(&a, stdout);
	else if (!svg || strcmp(svg, "-") != 0)
		analyze_print(&a, file, top, stdout);
	rc = 0;
	if (svg) {
		bool to_stdout = strcmp(svg, "-") == 0;
		FILE *f = to_stdout ? stdout : fopen(svg, "we");

		if (!f) {
			fprintf(stderr, "sprout: analyze: cannot write %s: %m\n", svg);
			rc = 1;
		} else {
			analyze_svg(&a, file, f);
			int bad = to_stdout ? fflush(f) : fclose(f);

			if (bad != 0) {
				fprintf(stderr, "sprout: analyze: writing %s failed: %m\n", svg);
				rc = 1;
			}
		}
	}
	if (fflush(stdout) != 0)
		rc = 1;
	analysis_free(&a);
out:
	tlfmt_free(&doc);
	return rc;
}
