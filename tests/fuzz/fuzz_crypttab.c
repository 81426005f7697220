/* libFuzzer target for crypttab: any bytes give 0 or an error with a message; what is
 * accepted holds only well-formed fields, and a source's UUID is 32 hex digits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypttab.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void check(const struct crypttab_entry *e)
{
	char uuid[33];

	must(e->line >= 1 && e->name[0] && !strchr(e->name, '/'));
	must(strlen(e->name) < sizeof(e->name) && strlen(e->source) < sizeof(e->source));
	must(e->source[0] == '/' || strchr(e->source, '=') != NULL);
	must(!e->key[0] || (e->key[0] == '/' && !strchr(e->key, ':')));
	must(!e->key_dev[0] || e->key[0]);
	must(!strchr(e->name, ' ') && !strchr(e->source, ' ') && !strchr(e->ignored, ' '));
	must(!e->keyscript[0] || (e->flags & CRYPTTAB_KEYSCRIPT));
	must(!strstr(e->ignored, ",,") && e->ignored[0] != ',');
	if (crypttab_source_uuid(e, uuid, sizeof(uuid)) == 0)
		must(strlen(uuid) == 32 && strspn(uuid, "0123456789abcdef") == 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct crypttab t;
	char err[256];
	int r;

	memset(err, 'x', sizeof(err));
	r = crypttab_parse((const char *)data, size, &t, err, sizeof(err));
	must(memchr(err, '\0', sizeof(err)) != NULL);
	if (r < 0) {
		must(r == -EINVAL || r == -E2BIG || r == -ENAMETOOLONG);
		must(err[0] != '\0');
		return 0;
	}
	must(r == 0 && err[0] == '\0' && t.n <= CRYPTTAB_MAX_ENTRIES);
	for (size_t i = 0; i < t.n; i++) {
		check(&t.e[i]);
		for (size_t j = 0; j < i; j++)
			must(strcmp(t.e[i].name, t.e[j].name) != 0 && t.e[j].line < t.e[i].line);
	}
	return 0;
}
