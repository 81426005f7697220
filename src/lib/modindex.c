/* modindex: modules.dep / modules.alias / modules.softdep in memory.
 *
 * Strings live in an arena of fixed blocks, so pointers handed out stay valid until
 * modindex_free. Modules are found by name through an open-addressing table.
 * Aliases are bucketed by their literal prefix (the bytes before the first glob
 * character): a pattern can only match a string that starts with its literal
 * prefix, so a lookup hashes each prefix of the string and runs the glob matcher
 * only on the patterns of the buckets it hits — a "pci:v00008086d..." modalias is
 * matched against the few Intel PCI patterns, not all 26000 lines. */
#include "modindex.h"

#include "base/array.h"
#include "base/hash.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define ARENA_BLOCK 65536
#define MAX_TOKENS (MODINDEX_MAX_DEPS + 8)

struct block {
	struct block *next;
	size_t used, size;
	char data[];
};

struct mod {
	const char *name;
	const char *path;        /* NULL: named only by an alias line */
	uint32_t dep_off, ndeps; /* into idx->deps */
	uint32_t soft_head, soft_tail, nsoft;
	bool has_line;
};

struct soft {
	const char *name; /* as written: may be an alias */
	uint32_t next;
	bool post;
};

struct alias {
	const char *pattern;
	uint32_t mod, next;
};

/* 16 bytes: the table is kept at most half full, so a generic image's ~2700 aliases take
 * 8192 buckets, and sprout-init's peak memory counts them. The prefix is the first
 * alias's pattern. */
struct bucket {
	uint32_t hash, len;
	uint32_t head; /* the first alias + 1; 0: free slot */
	uint32_t tail;
};

struct modindex {
	struct block *arena;
	struct mod *mods;
	size_t nmods, capmods, npath;
	uint32_t *table; /* id + 1, 0 = free */
	size_t table_size;
	uint32_t *deps;
	size_t ndeps, capdeps;
	struct soft *soft;
	size_t nsoft, capsoft;
	struct alias *aliases;
	size_t naliases, capaliases;
	struct bucket *buckets;
	size_t nbuckets, bucket_size;
	uint64_t lenmask[MODINDEX_MAX_LINE / 64 + 1]; /* prefix lengths in use */
};

/* Growth of the index's arrays: every count is capped, so a hostile index file ends in
 * -E2BIG (a clear error) before it can exhaust memory. */
#define MAX_DEP_REFS ((size_t)MODINDEX_MAX_MODULES * (MODINDEX_MAX_DEPS + 1))

static const char *arena_dup(struct modindex *idx, const char *s, size_t n)
{
	struct block *b = idx->arena;
	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = idx->arena;
		b->used = 0;
		b->size = size;
		idx->arena = b;
	}
	char *p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

struct modindex *modindex_new(void)
{
	return calloc(1, sizeof(struct modindex));
}

void modindex_free(struct modindex *idx)
{
	if (!idx)
		return;
	while (idx->arena) {
		struct block *next = idx->arena->next;
		free(idx->arena);
		idx->arena = next;
	}
	free(idx->mods);
	free(idx->table);
	free(idx->deps);
	free(idx->soft);
	free(idx->aliases);
	free(idx->buckets);
	free(idx);
}

int modindex_normalise(const char *name, char *out)
{
	size_t i = 0;
	for (; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c >= 0x7f || c == '/')
			return -EINVAL;
		if (i >= MODINDEX_MAX_NAME)
			return -ENAMETOOLONG;
		out[i] = (char)(c == '-' ? '_' : c);
	}
	out[i] = '\0';
	return i ? 0 : -EINVAL;
}

/* --- modules by name ------------------------------------------------------------- */

static int find_id(const struct modindex *idx, const char *name)
{
	if (!idx->table_size)
		return -ENOENT;
	size_t mask = idx->table_size - 1;
	for (size_t i = hash_str(name) & mask;; i = (i + 1) & mask) {
		uint32_t v = idx->table[i];
		if (!v)
			return -ENOENT;
		if (!strcmp(idx->mods[v - 1].name, name))
			return (int)(v - 1);
	}
}

static void table_put(uint32_t *table, size_t size, const char *name, uint32_t id)
{
	size_t i = hash_str(name) & (size - 1);
	while (table[i])
		i = (i + 1) & (size - 1);
	table[i] = id + 1;
}

static int table_grow(struct modindex *idx)
{
	size_t size = idx->table_size ? idx->table_size * 2 : 256;
	uint32_t *t = calloc(size, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < idx->nmods; i++)
		table_put(t, size, idx->mods[i].name, (uint32_t)i);
	free(idx->table);
	idx->table = t;
	idx->table_size = size;
	return 0;
}

/* The id of a normalised name, creating the module when new. */
static int intern(struct modindex *idx, const char *name)
{
	int id = find_id(idx, name);
	if (id >= 0)
		return id;
	if (idx->nmods >= MODINDEX_MAX_MODULES)
		return -E2BIG;
	if ((idx->nmods + 1) * 2 > idx->table_size && table_grow(idx) < 0)
		return -ENOMEM;
	if (array_grow((void **)&idx->mods, &idx->capmods, idx->nmods + 1, sizeof(struct mod),
		 MODINDEX_MAX_MODULES) < 0)
		return -ENOMEM;
	const char *copy = arena_dup(idx, name, strlen(name));
	if (!copy)
		return -ENOMEM;
	struct mod *m = &idx->mods[idx->nmods];
	memset(m, 0, sizeof(*m));
	m->name = copy;
	m->soft_head = m->soft_tail = NONE;
	table_put(idx->table, idx->table_size, copy, (uint32_t)idx->nmods);
	return (int)idx->nmods++;
}

int modindex_id(const struct modindex *idx, const char *module)
{
	char name[MODINDEX_MAX_NAME + 1];
	if (!idx || !module || modindex_normalise(module, name) < 0)
		return -ENOENT;
	return find_id(idx, name);
}

size_t modindex_slots(const struct modindex *idx)
{
	return idx ? idx->nmods : 0;
}

size_t modindex_count(const struct modindex *idx)
{
	return idx ? idx->npath : 0;
}

const char *modindex_path(const struct modindex *idx, const char *module)
{
	int id = modindex_id(idx, module);
	return id < 0 ? NULL : idx->mods[id].path;
}

/* --- line splitting ---------------------------------------------------------------- */

typedef int (*line_fn)(struct modindex *idx, char **tok, int ntok);

static int split(char *line, char **tok)
{
	int n = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (n >= MAX_TOKENS)
			return -E2BIG;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static int each_line(struct modindex *idx, const char *buf, size_t len, size_t *bad_line,
		     line_fn fn)
{
	size_t dummy, lineno = 0, pos = 0;
	if (!bad_line)
		bad_line = &dummy;
	*bad_line = 0;
	if (!idx || (!buf && len))
		return -EINVAL;
	char *line = malloc(MODINDEX_MAX_LINE + 1);
	char **tok = malloc(MAX_TOKENS * sizeof(*tok));
	int r = line && tok ? 0 : -ENOMEM;
	while (!r && pos < len) {
		lineno++;
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - buf) : len) - pos;
		if (n > MODINDEX_MAX_LINE) {
			r = -E2BIG;
			break;
		}
		for (size_t i = 0; i < n && !r; i++) {
			unsigned char c = (unsigned char)buf[pos + i];
			if ((c < ' ' && c != '\t') || c == 0x7f)
				r = -EBADMSG;
		}
		if (r)
			break;
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += n + 1;
		int ntok = split(line, tok);
		if (ntok < 0)
			r = ntok;
		else if (ntok > 0 && tok[0][0] != '#')
			r = fn(idx, tok, ntok);
	}
	if (r)
		*bad_line = lineno;
	free(line);
	free(tok);
	return r;
}

/* --- modules.dep ------------------------------------------------------------------- */

/* "kernel/fs/ext4/ext4.ko.xz" -> "ext4": the basename up to a ".ko" that ends it or
 * is followed by a compression suffix. */
static int name_from_path(const char *path, size_t len, char *out)
{
	if (len == 0 || len > MODINDEX_MAX_PATH)
		return -EBADMSG;
	const char *base = path;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	const char *end = path + len;
	for (const char *p = base; end - p >= 3; p++) {
		if (memcmp(p, ".ko", 3) != 0 || (p + 3 < end && p[3] != '.'))
			continue;
		size_t n = (size_t)(p - base);
		if (n == 0 || n > MODINDEX_MAX_NAME)
			return -EBADMSG;
		char tmp[MODINDEX_MAX_NAME + 1];
		memcpy(tmp, base, n);
		tmp[n] = '\0';
		return modindex_normalise(tmp, out) < 0 ? -EBADMSG : 0;
	}
	return -EBADMSG;
}

/* The id of the module at `path`; its path is recorded if it has none yet, or
 * always when `own` (the module's own line wins over a mention as a dependency). */
static int module_at(struct modindex *idx, const char *path, bool own)
{
	char name[MODINDEX_MAX_NAME + 1];
	size_t len = strlen(path);
	if (name_from_path(path, len, name) < 0)
		return -EBADMSG;
	int id = intern(idx, name);
	if (id < 0)
		return id;
	struct mod *m = &idx->mods[id];
	if (!m->path || (own && strcmp(m->path, path) != 0)) {
		const char *copy = arena_dup(idx, path, len);
		if (!copy)
			return -ENOMEM;
		if (!m->path)
			idx->npath++;
		m->path = copy;
	}
	return id;
}

static int dep_line(struct modindex *idx, char **tok, int ntok)
{
	size_t n = strlen(tok[0]);
	if (n < 2 || tok[0][n - 1] != ':')
		return -EBADMSG;
	tok[0][n - 1] = '\0';
	if (ntok - 1 > MODINDEX_MAX_DEPS)
		return -E2BIG;
	int id = module_at(idx, tok[0], true);
	if (id < 0)
		return id;
	if (idx->mods[id].has_line)
		return -EBADMSG;
	if (array_grow((void **)&idx->deps, &idx->capdeps, idx->ndeps + (size_t)ntok, sizeof(uint32_t),
		 MAX_DEP_REFS) < 0)
		return -ENOMEM;
	size_t off = idx->ndeps;
	for (int i = 1; i < ntok; i++) {
		int d = module_at(idx, tok[i], false);
		if (d < 0)
			return d;
		idx->deps[idx->ndeps++] = (uint32_t)d;
	}
	struct mod *m = &idx->mods[id];
	m->has_line = true;
	m->dep_off = (uint32_t)off;
	m->ndeps = (uint32_t)(ntok - 1);
	return 0;
}

int modindex_parse_dep(struct modindex *idx, const char *buf, size_t len, size_t *bad_line)
{
	return each_line(idx, buf, len, bad_line, dep_line);
}

/* --- modules.alias ----------------------------------------------------------------- */

static size_t literal_prefix(const char *pattern)
{
	return strcspn(pattern, "*?[\\");
}

static struct bucket *bucket_find(const struct modindex *idx, uint32_t h, const char *s,
				  size_t len)
{
	size_t mask = idx->bucket_size - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct bucket *b = &idx->buckets[i];
		if (!b->head || (b->hash == h && b->len == len &&
				 !memcmp(idx->aliases[b->head - 1].pattern, s, len)))
			return b;
	}
}

static int buckets_grow(struct modindex *idx)
{
	size_t size = idx->bucket_size ? idx->bucket_size * 2 : 256;
	struct bucket *old = idx->buckets;
	size_t old_size = idx->bucket_size;
	idx->buckets = calloc(size, sizeof(*old));
	if (!idx->buckets) {
		idx->buckets = old;
		return -ENOMEM;
	}
	idx->bucket_size = size;
	for (size_t i = 0; i < old_size; i++)
		if (old[i].head)
			*bucket_find(idx, old[i].hash, idx->aliases[old[i].head - 1].pattern,
				     old[i].len) = old[i];
	free(old);
	return 0;
}

static int alias_line(struct modindex *idx, char **tok, int ntok)
{
	char name[MODINDEX_MAX_NAME + 1];
	if (ntok != 3 || strcmp(tok[0], "alias") != 0 || modindex_normalise(tok[2], name) < 0)
		return -EBADMSG;
	if (idx->naliases >= MODINDEX_MAX_ALIASES)
		return -E2BIG;
	int id = intern(idx, name);
	if (id < 0)
		return id;
	if ((idx->nbuckets + 1) * 2 > idx->bucket_size && buckets_grow(idx) < 0)
		return -ENOMEM;
	if (array_grow((void **)&idx->aliases, &idx->capaliases, idx->naliases + 1,
		 sizeof(struct alias), MODINDEX_MAX_ALIASES) < 0)
		return -ENOMEM;
	const char *pattern = arena_dup(idx, tok[1], strlen(tok[1]));
	if (!pattern)
		return -ENOMEM;
	size_t plen = literal_prefix(pattern);
	uint32_t h = (uint32_t)hash_bytes(pattern, plen);
	struct bucket *b = bucket_find(idx, h, pattern, plen);
	uint32_t a = (uint32_t)idx->naliases++;
	idx->aliases[a] = (struct alias){ .pattern = pattern, .mod = (uint32_t)id, .next = NONE };
	if (!b->head) {
		*b = (struct bucket){ .hash = h, .len = (uint32_t)plen, .head = a + 1, .tail = a };
		idx->nbuckets++;
		idx->lenmask[plen / 64] |= 1ULL << (plen % 64);
	} else {
		idx->aliases[b->tail].next = a;
		b->tail = a;
	}
	return 0;
}

int modindex_parse_alias(struct modindex *idx, const char *buf, size_t len, size_t *bad_line)
{
	return each_line(idx, buf, len, bad_line, alias_line);
}

/* --- modules.softdep --------------------------------------------------------------- */

static int softdep_line(struct modindex *idx, char **tok, int ntok)
{
	char name[MODINDEX_MAX_NAME + 1];
	if (ntok < 2 || strcmp(tok[0], "softdep") != 0 || modindex_normalise(tok[1], name) < 0)
		return -EBADMSG;
	int id = intern(idx, name);
	if (id < 0)
		return id;
	enum { S_NONE, S_PRE, S_POST } mode = S_NONE;
	for (int i = 2; i < ntok; i++) {
		if (!strcmp(tok[i], "pre:")) {
			mode = S_PRE;
			continue;
		}
		if (!strcmp(tok[i], "post:")) {
			mode = S_POST;
			continue;
		}
		if (mode == S_NONE)
			continue;
		if (idx->mods[id].nsoft >= MODINDEX_MAX_DEPS || idx->nsoft >= MODINDEX_MAX_SOFTDEPS)
			return -E2BIG;
		if (array_grow((void **)&idx->soft, &idx->capsoft, idx->nsoft + 1, sizeof(struct soft),
			 MODINDEX_MAX_SOFTDEPS) < 0)
			return -ENOMEM;
		const char *copy = arena_dup(idx, tok[i], strlen(tok[i]));
		if (!copy)
			return -ENOMEM;
		uint32_t s = (uint32_t)idx->nsoft++;
		idx->soft[s] = (struct soft){ .name = copy, .next = NONE, .post = mode == S_POST };
		struct mod *m = &idx->mods[id];
		if (m->soft_tail == NONE)
			m->soft_head = s;
		else
			idx->soft[m->soft_tail].next = s;
		m->soft_tail = s;
		m->nsoft++;
	}
	return 0;
}

int modindex_parse_softdep(struct modindex *idx, const char *buf, size_t len, size_t *bad_line)
{
	return each_line(idx, buf, len, bad_line, softdep_line);
}

/* --- glob ---------------------------------------------------------------------------- */

/* One bracket expression at *pp (just after '['). 1 match, 0 no match, -1 not a
 * bracket (unterminated: '[' is then literal), -2 the pattern can never match. */
static int bracket(const char **pp, unsigned char c)
{
	const char *p = *pp;
	bool neg = *p == '!' || *p == '^', hit = false;
	if (neg)
		p++;
	for (bool first = true;; first = false) {
		unsigned char lo = (unsigned char)*p;
		if (!lo)
			return -1;
		if (lo == ']' && !first)
			break;
		if (lo == '\\' && !(lo = (unsigned char)*++p))
			return -2;
		unsigned char hi = lo;
		p++;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && !*++p)
				return -2;
			hi = (unsigned char)*p++;
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	*pp = p + 1;
	return hit != neg;
}

/* Does the one-character token at *pp match c? Advances *pp past it on a match.
 * Returns 1, 0, or -2 (never matches). */
static int match_one(const char **pp, unsigned char c)
{
	const char *p = *pp;
	int r;
	switch (*p) {
	case '\0':
		return 0;
	case '?':
		*pp = p + 1;
		return 1;
	case '[':
		p++;
		r = bracket(&p, c);
		if (r == -1) {
			r = c == '[';
			p = *pp + 1;
		}
		break;
	case '\\':
		if (!p[1])
			return -2;
		r = (unsigned char)p[1] == c;
		p += 2;
		break;
	default:
		r = (unsigned char)*p == c;
		p++;
	}
	if (r == 1)
		*pp = p;
	return r;
}

/* Greedy with backtracking to the last '*' only: every other token matches exactly
 * one byte, so an earlier '*' never needs to take back what it gave. */
bool modindex_glob_match(const char *pattern, const char *s)
{
	const char *p = pattern, *star_p = NULL, *star_s = NULL;
	while (*s) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return true;
			star_p = p;
			star_s = s;
			continue;
		}
		int r = match_one(&p, (unsigned char)*s);
		if (r == -2)
			return false;
		if (r == 1) {
			s++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* --- lookup -------------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int collect(const struct modindex *idx, const char *alias, uint32_t **out, size_t *n)
{
	size_t cap = 0, len = strlen(alias);
	uint64_t h = HASH_INIT;
	*out = NULL;
	*n = 0;
	for (size_t l = 0; l <= len && l <= MODINDEX_MAX_LINE; l++) {
		if (idx->bucket_size && (idx->lenmask[l / 64] >> (l % 64) & 1)) {
			const struct bucket *b = bucket_find(idx, (uint32_t)h, alias, l);
			for (uint32_t a = b->head ? b->head - 1 : NONE; a != NONE; a = idx->aliases[a].next) {
				if (!modindex_glob_match(idx->aliases[a].pattern, alias))
					continue;
				if (array_grow((void **)out, &cap, *n + 1, sizeof(**out), MODINDEX_MAX_ALIASES) < 0)
					return -ENOMEM;
				(*out)[(*n)++] = a;
			}
		}
		if (l < len)
			h = hash_step(h, (unsigned char)alias[l]);
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_u32);
	return 0;
}

int modindex_lookup(const struct modindex *idx, const char *alias,
		    int (*fn)(const char *module, void *ctx), void *ctx)
{
	if (!idx || !alias || !idx->nmods)
		return 0;
	uint8_t *seen = calloc((idx->nmods + 7) / 8, 1);
	if (!seen)
		return -ENOMEM;
	int r = 0, own = modindex_id(idx, alias);
	if (own >= 0 && idx->mods[own].path) {
		seen[own / 8] |= (uint8_t)(1u << (own % 8));
		r = fn(idx->mods[own].name, ctx);
	}
	uint32_t *match = NULL;
	size_t n = 0;
	if (!r)
		r = collect(idx, alias, &match, &n);
	for (size_t i = 0; i < n && !r; i++) {
		uint32_t m = idx->aliases[match[i]].mod;
		if (!idx->mods[m].path || (seen[m / 8] >> (m % 8) & 1))
			continue;
		seen[m / 8] |= (uint8_t)(1u << (m % 8));
		r = fn(idx->mods[m].name, ctx);
	}
	free(match);
	free(seen);
	return r;
}

int modindex_cpu_fit(const struct modindex *idx, const char *module, const char *cpu)
{
	int id = idx ? find_id(idx, module) : -1;
	bool any = false;

	if (id < 0 || !cpu || strncmp(cpu, "cpu:", 4) != 0)
		return 1;
	for (size_t a = 0; a < idx->naliases; a++) {
		if (idx->aliases[a].mod != (uint32_t)id || strncmp(idx->aliases[a].pattern, "cpu:", 4) != 0)
			continue;
		if (modindex_glob_match(idx->aliases[a].pattern, cpu))
			return 1;
		any = true;
	}
	return any ? 0 : 1;
}

/* --- load order ---------------------------------------------------------------------- */

enum { NEW = 0, VISITING, DONE };

struct plan {
	const struct modindex *idx;
	uint8_t *mark;
	struct modindex_step *out;
	int n, max, depth;
};

/* A softdep edge into a module being visited (a module naming itself, or a cycle
 * through a softdep) is dropped: softdeps are optional. A hard one is -ELOOP. */
static int visit(struct plan *pl, uint32_t id, bool optional);

/* A module that was planned as optional is now needed by a hard edge: so are its
 * hard dependencies, all of them already planned. */
static void require(struct plan *pl, uint32_t id)
{
	const struct mod *m = &pl->idx->mods[id];
	for (int i = 0; i < pl->n; i++) {
		if (pl->out[i].name != m->name || !pl->out[i].optional)
			continue;
		pl->out[i].optional = false;
		for (uint32_t d = 0; d < m->ndeps; d++)
			require(pl, pl->idx->deps[m->dep_off + d]);
	}
}

static int soft_visit(const char *module, void *ctx)
{
	struct plan *pl = ctx;
	int id = find_id(pl->idx, module);
	return id < 0 ? 0 : visit(pl, (uint32_t)id, true);
}

static int visit_soft(struct plan *pl, uint32_t id, bool post)
{
	const struct mod *m = &pl->idx->mods[id];
	for (uint32_t s = m->soft_head; s != NONE; s = pl->idx->soft[s].next) {
		const struct soft *sd = &pl->idx->soft[s];
		if (sd->post != post)
			continue;
		int own = modindex_id(pl->idx, sd->name);
		int r = own >= 0 && pl->idx->mods[own].path
				? soft_visit(pl->idx->mods[own].name, pl)
				: modindex_lookup(pl->idx, sd->name, soft_visit, pl);
		if (r)
			return r;
	}
	return 0;
}

static int visit(struct plan *pl, uint32_t id, bool optional)
{
	const struct mod *m = &pl->idx->mods[id];
	if (pl->mark[id] == VISITING)
		return optional ? 0 : -ELOOP;
	if (pl->mark[id] == DONE) {
		if (!optional)
			require(pl, id);
		return 0;
	}
	if (pl->depth >= MODINDEX_MAX_DEPTH)
		return -ELOOP;
	pl->depth++;
	pl->mark[id] = VISITING;
	int r = visit_soft(pl, id, false);
	for (uint32_t i = m->ndeps; i > 0 && !r; i--)
		r = visit(pl, pl->idx->deps[m->dep_off + i - 1], optional);
	if (!r && pl->n >= pl->max)
		r = -E2BIG;
	if (!r) {
		pl->out[pl->n++] = (struct modindex_step){ m->name, m->path, optional };
		pl->mark[id] = DONE;
		r = visit_soft(pl, id, true);
	}
	pl->depth--;
	return r;
}

int modindex_load_plan(const struct modindex *idx, const char *module,
		       struct modindex_step *out, int max)
{
	int id = modindex_id(idx, module);
	if (id < 0 || !idx->mods[id].path)
		return -ENOENT;
	struct plan pl = { .idx = idx, .out = out, .max = max < 0 ? 0 : max };
	pl.mark = calloc(idx->nmods, 1);
	if (!pl.mark)
		return -ENOMEM;
	int r = visit(&pl, (uint32_t)id, false);
	free(pl.mark);
	return r < 0 ? r : pl.n;
}

int modindex_load_order(const struct modindex *idx, const char *module,
			const char **out, int max)
{
	int cap = max > MODINDEX_MAX_MODULES ? MODINDEX_MAX_MODULES : max;
	struct modindex_step *steps = malloc((size_t)(cap > 0 ? cap : 1) * sizeof(*steps));
	if (!steps)
		return -ENOMEM;
	int n = modindex_load_plan(idx, module, steps, cap);
	for (int i = 0; i < n; i++)
		out[i] = steps[i].name;
	free(steps);
	return n;
}
