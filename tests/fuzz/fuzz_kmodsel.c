/* libFuzzer target for kmodsel's pure parsers. The first byte picks one: 0 a modinfo
 * softdep value, 1 a mount table, 2 modules.dep text, 3 a module path for the rule
 * table. Every name handed out must lie inside the input and respect the caps. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmodsel.h"

struct span {
	const char *buf;
	size_t len;
};

static void must(int cond)
{
	if (!cond)
		abort();
}

static int on_softdep(const char *name, bool post, void *ctx)
{
	size_t n = strlen(name);

	(void)post;
	(void)ctx;
	must(n > 0 && n < KMODSEL_MAX_NAME);
	must(!strchr(name, ' ') && !strchr(name, '\t'));
	return name[0] == '!' ? 1 : 0; /* stop now and then */
}

static int on_dep(const char *path, size_t pathlen, const char *line, size_t linelen, void *ctx)
{
	const struct span *in = ctx;

	must(pathlen > 0 && pathlen < linelen + 1 && linelen <= KMODSEL_MAX_LINE);
	must(line >= in->buf && line + linelen <= in->buf + in->len);
	must(path == line && line[pathlen] == ':');
	must(!memchr(line, '\n', linelen) && line[0] != '#');
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;
	size_t len = size ? size - 1 : 0;
	struct span in = { buf, len };
	char type[32], *s;
	int r;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		r = kmodsel_parse_softdep(buf, len, on_softdep, NULL);
		must(r == 0 || r == 1 || r == -EBADMSG);
		break;
	case 1:
		r = kmodsel_root_fstype(buf, len, type, sizeof(type));
		must(r == 0 || r == -ENOENT || r == -EBADMSG || r == -ENAMETOOLONG);
		if (r == 0) /* decoded: "\040" may well be a space */
			must(strlen(type) < sizeof(type) && !strchr(type, '\n'));
		break;
	case 2:
		r = kmodsel_dep_walk(buf, len, on_dep, &in);
		must(r == 0 || r == -EBADMSG);
		break;
	default:
		s = strndup(buf, len);
		if (!s)
			return 0;
		r = (int)kmodsel_classify(s);
		must(r == KMODSEL_NONE || r == KMODSEL_GENERIC || r == KMODSEL_HOST);
		must(r == KMODSEL_NONE || !strncmp(s, "kernel/", 7));
		free(s);
		break;
	}
	return 0;
}
