/* Unit tests for netstate: the three lease files, exactly; values from the network that
 * try to forge lines (a newline, a control byte) or break the quoting (a '); empty
 * values; the lease time (0, infinite, unknown, static); the files on disk. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/array.h"
#include "base/readfile.h"
#include "netstate.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* A DHCP lease as phase_network fills it. */
static struct netstate lease(void)
{
	struct netstate ns = {
		.ifname = "eth0", .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, .proto = "dhcp",
		.prefix = 24, .n_dns = 2, .mtu = 1500, .lease_time = 3600, .lease_time_set = true,
		.hostname = "node5", .domain = "example.org", .root_path = "10.0.0.1:/srv/root",
		.bootfile = "pxelinux.0",
	};

	ns.addr = ip("10.0.0.5");
	ns.netmask = ip("255.255.255.0");
	ns.broadcast = ip("10.0.0.255");
	ns.gateway = ip("10.0.0.1");
	ns.dns[0] = ip("10.0.0.53");
	ns.dns[1] = ip("10.0.1.53");
	ns.server = ip("10.0.0.1");
	return ns;
}

static const char ifconf_want[] =
	"DEVICE='eth0'\n"
	"PROTO='dhcp'\n"
	"IPV4ADDR='10.0.0.5'\n"
	"IPV4BROADCAST='10.0.0.255'\n"
	"IPV4NETMASK='255.255.255.0'\n"
	"IPV4GATEWAY='10.0.0.1'\n"
	"IPV4DNS0='10.0.0.53'\n"
	"IPV4DNS1='10.0.1.53'\n"
	"HOSTNAME='node5'\n"
	"DNSDOMAIN='example.org'\n"
	"ROOTSERVER='10.0.0.1'\n"
	"ROOTPATH='10.0.0.1:/srv/root'\n"
	"filename='pxelinux.0'\n"
	"DHCPLEASETIME='3600'\n"
	"MTU='1500'\n";

static const char keyvalue_want[] =
	"interface=eth0\n"
	"mac=52:54:00:12:34:56\n"
	"proto=dhcp\n"
	"address=10.0.0.5\n"
	"prefix=24\n"
	"netmask=255.255.255.0\n"
	"broadcast=10.0.0.255\n"
	"gateway=10.0.0.1\n"
	"dns=10.0.0.53 10.0.1.53\n"
	"server=10.0.0.1\n"
	"mtu=1500\n"
	"lease_time=3600\n"
	"hostname='node5'\n"
	"domain='example.org'\n"
	"root_path='10.0.0.1:/srv/root'\n";

static const char resolv_want[] =
	"# written by sprout-init from the dhcp configuration of eth0\n"
	"search example.org\n"
	"nameserver 10.0.0.53\n"
	"nameserver 10.0.1.53\n";

static void test_formats(void **state)
{
	struct netstate ns = lease();
	char out[4096];

	(void)state;
	assert_int_equal(netstate_format_ifconf(&ns, out, sizeof(out)), (int)strlen(ifconf_want));
	assert_string_equal(out, ifconf_want);
	assert_int_equal(netstate_format_keyvalue(&ns, out, sizeof(out)),
			 (int)strlen(keyvalue_want));
	assert_string_equal(out, keyvalue_want);
	assert_int_equal(netstate_format_resolv(&ns, out, sizeof(out)), (int)strlen(resolv_want));
	assert_string_equal(out, resolv_want);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Nothing the server sends can add a line or end a quote early. */
static void test_newline_refused(void **state)
{
	static const char *const evil[] = {
		"x\nIPV4GATEWAY='6.6.6.6'", "x\rroot_path=evil", "x\x1b[2J", "x\x7f", "\n",
	};
	char out[4096];
	const char *value, *name;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(evil); i++) {
		struct netstate ns = lease();
		unsigned from = 0;

		ns.hostname = ns.domain = ns.root_path = ns.bootfile = evil[i];
		assert_true(netstate_format_ifconf(&ns, out, sizeof(out)) > 0);
		assert_int_equal(count_lines(out), 15);
		assert_non_null(strstr(out, "\nHOSTNAME=''\nDNSDOMAIN=''\n"));
		assert_non_null(strstr(out, "\nROOTPATH=''\nfilename=''\n"));
		assert_null(strpbrk(out, "\r\x1b\x7f"));
		assert_true(netstate_format_keyvalue(&ns, out, sizeof(out)) > 0);
		assert_int_equal(count_lines(out), 15);
		assert_non_null(strstr(out, "\nhostname=''\ndomain=''\nroot_path=''\n"));
		assert_null(strpbrk(out, "\r\x1b\x7f"));
		assert_true(netstate_format_resolv(&ns, out, sizeof(out)) > 0);
		assert_null(strstr(out, "search"));
		assert_int_equal(count_lines(out), 3);
		/* and each refused value is named, for the log */
		static const char *const names[] = { "hostname", "domain", "root_path", "bootfile" };
		for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
			name = netstate_unsafe(&ns, &from, &value);
			assert_non_null(name);
			assert_string_equal(name, names[k]);
			assert_ptr_equal(value, evil[i]);
		}
		assert_null(netstate_unsafe(&ns, &from, &value));
	}
	struct netstate ok = lease();
	unsigned from = 0;
	assert_null(netstate_unsafe(&ok, &from, &value));
}

/* A quote in a value is closed, escaped and reopened for sh; a domain with one is not
 * a domain, so resolv.conf gets no search line. */
static void test_quote(void **state)
{
	struct netstate ns = lease();
	char out[4096];

	(void)state;
	ns.root_path = "10.0.0.1:/srv/it's";
	ns.bootfile = "'$(reboot)'";
	ns.domain = "ex'ample.org";
	assert_true(netstate_format_ifconf(&ns, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\nROOTPATH='10.0.0.1:/srv/it'\\''s'\n"));
	assert_non_null(strstr(out, "\nfilename=''\\''$(reboot)'\\'''\n"));
	assert_non_null(strstr(out, "\nDNSDOMAIN='ex'\\''ample.org'\n"));
	assert_true(netstate_format_keyvalue(&ns, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\nroot_path='10.0.0.1:/srv/it'\\''s'\n"));
	assert_true(netstate_format_resolv(&ns, out, sizeof(out)) > 0);
	assert_null(strstr(out, "search"));
}

/* A static setup: no lease time, no names, no DNS: empty values, never missing keys. */
static void test_empty(void **state)
{
	struct netstate ns = lease();
	char out[4096];

	(void)state;
	ns.proto = "static";
	ns.lease_time = 0;
	ns.lease_time_set = false;
	ns.hostname = ns.domain = ns.root_path = ns.bootfile = "";
	ns.n_dns = 0;
	ns.gateway = ns.server = 0;
	ns.mtu = 0;
	assert_true(netstate_format_ifconf(&ns, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\nIPV4GATEWAY=''\nIPV4DNS0=''\nIPV4DNS1=''\nHOSTNAME=''\n"
				    "DNSDOMAIN=''\nROOTSERVER=''\nROOTPATH=''\nfilename=''\n"
				    "DHCPLEASETIME=''\nMTU=''\n"));
	assert_true(netstate_format_keyvalue(&ns, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\ngateway=\ndns=\nserver=\nmtu=0\nlease_time=\n"
				    "hostname=''\ndomain=''\nroot_path=''\n"));
	assert_true(netstate_format_resolv(&ns, out, sizeof(out)) > 0);
	assert_string_equal(out, "# written by sprout-init from the static configuration of eth0\n");
	/* NULL strings are written as empty too */
	ns.hostname = ns.domain = ns.root_path = ns.bootfile = NULL;
	assert_true(netstate_format_ifconf(&ns, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\nHOSTNAME=''\n"));
	assert_true(netstate_format_resolv(&ns, out, sizeof(out)) > 0);
}

/* A lease of 0 s is 0, not "no lease"; infinite is RFC 2131's 0xffffffff; a DHCPACK
 * without option 51 leaves it empty (unknown). */
static void test_lease_time(void **state)
{
	static const struct {
		uint32_t secs;
		bool set;
		const char *ifconf, *keyvalue;
	} t[] = {
		{ 0, true, "\nDHCPLEASETIME='0'\n", "\nlease_time=0\n" },
		{ 0xffffffffu, true, "\nDHCPLEASETIME='4294967295'\n", "\nlease_time=4294967295\n" },
		{ 0, false, "\nDHCPLEASETIME=''\n", "\nlease_time=\n" },
		{ 86400, true, "\nDHCPLEASETIME='86400'\n", "\nlease_time=86400\n" },
	};
	char out[4096];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct netstate ns = lease();

		ns.lease_time = t[i].secs;
		ns.lease_time_set = t[i].set;
		assert_true(netstate_format_ifconf(&ns, out, sizeof(out)) > 0);
		if (!strstr(out, t[i].ifconf))
			fail_msg("case %zu: no %s in %s", i, t[i].ifconf, out);
		assert_true(netstate_format_keyvalue(&ns, out, sizeof(out)) > 0);
		if (!strstr(out, t[i].keyvalue))
			fail_msg("case %zu: no %s in %s", i, t[i].keyvalue, out);
	}
}

/* Too small a buffer: an error and an empty text, never a cut file. */
static void test_too_small(void **state)
{
	struct netstate ns = lease();
	char out[64];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(netstate_format_ifconf(&ns, out, sizeof(out)), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(netstate_format_keyvalue(&ns, out, sizeof(out)), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(netstate_format_resolv(&ns, out, 20), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(netstate_format_resolv(&ns, out, 0), -ENAMETOOLONG);
}

static void expect_file(const char *dir, const char *name, const char *want)
{
	char path[512], *text = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(readfile_at(AT_FDCWD, path, 65536, &text, &len), 0);
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(unlink(path), 0);
}

static void test_write(void **state)
{
	struct netstate ns = lease();
	char dir[] = "/tmp/test_netstate.XXXXXX", path[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sprout", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(netstate_write(&ns, dir), 0);
	expect_file(dir, "net-eth0.conf", ifconf_want);
	expect_file(dir, "sprout/net/eth0", keyvalue_want);
	expect_file(dir, "sprout/resolv.conf", resolv_want);
	snprintf(path, sizeof(path), "%s/sprout/net", dir);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/sprout", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_newline_refused),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_lease_time),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
