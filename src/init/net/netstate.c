/* netstate: the lease for the real system. See netstate.h for the formats. */
#include "netstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/strbuf.h"
#include "dnsname.h"
#include "ipcfg.h"
#include "log.h"

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* The value as written: "" for NULL or a value holding a control byte. */
static const char *safe(const char *s)
{
	return s && !has_control(s) ? s : "";
}

/* 'value' for sh: every ' becomes '\'' and nothing inside is expanded. */
static void put_quoted(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '\'');
	for (s = safe(s); *s; s++) {
		if (*s == '\'')
			strbuf_add(sb, "'\\''", 4);
		else
			strbuf_addc(sb, *s);
	}
	strbuf_addc(sb, '\'');
}

static const char *ip(uint32_t a, char *buf)
{
	return a ? ipcfg_format_ipv4(a, buf) : "";
}

/* The lease time as written: empty when unknown or static, else the number (0 too). */
static const char *lease(const struct netstate *ns, char num[16])
{
	if (!ns->lease_time_set)
		return "";
	snprintf(num, 16, "%u", ns->lease_time);
	return num;
}

static void put_var(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "%s=", key);
	put_quoted(sb, value);
	strbuf_addc(sb, '\n');
}

int netstate_format_ifconf(const struct netstate *ns, char *out, size_t n)
{
	struct strbuf sb;
	char a[IPCFG_IPV4_LEN], num[16], key[16];

	strbuf_init(&sb, out, n);
	put_var(&sb, "DEVICE", ns->ifname);
	put_var(&sb, "PROTO", ns->proto);
	put_var(&sb, "IPV4ADDR", ip(ns->addr, a));
	put_var(&sb, "IPV4BROADCAST", ip(ns->broadcast, a));
	put_var(&sb, "IPV4NETMASK", ip(ns->netmask, a));
	put_var(&sb, "IPV4GATEWAY", ip(ns->gateway, a));
	for (unsigned i = 0; i < 2; i++) {
		snprintf(key, sizeof(key), "IPV4DNS%u", i);
		put_var(&sb, key, i < ns->n_dns ? ip(ns->dns[i], a) : "");
	}
	put_var(&sb, "HOSTNAME", ns->hostname);
	put_var(&sb, "DNSDOMAIN", ns->domain);
	put_var(&sb, "ROOTSERVER", ip(ns->server, a));
	put_var(&sb, "ROOTPATH", ns->root_path);
	put_var(&sb, "filename", ns->bootfile);
	put_var(&sb, "DHCPLEASETIME", lease(ns, num));
	snprintf(num, sizeof(num), "%u", ns->mtu);
	put_var(&sb, "MTU", ns->mtu ? num : "");
	return strbuf_finish(&sb);
}

int netstate_format_keyvalue(const struct netstate *ns, char *out, size_t n)
{
	struct strbuf sb;
	char a[IPCFG_IPV4_LEN], num[16];
	const uint8_t *m = ns->mac;

	strbuf_init(&sb, out, n);
	strbuf_addf(&sb, "interface=%s\n", safe(ns->ifname));
	strbuf_addf(&sb, "mac=%02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
	strbuf_addf(&sb, "proto=%s\n", safe(ns->proto));
	strbuf_addf(&sb, "address=%s\n", ip(ns->addr, a));
	strbuf_addf(&sb, "prefix=%u\n", ns->prefix);
	strbuf_addf(&sb, "netmask=%s\n", ip(ns->netmask, a));
	strbuf_addf(&sb, "broadcast=%s\n", ip(ns->broadcast, a));
	strbuf_addf(&sb, "gateway=%s\n", ip(ns->gateway, a));
	strbuf_addf(&sb, "dns=");
	for (unsigned i = 0; i < ns->n_dns; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", ip(ns->dns[i], a));
	strbuf_addf(&sb, "\nserver=%s\n", ip(ns->server, a));
	strbuf_addf(&sb, "mtu=%u\n", ns->mtu);
	strbuf_addf(&sb, "lease_time=%s\n", lease(ns, num));
	/* strings from the network: quoted, and one line each (no control byte passes) */
	strbuf_addf(&sb, "hostname=");
	put_quoted(&sb, ns->hostname);
	strbuf_addf(&sb, "\ndomain=");
	put_quoted(&sb, ns->domain);
	strbuf_addf(&sb, "\nroot_path=");
	put_quoted(&sb, ns->root_path);
	strbuf_addc(&sb, '\n');
	return strbuf_finish(&sb);
}

int netstate_format_resolv(const struct netstate *ns, char *out, size_t n)
{
	struct strbuf sb;
	char a[IPCFG_IPV4_LEN];
	const char *domain = ns->domain ? ns->domain : "";

	strbuf_init(&sb, out, n);
	strbuf_addf(&sb, "# written by sprout-init from the %s configuration of %s\n",
		    safe(ns->proto), safe(ns->ifname));
	if (dnsname_check(domain, strlen(domain)) == 0)
		strbuf_addf(&sb, "search %s\n", domain);
	for (unsigned i = 0; i < ns->n_dns; i++)
		if (ns->dns[i])
			strbuf_addf(&sb, "nameserver %s\n", ip(ns->dns[i], a));
	return strbuf_finish(&sb);
}

const char *netstate_unsafe(const struct netstate *ns, unsigned *from, const char **value)
{
	const struct {
		const char *name, *value;
	} s[] = {
		{ "ifname", ns->ifname }, { "proto", ns->proto },         { "hostname", ns->hostname },
		{ "domain", ns->domain }, { "root_path", ns->root_path }, { "bootfile", ns->bootfile },
	};

	for (; *from < ARRAY_SIZE(s); (*from)++)
		if (s[*from].value && has_control(s[*from].value)) {
			*value = s[*from].value;
			return s[(*from)++].name;
		}
	return NULL;
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

static void log_unsafe(const struct netstate *ns)
{
	char esc[ESCAPE_SIZE(64)];
	const char *name, *value;
	unsigned from = 0;

	while ((name = netstate_unsafe(ns, &from, &value)))
		log_warn("network: %s \"%s\" holds a control byte; written as empty in the lease "
			 "files", name, escape_str(value, esc, sizeof(esc)));
}

int netstate_write(const struct netstate *ns, const char *run)
{
	static char buf[8192];
	char path[256];
	int rc;

	log_unsafe(ns);
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
