/* hooks: the programs of /etc/sprout/hooks/PHASE.d/ at the start of a phase (hook.h,
 * README "Hooks"). Each executable regular file, in name order, through run_argv:
 * argv { PATH, PHASE }, a fixed environment, its output to the log, a timeout. A hook
 * that fails, times out or cannot be run is logged and the boot goes on. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "boot.h"
#include "hook.h"
#include "log.h"
#include "mountpoint.h"
#include "run.h"

static int hook_timeout_ms(const struct config *cfg)
{
	unsigned s = cfg->hook_timeout_set ? cfg->hook_timeout : HOOK_TIMEOUT_DEFAULT;
	int ms = 0;

	return ms_from_seconds(s, &ms) == 0 ? ms : 0; /* 0: no limit */
}

static void run_hook(struct boot *b, const char *phase, const char *dir, const char *name)
{
	char path[PATH_MAX], out[4096], how[96], esc[ESCAPE_SIZE(64)], what[sizeof(esc) + 32];
	char e_phase[32], e_root[sizeof(SYSROOT) + 16], e_kver[sizeof(b->kver) + 16];
	const char *envp[6] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", e_phase, e_kver };
	size_t ne = 3;
	struct run_result r;
	struct stat st;
	int rc;

	escape_str(name, esc, sizeof(esc));
	snprintf(what, sizeof(what), "hook %s/%s", phase, esc);
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_warn("%s: not a regular file; skipped", what);
		return;
	}
	if (access(path, X_OK) < 0) {
		log_warn("%s: not executable; skipped (chmod +x to run it)", what);
		return;
	}
	snprintf(e_phase, sizeof(e_phase), "SPROUT_PHASE=%s", phase);
	snprintf(e_kver, sizeof(e_kver), "SPROUT_KVER=%s", b->kver);
	if (mountpoint_is(SYSROOT)) {
		snprintf(e_root, sizeof(e_root), "SPROUT_ROOT=%s", SYSROOT);
		envp[ne++] = e_root;
	}
	envp[ne] = NULL;

	const char *argv[] = { path, phase, NULL };
	struct run_opts o = { .envp = envp, .timeout_ms = hook_timeout_ms(&b->cfg),
			      .out = out, .out_size = sizeof(out) };

	log_info("%s: running", what);
	rc = run_argv(argv, &o, &r);
	run_log_output(run_succeeded(&r) ? LOG_INFO : LOG_WARN, what, &o, &r);
	if (rc < 0)
		log_warn("%s: cannot run it: %s; the boot goes on", what, strerror(-rc));
	else if (r.timed_out)
		log_warn("%s: ran past sprout.hook.timeout=%u s (%s); the boot goes on", what,
			 b->cfg.hook_timeout_set ? b->cfg.hook_timeout : HOOK_TIMEOUT_DEFAULT,
			 run_describe(&r, how, sizeof(how)));
	else if (!run_succeeded(&r))
		log_warn("%s: failed (%s); the boot goes on", what, run_describe(&r, how, sizeof(how)));
	else
		log_info("%s: done", what);
}

void boot_hooks(struct boot *b, enum cmdline_phase id)
{
	const char *phase = cmdline_phase_name(id);
	char dir[sizeof(HOOK_DIR) + 32];
	const char *names[HOOK_MAX];
	char *own[HOOK_MAX];
	size_t got = 0, n, more = 0;
	struct dirent *de;
	DIR *d;

	if (hook_phase(phase) != id)
		return;
	snprintf(dir, sizeof(dir), "%s/%s.d", HOOK_DIR, phase);
	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			log_warn("hooks of the %s phase: %s: %s", phase, dir, strerror(errno));
		return; /* no directory: nothing to do */
	}
	while ((de = readdir(d))) {
		char *name;

		if (!hook_name_wanted(de->d_name))
			continue;
		name = got < HOOK_MAX ? strdup(de->d_name) : NULL;
		if (!name) {
			more++;
			continue;
		}
		own[got] = name;
		names[got] = name;
		got++;
	}
	closedir(d);
	if (more)
		log_warn("hooks of the %s phase: more than %d in %s (or no memory); %zu skipped",
			 phase, HOOK_MAX, dir, more);
	n = hook_filter_sort(names, got); /* names point into own[] */
	for (size_t i = 0; i < n; i++)
		run_hook(b, phase, dir, names[i]);
	for (size_t i = 0; i < got; i++)
		free(own[i]);
}
