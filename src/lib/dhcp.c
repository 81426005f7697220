/* dhcp: building a client's DISCOVER/REQUEST and parsing a server's reply.
 *
 * Parsing is two passes over the untrusted buffer. The walk records where each option
 * instance lies (bounds checked before every read, a hard cap on their number); then
 * each known option is gathered, concatenating its instances (RFC 3396), into a bounded
 * scratch buffer and validated for its type. Nothing is ever cut: a value that does not
 * fit is flagged and ignored. */
#include "dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "base/array.h"
#include "inet4.h"

#define OPT_PAD 0
#define OPT_END 255
#define OPT_OVERLOAD 52
#define OPT_MSGTYPE 53

#define OFF_SNAME 44
#define OFF_FILE 108
#define OFF_COOKIE 236

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

/* Where one option instance's value lies in the message. */
struct opt_ref {
	size_t off;
	uint8_t code, len;
};

struct walk {
	const uint8_t *buf;
	unsigned n;
	struct opt_ref refs[DHCP_MAX_OPTIONS];
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t get_addr(const uint8_t *p)
{
	uint32_t a;

	memcpy(&a, p, 4);
	return a;
}

static void set_bit(uint8_t *bits, uint8_t code)
{
	bits[code / 8] |= (uint8_t)(1u << (code % 8));
}

static bool get_bit(const uint8_t *bits, uint8_t code)
{
	return bits[code / 8] & (1u << (code % 8));
}

bool dhcp_has(const struct dhcp_msg *m, uint8_t code)
{
	return get_bit(m->present, code);
}

bool dhcp_option_bad(const struct dhcp_msg *m, uint8_t code)
{
	return get_bit(m->bad, code);
}

/* Records the options in buf[start, end). An option's length byte and value must lie
 * inside the field. The options field must end with END; an overloaded file or sname
 * field may also just end, being of fixed size. */
static int walk_field(struct walk *w, size_t start, size_t end, bool need_end)
{
	size_t p = start;

	while (p < end) {
		uint8_t code = w->buf[p];

		if (code == OPT_PAD) {
			p++;
			continue;
		}
		if (code == OPT_END)
			return 0;
		if (end - p < 2 || end - p - 2 < w->buf[p + 1])
			return DHCP_E_OPTLEN;
		if (w->n == DHCP_MAX_OPTIONS)
			return DHCP_E_TOOMANY;
		w->refs[w->n++] = (struct opt_ref){ .off = p + 2, .code = code, .len = w->buf[p + 1] };
		p += 2 + (size_t)w->buf[p + 1];
	}
	return need_end ? DHCP_E_NOEND : 0;
}

/* Concatenates every instance of code into dst (cap bytes). Returns 1 and sets *len when
 * present, 0 when absent, -E2BIG when the whole value exceeds cap. */
static int gather(const struct walk *w, uint8_t code, uint8_t *dst, size_t cap, size_t *len)
{
	size_t n = 0;
	bool seen = false;

	*len = 0;
	for (unsigned i = 0; i < w->n; i++) {
		const struct opt_ref *r = &w->refs[i];

		if (r->code != code)
			continue;
		seen = true;
		if (r->len > cap - n)
			return -E2BIG;
		memcpy(dst + n, w->buf + r->off, r->len);
		n += r->len;
	}
	*len = n;
	return seen;
}

/* Scratch space for one gathered value: the longest kept string and its NUL. */
struct scratch {
	uint8_t v[DHCP_ROOT_PATH_MAX + 1];
	size_t len;
};

/* Gathers code; returns true when it is present and fits, flagging it bad otherwise. */
static bool take(const struct walk *w, struct dhcp_msg *m, uint8_t code, struct scratch *s)
{
	int r = gather(w, code, s->v, sizeof(s->v), &s->len);

	if (r < 0)
		set_bit(m->bad, code);
	return r > 0;
}

static void keep(struct dhcp_msg *m, uint8_t code, bool ok)
{
	set_bit(ok ? m->present : m->bad, code);
}

static void take_addr(const struct walk *w, struct dhcp_msg *m, uint8_t code, uint32_t *out)
{
	struct scratch s;

	if (!take(w, m, code, &s))
		return;
	if (s.len == 4)
		*out = get_addr(s.v);
	keep(m, code, s.len == 4);
}

static void take_list(const struct walk *w, struct dhcp_msg *m, uint8_t code, uint32_t *out,
		      unsigned max, unsigned *n)
{
	struct scratch s;
	bool ok;

	if (!take(w, m, code, &s))
		return;
	ok = s.len > 0 && s.len % 4 == 0;
	for (size_t i = 0; ok && i < s.len / 4 && *n < max; i++)
		out[(*n)++] = get_addr(s.v + 4 * i);
	keep(m, code, ok);
}

static void take_str(const struct walk *w, struct dhcp_msg *m, uint8_t code, char *out,
		     size_t max, uint16_t *out_len)
{
	struct scratch s;
	bool ok;

	if (!take(w, m, code, &s))
		return;
	if (s.len > 0 && s.v[s.len - 1] == '\0')
		s.len--;
	ok = s.len > 0 && s.len <= max && !memchr(s.v, '\0', s.len);
	if (ok) {
		memcpy(out, s.v, s.len);
		out[s.len] = '\0';
		*out_len = (uint16_t)s.len;
	}
	keep(m, code, ok);
}

static void take_scalars(const struct walk *w, struct dhcp_msg *m)
{
	struct scratch s;

	if (take(w, m, 1, &s)) {
		bool ok = s.len == 4 && inet4_mask_prefix(get_addr(s.v)) >= 0;

		if (ok)
			m->subnet_mask = get_addr(s.v);
		keep(m, 1, ok);
	}
	take_addr(w, m, 28, &m->broadcast);
	take_addr(w, m, 54, &m->server_id);
	if (take(w, m, 26, &s)) {
		bool ok = s.len == 2 && (s.v[0] << 8 | s.v[1]) >= 68;

		if (ok)
			m->mtu = (uint16_t)(s.v[0] << 8 | s.v[1]);
		keep(m, 26, ok);
	}
	if (take(w, m, 51, &s)) {
		if (s.len == 4)
			m->lease_time = get32(s.v);
		keep(m, 51, s.len == 4);
	}
}

/* A legacy BOOTP string field: its bytes up to the first NUL (the rest is padding). */
static void legacy_str(const uint8_t *field, size_t size, char *out, uint16_t *len)
{
	const uint8_t *nul = memchr(field, '\0', size);
	size_t n = nul ? (size_t)(nul - field) : size;

	memcpy(out, field, n);
	out[n] = '\0';
	*len = (uint16_t)n;
}

static void parse_header(const uint8_t *buf, struct dhcp_msg *m)
{
	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->xid = get32(buf + 4);
	m->secs = (uint16_t)(buf[8] << 8 | buf[9]);
	m->flags = (uint16_t)(buf[10] << 8 | buf[11]);
	m->ciaddr = get_addr(buf + 12);
	m->yiaddr = get_addr(buf + 16);
	m->siaddr = get_addr(buf + 20);
	m->giaddr = get_addr(buf + 24);
	memcpy(m->chaddr, buf + 28, sizeof(m->chaddr));
}

/* Walks the options field and, as option 52 says, the file and sname fields. */
static int walk_all(struct walk *w, size_t len, struct dhcp_msg *m)
{
	struct scratch s;
	int r = walk_field(w, DHCP_MIN_LEN, len, true);

	if (r < 0)
		return r;
	if (gather(w, OPT_OVERLOAD, s.v, sizeof(s.v), &s.len) != 0) {
		if (s.len != 1 || s.v[0] < 1 || s.v[0] > 3)
			return DHCP_E_OVERLOAD;
		m->overload = s.v[0];
		set_bit(m->present, OPT_OVERLOAD);
	}
	if (m->overload & 1) {
		r = walk_field(w, OFF_FILE, OFF_FILE + DHCP_FILE_LEN, false);
		if (r < 0)
			return r;
	}
	if (m->overload & 2)
		r = walk_field(w, OFF_SNAME, OFF_SNAME + DHCP_SNAME_LEN, false);
	return r;
}

static int parse_msg(const uint8_t *buf, size_t len, struct dhcp_msg *m, struct walk *w)
{
	struct scratch s;
	int r;

	if (len < DHCP_MIN_LEN)
		return DHCP_E_SHORT;
	parse_header(buf, m);
	if (m->op != 2)
		return DHCP_E_OP;
	if (m->htype != 1 || m->hlen != 6)
		return DHCP_E_HWTYPE;
	if (memcmp(buf + OFF_COOKIE, cookie, sizeof(cookie)) != 0)
		return DHCP_E_COOKIE;
	w->buf = buf;
	w->n = 0;
	r = walk_all(w, len, m);
	if (r < 0)
		return r;
	if (gather(w, OPT_MSGTYPE, s.v, sizeof(s.v), &s.len) != 0) {
		if (s.len != 1 || s.v[0] == 0)
			return DHCP_E_MSGTYPE;
		m->type = s.v[0];
		set_bit(m->present, OPT_MSGTYPE);
	}
	take_scalars(w, m);
	take_list(w, m, 3, m->routers, DHCP_MAX_ROUTERS, &m->n_routers);
	take_list(w, m, 6, m->dns, DHCP_MAX_DNS, &m->n_dns);
	take_list(w, m, 42, m->ntp, DHCP_MAX_NTP, &m->n_ntp);
	take_str(w, m, 12, m->hostname, DHCP_NAME_MAX, &m->hostname_len);
	take_str(w, m, 15, m->domain, DHCP_NAME_MAX, &m->domain_len);
	take_str(w, m, 17, m->root_path, DHCP_ROOT_PATH_MAX, &m->root_path_len);
	take_str(w, m, 66, m->tftp_server, DHCP_NAME_MAX, &m->tftp_server_len);
	take_str(w, m, 67, m->bootfile, DHCP_NAME_MAX, &m->bootfile_len);
	if (!(m->overload & 2))
		legacy_str(buf + OFF_SNAME, DHCP_SNAME_LEN, m->sname, &m->sname_len);
	if (!(m->overload & 1))
		legacy_str(buf + OFF_FILE, DHCP_FILE_LEN, m->file, &m->file_len);
	return 0;
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	struct walk w;
	int r;

	memset(m, 0, sizeof(*m));
	r = parse_msg(buf, len, m, &w);
	if (r < 0)
		memset(m, 0, sizeof(*m));
	return r;
}

static int check_yiaddr(uint32_t yiaddr)
{
	uint32_t first = ntohl(yiaddr) >> 24;

	if (yiaddr == 0)
		return DHCP_E_NOADDR;
	/* 0/8 "this network", 127/8 loopback, 224/4 multicast and above */
	if (first == 0 || first == 127 || first >= 224)
		return DHCP_E_BADADDR;
	return 0;
}

int dhcp_check_reply(const struct dhcp_msg *m, uint32_t xid, const uint8_t mac[6],
		     int expect_type)
{
	if (m->xid != xid)
		return DHCP_E_XID;
	if (memcmp(m->chaddr, mac, 6) != 0)
		return DHCP_E_CHADDR;
	if (m->type != expect_type && !(expect_type == DHCP_ACK && m->type == DHCP_NAK))
		return DHCP_E_TYPE;
	if (m->type != DHCP_OFFER && m->type != DHCP_ACK)
		return 0;
	if (!dhcp_has(m, 54))
		return DHCP_E_NOSERVER;
	return check_yiaddr(m->yiaddr);
}

const char *dhcp_strerror(int code)
{
	switch (code) {
	case DHCP_E_SHORT: return "too short for a BOOTP message";
	case DHCP_E_OP: return "not a BOOTREPLY";
	case DHCP_E_HWTYPE: return "hardware type is not Ethernet";
	case DHCP_E_COOKIE: return "no DHCP magic cookie";
	case DHCP_E_OPTLEN: return "option runs past the end of the packet";
	case DHCP_E_NOEND: return "no END option";
	case DHCP_E_TOOMANY: return "too many options";
	case DHCP_E_OVERLOAD: return "malformed option overload (52)";
	case DHCP_E_MSGTYPE: return "malformed message type (53)";
	case DHCP_E_XID: return "wrong xid";
	case DHCP_E_CHADDR: return "for another hardware address";
	case DHCP_E_TYPE: return "unexpected message type";
	case DHCP_E_NOADDR: return "no address offered (yiaddr 0.0.0.0)";
	case DHCP_E_BADADDR: return "unusable address offered";
	case DHCP_E_NOSERVER: return "no server identifier (54)";
	case DHCP_E_SERVER: return "from a server other than the one selected";
	case DHCP_E_IPHDR: return "malformed IPv4 header";
	case DHCP_E_IPSUM: return "bad IPv4 header checksum";
	case DHCP_E_FRAGMENT: return "IP fragment (a reply too big for one frame; not reassembled)";
	case DHCP_E_NOTUDP: return "not UDP";
	case DHCP_E_PORT: return "not to the DHCP client port";
	case DHCP_E_UDPLEN: return "bad UDP length";
	case DHCP_E_UDPSUM: return "bad UDP checksum";
	case DHCP_E_TOOBIG: return "larger than the receive buffer";
	default: return "unknown error";
	}
}

const char *dhcp_type_name(int type)
{
	static const char *const names[] = {
		"BOOTREPLY", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPDECLINE",
		"DHCPACK", "DHCPNAK", "DHCPRELEASE", "DHCPINFORM",
	};

	if (type >= 0 && type < (int)ARRAY_SIZE(names))
		return names[type];
	return "DHCP message of another type";
}

/* Appends one option, checking room for it and the END that must follow. */
static int put(uint8_t *buf, size_t size, size_t *p, uint8_t code, const void *v, size_t len)
{
	if (len > 255 || size - *p < 2 + len + 1)
		return -ENOBUFS;
	buf[(*p)++] = code;
	buf[(*p)++] = (uint8_t)len;
	memcpy(buf + *p, v, len);
	*p += len;
	return 0;
}

static int put_options(const struct dhcp_request *r, uint8_t *buf, size_t size, size_t *p)
{
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 17, 26, 28, 42, 51, 54, 66, 67 };
	const uint8_t type = (uint8_t)r->type;
	const uint8_t maxsz[2] = { DHCP_MAX_MSG_SIZE >> 8, DHCP_MAX_MSG_SIZE & 0xff };
	uint8_t cid[7] = { 1 };
	int e = 0;

	memcpy(cid + 1, r->mac, 6);
	e |= put(buf, size, p, OPT_MSGTYPE, &type, 1);
	e |= put(buf, size, p, 61, cid, sizeof(cid));
	e |= put(buf, size, p, 57, maxsz, sizeof(maxsz));
	if (r->type == DHCP_REQUEST) {
		e |= put(buf, size, p, 50, &r->requested_ip, 4);
		e |= put(buf, size, p, 54, &r->server_id, 4);
	}
	e |= put(buf, size, p, 55, prl, sizeof(prl));
	if (r->hostname && r->hostname[0])
		e |= put(buf, size, p, 12, r->hostname, strlen(r->hostname));
	e |= put(buf, size, p, 60, "sprout", 6);
	return e ? -ENOBUFS : 0;
}

int dhcp_build(const struct dhcp_request *r, uint8_t *buf, size_t size)
{
	size_t p = DHCP_MIN_LEN;

	if (r->type != DHCP_DISCOVER && r->type != DHCP_REQUEST)
		return -EINVAL;
	if (r->type == DHCP_REQUEST && (r->requested_ip == 0 || r->server_id == 0))
		return -EINVAL;
	if (r->hostname && strlen(r->hostname) > DHCP_NAME_MAX)
		return -ENAMETOOLONG;
	if (size < DHCP_BUILD_MIN)
		return -ENOBUFS;
	memset(buf, 0, DHCP_BUILD_MIN);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1; /* Ethernet */
	buf[2] = 6;
	buf[4] = (uint8_t)(r->xid >> 24);
	buf[5] = (uint8_t)(r->xid >> 16);
	buf[6] = (uint8_t)(r->xid >> 8);
	buf[7] = (uint8_t)r->xid;
	buf[8] = (uint8_t)(r->secs >> 8);
	buf[9] = (uint8_t)r->secs;
	/* Broadcast replies: we have no address to receive unicast on yet. */
	buf[10] = 0x80;
	memcpy(buf + 28, r->mac, 6);
	memcpy(buf + OFF_COOKIE, cookie, sizeof(cookie));
	if (put_options(r, buf, size, &p) < 0)
		return -ENOBUFS;
	buf[p++] = OPT_END;
	if (p < DHCP_BUILD_MIN)
		p = DHCP_BUILD_MIN;
	return (int)p;
}
