/* build: assembles an initramfs image and writes it, all or nothing.
 *
 * Layout (the contract with sprout-init, see DESIGN.md):
 *   init                         sprout-init, 0755
 *   dev/console (c 5 1), dev/null (c 1 3)   so the kernel can open a console before
 *                                 /init runs when devtmpfs is not automounted
 *   dev proc sys run sysroot tmp etc/sprout   empty mount points / directories
 *   etc/sprout/image             key=value build metadata
 *   etc/sprout/devices.conf      device rules: --devices-conf FILE, else the host's
 *   etc/sprout/cmdline.d/10-build.conf   the --cmdline defaults, when given
 *   lib/modules/KVER/...         the chosen modules with modules.dep, modules.alias,
 *                                 modules.softdep, modules.builtin; each module as
 *                                 NAME.ko.xz (--module-compress xz) or NAME.ko (none)
 *   lib/firmware/...             firmware the chosen modules declare, when present
 *   bin/busybox, bin/sh -> busybox   with --shell (the rescue shell runs /bin/sh; it
 *                                 can run `busybox --install -s` itself for applets)
 *   /path/of/binary + its libraries and interpreter   with --add-binary (elfdeps.h)
 *   sbin/cryptsetup, sbin/lvm, sbin/mdadm + their libraries   with --with luks,lvm,md
 *                                 (stack.h; a real /sbin directory, whatever the host's
 *                                 /usr layout), etc/lvm/lvm.conf, etc/mdadm/mdadm.conf
 *   DST                          with --include SRC:DST (a regular file, its mode kept)
 *   etc/sprout/cmdline.d/05-crypttab.conf, KEYFILE (0600)   host-only with a LUKS root:
 *                                 the rd.luks.* words and key file of the build host's
 *                                 /etc/crypttab entries for it (hostluks.h); --cmdline
 *                                 (10-build.conf) wins over them
 *   etc/sprout/cmdline.d/05-resume.conf   host-only with a resume device: resume=UUID=
 *                                 of its swap (hostresume.h)
 *
 *   etc/sprout/cmdline.d/03-modprobe.conf   MOD.P=V and rd.driver.blacklist= words from
 *                                 the host's modprobe.d for the chosen modules (modprobe.h)
 *   (in front, uncompressed)     kernel/x86/microcode/{AuthenticAMD,GenuineIntel}.bin:
 *                                 the CPU microcode, unless --no-microcode (microcode.h)
 *   (next, uncompressed)         with --module-compress xz: the .ko.xz files and their
 *                                 directories, in an archive of their own (compressing
 *                                 xz data again would only cost the kernel time)
 *
 * Reproducible: entries are sorted by name (parents before children), owned by
 * 0:0, all with the same mtime (SOURCE_DATE_EPOCH, or 0), inode numbers assigned in
 * order by the cpio writer, and the compressors are deterministic: the same inputs
 * give the same bytes. The output is written to OUTPUT.tmpXXXXXX beside it, synced
 * and renamed over OUTPUT; on any failure the temporary file is removed. */
#ifndef SPROUT_BUILD_H
#define SPROUT_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostluks.h"
#include "hostresume.h"
#include "kmodsel.h"
#include "microcode.h"
#include "modcomp.h"
#include "modprobe.h"
#include "stack.h"

#define BUILD_MAX_FILE (1u << 30)     /* largest single file put in an image */
#define BUILD_MAX_CMDLINE 4096        /* longest --cmdline */
#define BUILD_TOOL_PATH "/usr/sbin:/sbin:/usr/bin:/bin"

struct build_opts {
	const char *kver;
	const char *moddir;
	const char *output;
	bool host_only;
	const char *sysfs, *mounts, *firmware_dir;  /* NULL: /sys, /proc/self/mounts, /lib/firmware */
	int compress;                               /* enum compress_kind */
	const char *const *add_modules;
	size_t n_add_modules;
	const char *const *add_binary;
	size_t n_add_binary;
	const char *shell;     /* busybox to install as /bin/busybox, or NULL */
	const char *cmdline;   /* default boot arguments, or NULL */
	const char *init;      /* the sprout-init binary */
	unsigned with;         /* STACK_* parts asked for; host-only adds the root's own */
	const char *tool_path; /* ':' list where the parts' tools are looked for; NULL:
				* BUILD_TOOL_PATH */
	const char *mdadm_conf;   /* the host's, copied into host-only images; NULL:
				   * /etc/mdadm/mdadm.conf */
	const char *crypttab;  /* host-only: the host's crypttab; NULL: /etc/crypttab */
	const char *proc;      /* host-only: where cmdline and swaps are read for the resume
				* device; NULL: /proc with the running system's sysfs, and no
				* resume detection with another --sysfs (a test's) */
	const char *devices_conf; /* device rules copied to etc/sprout/devices.conf (must
				   * exist); NULL: the host's /etc/sprout/devices.conf if any */
	const char *const *include;   /* SRC[:DST] */
	size_t n_include;
	uint32_t mtime;        /* of every entry; also build_time in etc/sprout/image */
	bool no_microcode;     /* no early microcode archive in front (microcode.h) */
	bool no_fsck;          /* no root checker: --with fsck refused, host-only adds none */
	const char *const *modprobe_conf; /* modprobe.d files or directories to carry for
				* the chosen modules (modprobe.h); none given: host-only
				* reads /etc/modprobe.d, generic nothing */
	size_t n_modprobe_conf;
	const char *const *hook; /* PHASE:PROGRAM (hook.h), checked: each at
				* /etc/sprout/hooks/PHASE.d/BASENAME, added as --add-binary */
	size_t n_hook;
	bool list_only;        /* stop after the module selection (report->sel): nothing
				* is written, output may be NULL */
	const char *cpuinfo;   /* host-only: the CPU's description; NULL: /proc/cpuinfo */
	int module_compress;   /* enum modcomp_kind: how the modules are stored (modcomp.h) */
	const char *module_cache; /* xz: the cache of compressed modules; NULL: none */
};

struct build_report {
	struct kmodsel *sel;   /* the module selection (missing firmware, notes) */
	size_t entries;        /* cpio entries written */
	size_t binaries;       /* files and links from --shell / --add-binary */
	size_t cpio_bytes;     /* uncompressed archive */
	size_t image_bytes;    /* the file written */
	unsigned with;         /* the storage parts in the image */
	unsigned detected;     /* those host-only found under the root (and not asked for):
				* its stack, and fsck for an ext2/3/4 root */
	struct stack_found found;   /* host-only: the root and its stack */
	bool mdadm_conf_host;  /* the host's mdadm.conf was copied */
	bool fsck_missing;     /* host-only: the root's filesystem has a checker this host lacks */
	struct hostluks luks;  /* host-only: what crypttab gave the root's LUKS devices */
	struct hostresume resume;  /* host-only: the resume device, its stack and word */
	struct microcode_report microcode;  /* the early archive in front, if any */
	struct modprobe_plan modprobe;      /* the modprobe.d lines carried */
	struct modcomp_stats modcomp;       /* how the modules were stored */
	size_t modules_bytes;  /* xz: the uncompressed archive of .ko.xz files in front */
};

/* Returns 0 or -errno with one line in err naming the input and the problem.
 * Call build_report_free afterwards either way. */
int build_image(const struct build_opts *opts, struct build_report *report, char *err,
		size_t errsz);
void build_report_free(struct build_report *report);

#endif
