/* sprout: the host tool. `sprout build` makes an initramfs image for a kernel;
 * `sprout ls` and `sprout extract` read one back; `sprout pxe` writes a network
 * boot root. The work is in build.c, kmodsel.c, elfdeps.c, settings.c, image.c
 * and pxe.c; this file is the command line.
 * Exit status: 0 done, 1 failed, 2 usage error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "analyze.h"
#include "base/escape.h"
#include "base/writeall.h"
#include "build.h"
#include "buildinfo.h"
#include "compress.h"
#include "modcomp.h"
#include "fileio.h"
#include "hook.h"
#include "image.h"
#include "inspect.h"
#include "listmods.h"
#include "parse.h"
#include "progress.h"
#include "pxe.h"
#include "rank.h"
#include "rootimage_build.h"
#include "settings.h"
#include "wrapper_install.h"
#include "snapshot.h"
#include "update.h"

/* LIBDIR/sprout of the build (the Makefile passes it from PREFIX): the last place
 * sprout-init is looked for. */
#ifndef SPROUT_LIBDIR
#define SPROUT_LIBDIR "/usr/local/lib/sprout"
#endif

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage_main[] =
	"usage: sprout build --kver KVER -o FILE [options]   make an initramfs image\n"
	"       sprout ls [--long] FILE                     list an image's contents\n"
	"       sprout cat FILE PATH                        print one file of an image\n"
	"       sprout info FILE                            what an image holds and how it was built\n"
	"       sprout diff A B                             what changed between two images\n"
	"       sprout extract FILE DIR                     unpack an image into DIR\n"
	"       sprout pxe --image FILE --kernel FILE --out DIR [--cmdline \"ARGS\"]\n"
	"                                                   write a PXE/iPXE boot root\n"
	"       sprout rank SERVERS MAC...                  the NFS server order of each machine\n"
	"       sprout image build DIR -o FILE [--erofs]    a root image for sprout.image=, and FILE.sha256\n"
	"       sprout image publish FILE --as LINK         point a published name at FILE (or back)\n"
	"       sprout wrapper install|uninstall --root DIR sprout-init as DIR's /sbin/init\n"
	"       sprout devices snapshot [--dev DIR] [--rules FILE] [--root DIR]\n"
	"                                                   /dev owners and modes the rules do not give, as rules\n"
	"       sprout update [-k KVER|all]                 rebuild /boot/initrd.img-KVER\n"
	"       sprout analyze [--svg OUT] [--json] [FILE]  where the boot's time went\n"
	"       sprout help [COMMAND]   sprout COMMAND --help   sprout --version\n";

static const char usage_build[] =
	"usage: sprout build --kver KVER -o FILE [options]\n"
	"\n"
	"Makes an initramfs image for kernel KVER: sprout-init as /init, the kernel\n"
	"modules the boot may need with their index files and firmware, and optionally\n"
	"a rescue shell and tools with their libraries.\n"
	"\n"
	"  --kver KVER          kernel release the image is for (as `uname -r` prints;\n"
	"                       default: the running kernel's)\n"
	"  --moddir DIR         its modules (default /lib/modules/KVER)\n"
	"  -o, --output FILE    image to write (replaced atomically); - for standard output\n"
	"  --generic            modules for any machine: storage, RAID/dm, virtio, USB\n"
	"                       keyboards and storage, common NICs, root filesystems, NFS\n"
	"                       (the default)\n"
	"  --host-only          modules for the devices of this machine (its /sys), its\n"
	"                       root filesystem and, for an NFS root, the NFS client\n"
	"  --sysfs DIR          sysfs to read in --host-only mode (default /sys)\n"
	"  --mounts FILE        mount table for the root's type (default /proc/self/mounts)\n"
	"  --crypttab FILE      crypttab giving the root's LUKS devices their names, key\n"
	"                       file and discard in --host-only mode (default /etc/crypttab)\n"
	"  --proc DIR           where --host-only reads cmdline and swaps for the resume\n"
	"                       device (default /proc; none with another --sysfs)\n"
	"  --devices-conf FILE  device rules for the image's /etc/sprout/devices.conf\n"
	"                       (default: the host's /etc/sprout/devices.conf, if any)\n"
	"  --firmware-dir DIR   where module firmware is looked for (default /lib/firmware)\n"
	"  --compress KIND      zstd (default), gzip, xz, lz4 or none\n"
	"  --module-compress xz|none  each module as NAME.ko.xz, in an uncompressed part\n"
	"                       in front (decoded when loaded: the kernel unpacks less at\n"
	"                       boot), or as NAME.ko in the compressed part (default: xz\n"
	"                       with --generic, none with --host-only)\n"
	"  --module-cache DIR|none  where xz-compressed modules are kept between builds\n"
	"                       (default /var/cache/sprout/modules-xz as root, else\n"
	"                       ~/.cache/sprout/modules-xz)\n"
	"  --add-modules A,B    more modules, by name or alias (repeatable)\n"
	"  --add-binary PATH    a program, with its libraries and ELF interpreter\n"
	"                       (repeatable)\n"
	"  --with luks,lvm,md,fsck,resume  storage stacks the root may stand on, and the\n"
	"                       root's checker (repeatable): the host's cryptsetup, lvm,\n"
	"                       mdadm, e2fsck at /sbin/ with their libraries, the modules\n"
	"                       and configuration each needs; resume adds nothing of its\n"
	"                       own (the kernel resumes; the swap's layers are luks,lvm,md);\n"
	"                       --host-only adds the parts of this machine's root and\n"
	"                       resume device by itself (with resume=UUID= of the swap), and\n"
	"                       fails on a root sprout-init cannot boot\n"
	"  --hook PHASE:PROGRAM a program sprout-init runs at the start of PHASE (devices,\n"
	"                       storage, network, root, overlay, handover), put in\n"
	"                       /etc/sprout/hooks/PHASE.d/ with its libraries, and a\n"
	"                       script's interpreter (repeatable; README \"Hooks\")\n"
	"  --include SRC[:DST]  a regular file at DST in the image (default: SRC), its\n"
	"                       mode kept, e.g. a LUKS key file (repeatable)\n"
	"  --shell BUSYBOX      a busybox for the rescue shell: /bin/busybox, /bin/sh\n"
	"  --cmdline \"ARGS\"     default boot arguments (the kernel's command line wins)\n"
	"  --init PATH          the sprout-init to use (default: the first found of\n"
	"                       ../lib/sprout/sprout-init from this program's directory,\n"
	"                       sprout-init beside this program, and\n"
	"                       " SPROUT_LIBDIR "/sprout-init)\n"
	"  --config FILE        read settings from FILE only (default: CONFDIR/sprout.conf\n"
	"                       then CONFDIR/conf.d/[*].conf; CONFDIR is /etc/sprout or\n"
	"                       $SPROUT_CONFDIR)\n"
	"  --no-fsck            no root checker, even where --host-only would add e2fsck for\n"
	"                       an ext2/3/4 root (the real system's fsck checks it instead\n"
	"                       if the root is mounted read-only first)\n"
	"  --no-microcode       no early microcode archive in front of the image (by\n"
	"                       default: FIRMWARE-DIR/intel-ucode and amd-ucode files, all\n"
	"                       of them, or --host-only this CPU's)\n"
	"  --cpuinfo FILE       the CPU description --host-only reads (default\n"
	"                       /proc/cpuinfo)\n"
	"  --modprobe-conf PATH a modprobe.d file or directory whose options, blacklist\n"
	"                       and softdep lines for the image's modules are carried\n"
	"                       (repeatable; --host-only reads /etc/modprobe.d without it)\n"
	"  --list-modules       print each module (and firmware file) the image would\n"
	"                       hold and why, and write nothing (-o not needed)\n"
	"  -v, --verbose        what was chosen and why: each module's reason, the storage\n"
	"                       parts and their tools, microcode; every missing firmware file\n"
	"  -q, --quiet          errors only: no notes, warnings or summary\n"
	"\n"
	"Settings files hold key=value lines: kver moddir mode (generic|host-only)\n"
	"compress module_compress module_cache add_modules (comma list) add_binary\n"
	"(space list) with (comma list) include (space list) shell cmdline init.\n"
	"Flags win over files; lists add up. SOURCE_DATE_EPOCH sets every timestamp:\n"
	"the same inputs give a byte-identical image.\n";

static const char usage_pxe[] =
	"usage: sprout pxe --image FILE --kernel FILE --out DIR [--cmdline \"ARGS\"]\n"
	"\n"
	"Writes what a TFTP or HTTP server needs to network-boot the image, into DIR\n"
	"(made if missing); the names are fixed, whatever the inputs are called:\n"
	"  vmlinuz               a copy of the kernel\n"
	"  initrd.img            a copy of the image\n"
	"  boot.ipxe             iPXE script: kernel, initrd, boot\n"
	"  pxelinux.cfg/default  pxelinux configuration (pxelinux.0 and ldlinux.c32 from\n"
	"                        syslinux go beside it, in DIR)\n"
	"Both pass the command line and BOOTIF=01-<MAC> of the interface the machine\n"
	"booted from, so sprout-init brings that interface up.\n"
	"\n"
	"  --image FILE       the image (made by sprout build; must hold /init)\n"
	"  --kernel FILE      the kernel to boot, e.g. /boot/vmlinuz-KVER\n"
	"  --cmdline \"ARGS\"   kernel command line (default: none, the image's baked-in\n"
	"                     defaults only); printable ASCII, at most 1900 bytes; refused\n"
	"                     with a reason when iPXE or pxelinux would read it otherwise\n"
	"                     than the kernel: \"${\", '#' starting a word, \"||\", \"&&\",\n"
	"                     \";\", an unclosed quote, \"--\", BOOTIF=, initrd=\n"
	"  --out DIR          the boot root directory\n"
	"\n"
	"Files are replaced atomically (a temporary file renamed over the old one), mode\n"
	"0644 (TFTP servers read them as another user); an identical file is left alone.\n"
	"Point DHCP's boot file at boot.ipxe for iPXE clients, or at pxelinux.0.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sprout: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see sprout build --help)\n");
	return EXIT_USAGE;
}

enum {
	OPT_FIRST = 256, /* past every short option's character */
	OPT_KVER = OPT_FIRST, OPT_MODDIR, OPT_GENERIC, OPT_HOST_ONLY, OPT_SYSFS, OPT_MOUNTS,
	OPT_FIRMWARE, OPT_COMPRESS, OPT_ADD_MODULES, OPT_ADD_BINARY, OPT_SHELL, OPT_CMDLINE,
	OPT_INIT, OPT_WITH, OPT_INCLUDE, OPT_CONFIG, OPT_CRYPTTAB, OPT_PROC, OPT_DEVICES_CONF, OPT_HELP,
	OPT_NO_MICROCODE, OPT_NO_FSCK, OPT_CPUINFO, OPT_LIST_MODULES, OPT_MODPROBE_CONF, OPT_HOOK,
	OPT_MODULE_COMPRESS, OPT_MODULE_CACHE,
};

static const struct option build_options[] = {
	{ "kver", required_argument, NULL, OPT_KVER },
	{ "moddir", required_argument, NULL, OPT_MODDIR },
	{ "output", required_argument, NULL, 'o' },
	{ "generic", no_argument, NULL, OPT_GENERIC },
	{ "host-only", no_argument, NULL, OPT_HOST_ONLY },
	{ "sysfs", required_argument, NULL, OPT_SYSFS },
	{ "mounts", required_argument, NULL, OPT_MOUNTS },
	{ "firmware-dir", required_argument, NULL, OPT_FIRMWARE },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "add-modules", required_argument, NULL, OPT_ADD_MODULES },
	{ "add-binary", required_argument, NULL, OPT_ADD_BINARY },
	{ "shell", required_argument, NULL, OPT_SHELL },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "init", required_argument, NULL, OPT_INIT },
	{ "with", required_argument, NULL, OPT_WITH },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "crypttab", required_argument, NULL, OPT_CRYPTTAB },
	{ "proc", required_argument, NULL, OPT_PROC },
	{ "devices-conf", required_argument, NULL, OPT_DEVICES_CONF },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "no-microcode", no_argument, NULL, OPT_NO_MICROCODE },
	{ "no-fsck", no_argument, NULL, OPT_NO_FSCK },
	{ "cpuinfo", required_argument, NULL, OPT_CPUINFO },
	{ "list-modules", no_argument, NULL, OPT_LIST_MODULES },
	{ "modprobe-conf", required_argument, NULL, OPT_MODPROBE_CONF },
	{ "hook", required_argument, NULL, OPT_HOOK },
	{ "module-compress", required_argument, NULL, OPT_MODULE_COMPRESS },
	{ "module-cache", required_argument, NULL, OPT_MODULE_CACHE },
	{ NULL, 0, NULL, 0 },
};

/* What the flags say that settings files do not carry. */
struct cli {
	struct settings set;
	const char *output, *sysfs, *mounts, *firmware_dir, *config, *crypttab, *proc,
		   *devices_conf, *cpuinfo;
	bool verbose, quiet, help, no_microcode, no_fsck, list_modules;
	const char *modprobe_conf[MODPROBE_MAX_FILES];
	size_t n_modprobe_conf;
	const char *hook[HOOK_MAX];     /* PHASE:PROGRAM, checked */
	size_t n_hook;
};

static const char *const setting_key[] = {
	[OPT_KVER - OPT_FIRST] = "kver",
	[OPT_MODDIR - OPT_FIRST] = "moddir",
	[OPT_COMPRESS - OPT_FIRST] = "compress",
	[OPT_ADD_MODULES - OPT_FIRST] = "add_modules",
	[OPT_SHELL - OPT_FIRST] = "shell",
	[OPT_CMDLINE - OPT_FIRST] = "cmdline",
	[OPT_INIT - OPT_FIRST] = "init",
	[OPT_WITH - OPT_FIRST] = "with",
};

static int parse_flag(struct cli *c, int opt, const char *arg)
{
	char msg[256];

	switch (opt) {
	case 'o': c->output = arg; return 0;
	case 'v': c->verbose = true; return 0;
	case 'q': c->quiet = true; return 0;
	case OPT_HELP: c->help = true; return 0;
	case OPT_GENERIC: c->set.mode = SETTINGS_MODE_GENERIC; return 0;
	case OPT_HOST_ONLY: c->set.mode = SETTINGS_MODE_HOST_ONLY; return 0;
	case OPT_SYSFS: c->sysfs = arg; return 0;
	case OPT_MOUNTS: c->mounts = arg; return 0;
	case OPT_FIRMWARE: c->firmware_dir = arg; return 0;
	case OPT_CONFIG: c->config = arg; return 0;
	case OPT_CRYPTTAB: c->crypttab = arg; return 0;
	case OPT_PROC: c->proc = arg; return 0;
	case OPT_DEVICES_CONF: c->devices_conf = arg; return 0;
	case OPT_NO_MICROCODE: c->no_microcode = true; return 0;
	case OPT_NO_FSCK: c->no_fsck = true; return 0;
	case OPT_CPUINFO: c->cpuinfo = arg; return 0;
	case OPT_LIST_MODULES: c->list_modules = true; return 0;
	case OPT_MODPROBE_CONF:
		if (c->n_modprobe_conf == MODPROBE_MAX_FILES)
			return usage_error("--modprobe-conf %s: too many", arg);
		c->modprobe_conf[c->n_modprobe_conf++] = arg;
		return 0;
	case OPT_HOOK: {
		enum cmdline_phase ph;
		const char *prog;

		if (hook_spec_parse(arg, &ph, &prog, msg, sizeof(msg)) < 0)
			return usage_error("%s", msg);
		if (c->n_hook == HOOK_MAX)
			return usage_error("--hook %s: too many hooks", arg);
		c->hook[c->n_hook++] = arg;
		return 0;
	}
	case OPT_ADD_BINARY:
		/* one path per flag: a path may hold spaces, unlike the file's list */
		if (settings_add_binary(&c->set, arg) < 0)
			return usage_error("--add-binary %s: too many binaries", arg);
		return 0;
	case OPT_INCLUDE:
		if (settings_add_include(&c->set, arg) < 0)
			return usage_error("--include %s: too many files", arg);
		return 0;
	case OPT_MODULE_COMPRESS:
	case OPT_MODULE_CACHE:
		if (!*arg)
			return usage_error("--%s needs a value", opt == OPT_MODULE_CACHE ?
					   "module-cache" : "module-compress");
		if (settings_set(&c->set, opt == OPT_MODULE_CACHE ? "module_cache" :
				 "module_compress", arg, msg, sizeof(msg)) < 0)
			return usage_error("--%s", msg[0] ? msg : "out of memory");
		return 0;
	default:
		break;
	}
	if (opt < OPT_KVER || opt > OPT_WITH || !setting_key[opt - OPT_FIRST])
		return EXIT_USAGE;
	if (settings_set(&c->set, setting_key[opt - OPT_FIRST], arg, msg, sizeof(msg)) < 0)
		return usage_error("--%s", msg[0] ? msg : "out of memory");
	return 0;
}

static int parse_build_args(int argc, char **argv, struct cli *c)
{
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:vq", build_options, NULL)) != -1) {
		if (opt == '?')
			return usage_error("build: unknown option %s", argv[optind - 1]);
		if (opt == ':')
			return usage_error("build: %s needs a value", argv[optind - 1]);
		r = parse_flag(c, opt, optarg);
		if (r)
			return r;
	}
	if (optind < argc)
		return usage_error("build: unexpected argument \"%s\"", argv[optind]);
	return 0;
}

/* The sprout-init to use without --init, the first found of: PREFIX/lib/sprout beside an
 * installed PREFIX/bin/sprout (found from /proc/self/exe, so an installed tree works
 * wherever it is moved or unpacked), sprout-init beside sprout (a build tree), and the
 * directory built in. NULL, after a message naming every place tried, when none is. */
static char *default_init(void)
{
	char exe[PATH_MAX], tried[3][PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t k = 0;

	if (n > 0) {
		char *slash, *up;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0'; /* exe is now sprout's directory */
			up = strrchr(exe, '/');
			if (up)
				snprintf(tried[k++], sizeof(tried[0]), "%.*s/lib/sprout/sprout-init",
					 (int)(up - exe), exe);
			snprintf(tried[k++], sizeof(tried[0]), "%s/sprout-init", exe);
		}
	}
	snprintf(tried[k++], sizeof(tried[0]), "%s", SPROUT_LIBDIR "/sprout-init");
	for (size_t i = 0; i < k; i++)
		if (access(tried[i], X_OK) == 0)
			return strdup(tried[i]);
	fprintf(stderr, "sprout: no sprout-init found; tried");
	for (size_t i = 0; i < k; i++)
		fprintf(stderr, "%s %s", i ? "," : "", tried[i]);
	fprintf(stderr, " (install sprout with `make install`, or give --init PATH)\n");
	return NULL;
}

static int load_settings(const struct cli *c, struct settings *set)
{
	const char *confdir = getenv("SPROUT_CONFDIR");
	char err[512];
	int r;

	settings_init(set);
	if (c->config)
		r = settings_load_file(set, c->config, false, err, sizeof(err));
	else
		r = settings_load_dir(set, confdir && *confdir ? confdir : "/etc/sprout", err,
				      sizeof(err));
	if (r < 0) {
		fprintf(stderr, "sprout: %s\n", err);
		return EXIT_FAIL;
	}
	if (settings_merge(set, &c->set) < 0) {
		fprintf(stderr, "sprout: out of memory\n");
		return EXIT_FAIL;
	}
	return 0;
}

/* Fills the defaults that depend on other settings. */
static int complete(struct settings *set)
{
	char path[PATH_MAX];

	if (!set->kver) {
		struct utsname un;

		if (uname(&un) < 0 || !(set->kver = strdup(un.release)))
			return usage_error("build: %s (or kver= in sprout.conf)", "--kver KVER is required");
	}
	if (!set->moddir) {
		if (snprintf(path, sizeof(path), "/lib/modules/%s", set->kver) >= (int)sizeof(path))
			return usage_error("--kver %s: too long", set->kver);
		set->moddir = strdup(path);
	}
	if (!set->init)
		set->init = default_init();
	if (set->compress < 0)
		set->compress = COMPRESS_ZSTD;
	if (set->module_compress < 0)
		set->module_compress = set->mode == SETTINGS_MODE_HOST_ONLY ? MODCOMP_NONE
									    : MODCOMP_XZ;
	if (!set->moddir || !set->init)
		return EXIT_FAIL;
	snprintf(path, sizeof(path), "%s/modules.dep", set->moddir);
	if (access(path, R_OK) < 0) {
		fprintf(stderr, "sprout: --moddir %s: no modules.dep there (is KVER %s right? "
			"is it the kernel's module directory?)\n", set->moddir, set->kver);
		return EXIT_FAIL;
	}
	return 0;
}

static int source_date_epoch(uint32_t *out)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	unsigned t;

	*out = 0;
	if (!v || !*v)
		return 0;
	if (parse_uint(v, UINT32_MAX, &t) < 0) {
		fprintf(stderr, "sprout: SOURCE_DATE_EPOCH=%s: expected seconds since 1970 "
			"(0 to 4294967295)\n", v);
		return EXIT_FAIL;
	}
	*out = t;
	return 0;
}

/* Where the parts' tools are looked for: PATH, then the sbin directories (a user's
 * PATH often lacks them). NULL when that does not fit: BUILD_TOOL_PATH then. */
static char *tool_path(void)
{
	const char *env = getenv("PATH");
	char *p = NULL;

	if (asprintf(&p, "%s%s%s", env && *env ? env : "", env && *env ? ":" : "",
		     BUILD_TOOL_PATH) < 0)
		return NULL;
	return p;
}

/* "note: ...\n" lines, each as "sprout: note: ...". */
static void print_notes(const char *notes)
{
	for (const char *p = notes; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "sprout: %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void report_stack(const struct build_report *rep, bool host_only)
{
	char parts[32], dev[ESCAPE_SIZE(96)], type[ESCAPE_SIZE(32)];

	if (host_only && (rep->found.chain[0] || rep->detected)) {
		stack_with_string(rep->detected, parts, sizeof(parts));
		fprintf(stderr, "sprout: host-only: the root %s (%s)%s%s%s%s\n",
			escape_str(rep->found.root_dev, dev, sizeof(dev)),
			escape_str(rep->found.root_type, type, sizeof(type)),
			rep->found.chain[0] ? " stands on " : "", rep->found.chain,
			rep->detected ? "; adding --with " : "", parts);
	}
	if (host_only && rep->fsck_missing)
		fprintf(stderr, "sprout: note: host-only: the root's %s is not checked before it is "
			"mounted: no e2fsck on this host (install the package e2fsprogs)\n",
			escape_str(rep->found.root_type, type, sizeof(type)));
	if (host_only && rep->found.unresolved)
		fprintf(stderr, "sprout: note: host-only: the root's device %s is not in the "
			"sysfs read; no storage stack under it was looked for\n",
			escape_str(rep->found.root_dev, dev, sizeof(dev)));
	print_notes(rep->luks.notes);
	if (rep->luks.words[0]) {
		char words[ESCAPE_SIZE(HOSTLUKS_WORDS)];

		fprintf(stderr, "sprout: host-only: from crypttab, the image's boot arguments: %s\n",
			escape_str(rep->luks.words, words, sizeof(words)));
	}
	print_notes(rep->resume.notes);
	if (host_only && rep->resume.word[0]) {
		char word[ESCAPE_SIZE(320)], chain[ESCAPE_SIZE(128)];

		escape_str(rep->resume.dev, chain, sizeof(chain));
		fprintf(stderr, "sprout: host-only: the resume device /dev/%s (%s) stands on %s; "
			"the image's boot arguments: %s\n", chain, rep->resume.source,
			rep->resume.found.chain[0] ? rep->resume.found.chain : "a plain disk",
			escape_str(rep->resume.word, word, sizeof(word)));
	}
	if (rep->mdadm_conf_host)
		fprintf(stderr, "sprout: note: the host's mdadm.conf is in the image: its ARRAY "
			"lines decide which arrays sprout-init assembles\n");
}

static void report_warnings(const struct kmodsel *sel, const char *fwdir, bool verbose)
{
	for (size_t i = 0; i < sel->n_notes; i++)
		fprintf(stderr, "sprout: note: --add-modules %s\n", sel->notes[i]);
	if (!sel->n_missing)
		return;
	if (verbose) {
		for (size_t i = 0; i < sel->n_missing; i++)
			fprintf(stderr, "sprout: warning: firmware %s (for %s) is not in %s\n",
				sel->missing[i].firmware, sel->missing[i].module, fwdir);
		return;
	}
	fprintf(stderr, "sprout: warning: %zu firmware file(s) that chosen modules declare are "
		"not in %s (first: %s for %s); those devices may not work without them "
		"(-v lists all)\n", sel->n_missing, fwdir, sel->missing[0].firmware,
		sel->missing[0].module);
}

static void report_microcode(const struct microcode_report *m, bool off, FILE *out)
{
	if (m->bytes)
		fprintf(out, "sprout: early microcode in front: %s, %zu file(s), %zu bytes "
		       "(uncompressed)\n", m->vendors, m->files, m->bytes);
	else if (m->note[0])
		fprintf(stderr, "sprout: note: %s\n", m->note);
	else if (!off)
		fprintf(stderr, "sprout: note: no early microcode (no intel-ucode or amd-ucode "
			"files found; Debian: intel-microcode, amd64-microcode)\n");
}

static void report_modprobe(const struct modprobe_plan *p)
{
	for (const char *s = p->notes; *s;) {
		size_t n = strcspn(s, "\n");

		fprintf(stderr, "sprout: note: %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
	if (p->options || p->blacklist || p->softdep)
		fprintf(stderr, "sprout: modprobe.d: %zu options, %zu blacklist, %zu softdep "
			"line(s) carried for the image's modules\n", p->options, p->blacklist,
			p->softdep);
}

/* The module cache: module_cache= / --module-cache, else the default for this user;
 * NULL for none. Said when it is set and has no effect. */
static const char *module_cache(const struct settings *set, bool quiet, char *path, size_t n)
{
	const char *dir = set->module_cache, *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");

	if (dir && strcmp(dir, "none") != 0 && set->module_compress != MODCOMP_XZ) {
		if (!quiet)
			fprintf(stderr, "sprout: note: module cache %s ignored: modules are stored "
				"uncompressed (--module-compress none)\n", dir);
		return NULL;
	}
	if (set->module_compress != MODCOMP_XZ || (dir && !strcmp(dir, "none")))
		return NULL;
	if (dir)
		return dir;
	if (geteuid() == 0)
		return "/var/cache/sprout/modules-xz";
	if (xdg && *xdg == '/')
		snprintf(path, n, "%s/sprout/modules-xz", xdg);
	else if (home && *home == '/')
		snprintf(path, n, "%s/.cache/sprout/modules-xz", home);
	else
		return NULL;
	return path;
}

static void report_modcomp(const struct build_report *rep, const struct build_opts *o,
			   bool verbose)
{
	const struct modcomp_stats *st = &rep->modcomp;

	if (st->cache_err)
		fprintf(stderr, "sprout: warning: %s\n", st->cache_msg);
	if (!verbose)
		return;
	if (o->module_compress == MODCOMP_XZ)
		fprintf(stderr, "sprout: modules as .ko.xz (%zu bytes, uncompressed part in front): "
			"%zu from the cache %s, %zu compressed now (%zu cache entries were corrupt "
			"and made again), %zu kept as they came\n", rep->modules_bytes, st->cached,
			o->module_cache ? o->module_cache : "(none)", st->encoded, st->remade,
			st->kept);
	else
		fprintf(stderr, "sprout: modules as .ko: %zu as they are, %zu decoded from "
			".ko.xz/.ko.zst/.ko.gz\n", st->as_is, st->decoded);
}

static int run_build(const struct cli *c, struct settings *set)
{
	struct build_report rep;
	struct build_opts o = {
		.kver = set->kver,
		.moddir = set->moddir,
		.output = c->output,
		.host_only = set->mode == SETTINGS_MODE_HOST_ONLY,
		.sysfs = c->sysfs,
		.mounts = c->mounts,
		.firmware_dir = c->firmware_dir,
		.crypttab = c->crypttab,
		.proc = c->proc,
		.devices_conf = c->devices_conf,
		.compress = set->compress,
		.add_modules = (const char *const *)set->add_modules,
		.n_add_modules = set->n_add_modules,
		.add_binary = (const char *const *)set->add_binary,
		.n_add_binary = set->n_add_binary,
		.shell = set->shell,
		.cmdline = set->cmdline,
		.init = set->init,
		.with = set->with,
		.include = (const char *const *)set->include,
		.n_include = set->n_include,
		.no_microcode = c->no_microcode,
		.no_fsck = c->no_fsck,
		.cpuinfo = c->cpuinfo,
		.list_only = c->list_modules,
		.modprobe_conf = c->modprobe_conf,
		.n_modprobe_conf = c->n_modprobe_conf,
		.hook = c->hook,
		.n_hook = c->n_hook,
		.module_compress = set->module_compress,
	};
	char cache_buf[PATH_MAX];
	const char *cache = module_cache(set, c->quiet, cache_buf, sizeof(cache_buf));
	char err[1024], *path = tool_path();
	int r = source_date_epoch(&o.mtime);
	/* -o -: built into a private temporary file, then copied to standard output */
	bool to_stdout = c->output && !strcmp(c->output, "-");
	char tmp[PATH_MAX];

	if (r) {
		free(path);
		return r;
	}
	if (to_stdout) {
		const char *dir = getenv("TMPDIR");
		int fd;

		if (isatty(STDOUT_FILENO)) {
			free(path);
			return usage_error("build: %s", "-o - writes the image to standard output, which is a terminal");
		}
		snprintf(tmp, sizeof(tmp), "%s/sprout-build-XXXXXX", dir && *dir ? dir : "/tmp");
		fd = mkstemp(tmp);
		if (fd < 0) {
			fprintf(stderr, "sprout: build: cannot make a temporary file in %s: %m\n",
				dir && *dir ? dir : "/tmp");
			free(path);
			return EXIT_FAIL;
		}
		close(fd);
		o.output = tmp;
	}
	o.tool_path = path;
	o.module_cache = cache;
	progress_enable(!c->quiet && !o.list_only && isatty(STDERR_FILENO));
	r = build_image(&o, &rep, err, sizeof(err));
	free(path);
	if (r == 0 && to_stdout) {
		uint8_t *img;
		size_t len;

		r = image_read(tmp, &img, &len, err, sizeof(err));
		if (r == 0) {
			r = write_all(STDOUT_FILENO, img, len);
			if (r < 0)
				snprintf(err, sizeof(err), "writing the image to standard output: %s", strerror(-r));
			free(img);
		}
	}
	if (to_stdout)
		unlink(tmp);
	progress_clear();
	if (r < 0) {
		fprintf(stderr, "sprout: %s\n", err);
		build_report_free(&rep);
		return EXIT_FAIL;
	}
	if (o.list_only) {
		r = listmods_print(rep.sel, stdout);
		fprintf(stderr, "sprout: --list-modules: %zu modules, %zu firmware files (%zu "
			"missing); no image written\n", rep.sel->n_mods, rep.sel->n_fw,
			rep.sel->n_missing);
		build_report_free(&rep);
		return r < 0 ? EXIT_FAIL : EXIT_OK;
	}
	if (c->quiet) {
		build_report_free(&rep);
		return EXIT_OK;
	}
	if (c->verbose)
		progress_explain(&rep, &o, stderr);
	report_stack(&rep, o.host_only);
	report_warnings(rep.sel, c->firmware_dir ? c->firmware_dir : "/lib/firmware", c->verbose);
	report_microcode(&rep.microcode, o.no_microcode, to_stdout ? stderr : stdout);
	report_modprobe(&rep.modprobe);
	report_modcomp(&rep, &o, c->verbose);
	/* On a terminal the summary; the one line scripts parse unless it would go to the
	 * terminal too */
	if (progress_enabled()) {
		char sum[PATH_MAX + 256];
		struct progress_summary ps = {
			to_stdout ? "standard output" : c->output, rep.entries, rep.sel->n_mods,
			rep.cpio_bytes, rep.image_bytes,
			compress_name((enum compress_kind)set->compress), progress_elapsed_ms(),
		};

		progress_summary_format(sum, sizeof(sum), &ps);
		fprintf(stderr, "%s\n", sum);
	}
	if (!progress_enabled() || (!to_stdout && !isatty(STDOUT_FILENO)))
		fprintf(to_stdout ? stderr : stdout, "sprout: wrote %s: %zu modules, %zu firmware files, %zu binary files; "
		       "%zu entries, %zu bytes (%s of %zu)\n", to_stdout ? "standard output" : c->output, rep.sel->n_mods, rep.sel->n_fw,
		       rep.binaries, rep.entries, rep.image_bytes,
		       compress_name((enum compress_kind)set->compress), rep.cpio_bytes);
	build_report_free(&rep);
	return EXIT_OK;
}

static int cmd_build(int argc, char **argv)
{
	struct cli c = { 0 };
	struct settings set;
	int r;

	settings_init(&c.set);
	settings_init(&set);
	r = parse_build_args(argc, argv, &c);
	if (r == 0 && c.help) {
		fputs(usage_build, stdout);
		goto out;
	}
	if (r == 0 && !c.output && !c.list_modules)
		r = usage_error("build: %s", "-o FILE is required");
	if (r == 0)
		r = load_settings(&c, &set);
	if (r == 0)
		r = complete(&set);
	if (r == 0)
		r = run_build(&c, &set);
out:
	settings_free(&c.set);
	settings_free(&set);
	return r;
}

/* A command that takes no option but --help: 0 to go on (optind past the options), else
 * the exit status. Usage errors name the command's own help. */
static int plain_command(int argc, char **argv, const char *usage)
{
	static const struct option help_only[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", help_only, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
		}
		fprintf(stderr, "sprout: %s: unknown option %s\n(see sprout %s --help)\n", argv[0],
			argv[optind - 1], argv[0]);
		return EXIT_USAGE;
	}
	return -1;
}

static int command_usage(const char *cmd, const char *what)
{
	fprintf(stderr, "sprout: %s: %s\n(see sprout %s --help)\n", cmd, what, cmd);
	return EXIT_USAGE;
}

static const char usage_extract[] =
	"usage: sprout extract FILE DIR\n"
	"\n"
	"Unpacks the image FILE into DIR (made if missing), as the kernel would. Names that\n"
	"are absolute, climb out with .. or pass through a symlink are refused before\n"
	"anything is written; device nodes are skipped; set-id bits are dropped.\n";

static const char usage_rank[] =
	"usage: sprout rank SERVERS MAC [MAC...]\n"
	"\n"
	"Prints, for each MAC address, the order in which sprout-init on that machine tries\n"
	"the NFS servers of root=nfs:SERVERS:/path (rendezvous hashing with the MAC, as\n"
	"sprout.nfs.select=hash, the default, does). SERVERS: a comma list of IPv4\n"
	"addresses, each with an optional *WEIGHT, e.g. 10.0.0.1*2,10.0.0.2: a server of\n"
	"weight 2 is first for twice the share of machines. With several MACs, a summary\n"
	"follows: how many of them take each server first, against its weight share.\n";

/* Device nodes are skipped, not refused: every image has dev/console, and an
 * unprivileged extract could not make it anyway. */
static int cmd_extract(int argc, char **argv)
{
	char err[1024];
	size_t skipped = 0;
	int r = plain_command(argc, argv, usage_extract);

	if (r >= 0)
		return r;
	if (argc - optind != 2)
		return command_usage("extract", "wants an image FILE and a directory DIR");
	argv += optind - 1;
	if (image_extract_flags(argv[1], argv[2], IMAGE_EXTRACT_SKIP_SPECIAL, &skipped, err,
				sizeof(err)) < 0) {
		fprintf(stderr, "sprout: %s\n", err);
		return EXIT_FAIL;
	}
	if (skipped)
		fprintf(stderr, "sprout: note: %zu device node(s) not extracted\n", skipped);
	return EXIT_OK;
}

/* The order sprout-init tries a farm's NFS servers in, per machine (rendezvous
 * hashing, sprout.nfs.select=hash): where each machine will land. */
static int cmd_rank(int argc, char **argv)
{
	char err[256];
	int r = plain_command(argc, argv, usage_rank);

	if (r >= 0)
		return r;
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 3)
		return command_usage("rank", "wants SERVERS (e.g. 10.0.0.1,10.0.0.2) and at least one MAC");
	if (rank_print(argv[1], argv + 2, argc - 2, stdout, err, sizeof(err)) < 0) {
		fprintf(stderr, "sprout: rank: %s\n(see sprout rank --help)\n", err);
		return EXIT_USAGE;
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

enum { OPT_PXE_IMAGE = 256, OPT_PXE_KERNEL, OPT_PXE_CMDLINE, OPT_PXE_OUT, OPT_PXE_HELP };

static const struct option pxe_options[] = {
	{ "image", required_argument, NULL, OPT_PXE_IMAGE },
	{ "kernel", required_argument, NULL, OPT_PXE_KERNEL },
	{ "cmdline", required_argument, NULL, OPT_PXE_CMDLINE },
	{ "out", required_argument, NULL, OPT_PXE_OUT },
	{ "help", no_argument, NULL, OPT_PXE_HELP },
	{ NULL, 0, NULL, 0 },
};

static int pxe_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sprout: pxe: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see sprout pxe --help)\n");
	return EXIT_USAGE;
}

static int cmd_pxe(int argc, char **argv)
{
	struct pxe_opts o = { 0 };
	struct pxe_report rep;
	char err[1024];
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", pxe_options, NULL)) != -1) {
		switch (opt) {
		case OPT_PXE_IMAGE: o.image = optarg; break;
		case OPT_PXE_KERNEL: o.kernel = optarg; break;
		case OPT_PXE_CMDLINE: o.cmdline = optarg; break;
		case OPT_PXE_OUT: o.out_dir = optarg; break;
		case OPT_PXE_HELP: fputs(usage_pxe, stdout); return EXIT_OK;
		case ':': return pxe_usage_error("%s needs a value", argv[optind - 1]);
		default: return pxe_usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pxe_usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!o.image || !o.kernel || !o.out_dir)
		return pxe_usage_error("%s are required", "--image FILE, --kernel FILE and --out DIR");
	if (pxe_write(&o, &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "sprout: pxe: %s\n", err);
		return EXIT_FAIL;
	}
	for (int f = 0; f < PXE_NFILES; f++)
		printf("sprout: %s %s/%s\n", rep.written[f] ? "wrote" : "unchanged", o.out_dir,
		       pxe_file_name((enum pxe_file)f));
	if (rep.dir_private)
		fprintf(stderr, "sprout: warning: %s (or its pxelinux.cfg) is not readable by "
			"everyone; a TFTP server running as another user cannot serve it\n",
			o.out_dir);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char usage_devices[] =
	"usage: sprout devices snapshot [--dev DIR] [--rules FILE] [--root DIR] [--sysfs DIR]\n"
	"\n"
	"Prints, as devices.conf(5) rules, the owner and mode of every device node under DIR\n"
	"(default /dev) that differs from what the rules in FILE (default\n"
	"/etc/sprout/devices.conf) give it; appended to that file, they keep a permission\n"
	"changed by hand across reboots. Owners are named from DIR/etc/passwd and group of\n"
	"--root (default /); node subsystems come from --sysfs (default /sys).\n";

static int cmd_devices(int argc, char **argv)
{
	struct snapshot_opts o = { 0 };

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_devices, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "snapshot") != 0) {
		fprintf(stderr, "sprout: devices: %s\n(see sprout devices --help)\n",
			argc < 2 ? "snapshot is the one subcommand" : "unknown subcommand (snapshot is the one)");
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char **dst = !strcmp(argv[i], "--dev") ? &o.dev : !strcmp(argv[i], "--rules") ? &o.rules :
				   !strcmp(argv[i], "--root") ? &o.root : !strcmp(argv[i], "--sysfs") ? &o.sysfs : NULL;
		if (!strcmp(argv[i], "--help")) {
			fputs(usage_devices, stdout);
			return EXIT_OK;
		}
		if (!dst || i + 1 >= argc) {
			fprintf(stderr, "sprout: devices snapshot: %s %s\n", argv[i],
				dst ? "needs a value" : "is not an option");
			fputs("(see sprout devices --help)\n", stderr);
			return EXIT_USAGE;
		}
		*dst = argv[++i];
	}
	return snapshot_run(&o, stdout, stderr) < 0 ? EXIT_FAIL : EXIT_OK;
}

/* : its own --help and usage (wrapper_install.c) */
static int cmd_wrapper(int argc, char **argv)
{
	return wrapper_cli(argc, argv, default_init);
}

typedef int (*command_fn)(int argc, char **argv);

/* Every command: its name and its function, which prints its own help for --help. */
static const struct command {
	const char *name;
	command_fn fn;
} commands[] = {
	{ "build", cmd_build },       { "ls", inspect_ls },       { "cat", inspect_cat },
	{ "info", inspect_info },     { "diff", inspect_diff },   { "extract", cmd_extract },
	{ "pxe", cmd_pxe },           { "rank", cmd_rank },       { "analyze", analyze_cmd },
	{ "wrapper", cmd_wrapper },   { "devices", cmd_devices },
	{ "update", cmd_update },     { "image", rootimage_cmd },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* `sprout help COMMAND` is `sprout COMMAND --help`. */
static int cmd_help(int argc, char **argv)
{
	if (argc >= 2) {
		const struct command *c = find_command(argv[1]);
		char help[] = "--help", *hargv[] = { argv[1], help, NULL };

		if (!c) {
			fprintf(stderr, "sprout: help: no command \"%s\"\n", argv[1]);
			fputs(usage_main, stderr);
			return EXIT_USAGE;
		}
		return c->fn(2, hargv);
	}
	fputs(usage_main, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return cmd_help(1, argv);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("sprout %s (build time %lld)\n", SPROUT_VERSION, (long long)buildinfo_epoch());
		return EXIT_OK;
	}
	if (!strcmp(cmd, "help"))
		return cmd_help(argc - 1, argv + 1);
	const struct command *c = find_command(cmd);

	if (c)
		return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "sprout: unknown command \"%s\"\n", cmd);
	fputs(usage_main, stderr);
	return EXIT_USAGE;
}
