/* libFuzzer target for uevent_parse: any bytes in; a parsed event must hold only
 * NUL-terminated, bounded fields consistent with the message, and a rejected one
 * must leave the struct empty. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uevent.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void bounded(const char *s, size_t size)
{
	must(memchr(s, '\0', size) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uevent ev;
	int r = uevent_parse((const char *)data, size, &ev);
	must(r == 0 || r == -EBADMSG || r == -E2BIG);
	bounded(ev.action, sizeof(ev.action));
	bounded(ev.devpath, sizeof(ev.devpath));
	bounded(ev.subsystem, sizeof(ev.subsystem));
	bounded(ev.modalias, sizeof(ev.modalias));
	bounded(ev.devname, sizeof(ev.devname));
	bounded(ev.devtype, sizeof(ev.devtype));
	if (r) {
		must(!ev.action[0] && !ev.devpath[0] && !ev.modalias[0] && !ev.has_devnum);
		return 0;
	}
	/* the header is "ACTION@DEVPATH" and the first string of the message */
	size_t alen = strlen(ev.action), dlen = strlen(ev.devpath);
	must(alen > 0 && dlen > 0 && ev.devpath[0] == '/');
	must(size > alen + 1 + dlen && data[alen] == '@' && data[alen + 1 + dlen] == '\0');
	must(!memcmp(data, ev.action, alen) && !memcmp(data + alen + 1, ev.devpath, dlen));
	must(data[size - 1] == '\0');
	if (ev.has_devnum)
		must(ev.major <= 4095 && ev.minor <= 1048575);
	/* a kept value is found verbatim in the message */
	if (ev.modalias[0]) {
		size_t n = strlen(ev.modalias);
		must(memmem(data, size, ev.modalias, n) != NULL);
	}
	return 0;
}
