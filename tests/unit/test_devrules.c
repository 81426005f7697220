/* Unit tests for device rules: the devices.conf parser (mdev.conf syntax), matching on
 * recorded uevents, the passwd/group lookups, the snapshot comparison, and the rules
 * applied to a scratch dev directory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#define TESTUTIL_LOG
#include "testutil.h"

#include "devrules.h"
#include "devrules_apply.h"
#include "devsnap.h"
#include "passwd.h"
#include "snapshot.h"
#include "uevent.h"

#define M(lit) lit, sizeof(lit)

/* --- the parser ------------------------------------------------------------------------ */

struct errs {
	unsigned line[16];
	char why[16][160];
	int n;
};

static void on_err(unsigned line, const char *why, void *ctx)
{
	struct errs *e = ctx;
	if (e->n < 16) {
		e->line[e->n] = line;
		snprintf(e->why[e->n], sizeof(e->why[0]), "%s", why);
	}
	e->n++;
}

static int parse(const char *text, struct devrules *rs, struct errs *e)
{
	memset(rs, 0, sizeof(*rs));
	memset(e, 0, sizeof(*e));
	return devrules_parse(text, strlen(text), rs, on_err, e);
}

static void test_parse_good(void **state)
{
	(void)state;
	struct devrules rs;
	struct errs e;
	const char *text =
		"# comment\n"
		"\n"
		"   \t\n"
		"null 0:0 666\n"
		"-sd[a-z] root:disk 0660\n"
		"$MODALIAS=.* 0:0 0660 @/sbin/modprobe -b x\n"
		"@8,0-15 0:6 0640 =disk/\n"
		"SUBSYSTEM=sound;.* root:audio 0660 >snd/%0\n"
		"hw.* 0:0 0 !\n"
		"ttyS([0-9]) 0:20 0660 >serial%1 *  /bin/true  a   b  \n"
		"input/event.* 0:0 0640\n"
		"[*+]+x{1,16}[]?]? 0:0 0640\n";
	assert_int_equal(parse(text, &rs, &e), 9);
	assert_int_equal(e.n, 0);
	const struct devrule *r = rs.rule;
	assert_int_equal(r[0].line, 4);
	assert_int_equal(r[0].kind, DEVRULE_NAME);
	assert_int_equal(r[0].mode, 0666);
	assert_false(r[0].cont);
	assert_true(r[1].cont);
	assert_string_equal(r[1].user, "root");
	assert_string_equal(r[1].group, "disk");
	assert_int_equal(r[2].kind, DEVRULE_ENV);
	assert_string_equal(r[2].var, "MODALIAS");
	assert_int_equal(r[2].when, DEVRULE_CMD_ADD);
	assert_string_equal(r[2].cmd, "/sbin/modprobe -b x");
	assert_int_equal(r[3].kind, DEVRULE_DEVNUM);
	assert_int_equal(r[3].major, 8);
	assert_int_equal(r[3].minor_lo, 0);
	assert_int_equal(r[3].minor_hi, 15);
	assert_int_equal(r[3].node, DEVRULE_MOVE);
	assert_string_equal(r[3].path, "disk/");
	assert_int_equal(r[4].ncond, 1);
	assert_string_equal(r[4].cond[0].key, "SUBSYSTEM");
	assert_int_equal(r[4].node, DEVRULE_LINK);
	assert_int_equal(r[5].node, DEVRULE_NONODE);
	assert_int_equal(r[6].when, DEVRULE_CMD_BOTH);
	char buf[DEVRULES_MAX_LINE];
	const char *argv[DEVRULES_MAX_ARGS];
	assert_int_equal(devrules_argv(&r[6], buf, argv), 3);
	assert_string_equal(argv[0], "/bin/true");
	assert_string_equal(argv[2], "b");
	assert_null(argv[3]);
	assert_true(r[7].re_path);
	devrules_free(&rs);
	devrules_free(&rs); /* harmless twice */
}

/* Each bad line is reported with its number and what was expected, and skipped; the
 * good lines around it still count. */
static void test_parse_bad(void **state)
{
	(void)state;
	static const struct {
		const char *line, *why;
	} cases[] = {
		{ "sda", "user:group after the device match" },
		{ "sda root:disk", "a mode after user:group" },
		{ "sda rootdisk 0660", "user:group (names or numbers)" },
		{ "sda root:di$k 0660", "user:group (names of letters" },
		{ "sda 0:0 0668", "an octal mode such as 0660" },
		{ "sda 0:0 17777", "an octal mode of at most 07777" },
		{ "sda 0:0 066666", "an octal mode such as 0660" },
		{ "sd[a 0:0 0660", "a valid extended regular expression for the device name" },
		{ "$=x 0:0 0660", "$VAR=regex with a VAR" },
		{ "$V 0:0 0660", "$VAR=regex with a VAR" },
		{ "$V=( 0:0 0660", "a valid extended regular expression after $VAR=" },
		{ "@8 0:0 0660", "@major,minor[-minor2]" },
		{ "@8,x 0:0 0660", "a minor number" },
		{ "@9999,1 0:0 0660", "a major number" },
		{ "@8,5-2 0:0 0660", "a last minor number not below the first" },
		{ "SUB-SYS=x;sda 0:0 0660", "KEY=regex; with a KEY" },
		{ "A=(;sda 0:0 0660", "a valid extended regular expression after KEY=" },
		{ "A=1;B=1;C=1;D=1;E=1;F=1;G=1;H=1;I=1;sda 0:0 0660", "at most 8 KEY=regex;" },
		{ "sda 0:0 0660 =../etc/passwd", "a path under /dev" },
		{ "sda 0:0 0660 >/etc/x", "a path under /dev" },
		{ "sda 0:0 0660 =a//b", "a path under /dev" },
		{ "sda 0:0 0660 =", "a path under /dev" },
		{ "sda 0:0 0660 junk", "=path, >path, ! or a command" },
		{ "sda 0:0 0660 =x junk", "=path, >path, ! or a command" },
		{ "sda 0:0 0660 @", "a command after" },
		{ "sda 0:0 0660 @a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 "
		  "27 28 29 30 31", "a command of at most 31 words" },
		{ "- 0:0 0660", "a device name regex" },
		{ "hw.++++++++++ 0:0 0660", "no stacked repetitions" },
		{ "a*{2} 0:0 0660", "no stacked repetitions" },
		{ "((a{9}){9}){9} 0:0 0660", "no stacked repetitions" },
		{ "a{17} 0:0 0660", "no stacked repetitions" },
		{ "$X=a** 0:0 0660", "no stacked repetitions" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char text[512];
		struct devrules rs;
		struct errs e;
		snprintf(text, sizeof(text), "null 0:0 0666\n%s\nzero 0:0 0666\n", cases[i].line);
		int n = parse(text, &rs, &e);
		if (n != 2 || e.n != 1 || e.line[0] != 2 || !strstr(e.why[0], cases[i].why))
			fail_msg("case %zu \"%s\": %d rules, %d errors, line %u: \"%s\"", i, cases[i].line,
				 n, e.n, e.line[0], e.why[0]);
		devrules_free(&rs);
	}
}

static void test_parse_caps(void **state)
{
	(void)state;
	struct devrules rs;
	struct errs e;
	static char big[DEVRULES_MAX_FILE + 2];
	memset(big, '\n', sizeof(big));
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(devrules_parse(big, sizeof(big), &rs, on_err, &e), -E2BIG);
	assert_int_equal(rs.n, 0);
	/* a NUL byte and an over-long line: reported, skipped */
	const char text[] = "sda 0:0 0660\nsd\0b 0:0 0660\n";
	memset(&e, 0, sizeof(e));
	assert_int_equal(devrules_parse(text, sizeof(text) - 1, &rs, on_err, &e), 1);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.line[0], 2);
	devrules_free(&rs);
	char *longl = malloc(DEVRULES_MAX_LINE + 16);
	memset(longl, 'a', DEVRULES_MAX_LINE + 15);
	longl[DEVRULES_MAX_LINE + 15] = '\0';
	assert_int_equal(parse(longl, &rs, &e), 0);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.why[0], "4096 bytes"));
	devrules_free(&rs);
	free(longl);
	/* no terminating newline, CRLF */
	assert_int_equal(parse("sda 0:0 0660\r\nsdb 0:0 0600", &rs, &e), 2);
	assert_int_equal(rs.rule[0].mode, 0660);
	devrules_free(&rs);
}

/* --- matching on recorded uevents --------------------------------------------------------- */

static const char ev_sda[] = "add@/devices/pci0000:00/0000:00:05.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda\0"
	"ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:05.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda\0"
	"SUBSYSTEM=block\0MAJOR=8\0MINOR=0\0DEVNAME=sda\0DEVTYPE=disk\0DISKSEQ=3\0SEQNUM=1203";
static const char ev_sr0[] = "add@/devices/pci0000:00/0000:00:01.1/ata2/host1/target1:0:0/1:0:0:0/block/sr0\0"
	"ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:01.1/ata2/host1/target1:0:0/1:0:0:0/block/sr0\0"
	"SUBSYSTEM=block\0MAJOR=11\0MINOR=0\0DEVNAME=sr0\0DEVTYPE=disk\0DISKSEQ=2\0SEQNUM=1190";
static const char ev_event[] = "add@/devices/platform/i8042/serio0/input/input1/event0\0"
	"ACTION=add\0DEVPATH=/devices/platform/i8042/serio0/input/input1/event0\0"
	"SUBSYSTEM=input\0MAJOR=13\0MINOR=64\0DEVNAME=input/event0\0SEQNUM=1001";
static const char ev_pcm[] = "add@/devices/pci0000:00/0000:00:1b.0/sound/card0/pcmC0D0p\0"
	"ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:1b.0/sound/card0/pcmC0D0p\0"
	"SUBSYSTEM=sound\0MAJOR=116\0MINOR=16\0DEVNAME=snd/pcmC0D0p\0SEQNUM=2001";
static const char ev_pci[] = "add@/devices/pci0000:00/0000:00:04.0\0ACTION=add\0"
	"DEVPATH=/devices/pci0000:00/0000:00:04.0\0SUBSYSTEM=pci\0"
	"MODALIAS=pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00\0SEQNUM=1234";

static struct uevent *ev_of(const char *msg, size_t len)
{
	static struct uevent ev;
	assert_int_equal(uevent_parse(msg, len, &ev), 0);
	return &ev;
}

/* The line of the rule that decides the node's owner and mode, 0 for none. */
static unsigned decides(const char *rules, const char *msg, size_t len)
{
	struct devrules rs;
	struct errs e;
	parse(rules, &rs, &e);
	assert_int_equal(e.n, 0);
	const struct devrule *r = devrules_expect(&rs, ev_of(msg, len));
	unsigned line = r ? r->line : 0;
	devrules_free(&rs);
	return line;
}

static void test_match(void **state)
{
	(void)state;
	/* the regex matches the whole name */
	assert_int_equal(decides("sd 0:0 0600\nsd[a-z] 0:6 0660\n", M(ev_sda)), 2);
	assert_int_equal(decides("sd[a-z][0-9] 0:6 0660\n", M(ev_sda)), 0);
	/* first match wins; '-' goes on */
	assert_int_equal(decides("sd.* 0:6 0660\nsda 0:0 0600\n", M(ev_sda)), 1);
	assert_int_equal(decides("-sd.* 0:6 0660\nsda 0:0 0600\n", M(ev_sda)), 2);
	/* subsystem and variables */
	assert_int_equal(decides("SUBSYSTEM=input;.* 0:0 0600\nSUBSYSTEM=block;sd.* 0:6 0660\n", M(ev_sda)), 2);
	assert_int_equal(decides("$SUBSYSTEM=bl.ck 0:6 0660\n", M(ev_sda)), 1);
	assert_int_equal(decides("$DEVTYPE=partition 0:6 0660\n$DEVTYPE=disk 0:0 0600\n", M(ev_sda)), 2);
	assert_int_equal(decides("$DISKSEQ=3 0:6 0660\n", M(ev_sda)), 1);
	assert_int_equal(decides("$NOSUCH=.* 0:6 0660\n", M(ev_sda)), 0);
	assert_int_equal(decides("$MAJOR=8 0:6 0660\n", M(ev_sda)), 1);
	assert_int_equal(decides("DEVTYPE=disk;SUBSYSTEM=block;sd[a-z] 0:6 0660\n", M(ev_sda)), 1);
	assert_int_equal(decides("DEVTYPE=disk;SUBSYSTEM=input;sd[a-z] 0:6 0660\n", M(ev_sda)), 0);
	/* device numbers */
	assert_int_equal(decides("@8,1-15 0:6 0660\n@8,0 0:0 0600\n", M(ev_sda)), 2);
	assert_int_equal(decides("@11,0 0:24 0660\n", M(ev_sda)), 0);
	/* a name with a directory: the last component, or the whole name when the regex
	 * names a directory */
	assert_int_equal(decides("event[0-9]+ 0:0 0640\n", M(ev_event)), 1);
	assert_int_equal(decides("input/.* 0:0 0640\n", M(ev_event)), 1);
	assert_int_equal(decides("put/event0 0:0 0640\n", M(ev_event)), 0);
	/* no DEVNAME: a device without a node is never matched */
	assert_int_equal(decides(".* 0:0 0640\n$SUBSYSTEM=pci 0:0 0600\n", M(ev_pci)), 0);
}

static void test_match_paths(void **state)
{
	(void)state;
	struct devrules rs;
	struct errs e;
	char path[DEVRULES_MAX_PATH];
	/* the cdrom link to the first optical drive is one rule */
	assert_int_equal(parse("sr0 root:cdrom 0660 >cdrom\n", &rs, &e), 1);
	assert_int_equal(devrules_next(&rs, 0, ev_of(M(ev_sr0)), path), 0);
	assert_string_equal(path, "cdrom");
	assert_int_equal(devrules_next(&rs, 0, ev_of(M(ev_sda)), path), -1);
	devrules_free(&rs);
	/* %N from the groups of the name regex */
	assert_int_equal(parse("pcmC([0-9]+)D([0-9]+)p 0:29 0660 =sound/card%1/play%2\n"
			       "SUBSYSTEM=block;(s)d([a-z]) 0:6 0660 >disks/%1-%2-%0-%9\n", &rs, &e), 2);
	assert_int_equal(devrules_next(&rs, 0, ev_of(M(ev_pcm)), path), 0);
	assert_string_equal(path, "sound/card0/play0");
	assert_int_equal(devrules_next(&rs, 1, ev_of(M(ev_sda)), path), 1);
	assert_string_equal(path, "disks/s-a-sda-");
	devrules_free(&rs);
	/* an expansion that would leave /dev does not match */
	static const char ev_dots[] = "add@/devices/x\0SUBSYSTEM=misc\0MAJOR=10\0MINOR=1\0DEVNAME=..";
	assert_int_equal(parse("(.*) 0:0 0600 >x/%1/y\n(.*) 0:0 0600 >%1\n", &rs, &e), 2);
	assert_int_equal(devrules_next(&rs, 0, ev_of(M(ev_dots)), path), -1);
	devrules_free(&rs);
}

static void test_cmd_runs(void **state)
{
	(void)state;
	struct devrules rs;
	struct errs e;
	assert_int_equal(parse("a 0:0 0600 @x\nb 0:0 0600 $x\nc 0:0 0600 *x\nd 0:0 0600\n", &rs, &e), 4);
	assert_true(devrules_cmd_runs(&rs.rule[0], "add"));
	assert_false(devrules_cmd_runs(&rs.rule[0], "remove"));
	assert_false(devrules_cmd_runs(&rs.rule[1], "add"));
	assert_true(devrules_cmd_runs(&rs.rule[1], "remove"));
	assert_true(devrules_cmd_runs(&rs.rule[2], "add"));
	assert_true(devrules_cmd_runs(&rs.rule[2], "remove"));
	assert_false(devrules_cmd_runs(&rs.rule[2], "change"));
	assert_false(devrules_cmd_runs(&rs.rule[3], "add"));
	devrules_free(&rs);
}

/* --- passwd and group ----------------------------------------------------------------------- */

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
	"+nis::::::\n"
	"broken line\n"
	"nouid:x::1:\n"
	"big:x:4294967295:1::/:\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
	"alice:x:2000:2000:second:/:/bin/sh\n"
	"averyveryveryveryverylongusername1:x:7:7::/:\n"
	"last:x:1001:1001::/:/bin/sh";
static const char group[] = "root:x:0:\ndisk:x:6:\ncdrom:x:24:alice,bob\naudio:x:29\n";

static void test_passwd(void **state)
{
	(void)state;
	unsigned id = 99;
	char name[PASSWD_MAX_NAME + 1];
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "root", &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "alice", &id), 0);
	assert_int_equal(id, 1000); /* the first line */
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "last", &id), 0);
	assert_int_equal(id, 1001);
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "nouid", &id), -ENOENT);
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "big", &id), -ENOENT);
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "+nis", &id), -ENOENT);
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "averyveryveryveryverylongusername1", &id), -ENOENT);
	assert_int_equal(passwd_find_id(passwd, strlen(passwd), "broken line", &id), -ENOENT);
	assert_int_equal(passwd_find_id(NULL, 0, "root", &id), -ENOENT);
	assert_int_equal(passwd_find_id(group, strlen(group), "audio", &id), 0);
	assert_int_equal(id, 29);
	assert_int_equal(passwd_find_name(group, strlen(group), 24, name, sizeof(name)), 0);
	assert_string_equal(name, "cdrom");
	assert_int_equal(passwd_find_name(passwd, strlen(passwd), 1000, name, sizeof(name)), 0);
	assert_string_equal(name, "alice");
	assert_int_equal(passwd_find_name(passwd, strlen(passwd), 5, name, sizeof(name)), -ENOENT);
	assert_int_equal(passwd_find_name(passwd, strlen(passwd), 1000, name, 3), -ENAMETOOLONG);
	/* rule fields */
	assert_int_equal(passwd_check_name("alice"), 0);
	assert_int_equal(passwd_check_name("1000"), 0);
	assert_int_equal(passwd_check_name("a.b_c-d"), 0);
	assert_int_equal(passwd_check_name(""), -EINVAL);
	assert_int_equal(passwd_check_name("-x"), -EINVAL);
	assert_int_equal(passwd_check_name("a:b"), -EINVAL);
	assert_int_equal(passwd_check_name("averyveryveryveryverylongusername1"), -EINVAL);
	assert_int_equal(passwd_resolve(NULL, 0, "42", &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(passwd_resolve(NULL, 0, "alice", &id), -ENOENT);
	assert_int_equal(passwd_resolve(passwd, strlen(passwd), "alice", &id), 0);
	assert_int_equal(id, 1000);
	assert_int_equal(passwd_resolve(NULL, 0, "4294967295", &id), -ENOENT);
}

/* --- snapshot --------------------------------------------------------------------------------- */

static void test_devsnap_line(void **state)
{
	(void)state;
	struct devrules rs;
	struct errs e;
	struct devsnap_ids ids = { passwd, group, strlen(passwd), strlen(group) };
	char out[256];
	assert_int_equal(parse("sd[a-z] root:disk 0660\nsr0 alice:cdrom 0660 >cdrom\n"
			       "SUBSYSTEM=input;.* 0:0 0640\n", &rs, &e), 3);
	/* as the rule says: nothing */
	struct devsnap_node n = { "sda", "block", 0, 6, 0660, 8, 0 };
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 0);
	/* changed by hand */
	n.mode = 0666;
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 1);
	assert_string_equal(out, "sda root:disk 0666\n");
	n = (struct devsnap_node){ "sr0", "block", 1000, 24, 0660, 11, 0 };
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 0);
	n.uid = 0;
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 1);
	assert_string_equal(out, "sr0 root:cdrom 0660\n");
	/* the subsystem decides: unknown, no rule, the kernel's mode */
	n = (struct devsnap_node){ "input/event0", NULL, 0, 0, 0640, 13, 64 };
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 1);
	assert_string_equal(out, "input/event0 root:root 0640\n");
	n.subsystem = "input";
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 0);
	/* no rule: the kernel's modes, root's owner; special characters escaped; numbers
	 * for ids no file names */
	n = (struct devsnap_node){ "null", NULL, 0, 0, 0666, 1, 3 };
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 0);
	n = (struct devsnap_node){ "ttyS0", NULL, 0, 0, 0600, 4, 64 };
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 0);
	n = (struct devsnap_node){ "dm.x+[1]", NULL, 4242, 6, 0600, 253, 0 };
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), 1);
	assert_string_equal(out, "dm\\.x\\+\\[1\\] 4242:disk 0600\n");
	/* the rule printed matches the node again */
	struct devrules again;
	assert_int_equal(parse(out, &again, &e), 1);
	struct devsnap_node same = n;
	assert_int_equal(devsnap_line(&again, &ids, &same, out, sizeof(out)), 0);
	devrules_free(&again);
	/* never cut; names no rule can hold */
	n.uid = 0;
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, 8), -ENAMETOOLONG);
	n.name = "a b";
	assert_int_equal(devsnap_line(&rs, &ids, &n, out, sizeof(out)), -EINVAL);
	assert_int_equal(devsnap_kernel_mode("kmsg"), 0644);
	devrules_free(&rs);
}

/* A scratch directory with a dev tree, rules and passwd/group in it. */
static char scratch[64];

static void put(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", scratch, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void node_at(const char *rel, mode_t type, unsigned ma, unsigned mi, mode_t mode,
		    unsigned uid, unsigned gid)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", scratch, rel);
	assert_int_equal(mknod(p, type | mode, makedev(ma, mi)), 0);
	assert_int_equal(chmod(p, mode), 0);
	assert_int_equal(chown(p, uid, gid), 0);
}

static void make_scratch(void)
{
	char p[256];
	snprintf(scratch, sizeof(scratch), "/tmp/sprout-devrules-XXXXXX");
	assert_non_null(mkdtemp(scratch));
	snprintf(p, sizeof(p), "%s/dev", scratch);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/dev/input", scratch);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc", scratch);
	mkdir(p, 0755);
	put("etc/passwd", passwd);
	put("etc/group", group);
}

static void drop_scratch(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	assert_int_equal(system(cmd), 0);
}

static void test_snapshot_dir(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* mknod needs root; make check runs as root */
	make_scratch();
	node_at("dev/sda", S_IFBLK, 8, 0, 0660, 0, 6);
	node_at("dev/sdb", S_IFBLK, 8, 16, 0666, 0, 6);
	node_at("dev/null", S_IFCHR, 1, 3, 0666, 0, 0);
	node_at("dev/input/event0", S_IFCHR, 13, 64, 0640, 1000, 29);
	put("rules", "sd[a-z] root:disk 0660\n"
		     "garbage\n");
	char rules[128], dev[128], outp[128], errp[128];
	snprintf(rules, sizeof(rules), "%s/rules", scratch);
	snprintf(dev, sizeof(dev), "%s/dev", scratch);
	struct snapshot_opts o = { dev, rules, scratch, "/nonexistent" };
	char obuf[1024] = "", ebuf[1024] = "";
	snprintf(outp, sizeof(outp), "%s/out", scratch);
	snprintf(errp, sizeof(errp), "%s/err", scratch);
	FILE *out = fopen(outp, "w+"), *err = fopen(errp, "w+");
	assert_int_equal(snapshot_run(&o, out, err), 0);
	rewind(out);
	rewind(err);
	size_t n = fread(obuf, 1, sizeof(obuf) - 1, out);
	obuf[n] = '\0';
	n = fread(ebuf, 1, sizeof(ebuf) - 1, err);
	ebuf[n] = '\0';
	fclose(out);
	fclose(err);
	/* order is the directory's: look for each line */
	assert_non_null(strstr(obuf, "sdb root:disk 0666\n"));
	assert_non_null(strstr(obuf, "input/event0 alice:audio 0640\n"));
	assert_null(strstr(obuf, "sda "));
	assert_null(strstr(obuf, "null"));
	assert_non_null(strstr(ebuf, "line 2: expected user:group"));
	/* a missing dev directory is an error */
	o.dev = "/nonexistent/dev";
	out = fopen(outp, "w+");
	err = fopen(errp, "w+");
	assert_int_equal(snapshot_run(&o, out, err), -ENOENT);
	fclose(out);
	fclose(err);
	drop_scratch();
}

/* --- the rules applied to a dev directory ---------------------------------------------------- */

static void test_apply(void **state)
{
	(void)state;
	struct devrules_set s;
	struct stat st;
	char p[256], link[64];
	if (geteuid() != 0)
		skip();
	make_scratch();
	node_at("dev/sr0", S_IFBLK, 11, 0, 0600, 0, 0);
	node_at("dev/sda", S_IFBLK, 8, 0, 0600, 0, 0);
	node_at("dev/input/event0", S_IFCHR, 13, 64, 0600, 0, 0);
	put("devices.conf", "sr0 alice:cdrom 0664 >cdrom\n"
			    "-sd[a-z] 0:disk 0640 >disk/by-x/%0\n"
			    "sda nobody:disk 0600\n"
			    "event([0-9]) 0:0 0600 =in/ev%1\n"
			    "this is garbage\n");
	char conf[128], dev[128];
	snprintf(conf, sizeof(conf), "%s/devices.conf", scratch);
	snprintf(dev, sizeof(dev), "%s/dev", scratch);
	log_reset();
	assert_int_equal(devrules_set_load(&s, conf, dev, false), 4);
	assert_non_null(strstr(logged, "line 5: expected user:group"));
	devrules_set_ids(&s, scratch, true);
	devrules_set_event(&s, ev_of(M(ev_sr0)), true);
	snprintf(p, sizeof(p), "%s/dev/sr0", scratch);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 24);
	assert_int_equal(st.st_mode & 07777, 0664);
	snprintf(p, sizeof(p), "%s/dev/cdrom", scratch);
	assert_int_equal(readlink(p, link, sizeof(link)), 3);
	assert_memory_equal(link, "sr0", 3);
	assert_int_equal(stat(p, &st), 0); /* it reaches the node */
	/* twice is the same (the link is replaced, not refused) */
	devrules_set_event(&s, ev_of(M(ev_sr0)), true);
	assert_int_equal(stat(p, &st), 0);
	/* '-': both rules; the second's unknown user leaves the first's owner, logged */
	log_reset();
	devrules_set_event(&s, ev_of(M(ev_sda)), true);
	snprintf(p, sizeof(p), "%s/dev/sda", scratch);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_gid, 6);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(strstr(logged, "no user nobody"));
	snprintf(p, sizeof(p), "%s/dev/disk/by-x/sda", scratch);
	assert_int_equal(readlink(p, link, sizeof(link)), 9);
	assert_memory_equal(link, "../../sda", 9);
	/* a move */
	devrules_set_event(&s, ev_of(M(ev_event)), true);
	snprintf(p, sizeof(p), "%s/dev/input/event0", scratch);
	assert_int_equal(lstat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/dev/in/ev0", scratch);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* removal: the moved node and the dangling link go */
	static const char rm_event[] = "remove@/devices/platform/i8042/serio0/input/input1/event0\0"
		"SUBSYSTEM=input\0MAJOR=13\0MINOR=64\0DEVNAME=input/event0";
	devrules_set_event(&s, ev_of(M(rm_event)), true);
	assert_int_equal(lstat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/dev/sr0", scratch);
	unlink(p);
	static const char rm_sr0[] = "remove@/devices/x/block/sr0\0SUBSYSTEM=block\0MAJOR=11\0"
		"MINOR=0\0DEVNAME=sr0";
	devrules_set_event(&s, ev_of(M(rm_sr0)), true);
	snprintf(p, sizeof(p), "%s/dev/cdrom", scratch);
	assert_int_equal(lstat(p, &st), -1);
	devrules_set_free(&s);
	drop_scratch();
}

/* Commands run only with exec, by argument vector, with the event in the environment. */
static void test_apply_exec(void **state)
{
	(void)state;
	struct devrules_set s;
	char p[256];
	if (geteuid() != 0)
		skip();
	make_scratch();
	node_at("dev/sr0", S_IFBLK, 11, 0, 0600, 0, 0);
	char conf[128], dev[128], rule[256];
	snprintf(rule, sizeof(rule), "sr0 0:0 0600 @/bin/sh -c env>%s/env\n", scratch);
	put("devices.conf", rule);
	snprintf(conf, sizeof(conf), "%s/devices.conf", scratch);
	snprintf(dev, sizeof(dev), "%s/dev", scratch);
	snprintf(p, sizeof(p), "%s/env", scratch);
	log_reset();
	assert_int_equal(devrules_set_load(&s, conf, dev, false), 1);
	devrules_set_event(&s, ev_of(M(ev_sr0)), true);
	assert_int_equal(access(p, F_OK), -1);
	assert_non_null(strstr(logged, "only with sprout.devices.exec=1"));
	devrules_set_free(&s);
	assert_int_equal(devrules_set_load(&s, conf, dev, true), 1);
	devrules_set_event(&s, ev_of(M(ev_sr0)), false); /* the re-apply before handover */
	assert_int_equal(access(p, F_OK), -1);
	devrules_set_event(&s, ev_of(M(ev_sr0)), true);
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	text = calloc(1, 4096);
	len = fread(text, 1, 4095, f);
	fclose(f);
	assert_true(len > 0);
	assert_non_null(strstr(text, "MDEV=sr0\n"));
	assert_non_null(strstr(text, "ACTION=add\n"));
	assert_non_null(strstr(text, "DEVNAME=sr0\n"));
	assert_non_null(strstr(text, "SUBSYSTEM=block\n"));
	free(text);
	devrules_set_free(&s);
	drop_scratch();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_caps),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_paths),
		cmocka_unit_test(test_cmd_runs),
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_devsnap_line),
		cmocka_unit_test(test_snapshot_dir),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_apply_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
