/* lvm: the volume groups on a new physical volume activated with lvm, then their
 * /dev/VG/LV and /dev/mapper/VG-LV nodes made by lvm itself (no udev here). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/monoclock.h"
#include "blkdev.h"
#include "boot.h"
#include "log.h"
#include "run.h"
#include "storage.h"

/* udev neither makes the nodes nor is waited for; nothing is monitored (no dmeventd). */
static const char lvm_config[] =
	"activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } "
	"devices { obtain_device_list_from_udev = 0 external_device_info_source = \"none\" }";

static const char *const dm_modules[] = { "dm_mod", NULL };

/* argv = lvm COMMAND -ay --sysinit --config ... then the comma list's items, each a
 * piece of buf. The count of arguments, or -E2BIG when items were left out (argv full;
 * argv then holds those that fit). */
static int build(const char *argv[], size_t max, const char *command, const char *list,
		 char *buf, size_t bufsz)
{
	size_t k = 0, used = 0;

	argv[k++] = STORAGE_LVM;
	argv[k++] = command;
	argv[k++] = "-ay";
	argv[k++] = "--sysinit";
	argv[k++] = "--config";
	argv[k++] = lvm_config;
	const char *p = list;

	for (; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");

		if (n && k + 1 >= max)
			break; /* argv is full */
		if (n && used + n + 1 <= bufsz) {
			memcpy(buf + used, p, n);
			buf[used + n] = '\0';
			argv[k++] = buf + used;
			used += n + 1;
		}
		p += n;
	}
	argv[k] = NULL;
	return *p ? -E2BIG : (int)k;
}

static int activate(const char *command, const char *list)
{
	static char buf[CMDLINE_MAX_VALUE];
	const char *argv[RUN_MAX_ARGS];

	if (build(argv, RUN_MAX_ARGS, command, list, buf, sizeof(buf)) < 0)
		log_err("storage: lvm: more than %d names in one rd.lvm list; the ones after %s are "
			"not activated", RUN_MAX_ARGS - 7, argv[RUN_MAX_ARGS - 2]);
	return storage_run("storage: lvm", argv, NULL, 0, STORAGE_TOOL_MS);
}

int lvm_member(struct boot *b, const struct blkdev *d)
{
	static const char *const mknodes[] = { STORAGE_LVM, "vgmknodes", "--config", lvm_config, NULL };
	const struct config *cfg = &b->cfg;
	uint64_t t0 = monoclock_ms();
	int r = 0;

	if (!storage_tool(&b->storage, d->path, 1u << 2, STORAGE_LVM, "lvm",
			  "is an LVM physical volume"))
		return 0;
	storage_modules(b, &b->storage.dm_modules, dm_modules, "LVM");
	if (cfg->lvm_lv[0]) {
		log_info("storage: %s is an LVM physical volume: activating rd.lvm.lv=%s", d->path,
			 cfg->lvm_lv);
		r = activate("lvchange", cfg->lvm_lv);
	}
	if (cfg->lvm_vg[0]) {
		log_info("storage: %s is an LVM physical volume: activating rd.lvm.vg=%s", d->path,
			 cfg->lvm_vg);
		r |= activate("vgchange", cfg->lvm_vg);
	}
	if (!cfg->lvm_lv[0] && !cfg->lvm_vg[0]) {
		log_info("storage: %s is an LVM physical volume: activating every volume group",
			 d->path);
		r = activate("vgchange", "");
	}
	if (r != 0)
		log_warn("storage: lvm could not activate everything asked for yet (a volume group "
			 "whose other physical volumes have not appeared?); tried again when they do");
	if (storage_run("storage: lvm", mknodes, NULL, 0, STORAGE_TOOL_MS) != 0)
		log_warn("storage: lvm vgmknodes failed: /dev/VG/LV names may be missing (UUID= "
			 "still finds the volumes)");
	log_info("storage: LVM activation after %s took %llu ms", d->path,
		 (unsigned long long)(monoclock_ms() - t0));
	return 1;
}
