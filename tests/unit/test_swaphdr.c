/* swaphdr: the signature, UUID and label of a swap area's first page. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "swaphdr.h"

/* A page as mkswap writes it (version 1), with sig in its last 10 bytes. */
static void make(uint8_t *page, size_t size, const char *sig, size_t siglen, bool uuid,
		 const char *label)
{
	static const uint8_t u[16] = { 0x5a, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0xf2 };

	memset(page, 0, size);
	page[1024] = 1;
	if (uuid)
		memcpy(page + 1036, u, sizeof(u));
	memcpy(page + 1052, label, strlen(label));
	memcpy(page + size - 10, sig, siglen);
}

static void test_kinds(void **state)
{
	static const struct {
		const char *sig;
		size_t len;
		enum swaphdr_kind kind;
		const char *name;
	} t[] = {
		{ "SWAPSPACE2", 10, SWAPHDR_SWAP, "SWAPSPACE2" },
		{ "S1SUSPEND\0", 10, SWAPHDR_IMAGE, "S1SUSPEND" },
		{ "ULSUSPEND\0", 10, SWAPHDR_IMAGE, "ULSUSPEND" },
		{ "LINHIB0001", 10, SWAPHDR_IMAGE, "LINHIB0001" },
		{ "S1SUSPENDX", 10, SWAPHDR_NONE, "" },   /* not NUL-padded: not the signature */
		{ "SWAP-SPACE", 10, SWAPHDR_NONE, "" },   /* version 0: gone from Linux since 2.5 */
		{ "\0\0\0\0\0\0\0\0\0\0", 10, SWAPHDR_NONE, "" },
	};
	static uint8_t page[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct swaphdr h;

		make(page, 4096, t[i].sig, t[i].len, true, "swap");
		assert_int_equal(swaphdr_parse(page, 4096, 4096, &h), 0);
		if (h.kind != t[i].kind || strcmp(h.sig, t[i].name))
			fail_msg("case %zu: kind %d sig '%s'", i, h.kind, h.sig);
		if (h.kind != SWAPHDR_NONE) {
			assert_string_equal(h.uuid, "5a000000-0000-4000-8000-0000000000f2");
			assert_string_equal(h.label, "swap");
		} else {
			assert_string_equal(h.uuid, "");
		}
	}
	/* a 16-byte label without NUL; no UUID; a larger page */
	make(page, 8192, "SWAPSPACE2", 10, false, "0123456789abcdef");
	struct swaphdr h;
	assert_int_equal(swaphdr_parse(page, sizeof(page), 8192, &h), 0);
	assert_int_equal(h.kind, SWAPHDR_SWAP);
	assert_string_equal(h.uuid, "");
	assert_string_equal(h.label, "0123456789abcdef");
	/* the same page read as 4096 bytes has no signature at 4086 */
	assert_int_equal(swaphdr_parse(page, sizeof(page), 4096, &h), 0);
	assert_int_equal(h.kind, SWAPHDR_NONE);
	assert_string_equal(swaphdr_kind_name(SWAPHDR_IMAGE), "hibernation image");
}

static void test_bad_sizes(void **state)
{
	static uint8_t page[8192];
	struct swaphdr h;

	(void)state;
	make(page, 4096, "SWAPSPACE2", 10, true, "");
	assert_int_equal(swaphdr_parse(page, 4095, 4096, &h), -EINVAL);
	assert_int_equal(swaphdr_parse(page, 4096, 2048, &h), -EINVAL);
	assert_int_equal(swaphdr_parse(page, 8192, 6144, &h), -EINVAL);
	assert_int_equal(swaphdr_parse(page, 8192, 1u << 17, &h), -EINVAL);
	assert_int_equal(h.kind, SWAPHDR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
