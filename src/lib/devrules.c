/* devrules: the parser and the matcher of devices.conf (mdev.conf syntax). */
#include "devrules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "parse.h"

#define NSUB 10 /* %0..%9 */

struct parser {
	struct devrules *rs;
	devrules_err_fn err;
	void *ctx;
	unsigned line;
};

static void bad(struct parser *p, const char *why)
{
	if (p->err)
		p->err(p->line, why, p->ctx);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated word of s[*pos..n) into out[size]; false at the end or
 * when the word does not fit (*toolong set). */
static bool word(const char *s, size_t n, size_t *pos, char *out, size_t size, bool *toolong)
{
	size_t i = *pos, start;

	while (i < n && is_blank(s[i]))
		i++;
	start = i;
	while (i < n && !is_blank(s[i]))
		i++;
	*pos = i;
	if (i == start)
		return false;
	if (parse_copy(out, size, s + start, i - start) < 0) {
		*toolong = true;
		return false;
	}
	return true;
}

/* The C library's regcomp can take exponential memory for stacked or nested counted
 * repetitions ("a++++...", "((a{99}){99}){99}"): a regex of a rule is kept small —
 * DEVRULES_MAX_REGEX bytes, no quantifier right after another, at most two {n,m} with
 * numbers up to 16. Device names need nothing more. */
static bool tame(const char *s, size_t n)
{
	unsigned braces = 0;
	bool after_q = false;

	if (n > DEVRULES_MAX_REGEX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\') {
			i++;
			after_q = false;
		} else if (c == '[') {
			/* a bracket expression: its first ']' (or one right after '[' or '[^') is literal */
			size_t j = i + 1;
			if (j < n && s[j] == '^')
				j++;
			if (j < n && s[j] == ']')
				j++;
			while (j < n && s[j] != ']')
				j++;
			i = j;
			after_q = false;
		} else if (c == '*' || c == '+' || c == '?' || c == '{') {
			if (after_q)
				return false;
			if (c == '{') {
				unsigned v = 0;
				if (++braces > 2)
					return false;
				for (i++; i < n && s[i] != '}'; i++) {
					if (s[i] >= '0' && s[i] <= '9' && (v = v * 10 + (unsigned)(s[i] - '0')) > 16)
						return false;
					if (s[i] == ',')
						v = 0;
				}
			}
			after_q = true;
		} else {
			after_q = false;
		}
	}
	return true;
}

/* Compiles a whole-value regex: anchored, so "sd[a-z]" never matches "sda1". */
static int compile(regex_t *re, const char *src, size_t n)
{
	char buf[DEVRULES_MAX_LINE + 8];

	if (n + 5 > sizeof(buf) || !tame(src, n))
		return -1;
	snprintf(buf, sizeof(buf), "^(%.*s)$", (int)n, src);
	return regcomp(re, buf, REG_EXTENDED) == 0 ? 0 : -1;
}

static bool valid_key(const char *k, size_t n)
{
	if (n == 0 || n >= DEVRULES_MAX_KEY)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

static void free_rule(struct devrule *r)
{
	for (size_t i = 0; i < r->ncond; i++)
		regfree(&r->cond[i].re);
	r->ncond = 0;
	if (r->kind != DEVRULE_DEVNUM)
		regfree(&r->re);
	free(r->cmd);
	r->cmd = NULL;
}

/* "@MAJ,MIN[-MIN2]" */
static const char *parse_devnum(struct devrule *r, const char *s)
{
	char buf[32];
	const char *comma = strchr(s, ','), *dash;
	size_t n;

	if (!comma || (size_t)(comma - s) >= sizeof(buf))
		return "@major,minor[-minor2] with decimal numbers";
	memcpy(buf, s, (size_t)(comma - s));
	buf[comma - s] = '\0';
	if (parse_uint(buf, 4095, &r->major) < 0)
		return "a major number 0..4095 after '@'";
	dash = strchr(comma + 1, '-');
	n = dash ? (size_t)(dash - comma - 1) : strlen(comma + 1);
	if (parse_copy(buf, sizeof(buf), comma + 1, n) < 0 || parse_uint(buf, 1048575, &r->minor_lo) < 0)
		return "a minor number 0..1048575 after ','";
	r->minor_hi = r->minor_lo;
	if (dash && (parse_uint(dash + 1, 1048575, &r->minor_hi) < 0 || r->minor_hi < r->minor_lo))
		return "a last minor number not below the first after '-'";
	r->kind = DEVRULE_DEVNUM;
	return NULL;
}

/* The first field: [-][KEY=regex;]...MATCH. NULL, or what was expected. */
static const char *parse_match(struct devrule *r, const char *s)
{
	if (*s == '-') {
		r->cont = true;
		s++;
	}
	for (;;) {
		const char *semi = strchr(s, ';'), *eq = strchr(s, '=');
		if (!semi || !eq || eq > semi || *s == '$' || *s == '@')
			break;
		if (r->ncond >= DEVRULES_MAX_CONDS)
			return "at most 8 KEY=regex; conditions";
		if (!valid_key(s, (size_t)(eq - s)))
			return "KEY=regex; with a KEY of letters, digits and '_'";
		struct devrule_cond *c = &r->cond[r->ncond];
		memcpy(c->key, s, (size_t)(eq - s));
		c->key[eq - s] = '\0';
		if (compile(&c->re, eq + 1, (size_t)(semi - eq - 1)) < 0)
			return "a valid extended regular expression after KEY= (at most 256 bytes, no stacked repetitions)";
		r->ncond++;
		s = semi + 1;
	}
	if (*s == '@')
		return parse_devnum(r, s + 1);
	if (*s == '$') {
		const char *eq = strchr(s, '=');
		if (!eq || !valid_key(s + 1, (size_t)(eq - s - 1)))
			return "$VAR=regex with a VAR of letters, digits and '_'";
		memcpy(r->var, s + 1, (size_t)(eq - s - 1));
		r->var[eq - s - 1] = '\0';
		if (compile(&r->re, eq + 1, strlen(eq + 1)) < 0)
			return "a valid extended regular expression after $VAR= (at most 256 bytes, no stacked repetitions)";
		r->kind = DEVRULE_ENV;
		return NULL;
	}
	if (!*s)
		return "a device name regex";
	if (compile(&r->re, s, strlen(s)) < 0)
		return "a valid extended regular expression for the device name (at most 256 bytes, no stacked repetitions)";
	r->kind = DEVRULE_NAME;
	r->re_path = strchr(s, '/') != NULL;
	return NULL;
}

static const char *parse_owner(struct devrule *r, const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : 0;

	if (!colon || n > PASSWD_MAX_NAME || strlen(colon + 1) > PASSWD_MAX_NAME)
		return "user:group (names or numbers)";
	memcpy(r->user, s, n);
	r->user[n] = '\0';
	memcpy(r->group, colon + 1, strlen(colon + 1) + 1);
	if (passwd_check_name(r->user) < 0 || passwd_check_name(r->group) < 0)
		return "user:group (names of letters, digits, '_', '.', '-', or numbers)";
	return NULL;
}

static const char *parse_mode(struct devrule *r, const char *s)
{
	unsigned m = 0;

	if (!*s || strlen(s) > 5)
		return "an octal mode such as 0660";
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return "an octal mode such as 0660";
		m = m * 8 + (unsigned)(*s - '0');
	}
	if (m > 07777)
		return "an octal mode of at most 07777";
	r->mode = m;
	return NULL;
}

/* A path under /dev: relative, no "." or ".." component, no empty component but a
 * trailing '/'. */
static bool safe_path(const char *p)
{
	if (!*p || *p == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

static const char *parse_node(struct devrule *r, const char *s)
{
	if (!strcmp(s, "!")) {
		r->node = DEVRULE_NONODE;
		return NULL;
	}
	r->node = *s == '=' ? DEVRULE_MOVE : DEVRULE_LINK;
	if (parse_copy(r->path, sizeof(r->path), s + 1, strlen(s + 1)) < 0 || !safe_path(r->path))
		return "a path under /dev after '=' or '>' (relative, without '..')";
	return NULL;
}

static const char *parse_cmd(struct devrule *r, const char *s, size_t n)
{
	char buf[DEVRULES_MAX_LINE];
	const char *argv[DEVRULES_MAX_ARGS];

	r->when = *s == '@' ? DEVRULE_CMD_ADD : *s == '$' ? DEVRULE_CMD_REMOVE : DEVRULE_CMD_BOTH;
	r->cmd = strndup(s + 1, n - 1);
	if (!r->cmd)
		return "memory";
	int w = devrules_argv(r, buf, argv);
	if (w == 0)
		return "a command after '@', '$' or '*'";
	if (w < 0)
		return "a command of at most 31 words";
	return NULL;
}

/* One line that is not blank or a comment. NULL, or what was expected. */
static const char *parse_rule(struct devrule *r, const char *s, size_t n)
{
	char f[DEVRULES_MAX_LINE];
	bool toolong = false;
	size_t pos = 0;
	const char *why;

	if (!word(s, n, &pos, f, sizeof(f), &toolong))
		return "a device match";
	if ((why = parse_match(r, f)))
		return why;
	if (!word(s, n, &pos, f, sizeof(f), &toolong))
		return "user:group after the device match";
	if ((why = parse_owner(r, f)))
		return why;
	if (!word(s, n, &pos, f, sizeof(f), &toolong))
		return "a mode after user:group";
	if ((why = parse_mode(r, f)))
		return why;
	size_t before = pos;
	if (!word(s, n, &pos, f, sizeof(f), &toolong))
		return toolong ? "a shorter field" : NULL;
	if (f[0] == '=' || f[0] == '>' || f[0] == '!') {
		if ((why = parse_node(r, f)))
			return why;
		before = pos;
		if (!word(s, n, &pos, f, sizeof(f), &toolong))
			return toolong ? "a shorter field" : NULL;
	}
	if (f[0] == '@' || f[0] == '$' || f[0] == '*') {
		while (before < n && is_blank(s[before]))
			before++;
		size_t end = n;
		while (end > before && is_blank(s[end - 1]))
			end--;
		return parse_cmd(r, s + before, end - before);
	}
	return "=path, >path, ! or a command (@, $, *) after the mode";
}

static int add_line(struct parser *p, const char *s, size_t n)
{
	struct devrules *rs = p->rs;
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	if (n > DEVRULES_MAX_LINE) {
		bad(p, "a line of at most 4096 bytes");
		return 0;
	}
	if (memchr(s, '\0', n)) {
		bad(p, "text (the line holds a NUL byte)");
		return 0;
	}
	if (rs->n >= DEVRULES_MAX_RULES) {
		bad(p, "at most 4096 rules");
		return 0;
	}
	int e = array_grow((void **)&rs->rule, &rs->cap, rs->n + 1, sizeof(*rs->rule),
			   DEVRULES_MAX_RULES);
	if (e < 0)
		return e;
	struct devrule *r = &rs->rule[rs->n];
	memset(r, 0, sizeof(*r));
	r->kind = DEVRULE_DEVNUM; /* nothing compiled yet */
	r->line = p->line;
	const char *why = parse_rule(r, s + i, n - i);
	if (why && !strcmp(why, "memory")) {
		free_rule(r);
		return -ENOMEM;
	}
	if (why) {
		bad(p, why);
		free_rule(r);
		return 0;
	}
	rs->n++;
	return 0;
}

int devrules_parse(const char *buf, size_t len, struct devrules *rs, devrules_err_fn err,
		   void *ctx)
{
	struct parser p = { rs, err, ctx, 0 };
	size_t pos = 0;

	if (len > DEVRULES_MAX_FILE)
		return -E2BIG;
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		p.line++;
		int e = add_line(&p, s, n);
		if (e < 0)
			return e;
	}
	return (int)rs->n;
}

void devrules_free(struct devrules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free_rule(&rs->rule[i]);
	free(rs->rule);
	rs->rule = NULL;
	rs->n = rs->cap = 0;
}

const char *devrules_getvar(const struct uevent *ev, const char *key, char out[32])
{
	if (!strcmp(key, "ACTION"))
		return ev->action;
	if (!strcmp(key, "DEVPATH"))
		return ev->devpath;
	if ((!strcmp(key, "MAJOR") || !strcmp(key, "MINOR")) && ev->has_devnum) {
		snprintf(out, 32, "%u", key[1] == 'A' ? ev->major : ev->minor);
		return out;
	}
	return uevent_get(ev, key);
}

static bool re_whole(const regex_t *re, const char *v, regmatch_t *m)
{
	return v && regexec(re, v, NSUB + 1, m, 0) == 0;
}

/* Writes the rule's path with %N replaced by group N of the match (%0 the whole value),
 * into out; false when it would leave /dev or not fit. */
static bool expand(const struct devrule *r, const char *v, const regmatch_t *m,
		   char out[DEVRULES_MAX_PATH])
{
	size_t o = 0;

	for (const char *p = r->path; *p; p++) {
		const char *add = p;
		size_t n = 1;
		if (p[0] == '%' && p[1] >= '0' && p[1] <= '9' && v) {
			/* m[0] is our own ^(...)$ group, m[1] the whole written regex */
			int g = p[1] - '0' + 1;
			p++;
			if (g > NSUB || m[g].rm_so < 0) {
				n = 0;
			} else {
				add = v + m[g].rm_so;
				n = (size_t)(m[g].rm_eo - m[g].rm_so);
			}
		}
		if (o + n >= DEVRULES_MAX_PATH)
			return false;
		memcpy(out + o, add, n);
		o += n;
	}
	out[o] = '\0';
	return !r->path[0] || safe_path(out);
}

static bool match_one(const struct devrule *r, const struct uevent *ev, char path[DEVRULES_MAX_PATH])
{
	regmatch_t m[NSUB + 1];
	char num[32];
	const char *v = NULL;

	for (size_t i = 0; i < r->ncond; i++)
		if (!re_whole(&r->cond[i].re, devrules_getvar(ev, r->cond[i].key, num), m))
			return false;
	switch (r->kind) {
	case DEVRULE_DEVNUM:
		if (!ev->has_devnum || ev->major != r->major || ev->minor < r->minor_lo ||
		    ev->minor > r->minor_hi)
			return false;
		break;
	case DEVRULE_ENV:
		v = devrules_getvar(ev, r->var, num);
		if (!re_whole(&r->re, v, m))
			return false;
		break;
	case DEVRULE_NAME: {
		const char *slash = strrchr(ev->devname, '/');
		v = r->re_path || !slash ? ev->devname : slash + 1;
		if (!re_whole(&r->re, v, m))
			return false;
		break;
	}
	}
	/* the groups of %N are those of the device match (its regex is the last compiled) */
	return expand(r, v, m, path);
}

ssize_t devrules_next(const struct devrules *rs, size_t from, const struct uevent *ev,
		      char path[DEVRULES_MAX_PATH])
{
	if (!ev->devname[0])
		return -1;
	for (size_t i = from; i < rs->n; i++)
		if (match_one(&rs->rule[i], ev, path))
			return (ssize_t)i;
	return -1;
}

int devrules_argv(const struct devrule *r, char *buf, const char *argv[DEVRULES_MAX_ARGS])
{
	int n = 0;
	size_t len = r->cmd ? strlen(r->cmd) : 0;

	if (len >= DEVRULES_MAX_LINE)
		return -E2BIG;
	memcpy(buf, r->cmd ? r->cmd : "", len + 1);
	for (char *p = buf; *p;) {
		while (*p && is_blank(*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (n >= DEVRULES_MAX_ARGS - 1)
			return -E2BIG;
		argv[n++] = p;
		while (*p && !is_blank(*p))
			p++;
	}
	argv[n] = NULL;
	return n;
}

bool devrules_cmd_runs(const struct devrule *r, const char *action)
{
	bool add = !strcmp(action, "add"), rm = !strcmp(action, "remove");

	switch (r->when) {
	case DEVRULE_CMD_ADD:
		return add;
	case DEVRULE_CMD_REMOVE:
		return rm;
	case DEVRULE_CMD_BOTH:
		return add || rm;
	default:
		return false;
	}
}

const struct devrule *devrules_expect(const struct devrules *rs, const struct uevent *ev)
{
	char path[DEVRULES_MAX_PATH];
	const struct devrule *last = NULL;

	for (ssize_t i = devrules_next(rs, 0, ev, path); i >= 0;
	     i = devrules_next(rs, (size_t)i + 1, ev, path)) {
		last = &rs->rule[i];
		if (!last->cont)
			break;
	}
	return last;
}
