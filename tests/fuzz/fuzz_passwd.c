/* libFuzzer target for /etc/passwd and /etc/group lookups: whatever a name resolves to
 * resolves back to a line with that name's ID, and nothing reads past the buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passwd.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "root", "alice", "disk", "a", "0", "" };
	const char *buf = (const char *)data;
	char name[PASSWD_MAX_NAME + 1];
	unsigned id, id2;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int r = passwd_find_id(buf, size, names[i], &id);
		must(r == 0 || r == -ENOENT);
		if (r == 0) {
			must(id <= PASSWD_MAX_ID);
			/* the first line with that ID has a name that resolves to it too */
			must(passwd_find_name(buf, size, id, name, sizeof(name)) == 0);
			must(passwd_find_id(buf, size, name, &id2) == 0);
		}
	}
	for (unsigned probe = 0; probe < 3; probe++) {
		int r = passwd_find_name(buf, size, probe * 1000, name, sizeof(name));
		must(r == 0 || r == -ENOENT);
		if (r == 0)
			must(strlen(name) >= 1 && strlen(name) <= PASSWD_MAX_NAME);
	}
	return 0;
}
