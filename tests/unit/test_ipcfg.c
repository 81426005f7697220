/* Unit tests for ipcfg: every ip= form of nfsroot.rst and dracut, the derived netmask,
 * and the message each kind of mistake gets. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ipcfg.h"

#include "testutil.h"

/* What a parse must give; NULL addresses mean "not set". */
struct want {
	enum ipcfg_mode mode;
	enum ipcfg_autoconf autoconf;
	const char *client, *server, *gw, *mask, *dns0, *dns1, *ntp;
	const char *hostname, *device;
	bool classful;
	unsigned mtu;
};

struct tcase {
	const char *in;
	int ret;
	struct want w;
	const char *err; /* substring of the message when ret < 0 */
};

#define OK(text, ...) { .in = (text), .w = { __VA_ARGS__ } }
#define BAD(text, rc, msg) { .in = (text), .ret = (rc), .err = (msg) }

static const struct tcase cases[] = {
	/* keywords */
	OK("dhcp", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_DHCP),
	OK("on", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_ANY),
	OK("any", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_ANY),
	OK("bootp", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_BOOTP),
	OK("rarp", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_RARP),
	OK("both", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_BOTH),
	OK("off", .mode = IPCFG_OFF, .autoconf = IPCFG_AUTO_OFF),
	OK("none", .mode = IPCFG_OFF, .autoconf = IPCFG_AUTO_OFF),
	OK("single-dhcp", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_DHCP),
	OK("", .mode = IPCFG_DHCP), /* all fields empty: the kernel autoconfigures */
	BAD("DHCP", -EINVAL, "'DHCP' is neither a keyword"),
	BAD("eth0", -EINVAL, "is neither a keyword"),
	BAD("dhcp6", -EINVAL, "IPv6 is not supported"),
	BAD("auto6", -EINVAL, "IPv6 is not supported"),
	BAD("ibft", -EINVAL, "neither a keyword"),
	/* the kernel's long form */
	OK("192.168.1.5:192.168.1.1:192.168.1.254:255.255.255.0:node5:eth0:off",
	   .mode = IPCFG_STATIC, .autoconf = IPCFG_AUTO_OFF, .client = "192.168.1.5",
	   .server = "192.168.1.1", .gw = "192.168.1.254", .mask = "255.255.255.0",
	   .hostname = "node5", .device = "eth0"),
	OK("10.0.0.7:10.0.0.1:10.0.0.1:255.255.0.0:h:enp1s0:none:10.0.0.53:10.0.1.53:10.0.0.123",
	   .mode = IPCFG_STATIC, .autoconf = IPCFG_AUTO_OFF, .client = "10.0.0.7",
	   .server = "10.0.0.1", .gw = "10.0.0.1", .mask = "255.255.0.0", .hostname = "h",
	   .device = "enp1s0", .dns0 = "10.0.0.53", .dns1 = "10.0.1.53", .ntp = "10.0.0.123"),
	OK("192.168.1.5:0.0.0.0:192.168.1.1:255.255.255.0::eth0:off", .mode = IPCFG_STATIC, .autoconf = IPCFG_AUTO_OFF, .client = "192.168.1.5",
	   .gw = "192.168.1.1", .mask = "255.255.255.0", .device = "eth0"),
	OK("10.1.2.3", .mode = IPCFG_STATIC, .client = "10.1.2.3", .mask = "255.0.0.0", .classful = true),
	OK("172.16.4.2::::::", .mode = IPCFG_STATIC, .client = "172.16.4.2", .mask = "255.255.0.0", .classful = true),
	OK("192.0.2.9:::", .mode = IPCFG_STATIC, .client = "192.0.2.9", .mask = "255.255.255.0", .classful = true),
	/* leading zeros are decimal, as in the kernel */
	OK("192.168.001.010::::", .mode = IPCFG_STATIC, .client = "192.168.1.10",
	   .mask = "255.255.255.0", .classful = true),
	/* an address wins over dhcp */
	OK("10.0.0.9::10.0.0.1:255.255.255.252::eth1:dhcp", .mode = IPCFG_STATIC,
	   .autoconf = IPCFG_AUTO_DHCP, .client = "10.0.0.9", .gw = "10.0.0.1",
	   .mask = "255.255.255.252", .device = "eth1"),
	OK("10.0.0.9:::255.255.255.255", .mode = IPCFG_STATIC, .client = "10.0.0.9", .mask = "255.255.255.255"),
	OK("10.0.0.8:::255.255.255.254", .mode = IPCFG_STATIC, .client = "10.0.0.8", .mask = "255.255.255.254"),
	OK(":10.0.0.1::::eth0:dhcp", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_DHCP, .server = "10.0.0.1", .device = "eth0"),
	OK(":::::eth0", .mode = IPCFG_DHCP, .device = "eth0"),
	OK("::::farm-node-01.example.org", .mode = IPCFG_DHCP, .hostname = "farm-node-01.example.org"),
	OK("::::WIN_PC-7", .mode = IPCFG_DHCP, .hostname = "WIN_PC-7"),
	OK("::::7", .mode = IPCFG_DHCP, .hostname = "7"),
	OK("0.0.0.0::::::any", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_ANY),
	/* a netmask of 0.0.0.0 is "not given", like every 0.0.0.0 field: the class default */
	OK("172.16.1.5:::0.0.0.0", .mode = IPCFG_STATIC, .client = "172.16.1.5",
	   .mask = "255.255.0.0", .classful = true),
	/* dracut */
	OK("eth0:dhcp", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_DHCP, .device = "eth0"),
	OK("enp0s3:on", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_ANY, .device = "enp0s3"),
	OK("eth0:off", .mode = IPCFG_OFF, .autoconf = IPCFG_AUTO_OFF, .device = "eth0"),
	OK("eth0:dhcp:9000", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_DHCP, .device = "eth0", .mtu = 9000),
	OK("eth0:dhcp:", .mode = IPCFG_DHCP, .autoconf = IPCFG_AUTO_DHCP, .device = "eth0"),
	BAD("eth0:dhcp:9000:52:54:00:12:34:56", -EINVAL, "<macaddr> is not supported"),
	BAD("eth0:dhcp:67", -EINVAL, "(mtu) '67' is not a number from 68 to 65535"),
	BAD("eth0:dhcp:65536", -EINVAL, "from 68 to 65535"),
	BAD("eth0:dhcp:99999999999999999999", -EINVAL, "from 68 to 65535"),
	BAD("eth0:dhcp:1x", -EINVAL, "(mtu)"),
	BAD("eth0:dhcp6", -EINVAL, "ip= field 2 (autoconf) 'dhcp6': IPv6 is not supported"),
	OK("10.0.0.2::10.0.0.1:255.0.0.0:h:eth0:none:1500", .mode = IPCFG_STATIC, .autoconf = IPCFG_AUTO_OFF, .client = "10.0.0.2",
	   .gw = "10.0.0.1", .mask = "255.0.0.0", .hostname = "h", .device = "eth0", .mtu = 1500),
	BAD("10.0.0.2::10.0.0.1:255.0.0.0:h:eth0:none:1500:52:54:00:12:34:56", -EINVAL, "<macaddr> after <mtu> is not supported"),
	/* mistakes in the long form */
	BAD("192.168.1.5:::255.0.255.0", -EINVAL, "ip= field 4 (netmask) '255.0.255.0' is not a contiguous mask"),
	BAD("192.168.1.5:::255.255.255.1", -EINVAL, "not a contiguous mask"),
	BAD("192.168.1.5:::24", -EINVAL, "field 4 (netmask) '24' is not a mask"),
	BAD("192.168.1.256", -EINVAL, "field 1 (client-ip) '192.168.1.256' is not an IPv4"),
	BAD("192.168.1", -EINVAL, "field 1 (client-ip) '192.168.1' is not an IPv4"),
	BAD("192.168.1.:", -EINVAL, "field 1 (client-ip)"),
	BAD("1.2.3.4.5:", -EINVAL, "field 1 (client-ip)"),
	BAD("1.2.3.0004:", -EINVAL, "field 1 (client-ip)"),
	BAD(" 1.2.3.4:", -EINVAL, "field 1 (client-ip)"),
	BAD("10.0.0.5:10.0.0.x", -EINVAL, "field 2 (server-ip) '10.0.0.x'"),
	BAD("10.0.0.5::gw", -EINVAL, "field 3 (gw-ip) 'gw'"),
	BAD("10.0.0.5:::::::8.8.8", -EINVAL, "field 8 (dns0-ip)"),
	BAD("10.0.0.5::::::::1.1.1.1.1", -EINVAL, "field 9 (dns1-ip)"),
	BAD("10.0.0.5:::::::::ntp", -EINVAL, "field 10 (ntp0-ip) 'ntp'"),
	BAD("10.0.0.5:::::::::1.2.3.4:x", -EINVAL, "ip= has 11 fields; at most 10"),
	BAD("127.0.0.2", -EINVAL, "loopback, multicast or broadcast"),
	BAD("224.0.0.1::::", -EINVAL, "loopback, multicast or broadcast"),
	BAD("255.255.255.255:", -EINVAL, "field 1 (client-ip)"),
	BAD("10.0.0.5::239.1.1.1", -EINVAL, "field 3 (gw-ip)"),
	BAD("10.0.0.0:::255.255.255.0", -EINVAL, "10.0.0.0 is the network or broadcast"),
	BAD("10.0.0.255:::255.255.255.0", -EINVAL, "of its /24 subnet"),
	BAD("10.255.255.255", -EINVAL, "/8 subnet"),
	BAD("10.0.0.5:::::eth0:maybe", -EINVAL, "field 7 (autoconf) 'maybe' is not one of off none on any dhcp"),
	BAD(":::::eth0:off", -EINVAL, "field 1 (client-ip) is empty"),
	BAD("0.0.0.0:::::eth0:off", -EINVAL, "field 1 (client-ip) is empty"),
	BAD("10.0.0.5::::bad host", -EINVAL, "field 5 (hostname) 'bad host'"),
	BAD("10.0.0.5::::a/b", -EINVAL, "field 5 (hostname)"),
	BAD("10.0.0.5:::::e/th0", -EINVAL, "field 6 (device) 'e/th0' is not an interface"),
	BAD("10.0.0.5:::::..", -EINVAL, "field 6 (device)"),
	BAD("10.0.0.5:::::eth\x7f", -EINVAL, "'eth\\x7f'"),
	BAD("10.0.0.5:::::abcdefghijklmnop", -ENAMETOOLONG, "longer than 15 bytes"),
	BAD("[2001:db8::1]::[2001:db8::fe]:64::eth0:none", -EINVAL, "IPv6 addresses are not supported"),
	BAD("2001:db8::1", -EINVAL, "(IPv6 is not supported)"),
	BAD("fe80::1", -EINVAL, "field 1 (client-ip) 'fe80'"),
	BAD("1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17", -EINVAL, "more than 16 fields"),
	/* the one escaper (escape.h): a quote stays as it is, a backslash is \x5c */
	BAD("\x01\xff'\\::", -EINVAL, "'\\x01\\xff'\\x5c'"),
	/* host names: the one check of dnsname.h, the same a DHCP option 12 passes */
	BAD("10.0.0.5::::a;$(reboot)", -EINVAL, "field 5 (hostname) 'a;$(reboot)' is not a host name"),
	BAD("10.0.0.5::::a..b", -EINVAL, "field 5 (hostname) 'a..b'"),
	BAD("10.0.0.5::::.a", -EINVAL, "field 5 (hostname) '.a'"),
	BAD("10.0.0.5::::a.", -EINVAL, "field 5 (hostname) 'a.'"),
	BAD("10.0.0.5::::-a", -EINVAL, "field 5 (hostname) '-a'"),
	BAD("10.0.0.5::::a-.b", -EINVAL, "field 5 (hostname) 'a-.b'"),
	BAD("10.0.0.5::::h\xc3\xa9", -EINVAL, "'h\\xc3\\xa9'"),
};

static void check_addr(const char *what, const char *name, uint32_t v, bool set, const char *want)
{
	char got[IPCFG_IPV4_LEN];

	if (!want && set)
		fail_msg("%s: %s set to %s", what, name, ipcfg_format_ipv4(v, got));
	if (want && (!set || strcmp(ipcfg_format_ipv4(v, got), want)))
		fail_msg("%s: %s %s (set %d), want %s", what, name, got, set, want);
}

static void check(const struct ipcfg *c, const struct want *w, const char *what)
{
	if (c->mode != w->mode || c->autoconf != w->autoconf)
		fail_msg("%s: mode %d autoconf %d", what, c->mode, c->autoconf);
	check_addr(what, "client", c->client, c->client_set, w->client);
	check_addr(what, "server", c->server, c->server_set, w->server);
	check_addr(what, "gateway", c->gateway, c->gateway_set, w->gw);
	check_addr(what, "netmask", c->netmask, c->netmask_set, w->mask);
	check_addr(what, "dns0", c->dns[0], c->dns_set[0], w->dns0);
	check_addr(what, "dns1", c->dns[1], c->dns_set[1], w->dns1);
	check_addr(what, "ntp", c->ntp, c->ntp_set, w->ntp);
	if (strcmp(c->hostname, w->hostname ? w->hostname : "") ||
	    strcmp(c->device, w->device ? w->device : ""))
		fail_msg("%s: hostname '%s' device '%s'", what, c->hostname, c->device);
	if (c->netmask_classful != w->classful || c->mtu != w->mtu)
		fail_msg("%s: classful %d mtu %u", what, c->netmask_classful, c->mtu);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct ipcfg c, before;
		char err[IPCFG_ERR_LEN], what[96];
		int r;

		snprintf(what, sizeof(what), "case %zu '%s'", i, cases[i].in);
		memset(&c, 0x5a, sizeof(c));
		before = c;
		memset(err, 'x', sizeof(err));
		r = ipcfg_parse(cases[i].in, strlen(cases[i].in), &c, err, sizeof(err));
		if (r != cases[i].ret)
			fail_msg("%s: %d want %d (%s)", what, r, cases[i].ret, err);
		if (r == 0) {
			assert_string_equal(err, "");
			check(&c, &cases[i].w, what);
			continue;
		}
		if (memcmp(&c, &before, sizeof(c)))
			fail_msg("%s: a failed parse changed the output", what);
		if (!strstr(err, cases[i].err))
			fail_msg("%s: message '%s' lacks '%s'", what, err, cases[i].err);
		/* Our messages fit the recommended buffer whole. */
		if (strlen(err) >= sizeof(err) - 1)
			fail_msg("%s: message may be cut: '%s'", what, err);
	}
}

static void test_limits(void **state)
{
	static char buf[IPCFG_MAX_TEXT + 2];
	char err[IPCFG_ERR_LEN];
	struct ipcfg c;
	int n;

	(void)state;
	/* A 64-byte hostname is the most the kernel keeps; 65 is an error, not a cut. */
	n = snprintf(buf, sizeof(buf), "::::%031d.%032d", 7, 8);
	assert_int_equal(ipcfg_parse(buf, (size_t)n, &c, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.hostname), 64);
	n = snprintf(buf, sizeof(buf), "::::%031d.%033d", 7, 8);
	assert_int_equal(ipcfg_parse(buf, (size_t)n, &c, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "field 5 (hostname) is longer than 64 bytes"));
	/* a label is at most 63 bytes (RFC 1035) */
	n = snprintf(buf, sizeof(buf), "::::%064d", 7);
	assert_int_equal(ipcfg_parse(buf, (size_t)n, &c, err, sizeof(err)), -ENAMETOOLONG);
	/* Whole value: at most IPCFG_MAX_TEXT bytes. */
	memset(buf, ':', sizeof(buf));
	memcpy(buf, "dhcp", 4);
	assert_int_equal(ipcfg_parse(buf, IPCFG_MAX_TEXT + 1, &c, err, sizeof(err)), -ENAMETOOLONG);
	/* The length bounds the read; a NUL inside is refused. */
	assert_int_equal(ipcfg_parse("dhcpXYZ", 4, &c, err, sizeof(err)), 0);
	assert_int_equal(c.mode, IPCFG_DHCP);
	assert_int_equal(ipcfg_parse("dhcp\0", 5, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	/* No message buffer is fine; a tiny one is cut but terminated. */
	assert_int_equal(ipcfg_parse("bogus", 5, &c, NULL, 0), -EINVAL);
	assert_int_equal(ipcfg_parse("bogus", 5, &c, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
	/* A long bad field is echoed in part, visibly. */
	n = snprintf(buf, sizeof(buf), "10.0.0.5:%0100d", 1);
	assert_int_equal(ipcfg_parse(buf, (size_t)n, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "0000...'"));
}

static void test_helpers(void **state)
{
	char out[IPCFG_IPV4_LEN];
	uint32_t a;

	(void)state;
	assert_int_equal(ipcfg_parse_ipv4("10.1.2.3", 8, &a), 0);
	assert_int_equal(a, htonl(0x0a010203));
	assert_string_equal(ipcfg_format_ipv4(a, out), "10.1.2.3");
	assert_string_equal(ipcfg_format_ipv4(0xffffffffu, out), "255.255.255.255");
	assert_int_equal(ipcfg_parse_ipv4("", 0, &a), -EINVAL);
	assert_int_equal(ipcfg_parse_ipv4("1.2.3.4", 6, &a), -EINVAL);
	assert_int_equal(ipcfg_parse_ipv4("1..3.4", 6, &a), -EINVAL);
	assert_int_equal(ipcfg_parse_ipv4("1.2.3.-4", 8, &a), -EINVAL);
	assert_string_equal(ipcfg_mode_name(IPCFG_OFF), "off");
	assert_string_equal(ipcfg_mode_name(IPCFG_DHCP), "dhcp");
	assert_string_equal(ipcfg_mode_name(IPCFG_STATIC), "static");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
