/* Unit tests for uevent_parse: kernel uevent messages, well-formed and not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "uevent.h"

/* The message includes its final NUL, as the kernel sends it. */
#define M(lit) lit, sizeof(lit)

static const struct {
	const char *msg;
	size_t len;
	int ret;
	const char *action, *devpath, *subsystem, *modalias, *devname, *devtype;
	int major, minor; /* -1: no devnum */
} cases[] = {
	{ M("add@/devices/pci0000:00/0000:00:04.0\0ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:04.0\0"
	    "SUBSYSTEM=pci\0DRIVER=\0PCI_CLASS=10000\0MODALIAS=pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\0"
	    "SEQNUM=1234"),
	  0, "add", "/devices/pci0000:00/0000:00:04.0", "pci",
	  "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", "", "", -1, -1 },
	{ M("add@/devices/virtual/block/vda/vda1\0ACTION=add\0DEVPATH=/devices/virtual/block/vda/vda1\0"
	    "SUBSYSTEM=block\0MAJOR=254\0MINOR=1\0DEVNAME=vda1\0DEVTYPE=partition\0PARTN=1\0SEQNUM=9"),
	  0, "add", "/devices/virtual/block/vda/vda1", "block", "", "vda1", "partition", 254, 1 },
	/* the header alone is a message */
	{ M("remove@/devices/x"), 0, "remove", "/devices/x", "", "", "", "", -1, -1 },
	{ M("bind@/devices/x\0DRIVER=virtio_blk"), 0, "bind", "/devices/x", "", "", "", "", -1, -1 },
	{ M("add@/d\0MAJOR=4095\0MINOR=1048575"), 0, "add", "/d", "", "", "", "", 4095, 1048575 },
	{ M("add@/d\0MAJOR=0\0MINOR=0"), 0, "add", "/d", "", "", "", "", 0, 0 },
	{ M("add@/d\0UNKNOWN_KEY=\0X=y=z"), 0, "add", "/d", "", "", "", "", -1, -1 },
	{ M("add@/d\0MODALIAS="), 0, "add", "/d", "", "", "", "", -1, -1 },
	/* malformed */
	{ "", 0, -EBADMSG, .major = -1 },
	{ M("add/devices/x"), -EBADMSG, .major = -1 },             /* no '@' */
	{ M("@/devices/x"), -EBADMSG, .major = -1 },               /* no action */
	{ M("add@"), -EBADMSG, .major = -1 },                      /* no devpath */
	{ M("add@devices"), -EBADMSG, .major = -1 },               /* devpath not absolute */
	{ M("ADD@/devices"), -EBADMSG, .major = -1 },
	{ M("libudev\0\xfe\xed\xca\xfe"), -EBADMSG, .major = -1 }, /* udevd's format */
	{ "add@/d\0MODALIAS=x", 17, -EBADMSG, .major = -1 },        /* last field without its NUL */
	{ "add@/d", 6, -EBADMSG, .major = -1 },                     /* header without its NUL */
	{ M("add@/d\0\0MODALIAS=x"), -EBADMSG, .major = -1 },      /* empty field */
	{ M("add@/d\0NOEQUALS"), -EBADMSG, .major = -1 },
	{ M("add@/d\0=value"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MODALIAS=a\0MODALIAS=b"), -EBADMSG, .major = -1 },
	{ M("add@/d\0ACTION=remove"), -EBADMSG, .major = -1 },
	{ M("add@/d\0ACTION=add\0ACTION=add"), -EBADMSG, .major = -1 },
	{ M("add@/d\0DEVPATH=/e"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=8"), -EBADMSG, .major = -1 },            /* MINOR missing */
	{ M("add@/d\0MINOR=8"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=4096\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=8\0MINOR=1048576"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=-1\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=+1\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=1x\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=99999999999\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("add@/d\0MAJOR=8\0MAJOR=8\0MINOR=0"), -EBADMSG, .major = -1 },
	{ M("anextremelylongactionnamethatdoesnotfit@/d"), -E2BIG, .major = -1 },
	{ M("add@/d\0SUBSYSTEM=a-subsystem-name-longer-than-sixty-three-bytes-is-not-kept-cut-ever"), -E2BIG, .major = -1 },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct uevent ev;
		memset(&ev, 0x5a, sizeof(ev));
		int r = uevent_parse(cases[i].msg, cases[i].len, &ev);
		if (r != cases[i].ret)
			fail_msg("case %zu (%s): %d, want %d", i, cases[i].msg, r, cases[i].ret);
		if (r) {
			/* a rejected message leaves nothing behind */
			assert_string_equal(ev.action, "");
			assert_string_equal(ev.modalias, "");
			assert_false(ev.has_devnum);
			continue;
		}
		assert_string_equal(ev.action, cases[i].action);
		assert_string_equal(ev.devpath, cases[i].devpath);
		assert_string_equal(ev.subsystem, cases[i].subsystem);
		assert_string_equal(ev.modalias, cases[i].modalias);
		assert_string_equal(ev.devname, cases[i].devname);
		assert_string_equal(ev.devtype, cases[i].devtype);
		assert_int_equal(ev.has_devnum, cases[i].major >= 0);
		if (ev.has_devnum) {
			assert_int_equal(ev.major, cases[i].major);
			assert_int_equal(ev.minor, cases[i].minor);
		}
	}
}

static size_t build(char *buf, size_t cap, int fields, size_t value_len)
{
	size_t o = (size_t)snprintf(buf, cap, "add@/devices/x") + 1;
	for (int i = 0; i < fields; i++)
		o += (size_t)snprintf(buf + o, cap - o, "K%d=v", i) + 1;
	if (value_len) {
		o += (size_t)snprintf(buf + o, cap - o, "MODALIAS=");
		memset(buf + o, 'm', value_len);
		o += value_len;
		buf[o++] = '\0';
	}
	return o;
}

static void test_caps(void **state)
{
	(void)state;
	static char buf[UEVENT_MAX_MSG + 64];
	struct uevent ev;
	size_t n = build(buf, sizeof(buf), UEVENT_MAX_FIELDS, 0);
	assert_int_equal(uevent_parse(buf, n, &ev), 0);
	n = build(buf, sizeof(buf), UEVENT_MAX_FIELDS + 1, 0);
	assert_int_equal(uevent_parse(buf, n, &ev), -E2BIG);
	/* the longest modalias kept, and one byte more */
	n = build(buf, sizeof(buf), 0, UEVENT_MAX_VALUE - 1);
	assert_int_equal(uevent_parse(buf, n, &ev), 0);
	assert_int_equal(strlen(ev.modalias), UEVENT_MAX_VALUE - 1);
	n = build(buf, sizeof(buf), 0, UEVENT_MAX_VALUE);
	assert_int_equal(uevent_parse(buf, n, &ev), -E2BIG);
	/* a message over the cap is refused before it is read */
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(uevent_parse(buf, UEVENT_MAX_MSG + 1, &ev), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
