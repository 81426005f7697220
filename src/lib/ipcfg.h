/* ipcfg: the ip= kernel parameter, as the kernel reads it (Documentation/admin-guide/
 * nfs/nfsroot.rst), plus the dracut forms that name a device first.
 *
 *   ip=off | none                      no network configuration
 *   ip=on | any | dhcp | bootp | rarp | both      autoconfiguration
 *   ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>:<dns0>:<dns1>:<ntp0>
 *   ip=<device>:<autoconf>[:<mtu>]     (dracut)
 *
 * Every field of the long form may be empty, and trailing fields may be left out. In the
 * long form, field 8 may instead be dracut's <mtu> (a plain number, never an address).
 *
 * sprout-init's only autoconfiguration protocol is DHCP, so on, any, bootp, rarp and
 * both all mean "DHCP" (a DHCP server answers BOOTP-style requests too; RARP is not
 * spoken). The keyword is kept in .autoconf for messages.
 *
 * Addresses are IPv4, in network byte order (a struct in_addr's s_addr). IPv6
 * addresses and dracut's IPv6 keywords (dhcp6, auto6, ...) are refused with a message
 * saying so. "0.0.0.0" in an address field means the same as an empty field, as the
 * examples in nfsroot.rst use it for "no server".
 *
 * Pure: no I/O, no allocation. */
#ifndef SPROUT_IPCFG_H
#define SPROUT_IPCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPCFG_MAX_TEXT 512     /* longest ip= value read; longer is an error */
#define IPCFG_HOSTNAME_MAX 64  /* the kernel's __NEW_UTS_LEN (DNSNAME_HOST_MAX) */
#define IPCFG_DEVICE_MAX 15    /* IFNAMSIZ - 1 */
#define IPCFG_IPV4_LEN 16      /* "255.255.255.255" and its NUL */
#define IPCFG_ERR_LEN 160      /* a message buffer this size never cuts our messages */

enum ipcfg_mode {
	IPCFG_OFF = 0, /* ip=off / none: leave the network alone */
	IPCFG_DHCP,    /* configure by DHCP; fields given are kept (device, hostname, ...) */
	IPCFG_STATIC,  /* client address (and netmask) given: configure those */
};

enum ipcfg_autoconf {
	IPCFG_AUTO_DEFAULT = 0, /* the field was empty or absent */
	IPCFG_AUTO_OFF,         /* off, none */
	IPCFG_AUTO_ANY,         /* on, any */
	IPCFG_AUTO_DHCP,        /* dhcp (dracut's single-dhcp too) */
	IPCFG_AUTO_BOOTP,
	IPCFG_AUTO_RARP,
	IPCFG_AUTO_BOTH,
};

struct ipcfg {
	enum ipcfg_mode mode;
	enum ipcfg_autoconf autoconf; /* as written */
	uint32_t client, server, gateway, netmask;
	bool client_set, server_set, gateway_set, netmask_set;
	bool netmask_classful;        /* netmask was empty and derived from the client's class */
	char hostname[IPCFG_HOSTNAME_MAX + 1]; /* "" if not given */
	char device[IPCFG_DEVICE_MAX + 1];     /* "" if not given: the caller picks one */
	uint32_t dns[2];
	bool dns_set[2];
	uint32_t ntp;
	bool ntp_set;
	unsigned mtu;                 /* dracut's <mtu>; 0 if not given */
};

/* Parses the value of one ip= (buf[0..len), without "ip="). Returns 0 and fills *out,
 * or -EINVAL / -ENAMETOOLONG with *out unchanged and a message in err[errsz] naming the
 * field and what was expected, e.g. "ip= field 4 (netmask) '255.0.255.0' is not a
 * contiguous mask". The bytes of buf in the message are escaped (\xHH).
 *
 * Mode: STATIC when a client address is given; otherwise DHCP, unless autoconf is off
 * or none (then OFF for "ip=off" / "ip=DEV:off", and an error for a long form that gives
 * nothing to configure). With STATIC, an empty netmask is derived from the address class
 * (A /8, B /16, C /24) as the kernel does.
 * Kernel nuance left to the caller: when a client address is given but no NFS server
 * address is known from anywhere (ip= field 2, nfsroot=), the kernel still runs
 * autoconfiguration unless autoconf is off; check .autoconf to do the same. */
int ipcfg_parse(const char *buf, size_t len, struct ipcfg *out, char *err, size_t errsz);

/* A dotted quad a.b.c.d, each part 0..255 in decimal (leading zeros are decimal too,
 * as the kernel reads them, not octal). Returns 0 or -EINVAL. */
int ipcfg_parse_ipv4(const char *buf, size_t len, uint32_t *out);

/* Writes addr as a.b.c.d into out[IPCFG_IPV4_LEN]; returns out. */
char *ipcfg_format_ipv4(uint32_t addr, char *out);

/* "off", "dhcp", "static". */
const char *ipcfg_mode_name(enum ipcfg_mode mode);

#endif
