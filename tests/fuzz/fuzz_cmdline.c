/* libFuzzer target for cmdline: the input is split in two and parsed as "baked-in
 * defaults" then "/proc/cmdline" into one config, and the invariants of the result are
 * checked. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[CMDLINE_MAX_VALUE * 4 + CMDLINE_MAX_ARGS * CMDLINE_MAX_INIT_ARG * 2];
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

	must(cmdline_format(&cfg, out, sizeof(out)) >= 0);
	return 0;
}
