/* boot: the state the boot phases of sprout-init pass along. One instance, owned by
 * main; every phase takes it. */
#ifndef SPROUT_BOOT_H
#define SPROUT_BOOT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "devices.h"
#include "devrules_apply.h"
#include "dhcpc.h"
#include "modload.h"
#include "storage.h"
#include "timeline.h"

#define SYSROOT "/sysroot"
#define STATE_DIR "/run/sprout"

struct boot {
	struct config cfg;
	struct timeline tl;
	struct modload ml;
	struct devices dev;        /* drivers for devices, through ml; set up with it */
	struct devrules_set rules; /* devices.conf, applied by dev's coldplug and uevents */
	bool rules_loaded;
	struct storage storage;    /* md / LUKS / LVM layers brought up (phase_storage) */
	bool storage_on;
	bool ml_open;
	int uevent_fd;             /* hotplug events while waiting for the root; -1 if none */
	char kver[128];            /* uname -r */
	char moddir[PATH_MAX];     /* /lib/modules/KVER */
	char root_dev[PATH_MAX];   /* the block device the root was found on */
	char root_type[64];        /* its filesystem type */
	bool root_mounted;
	/* the boot network (phase_network), left up for an NFS root */
	bool net_up;
	char net_ifname[IF_NAMESIZE];
	uint8_t net_mac[6];
	uint32_t net_addr;         /* ours, network order */
	uint32_t net_server;       /* the boot server: ip= field 2, else DHCP's next-server/server */
	char net_hostname[65];
	bool lease_set;
	struct dhcp_lease lease;
	char cmdline_raw[8192];    /* MODULE.PARAM= words of the defaults and /proc/cmdline */
	size_t cmdline_len;
	bool wrapper;              /* running as the init wrapper (wrapper.c), not in an image */
	int argc;                  /* our own arguments, as the kernel gave them */
	char **argv;
};

/* hooks.c: runs the programs of /etc/sprout/hooks/PHASE.d/ (hook.h) for phase id, each
 * logged with how it ended; none of them stops the boot. No directory: nothing. */
void boot_hooks(struct boot *b, enum cmdline_phase id);

/* boot_wait.c: the device waits the phases share. */

/* Waits up to ms for hotplug events and loads the drivers they ask for (or just
 * sleeps when there is no uevent socket). For phases that wait for a device. */
void boot_wait_events(struct boot *b, int ms);

struct blkdev;
struct rootspec;

/* How long a device is waited for, in ms: rootwait: -1 (no limit); rd.timeout=N: N
 * seconds (0: no limit); else the default. */
int boot_wait_ms(const struct config *cfg);

/* How long the resume device is waited for, in ms: sprout.resume.timeout=N seconds,
 * else the default (boot_wait.c), or the root's wait when that is shorter. Never -1. */
int boot_resume_wait_ms(const struct config *cfg);

/* Finds the block device rs names (spec as written, what = "root" or the argument
 * that named it, for messages), waiting per rootwait / rd.timeout while hotplug
 * events load drivers. 0, or -ENODEV after logging every device there is. */
int boot_find_device(struct boot *b, const char *what, const char *spec, const struct rootspec *rs,
		     struct blkdev *found);

/* Makes filesystem type usable: known to the kernel, or its fs-TYPE module loaded.
 * 0, or -errno after logging. */
int boot_ensure_fs(struct boot *b, const char *type);

/* phase_overlay.c: the layers over the root mounted on root (SYSROOT, or the wrapper's
 * bind mount of "/"): it moves to OVERLAY_LOWER, read-only; the upper layer per
 * sprout.overlay=; overlayfs of both mounted on root. 0, or -errno after logging. */
int overlay_stack(struct boot *b, const char *root);

/* clock.c: when the system clock is earlier than floor (seconds; 0 = unknown), sets it
 * from the RTC (/dev/rtc0) when that is later, else to floor; logs what it read and did.
 * what names the floor in the log ("the image's build time"). Never fails the boot. */
void boot_clock(const char *what, int64_t floor);

/* The boot's clock floor in the initramfs: the later of the image's build_time= and
 * sprout-init's own build time; logs and calls boot_clock. */
void boot_clock_initramfs(void);

/* wrapper.c: sprout-init as /sbin/init of an ordinary root (no initramfs). */
bool wrapper_mode_detect(void);
/* Prepares the machine as far as it can (every failure logged), then execs the real
 * init with argv as the kernel gave it; never returns. */
__attribute__((noreturn)) void wrapper_main(struct boot *b);

/* The phases, in boot order, one file each (phase_NAME.c). Each returns 0, or
 * -errno after logging what failed (what was looked for, what was found, what to do). */
int phase_early(struct boot *b);
int phase_cmdline(struct boot *b);
int phase_devices(struct boot *b);
int phase_storage(struct boot *b);
int phase_network(struct boot *b);
int phase_root(struct boot *b);
int phase_overlay(struct boot *b);
int phase_handover(struct boot *b);

#endif
