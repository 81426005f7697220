/* dnsname: the one check of host and domain names that came from outside (ip= field 5,
 * DHCP options 12 and 15) before they go to sethostname(), into files under /run, or into
 * resolv.conf. Pure.
 *
 * A name is labels joined by single dots (RFC 1123 2.1 on RFC 952): each label 1..63
 * bytes of letters, digits, '-' and '_', neither starting nor ending with '-'; the whole
 * at most 253 bytes, with no leading or trailing dot. '_' is not RFC 1123, but ip= has
 * always taken it, real networks hand it out (Windows machine names), and it means
 * nothing to a shell, a path or resolv.conf, so both sources accept it alike. Everything
 * else (spaces, quotes, '$', ';', '/', control bytes, non-ASCII) is refused. */
#ifndef SPROUT_DNSNAME_H
#define SPROUT_DNSNAME_H

#include <stddef.h>

#define DNSNAME_MAX 253
#define DNSNAME_LABEL_MAX 63
#define DNSNAME_HOST_MAX 64 /* what sethostname() takes: the kernel's __NEW_UTS_LEN */

/* 0 when s[0..n) is such a name; -ENAMETOOLONG over DNSNAME_MAX bytes or a label over
 * DNSNAME_LABEL_MAX; -EINVAL otherwise (empty included). */
int dnsname_check(const char *s, size_t n);

/* dnsname_check() and at most DNSNAME_HOST_MAX bytes (-ENAMETOOLONG): a host name the
 * kernel will take. */
int dnsname_check_host(const char *s, size_t n);

#endif
