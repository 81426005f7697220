/* ipcfg: the ip= parameter. See ipcfg.h for the forms and their meaning. */
#include "ipcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/errmsg.h"
#include "dnsname.h"
#include "inet4.h"

#define KERNEL_FIELDS 10
#define MAX_FIELDS 16 /* room to see (and refuse) dracut's <mtu>:<macaddr> tail */
#define ECHO_MAX 32   /* bytes of the user's text quoted in a message */

struct field {
	const char *p;
	size_t n;
};

static const char *const field_names[KERNEL_FIELDS] = {
	"client-ip", "server-ip", "gw-ip", "netmask", "hostname",
	"device", "autoconf", "dns0-ip", "dns1-ip", "ntp0-ip",
};

/* ---- small helpers --------------------------------------------------------------- */

/* The field's text for a message, through the project's escaper; cut with "..." past
 * ECHO_MAX bytes of output. */
static const char *echo(const struct field *f, char out[ECHO_MAX + 4])
{
	return escape_bytes(f->p, f->n, out, ECHO_MAX + 4);
}

static bool field_is(const struct field *f, const char *word)
{
	return f->n == strlen(word) && !memcmp(f->p, word, f->n);
}

int ipcfg_parse_ipv4(const char *buf, size_t len, uint32_t *out)
{
	uint8_t b[4];
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
			if (++digits > 3)
				return -EINVAL;
			v = v * 10 + (unsigned)(buf[i] - '0');
		}
		if (digits == 0 || v > 255)
			return -EINVAL;
		b[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || buf[i] != '.')
				return -EINVAL;
			i++;
		}
	}
	if (i != len)
		return -EINVAL;
	memcpy(out, b, sizeof(b));
	return 0;
}

char *ipcfg_format_ipv4(uint32_t addr, char *out)
{
	uint8_t b[4];

	memcpy(b, &addr, sizeof(b));
	snprintf(out, IPCFG_IPV4_LEN, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return out;
}

const char *ipcfg_mode_name(enum ipcfg_mode mode)
{
	switch (mode) {
	case IPCFG_DHCP: return "dhcp";
	case IPCFG_STATIC: return "static";
	default: return "off";
	}
}

/* ---- fields (each returns 0, or fails with the message written) ------------------------------------------------------------------------ */

struct parser {
	struct ipcfg c;
	char *err;
	size_t errsz;
};

/* -EAFNOSUPPORT marks the IPv6 keywords, so a caller can keep that message. */
static int keyword(struct parser *ps, int idx, const struct field *f, enum ipcfg_autoconf *a)
{
	static const struct {
		const char *name;
		enum ipcfg_autoconf a;
	} words[] = {
		{ "off", IPCFG_AUTO_OFF },   { "none", IPCFG_AUTO_OFF },   { "on", IPCFG_AUTO_ANY },
		{ "any", IPCFG_AUTO_ANY },   { "dhcp", IPCFG_AUTO_DHCP },  { "single-dhcp", IPCFG_AUTO_DHCP },
		{ "bootp", IPCFG_AUTO_BOOTP }, { "rarp", IPCFG_AUTO_RARP }, { "both", IPCFG_AUTO_BOTH },
	};
	static const char *const v6[] = { "dhcp6", "auto6", "link6", "either6" };
	char e[ECHO_MAX + 4];

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (field_is(f, words[i].name)) {
			*a = words[i].a;
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(v6); i++)
		if (field_is(f, v6[i]))
			return errmsg(ps->err, ps->errsz, -EAFNOSUPPORT,
				    "ip= field %d (autoconf) '%s': IPv6 is not supported, only IPv4 "
				    "(use dhcp)", idx + 1, echo(f, e));
	return errmsg(ps->err, ps->errsz, -EINVAL,
		    "ip= field %d (autoconf) '%s' is not one of off none on any dhcp bootp rarp "
		    "both", idx + 1, echo(f, e));
}

/* An address field: empty or 0.0.0.0 leaves it unset; otherwise a unicast IPv4 address. */
static int address(struct parser *ps, int idx, const struct field *f, uint32_t *v, bool *set)
{
	char e[ECHO_MAX + 4];
	uint32_t a;
	uint8_t first;

	if (f->n == 0)
		return 0;
	if (ipcfg_parse_ipv4(f->p, f->n, &a) < 0)
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field %d (%s) '%s' is not an IPv4 address a.b.c.d (IPv6 is not "
			    "supported)", idx + 1, field_names[idx], echo(f, e));
	if (a == 0)
		return 0;
	memcpy(&first, &a, 1);
	if (first == 127 || first >= 224)
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field %d (%s) '%s' is a loopback, multicast or broadcast address, "
			    "not a host's", idx + 1, field_names[idx], echo(f, e));
	*v = a;
	*set = true;
	return 0;
}

static int netmask(struct parser *ps, const struct field *f)
{
	char e[ECHO_MAX + 4];
	uint32_t m;

	if (f->n == 0)
		return 0;
	if (ipcfg_parse_ipv4(f->p, f->n, &m) < 0)
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field 4 (netmask) '%s' is not a mask a.b.c.d", echo(f, e));
	if (m == 0)
		return 0;
	if (inet4_mask_prefix(m) < 0)
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field 4 (netmask) '%s' is not a contiguous mask", echo(f, e));
	ps->c.netmask = m;
	ps->c.netmask_set = true;
	return 0;
}

/* Host names go to the kernel and into files under /run: the one check of dnsname.h,
 * the same a DHCP host name passes. */
static int hostname(struct parser *ps, const struct field *f)
{
	char e[ECHO_MAX + 4];
	int r;

	if (f->n == 0)
		return 0;
	r = dnsname_check_host(f->p, f->n);
	if (r == -ENAMETOOLONG)
		return errmsg(ps->err, ps->errsz, r,
			    "ip= field 5 (hostname) is longer than %d bytes, or a label of it longer "
			    "than %d", IPCFG_HOSTNAME_MAX, DNSNAME_LABEL_MAX);
	if (r < 0)
		return errmsg(ps->err, ps->errsz, r,
			    "ip= field 5 (hostname) '%s' is not a host name: labels of letters, "
			    "digits, '-', '_' joined by single dots", echo(f, e));
	memcpy(ps->c.hostname, f->p, f->n);
	ps->c.hostname[f->n] = '\0';
	return 0;
}

/* The kernel's dev_valid_name(): not "." or "..", no '/', no whitespace; we also keep
 * to printable ASCII so the name can be logged and used in paths as it is. */
static int device(struct parser *ps, int idx, const struct field *f)
{
	char e[ECHO_MAX + 4];

	if (f->n == 0)
		return 0;
	if (f->n > IPCFG_DEVICE_MAX)
		return errmsg(ps->err, ps->errsz, -ENAMETOOLONG,
			    "ip= field %d (device) '%s' is longer than %d bytes", idx + 1, echo(f, e),
			    IPCFG_DEVICE_MAX);
	for (size_t i = 0; i < f->n; i++)
		if (f->p[i] <= ' ' || f->p[i] >= 0x7f || f->p[i] == '/')
			return errmsg(ps->err, ps->errsz, -EINVAL,
				    "ip= field %d (device) '%s' is not an interface name", idx + 1,
				    echo(f, e));
	if (field_is(f, ".") || field_is(f, ".."))
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field %d (device) '%s' is not an interface name", idx + 1, echo(f, e));
	memcpy(ps->c.device, f->p, f->n);
	ps->c.device[f->n] = '\0';
	return 0;
}

static int mtu(struct parser *ps, int idx, const struct field *f)
{
	char e[ECHO_MAX + 4];
	unsigned v = 0;

	if (f->n == 0)
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->p[i] < '0' || f->p[i] > '9' || v > 65535)
			return errmsg(ps->err, ps->errsz, -EINVAL,
				    "ip= field %d (mtu) '%s' is not a number from 68 to 65535", idx + 1,
				    echo(f, e));
		v = v * 10 + (unsigned)(f->p[i] - '0');
	}
	if (v < 68 || v > 65535)
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field %d (mtu) '%s' is not a number from 68 to 65535", idx + 1,
			    echo(f, e));
	ps->c.mtu = v;
	return 0;
}

static bool all_digits(const struct field *f)
{
	if (f->n == 0)
		return false;
	for (size_t i = 0; i < f->n; i++)
		if (f->p[i] < '0' || f->p[i] > '9')
			return false;
	return true;
}

/* ---- the forms ------------------------------------------------------------------- */

static int long_form(struct parser *ps, const struct field *f, int nf)
{
	int r = 0;

	for (int i = 0; i < nf && i < KERNEL_FIELDS && r == 0; i++) {
		switch (i) {
		case 0: r = address(ps, i, &f[i], &ps->c.client, &ps->c.client_set); break;
		case 1: r = address(ps, i, &f[i], &ps->c.server, &ps->c.server_set); break;
		case 2: r = address(ps, i, &f[i], &ps->c.gateway, &ps->c.gateway_set); break;
		case 3: r = netmask(ps, &f[i]); break;
		case 4: r = hostname(ps, &f[i]); break;
		case 5: r = device(ps, i, &f[i]); break;
		case 6: r = f[i].n ? keyword(ps, i, &f[i], &ps->c.autoconf) : 0; break;
		case 7:
			/* dracut puts <mtu> here; a number is never a dotted address. */
			if (all_digits(&f[i])) {
				r = mtu(ps, i, &f[i]);
				if (r == 0 && nf > 8)
					r = errmsg(ps->err, ps->errsz, -EINVAL,
						 "ip= field 9: dracut's <macaddr> after <mtu> is not "
						 "supported");
				return r;
			}
			r = address(ps, i, &f[i], &ps->c.dns[0], &ps->c.dns_set[0]);
			break;
		case 8: r = address(ps, i, &f[i], &ps->c.dns[1], &ps->c.dns_set[1]); break;
		default: r = address(ps, i, &f[i], &ps->c.ntp, &ps->c.ntp_set); break;
		}
	}
	if (r == 0 && nf > KERNEL_FIELDS)
		r = errmsg(ps->err, ps->errsz, -EINVAL,
			 "ip= has %d fields; at most 10 (client-ip:server-ip:gw-ip:netmask:"
			 "hostname:device:autoconf:dns0-ip:dns1-ip:ntp0-ip)", nf);
	return r;
}

/* dracut's <device>:<autoconf>[:<mtu>]. */
static int device_form(struct parser *ps, const struct field *f, int nf)
{
	int r = device(ps, 0, &f[0]);

	if (r == 0)
		r = keyword(ps, 1, &f[1], &ps->c.autoconf);
	if (r == 0 && nf > 2)
		r = mtu(ps, 2, &f[2]);
	if (r == 0 && nf > 3)
		r = errmsg(ps->err, ps->errsz, -EINVAL,
			 "ip=<device>:<autoconf>:<mtu> takes nothing more; dracut's <macaddr> is "
			 "not supported");
	return r;
}

/* Decides the mode and fills what the kernel derives. */
static int finish(struct parser *ps, bool short_form)
{
	struct ipcfg *c = &ps->c;
	char a[IPCFG_IPV4_LEN];
	int prefix;
	uint32_t host;

	if (!c->client_set) {
		if (c->autoconf != IPCFG_AUTO_OFF)
			c->mode = IPCFG_DHCP;
		else if (short_form)
			c->mode = IPCFG_OFF;
		else
			return errmsg(ps->err, ps->errsz, -EINVAL,
				    "ip= field 7 (autoconf) is off but field 1 (client-ip) is empty: "
				    "give an address or use ip=dhcp");
		return 0;
	}
	c->mode = IPCFG_STATIC;
	host = ntohl(c->client);
	if (!c->netmask_set) {
		/* Classful, as nfsroot.rst says; class D and E were refused as addresses. */
		c->netmask = inet4_class_mask(c->client);
		c->netmask_set = true;
		c->netmask_classful = true;
	}
	prefix = inet4_mask_prefix(c->netmask);
	if (prefix <= 30 && ((host & ~ntohl(c->netmask)) == 0 ||
			     (host | ntohl(c->netmask)) == 0xffffffffu))
		return errmsg(ps->err, ps->errsz, -EINVAL,
			    "ip= field 1 (client-ip) %s is the network or broadcast address of its "
			    "/%d subnet", ipcfg_format_ipv4(c->client, a), prefix);
	return 0;
}

static int split(const char *buf, size_t len, struct field *f)
{
	int nf = 0;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && buf[i] != ':')
			continue;
		if (nf == MAX_FIELDS)
			return -E2BIG;
		f[nf++] = (struct field){ buf + start, i - start };
		start = i + 1;
	}
	return nf;
}

int ipcfg_parse(const char *buf, size_t len, struct ipcfg *out, char *err, size_t errsz)
{
	struct parser ps = { .err = err, .errsz = errsz };
	struct field f[MAX_FIELDS];
	enum ipcfg_autoconf a;
	uint32_t ignored;
	bool short_form = false;
	int nf, r;

	if (errsz)
		err[0] = '\0';
	if (len > IPCFG_MAX_TEXT)
		return errmsg(err, errsz, -ENAMETOOLONG, "ip= is longer than %d bytes",
			    IPCFG_MAX_TEXT);
	if (len && memchr(buf, '\0', len))
		return errmsg(err, errsz, -EINVAL, "ip= holds a NUL byte");
	if (len && memchr(buf, '[', len))
		return errmsg(err, errsz, -EINVAL,
			    "ip= holds '[': IPv6 addresses are not supported, only IPv4");
	nf = split(buf, len, f);
	if (nf < 0)
		return errmsg(err, errsz, -EINVAL, "ip= has more than %d fields", MAX_FIELDS);
	if (nf == 1 && len > 0 && !(buf[0] >= '0' && buf[0] <= '9')) {
		/* ip=KEYWORD; a lone field starting with a digit is a client address. */
		short_form = true;
		r = keyword(&ps, 6, &f[0], &ps.c.autoconf);
		if (r == -EAFNOSUPPORT)
			return -EINVAL;
		if (r < 0)
			return errmsg(err, errsz, -EINVAL,
				    "ip= '%s' is neither a keyword (off none on any dhcp bootp rarp "
				    "both) nor client-ip:server-ip:gw-ip:netmask:...",
				    echo(&f[0], (char[ECHO_MAX + 4]){ 0 }));
	} else if (nf >= 2 && f[0].n && ipcfg_parse_ipv4(f[0].p, f[0].n, &ignored) < 0 &&
		   (r = keyword(&ps, 1, &f[1], &a)) != -EINVAL) {
		/* <device>:<autoconf>; an IPv6 keyword there keeps its own message. */
		short_form = true;
		if (r == 0)
			r = device_form(&ps, f, nf);
	} else {
		r = long_form(&ps, f, nf);
	}
	if (r == 0)
		r = finish(&ps, short_form);
	if (r < 0)
		return r == -EAFNOSUPPORT ? -EINVAL : r;
	if (errsz)
		err[0] = '\0';
	*out = ps.c;
	return 0;
}
