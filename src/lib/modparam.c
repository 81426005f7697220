/* modparam: MODULE.PARAM=VALUE words of the kernel command line. See modparam.h. */
#include "modparam.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base/strbuf.h"
#include "cmdline.h"
#include "modindex.h"
#include "parse.h"

/* One word split the module-parameter way; every span still holds its quotes. */
struct mp_word {
	char module[MODINDEX_MAX_NAME + 1]; /* normalised */
	const char *param;                  /* raw span after the '.' up to '=' or the end */
	size_t param_len;
	const char *value;                  /* raw span after the '='; NULL for a flag */
	size_t value_len;
};

/* Does raw[0..n), quotes removed, read "--"? */
static bool is_dashes(const char *raw, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (raw[i] == '"')
			continue;
		if (raw[i] != '-' || ++k > 2)
			return false;
	}
	return k == 2;
}

/* Counts the bytes of raw[0..n) other than quotes; *space: one of them is whitespace. */
static size_t unquoted_len(const char *raw, size_t n, bool *space)
{
	size_t k = 0;

	*space = false;
	for (size_t i = 0; i < n; i++) {
		if (raw[i] == '"')
			continue;
		k++;
		*space = *space || parse_is_space((unsigned char)raw[i]);
	}
	return k;
}

/* Splits the raw word raw[0..n) into *w; false when it is no module parameter. */
static bool split(const char *raw, size_t n, struct mp_word *w)
{
	const char *eq = memchr(raw, '=', n);
	size_t klen = eq ? (size_t)(eq - raw) : n, m = 0, i = 0;
	char name[MODINDEX_MAX_NAME + 1];
	bool space;

	for (; i < klen && raw[i] != '.'; i++) {
		if (raw[i] == '"')
			continue;
		if (m == MODINDEX_MAX_NAME)
			return false;
		name[m++] = raw[i];
	}
	if (i == klen)
		return false;
	name[m] = '\0';
	if (modindex_normalise(name, w->module) < 0)
		return false;
	w->param = raw + i + 1;
	w->param_len = klen - i - 1;
	if (unquoted_len(w->param, w->param_len, &space) == 0 || space)
		return false;
	w->value = eq ? eq + 1 : NULL;
	w->value_len = eq ? n - klen - 1 : 0;
	return true;
}

/* Adds raw[0..n) without its quotes. */
static void add_unquoted(struct strbuf *sb, const char *raw, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (raw[i] != '"')
			strbuf_addc(sb, raw[i]);
}

static void add_option(struct strbuf *sb, const struct mp_word *w)
{
	bool space;

	if (sb->len)
		strbuf_addc(sb, ' ');
	add_unquoted(sb, w->param, w->param_len);
	if (!w->value)
		return;
	strbuf_addc(sb, '=');
	unquoted_len(w->value, w->value_len, &space);
	if (space)
		strbuf_addc(sb, '"');
	add_unquoted(sb, w->value, w->value_len);
	if (space)
		strbuf_addc(sb, '"');
}

/* Calls fn for each module-parameter word of cmdline[0..len) until fn returns false. */
static void each_word(const char *cmdline, size_t len,
		      bool (*fn)(const char *raw, size_t n, const struct mp_word *w, void *ctx),
		      void *ctx)
{
	const char *nul = len ? memchr(cmdline, '\0', len) : NULL;
	size_t pos = 0, start, end;

	if (nul)
		len = (size_t)(nul - cmdline);
	while (cmdline_next_word(cmdline, len, &pos, &start, &end)) {
		struct mp_word w;

		if (is_dashes(cmdline + start, end - start))
			return;
		if (split(cmdline + start, end - start, &w) &&
		    !fn(cmdline + start, end - start, &w, ctx))
			return;
	}
}

struct get_ctx {
	const char *want;
	struct strbuf sb;
};

static bool get_one(const char *raw, size_t n, const struct mp_word *w, void *ctx)
{
	struct get_ctx *g = ctx;

	(void)raw;
	(void)n;
	if (strcmp(w->module, g->want) == 0)
		add_option(&g->sb, w);
	return !g->sb.full;
}

int modparam_get(const char *cmdline, size_t len, const char *module, char *out, size_t n)
{
	char want[MODINDEX_MAX_NAME + 1];
	struct get_ctx g = { .want = want };

	strbuf_init(&g.sb, out, n);
	if (n == 0)
		return -E2BIG;
	if (modindex_normalise(module, want) < 0)
		return 0;
	each_word(cmdline, len, get_one, &g);
	return strbuf_finish(&g.sb) < 0 ? -E2BIG : (int)g.sb.len;
}

struct select_ctx {
	struct strbuf sb;
	int kept;
	unsigned dropped;
};

static bool select_one(const char *raw, size_t n, const struct mp_word *w, void *ctx)
{
	struct select_ctx *c = ctx;
	size_t need = n + (c->sb.len > 0);

	(void)w;
	if (c->dropped || need >= c->sb.size - c->sb.len) {
		c->dropped++;
		return true;
	}
	if (c->sb.len)
		strbuf_addc(&c->sb, ' ');
	strbuf_add(&c->sb, raw, n);
	c->kept++;
	return true;
}

int modparam_select(const char *cmdline, size_t len, char *out, size_t n, unsigned *dropped)
{
	struct select_ctx c = { .kept = 0 };

	if (dropped)
		*dropped = 0;
	if (n == 0)
		return 0;
	c.sb = (struct strbuf){ .p = out, .size = n, .len = strnlen(out, n - 1) };
	out[c.sb.len] = '\0';
	each_word(cmdline, len, select_one, &c);
	if (dropped)
		*dropped = c.dropped;
	return c.kept;
}
