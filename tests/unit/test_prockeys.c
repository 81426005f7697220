/* Unit tests for prockeys: finding a key in the text of /proc/keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prockeys.h"

#include "testutil.h"

/* As a 6.1 kernel writes it, with the NFS client's keyring and two negative keys in it. */
static const char keys[] =
	"0c0c4a9d I--Q---     1 perm 1f3f0000     0 65534 keyring   _uid_ses.0: 1\n"
	"1b8f2e01 I------     1 perm 1f030000     0     0 keyring   .id_resolver: 2\n"
	"2d02b0c5 I--Q-N-     1   59s 3f010000     0     0 id_resolv uid:root@localdomain: -2\n"
	"35f1d8a8 I------     1 perm 1f030000     0     0 keyring   .id_resolver.old: 7\n";

static void test_find(void **state)
{
	struct prockey k = { 0, 0 };

	(void)state;
	assert_int_equal(prockeys_find(keys, strlen(keys), "keyring", ".id_resolver", &k), 1);
	assert_int_equal(k.id, 0x1b8f2e01);
	assert_int_equal(k.entries, 2);
	assert_int_equal(prockeys_find(keys, strlen(keys), "keyring", "_uid_ses.0", &k), 1);
	assert_int_equal(k.id, 0x0c0c4a9d);
	assert_int_equal(k.entries, 1);
	/* the type must match whole; a description only whole */
	assert_int_equal(prockeys_find(keys, strlen(keys), "id_resolv", "uid:root@localdomain", &k), 1);
	assert_int_equal(k.id, 0x2d02b0c5);
	assert_int_equal(k.entries, -1);
	assert_int_equal(prockeys_find(keys, strlen(keys), "keyrin", ".id_resolver", &k), 0);
	assert_int_equal(prockeys_find(keys, strlen(keys), "keyring", ".id_resolve", &k), 0);
	assert_int_equal(prockeys_find(keys, strlen(keys), "keyring", ".id_resolver.old", &k), 1);
	assert_int_equal(k.id, 0x35f1d8a8);
	assert_int_equal(k.entries, 7);
}

static void test_shapes(void **state)
{
	static const struct {
		const char *text;
		int found;
		int32_t id;
		long entries;
	} t[] = {
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver: empty\n", 1, 42, 0 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver", 1, 42, -1 }, /* no newline, no detail */
		{ "2A I------ 1 perm 1f030000 0 0 keyring .id_resolver: 3", 1, 42, 3 },
		{ "7fffffff I------ 1 perm 1f030000 0 0 keyring .id_resolver: 1", 1, INT32_MAX, 1 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver: lots", 1, 42, -1 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver: 12345678901", 1, 42, -1 },
		/* not the key, or not a key line */
		{ "", 0, 0, 0 },
		{ "\n\n\n", 0, 0, 0 },
		{ "80000000 I------ 1 perm 1f030000 0 0 keyring .id_resolver: 1", 0, 0, 0 },
		{ "00000000 I------ 1 perm 1f030000 0 0 keyring .id_resolver: 1", 0, 0, 0 },
		{ "123456789 I------ 1 perm 1f030000 0 0 keyring .id_resolver: 1", 0, 0, 0 },
		{ "0000002g I------ 1 perm 1f030000 0 0 keyring .id_resolver: 1", 0, 0, 0 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring", 0, 0, 0 },
		{ "0000002a I------ 1 perm 1f030000 0 keyring .id_resolver: 1", 0, 0, 0 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver:1", 0, 0, 0 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolverX: 1", 0, 0, 0 },
		{ "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver:", 0, 0, 0 },
		/* a bad line before the good one is skipped */
		{ "junk\n0000002b I------ 1 perm 1f030000 0 0 keyring .id_resolver: 1\n", 1, 43, 1 },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		struct prockey k = { -7, -7 };
		int r = prockeys_find(t[i].text, strlen(t[i].text), "keyring", ".id_resolver", &k);

		assert_int_equal(r, t[i].found);
		if (r) {
			assert_int_equal(k.id, t[i].id);
			assert_int_equal(k.entries, t[i].entries);
		} else {
			assert_int_equal(k.id, -7); /* untouched */
		}
	}
	assert_int_equal(prockeys_find(NULL, 0, "keyring", ".id_resolver", NULL), 0);
}

/* A length that stops inside the buffer: nothing past it is read. */
static void test_length(void **state)
{
	static const char two[] = "0000002a I------ 1 perm 1f030000 0 0 keyring .id_resolver: 99";
	struct prockey k;

	(void)state;
	assert_int_equal(prockeys_find(two, strlen(two) - 1, "keyring", ".id_resolver", &k), 1);
	assert_int_equal(k.entries, 9);
	assert_int_equal(prockeys_find(two, strlen(two) - 4, "keyring", ".id_resolver", &k), 1);
	assert_int_equal(k.entries, -1);
	assert_int_equal(prockeys_find(two, strlen(two) - 5, "keyring", ".id_resolver", &k), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
