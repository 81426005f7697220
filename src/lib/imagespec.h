/* imagespec: where sprout.image= says the root image is, and the numbers that decide
 * whether it may be copied to RAM. Pure.
 *   /PATH                  a file inside the NFS root's export (root=nfs:, nfs4:,
 *                          nfsroot= or DHCP's root-path name the export)
 *   DEVSPEC:/PATH          a file on a local filesystem; DEVSPEC is any root= form
 *                          (rootspec.h): LABEL=data:/images/root.sqfs, /dev/vdb:/root.sqfs.
 *                          The value splits at its first ":/".
 *   http://SERVERS/PATH    fetched over HTTP (httpget.h parses the rest)
 * PATH is absolute and holds no "." or ".." component and no empty one ("//"): it is
 * opened under a staging directory, and must not climb out of it. */
#ifndef SPROUT_IMAGESPEC_H
#define SPROUT_IMAGESPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rootspec.h"

#define IMAGESPEC_MAX_PATH 512 /* longest PATH, NUL included */
#define IMAGESPEC_ERR_LEN 512

enum imagespec_kind { IMAGE_NONE = 0, IMAGE_NFS, IMAGE_DEVICE, IMAGE_HTTP };

struct imagespec {
	enum imagespec_kind kind;
	struct rootspec dev;           /* IMAGE_DEVICE: the filesystem holding the file */
	char dev_text[ROOTSPEC_MAX];   /* IMAGE_DEVICE: DEVSPEC as written */
	char path[IMAGESPEC_MAX_PATH]; /* IMAGE_NFS / IMAGE_DEVICE: the file */
};

/* Parses buf[0..len) (the value of sprout.image=). 0 with *out filled; -EINVAL or
 * -ENAMETOOLONG with err[n] naming the value (escaped) and the forms expected. For
 * IMAGE_HTTP only the kind is set: the URL is the value as written. */
int imagespec_parse(const char *buf, size_t len, struct imagespec *out, char *err, size_t n);

/* "NFS export", "local filesystem", "HTTP". */
const char *imagespec_kind_name(enum imagespec_kind kind);

/* Does sprout.image= (the text, "" when not given) need the network: an image in the NFS
 * export or over HTTP. The one test the devices and network phases share. */
bool imagespec_needs_network(const char *image);

/* MemAvailable (and MemTotal) in bytes from the text of /proc/meminfo ("MemAvailable:
 * 123456 kB" lines). 0, or -EINVAL when a line is missing or malformed, -ERANGE when it
 * overflows. */
int imagespec_meminfo(const char *buf, size_t len, uint64_t *available, uint64_t *total);

/* May an image of size bytes go to RAM when avail bytes are available and keep_free
 * must stay free? The tmpfs holding it costs its pages: size rounded up to 4 KiB.
 * 0 yes, -ENOMEM no. */
int imagespec_toram_fits(uint64_t size, uint64_t avail, uint64_t keep_free);

#endif
