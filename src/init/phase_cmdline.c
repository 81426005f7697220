/* phase cmdline: the defaults baked into the image, then /proc/cmdline, into one
 * typed config (later words win). */
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

/* Parses one file into b->cfg; keeps its text in keep (if not NULL). */
static void parse_file(struct boot *b, const char *path, bool comments, char *keep, size_t *keep_len,
		       size_t keep_max)
{
	char *buf;
	size_t len;
	int r = readfile_at(AT_FDCWD, path, CMDLINE_FILE_MAX, &buf, &len);

	if (r < 0) {
		log_warn("cmdline: cannot read %s: %s", path, strerror(-r));
		return;
	}
	if (comments)
		blank_comments(buf, len);
	if (len < keep_max) { /* keep_max is 0 when there is no keep */
		memcpy(keep, buf, len);
		keep[len] = '\0';
		*keep_len = len;
	}
	cmdline_parse(&b->cfg, buf, len);
	free(buf);
	if (b->cfg.errors) {
		log_warn("cmdline: %s: %u word(s) ignored; first: %s", path, b->cfg.errors,
			 b->cfg.first_error);
		b->cfg.errors = 0;
	}
}

int phase_cmdline(struct boot *b)
{
	struct dirent **names;
	struct utsname un;
	char path[PATH_MAX];
	static char summary[CMDLINE_FORMAT_MAX];
	int n;

	cmdline_init(&b->cfg);
	n = scandir(DEFAULTS_DIR, &names, filter_conf, alphasort);
	for (int i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", DEFAULTS_DIR, names[i]->d_name) < (int)sizeof(path))
			parse_file(b, path, true, NULL, NULL, 0);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	parse_file(b, "/proc/cmdline", false, b->cmdline_raw, &b->cmdline_len, sizeof(b->cmdline_raw));

	log_set_debug(b->cfg.rd_debug);
	log_set_quiet(b->cfg.quiet);
	uname(&un);
	snprintf(b->kver, sizeof(b->kver), "%s", un.release);
	snprintf(b->moddir, sizeof(b->moddir), "/lib/modules/%s", b->kver);
	if (cmdline_format(&b->cfg, summary, sizeof(summary)) >= 0)
		log_info("config: %s", summary);
	return 0;
}
