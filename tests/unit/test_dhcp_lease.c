/* Unit tests for dhcp_lease: the lease a DHCPACK gives, what is noticed about it, and
 * the names from the server that must not reach sethostname() or the lease files. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/array.h"
#include "dhcp.h"
#include "dhcp_lease.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Parses an ACK for 172.16.5.6 (class B) from server 172.16.0.1, next server
 * 172.16.0.2, legacy sname "bootsrv" and file "pxelinux.0", with these options (after
 * 53 and 54; opts ends with END). */
static void ack(const char *opts, size_t n, struct dhcp_msg *m)
{
	static const char head[] = "\x35\x01\x05\x36\x04\xac\x10\x00\x01";
	uint8_t p[1500] = { 0 };

	p[0] = 2, p[1] = 1, p[2] = 6;
	memcpy(p + 16, "\xac\x10\x05\x06", 4);
	memcpy(p + 20, "\xac\x10\x00\x02", 4);
	memcpy(p + 44, "bootsrv", 7);
	memcpy(p + 108, "pxelinux.0", 10);
	memcpy(p + 236, "\x63\x82\x53\x63", 4);
	memcpy(p + DHCP_MIN_LEN, head, sizeof(head) - 1);
	assert_true(DHCP_MIN_LEN + sizeof(head) - 1 + n <= sizeof(p));
	memcpy(p + DHCP_MIN_LEN + sizeof(head) - 1, opts, n);
	assert_int_equal(dhcp_parse(p, DHCP_MIN_LEN + sizeof(head) - 1 + n, m), 0);
}

#define ACK(lit, m) ack(lit, sizeof(lit) - 1, m)

/* An ACK without mask, router or lease time, with legacy file/sname. */
static void test_defaults(void **state)
{
	struct dhcp_msg m;
	struct dhcp_lease l;
	int notes;

	(void)state;
	ACK("\x03\x04\x00\x00\x00\x00\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_int_equal(notes, DHCP_LEASE_NOTE_NO_MASK | DHCP_LEASE_NOTE_NO_LEASE_TIME |
				DHCP_LEASE_NOTE_NO_GATEWAY);
	assert_int_equal(l.prefix_len, 16);
	assert_int_equal(l.netmask, ip("255.255.0.0"));
	assert_int_equal(l.broadcast, ip("172.16.255.255"));
	assert_int_equal(l.gateway, 0);
	assert_int_equal(l.next_server, ip("172.16.0.2"));
	assert_int_equal(l.server_id, ip("172.16.0.1"));
	assert_string_equal(l.tftp_server, "bootsrv");
	assert_string_equal(l.bootfile, "pxelinux.0");
	/* options 66/67 win over the legacy fields; a mask of 0.0.0.0 is unusable, so the
	 * class default applies (one rule with ip=: inet4_mask_prefix) */
	ACK("\x01\x04\x00\x00\x00\x00\x42\x01" "t" "\x43\x01" "b" "\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_true(notes & DHCP_LEASE_NOTE_NO_MASK);
	assert_int_equal(l.prefix_len, 16);
	assert_string_equal(l.tftp_server, "t");
	assert_string_equal(l.bootfile, "b");
	/* a /20 and a router */
	ACK("\x01\x04\xff\xff\xf0\x00\x03\x04\xac\x10\x00\xfe\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_int_equal(notes & (DHCP_LEASE_NOTE_NO_MASK | DHCP_LEASE_NOTE_NO_GATEWAY), 0);
	assert_int_equal(l.prefix_len, 20);
	assert_int_equal(l.broadcast, ip("172.16.15.255"));
	assert_int_equal(l.gateway, ip("172.16.0.254"));
}

/* Option 51: 0 is 0 (not "no lease"), 0xffffffff is infinite, absent is unknown. */
static void test_lease_time(void **state)
{
	struct dhcp_msg m;
	struct dhcp_lease l;
	int notes;

	(void)state;
	ACK("\x33\x04\x00\x00\x00\x00\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_true(notes & DHCP_LEASE_NOTE_LEASE_ZERO);
	assert_false(notes & DHCP_LEASE_NOTE_NO_LEASE_TIME);
	assert_true(l.lease_time_set);
	assert_int_equal(l.lease_time, 0);

	ACK("\x33\x04\xff\xff\xff\xff\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_false(notes & (DHCP_LEASE_NOTE_LEASE_ZERO | DHCP_LEASE_NOTE_NO_LEASE_TIME));
	assert_true(l.lease_time_set);
	assert_int_equal(l.lease_time, DHCP_LEASE_INFINITE);

	ACK("\x33\x04\x00\x00\x0e\x10\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_true(l.lease_time_set);
	assert_int_equal(l.lease_time, 3600);

	ACK("\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_true(notes & DHCP_LEASE_NOTE_NO_LEASE_TIME);
	assert_false(notes & DHCP_LEASE_NOTE_LEASE_ZERO);
	assert_false(l.lease_time_set);
	assert_int_equal(l.lease_time, 0);

	/* a malformed option 51 (3 bytes) counts as absent */
	ACK("\x33\x03\x00\x00\x01\xff", &m);
	notes = dhcp_lease_from_ack(&m, &l);
	assert_true(notes & DHCP_LEASE_NOTE_NO_LEASE_TIME);
	assert_false(l.lease_time_set);
}

/* Option 12 goes to sethostname() and option 15 into resolv.conf and the lease files:
 * only names dnsname.h accepts are kept, the others are dropped and noted. */
static void test_names(void **state)
{
	static const struct {
		const char *opts;
		size_t n;
		const char *hostname, *domain;
		int notes;
	} t[] = {
#define T(lit, h, d, nt) { lit, sizeof(lit) - 1, h, d, nt }
		T("\x0c\x05node5\x0f\x0b" "example.org\xff", "node5", "example.org", 0),
		T("\x0c\x08WIN_PC-7\xff", "WIN_PC-7", "", 0),
		T("\x0c\x0b" "a;$(reboot)\xff", "", "", DHCP_LEASE_NOTE_BAD_HOSTNAME),
		T("\x0c\x08node\nx=1\xff", "", "", DHCP_LEASE_NOTE_BAD_HOSTNAME),
		T("\x0c\x06node's\xff", "", "", DHCP_LEASE_NOTE_BAD_HOSTNAME),
		T("\x0c\x03" "a..\xff", "", "", DHCP_LEASE_NOTE_BAD_HOSTNAME),
		T("\x0c\x05node5\x0f\x0d" "ex.org\nsearch\xff", "node5", "",
		  DHCP_LEASE_NOTE_BAD_DOMAIN),
		T("\x0f\x07" "a b.org\xff", "", "", DHCP_LEASE_NOTE_BAD_DOMAIN),
#undef T
	};
	struct dhcp_msg m;
	struct dhcp_lease l;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		ack(t[i].opts, t[i].n, &m);
		int notes = dhcp_lease_from_ack(&m, &l) &
			    (DHCP_LEASE_NOTE_BAD_HOSTNAME | DHCP_LEASE_NOTE_BAD_DOMAIN);

		if (notes != t[i].notes || strcmp(l.hostname, t[i].hostname) ||
		    strcmp(l.domain, t[i].domain))
			fail_msg("case %zu: notes %d host '%s' domain '%s'", i, notes, l.hostname,
				 l.domain);
	}
}

/* A host name the kernel would refuse (over 64 bytes) is dropped too, though DNS
 * allows it as a name. */
static void test_long_hostname(void **state)
{
	char opts[80];
	struct dhcp_msg m;
	struct dhcp_lease l;

	(void)state;
	opts[0] = 12;
	opts[1] = 65;
	memset(opts + 2, 'a', 65);
	opts[2 + 30] = '.';
	opts[67] = (char)0xff;
	ack(opts, 68, &m);
	assert_int_equal(m.hostname_len, 65);
	assert_true(dhcp_lease_from_ack(&m, &l) & DHCP_LEASE_NOTE_BAD_HOSTNAME);
	assert_string_equal(l.hostname, "");
	opts[1] = 64;
	opts[66] = (char)0xff;
	ack(opts, 67, &m);
	assert_false(dhcp_lease_from_ack(&m, &l) & DHCP_LEASE_NOTE_BAD_HOSTNAME);
	assert_int_equal(strlen(l.hostname), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_lease_time),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_long_hostname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
