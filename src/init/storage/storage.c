/* storage: the step over the block devices, and what the layers share. */
#include "storage.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "blkdev.h"
#include "boot.h"
#include "log.h"
#include "run.h"

/* Without udev: libdevmapper makes the /dev/mapper nodes itself, mdadm its /dev/md
 * names, and neither waits for udev or asks systemd for anything. */
static const char *const tool_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"DM_DISABLE_UDEV=1",
	"MDADM_NO_UDEV=1",
	"MDADM_NO_SYSTEMCTL=1",
	"LVM_SUPPRESS_FD_WARNINGS=1",
	"LC_ALL=C",
	NULL,
};

void storage_init(struct storage *st, int root_wait_ms)
{
	memset(st, 0, sizeof(*st));
	st->md_wait_ms = STORAGE_MD_WAIT_MS;
	/* a short root wait must leave the degraded array time to come up within it */
	if (root_wait_ms > 0 && root_wait_ms / 2 < st->md_wait_ms)
		st->md_wait_ms = root_wait_ms / 2;
	/* lock and map files of the tools */
	mkdir("/run/cryptsetup", 0700);
	mkdir("/run/lvm", 0700);
	mkdir("/run/lock", 0755);
	mkdir("/run/lock/lvm", 0700);
	mkdir("/run/mdadm", 0700);
}

int storage_run(const char *what, const char *const argv[], const void *in, size_t in_len,
		int timeout_ms)
{
	static char out[STORAGE_OUT];
	struct run_opts o = { .envp = tool_env, .timeout_ms = timeout_ms, .in = in,
			      .in_len = in_len, .out = out, .out_size = sizeof(out) };
	struct run_result r;
	char how[128];
	int rc = run_argv(argv, &o, &r);

	if (rc < 0) {
		log_err("storage: cannot run %s: %s", argv[0], strerror(-rc));
		return rc;
	}
	run_log_output(run_succeeded(&r) ? LOG_INFO : LOG_WARN, what, &o, &r);
	if (r.timed_out || r.stuck || r.exit_code < 0) {
		log_err("storage: %s %s", argv[0], run_describe(&r, how, sizeof(how)));
		return -ETIMEDOUT;
	}
	return r.exit_code;
}

bool storage_tool(struct storage *st, const char *dev, unsigned bit, const char *path,
		  const char *with, const char *what)
{
	if (access(path, X_OK) == 0)
		return true;
	if (!(st->tools_missing & bit))
		log_err("storage: %s %s, but the image has no %s to bring it up; rebuild the image "
			"with `sprout build --with %s`", dev, what, path, with);
	st->tools_missing |= bit;
	return false;
}

void storage_modules(struct boot *b, bool *done, const char *const names[], const char *why)
{
	if (*done)
		return;
	*done = true;
	for (int i = 0; names[i]; i++) {
		int r = modload_module_for(&b->ml, names[i], why);

		if (r == -ENOENT)
			log_debug("storage: module %s is neither in the image nor built in", names[i]);
	}
}

/* Was this device (with this type) handled before? Remembers it when not. */
static bool seen_before(struct storage *st, const struct blkdev *d)
{
	for (int i = 0; i < st->nseen; i++) {
		const struct storage_seen *s = &st->seen[i];

		if (s->major == d->major && s->minor == d->minor && !strcmp(s->type, d->type))
			return true;
	}
	if (st->nseen >= STORAGE_MAX_SEEN)
		return true; /* past the cap: nothing more is handled (said once below) */
	st->seen[st->nseen] = (struct storage_seen){ d->major, d->minor, "" };
	memcpy(st->seen[st->nseen].type, d->type, sizeof(d->type));
	if (++st->nseen == STORAGE_MAX_SEEN)
		log_warn("storage: %d storage members handled; later ones are left alone",
			 STORAGE_MAX_SEEN);
	return false;
}

/* Forgets d, so a later step tries it again (a LUKS volume whose key device is not
 * there yet, or whose unlocking failed). */
static void forget(struct storage *st, const struct blkdev *d)
{
	for (int i = 0; i < st->nseen; i++) {
		if (st->seen[i].major == d->major && st->seen[i].minor == d->minor &&
		    !strcmp(st->seen[i].type, d->type)) {
			st->seen[i] = st->seen[--st->nseen];
			return;
		}
	}
}

static bool is_member(const struct config *cfg, const struct blkdev *d)
{
	return (!cfg->md_off && !strcmp(d->type, "linux_raid_member")) ||
	       (!cfg->luks_off && !strcmp(d->type, "crypto_LUKS")) ||
	       (!cfg->lvm_off && !strcmp(d->type, "LVM2_member"));
}

/* The layer for one new member: 1 acted, 0 nothing (not wanted), -errno. */
static int handle(struct boot *b, const struct blkdev *d, const struct blkdev *list, int n)
{
	char esc[ESCAPE_SIZE(64)];

	if (!strcmp(d->type, "linux_raid_member")) {
		if (b->cfg.md_uuid[0] && !cmdline_uuid_list_has(b->cfg.md_uuid, d->uuid)) {
			log_info("storage: %s is a member of md array %s, not one rd.md.uuid= names; "
				 "left alone", d->path, escape_str(d->uuid, esc, sizeof(esc)));
			return 0;
		}
		return md_member(b, d);
	}
	if (!strcmp(d->type, "crypto_LUKS")) {
		if (b->cfg.luks_uuid[0] && !cmdline_uuid_list_has(b->cfg.luks_uuid, d->uuid)) {
			log_info("storage: %s is LUKS volume %s, not one rd.luks.uuid= names; left "
				 "locked", d->path, escape_str(d->uuid, esc, sizeof(esc)));
			return 0;
		}
		return luks_volume(b, d, list, n);
	}
	return lvm_member(b, d);
}

int storage_step(struct boot *b, const struct blkdev *list, int n)
{
	struct storage *st = &b->storage;
	int acted = 0;

	for (int i = 0; i < n; i++) {
		const struct blkdev *d = &list[i];
		int r;

		if (!is_member(&b->cfg, d) || seen_before(st, d))
			continue;
		uint64_t t0 = timeline_now();

		r = handle(b, d, list, n);
		timeline_event("storage", d->path, t0, r > 0 ? "ok" : r == 0 ? "skip" : r == -EAGAIN ? "later" : "fail",
			       "type", d->type, "uuid", d->uuid, "err", r < 0 ? strerrorname_np(-r) : NULL, TL_END);
		if (r == -EAGAIN) {
			forget(st, d); /* e.g. its key device is not there yet: next time */
			continue;
		}
		if (r < 0) {
			forget(st, d); /* after the rescue shell, the next try asks again */
			return r;
		}
		acted += r > 0;
	}
	if (!b->cfg.md_off)
		acted += md_run_degraded(b, list, n);
	return acted;
}
