/* modload: loading kernel modules from the image, dependencies first.
 *
 * The index (modules.dep/.alias/.softdep of /lib/modules/KVER) says what to load and
 * in which order; the kernel's /sys/module/NAME says what is already there (loaded,
 * or built in with parameters). Each module is tried at most once per boot: a
 * failure is remembered, so a hotplug storm does not retry a broken driver.
 *
 * Per-module outcomes are logged here (loaded with its time, already there,
 * failed with the reason); what a failure means for the boot is the caller's call.
 *
 * modload_many loads a set of modules from a few threads at once: module init
 * functions spend much of their time sleeping (bus resets, device probes), and
 * those waits overlap. Everything else here runs on the caller's thread only. */
#ifndef SPROUT_MODLOAD_H
#define SPROUT_MODLOAD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "modindex.h"

#define MODLOAD_MAX_STEPS 256        /* longest load order of one module */
#define MODLOAD_MAX_FILE (64u << 20) /* biggest index file read */
#define MODLOAD_MAX_CMDLINE 8192     /* longest command line kept for module options */
#define MODLOAD_MAX_PARAMS 4096      /* longest option string passed to one module */

struct modload;
struct modload_sync; /* modload.c: the lock of a modload_many in progress */

/* Puts the module at `path` (relative to the modules dir, or absolute) into the
 * kernel with `params`. Returns 0 or -errno (-EEXIST: already loaded, a success).
 * modload_finit is the real one; a unit test puts a fake in modload.load.
 * Under modload_many it is called from several threads at once, never twice for
 * one module, and never before the modules that go before it are in. */
typedef int (*modload_fn)(struct modload *ml, const char *name, const char *path,
			  const char *params);

struct modload {
	struct modindex *idx;
	char moddir[PATH_MAX]; /* "/lib/modules/KVER" */
	int moddir_fd;         /* -1 when there is none */
	const char *sysfs;     /* "/sys"; where /sys/module and /sys/devices are looked for */
	modload_fn load;
	void *load_ctx;        /* for a substituted loader */
	/* per modindex id: 0 untried, 1 in the kernel (there before us), 2 loaded by us,
	 * 3 being loaded (only seen under modload_many), -errno failed */
	int *state;
	unsigned char *blacklisted; /* per modindex id: 1 blacklisted, 2 and said so in the log */
	char *cmdline;         /* for "module.param=value" words; NULL when none */
	size_t cmdline_len;
	unsigned nloaded, nfailed;
	const char *bad_file;  /* after -EBADMSG/-E2BIG from modload_open: which file ... */
	size_t bad_line;       /* ... and which line */
	struct modload_sync *sync; /* set only while modload_many runs */
	char *cpu;             /* the CPU's modalias, read at the first softdep choice */
	bool cpu_read;
	int kernel_unpacks;    /* compressed modules: 0 not known yet, 1 the kernel takes
				* them, -1 it refused them (sprout-init decodes .ko.xz);
				* atomic: set by whichever loader thread learns it */
};

/* Reads modules.dep (required), modules.alias and modules.softdep (optional) from
 * moddir. Returns 0, or -errno: -ENOENT (no modules.dep), -EBADMSG / -E2BIG (a bad
 * line: ml->bad_file, ml->bad_line say where), -EFBIG (file over MODLOAD_MAX_FILE),
 * -ENAMETOOLONG, -ENOMEM. On failure ml is left closed (modload_close is harmless).
 * It resets ml: set the blacklist and the command line after it. */
int modload_open(struct modload *ml, const char *moddir);

/* Same with an index built by the caller (tests, or an index from elsewhere); takes
 * ownership of idx even on failure. moddir may be NULL (then only a substituted
 * loader or absolute paths can load anything). */
int modload_open_index(struct modload *ml, struct modindex *idx, const char *moddir);

void modload_close(struct modload *ml);

/* "/lib/modules/" + the running kernel's release, into out[n]. 0 or -errno. */
int modload_default_dir(char *out, size_t n);

/* rd.driver.blacklist=a,b-c: these modules are never loaded, neither for a device
 * nor by name nor as a dependency (a module needing one fails). Calls add up. Names
 * not in the image are ignored. Returns 0 or -EINVAL (an empty or invalid name; the
 * names before it are blacklisted). */
int modload_blacklist(struct modload *ml, const char *list);

/* Is `name` blacklisted? The first time it is asked about a blacklisted module with a
 * reason (why: "for pci:v...", may be NULL) it says in the log that the module is not
 * loaded; later calls are quiet. Not for use under modload_many. */
bool modload_refused(struct modload *ml, const char *name, const char *why);

/* Keeps a copy of the kernel command line so "module.param=value" words are passed
 * to the module when it is loaded, as modprobe does. 0, -E2BIG or -ENOMEM. */
int modload_set_cmdline(struct modload *ml, const char *cmdline, size_t len);

/* Loads `name` after everything its load order puts before it (softdep "pre:",
 * hard dependencies) and with its "post:" softdeps. A softdep that fails is logged
 * and skipped; a hard dependency that fails fails the module.
 * Returns 1 when the module was loaded now, 0 when it already was (or is built in),
 * -ENOENT (not in the image, not in the kernel), -EPERM (it or a hard dependency is
 * blacklisted), -EOPNOTSUPP (compressed, and the kernel cannot decompress it),
 * -ELOOP / -E2BIG (a broken index), or the kernel's -errno. */
int modload_module(struct modload *ml, const char *name);

/* The same, saying in the log why the module is loaded ("for pci:v...", "rd.driver.pre"). */
int modload_module_for(struct modload *ml, const char *name, const char *why);

/* Loads every module of the image matching `alias` (a device's modalias, or a
 * "fs-ext4" / "net-pf-17" style alias). Returns how many were loaded now (0: all of
 * them already were), -ENOENT when no module in the image matches, -EPERM when every
 * match is blacklisted, or the first error when every match failed. */
int modload_alias(struct modload *ml, const char *alias);

/* One module for modload_many, and why it is wanted (for the log, may be NULL). */
struct modload_job {
	const char *module;
	const char *why;
	/* Start it only once the previous job is done (the same worker runs both):
	 * drivers competing for one device then load, and bind, in the index's order. */
	bool after_prev;
};

/* Loads each job as modload_module_for would, up to `threads` jobs at a time (the
 * calling thread is one of them; 0 or 1: one after the other). A module that
 * several jobs need is loaded once: whoever comes second waits for it. Returns
 * how many distinct job modules went into the kernel during the call (by their
 * own job or as another's dependency), or -ENOMEM before loading anything.
 * Per-module failures are logged and remembered as with modload_module_for. */
int modload_many(struct modload *ml, const struct modload_job *jobs, size_t n, unsigned threads);

/* Is a module worth trying: in the image, not yet tried, not blacklisted. */
bool modload_wanted(const struct modload *ml, const char *name);

/* The real loader: finit_module(2); a .ko.xz/.ko.zst/.ko.gz file is handed to the
 * kernel with MODULE_INIT_COMPRESSED_FILE. When the kernel cannot decompress it, a
 * .ko.xz is decoded here (modunxz.h), that one and every later one without asking the
 * kernel again; a .ko.zst/.ko.gz gives -EOPNOTSUPP (sprout build stores modules as
 * .ko.xz or .ko). */
int modload_finit(struct modload *ml, const char *name, const char *path, const char *params);

/* The option string for `module` from a command line: every word "module.param=v"
 * (or "module.flag"), module compared after normalising ('-' = '_'), becomes
 * "param=v", joined by spaces; double quotes group as the kernel does and are kept.
 * Words after "--" are the init's and are not looked at. Pure. Returns the length
 * written to out[n] (NUL-terminated), or -E2BIG (never cut). */
int modload_params(const char *cmdline, size_t len, const char *module, char *out, size_t n);

#endif
