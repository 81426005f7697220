/* phase cmdline: the defaults baked into the image, then /proc/cmdline, into one
 * typed config (later words win); their module options (MODULE.PARAM=) kept for the
 * devices phase, in the same order. What the config holds but nothing acts on is
 * logged, one line each. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/readfile.h"
#include "boot.h"
#include "log.h"
#include "modparam.h"

#define DEFAULTS_DIR "/etc/sprout/cmdline.d"
#define CMDLINE_FILE_MAX 65536

/* Comment lines (#...) become blanks so the rest parses as command-line words. */
static void blank_comments(char *buf, size_t len)
{
	bool line_start = true;
	bool in_comment = false;

	for (size_t i = 0; i < len; i++) {
		if (line_start && buf[i] == '#')
			in_comment = true;
		line_start = buf[i] == '\n';
		if (line_start)
			in_comment = false;
		else if (in_comment)
			buf[i] = ' ';
	}
}

static int filter_conf(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

/* Keeps the MODULE.PARAM=VALUE words of text for the devices phase (modload), after
 * those of the files before: the rest of the line is not needed there, so even a long
 * command line keeps all its module options; any that do not fit are named. */
static void keep_module_options(struct boot *b, const char *path, const char *text, size_t len)
{
	unsigned dropped;

	modparam_select(text, len, b->cmdline_raw, sizeof(b->cmdline_raw), &dropped);
	b->cmdline_len = strlen(b->cmdline_raw);
	if (dropped)
		log_warn("cmdline: %s: %u module option(s) (MODULE.PARAM=) dropped: all module "
			 "options together are limited to %zu bytes", path, dropped,
			 sizeof(b->cmdline_raw) - 1);
}

/* Parses one file (the whole of it, up to CMDLINE_FILE_MAX) into b->cfg. */
static void parse_file(struct boot *b, const char *path, bool comments)
{
	char *buf;
	size_t len;
	int r = readfile_at(AT_FDCWD, path, CMDLINE_FILE_MAX, &buf, &len);

	if (r == -EFBIG) {
		log_warn("cmdline: %s is larger than %d bytes; not read", path, CMDLINE_FILE_MAX);
		return;
	}
	if (r < 0) {
		log_warn("cmdline: cannot read %s: %s", path, strerror(-r));
		return;
	}
	if (comments)
		blank_comments(buf, len);
	keep_module_options(b, path, buf, len);
	cmdline_parse(&b->cfg, buf, len);
	free(buf);
	if (b->cfg.errors) {
		log_warn("cmdline: %s: %u word(s) ignored; first: %s", path, b->cfg.errors,
			 b->cfg.first_error);
		b->cfg.errors = 0;
	}
}

static void log_note(const char *line, void *ctx)
{
	(void)ctx;
	log_warn("cmdline: %s", line);
}

int phase_cmdline(struct boot *b)
{
	struct dirent **names;
	struct utsname un;
	char path[PATH_MAX];
	char summary[1000]; /* a log line; longer is cut with "..." */
	int n;

	cmdline_init(&b->cfg);
	b->cfg.wrapper_mode = b->wrapper;
	b->cmdline_raw[0] = '\0';
	b->cmdline_len = 0;
	n = scandir(DEFAULTS_DIR, &names, filter_conf, alphasort);
	for (int i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", DEFAULTS_DIR, names[i]->d_name) < (int)sizeof(path))
			parse_file(b, path, true);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	parse_file(b, "/proc/cmdline", false);

	log_set_debug(b->cfg.rd_debug);
	log_set_quiet(b->cfg.quiet);
	uname(&un);
	snprintf(b->kver, sizeof(b->kver), "%s", un.release);
	snprintf(b->moddir, sizeof(b->moddir), "/lib/modules/%s", b->kver);
	if (cmdline_summary(&b->cfg, summary, sizeof(summary)) >= 0)
		log_info("config: %s", summary);
	cmdline_notes(&b->cfg, log_note, NULL);
	return 0;
}
