/* phase network: only when the root or the command line needs it (an NFS root,
 * root=dhcp, ip= other than off, rd.neednet). Chooses the interface (BOOTIF= MAC,
 * else ip='s device, else the first with carrier), brings it up, configures it from
 * ip= or by DHCP over rtnetlink, and writes the lease down for the real system. The
 * interface stays up: an NFS root lives on it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "boot.h"
#include "inet4.h"
#include "ipcfg.h"
#include "log.h"
#include "netlink.h"
#include "netstate.h"
#include "imagespec.h"
#include "nfsspec.h"

#define CARRIER_WAIT_MS 10000
#define LINK_WAIT_MS 10000
#define DHCP_WAIT_MS 60000

static bool network_needed(const struct config *c, const struct ipcfg *ipc)
{
	if (c->ip_count > 0)
		return ipc->mode != IPCFG_OFF;
	return c->rd_neednet || nfsspec_is_nfs_root(c->root) || strcmp(c->root, "dhcp") == 0 ||
	       (!c->root[0] && c->nfsroot[0]) || imagespec_needs_network(c->image);
}

static int limit_ms(const struct config *c, int dflt)
{
	int ms;

	if (!c->rd_timeout_set || !c->rd_timeout)
		return dflt;
	return ms_from_seconds(c->rd_timeout, &ms) < 0 ? INT_MAX : ms;
}

static void describe_links(const struct rtnl_link *l, int n, char *out, size_t size)
{
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < n && off < size; i++) {
		const uint8_t *m = l[i].addr;
		int k = snprintf(out + off, size - off, "%s%s %02x:%02x:%02x:%02x:%02x:%02x%s", off ? ", " : "",
				 l[i].name, m[0], m[1], m[2], m[3], m[4], m[5], l[i].carrier ? " carrier" : "");

		if (k < 0 || (size_t)k >= size - off)
			break;
		off += (size_t)k;
	}
	if (!out[0])
		snprintf(out, size, "none (is the network driver in the image?)");
}

/* The links to try: the one BOOTIF= or ip= names (waiting for it to appear), or every
 * Ethernet link. Returns how many are in cand, or -ENODEV after logging. */
static int candidate_links(struct boot *b, const struct ipcfg *ipc, struct netlink *nl,
			   struct rtnl_link *cand)
{
	static struct rtnl_link all[NETLINK_MAX_LINKS];
	uint8_t mac[6];
	bool by_mac = b->cfg.bootif[0] && cmdline_bootif_mac(b->cfg.bootif, mac) == 0;
	uint64_t start = monoclock_ns();
	char desc[1024], bootif[ESCAPE_SIZE(CMDLINE_MAX_SHORT)];
	int n = 0;

	escape_str(b->cfg.bootif, bootif, sizeof(bootif));
	if (b->cfg.bootif[0] && !by_mac)
		log_warn("network: BOOTIF=%s is not a MAC address; ignored", bootif);
	for (;;) {
		int count = 0;

		n = netlink_list_links(nl, all, NETLINK_MAX_LINKS);
		for (int i = 0; i < n; i++) {
			const struct rtnl_link *l = &all[i];

			if (!rtnl_link_is_candidate(l))
				continue;
			if (by_mac && !(l->addr_len == 6 && memcmp(l->addr, mac, 6) == 0))
				continue;
			if (!by_mac && ipc->device[0] && strcmp(l->name, ipc->device) != 0)
				continue;
			cand[count++] = *l;
		}
		if (count > 0)
			return count;
		if ((monoclock_ns() - start) / 1000000 >= (uint64_t)limit_ms(&b->cfg, LINK_WAIT_MS))
			break;
		boot_wait_events(b, 200); /* a NIC whose driver is still coming */
	}
	describe_links(all, n < 0 ? 0 : n, desc, sizeof(desc));
	if (by_mac)
		log_err("network: no interface has BOOTIF=%s's MAC; interfaces: %s", bootif, desc);
	else if (ipc->device[0])
		log_err("network: no interface %s (from ip=); interfaces: %s", ipc->device, desc);
	else
		log_err("network: no Ethernet interface; interfaces: %s", desc);
	return -ENODEV;
}

/* Brings the candidates up and returns the index in cand of the first with carrier. */
static int choose_link(struct boot *b, struct netlink *nl, struct rtnl_link *cand, int n)
{
	int idx[NETLINK_MAX_LINKS], up;
	char desc[1024];

	for (int i = 0; i < n; i++) {
		idx[i] = cand[i].ifindex;
		int rc = netlink_link_up(nl, cand[i].ifindex);
		if (rc < 0)
			log_warn("network: cannot set %s up: %s", cand[i].name, strerror(-rc));
	}
	uint64_t t0 = timeline_now();

	up = netlink_wait_carrier(idx, n, limit_ms(&b->cfg, CARRIER_WAIT_MS));
	timeline_event("wait", "carrier", t0, up > 0 ? "ok" : "timeout", TL_END);
	for (int i = 0; up > 0 && i < n; i++)
		if (cand[i].ifindex == up)
			return i;
	describe_links(cand, n, desc, sizeof(desc));
	log_err("network: no carrier on %s after %d s: is the cable in, the switch port up?", desc,
		limit_ms(&b->cfg, CARRIER_WAIT_MS) / 1000);
	return -ENOLINK;
}

/* DHCP on the chosen link into b->lease. */
static int run_dhcp(struct boot *b, const struct rtnl_link *l, const struct ipcfg *ipc)
{
	struct dhcpc_opts o = { .ifindex = l->ifindex, .ifname = l->name,
				.hostname = ipc->hostname[0] ? ipc->hostname : NULL,
				.timeout_ms = (unsigned)limit_ms(&b->cfg, DHCP_WAIT_MS) };
	int rc;

	memcpy(o.mac, l->addr, 6);
	/* the raw socket of the client needs AF_PACKET, a module in most kernels */
	if (modload_alias(&b->ml, "net-pf-17") == -ENOENT)
		log_debug("network: no module for net-pf-17 (AF_PACKET built in?)");
	log_info("network: DHCP on %s", l->name);
	uint64_t t0 = timeline_now();
	char sa[16], aa[16];

	rc = dhcpc_run(&o, &b->lease);
	timeline_event("dhcp", l->name, t0, rc == 0 ? "ok" : rc == -ETIMEDOUT ? "timeout" : "fail",
		       "server", rc == 0 ? ipcfg_format_ipv4(b->lease.server_id, sa) : NULL,
		       "addr", rc == 0 ? ipcfg_format_ipv4(b->lease.address, aa) : NULL,
		       "err", rc < 0 ? strerrorname_np(-rc) : NULL, TL_END);
	if (rc == -ETIMEDOUT) {
		log_err("network: no DHCP answer on %s within %u s: is a DHCP server on that network? "
			"(or give a static ip=)", l->name, o.timeout_ms / 1000);
		return rc;
	}
	if (rc < 0) {
		log_err("network: DHCP on %s failed: %s", l->name, strerror(-rc));
		return rc;
	}
	b->lease_set = true;
	return 0;
}

/* Fills ns from ip= (static) or the lease, and configures the link with it. */
static int configure(struct boot *b, struct netlink *nl, const struct rtnl_link *l,
		     const struct ipcfg *ipc, struct netstate *ns)
{
	const struct dhcp_lease *le = &b->lease;
	char a[IPCFG_IPV4_LEN], g[IPCFG_IPV4_LEN];
	int rc;

	memset(ns, 0, sizeof(*ns));
	snprintf(ns->ifname, sizeof(ns->ifname), "%s", l->name);
	memcpy(ns->mac, l->addr, 6);
	ns->hostname = ns->domain = ns->root_path = ns->bootfile = "";
	if (ipc->mode == IPCFG_STATIC) {
		ns->proto = "static";
		ns->addr = ipc->client;
		ns->netmask = ipc->netmask;
		ns->prefix = (unsigned)inet4_mask_prefix(ipc->netmask);
		ns->gateway = ipc->gateway_set ? ipc->gateway : 0;
		for (int i = 0; i < 2; i++)
			if (ipc->dns_set[i])
				ns->dns[ns->n_dns++] = ipc->dns[i];
		ns->server = ipc->server_set ? ipc->server : 0;
		ns->mtu = ipc->mtu;
		ns->hostname = ipc->hostname;
	} else {
		ns->proto = "dhcp";
		ns->addr = le->address;
		ns->netmask = le->netmask;
		ns->prefix = le->prefix_len;
		ns->broadcast = le->broadcast;
		ns->gateway = le->gateway;
		ns->n_dns = le->n_dns;
		memcpy(ns->dns, le->dns, sizeof(ns->dns));
		/* ip= field 2 names the boot server over DHCP's, as in the kernel */
		ns->server = ipc->server_set ? ipc->server : le->next_server ? le->next_server : le->server_id;
		ns->mtu = ipc->mtu ? ipc->mtu : le->mtu;
		ns->lease_time = le->lease_time;
		ns->lease_time_set = le->lease_time_set;
		ns->hostname = ipc->hostname[0] ? ipc->hostname : le->hostname;
		ns->domain = le->domain;
		ns->root_path = le->root_path;
		ns->bootfile = le->bootfile;
	}
	if (!ns->broadcast && ns->prefix <= 30) /* /31 and /32 have no broadcast address */
		ns->broadcast = ns->addr | ~ns->netmask;
	if (ns->mtu && (rc = netlink_set_mtu(nl, l->ifindex, ns->mtu)) < 0)
		log_warn("network: MTU %u on %s refused: %s", ns->mtu, l->name, strerror(-rc));
	rc = netlink_add_addr4(nl, l->ifindex, ns->addr, (int)ns->prefix, ns->broadcast);
	if (rc < 0) {
		log_err("network: adding %s/%u to %s failed: %s", ipcfg_format_ipv4(ns->addr, a), ns->prefix,
			l->name, strerror(-rc));
		return rc;
	}
	if (ns->gateway && (rc = netlink_add_default_route(nl, l->ifindex, ns->gateway, ns->addr,
							   (int)ns->prefix)) < 0)
		log_warn("network: default route via %s failed: %s", ipcfg_format_ipv4(ns->gateway, g),
			 strerror(-rc));
	log_info("network: %s %s/%u%s%s (%s)", l->name, ipcfg_format_ipv4(ns->addr, a), ns->prefix,
		 ns->gateway ? " via " : "", ns->gateway ? ipcfg_format_ipv4(ns->gateway, g) : "", ns->proto);
	return 0;
}

static void remember(struct boot *b, const struct rtnl_link *l, const struct netstate *ns)
{
	char esc[ESCAPE_SIZE(64)];

	b->net_up = true;
	snprintf(b->net_ifname, sizeof(b->net_ifname), "%s", l->name);
	memcpy(b->net_mac, l->addr, 6);
	b->net_addr = ns->addr;
	b->net_server = ns->server;
	snprintf(b->net_hostname, sizeof(b->net_hostname), "%s", ns->hostname);
	if (ns->hostname[0] && sethostname(ns->hostname, strlen(ns->hostname)) < 0)
		log_warn("network: hostname %s refused: %m", escape_str(ns->hostname, esc, sizeof(esc)));
}

int phase_network(struct boot *b)
{
	static struct rtnl_link cand[NETLINK_MAX_LINKS];
	struct ipcfg ipc = { .mode = IPCFG_DHCP };
	struct netstate ns;
	struct netlink nl;
	char err[IPCFG_ERR_LEN];
	int n, i, rc;

	if (b->cfg.ip_count > 0 &&
	    ipcfg_parse(b->cfg.ip[0], strlen(b->cfg.ip[0]), &ipc, err, sizeof(err)) < 0) {
		log_err("network: %s", err);
		return -EINVAL;
	}
	if (b->net_up || !network_needed(&b->cfg, &ipc))
		return 0;
	rc = netlink_open(&nl, 0);
	if (rc < 0) {
		log_err("network: no rtnetlink socket: %s", strerror(-rc));
		return rc;
	}
	n = candidate_links(b, &ipc, &nl, cand);
	i = n < 0 ? n : choose_link(b, &nl, cand, n);
	rc = i < 0 ? i : ipc.mode == IPCFG_DHCP ? run_dhcp(b, &cand[i], &ipc) : 0;
	if (rc == 0)
		rc = configure(b, &nl, &cand[i], &ipc, &ns);
	netlink_close(&nl);
	if (rc < 0)
		return rc;
	remember(b, &cand[i], &ns);
	if ((rc = netstate_write(&ns, "/run")) < 0)
		log_warn("network: writing the lease to /run failed: %s", strerror(-rc));
	return 0;
}
