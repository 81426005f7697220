/* libFuzzer target for modindex (and the module options of modload): the input is
 * up to four NUL-separated parts — modules.dep, modules.alias, modules.softdep text,
 * then a query. The three parsers run over their parts; then the query is looked up
 * as an alias, every module found gets a load plan, and the invariants are checked:
 * reported modules are in the image and distinct, plans name each module once with
 * its own path and end the required part with the module itself. The query is also
 * a glob test against fnmatch, and a command line for modload_params. */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modindex.h"
#include "modload.h"

#define MAX_SEEN 64

static void must(int cond)
{
	if (!cond)
		abort();
}

struct seen {
	const struct modindex *idx;
	const char *name[MAX_SEEN];
	int n;
};

static int record(const char *module, void *ctx)
{
	struct seen *s = ctx;
	must(modindex_path(s->idx, module) != NULL);
	for (int i = 0; i < s->n; i++)
		must(strcmp(s->name[i], module) != 0);
	if (s->n < MAX_SEEN)
		s->name[s->n++] = module;
	return 0;
}

static void check_plan(const struct modindex *idx, const char *module)
{
	struct modindex_step st[32];
	const char *names[32];
	int n = modindex_load_plan(idx, module, st, 32);
	must(n == -ENOENT || n == -E2BIG || n == -ELOOP || (n >= 1 && n <= 32));
	if (n < 0) {
		must(modindex_load_order(idx, module, names, 32) == n);
		return;
	}
	char norm[MODINDEX_MAX_NAME + 1];
	must(modindex_normalise(module, norm) == 0);
	int self = -1;
	for (int i = 0; i < n; i++) {
		must(st[i].path && st[i].path == modindex_path(idx, st[i].name));
		for (int k = 0; k < i; k++)
			must(st[k].name != st[i].name);
		if (!strcmp(st[i].name, norm))
			self = i;
	}
	must(self >= 0 && !st[self].optional);
	for (int i = 0; i < n; i++) { /* a CPU modalias the patterns of the input may name */
		int fit = modindex_cpu_fit(idx, st[i].name, "cpu:type:x86,ven0000fam0006mod0006:feature:,0000,0094");
		must(fit == 0 || fit == 1);
		must(modindex_cpu_fit(idx, st[i].name, NULL) == 1);
	}
	must(modindex_load_order(idx, module, names, 32) == n);
	for (int i = 0; i < n; i++)
		must(names[i] == st[i].name);
	if (n > 1)
		must(modindex_load_order(idx, module, names, n - 1) == -E2BIG);
}

/* Every '[' has a ']' that closes it (glibc and we differ on unterminated ones). */
static int brackets_closed(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		const char *q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++;
		while (*q && *q != ']')
			q += (*q == '\\' && q[1]) ? 2 : 1;
		if (!*q)
			return 0;
	}
	return 1;
}

static void check_glob(const char *q)
{
	const char *sp = strchr(q, ' ');
	if (!sp || sp - q > 48 || strlen(sp + 1) > 48)
		return;
	char pat[64];
	memcpy(pat, q, (size_t)(sp - q));
	pat[sp - q] = '\0';
	int stars = 0;
	for (const char *p = pat; *p; p++)
		stars += *p == '*';
	bool mine = modindex_glob_match(pat, sp + 1);
	if (stars <= 4 && brackets_closed(pat) && !strstr(pat, "[:") && !strstr(pat, "[=") &&
	    !strstr(pat, "[."))
		must(mine == (fnmatch(pat, sp + 1, 0) == 0));
}

static void check_params(const char *q, size_t len)
{
	char out[128];
	int r = modload_params(q, len, "m", out, sizeof(out));
	must(r == -E2BIG || (r >= 0 && (size_t)r == strlen(out) && r < (int)sizeof(out)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[4] = { "", "", "", "" };
	size_t len[4] = { 0, 0, 0, 0 };
	size_t pos = 0;
	for (int i = 0; i < 4 && pos <= size; i++) {
		const uint8_t *nul = i < 3 ? memchr(data + pos, 0, size - pos) : NULL;
		size_t n = nul ? (size_t)(nul - data) - pos : size - pos;
		part[i] = (const char *)data + pos;
		len[i] = n;
		pos += n + 1;
	}
	struct modindex *idx = modindex_new();
	if (!idx)
		return 0;
	int (*const parse[3])(struct modindex *, const char *, size_t, size_t *) = {
		modindex_parse_dep, modindex_parse_alias, modindex_parse_softdep };
	for (int i = 0; i < 3; i++) {
		size_t bad = 99;
		int r = parse[i](idx, part[i], len[i], &bad);
		must(r == 0 || r == -EBADMSG || r == -E2BIG);
		must(r == 0 ? bad == 0 : bad >= 1);
	}
	must(modindex_count(idx) <= modindex_slots(idx));

	char *q = malloc(len[3] + 1);
	if (q) {
		memcpy(q, part[3], len[3]);
		q[len[3]] = '\0';
		struct seen s = { .idx = idx };
		must(modindex_lookup(idx, q, record, &s) == 0);
		must((size_t)s.n <= modindex_count(idx));
		for (int i = 0; i < s.n && i < 8; i++)
			check_plan(idx, s.name[i]);
		char norm[MODINDEX_MAX_NAME + 1];
		if (modindex_normalise(q, norm) == 0)
			check_plan(idx, norm);
		check_glob(q);
		check_params(part[3], len[3]);
		free(q);
	}
	modindex_free(idx);
	return 0;
}
