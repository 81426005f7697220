/* tlfmt: the timeline line format both ways: tokens, attributes, a line written and read
 * back, a file with every kind of line, a serial-console log, a later boot in the same
 * log, versions, and lines that are not right (counted, never taken half). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tlfmt.h"

static void test_token(void **state)
{
	char out[64];

	(void)state;
	tlfmt_token("a b\n\\", out, sizeof(out));
	assert_string_equal(out, "a\\x20b\\x0a\\x5c");
	tlfmt_token("", out, sizeof(out));
	assert_string_equal(out, "-");
	tlfmt_token(NULL, out, sizeof(out));
	assert_string_equal(out, "-");
	tlfmt_token("0123456789abcdef", out, 10);
	assert_string_equal(out, "012345..."); /* cut visibly, in the room there is */
}

static void test_attrs(void **state)
{
	char attrs[32] = "";
	struct tl_event e = { 0 };
	char v[16];

	(void)state;
	assert_int_equal(tlfmt_attr_add(attrs, sizeof(attrs), "by", "pci:v1"), 0);
	assert_int_equal(tlfmt_attr_add(attrs, sizeof(attrs), "err", "No such"), 0);
	assert_string_equal(attrs, "by=pci:v1 err=No\\x20such");
	assert_int_equal(tlfmt_attr_add(attrs, sizeof(attrs), "long", "0123456789"), -ENAMETOOLONG);
	assert_string_equal(attrs, "by=pci:v1 err=No\\x20such"); /* unchanged */
	memcpy(e.attrs, attrs, sizeof(attrs));
	assert_int_equal(tlfmt_attr_get(&e, "err", v, sizeof(v)), 0);
	assert_string_equal(v, "No\\x20such");
	assert_int_equal(tlfmt_attr_get(&e, "by", v, sizeof(v)), 0);
	assert_string_equal(v, "pci:v1");
	assert_int_equal(tlfmt_attr_get(&e, "b", v, sizeof(v)), -ENOENT);
	assert_int_equal(tlfmt_attr_get(&e, "err", v, 4), -ENAMETOOLONG);
}

static void test_round_trip(void **state)
{
	struct tl_event e = { .kind = "server", .name = "10.0.0.2", .start_us = 3001000,
			      .end_us = 9004567, .outcome = "timeout", .attrs = "proto=nfs4 err=ETIMEDOUT" };
	char text[600] = "sprout-timeline 1\n", line[300];
	struct tl_doc doc;
	int n = tlfmt_line(&e, line, sizeof(line));

	(void)state;
	assert_string_equal(line, "server 10.0.0.2 3.001000 9.004567 timeout proto=nfs4 err=ETIMEDOUT\n");
	assert_int_equal(n, (int)strlen(line));
	assert_int_equal(tlfmt_line(&e, line, 20), -ENAMETOOLONG);
	strcat(text, "server 10.0.0.2 3.001000 9.004567 timeout proto=nfs4 err=ETIMEDOUT\n");
	assert_int_equal(tlfmt_parse(text, strlen(text), &doc), 0);
	assert_int_equal(doc.n, 1);
	assert_memory_equal(&doc.ev[0], &e, sizeof(e));
	tlfmt_free(&doc);
}

static void test_file(void **state)
{
	static const char text[] =
		"sprout-timeline 1\n"
		"# a comment\n"
		"\n"
		"zero 2.5\n"
		"phase early 2.500000 2.504 ok attempts=1\r\n"
		"module virtio_blk 2.51 2.52 ok by=pci:v1\n"
		"gadget thing 2.6 2.7 ok future=1\n"         /* a kind from a newer writer: kept */
		"phase late 3.0 2.0 ok\n"                    /* ends before it starts */
		"module x 1.1234567 2 ok\n"                  /* seven decimals */
		"module y 1 2 ok noequals\n"
		"module z 1 2\n"                             /* too few fields */
		"zero nonsense\n";
	struct tl_doc doc;

	(void)state;
	assert_int_equal(tlfmt_parse(text, sizeof(text) - 1, &doc), 0);
	assert_int_equal(doc.version, 1);
	assert_true(doc.have_zero);
	assert_int_equal(doc.zero_us, 2500000);
	assert_false(doc.have_kernel_zero);
	assert_int_equal(doc.n, 3);
	assert_string_equal(doc.ev[0].kind, "phase");
	assert_string_equal(doc.ev[0].name, "early");
	assert_int_equal(doc.ev[0].end_us, 2504000);
	assert_string_equal(doc.ev[0].attrs, "attempts=1");
	assert_string_equal(doc.ev[1].name, "virtio_blk");
	assert_string_equal(doc.ev[2].kind, "gadget");
	assert_int_equal(doc.bad, 5);
	assert_int_equal(doc.first_bad, 8);
	tlfmt_free(&doc);
}

static void test_serial_log(void **state)
{
	static const char text[] =
		"[    0.000000] Linux version 6.1.0\n"
		"sprout-timeline 1\n" /* a bare line before anything: a file's header is taken... */
		"[    1.840211] Run /init as init process\n"
		"[    1.851002] sprout: loaded virtio_net in 12 ms\n"
		"[    3.120000] sprout: timeline: early 0.004s, root 0.900s; /init ran 1.000s, from 1.850s\r\n"
		"[    3.120100] sprout: tl: sprout-timeline 1\n" /* ...until the log's own: a restart */
		"[    3.120110] sprout: tl: zero 1.850000\n"
		"[    3.120120] sprout: tl: phase early 1.850000 1.854000 ok attempts=1\n"
		"[    3.120150] sprout: tl: module virtio_blk 1.860000 1.900000 ok by=pci:v1\n"
		"phase bogus 1 2 ok\n"            /* not sprout-init's line in a log: not taken */
		"[    3.2] random text\n";
	struct tl_doc doc;

	(void)state;
	assert_int_equal(tlfmt_parse(text, sizeof(text) - 1, &doc), 0);
	assert_true(doc.have_kernel_zero);
	assert_int_equal(doc.kernel_zero_us, 1840211);
	assert_true(doc.have_zero);
	assert_int_equal(doc.zero_us, 1850000);
	assert_string_equal(doc.own, "early 0.004s, root 0.900s; /init ran 1.000s, from 1.850s");
	assert_int_equal(doc.n, 2);
	assert_string_equal(doc.ev[1].name, "virtio_blk");
	assert_int_equal(doc.bad, 0);
	tlfmt_free(&doc);
}

static void test_later_boot(void **state)
{
	static const char text[] = "sprout: tl: sprout-timeline 1\nsprout: tl: phase early 1 2 ok\n"
				   "sprout: tl: sprout-timeline 1\nsprout: tl: phase root 5 6 ok\n";
	struct tl_doc doc;

	(void)state;
	assert_int_equal(tlfmt_parse(text, sizeof(text) - 1, &doc), 0);
	assert_int_equal(doc.n, 1);
	assert_string_equal(doc.ev[0].name, "root");
	tlfmt_free(&doc);
}

static void test_refused(void **state)
{
	struct tl_doc doc;

	(void)state;
	assert_int_equal(tlfmt_parse("sprout-timeline 2\nphase a 1 2 ok\n", 32, &doc), -EPROTONOSUPPORT);
	assert_int_equal(doc.version, 2);
	tlfmt_free(&doc);
	assert_int_equal(tlfmt_parse("phase a 1 2 ok\n", 15, &doc), -EBADMSG);
	tlfmt_free(&doc);
	assert_int_equal(tlfmt_parse("", 0, &doc), -EBADMSG);
	tlfmt_free(&doc);
	/* a NUL inside: the line is not a token line */
	assert_int_equal(tlfmt_parse("sprout-timeline 1\nphase a\0b 1 2 ok\n", 34, &doc), 0);
	assert_int_equal(doc.n, 0);
	assert_int_equal(doc.bad, 1);
	tlfmt_free(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token),      cmocka_unit_test(test_attrs),
		cmocka_unit_test(test_round_trip), cmocka_unit_test(test_file),
		cmocka_unit_test(test_serial_log), cmocka_unit_test(test_later_boot),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
