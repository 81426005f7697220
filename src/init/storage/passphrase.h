/* passphrase: a secret typed on the console, without echo. */
#ifndef SPROUT_PASSPHRASE_H
#define SPROUT_PASSPHRASE_H

#include <stddef.h>

#define PASSPHRASE_MAX 512 /* cryptsetup's own default limit for a typed passphrase */

/* Writes prompt on the console, turns echo off, reads one line (without its end) into
 * out[n], turns echo back on. Returns its length, -ENAMETOOLONG when longer than n - 1
 * (the rest of the line is read and dropped), -ENODATA at end of input, -errno. out is
 * wiped on an error; the caller wipes it after use (explicit_bzero). */
int passphrase_read(const char *prompt, char *out, size_t n);

/* The same on the terminal (or any file) at path instead of the console. */
int passphrase_read_at(const char *path, const char *prompt, char *out, size_t n);

#endif
