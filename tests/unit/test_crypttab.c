/* Unit tests for crypttab: Debian's and systemd's lines, comments, every field's
 * errors naming the line, options carried, dropped and ignored, the UUID a source
 * names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypttab.h"

#include "testutil.h"

struct tcase {
	const char *in;
	int ret;
	size_t n;              /* entries */
	/* the last entry */
	const char *name, *source, *key, *key_dev, *ignored, *keyscript;
	unsigned flags;
	unsigned line;
	const char *err;       /* a part of the message */
};

#define OK(text, count, nm, src, k, kd, ign, fl, ln) \
	{ .in = (text), .n = (count), .name = (nm), .source = (src), .key = (k), \
	  .key_dev = (kd), .ignored = (ign), .keyscript = "", .flags = (fl), .line = (ln) }
#define BAD(text, rc, msg) { .in = (text), .ret = (rc), .err = (msg) }

static const struct tcase cases[] = {
	OK("", 0, NULL, NULL, NULL, NULL, NULL, 0, 0),
	OK("# only a comment\n\n   \t\n", 0, NULL, NULL, NULL, NULL, NULL, 0, 0),
	OK("sda3_crypt UUID=2a000000-0000-4000-8000-000000000001 none luks,discard\n", 1,
	   "sda3_crypt", "UUID=2a000000-0000-4000-8000-000000000001", "", "", "",
	   CRYPTTAB_LUKS | CRYPTTAB_DISCARD, 1),
	OK("# c\nroot  /dev/vda2\t-\n", 1, "root", "/dev/vda2", "", "", "", 0, 2),
	OK("root PARTUUID=abcd-01\n", 1, "root", "PARTUUID=abcd-01", "", "", "", 0, 1),
	OK("a UUID=1 none\nb LABEL=data /etc/keys/b.key luks,initramfs,nofail,noauto\n", 2,
	   "b", "LABEL=data", "/etc/keys/b.key", "", "",
	   CRYPTTAB_LUKS | CRYPTTAB_INITRAMFS | CRYPTTAB_NOFAIL | CRYPTTAB_NOAUTO, 2),
	OK("c UUID=1 /k.bin:UUID=77 luks,,tries=3,x-systemd.device-timeout=0,_netdev,discard",
	   1, "c", "UUID=1", "/k.bin", "UUID=77", "tries=3,x-systemd.device-timeout=0",
	   CRYPTTAB_LUKS | CRYPTTAB_DISCARD, 1),
	OK("  # indented comment\r\nd /dev/sdb1 none plain,cipher=aes-xts-plain64,size=256\r\n",
	   1, "d", "/dev/sdb1", "", "", "plain,cipher=aes-xts-plain64,size=256", 0, 2),
	{ .in = "s UUID=9 /lib/cryptsetup/scripts/passdev luks,keyscript=passdev\n", .n = 1,
	  .name = "s", .source = "UUID=9", .key = "/lib/cryptsetup/scripts/passdev",
	  .key_dev = "", .ignored = "", .keyscript = "passdev",
	  .flags = CRYPTTAB_LUKS | CRYPTTAB_KEYSCRIPT, .line = 1 },
	BAD("lonely\n", -EINVAL, "line 1: too few fields; expected NAME SOURCE"),
	BAD("a b c d e\n", -EINVAL, "line 1: too many fields"),
	BAD("\n\na/b UUID=1\n", -EINVAL, "line 3: name \"a/b\": expected a device-mapper name"),
	BAD(".. UUID=1\n", -EINVAL, "line 1: name \"..\""),
	BAD("a sda2\n", -EINVAL, "line 1: source \"sda2\": expected UUID=, PARTUUID="),
	BAD("a UUID=\n", -EINVAL, "source \"UUID=\""),
	BAD("a UUID=1 key.bin\n", -EINVAL, "line 1: key file \"key.bin\": expected none, -"),
	BAD("a UUID=1 /k:\n", -EINVAL, "key file \"/k:\""),
	BAD("a UUID=1 none a\x01,b\n", -EINVAL, "line 1: options \"a\\x01,b\""),
	BAD("a UUID=1\nb UUID=2\na UUID=3\n", -EINVAL, "line 3: name \"a\": given twice"),
	BAD("a UUID=1\nb UUID=2\0\n", -EINVAL, "line 2: a NUL byte"),
	BAD("0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789 UUID=1\n",
	    -ENAMETOOLONG, "456789\": longer than 127 bytes"),
};

static void test_table(void **state)
{
	struct crypttab *t = malloc(sizeof(*t));
	char err[256];

	(void)state;
	assert_non_null(t);
	for (size_t i = 0; i < N(cases); i++) {
		const struct tcase *c = &cases[i];
		size_t len = strlen(c->in);
		int r;

		if (strstr(c->err ? c->err : "", "NUL"))
			len += strlen(c->in + len + 1) + 1;
		r = crypttab_parse(c->in, len, t, err, sizeof(err));
		if (r != c->ret)
			fail_msg("case %zu: %d, expected %d (%s)", i, r, c->ret, err);
		if (r < 0) {
			if (!strstr(err, c->err))
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, c->err);
			continue;
		}
		assert_string_equal(err, "");
		assert_int_equal(t->n, c->n);
		if (!c->n)
			continue;
		const struct crypttab_entry *e = &t->e[t->n - 1];

		assert_string_equal(e->name, c->name);
		assert_string_equal(e->source, c->source);
		assert_string_equal(e->key, c->key);
		assert_string_equal(e->key_dev, c->key_dev);
		assert_string_equal(e->ignored, c->ignored);
		assert_string_equal(e->keyscript, c->keyscript);
		assert_int_equal(e->flags, c->flags);
		assert_int_equal(e->line, c->line);
	}
	free(t);
}

static void test_caps(void **state)
{
	struct crypttab *t = malloc(sizeof(*t));
	char err[256], *buf = malloc(CRYPTTAB_MAX_TEXT + 2);
	size_t o = 0;

	(void)state;
	assert_non_null(t);
	assert_non_null(buf);
	for (int i = 0; i <= CRYPTTAB_MAX_ENTRIES; i++)
		o += (size_t)sprintf(buf + o, "n%d UUID=%d\n", i, i);
	assert_int_equal(crypttab_parse(buf, o, t, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "line 65: more than 64 entries");
	memset(buf, ' ', CRYPTTAB_MAX_LINE + 1);
	assert_int_equal(crypttab_parse(buf, CRYPTTAB_MAX_LINE + 1, t, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "line 1: longer than 4096 bytes");
	memset(buf, '\n', CRYPTTAB_MAX_TEXT + 1);
	assert_int_equal(crypttab_parse(buf, CRYPTTAB_MAX_TEXT + 1, t, err, sizeof(err)), -E2BIG);
	assert_int_equal(crypttab_parse(buf, CRYPTTAB_MAX_TEXT, t, err, sizeof(err)), 0);
	assert_int_equal(t->n, 0);
	free(buf);
	free(t);
}

static void test_source_uuid(void **state)
{
	static const struct {
		const char *source;
		int ret;
		const char *uuid;
	} u[] = {
		{ "UUID=2A000000-0000-4000-8000-000000000001", 0,
		  "2a000000000040008000000000000001" },
		{ "/dev/disk/by-uuid/2a000000-0000-4000-8000-000000000001", 0,
		  "2a000000000040008000000000000001" },
		{ "UUID=2a000000000040008000000000000001", 0, "2a000000000040008000000000000001" },
		{ "UUID=2a000000-0000-4000-8000-00000000000", -ENOENT, NULL },
		{ "UUID=2a000000-0000-4000-8000-0000000000011", -ENOENT, NULL },
		{ "UUID=2g000000-0000-4000-8000-000000000001", -ENOENT, NULL },
		{ "PARTUUID=2a000000-0000-4000-8000-000000000001", -ENOENT, NULL },
		{ "/dev/vda2", -ENOENT, NULL },
	};
	struct crypttab_entry e;
	char out[33];

	(void)state;
	for (size_t i = 0; i < N(u); i++) {
		memset(&e, 0, sizeof(e));
		snprintf(e.source, sizeof(e.source), "%s", u[i].source);
		assert_int_equal(crypttab_source_uuid(&e, out, sizeof(out)), u[i].ret);
		if (u[i].uuid)
			assert_string_equal(out, u[i].uuid);
	}
	assert_int_equal(crypttab_source_uuid(&e, out, 32), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_source_uuid),
	};

	return cmocka_run_group_tests_name("crypttab", tests, NULL, NULL);
}
