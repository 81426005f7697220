/* libFuzzer target for tlfmt_parse (and the analysis on what it accepts): any bytes in;
 * every event kept must have bounded, token-only fields and end no earlier than it
 * starts; the analysis, the report, the JSON and the SVG of it must not crash. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "tlfmt.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void token(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);

	must(end != NULL);
	for (; s < end; s++)
		must(*s > ' ' && *s <= '~');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_doc doc;
	struct analysis a;
	int r = tlfmt_parse((const char *)data, size, &doc);

	must(r == 0 || r == -EBADMSG || r == -EPROTONOSUPPORT || r == -E2BIG || r == -ENOMEM);
	for (size_t i = 0; r == 0 && i < doc.n; i++) {
		const struct tl_event *e = &doc.ev[i];

		token(e->kind, sizeof(e->kind));
		token(e->name, sizeof(e->name));
		token(e->outcome, sizeof(e->outcome));
		must(memchr(e->attrs, '\0', sizeof(e->attrs)) != NULL);
		must(e->end_us >= e->start_us);
	}
	if (r == 0 && analysis_make(&a, &doc) == 0) {
		FILE *null = fopen("/dev/null", "w");

		must(null != NULL);
		must(a.npath <= doc.n);
		analyze_print(&a, "fuzz", 5, null);
		analyze_json(&a, null);
		analyze_svg(&a, "fuzz", null);
		fclose(null);
		analysis_free(&a);
	}
	tlfmt_free(&doc);
	return 0;
}
