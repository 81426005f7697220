/* libFuzzer target for dhcp_parse, dhcp_check_reply and dhcp_lease_from_ack: any bytes
 * as a BOOTP payload. A rejected message leaves the struct empty; an accepted one holds
 * bounded, NUL-terminated strings of the lengths recorded, typed values in their ranges,
 * and never an option both stored and flagged bad. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "dhcp_lease.h"
#include "dnsname.h"
#include "inet4.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void str(const char *s, size_t len, size_t max)
{
	must(len <= max && s[len] == '\0' && strlen(s) == len);
}

static void check_lease(const struct dhcp_msg *m)
{
	struct dhcp_lease l;
	int notes = dhcp_lease_from_ack(m, &l);

	must(notes >= 0);
	must(l.prefix_len >= 1 && l.prefix_len <= 32);
	must(inet4_mask_prefix(l.netmask) == (int)l.prefix_len);
	must(l.address == m->yiaddr && l.n_dns <= DHCP_MAX_DNS && l.n_ntp <= DHCP_MAX_NTP);
	must(memchr(l.hostname, '\0', sizeof(l.hostname)) && memchr(l.root_path, '\0', sizeof(l.root_path)));
	must(memchr(l.bootfile, '\0', sizeof(l.bootfile)) && memchr(l.tftp_server, '\0', sizeof(l.tftp_server)));
	must(!(notes & DHCP_LEASE_NOTE_LEASE_ZERO) || (l.lease_time_set && l.lease_time == 0));
	must(l.lease_time_set == !(notes & DHCP_LEASE_NOTE_NO_LEASE_TIME));
	must(l.lease_time_set || l.lease_time == 0);
	/* names reaching sethostname() and the lease files passed the one check */
	must(!l.hostname[0] || dnsname_check_host(l.hostname, strlen(l.hostname)) == 0);
	must(!l.domain[0] || dnsname_check(l.domain, strlen(l.domain)) == 0);
	must(!(notes & DHCP_LEASE_NOTE_BAD_HOSTNAME) == (l.hostname[0] || !m->hostname_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m;
	int r = dhcp_parse(data, size, &m);

	if (r < 0) {
		must(r >= DHCP_E_SHORT && r <= DHCP_E_MSGTYPE);
		must(m.type == 0 && m.xid == 0 && m.root_path[0] == '\0' && m.n_dns == 0);
		return 0;
	}
	must(r == 0 && size >= DHCP_MIN_LEN && m.op == 2 && m.htype == 1 && m.hlen == 6);
	must((m.type != 0) == dhcp_has(&m, 53));
	must(m.overload <= 3);
	for (unsigned c = 0; c < 256; c++)
		must(!(dhcp_has(&m, (uint8_t)c) && dhcp_option_bad(&m, (uint8_t)c)));
	str(m.hostname, m.hostname_len, DHCP_NAME_MAX);
	str(m.domain, m.domain_len, DHCP_NAME_MAX);
	str(m.root_path, m.root_path_len, DHCP_ROOT_PATH_MAX);
	str(m.tftp_server, m.tftp_server_len, DHCP_NAME_MAX);
	str(m.bootfile, m.bootfile_len, DHCP_NAME_MAX);
	str(m.sname, m.sname_len, DHCP_SNAME_LEN);
	str(m.file, m.file_len, DHCP_FILE_LEN);
	/* legacy fields are the packet's bytes, or empty when they carry options */
	must(m.overload & 1 ? m.file_len == 0 : !memcmp(m.file, data + 108, m.file_len));
	must(m.overload & 2 ? m.sname_len == 0 : !memcmp(m.sname, data + 44, m.sname_len));
	must(m.n_routers <= DHCP_MAX_ROUTERS && m.n_dns <= DHCP_MAX_DNS && m.n_ntp <= DHCP_MAX_NTP);
	must(!dhcp_has(&m, 26) ? m.mtu == 0 : m.mtu >= 68);
	must(!dhcp_has(&m, 1) ? m.subnet_mask == 0 : inet4_mask_prefix(m.subnet_mask) > 0);
	must(!memcmp(m.chaddr, data + 28, 16));

	/* checked against its own xid and chaddr, only content can fail it */
	r = dhcp_check_reply(&m, m.xid, m.chaddr, m.type);
	if (m.type == DHCP_OFFER || m.type == DHCP_ACK)
		must(r == 0 || r == DHCP_E_NOSERVER || r == DHCP_E_NOADDR || r == DHCP_E_BADADDR);
	else
		must(r == 0);
	must(dhcp_check_reply(&m, m.xid + 1, m.chaddr, m.type) == DHCP_E_XID);
	if (m.type == DHCP_ACK && r == 0)
		check_lease(&m);
	return 0;
}
