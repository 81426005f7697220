/* dhcp_lease: a lease from a DHCPACK. See dhcp_lease.h. */
#include "dhcp_lease.h"

#include <string.h>

#include "dnsname.h"
#include "inet4.h"

/* Same sizes on both sides, so the copies below never cut. */
_Static_assert(sizeof(((struct dhcp_lease *)0)->root_path) ==
	       sizeof(((struct dhcp_msg *)0)->root_path), "root_path sizes");
_Static_assert(sizeof(((struct dhcp_lease *)0)->hostname) ==
	       sizeof(((struct dhcp_msg *)0)->hostname), "hostname sizes");
_Static_assert(sizeof(((struct dhcp_lease *)0)->domain) ==
	       sizeof(((struct dhcp_msg *)0)->domain), "domain sizes");
_Static_assert(DHCP_SNAME_LEN <= DHCP_NAME_MAX && DHCP_FILE_LEN <= DHCP_NAME_MAX,
	       "legacy fields fit the lease strings");

static int addresses(const struct dhcp_msg *ack, struct dhcp_lease *l)
{
	int notes = 0;

	l->address = ack->yiaddr;
	l->netmask = ack->subnet_mask;
	if (!dhcp_has(ack, 1)) {
		l->netmask = inet4_class_mask(ack->yiaddr);
		notes |= DHCP_LEASE_NOTE_NO_MASK;
	}
	l->prefix_len = (unsigned)inet4_mask_prefix(l->netmask);
	l->broadcast = dhcp_has(ack, 28) ? ack->broadcast : (l->address | ~l->netmask);
	for (unsigned i = 0; i < ack->n_routers && !l->gateway; i++)
		l->gateway = ack->routers[i];
	if (!l->gateway)
		notes |= DHCP_LEASE_NOTE_NO_GATEWAY;
	memcpy(l->dns, ack->dns, sizeof(l->dns));
	l->n_dns = ack->n_dns;
	memcpy(l->ntp, ack->ntp, sizeof(l->ntp));
	l->n_ntp = ack->n_ntp;
	l->server_id = ack->server_id;
	l->next_server = ack->siaddr;
	return notes;
}

/* Host name and domain end up in sethostname(), lease files and resolv.conf: only names
 * dnsname.h accepts are kept. */
static int names(const struct dhcp_msg *ack, struct dhcp_lease *l)
{
	int notes = 0;

	if (ack->hostname_len && dnsname_check_host(ack->hostname, ack->hostname_len) == 0)
		memcpy(l->hostname, ack->hostname, sizeof(l->hostname));
	else if (ack->hostname_len)
		notes |= DHCP_LEASE_NOTE_BAD_HOSTNAME;
	if (ack->domain_len && dnsname_check(ack->domain, ack->domain_len) == 0)
		memcpy(l->domain, ack->domain, sizeof(l->domain));
	else if (ack->domain_len)
		notes |= DHCP_LEASE_NOTE_BAD_DOMAIN;
	return notes;
}

int dhcp_lease_from_ack(const struct dhcp_msg *ack, struct dhcp_lease *l)
{
	int notes;

	memset(l, 0, sizeof(*l));
	notes = addresses(ack, l) | names(ack, l);
	l->mtu = ack->mtu;
	l->lease_time_set = dhcp_has(ack, 51);
	l->lease_time = l->lease_time_set ? ack->lease_time : 0;
	if (!l->lease_time_set)
		notes |= DHCP_LEASE_NOTE_NO_LEASE_TIME;
	else if (ack->lease_time == 0)
		notes |= DHCP_LEASE_NOTE_LEASE_ZERO;
	memcpy(l->root_path, ack->root_path, sizeof(l->root_path));
	if (dhcp_has(ack, 66))
		memcpy(l->tftp_server, ack->tftp_server, sizeof(l->tftp_server));
	else
		memcpy(l->tftp_server, ack->sname, ack->sname_len + 1u);
	if (dhcp_has(ack, 67))
		memcpy(l->bootfile, ack->bootfile, sizeof(l->bootfile));
	else
		memcpy(l->bootfile, ack->file, ack->file_len + 1u);
	return notes;
}
