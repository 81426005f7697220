/* sprout-init: the /init of a sprout image. The boot is this list of phases; each
 * is timed, and a failing one leads to the rescue shell (leaving it retries the
 * phase) or to a deliberate stop per panic=. rd.break=PHASE stops before PHASE,
 * before its hooks (/etc/sprout/hooks/PHASE.d/, hooks.c) run. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "devd.h"
#include "log.h"
#include "rescue.h"
#include "run.h"

typedef int (*phase_fn)(struct boot *b);

/* The reaper collects orphans whenever they end; say so once per phase, so a program
 * that leaves processes behind is seen in the log. */
static void note_orphans(const char *when, const char *name)
{
	static unsigned seen;
	unsigned n = run_orphans_reaped();

	if (n != seen)
		log_info("reaped %u orphaned process(es) %s the %s phase", n - seen, when, name);
	seen = n;
}

static void run_phase(struct boot *b, enum cmdline_phase id, phase_fn fn)
{
	const char *name = cmdline_phase_name(id);
	char why[160];

	if (b->cfg.rd_break == id) {
		snprintf(why, sizeof(why), "rd.break=%s: stopping before the %s phase", name, name);
		if (rescue_shell(b, why) < 0)
			log_warn("rd.break=%s: no shell to stop in; carrying on", name);
		note_orphans("before", name);
	}
	boot_hooks(b, id); /* once, not again when the phase is retried */
	for (;;) {
		int t = timeline_begin(&b->tl, name);
		int rc = fn(b);

		timeline_end(&b->tl, t);
		note_orphans("during", name);
		if (rc == 0)
			return;
		snprintf(why, sizeof(why), "the %s phase failed (messages above say why)", name);
		if (rescue_shell(b, why) < 0)
			rescue_halt(b);
		note_orphans("after", name);
	}
}

int main(int argc, char **argv)
{
	/* all zero, so in .bss: an initialiser would put its ~160 KB in the file */
	static struct boot b;

	b.uevent_fd = -1;
	if (devd_wanted(argc, argv))
		return devd_main(argc, argv);
	cmdline_init(&b.cfg); /* rd.shell=1 etc. hold even before the cmdline phase */
	timeline_set_active(&b.tl);
	b.argc = argc;
	b.argv = argv;
	if (wrapper_mode_detect())
		wrapper_main(&b); /* /sbin/init of a root: prepares, then execs the real init */
	if (getpid() != 1) {
		fprintf(stderr, "sprout-init: this is the /init of a sprout image and runs as process 1; "
				"use `sprout build` to make an image with it\n");
		return 2;
	}
	run_phase(&b, PHASE_EARLY, phase_early);
	run_phase(&b, PHASE_CMDLINE, phase_cmdline);
	run_phase(&b, PHASE_DEVICES, phase_devices);
	boot_clock_initramfs(); /* after the drivers: the RTC may be one of them */
	run_phase(&b, PHASE_STORAGE, phase_storage);
	run_phase(&b, PHASE_NETWORK, phase_network);
	run_phase(&b, PHASE_ROOT, phase_root);
	run_phase(&b, PHASE_OVERLAY, phase_overlay);
	run_phase(&b, PHASE_HANDOVER, phase_handover);
	rescue_halt(&b); /* handover only returns if it could not start */
}
