/* nfsspec: NFS root specs and the kernel's NFS mount data. See nfsspec.h. */
#include "nfsspec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/strbuf.h"
#include "ipcfg.h"
#include "serverlist.h"

_Static_assert(NFSSPEC_MAX_SERVERS == SERVERLIST_MAX, "one limit for every server list");
#include "parse.h"

#define ECHO_MAX 40 /* bytes of the user's text quoted in a message */

struct slice {
	const char *p;
	size_t n;
};

struct parser {
	struct nfsspec s;
	const char *what; /* "nfsroot=", "root=", "DHCP root-path" */
	char *err;
	size_t errsz;
};

static int fail(struct parser *ps, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes "<what> <message>". */
static int fail(struct parser *ps, int rc, const char *fmt, ...)
{
	va_list ap;
	int o;

	if (!ps->errsz)
		return rc;
	o = snprintf(ps->err, ps->errsz, "%s ", ps->what);
	if (o < 0 || (size_t)o >= ps->errsz)
		return rc;
	va_start(ap, fmt);
	vsnprintf(ps->err + o, ps->errsz - (size_t)o, fmt, ap);
	va_end(ap);
	return rc;
}

/* The slice's text for a message, through the project's escaper; cut with "..." past
 * ECHO_MAX bytes of output. */
static const char *echo(struct slice sl, char out[ECHO_MAX + 4])
{
	return escape_bytes(sl.p, sl.n, out, ECHO_MAX + 4);
}

static bool is(struct slice sl, const char *word)
{
	return sl.n == strlen(word) && !memcmp(sl.p, word, sl.n);
}

static bool starts(struct slice sl, const char *prefix)
{
	size_t n = strlen(prefix);

	return sl.n >= n && !memcmp(sl.p, prefix, n);
}

static struct slice after(struct slice sl, size_t k)
{
	return (struct slice){ sl.p + k, sl.n - k };
}

/* ---- servers and root-dir ------------------------------------------------------- */

/* An empty server part (":/path") means "no server given". */
static int servers(struct parser *ps, struct slice sl)
{
	char err[SERVERLIST_ERR_LEN];
	struct serverlist l;

	if (sl.n == 0)
		return 0;
	if (serverlist_parse(sl.p, sl.n, &l, err, sizeof(err)) < 0)
		return fail(ps, -EINVAL, "%s", err);
	memcpy(ps->s.servers, l.addr, sizeof(l.addr[0]) * (size_t)l.n);
	memcpy(ps->s.weights, l.weight, sizeof(l.weight[0]) * (size_t)l.n);
	ps->s.nservers = l.n;
	return 0;
}

static int root_dir(struct parser *ps, struct slice sl, const char *client)
{
	char e[ECHO_MAX + 4];
	const char *subst = NULL;
	size_t clen = client ? strlen(client) : 0, total = sl.n, k = 0;

	if (sl.n == 0 || sl.p[0] != '/')
		return fail(ps, -EINVAL, "root-dir '%s' does not start with '/'", echo(sl, e));
	for (size_t i = 0; i < sl.n; i++) {
		if ((unsigned char)sl.p[i] < 0x20 || sl.p[i] == 0x7f)
			return fail(ps, -EINVAL, "root-dir '%s' holds a control byte", echo(sl, e));
		if (!subst && i + 1 < sl.n && sl.p[i] == '%' && sl.p[i + 1] == 's')
			subst = sl.p + i;
	}
	if (subst && !client)
		return fail(ps, -EINVAL, "root-dir '%s' holds %%s but the client's address is "
			    "not known", echo(sl, e));
	if (subst)
		total = sl.n - 2 + clen;
	if (total >= NFSSPEC_MAX_PATH)
		return fail(ps, -ENAMETOOLONG, "root-dir is longer than %d bytes",
			    NFSSPEC_MAX_PATH - 1);
	if (!subst) {
		memcpy(ps->s.path, sl.p, sl.n);
	} else {
		k = (size_t)(subst - sl.p);
		memcpy(ps->s.path, sl.p, k);
		memcpy(ps->s.path + k, client, clen);
		memcpy(ps->s.path + k + clen, subst + 2, sl.n - k - 2);
	}
	ps->s.path[total] = '\0';
	return 0;
}

/* ---- options ---------------------------------------------------------------------- */

/* Keys read here and written by nfsspec_mount_options itself: never passed through. */
static bool ours(struct slice key)
{
	static const char *const keys[] = { "vers", "nfsvers", "minorversion", "v2", "v3", "v4",
					    "v4.0", "v4.1", "v4.2", "proto", "tcp", "udp", "port",
					    "ro", "rw", "defaults", "addr" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (is(key, keys[i]))
			return true;
	return false;
}

/* "3", "4", "4.0", "4.1", "4.2" (as in vers= or after a 'v'). */
static int version(struct parser *ps, struct slice v, struct slice whole)
{
	char e[ECHO_MAX + 4];

	if (is(v, "3") || is(v, "4")) {
		ps->s.vers = (unsigned)(v.p[0] - '0');
		ps->s.minor = -1;
	} else if (v.n == 3 && v.p[0] == '4' && v.p[1] == '.' && v.p[2] >= '0' && v.p[2] <= '2') {
		ps->s.vers = 4;
		ps->s.minor = v.p[2] - '0';
	} else if (is(v, "2")) {
		return fail(ps, -EINVAL, "option '%s': NFSv2 is not supported, use 3 or 4",
			    echo(whole, e));
	} else {
		return fail(ps, -EINVAL, "option '%s': the NFS version is one of 3 4 4.0 4.1 4.2",
			    echo(whole, e));
	}
	ps->s.vers_given = true;
	return 0;
}

static int number(struct parser *ps, struct slice v, struct slice whole, unsigned max,
		  unsigned *out)
{
	char e[ECHO_MAX + 4], buf[16];

	if (v.n >= sizeof(buf) || parse_copy(buf, sizeof(buf), v.p, v.n) < 0 ||
	    parse_uint(buf, max, out) < 0)
		return fail(ps, -EINVAL, "option '%s' is not a number from 0 to %u", echo(whole, e),
			    max);
	return 0;
}

static int option(struct parser *ps, struct slice tok)
{
	const char *eq = memchr(tok.p, '=', tok.n);
	struct slice key = { tok.p, eq ? (size_t)(eq - tok.p) : tok.n };
	struct slice val = eq ? after(tok, key.n + 1) : (struct slice){ "", 0 };
	char e[ECHO_MAX + 4];
	unsigned n = 0;

	if (is(key, "vers") || is(key, "nfsvers"))
		return version(ps, val, tok);
	if (!eq && key.n >= 2 && key.p[0] == 'v' && key.p[1] >= '2' && key.p[1] <= '4')
		return version(ps, after(key, 1), tok);
	if (is(key, "minorversion")) {
		if (number(ps, val, tok, 2, &n) < 0)
			return -EINVAL;
		ps->s.minor = (int)n;
	} else if (is(key, "proto") && (is(val, "tcp") || is(val, "udp"))) {
		ps->s.proto = val.p[0] == 't' ? NFSSPEC_PROTO_TCP : NFSSPEC_PROTO_UDP;
	} else if (is(key, "proto")) {
		return fail(ps, -EINVAL, "option '%s': proto is tcp or udp (IPv4 only)",
			    echo(tok, e));
	} else if (!eq && (is(key, "tcp") || is(key, "udp"))) {
		ps->s.proto = key.p[0] == 't' ? NFSSPEC_PROTO_TCP : NFSSPEC_PROTO_UDP;
	} else if (is(key, "port")) {
		if (number(ps, val, tok, 65535, &ps->s.port) < 0)
			return -EINVAL;
		ps->s.port_set = true;
	} else if (!eq && (is(key, "ro") || is(key, "rw"))) {
		ps->s.rw_set = true;
		ps->s.rw = key.p[1] == 'w';
	} else if (!eq && (is(key, "lock") || is(key, "nolock"))) {
		ps->s.lock_set = true;
	} else if (is(key, "addr")) {
		return fail(ps, -EINVAL, "option '%s': addr= comes from the server list, leave it "
			    "out", echo(tok, e));
	} else if (ours(key) && !is(key, "defaults")) {
		return fail(ps, -EINVAL, "option '%s' is malformed", echo(tok, e));
	}
	return 0;
}

static int options(struct parser *ps, struct slice sl)
{
	char e[ECHO_MAX + 4];
	size_t start = 0;
	int count = 0;

	if (sl.n >= NFSSPEC_MAX_OPTIONS)
		return fail(ps, -ENAMETOOLONG, "options are longer than %d bytes",
			    NFSSPEC_MAX_OPTIONS - 1);
	for (size_t i = 0; i <= sl.n; i++) {
		struct slice tok = { sl.p + start, i - start };
		int r;

		if (i < sl.n) {
			unsigned char c = (unsigned char)sl.p[i];

			if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\')
				return fail(ps, -EINVAL, "options '%s' hold a space, quote or "
					    "control byte", echo(sl, e));
			if (c != ',')
				continue;
		}
		start = i + 1;
		if (tok.n == 0)
			continue; /* "a,,b": the kernel skips empty options too */
		if (++count > NFSSPEC_MAX_OPTION_COUNT)
			return fail(ps, -EINVAL, "has more than %d options",
				    NFSSPEC_MAX_OPTION_COUNT);
		r = option(ps, tok);
		if (r < 0)
			return r;
	}
	memcpy(ps->s.options, sl.p, sl.n);
	ps->s.options[sl.n] = '\0';
	return 0;
}

/* ---- the whole spec ------------------------------------------------------------- */

static const char *form_name(enum nfsspec_form form)
{
	switch (form) {
	case NFSSPEC_ROOT: return "root=";
	case NFSSPEC_ROOTPATH: return "DHCP root-path";
	default: return "nfsroot=";
	}
}

/* Root paths of other kinds a DHCP server may hand out. */
static bool other_scheme(struct slice sl)
{
	static const char *const schemes[] = { "iscsi:", "nbd:", "cifs:", "http:", "https:",
					       "ftp:", "tftp:", "aoe:", "fcoe:", "nvme:" };

	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (starts(sl, schemes[i]))
			return true;
	return false;
}

/* [<servers>:]<root-dir>[<sep><options>] after any nfs: / nfs4: prefix. */
static int body(struct parser *ps, struct slice sl, bool dracut, const char *client)
{
	char e[ECHO_MAX + 4];
	size_t end = 0;
	int r;

	if (sl.n && sl.p[0] != '/') {
		const char *colon = memchr(sl.p, ':', sl.n);

		if (!colon)
			return fail(ps, -EINVAL, "'%s' is neither <root-dir> (starting with '/') nor "
				    "<server>:<root-dir>", echo(sl, e));
		r = servers(ps, (struct slice){ sl.p, (size_t)(colon - sl.p) });
		if (r < 0)
			return r;
		sl = after(sl, (size_t)(colon - sl.p) + 1);
	}
	while (end < sl.n && sl.p[end] != ',' && !(dracut && sl.p[end] == ':'))
		end++;
	r = root_dir(ps, (struct slice){ sl.p, end }, client);
	if (r == 0 && end < sl.n)
		r = options(ps, after(sl, end + 1));
	return r;
}

int nfsspec_parse(enum nfsspec_form form, const char *buf, size_t len, const char *client,
		  struct nfsspec *out, char *err, size_t errsz)
{
	struct parser ps = { .what = form_name(form), .err = err, .errsz = errsz };
	struct slice sl = { buf, len };
	char e[ECHO_MAX + 4];
	bool nfs4 = starts(sl, "nfs4:"), dracut = nfs4 || starts(sl, "nfs:");
	int r;

	ps.s.minor = -1;
	if (errsz)
		err[0] = '\0';
	if (len > NFSSPEC_MAX_TEXT)
		return fail(&ps, -ENAMETOOLONG, "is longer than %d bytes", NFSSPEC_MAX_TEXT);
	if (len && memchr(buf, '\0', len))
		return fail(&ps, -EINVAL, "holds a NUL byte");
	if (!dracut && other_scheme(sl))
		return fail(&ps, -EPROTONOSUPPORT, "'%s' is not an NFS root", echo(sl, e));
	if (!dracut && form == NFSSPEC_ROOT)
		return fail(&ps, -EINVAL, "'%s' is not nfs:... or nfs4:...", echo(sl, e));
	if (dracut)
		sl = after(sl, nfs4 ? 5 : 4);
	if (sl.n == 0)
		return fail(&ps, -EINVAL, "names no root-dir");
	r = body(&ps, sl, dracut, client);
	if (r < 0)
		return r;
	if (!ps.s.vers_given)
		ps.s.vers = nfs4 ? 4 : 3; /* the kernel's default for "nfs" is NFSv3 */
	if (nfs4 && ps.s.vers != 4)
		return fail(&ps, -EINVAL, "nfs4: asks for NFSv4 but the options say vers=3");
	if (ps.s.vers == 3 && ps.s.minor >= 0)
		return fail(&ps, -EINVAL, "options ask for NFSv3 with an NFSv4 minor version");
	if (errsz)
		err[0] = '\0';
	*out = ps.s;
	return 0;
}

bool nfsspec_is_nfs_root(const char *root)
{
	return root && (!strcmp(root, "/dev/nfs") || !strncmp(root, "nfs:", 4) ||
			!strncmp(root, "nfs4:", 5));
}

/* ---- mount ------------------------------------------------------------------------ */

const char *nfsspec_fstype(const struct nfsspec *s)
{
	return s->vers == 4 ? "nfs4" : "nfs";
}

bool nfsspec_read_only(const struct nfsspec *s, bool rw_wanted)
{
	return s->rw_set ? !s->rw : !rw_wanted;
}

int nfsspec_source(const struct nfsspec *s, uint32_t server, char *out, size_t n)
{
	char a[IPCFG_IPV4_LEN];
	int r;

	if (server == 0)
		return -EINVAL;
	r = snprintf(out, n, "%s:%s", ipcfg_format_ipv4(server, a), s->path);
	if (r < 0 || (size_t)r >= n) {
		if (n)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return r;
}

/* The builder, with a ',' after the option before, for the next option. */
static struct strbuf *next(struct strbuf *sb)
{
	if (sb->len)
		strbuf_addc(sb, ',');
	return sb;
}

int nfsspec_mount_options(const struct nfsspec *s, uint32_t server, bool rw_wanted, char *out,
			  size_t n)
{
	struct strbuf o;
	const char *p = s->options;
	char a[IPCFG_IPV4_LEN];

	if (server == 0)
		return -EINVAL;
	if (n == 0)
		return -ENAMETOOLONG;
	strbuf_init(&o, out, n);
	if (s->vers == 4 && s->minor >= 0)
		strbuf_addf(next(&o), "vers=4.%d", s->minor);
	else
		strbuf_addf(next(&o), "vers=%u", s->vers == 4 ? 4u : 3u);
	strbuf_addf(next(&o), "addr=%s", ipcfg_format_ipv4(server, a));
	if (s->proto != NFSSPEC_PROTO_DEFAULT)
		strbuf_addf(next(&o), "proto=%s", s->proto == NFSSPEC_PROTO_TCP ? "tcp" : "udp");
	if (s->port_set)
		strbuf_addf(next(&o), "port=%u", s->port);
	if (s->vers != 4 && !s->lock_set)
		strbuf_add(next(&o), "nolock", 6);
	while (*p) {
		size_t tn = strcspn(p, ",");
		struct slice tok = { p, tn };
		const char *eq = memchr(p, '=', tn);

		if (tn && !ours((struct slice){ p, eq ? (size_t)(eq - p) : tn }))
			strbuf_add(next(&o), tok.p, tok.n);
		p += tn + (p[tn] == ',');
	}
	strbuf_add(next(&o), nfsspec_read_only(s, rw_wanted) ? "ro" : "rw", 2);
	return strbuf_finish(&o);
}
