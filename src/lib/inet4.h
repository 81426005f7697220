/* inet4: IPv4 netmask arithmetic shared by ip= (ipcfg) and DHCP (dhcp, dhcp_lease), so the
 * two agree on what a mask is. Addresses and masks in network byte order. Pure. */
#ifndef SPROUT_INET4_H
#define SPROUT_INET4_H

#include <stdint.h>

/* The prefix length of a netmask: 255.255.255.0 -> 24, 255.255.255.255 -> 32.
 * -EINVAL for a mask that is not contiguous, and for 0.0.0.0: a /0 "subnet" holds every
 * address, so no host's interface is configured with it. Its two sources treat it so:
 * DHCP option 1 of 0.0.0.0 is unusable (dhcp_parse flags it and the lease falls back to
 * the class default), and in ip= a netmask of 0.0.0.0 means "not given", like every
 * 0.0.0.0 field there, so the class default applies as the kernel's ipconfig does. */
int inet4_mask_prefix(uint32_t mask);

/* 24 -> 255.255.255.0; prefix is clamped to 0..32. */
uint32_t inet4_prefix_mask(int prefix);

/* The classful default mask of an address (A /8, B /16, else /24), as the kernel
 * derives it when none is given. */
uint32_t inet4_class_mask(uint32_t addr);

#endif
