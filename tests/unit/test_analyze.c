/* analyze: on a recorded timeline (an NFS boot whose first server is dead): the phase
 * table, the slowest events, the drivers root first kept back, the critical path to the root, time zero from a serial log,
 * the JSON and the SVG's labels; and a timeline without phases. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze.h"
#include "tlfmt.h"

static const char recorded[] =
	"sprout-timeline 1\n"
	"zero 2.000000\n"
	"phase early 2.000000 2.004000 ok attempts=1\n"
	"phase cmdline 2.004000 2.004300 ok attempts=1\n"
	"phase devices 2.004300 2.310000 ok attempts=1\n"
	"phase storage 2.310000 2.312000 ok attempts=1\n"
	"phase network 2.312000 3.100000 ok attempts=1\n"
	"phase root 3.100000 9.200000 ok attempts=1\n"
	"phase overlay 9.200000 9.210000 ok attempts=1\n"
	"phase handover 9.210000 9.220000 ok attempts=1\n"
	"module virtio_pci 2.005000 2.020000 ok by=pci:v00001AF4d00001000\n"
	"module virtio_net 2.020000 2.150000 ok by=virtio:d00000001v00001AF4\n"
	"module crc32c 2.030000 2.040000 ok by=name\n" /* inside virtio_net's load: not on the path */
	"module af_packet 2.400000 2.410000 ok by=net-pf-17\n"
	"wait carrier 2.320000 2.390000 ok\n"
	"dhcp eth0 2.410000 3.090000 ok server=10.0.2.2 addr=10.0.2.15\n"
	"module nfsv4 3.101000 3.300000 ok by=fs-nfs4\n"
	"server 10.0.44.2 3.300000 9.000000 timeout proto=nfs4 path=/export err=ETIMEDOUT\n"
	"server 10.0.44.3 9.000000 9.190000 ok proto=nfs4 path=/export\n"
	"module late 9.300000 9.400000 ok by=name\n" /* after the root: not on the path */
	/* a driver root first kept back: listed apart, never slow, never on the path */
	"defer ata_piix 2.300000 9.195000 loaded by=pci:v00008086d00007010 what=IDE\\x20controller why=test\n";

struct fixture {
	struct tl_doc doc;
	struct analysis a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(tlfmt_parse(recorded, sizeof(recorded) - 1, &f->doc), 0);
	assert_int_equal(analysis_make(&f->a, &f->doc), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	analysis_free(&f->a);
	tlfmt_free(&f->doc);
	free(f);
	return 0;
}

static const char *name(const struct analysis *a, size_t i)
{
	return a->doc->ev[i].name;
}

static void test_table(void **state)
{
	struct fixture *f = *state;
	const struct analysis *a = &f->a;

	assert_int_equal(a->nphases, 8);
	assert_string_equal(name(a, a->phases[0]), "early");
	assert_string_equal(name(a, a->phases[7]), "handover");
	assert_int_equal(a->zero_us, 2000000);
	assert_string_equal(a->zero_what, "sprout-init's start");
	assert_int_equal(a->root_us, 9200000);
	assert_int_equal(a->nslow, 10);
	assert_string_equal(name(a, a->slow[0]), "10.0.44.2");
	assert_string_equal(name(a, a->slow[1]), "eth0");
	assert_string_equal(analysis_phase_of(a, &a->doc->ev[a->slow[0]]), "root");

	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	analyze_print(a, "recorded", 3, out);
	fclose(out);
	assert_non_null(strstr(buf, "root          +1.100s     6.100s         1\n"));
	assert_non_null(strstr(buf, "total                     7.220s"));
	assert_non_null(strstr(buf, "slowest 3 of 10 events"));
	assert_non_null(strstr(buf, "5.700s    +1.300s  server  10.0.44.2 timeout (proto=nfs4 path=/export err=ETIMEDOUT) [root]"));
	assert_null(strstr(buf, "crc32c")); /* not among the 3 slowest, not on the path */
	assert_int_equal(a->nkept, 1);
	assert_non_null(strstr(buf, "drivers kept for later (root first): 1 device(s)\n"
				    "    6.895s    +0.300s  defer   ata_piix loaded (by=pci:v00008086d00007010 what=IDE controller why=test) [devices]\n"));
	free(buf);
}

static void test_critical_path(void **state)
{
	struct fixture *f = *state;
	const struct analysis *a = &f->a;
	static const char *const want[] = { "virtio_pci", "virtio_net", "carrier", "af_packet", "eth0",
					    "nfsv4", "10.0.44.2", "10.0.44.3" };

	assert_int_equal(a->npath, 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(name(a, a->path[i]), want[i]);
}

static void test_json_svg(void **state)
{
	struct fixture *f = *state;
	char *buf;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	analyze_json(&f->a, out);
	fclose(out);
	static const char head[] = "{\"version\":1,\"zero\":2.000000,\"zero_is\":\"sprout-init\",\"root_ready\":7.200000,";

	assert_memory_equal(buf, head, sizeof(head) - 1);
	assert_non_null(strstr(buf, "{\"kind\":\"server\",\"name\":\"10.0.44.2\",\"start\":1.300000,\"end\":7.000000,"
				    "\"seconds\":5.700000,\"outcome\":\"timeout\",\"phase\":\"root\",\"attrs\":{\"proto\":\"nfs4\","
				    "\"path\":\"/export\",\"err\":\"ETIMEDOUT\"}}"));
	free(buf);

	out = open_memstream(&buf, &len);
	analyze_svg(&f->a, "a <test> & more", out);
	fclose(out);
	assert_true(!strncmp(buf, "<svg ", 5));
	assert_non_null(strstr(buf, "</svg>\n"));
	assert_non_null(strstr(buf, "a &lt;test&gt; &amp; more"));
	assert_non_null(strstr(buf, ">module nfsv4 199 ms (for fs-nfs4)</text>"));
	assert_non_null(strstr(buf, ">server 10.0.44.2 5.70 s — timeout ETIMEDOUT</text>"));
	assert_non_null(strstr(buf, "fill=\"#e53e3e\"")); /* the dead server in the failure colour */
	static const char *const phases[] = { "early", "cmdline", "devices", "storage", "network", "root",
					      "overlay", "handover" };
	for (size_t i = 0; i < 8; i++) {
		char want[64];

		snprintf(want, sizeof(want), ">%s ", phases[i]);
		assert_non_null(strstr(buf, want));
	}
	free(buf);
}

static void test_kernel_zero(void **state)
{
	static const char log[] = "[    1.840000] Run /init as init process\n"
				  "[    3.1] sprout: tl: sprout-timeline 1\n"
				  "[    3.1] sprout: tl: phase early 1.850000 1.860000 ok attempts=1\n";
	struct tl_doc doc;
	struct analysis a;

	(void)state;
	assert_int_equal(tlfmt_parse(log, sizeof(log) - 1, &doc), 0);
	assert_int_equal(analysis_make(&a, &doc), 0);
	assert_int_equal(a.zero_us, 1840000);
	assert_string_equal(a.zero_what, "the kernel's \"Run /init\"");
	assert_int_equal(a.npath, 0);
	analysis_free(&a);
	tlfmt_free(&doc);

	/* the log's stamps run 35 ms behind sprout-init's clock: "Run /init" moves with them */
	static const char drift[] = "[    1.800000] Run /init as init process\n"
				    "[    3.000000] sprout: tl: sprout-timeline 1\n"
				    "[    3.000100] sprout: tl: clock 3.035100\n"
				    "[    3.000200] sprout: tl: phase early 1.850000 1.860000 ok attempts=1\n";

	assert_int_equal(tlfmt_parse(drift, sizeof(drift) - 1, &doc), 0);
	assert_true(doc.have_clock);
	assert_int_equal(doc.clock_stamp_us, 3000100);
	assert_int_equal(analysis_make(&a, &doc), 0);
	assert_int_equal(a.zero_us, 1835000);
	analysis_free(&a);
	tlfmt_free(&doc);

	assert_int_equal(tlfmt_parse("sprout-timeline 1\nmodule a 1 2 ok\n", 33, &doc), 0);
	assert_int_equal(analysis_make(&a, &doc), -ENODATA);
	tlfmt_free(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_critical_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_svg, setup, teardown),
		cmocka_unit_test(test_kernel_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
