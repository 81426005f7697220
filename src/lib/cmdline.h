/* cmdline: the kernel command line (and baked-in defaults) parsed into a typed config.
 *
 * Pure: no I/O, no allocation beyond the struct itself. The kernel's quoting rules
 * apply: words are split on whitespace, double quotes group (and are removed), a
 * quote may start mid-word (key="a b"). Words after a lone "--" go to the real init.
 * Unknown keys are ignored. Later words override earlier ones, so defaults parsed
 * first are overridden by /proc/cmdline parsed second into the same config (the
 * module lists and ip= have their own rules, below).
 * Seed-era aliases: AUFS=1 is sprout.overlay=tmpfs, INIT_DEBUG=1 is rd.debug rd.shell=1. */
#ifndef SPROUT_CMDLINE_H
#define SPROUT_CMDLINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_VALUE 1024 /* longest value kept; longer is an error, never cut */
#define CMDLINE_MAX_ARGS 32    /* most arguments passed to the real init */
#define CMDLINE_MAX_WORDS 512  /* most words looked at; more is an error */
#define CMDLINE_MAX_INIT_ARG 256 /* size of one init_argv[] slot, NUL included */
/* Largest rootdelay= / rd.timeout= / rd.retry= / sprout.nfs.timeout= in seconds (about
 * 24.8 days): the most that turns into milliseconds in an int (ms_from_seconds), so a
 * deadline or a poll() timeout cannot wrap. A larger value is rejected with a message.
 * panic= is held to +-(INT_MAX / 1000) likewise. */
#define CMDLINE_MAX_SECONDS ((unsigned)(INT_MAX / 1000))

enum cmdline_phase {
	PHASE_NONE = 0,
	PHASE_EARLY,
	PHASE_CMDLINE,
	PHASE_DEVICES,
	PHASE_STORAGE,
	PHASE_NETWORK,
	PHASE_ROOT,
	PHASE_OVERLAY,
	PHASE_HANDOVER,
};

enum cmdline_rw { RW_DEFAULT = 0, RW_RO, RW_RW };

#define CMDLINE_MAX_IP 4           /* ip= words kept (dracut: one per interface) */
#define CMDLINE_MAX_SHORT 256      /* size of the shorter string fields, NUL included */
/* A cmdline_format buffer this size holds the summary of any config. */
#define CMDLINE_FORMAT_MAX (CMDLINE_MAX_VALUE * (20 + CMDLINE_MAX_IP) + \
			    CMDLINE_MAX_SHORT * 4 + CMDLINE_MAX_ARGS * (CMDLINE_MAX_INIT_ARG + 3) + 512)

/* sprout.nfs.select=: how a client orders the NFS servers of a list. */
enum cmdline_nfs_select {
	NFS_SELECT_HASH = 0, /* rendezvous hashing of (server, MAC): spreads a farm (default) */
	NFS_SELECT_ORDER,    /* as listed: the first server, then the next on failure */
};

/* fsck.mode= and fsck.repair= as systemd spells them: whether the root is checked
 * before it is mounted (auto: when the filesystem says so), and what the checker may
 * repair (preen: what is safe without asking). */
enum cmdline_fsck_mode { FSCK_MODE_AUTO = 0, FSCK_MODE_FORCE, FSCK_MODE_SKIP };
enum cmdline_fsck_repair { FSCK_REPAIR_PREEN = 0, FSCK_REPAIR_YES, FSCK_REPAIR_NO };

struct config {
	char root[CMDLINE_MAX_VALUE];       /* root=, "" if not given */
	char rootfstype[64];                /* rootfstype= */
	char rootflags[CMDLINE_MAX_VALUE];  /* rootflags= */
	char init[CMDLINE_MAX_VALUE];       /* init= */
	enum cmdline_rw rw;                 /* last of ro / rw wins */
	bool rootwait;
	unsigned rootdelay;                 /* seconds, rootdelay= */
	int panic;                          /* panic= seconds; 0 = wait forever, <0 = at once */
	bool panic_set;
	enum cmdline_phase rd_break;        /* rd.break=PHASE; bare rd.break = PHASE_HANDOVER */
	bool rd_shell;                      /* rd.shell=0|1, default 1 */
	bool rd_debug;
	bool quiet;
	unsigned rd_timeout;                /* rd.timeout= seconds, 0 = default */
	bool rd_timeout_set;
	/* network and NFS root (kernel, pxelinux, dracut) */
	char ip[CMDLINE_MAX_IP][CMDLINE_MAX_VALUE]; /* ip= values as written, in order. The
	                                    * ip= words of one buffer add up (dracut); a later
	                                    * buffer's ip= replace the earlier buffer's. The
	                                    * kernel's single-interface form uses ip[0]. */
	int ip_count;
	char nfsroot[CMDLINE_MAX_VALUE];    /* nfsroot= as written (see nfsspec.h) */
	char bootif[CMDLINE_MAX_SHORT];     /* BOOTIF= as written, checked by cmdline_bootif_mac */
	bool rd_neednet;                    /* rd.neednet, rd.neednet=0|1 */
	unsigned rd_retry;                  /* rd.retry= seconds */
	bool rd_retry_set;
	/* modules: comma lists, every occurrence adds to the list (across buffers too);
	 * '-' is written '_' as the kernel names modules */
	char driver_blacklist[CMDLINE_MAX_VALUE]; /* rd.driver.blacklist= */
	char driver_pre[CMDLINE_MAX_VALUE];       /* rd.driver.pre= */
	/* sprout's own */
	char overlay[CMDLINE_MAX_SHORT];    /* sprout.overlay= tmpfs | DEVICE | UUID=.. | LABEL=..;
	                                     * "" = no overlay. AUFS=1 sets "tmpfs" */
	char overlay_size[64];              /* sprout.overlay.size= as written (see size.h) */
	enum cmdline_nfs_select nfs_select; /* sprout.nfs.select=hash|order */
	bool nfs_select_set;
	unsigned nfs_timeout;               /* sprout.nfs.timeout= seconds per server, >= 1 */
	bool nfs_timeout_set;
	/* root images (rootimage.c; the forms in imagespec.h) */
	char image[CMDLINE_MAX_VALUE];      /* sprout.image= as written, "" = none */
	char image_sha256[65];              /* sprout.image.sha256= 64 hex digits, checked */
	bool toram;                         /* sprout.toram=0|1 (always on for http://) */
	bool toram_set;
	char toram_min[33];                 /* sprout.toram.min= as written (size.h), checked */
	char resume[CMDLINE_MAX_SHORT];     /* resume= as written, checked by cmdline_resume
	                                     * ("" cancels an earlier one) */
	uint64_t resume_offset;             /* resume_offset= pages into the device (a swap file) */
	bool resume_offset_set;
	bool noresume;                      /* noresume: never resume, whatever resume= says */
	bool hook_timeout_set;
	unsigned hook_timeout;              /* sprout.hook.timeout= seconds one hook program may
	                                     * run (0: no limit); unset: HOOK_TIMEOUT_DEFAULT */
	unsigned resume_timeout;            /* sprout.resume.timeout= seconds to wait for the
	                                     * resume device (0: only if it is there now) */
	bool resume_timeout_set;
	/* the init wrapper (sprout-init as /sbin/init of a root, no initramfs) */
	char wrapper_init[CMDLINE_MAX_VALUE]; /* sprout.init=PATH, "" = /sbin/init.real */
	bool wrapper_off;                   /* sprout.wrapper=off: exec the real init, nothing else */
	bool wrapper_set;                   /* sprout.wrapper= given (for the summary) */
	bool wrapper_mode;                  /* not parsed: set by sprout-init when it runs as the
	                                     * wrapper, so cmdline_notes names what it ignores */
	bool devices_exec;                  /* sprout.devices.exec=0|1: commands of device rules */
	/* storage stacks (dracut's keys, cmdline_storage.c). The lists are comma lists that
	 * every occurrence adds to (across buffers too), each item once; UUIDs are kept as
	 * written without a "luks-" prefix and compare by their hex digits alone. */
	bool luks_off, md_off, lvm_off;     /* rd.luks=0, rd.md=0, rd.lvm=0 (last word wins) */
	bool fsck_mode_set, fsck_repair_set; /* fsck.mode=, fsck.repair= given (for the summary) */
	char luks_uuid[CMDLINE_MAX_VALUE];  /* rd.luks.uuid= */
	char luks_name[CMDLINE_MAX_VALUE];  /* rd.luks.name=UUID=NAME, as "UUID=NAME,..." */
	char luks_key[CMDLINE_MAX_VALUE];   /* rd.luks.key=PATH[:DEVICE] as written; last wins */
	bool luks_discard;                  /* rd.luks.options= holds discard */
	char md_uuid[CMDLINE_MAX_VALUE];    /* rd.md.uuid= */
	char lvm_vg[CMDLINE_MAX_VALUE];     /* rd.lvm.vg= */
	char lvm_lv[CMDLINE_MAX_VALUE];     /* rd.lvm.lv=VG/LV */
	enum cmdline_fsck_mode fsck_mode;   /* fsck.mode=auto|force|skip (last wins) */
	enum cmdline_fsck_repair fsck_repair; /* fsck.repair=preen|yes|no (last wins) */
	unsigned parse_pass;                /* cmdline_parse calls so far (for ip=) */
	unsigned ip_pass;                   /* the call that stored ip[] */

	int init_argc;                      /* words after "--" */
	char init_argv[CMDLINE_MAX_ARGS][CMDLINE_MAX_INIT_ARG];
	unsigned errors;                    /* count of words rejected (too long, bad number) */
	char first_error[256];              /* human message for the first rejected word */
};

/* Sets the defaults (rd_shell = true, everything else empty). */
void cmdline_init(struct config *cfg);

/* Parses buf[0..len) into cfg on top of what is there. Never fails as a whole: a bad
 * word is skipped, counted in cfg->errors and described in cfg->first_error.
 * NUL bytes end the buffer. Returns the number of words seen. */
int cmdline_parse(struct config *cfg, const char *buf, size_t len);

/* "root" -> PHASE_ROOT; NULL/unknown -> PHASE_NONE. dracut's hook names are accepted
 * too, so rd.break= lines written for dracut keep working: "pre-mount" and "mount"
 * -> PHASE_ROOT, "pre-pivot" -> PHASE_HANDOVER. */
enum cmdline_phase cmdline_phase_from_name(const char *name);
/* PHASE_ROOT -> "root"; PHASE_NONE or out of range -> "none". Never NULL. */
const char *cmdline_phase_name(enum cmdline_phase phase);

/* The MAC address in a BOOTIF= value: pxelinux's "01-aa-bb-cc-dd-ee-ff" (01 is the
 * ARP type of Ethernet), or a bare "aa-bb-cc-dd-ee-ff" / "aa:bb:cc:dd:ee:ff"; hex digits
 * in either case. Returns 0 or -EINVAL. */
int cmdline_bootif_mac(const char *value, uint8_t mac[6]);

/* Is module name in a comma list such as driver_blacklist? '-' and '_' compare equal. */
bool cmdline_list_has(const char *list, const char *name);

/* Writes a one-line summary of what is set ("root=/dev/vda1 rootfstype=ext4 ro
 * rootwait -- single") for the log; values holding spaces are double-quoted. Values
 * are written as they are: escape the line before logging it. Returns its length, or
 * -ENAMETOOLONG when it does not fit in out[n] (out is then ""). */
int cmdline_format(const struct config *cfg, char *out, size_t n);

/* cmdline_format's line escaped for the log (base escape: bytes outside printable ASCII
 * and '\\' as \xHH), ending in "..." when it does not fit out[n]. Returns its length,
 * or -ENAMETOOLONG (out "") when the summary itself is too long. */
int cmdline_summary(const struct config *cfg, char *out, size_t n);

/* What cfg holds but this init does not act on: one line each for rd.break=early|cmdline
 * (the config is read after they began) and the second to fourth ip= (one interface is
 * configured), saying it is ignored and why; values escaped. With
 * wrapper_mode: the keys only the initramfs acts on (root=, rd.break=, ...), named in one
 * line; without it: sprout.init= and sprout.wrapper=, which only the wrapper reads. Calls
 * fn(line, ctx) for each line; returns how many. */
#define CMDLINE_NOTE_MAX 640 /* longest note line, NUL included */
typedef void (*cmdline_note_fn)(const char *line, void *ctx);
int cmdline_notes(const struct config *cfg, cmdline_note_fn fn, void *ctx);

/* ---- resume from hibernation (cmdline_resume.c) ---- */

#define CMDLINE_RESUME_WHY 320 /* room for cmdline_resume's message */

/* What the boot does about resume: CMDLINE_RESUME_NONE (no resume= given),
 * CMDLINE_RESUME_SKIP (noresume: why says so), CMDLINE_RESUME_DEVICE (*rs names the
 * device: the root= forms of rootspec.h; why is empty), or -EINVAL / -ENAMETOOLONG
 * with why[n] naming the value and the forms expected (the boot goes on without
 * resume). A resume_offset= without resume= is named in why with
 * CMDLINE_RESUME_NONE. Pure. */
enum { CMDLINE_RESUME_NONE = 0, CMDLINE_RESUME_SKIP = 1, CMDLINE_RESUME_DEVICE = 2 };
struct rootspec;
int cmdline_resume(const struct config *cfg, struct rootspec *rs, char *why, size_t n);

/* ---- storage keys (cmdline_storage.c) ---- */

#define CMDLINE_MAPPER_NAME_MAX 127 /* longest device-mapper name we accept */
#define CMDLINE_UUID_MAX 64         /* longest UUID value we accept */
#define CMDLINE_MAX_LUKS_NAMES 16   /* rd.luks.name= kept (a summary line stays bounded) */

/* Reads one storage key (rd.luks*, rd.md*, rd.lvm*, fsck.mode, fsck.repair) into cfg. 1 when key is one of
 * them and value was taken; 0 when key is not a storage key; -EINVAL / -ENAMETOOLONG
 * with why[n] saying what was expected (the value escaped) when it was refused. */
int cmdline_storage_set(struct config *cfg, const char *key, const char *value, char *why,
			size_t n);

/* The same for a bare flag (rd.luks, rd.md, rd.lvm: on). 1 taken, 0 not ours. */
int cmdline_storage_flag(struct config *cfg, const char *key);

/* Is key one of the storage keys (for the "too long" message)? */
bool cmdline_storage_known(const char *key);

/* "auto", "force", "skip"; "preen", "yes", "no". Never NULL ("?" out of range). */
const char *cmdline_fsck_mode_name(enum cmdline_fsck_mode mode);
const char *cmdline_fsck_repair_name(enum cmdline_fsck_repair repair);

/* Do two UUIDs name the same thing? Only their hex digits count, without case, so
 * mdadm's 3a000000:00000000:40000000:00000001 equals blkid's
 * 3a000000-0000-0000-4000-000000000001; a "luks-" prefix on either is skipped. Two
 * strings without hex digits never match. */
bool cmdline_uuid_equal(const char *a, const char *b);

/* Is uuid in the comma list (cmdline_uuid_equal)? */
bool cmdline_uuid_list_has(const char *list, const char *uuid);

/* The mapper name rd.luks.name= gives the LUKS volume uuid into out[n]: 1 found, 0 not
 * named (out is then "luks-UUID", dracut's default), -ENAMETOOLONG. */
int cmdline_luks_name_for(const struct config *cfg, const char *uuid, char *out, size_t n);

/* rd.luks.key=PATH[:DEVICE] split at the first ':' into path[psz] and dev[dsz] (""
 * when absent). PATH must be absolute. 0, -EINVAL, -ENAMETOOLONG. */
int cmdline_luks_key_split(const char *value, char *path, size_t psz, char *dev, size_t dsz);

/* Is lv (VG/LV) or its VG asked for by rd.lvm.lv= / rd.lvm.vg=? True when neither key
 * is given (every VG is activated then). */
bool cmdline_lvm_wanted(const struct config *cfg, const char *vg, const char *lv);

/* The word splitter under cmdline_parse, for modules that read keys of their own
 * (ip=, nfsroot=, BOOTIF=, ...) with the same quoting rules. */
struct cmdline_word {
	const char *key;   /* unquoted text before the first '='; for an init argument, the
	                    * whole unquoted word; "" when it did not fit (error set) */
	const char *value; /* unquoted text after the first '='; NULL for a bare flag, an
	                    * init argument, or when key or value did not fit */
	bool init_arg;     /* a word after the lone "--" (the "--" itself comes as key "--") */
	int error;         /* 0; -ENAMETOOLONG: key or value longer than CMDLINE_MAX_VALUE - 1;
	                    * -E2BIG: more than CMDLINE_MAX_WORDS words, the walk stops here */
};
typedef int (*cmdline_fn)(const struct cmdline_word *word, void *ctx);

/* The tokenizer under cmdline_walk (and modparam): the next word of buf[0..len) at or
 * after *pos, as the raw span [*start, *end) with its quotes still in; *pos moves past
 * it. Words split on parse_is_space() bytes outside double quotes. Returns false when
 * only whitespace is left. The caller cuts buf at a NUL byte first. */
bool cmdline_next_word(const char *buf, size_t len, size_t *pos, size_t *start, size_t *end);

/* Calls fn for each word of buf[0..len) (stopping at a NUL byte). fn returns 0 to go
 * on or a negative errno to stop the walk, which then returns it; otherwise returns
 * the number of words. The strings are valid only during the call. */
int cmdline_walk(const char *buf, size_t len, cmdline_fn fn, void *ctx);

#endif
