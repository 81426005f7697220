/* libFuzzer target for cmdline: the input is split in two and parsed as "baked-in
 * defaults" then "/proc/cmdline" into one config, and the invariants of the result are
 * checked. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "rootspec.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void check_string(const char *s, size_t size)
{
	must(memchr(s, '\0', size) != NULL);
	must(memchr(s, '"', strnlen(s, size)) == NULL); /* quotes never survive a parse */
}

static int check_word(const struct cmdline_word *w, void *ctx)
{
	(void)ctx;
	must(w->key != NULL);
	must(strlen(w->key) < CMDLINE_MAX_VALUE);
	must(!w->value || strlen(w->value) < CMDLINE_MAX_VALUE);
	must(!w->value || (!w->error && !w->init_arg));
	must(w->error == 0 || w->error == -ENAMETOOLONG || w->error == -E2BIG);
	return 0;
}

/* Module lists: comma-separated module names, '_' never '-', no name twice. */
static void check_lists(const struct config *cfg)
{
	const char *lists[] = { cfg->driver_blacklist, cfg->driver_pre };

	for (int l = 0; l < 2; l++) {
		const char *p = lists[l];

		must(memchr(p, '\0', CMDLINE_MAX_VALUE) != NULL);
		must(p[0] != ',' && (!p[0] || p[strlen(p) - 1] != ','));
		must(strstr(p, ",,") == NULL && strchr(p, '-') == NULL);
		while (*p) {
			size_t n = strcspn(p, ",");
			char name[64];

			must(n >= 1 && n < sizeof(name));
			memcpy(name, p, n);
			name[n] = '\0';
			must(cmdline_list_has(lists[l], name));
			p += n;
			must(!*p || !cmdline_list_has(p + 1, name));
			p += *p == ',';
		}
	}
}

/* Storage keys: strings end inside their fields, a kept key splits, names resolve. */
static void check_storage(const struct config *cfg)
{
	const char *s[] = { cfg->luks_uuid, cfg->luks_name, cfg->luks_key, cfg->md_uuid,
			    cfg->lvm_vg, cfg->lvm_lv };
	char path[CMDLINE_MAX_VALUE], dev[CMDLINE_MAX_VALUE], name[CMDLINE_MAX_VALUE];

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		check_string(s[i], CMDLINE_MAX_VALUE);
	if (cfg->luks_key[0])
		must(cmdline_luks_key_split(cfg->luks_key, path, sizeof(path), dev, sizeof(dev)) == 0);
	for (const char *p = cfg->luks_uuid; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");

		must(n >= 1 && n <= CMDLINE_UUID_MAX);
		memcpy(name, p, n);
		name[n] = '\0';
		must(cmdline_uuid_list_has(cfg->luks_uuid, name));
		must(cmdline_luks_name_for(cfg, name, dev, sizeof(dev)) >= 0);
		p += n;
	}
}

/* A line for the log: printable ASCII only (values escaped). */
static void check_printable(const char *line, size_t max)
{
	size_t n = strnlen(line, max);

	must(n < max);
	for (size_t i = 0; i < n; i++)
		must(line[i] >= 0x20 && line[i] < 0x7f);
}

static void check_note(const char *line, void *ctx)
{
	++*(int *)ctx;
	check_printable(line, CMDLINE_NOTE_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[CMDLINE_FORMAT_MAX], out2[CMDLINE_FORMAT_MAX];
	static struct config again;
	const char *buf = (const char *)data;
	size_t cut = size ? data[0] % (size + 1) : 0;
	struct config cfg;
	int r1, r2, w;

	cmdline_init(&cfg);
	r1 = cmdline_parse(&cfg, buf, cut);
	r2 = cmdline_parse(&cfg, buf + cut, size - cut);
	must(r1 >= 0 && r1 <= CMDLINE_MAX_WORDS && r2 >= 0 && r2 <= CMDLINE_MAX_WORDS);
	w = cmdline_walk(buf + cut, size - cut, check_word, NULL);
	must(w == r2);

	check_string(cfg.root, sizeof(cfg.root));
	check_string(cfg.rootfstype, sizeof(cfg.rootfstype));
	check_string(cfg.rootflags, sizeof(cfg.rootflags));
	check_string(cfg.init, sizeof(cfg.init));
	must(cfg.init_argc >= 0 && cfg.init_argc <= CMDLINE_MAX_ARGS);
	for (int i = 0; i < cfg.init_argc; i++)
		check_string(cfg.init_argv[i], sizeof(cfg.init_argv[i]));
	must(cfg.rd_break >= PHASE_NONE && cfg.rd_break <= PHASE_HANDOVER);
	must(cfg.rw == RW_DEFAULT || cfg.rw == RW_RO || cfg.rw == RW_RW);
	must(cfg.rootdelay <= CMDLINE_MAX_SECONDS && cfg.rd_timeout <= CMDLINE_MAX_SECONDS);
	must((cfg.errors == 0) == (cfg.first_error[0] == '\0'));
	must(memchr(cfg.first_error, '\0', sizeof(cfg.first_error)) != NULL);

	must(cfg.ip_count >= 0 && cfg.ip_count <= CMDLINE_MAX_IP);
	for (int i = 0; i < cfg.ip_count; i++)
		check_string(cfg.ip[i], sizeof(cfg.ip[i]));
	check_string(cfg.nfsroot, sizeof(cfg.nfsroot));
	check_string(cfg.bootif, sizeof(cfg.bootif));
	check_string(cfg.resume, sizeof(cfg.resume));
	check_string(cfg.overlay, sizeof(cfg.overlay));
	check_string(cfg.overlay_size, sizeof(cfg.overlay_size));
	check_string(cfg.wrapper_init, sizeof(cfg.wrapper_init));
	must(!cfg.wrapper_init[0] || cfg.wrapper_init[0] == '/');
	must(cfg.wrapper_set || !cfg.wrapper_off);
	check_lists(&cfg);
	check_storage(&cfg);
	if (cfg.bootif[0]) {
		uint8_t mac[6];

		must(cmdline_bootif_mac(cfg.bootif, mac) == 0);
	}
	must(cfg.nfs_select == NFS_SELECT_HASH || cfg.nfs_select == NFS_SELECT_ORDER);
	must(!cfg.nfs_timeout_set || (cfg.nfs_timeout >= 1 && cfg.nfs_timeout <= CMDLINE_MAX_SECONDS));
	must(cfg.rd_retry <= CMDLINE_MAX_SECONDS);
	must(!cfg.resume_timeout_set || cfg.resume_timeout <= CMDLINE_MAX_SECONDS);

	/* resume=: a device in root='s forms, or a message; never both, never neither. */
	{
		static char why[CMDLINE_RESUME_WHY];
		struct rootspec rs;
		int r = cmdline_resume(&cfg, &rs, why, sizeof(why));

		must(memchr(why, '\0', sizeof(why)) != NULL);
		check_printable(why, sizeof(why));
		if (r == CMDLINE_RESUME_DEVICE)
			must(!why[0] && rs.kind != ROOT_NONE && cfg.resume[0] && !cfg.noresume);
		else if (r == CMDLINE_RESUME_SKIP)
			must(cfg.noresume && why[0]);
		else if (r == CMDLINE_RESUME_NONE)
			must(!cfg.resume[0] && (why[0] != 0) == cfg.resume_offset_set);
		else
			must((r == -EINVAL || r == -ENAMETOOLONG) && why[0] && cfg.resume[0]);
	}

	/* Notes and the escaped summary are printable lines; at most one note per kind. */
	{
		static char line[1000];
		int notes = 0, r;

		cfg.wrapper_mode = size & 1; /* both modes: the wrapper's notes are others */
		r = cmdline_notes(&cfg, check_note, &notes);
		must(r == notes && r >= 0 && r <= (cfg.wrapper_mode ? 1 : 4));
		cfg.wrapper_mode = false;
		must(cmdline_summary(&cfg, line, sizeof(line)) >= 0);
		check_printable(line, sizeof(line));
	}

	/* The summary fits CMDLINE_FORMAT_MAX and reads back as the same config. */
	r1 = cmdline_format(&cfg, out, sizeof(out));
	must(r1 >= 0);
	cmdline_init(&again);
	cmdline_parse(&again, out, (size_t)r1);
	must(cmdline_format(&again, out2, sizeof(out2)) == r1 && !memcmp(out, out2, (size_t)r1));
	return 0;
}
