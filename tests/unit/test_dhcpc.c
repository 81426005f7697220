/* Unit tests for dhcpc: the client state machine over a fake transport (a scripted server
 * and a fake clock), and, when SPROUT_DHCP_IFACE names an interface, one real exchange on
 * it (tests/e2e/test_dhcp_netns.sh runs that inside a network namespace with dnsmasq). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dhcp.h"
#include "dhcp_frame.h"
#include "dhcpc.h"
#include "log.h"

#include "testutil.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x01 };

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* --- a fake network ---------------------------------------------------------------- */

struct sent {
	uint64_t at;
	int type;
	uint32_t xid, requested, server;
	uint16_t secs;
	char hostname[DHCP_NAME_MAX + 1];
};

struct queued {
	uint64_t at;
	uint8_t buf[1600];
	size_t len;
};

struct fake;
/* Called for every request the client sends; queues the server's answers. */
typedef void (*server_fn)(struct fake *f, const struct sent *s);

struct fake {
	uint64_t now;
	uint32_t rnd;
	struct sent sent[64];
	int nsent;
	struct queued q[64];
	int nq;
	server_fn server;
	int state;          /* the script's own */
	int recv_error;
};

static uint64_t f_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static uint32_t f_random(void *ctx)
{
	return ((struct fake *)ctx)->rnd;
}

static const uint8_t *find_opt(const uint8_t *b, size_t len, uint8_t code, uint8_t *olen)
{
	for (size_t p = DHCP_MIN_LEN; p < len && b[p] != 0xff;) {
		if (b[p] == 0) {
			p++;
			continue;
		}
		assert_true(p + 2 <= len && p + 2 + b[p + 1] <= len);
		if (b[p] == code) {
			*olen = b[p + 1];
			return b + p + 2;
		}
		p += 2 + b[p + 1];
	}
	return NULL;
}

static int f_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct fake *f = ctx;
	uint8_t b[1600];
	struct dhcp_msg m;
	struct sent *s;
	uint8_t l;
	const uint8_t *v;

	assert_true(len > DHCP_FRAME_HDR && len - DHCP_FRAME_HDR <= sizeof(b));
	assert_int_equal(frame[0], 0x45);
	assert_memory_equal(frame + 20, "\x00\x44\x00\x43", 4); /* 68 -> 67 */
	len -= DHCP_FRAME_HDR;
	memcpy(b, frame + DHCP_FRAME_HDR, len);
	assert_int_equal(b[0], 1);
	b[0] = 2; /* our parser reads replies */
	assert_int_equal(dhcp_parse(b, len, &m), 0);
	assert_true(f->nsent < (int)N(f->sent));
	s = &f->sent[f->nsent++];
	*s = (struct sent){ .at = f->now, .type = m.type, .xid = m.xid, .secs = m.secs };
	if ((v = find_opt(b, len, 50, &l)) && l == 4)
		memcpy(&s->requested, v, 4);
	if ((v = find_opt(b, len, 54, &l)) && l == 4)
		memcpy(&s->server, v, 4);
	snprintf(s->hostname, sizeof(s->hostname), "%s", m.hostname);
	if (f->server)
		f->server(f, s);
	return 0;
}

static int f_recv(void *ctx, uint8_t *buf, size_t size, int timeout_ms, unsigned *flags)
{
	struct fake *f = ctx;
	int best = -1;

	*flags = 0;
	if (f->recv_error)
		return f->recv_error;
	for (int i = 0; i < f->nq; i++)
		if (f->q[i].at <= f->now + (uint64_t)timeout_ms && (best < 0 || f->q[i].at < f->q[best].at))
			best = i;
	if (best < 0) {
		f->now += (uint64_t)timeout_ms;
		return 0;
	}
	struct queued q = f->q[best];
	memmove(&f->q[best], &f->q[best + 1], (size_t)(f->nq - best - 1) * sizeof(q));
	f->nq--;
	if (q.at > f->now)
		f->now = q.at;
	if (q.len <= size)
		memcpy(buf, q.buf, q.len);
	return (int)q.len;
}

static struct dhcpc_transport transport(struct fake *f)
{
	return (struct dhcpc_transport){
		.ctx = f, .send = f_send, .recv = f_recv, .now_ms = f_now, .random = f_random,
	};
}

/* --- server replies ------------------------------------------------------------------ */

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Wraps payload in IPv4/UDP from src:67 to broadcast:68, with a valid UDP checksum. */
static size_t frame(uint8_t *b, const char *src, const uint8_t *payload, size_t len)
{
	uint32_t a = ip(src);
	uint8_t *u = b + 20;

	memset(b, 0, 28);
	b[0] = 0x45;
	b[2] = (uint8_t)((28 + len) >> 8), b[3] = (uint8_t)(28 + len);
	b[8] = 64, b[9] = 17;
	memcpy(b + 12, &a, 4);
	memset(b + 16, 0xff, 4);
	uint16_t s = csum(b, 20, 0);
	b[10] = (uint8_t)(s >> 8), b[11] = (uint8_t)s;
	u[1] = 67, u[3] = 68;
	u[4] = (uint8_t)((8 + len) >> 8), u[5] = (uint8_t)(8 + len);
	memcpy(u + 8, payload, len);
	uint32_t ph = (uint32_t)(b[12] << 8 | b[13]) + (uint32_t)(b[14] << 8 | b[15]) + 0xffff +
		      0xffff + 17 + (uint32_t)(8 + len);
	s = csum(u, 8 + len, ph);
	u[6] = (uint8_t)(s >> 8), u[7] = (uint8_t)s;
	return 28 + len;
}

struct rep {
	int type;
	uint32_t xid;
	const uint8_t *chaddr;
	const char *yiaddr, *server, *src;
	const char *extra;  /* more options, raw */
	size_t extra_len;
	int no_server_id;
};

/* Queues a reply arriving delay ms from now. */
static void queue(struct fake *f, uint64_t delay, const struct rep *r)
{
	uint8_t p[600] = { 0 };
	size_t n = DHCP_MIN_LEN;
	uint32_t y = ip(r->yiaddr ? r->yiaddr : "10.77.0.50");
	uint32_t srv = ip(r->server ? r->server : "10.77.0.1");

	p[0] = 2, p[1] = 1, p[2] = 6;
	p[4] = (uint8_t)(r->xid >> 24), p[5] = (uint8_t)(r->xid >> 16);
	p[6] = (uint8_t)(r->xid >> 8), p[7] = (uint8_t)r->xid;
	memcpy(p + 16, &y, 4);
	memcpy(p + 20, &srv, 4);
	memcpy(p + 28, r->chaddr ? r->chaddr : mac, 6);
	memcpy(p + 236, "\x63\x82\x53\x63", 4);
	p[n++] = 53, p[n++] = 1, p[n++] = (uint8_t)r->type;
	if (!r->no_server_id) {
		p[n++] = 54, p[n++] = 4;
		memcpy(p + n, &srv, 4);
		n += 4;
	}
	if (r->extra_len)
		memcpy(p + n, r->extra, r->extra_len);
	n += r->extra_len;
	p[n++] = 0xff;
	assert_true(f->nq < (int)N(f->q));
	struct queued *q = &f->q[f->nq++];
	q->at = f->now + delay;
	q->len = frame(q->buf, r->src ? r->src : (r->server ? r->server : "10.77.0.1"), p, n);
}

#define LEASE_OPTS "\x01\x04\xff\xff\xff\x00\x03\x04\x0a\x4d\x00\x01\x33\x04\x00\x00\x0e\x10" \
		   "\x11\x11" "10.77.0.1:/export"

static void answer(struct fake *f, const struct sent *s, int type)
{
	queue(f, 10, &(struct rep){ .type = type, .xid = s->xid, .extra = LEASE_OPTS,
				    .extra_len = sizeof(LEASE_OPTS) - 1 });
}

/* A well-behaved server. */
static void srv_normal(struct fake *f, const struct sent *s)
{
	answer(f, s, s->type == DHCP_DISCOVER ? DHCP_OFFER : DHCP_ACK);
}

/* Loses the first three DISCOVERs. */
static void srv_lossy(struct fake *f, const struct sent *s)
{
	if (s->type == DHCP_DISCOVER && f->state++ < 3)
		return;
	srv_normal(f, s);
}

/* NAKs the first REQUEST. */
static void srv_nak_once(struct fake *f, const struct sent *s)
{
	if (s->type == DHCP_REQUEST && f->state++ == 0) {
		queue(f, 10, &(struct rep){ .type = DHCP_NAK, .xid = s->xid, .yiaddr = "0.0.0.0" });
		return;
	}
	srv_normal(f, s);
}

static void srv_silent(struct fake *f, const struct sent *s)
{
	(void)f, (void)s;
}

/* Offers, then never answers the first four REQUESTs. */
static void srv_deaf_to_requests(struct fake *f, const struct sent *s)
{
	if (s->type == DHCP_REQUEST && f->state++ < 4)
		return;
	srv_normal(f, s);
}

static struct dhcpc_opts opts(struct dhcpc_transport *t, unsigned timeout_ms)
{
	struct dhcpc_opts o = { .ifindex = 2, .ifname = "eth0", .hostname = "node1",
				.timeout_ms = timeout_ms, .transport = t };
	memcpy(o.mac, mac, 6);
	return o;
}

/* --- scenarios ------------------------------------------------------------------------ */

static void test_normal_exchange(void **state)
{
	(void)state;
	struct fake f = { .now = 5000, .rnd = 500, .server = srv_normal };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 30000);
	struct dhcp_lease l;

	assert_int_equal(dhcpc_run(&o, &l), 0);
	assert_int_equal(f.nsent, 2);
	assert_int_equal(f.sent[0].type, DHCP_DISCOVER);
	assert_int_equal(f.sent[1].type, DHCP_REQUEST);
	assert_int_equal(f.sent[1].xid, f.sent[0].xid);
	assert_int_equal(f.sent[1].requested, ip("10.77.0.50"));
	assert_int_equal(f.sent[1].server, ip("10.77.0.1"));
	assert_int_equal(f.sent[0].secs, 0);
	assert_string_equal(f.sent[0].hostname, "node1");
	assert_int_equal(f.now, 5020);
	assert_string_equal(l.ifname, "eth0");
	assert_int_equal(l.address, ip("10.77.0.50"));
	assert_int_equal(l.prefix_len, 24);
	assert_int_equal(l.netmask, ip("255.255.255.0"));
	assert_int_equal(l.broadcast, ip("10.77.0.255"));
	assert_int_equal(l.gateway, ip("10.77.0.1"));
	assert_int_equal(l.server_id, ip("10.77.0.1"));
	assert_int_equal(l.next_server, ip("10.77.0.1"));
	assert_int_equal(l.lease_time, 3600);
	assert_int_equal(l.obtained_ms, 5020);
	assert_string_equal(l.root_path, "10.77.0.1:/export");
}

static void test_retransmit_backoff(void **state)
{
	(void)state;
	struct fake f = { .rnd = 500, .server = srv_lossy };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 60000);
	struct dhcp_lease l;

	assert_int_equal(dhcpc_run(&o, &l), 0);
	assert_int_equal(f.nsent, 5);
	/* 1 s, 2 s, 4 s apart (a jitter of 0 with rnd 500), secs counting */
	static const uint64_t at[] = { 0, 1000, 3000, 7000 };
	static const uint16_t secs[] = { 0, 1, 3, 7 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(f.sent[i].type, DHCP_DISCOVER);
		assert_int_equal(f.sent[i].at, at[i]);
		assert_int_equal(f.sent[i].secs, secs[i]);
		assert_int_equal(f.sent[i].xid, f.sent[0].xid);
	}
	/* the REQUEST repeats the secs of the DISCOVER that was answered */
	assert_int_equal(f.sent[4].type, DHCP_REQUEST);
	assert_int_equal(f.sent[4].secs, 7);
}

static void test_backoff_cap_and_jitter(void **state)
{
	(void)state;
	struct fake f = { .rnd = 0, .server = srv_silent };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 100000);
	struct dhcp_lease l;

	/* rnd 0: every interval 0.5 s short of 1, 2, 4, 8, 16, 16, ... s */
	assert_int_equal(dhcpc_run(&o, &l), -ETIMEDOUT);
	static const uint64_t gap[] = { 500, 1500, 3500, 7500, 15500, 15500, 15500 };
	assert_true(f.nsent >= (int)N(gap) + 1);
	for (size_t i = 0; i < N(gap); i++)
		assert_int_equal(f.sent[i + 1].at - f.sent[i].at, gap[i]);
	/* rnd 1000: 0.5 s longer */
	f = (struct fake){ .rnd = 1000, .server = srv_silent };
	assert_int_equal(dhcpc_run(&o, &l), -ETIMEDOUT);
	assert_int_equal(f.sent[1].at - f.sent[0].at, 1500);
	assert_int_equal(f.sent[5].at - f.sent[4].at, 16500);
	assert_int_equal(f.now, 100000);
}

static void test_timeout(void **state)
{
	(void)state;
	struct fake f = { .now = 100, .rnd = 500, .server = srv_silent };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 10000);
	struct dhcp_lease l;

	assert_int_equal(dhcpc_run(&o, &l), -ETIMEDOUT);
	assert_int_equal(f.now, 10100);
	assert_int_equal(f.nsent, 4); /* at 0, 1, 3, 7 s */
}

static void test_nak_restarts(void **state)
{
	(void)state;
	struct fake f = { .rnd = 500, .server = srv_nak_once };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 30000);
	struct dhcp_lease l;

	assert_int_equal(dhcpc_run(&o, &l), 0);
	assert_int_equal(f.nsent, 4);
	assert_int_equal(f.sent[2].type, DHCP_DISCOVER);
	assert_int_not_equal(f.sent[2].xid, f.sent[0].xid);
	/* the NAK came at 20 ms; a pause of 1 s before discovering again */
	assert_int_equal(f.sent[2].at, 1020);
	assert_int_equal(f.sent[3].type, DHCP_REQUEST);
	assert_int_equal(f.sent[3].xid, f.sent[2].xid);
	assert_int_equal(l.address, ip("10.77.0.50"));
}

static void test_unanswered_requests_restart(void **state)
{
	(void)state;
	struct fake f = { .rnd = 500, .server = srv_deaf_to_requests };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 60000);
	struct dhcp_lease l;

	assert_int_equal(dhcpc_run(&o, &l), 0);
	assert_int_equal(f.nsent, 7);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(f.sent[i].type, DHCP_REQUEST);
	assert_int_equal(f.sent[4].at - f.sent[3].at, 4000);
	assert_int_equal(f.sent[5].type, DHCP_DISCOVER);
	assert_int_equal(f.sent[5].at - f.sent[4].at, 8000);
	assert_int_equal(f.sent[6].type, DHCP_REQUEST);
}

/* Captures what the client logs (stderr: no /dev/kmsg in a test). */
static int log_start(void)
{
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	assert_int_equal(dup2(fileno(tmp), 2), 2);
	fclose(tmp);
	return saved;
}

static char *log_end(int saved, char *buf, size_t size)
{
	ssize_t n;

	lseek(2, 0, SEEK_SET);
	n = read(2, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	dup2(saved, 2);
	close(saved);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Each bad packet is dropped with one line saying why, then a good OFFER is taken. */
static void srv_noisy(struct fake *f, const struct sent *s)
{
	static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0x02 };

	if (s->type != DHCP_DISCOVER) {
		/* an ACK from a server we did not select comes first */
		queue(f, 5, &(struct rep){ .type = DHCP_ACK, .xid = s->xid, .server = "10.77.0.9" });
		srv_normal(f, s);
		return;
	}
	queue(f, 1, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid + 1 });
	queue(f, 2, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid, .chaddr = other });
	queue(f, 3, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid, .yiaddr = "0.0.0.0" });
	queue(f, 4, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid, .no_server_id = 1 });
	queue(f, 5, &(struct rep){ .type = DHCP_ACK, .xid = s->xid });
	queue(f, 6, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid, .extra = "\x0c\x10", .extra_len = 2 });
	queue(f, 7, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid, .yiaddr = "127.0.0.1" });
	queue(f, 8, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid });
	f->q[f->nq - 1].buf[40] ^= 1; /* the good one, with a bad UDP checksum */
	queue(f, 9, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid });
	f->q[f->nq - 1].len = 1 << 14; /* too large for the receive buffer */
	queue(f, 10, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid });
	f->q[f->nq - 1].buf[0] = 0x60; /* not IPv4 */
	queue(f, 50, &(struct rep){ .type = DHCP_OFFER, .xid = s->xid });
}

static void test_bad_packets_ignored(void **state)
{
	(void)state;
	struct fake f = { .rnd = 500, .server = srv_noisy };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 30000);
	struct dhcp_lease l;
	static char out[16384];

	log_set_debug(true);
	int saved = log_start();
	int r = dhcpc_run(&o, &l);
	log_end(saved, out, sizeof(out));
	log_set_debug(false);
	assert_int_equal(r, 0);
	assert_int_equal(f.nsent, 2); /* nothing retransmitted: the good one came at 50 ms */
	assert_int_equal(l.server_id, ip("10.77.0.1"));
	static const char *const why[] = {
		"DHCPOFFER from 10.77.0.1 ignored: wrong xid\n",
		"DHCPOFFER from 10.77.0.1 ignored: for another hardware address\n",
		"DHCPOFFER from 10.77.0.1 ignored: no address offered",
		"DHCPOFFER from 10.77.0.1 ignored: no server identifier",
		"DHCPACK from 10.77.0.1 ignored: unexpected message type\n",
		"packet from 10.77.0.1 ignored: option runs past the end",
		"DHCPOFFER from 10.77.0.1 ignored: unusable address offered\n",
		"packet from 10.77.0.1 ignored: bad UDP checksum\n",
		"packet ignored: larger than the receive buffer\n",
		"packet ignored: malformed IPv4 header\n",
		"DHCPACK from 10.77.0.9 ignored: from a server other than the one selected\n",
	};
	for (size_t i = 0; i < N(why); i++)
		if (count(out, why[i]) != 1)
			fail_msg("want exactly one \"%s\" in:\n%s", why[i], out);
	if (count(out, "ignored") != (int)N(why))
		fail_msg("%d lines of ignored packets, want %zu:\n%s", count(out, "ignored"), N(why), out);
	assert_int_equal(count(out, "lease 10.77.0.50/24 from 10.77.0.1, gateway 10.77.0.1, 3600 s"), 1);
}

static void test_transport_error(void **state)
{
	(void)state;
	struct fake f = { .rnd = 500, .recv_error = -EIO };
	struct dhcpc_transport t = transport(&f);
	struct dhcpc_opts o = opts(&t, 30000);
	struct dhcp_lease l;

	assert_int_equal(dhcpc_run(&o, &l), -EIO);
	/* bad options */
	char longname[300];
	memset(longname, 'h', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	o.hostname = longname;
	assert_int_equal(dhcpc_run(&o, &l), -ENAMETOOLONG);
	o.hostname = NULL;
	t.send = NULL;
	assert_int_equal(dhcpc_run(&o, &l), -EINVAL);
	o.transport = NULL;
	o.ifindex = 0;
	assert_int_equal(dhcpc_run(&o, &l), -EINVAL);
}

/* --- a real exchange, when asked for ------------------------------------------------- */

static int read_mac(const char *ifname, uint8_t out[6])
{
	char path[128], line[64];
	unsigned v[6];
	FILE *fp;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	char *ok = fgets(line, sizeof(line), fp);
	fclose(fp);
	if (!ok || sscanf(line, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)v[i];
	return 0;
}

static void test_real_interface(void **state)
{
	(void)state;
	const char *ifname = getenv("SPROUT_DHCP_IFACE");
	const char *want_root = getenv("SPROUT_DHCP_EXPECT_ROOT_PATH");
	struct dhcpc_opts o = { .ifname = ifname, .hostname = "sprout-test", .timeout_ms = 8000 };
	struct dhcp_lease l;
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	if (!ifname || !*ifname)
		skip();
	o.ifindex = (int)if_nametoindex(ifname);
	assert_true(o.ifindex > 0);
	assert_int_equal(read_mac(ifname, o.mac), 0);
	assert_int_equal(dhcpc_run(&o, &l), 0);
	printf("LEASE: if=%s addr=%s/%u gw=%s server=%s lease=%u root-path=%s mtu=%u\n", l.ifname,
	       inet_ntop(AF_INET, &l.address, a, sizeof(a)), l.prefix_len,
	       inet_ntop(AF_INET, &l.gateway, g, sizeof(g)),
	       inet_ntop(AF_INET, &l.server_id, s, sizeof(s)), l.lease_time, l.root_path, l.mtu);
	uint32_t h = ntohl(l.address);
	assert_true(h >= ntohl(ip("10.77.0.50")) && h <= ntohl(ip("10.77.0.99")));
	assert_int_equal(l.prefix_len, 24);
	assert_int_equal(l.server_id, ip("10.77.0.1"));
	if (want_root)
		assert_string_equal(l.root_path, want_root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_exchange),
		cmocka_unit_test(test_retransmit_backoff),
		cmocka_unit_test(test_backoff_cap_and_jitter),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_nak_restarts),
		cmocka_unit_test(test_unanswered_requests_restart),
		cmocka_unit_test(test_bad_packets_ignored),
		cmocka_unit_test(test_transport_error),
		cmocka_unit_test(test_real_interface),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
