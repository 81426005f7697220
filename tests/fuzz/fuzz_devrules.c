/* libFuzzer target for devices.conf: the parser keeps or reports every line, never both
 * for one line; what it keeps matches a fixed set of events without leaving /dev, and
 * the snapshot line of a node parses back into a rule. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devrules.h"
#include "devsnap.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void on_err(unsigned line, const char *why, void *ctx)
{
	unsigned *last = ctx;
	must(line >= 1 && why && why[0]);
	*last = line;
}

/* No absolute path, no "." or ".." component. */
static int inside(const char *p)
{
	if (p[0] == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n + (p[n] == '/');
	}
	return 1;
}

static const char events[][160] = {
	"add@/devices/x/block/sda\0SUBSYSTEM=block\0MAJOR=8\0MINOR=0\0DEVNAME=sda\0DEVTYPE=disk",
	"add@/devices/x/input/event0\0SUBSYSTEM=input\0MAJOR=13\0MINOR=64\0DEVNAME=input/event0",
	"remove@/devices/x/sr0\0SUBSYSTEM=block\0MAJOR=11\0MINOR=0\0DEVNAME=sr0\0ID_CDROM=1",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct devrules rs = { 0 };
	unsigned last = 0;
	int n = devrules_parse((const char *)data, size, &rs, on_err, &last);
	char path[DEVRULES_MAX_PATH];

	must(n >= 0 || n == -E2BIG || n == -ENOMEM);
	for (size_t i = 0; n > 0 && i < rs.n; i++) {
		must(rs.rule[i].mode <= 07777);
		must(i == 0 || rs.rule[i].line > rs.rule[i - 1].line);
		char buf[DEVRULES_MAX_LINE];
		const char *argv[DEVRULES_MAX_ARGS];
		int w = devrules_argv(&rs.rule[i], buf, argv);
		must(w >= 0 && w < DEVRULES_MAX_ARGS && argv[w] == NULL);
		must(rs.rule[i].when == DEVRULE_CMD_NONE ? w == 0 : w > 0);
	}
	for (size_t e = 0; n > 0 && e < sizeof(events) / sizeof(events[0]); e++) {
		struct uevent *ev = malloc(sizeof(*ev));
		size_t len = sizeof(events[e]);
		while (len > 1 && events[e][len - 2] == '\0')
			len--; /* through the last field's NUL */
		must(ev && uevent_parse(events[e], len, ev) == 0);
		for (ssize_t i = devrules_next(&rs, 0, ev, path); i >= 0;
		     i = devrules_next(&rs, (size_t)i + 1, ev, path)) {
			must(inside(path));
			if (!rs.rule[i].cont)
				break;
		}
		char out[1024];
		struct devsnap_ids ids = { 0 };
		struct devsnap_node node = { ev->devname, ev->subsystem, 1, 2, 0751, ev->major, ev->minor };
		int r = devsnap_line(&rs, &ids, &node, out, sizeof(out));
		if (r == 1) {
			struct devrules back = { 0 };
			must(devrules_parse(out, strlen(out), &back, NULL, NULL) == 1);
			must(devrules_expect(&back, ev) == &back.rule[0]);
			devrules_free(&back);
		}
		free(ev);
	}
	devrules_free(&rs);
	return 0;
}
