/* netstate: the lease for the real system. */
#include "netstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcfg.h"

struct out {
	char *p;
	size_t n, len;
	bool full;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->full)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->p + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= o->n - o->len)
		o->full = true;
	else
		o->len += (size_t)k;
}

/* 'value' for sh: every ' becomes '\'' and nothing inside is expanded. */
static void put_quoted(struct out *o, const char *s)
{
	put(o, "'");
	for (; *s; s++) {
		if (*s == '\'')
			put(o, "'\\''");
		else
			put(o, "%c", *s);
	}
	put(o, "'");
}

static const char *ip(uint32_t a, char *buf)
{
	return a ? ipcfg_format_ipv4(a, buf) : "";
}

static int finish(struct out *o)
{
	if (o->full) {
		if (o->n)
			o->p[0] = '\0';
		return -ENAMETOOLONG;
	}
	return (int)o->len;
}

static void put_var(struct out *o, const char *key, const char *value)
{
	put(o, "%s=", key);
	put_quoted(o, value);
	put(o, "\n");
}

int netstate_format_ifconf(const struct netstate *ns, char *out, size_t n)
{
	struct out o = { out, n, 0, n == 0 };
	char a[IPCFG_IPV4_LEN], num[32];

	put_var(&o, "DEVICE", ns->ifname);
	put_var(&o, "PROTO", ns->proto);
	put_var(&o, "IPV4ADDR", ip(ns->addr, a));
	put_var(&o, "IPV4BROADCAST", ip(ns->broadcast, a));
	put_var(&o, "IPV4NETMASK", ip(ns->netmask, a));
	put_var(&o, "IPV4GATEWAY", ip(ns->gateway, a));
	for (unsigned i = 0; i < 2; i++) {
		snprintf(num, sizeof(num), "IPV4DNS%u", i);
		put_var(&o, num, i < ns->n_dns ? ip(ns->dns[i], a) : "");
	}
	put_var(&o, "HOSTNAME", ns->hostname);
	put_var(&o, "DNSDOMAIN", ns->domain);
	put_var(&o, "ROOTSERVER", ip(ns->server, a));
	put_var(&o, "ROOTPATH", ns->root_path);
	put_var(&o, "filename", ns->bootfile);
	snprintf(num, sizeof(num), "%u", ns->lease_time);
	put_var(&o, "DHCPLEASETIME", ns->lease_time ? num : "");
	snprintf(num, sizeof(num), "%u", ns->mtu);
	put_var(&o, "MTU", ns->mtu ? num : "");
	return finish(&o);
}

int netstate_format_keyvalue(const struct netstate *ns, char *out, size_t n)
{
	struct out o = { out, n, 0, n == 0 };
	char a[IPCFG_IPV4_LEN];
	const uint8_t *m = ns->mac;

	put(&o, "interface=%s\n", ns->ifname);
	put(&o, "mac=%02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
	put(&o, "proto=%s\n", ns->proto);
	put(&o, "address=%s\n", ip(ns->addr, a));
	put(&o, "prefix=%u\n", ns->prefix);
	put(&o, "netmask=%s\n", ip(ns->netmask, a));
	put(&o, "broadcast=%s\n", ip(ns->broadcast, a));
	put(&o, "gateway=%s\n", ip(ns->gateway, a));
	put(&o, "dns=");
	for (unsigned i = 0; i < ns->n_dns; i++)
		put(&o, "%s%s", i ? " " : "", ip(ns->dns[i], a));
	put(&o, "\nserver=%s\n", ip(ns->server, a));
	put(&o, "mtu=%u\n", ns->mtu);
	put(&o, "lease_time=%u\n", ns->lease_time);
	/* network strings: one line each; a newline inside would forge a key */
	put(&o, "hostname=");
	put_quoted(&o, ns->hostname);
	put(&o, "\ndomain=");
	put_quoted(&o, ns->domain);
	put(&o, "\nroot_path=");
	put_quoted(&o, ns->root_path);
	put(&o, "\n");
	return finish(&o);
}

/* Domain names for resolv.conf: letters, digits, '-', '.', else left out. */
static bool plain_domain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '.'))
			return false;
	return true;
}

int netstate_format_resolv(const struct netstate *ns, char *out, size_t n)
{
	struct out o = { out, n, 0, n == 0 };
	char a[IPCFG_IPV4_LEN];

	put(&o, "# written by sprout-init from the %s configuration of %s\n", ns->proto, ns->ifname);
	if (plain_domain(ns->domain))
		put(&o, "search %s\n", ns->domain);
	for (unsigned i = 0; i < ns->n_dns; i++)
		if (ns->dns[i])
			put(&o, "nameserver %s\n", ip(ns->dns[i], a));
	return finish(&o);
}

static int write_file(const char *path, const char *text, int len)
{
	int fd, rc = 0;

	if (len < 0)
		return len;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len)
		rc = -EIO;
	close(fd);
	return rc;
}

int netstate_write(const struct netstate *ns, const char *run)
{
	static char buf[8192];
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "%s/sprout/net", run);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/net-%s.conf", run, ns->ifname);
	rc = write_file(path, buf, netstate_format_ifconf(ns, buf, sizeof(buf)));
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/sprout/net/%s", run, ns->ifname);
		rc = write_file(path, buf, netstate_format_keyvalue(ns, buf, sizeof(buf)));
	}
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/sprout/resolv.conf", run);
		rc = write_file(path, buf, netstate_format_resolv(ns, buf, sizeof(buf)));
	}
	return rc;
}
