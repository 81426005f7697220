/* modparam: module parameters on the kernel command line ("MODULE.PARAM=VALUE", as
 * modprobe reads them from /proc/cmdline) turned into the option string of one module.
 *
 * Pure. Words are split by cmdline_next_word, so the whitespace set and the quoting are
 * those of every other key (cmdline.h): a word holding "MODULE." before its first '='
 * gives PARAM=VALUE to MODULE; every double quote is removed, and a value holding
 * whitespace is quoted again ("p=\"a b\"") so the kernel hands it to the module whole.
 * Module names compare as the kernel names modules: '-' and '_' are the same
 * (modindex_normalise). Words after a lone "--" belong to the init and are not read;
 * a NUL byte ends the line. A word whose module part is no module name (empty, too
 * long, '/' or control bytes) or whose PARAM is empty or holds whitespace is no module
 * parameter. */
#ifndef SPROUT_MODPARAM_H
#define SPROUT_MODPARAM_H

#include <stddef.h>

/* The options for `module` from cmdline[0..len): every PARAM[=VALUE] of its words, in
 * order, joined by single spaces, into out[n] (NUL-terminated). Returns the length, or
 * -E2BIG when they do not all fit (out is then "": never a cut list). A module name
 * that cannot be one gives 0 (nothing for it). */
int modparam_get(const char *cmdline, size_t len, const char *module, char *out, size_t n);

/* Appends the module-parameter words of cmdline[0..len), each whole and as written
 * (quotes kept), to the string already in out[n], space-separated: the part of a
 * command line that modparam_get reads, for keeping when the rest is not needed.
 * A word that does not fit is left out whole, counted in *dropped (if not NULL) and so
 * is every word after it. Returns the number of words appended. */
int modparam_select(const char *cmdline, size_t len, char *out, size_t n, unsigned *dropped);

#endif
