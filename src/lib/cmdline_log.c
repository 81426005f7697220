/* cmdline_log: what a parsed config says, for the log: the one-line summary, and a line
 * for each thing it holds that this init does not act on. Pure. See cmdline.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "base/strbuf.h"
#include "cmdline.h"
#include "parse.h"

/* ---- summary -------------------------------------------------------------------------- */

/* Appends one short item (a flag or a number: our own text), space-separated from the
 * one before. */
static void put(struct strbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct strbuf *o, const char *fmt, ...)
{
	char item[64];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(item)) {
		o->full = true;
		return;
	}
	if (o->len)
		strbuf_addc(o, ' ');
	strbuf_add(o, item, (size_t)r);
}

/* Writes key=value (the bare value for a NULL key), quoting a value that would
 * otherwise split into words or vanish. */
static void put_kv(struct strbuf *o, const char *key, const char *value)
{
	bool quote = !key && !value[0];

	for (const char *p = value; *p; p++)
		if (parse_is_space((unsigned char)*p))
			quote = true;
	if (o->len)
		strbuf_addc(o, ' ');
	if (key)
		strbuf_addf(o, "%s=", key);
	if (quote)
		strbuf_addc(o, '"');
	strbuf_add(o, value, strlen(value));
	if (quote)
		strbuf_addc(o, '"');
}

static void put_root(struct strbuf *o, const struct config *cfg)
{
	if (cfg->root[0])
		put_kv(o, "root", cfg->root);
	if (cfg->rootfstype[0])
		put_kv(o, "rootfstype", cfg->rootfstype);
	if (cfg->rootflags[0])
		put_kv(o, "rootflags", cfg->rootflags);
	if (cfg->rw != RW_DEFAULT)
		put(o, cfg->rw == RW_RO ? "ro" : "rw");
	if (cfg->rootwait)
		put(o, "rootwait");
	if (cfg->rootdelay)
		put(o, "rootdelay=%u", cfg->rootdelay);
	if (cfg->init[0])
		put_kv(o, "init", cfg->init);
}

static void put_network(struct strbuf *o, const struct config *cfg)
{
	for (int i = 0; i < cfg->ip_count && i < CMDLINE_MAX_IP; i++)
		put_kv(o, "ip", cfg->ip[i]);
	if (cfg->nfsroot[0])
		put_kv(o, "nfsroot", cfg->nfsroot);
	if (cfg->bootif[0])
		put_kv(o, "BOOTIF", cfg->bootif);
	if (cfg->rd_neednet)
		put(o, "rd.neednet");
	if (cfg->rd_retry_set)
		put(o, "rd.retry=%u", cfg->rd_retry);
	if (cfg->driver_blacklist[0])
		put_kv(o, "rd.driver.blacklist", cfg->driver_blacklist);
	if (cfg->driver_pre[0])
		put_kv(o, "rd.driver.pre", cfg->driver_pre);
	if (cfg->resume[0])
		put_kv(o, "resume", cfg->resume);
	if (cfg->resume_offset_set)
		put(o, "resume_offset=%llu", (unsigned long long)cfg->resume_offset);
	if (cfg->noresume)
		put(o, "noresume");
	if (cfg->resume_timeout_set)
		put(o, "sprout.resume.timeout=%u", cfg->resume_timeout);
	if (cfg->hook_timeout_set)
		put(o, "sprout.hook.timeout=%u", cfg->hook_timeout);
}

/* Each rd.luks.name= as a word of its own (the list holds UUID=NAME items). */
static void put_luks_names(struct strbuf *o, const struct config *cfg)
{
	char item[CMDLINE_MAX_VALUE];

	for (const char *p = cfg->luks_name; *p; p += *p == ',') {
		size_t k = strcspn(p, ",");

		memcpy(item, p, k);
		item[k] = '\0';
		put_kv(o, "rd.luks.name", item);
		p += k;
	}
}

static void put_storage(struct strbuf *o, const struct config *cfg)
{
	if (cfg->luks_off)
		put(o, "rd.luks=0");
	if (cfg->luks_uuid[0])
		put_kv(o, "rd.luks.uuid", cfg->luks_uuid);
	put_luks_names(o, cfg);
	if (cfg->luks_key[0])
		put_kv(o, "rd.luks.key", cfg->luks_key);
	if (cfg->luks_discard)
		put(o, "rd.luks.options=discard");
	if (cfg->md_off)
		put(o, "rd.md=0");
	if (cfg->md_uuid[0])
		put_kv(o, "rd.md.uuid", cfg->md_uuid);
	if (cfg->lvm_off)
		put(o, "rd.lvm=0");
	if (cfg->lvm_vg[0])
		put_kv(o, "rd.lvm.vg", cfg->lvm_vg);
	if (cfg->lvm_lv[0])
		put_kv(o, "rd.lvm.lv", cfg->lvm_lv);
	if (cfg->fsck_mode_set)
		put(o, "fsck.mode=%s", cmdline_fsck_mode_name(cfg->fsck_mode));
	if (cfg->fsck_repair_set)
		put(o, "fsck.repair=%s", cmdline_fsck_repair_name(cfg->fsck_repair));
}

static void put_sprout(struct strbuf *o, const struct config *cfg)
{
	if (cfg->overlay[0])
		put_kv(o, "sprout.overlay", cfg->overlay);
	if (cfg->overlay_size[0])
		put_kv(o, "sprout.overlay.size", cfg->overlay_size);
	if (cfg->nfs_select_set)
		put(o, "sprout.nfs.select=%s", cfg->nfs_select == NFS_SELECT_ORDER ? "order" : "hash");
	if (cfg->nfs_timeout_set)
		put(o, "sprout.nfs.timeout=%u", cfg->nfs_timeout);
	if (cfg->image[0])
		put_kv(o, "sprout.image", cfg->image);
	if (cfg->image_sha256[0])
		put_kv(o, "sprout.image.sha256", cfg->image_sha256);
	if (cfg->toram_set)
		put(o, "sprout.toram=%d", cfg->toram);
	if (cfg->toram_min[0])
		put_kv(o, "sprout.toram.min", cfg->toram_min);
	if (cfg->wrapper_init[0])
		put_kv(o, "sprout.init", cfg->wrapper_init);
	if (cfg->wrapper_set)
		put(o, "sprout.wrapper=%s", cfg->wrapper_off ? "off" : "on");
	if (cfg->devices_exec)
		put(o, "sprout.devices.exec=1");
}

int cmdline_format(const struct config *cfg, char *out, size_t n)
{
	struct strbuf o;

	strbuf_init(&o, out, n);
	put_root(&o, cfg);
	put_network(&o, cfg);
	put_storage(&o, cfg);
	put_sprout(&o, cfg);
	if (cfg->panic_set)
		put(&o, "panic=%d", cfg->panic);
	if (cfg->rd_break != PHASE_NONE)
		put(&o, "rd.break=%s", cmdline_phase_name(cfg->rd_break));
	if (!cfg->rd_shell)
		put(&o, "rd.shell=0");
	if (cfg->rd_debug)
		put(&o, "rd.debug");
	if (cfg->quiet)
		put(&o, "quiet");
	if (cfg->rd_timeout_set)
		put(&o, "rd.timeout=%u", cfg->rd_timeout);
	if (cfg->init_argc > 0)
		put(&o, "--");
	for (int i = 0; i < cfg->init_argc && i < CMDLINE_MAX_ARGS; i++)
		put_kv(&o, NULL, cfg->init_argv[i]);
	return strbuf_finish(&o);
}

int cmdline_summary(const struct config *cfg, char *out, size_t n)
{
	char line[CMDLINE_FORMAT_MAX];
	int len = cmdline_format(cfg, line, sizeof(line));

	if (n == 0)
		return -ENAMETOOLONG;
	if (len < 0) {
		out[0] = '\0';
		return len;
	}
	escape_bytes(line, (size_t)len, out, n);
	return (int)strlen(out);
}

/* ---- what is accepted but not acted on ---------------------------------------------- */

/* Room for one escaped value in a note: long enough to recognise it, short enough that
 * three fit a log line. */
#define NOTE_VALUE 100

static int note(cmdline_note_fn fn, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int note(cmdline_note_fn fn, void *ctx, const char *fmt, ...)
{
	char line[CMDLINE_NOTE_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r >= (int)sizeof(line)) /* not with the values held to NOTE_VALUE; cut visibly */
		memcpy(line + sizeof(line) - 4, "...", 4);
	fn(line, ctx);
	return 1;
}

static int note_break(const struct config *cfg, cmdline_note_fn fn, void *ctx)
{
	const char *name = cmdline_phase_name(cfg->rd_break);

	if (cfg->rd_break == PHASE_EARLY || cfg->rd_break == PHASE_CMDLINE)
		return note(fn, ctx, "rd.break=%s is ignored: the command line is read in the "
				     "cmdline phase, after the %s phase began; the earliest break is "
				     "rd.break=devices", name, name);
	return 0;
}

/* Only ip[0] configures an interface (phase network). */
static int note_ip(const struct config *cfg, cmdline_note_fn fn, void *ctx)
{
	char first[NOTE_VALUE], rest[CMDLINE_NOTE_MAX], v[NOTE_VALUE];
	struct strbuf sb;

	if (cfg->ip_count < 2)
		return 0;
	strbuf_init(&sb, rest, sizeof(rest));
	for (int i = 1; i < cfg->ip_count && i < CMDLINE_MAX_IP; i++)
		strbuf_addf(&sb, "%sip=%s", i > 1 ? " " : "", escape_str(cfg->ip[i], v, sizeof(v)));
	if (strbuf_finish(&sb) < 0)
		snprintf(rest, sizeof(rest), "%d ip= words", cfg->ip_count - 1);
	return note(fn, ctx, "%s %s ignored: only the first ip= (ip=%s) is used, one interface "
			     "is configured", rest, cfg->ip_count > 2 ? "are" : "is",
		    escape_str(cfg->ip[0], first, sizeof(first)));
}

/* The wrapper prepares devices, the clock and the RAM layer; the keys that find and mount
 * a root, or stop the boot, are the initramfs's (which has acted on them already when
 * there is one). */
static int note_wrapper(const struct config *cfg, cmdline_note_fn fn, void *ctx)
{
	char list[CMDLINE_NOTE_MAX];
	struct strbuf sb;

	if (!cfg->wrapper_mode) {
		if (!cfg->wrapper_init[0] && !cfg->wrapper_set)
			return 0;
		return note(fn, ctx, "%s%s%s: for the init wrapper (sprout-init as /sbin/init of "
				     "the root), which reads them after the handover; the initramfs "
				     "runs init= (or /sbin/init)",
			    cfg->wrapper_init[0] ? "sprout.init=" : "",
			    cfg->wrapper_init[0] && cfg->wrapper_set ? " and " : "",
			    cfg->wrapper_set ? "sprout.wrapper=" : "");
	}
	strbuf_init(&sb, list, sizeof(list));
	if (cfg->root[0])
		strbuf_addf(&sb, " root=");
	if (cfg->rd_break != PHASE_NONE)
		strbuf_addf(&sb, " rd.break=");
	if (cfg->ip_count > 0 || cfg->nfsroot[0])
		strbuf_addf(&sb, " ip=/nfsroot=");
	if (cfg->image[0] || cfg->toram_set)
		strbuf_addf(&sb, " sprout.image=/sprout.toram=");
	if (cfg->luks_uuid[0] || cfg->md_uuid[0] || cfg->lvm_vg[0] || cfg->lvm_lv[0])
		strbuf_addf(&sb, " rd.luks/md/lvm");
	if (strbuf_finish(&sb) <= 0)
		return 0;
	return note(fn, ctx, "wrapper mode: the root is mounted already; ignored here (the "
			     "initramfs's or the kernel's):%s", list);
}

int cmdline_notes(const struct config *cfg, cmdline_note_fn fn, void *ctx)
{
	int n = 0;

	n += note_wrapper(cfg, fn, ctx);
	if (cfg->wrapper_mode)
		return n;
	n += note_break(cfg, fn, ctx);
	n += note_ip(cfg, fn, ctx);
	return n;
}
