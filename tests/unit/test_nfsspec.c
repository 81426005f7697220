/* Unit tests for nfsspec: the kernel's nfsroot=, dracut's root=nfs:/nfs4:, DHCP
 * root-paths, server lists, "%s", options, and the mount data built from them. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nfsspec.h"

#include "testutil.h"

struct want {
	const char *servers; /* "a,b,c" or NULL for none */
	const char *path, *options;
	unsigned vers;
	int minor; /* written +1: 0 means "not given" */
	bool vers_given;
	enum nfsspec_proto proto;
	unsigned port;
	bool port_set, rw_set, rw, lock_set;
	const char *data; /* nfsspec_mount_options for the first server (or 10.9.9.9), ro */
	const char *fstype;
};

struct tcase {
	enum nfsspec_form form;
	const char *in;
	int ret;
	struct want w;
	const char *err;
};

#define OK(f, text, ...) { .form = (f), .in = (text), .w = { __VA_ARGS__ } }
#define BAD(f, text, rc, msg) { .form = (f), .in = (text), .ret = (rc), .err = (msg) }
#define K NFSSPEC_NFSROOT
#define R NFSSPEC_ROOT
#define P NFSSPEC_ROOTPATH

static const struct tcase cases[] = {
	/* the kernel's nfsroot= */
	OK(K, "10.0.0.1:/srv/root", .servers = "10.0.0.1", .path = "/srv/root", .vers = 3,
	   .data = "vers=3,addr=10.0.0.1,nolock,ro", .fstype = "nfs"),
	OK(K, "/srv/root", .path = "/srv/root", .vers = 3, .data = "vers=3,addr=10.9.9.9,nolock,ro"),
	OK(K, ":/srv/root", .path = "/srv/root", .vers = 3),
	OK(K, "/srv/root,vers=4.2", .path = "/srv/root", .options = "vers=4.2", .vers = 4,
	   .minor = 3, .vers_given = true, .data = "vers=4.2,addr=10.9.9.9,ro", .fstype = "nfs4"),
	OK(K, "10.0.0.1,10.0.0.2:/srv/root,vers=4.2", .servers = "10.0.0.1,10.0.0.2",
	   .path = "/srv/root", .options = "vers=4.2", .vers = 4, .minor = 3, .vers_given = true),
	OK(K, "10.0.0.1,10.0.0.2,10.0.0.1:/r", .servers = "10.0.0.1,10.0.0.2", .path = "/r", .vers = 3),
	OK(K, "192.168.1.1:/tftpboot/%s", .servers = "192.168.1.1", .path = "/tftpboot/10.0.0.42",
	   .vers = 3),
	OK(K, "/a/%s/b/%s%d", .path = "/a/10.0.0.42/b/%s%d", .vers = 3),
	OK(K, "/a%", .path = "/a%", .vers = 3),
	OK(K, "10.0.0.1:/srv/a:b,ro", .servers = "10.0.0.1", .path = "/srv/a:b", .options = "ro",
	   .vers = 3, .rw_set = true, .rw = false),
	OK(K, "10.0.0.1:/x,vers=3,proto=udp,port=2049,rsize=8192,wsize=8192,timeo=14,rw",
	   .servers = "10.0.0.1", .path = "/x",
	   .options = "vers=3,proto=udp,port=2049,rsize=8192,wsize=8192,timeo=14,rw", .vers = 3,
	   .vers_given = true, .proto = NFSSPEC_PROTO_UDP, .port = 2049, .port_set = true,
	   .rw_set = true, .rw = true,
	   .data = "vers=3,addr=10.0.0.1,proto=udp,port=2049,nolock,rsize=8192,wsize=8192,timeo=14,rw"),
	OK(K, "10.0.0.1:/x,tcp,lock,v4.1", .servers = "10.0.0.1", .path = "/x",
	   .options = "tcp,lock,v4.1", .vers = 4, .minor = 2, .vers_given = true,
	   .proto = NFSSPEC_PROTO_TCP, .lock_set = true,
	   .data = "vers=4.1,addr=10.0.0.1,proto=tcp,lock,ro"),
	OK(K, "10.0.0.1:/x,nolock,nfsvers=3,defaults,,", .servers = "10.0.0.1", .path = "/x",
	   .options = "nolock,nfsvers=3,defaults,,", .vers = 3, .vers_given = true, .lock_set = true,
	   .data = "vers=3,addr=10.0.0.1,nolock,ro"),
	OK(K, "10.0.0.1:/x,vers=4,minorversion=1", .servers = "10.0.0.1", .path = "/x",
	   .options = "vers=4,minorversion=1", .vers = 4, .minor = 2, .vers_given = true,
	   .data = "vers=4.1,addr=10.0.0.1,ro"),
	OK(K, "10.0.0.1:/x,vers=4", .servers = "10.0.0.1", .path = "/x", .options = "vers=4",
	   .vers = 4, .vers_given = true, .data = "vers=4,addr=10.0.0.1,ro"),
	OK(K, "10.0.0.1:/x,port=0", .servers = "10.0.0.1", .path = "/x", .options = "port=0",
	   .vers = 3, .port_set = true, .data = "vers=3,addr=10.0.0.1,port=0,nolock,ro"),
	OK(K, "nfs4:10.0.0.1:/x", .servers = "10.0.0.1", .path = "/x", .vers = 4),
	/* dracut's root= */
	OK(R, "nfs:10.0.0.1:/srv/root", .servers = "10.0.0.1", .path = "/srv/root", .vers = 3),
	OK(R, "nfs4:10.0.0.1:/export", .servers = "10.0.0.1", .path = "/export", .vers = 4,
	   .data = "vers=4,addr=10.0.0.1,ro", .fstype = "nfs4"),
	OK(R, "nfs4:10.0.0.1:/export:vers=4.1,ro", .servers = "10.0.0.1", .path = "/export",
	   .options = "vers=4.1,ro", .vers = 4, .minor = 2, .vers_given = true, .rw_set = true),
	OK(R, "nfs:10.0.0.1:/srv:vers=3,rw,hard", .servers = "10.0.0.1", .path = "/srv",
	   .options = "vers=3,rw,hard", .vers = 3, .vers_given = true, .rw_set = true, .rw = true,
	   .data = "vers=3,addr=10.0.0.1,nolock,hard,rw"),
	OK(R, "nfs:10.0.0.1:/srv,vers=3", .servers = "10.0.0.1", .path = "/srv",
	   .options = "vers=3", .vers = 3, .vers_given = true),
	OK(R, "nfs:/srv/root", .path = "/srv/root", .vers = 3),
	OK(R, "nfs4:/srv/root:vers=4.0", .path = "/srv/root", .options = "vers=4.0", .vers = 4,
	   .minor = 1, .vers_given = true),
	OK(R, "nfs:10.0.0.1,10.0.0.2,10.0.0.3:/srv/%s", .servers = "10.0.0.1,10.0.0.2,10.0.0.3",
	   .path = "/srv/10.0.0.42", .vers = 3),
	BAD(R, "/dev/nfs", -EINVAL, "root= '/dev/nfs' is not nfs:... or nfs4:..."),
	BAD(R, "10.0.0.1:/x", -EINVAL, "is not nfs:"),
	BAD(R, "nfs:", -EINVAL, "root= names no root-dir"),
	BAD(R, "nfs4:10.0.0.1:/x:vers=3", -EINVAL, "nfs4: asks for NFSv4 but the options say vers=3"),
	/* DHCP root-path */
	OK(P, "10.0.0.1:/export", .servers = "10.0.0.1", .path = "/export", .vers = 3),
	OK(P, "/export/root,vers=4", .path = "/export/root", .options = "vers=4", .vers = 4,
	   .vers_given = true),
	OK(P, "nfs4:10.0.0.1:/export", .servers = "10.0.0.1", .path = "/export", .vers = 4),
	OK(P, "nfs:/export", .path = "/export", .vers = 3),
	BAD(P, "iscsi:10.0.0.1::3260:1:iqn.2000-01.org:disk", -EPROTONOSUPPORT,
	    "DHCP root-path 'iscsi:10.0.0.1::3260:1:iqn.2000-01.org:disk' is not an NFS root"),
	/* the one escaper: cut visibly with "..." past 40 bytes, control bytes as \xHH */
	BAD(P, "iscsi:10.0.0.1::3260:1:iqn.2000-01.org:disk-one", -EPROTONOSUPPORT,
	    "DHCP root-path 'iscsi:10.0.0.1::3260:1:iqn.2000-01.org:d...' is not an NFS root"),
	BAD(P, "iscsi:\n10.0.0.1", -EPROTONOSUPPORT, "DHCP root-path 'iscsi:\\x0a10.0.0.1' is"),
	BAD(P, "nbd:10.0.0.1:2000", -EPROTONOSUPPORT, "is not an NFS root"),
	/* mistakes */
	BAD(K, "", -EINVAL, "nfsroot= names no root-dir"),
	BAD(K, "srv/root", -EINVAL, "'srv/root' is neither <root-dir>"),
	BAD(K, "10.0.0.1:srv", -EINVAL, "root-dir 'srv' does not start with '/'"),
	BAD(K, "10.0.0.1:", -EINVAL, "root-dir '' does not start"),
	BAD(K, "10.0.0.1:,vers=3", -EINVAL, "does not start with '/'"),
	BAD(K, "fileserver:/srv", -EINVAL,
	    "server 'fileserver' is not an IPv4 address: sprout-init does no DNS lookups"),
	BAD(K, "10.0.0.1,fs.example.org:/srv", -EINVAL, "server 'fs.example.org'"),
	BAD(K, "10.0.0.256:/srv", -EINVAL, "server '10.0.0.256' is not an IPv4 address a.b.c.d"),
	BAD(K, "10.0.0.1,,10.0.0.2:/srv", -EINVAL, "has an empty entry"),
	BAD(K, "10.0.0.1,:/srv", -EINVAL, "has an empty entry"),
	BAD(K, "0.0.0.0:/srv", -EINVAL, "server '0.0.0.0' is not a host's address"),
	BAD(K, "127.0.0.1:/srv", -EINVAL, "is not a host's address"),
	BAD(K, "239.0.0.1:/srv", -EINVAL, "is not a host's address"),
	BAD(K, "[fe80::1]:/srv", -EINVAL, "IPv6 is not supported"),
	BAD(K, "/srv,vers=2", -EINVAL, "option 'vers=2': NFSv2 is not supported"),
	BAD(K, "/srv,v2", -EINVAL, "NFSv2 is not supported"),
	BAD(K, "/srv,vers=4.3", -EINVAL, "option 'vers=4.3': the NFS version is one of"),
	BAD(K, "/srv,vers=", -EINVAL, "the NFS version is one of"),
	BAD(K, "/srv,proto=rdma", -EINVAL, "option 'proto=rdma': proto is tcp or udp"),
	BAD(K, "/srv,proto=tcp6", -EINVAL, "proto is tcp or udp"),
	BAD(K, "/srv,port=65536", -EINVAL, "option 'port=65536' is not a number from 0 to 65535"),
	BAD(K, "/srv,port=-1", -EINVAL, "not a number"),
	BAD(K, "/srv,port=99999999999999999999", -EINVAL, "not a number"),
	BAD(K, "/srv,minorversion=3", -EINVAL, "option 'minorversion=3' is not a number from 0 to 2"),
	BAD(K, "/srv,vers=3,minorversion=1", -EINVAL, "NFSv3 with an NFSv4 minor version"),
	BAD(K, "/srv,addr=10.0.0.5", -EINVAL, "addr= comes from the server list"),
	BAD(K, "/srv,ro=1", -EINVAL, "option 'ro=1' is malformed"),
	BAD(K, "/srv,a b", -EINVAL, "hold a space, quote or control byte"),
	BAD(K, "/srv,a\"b", -EINVAL, "hold a space, quote"),
	BAD(K, "/sr\x01v", -EINVAL, "root-dir '/sr\\x01v' holds a control byte"),
};

static void want_servers(const struct nfsspec *s, const char *list, const char *what)
{
	char got[NFSSPEC_MAX_SERVERS * 16] = "", a[16];

	for (int i = 0; i < s->nservers; i++) {
		inet_ntop(AF_INET, &s->servers[i], a, sizeof(a));
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "", a);
	}
	if (strcmp(got, list ? list : ""))
		fail_msg("%s: servers '%s' want '%s'", what, got, list ? list : "");
}

static void check(const struct nfsspec *s, const struct want *w, const char *what)
{
	char data[NFSSPEC_MOUNT_DATA];
	uint32_t server = s->nservers ? s->servers[0] : htonl(0x0a090909);

	want_servers(s, w->servers, what);
	if (strcmp(s->path, w->path) || strcmp(s->options, w->options ? w->options : ""))
		fail_msg("%s: path '%s' options '%s'", what, s->path, s->options);
	if (s->vers != w->vers || s->minor != w->minor - 1 || s->vers_given != w->vers_given)
		fail_msg("%s: vers %u minor %d given %d", what, s->vers, s->minor, s->vers_given);
	if (s->proto != w->proto || s->port != w->port || s->port_set != w->port_set ||
	    s->rw_set != w->rw_set || s->rw != w->rw || s->lock_set != w->lock_set)
		fail_msg("%s: proto %d port %u/%d rw %d/%d lock %d", what, s->proto, s->port,
			 s->port_set, s->rw_set, s->rw, s->lock_set);
	if (w->data) {
		int r = nfsspec_mount_options(s, server, false, data, sizeof(data));

		if (r < 0 || strcmp(data, w->data) || (size_t)r != strlen(data))
			fail_msg("%s: mount data %d '%s' want '%s'", what, r, data, w->data);
	}
	if (w->fstype && strcmp(nfsspec_fstype(s), w->fstype))
		fail_msg("%s: fstype %s", what, nfsspec_fstype(s));
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct nfsspec s, before;
		char err[NFSSPEC_ERR_LEN], what[96];
		int r;

		snprintf(what, sizeof(what), "case %zu '%s'", i, cases[i].in);
		memset(&s, 0x3c, sizeof(s));
		before = s;
		r = nfsspec_parse(cases[i].form, cases[i].in, strlen(cases[i].in), "10.0.0.42", &s,
				  err, sizeof(err));
		if (r != cases[i].ret)
			fail_msg("%s: %d want %d (%s)", what, r, cases[i].ret, err);
		if (r == 0) {
			assert_string_equal(err, "");
			check(&s, &cases[i].w, what);
			continue;
		}
		if (memcmp(&s, &before, sizeof(s)))
			fail_msg("%s: a failed parse changed the output", what);
		if (!strstr(err, cases[i].err))
			fail_msg("%s: message '%s' lacks '%s'", what, err, cases[i].err);
		if (strlen(err) >= sizeof(err) - 1)
			fail_msg("%s: message may be cut: '%s'", what, err);
	}
}

static void test_limits(void **state)
{
	static char buf[NFSSPEC_MAX_TEXT + 64], client[NFSSPEC_MAX_PATH + 8];
	char err[NFSSPEC_ERR_LEN];
	struct nfsspec s;
	int n;

	(void)state;
	/* 16 servers are fine, 17 are an error. */
	n = 0;
	for (int i = 1; i <= 17; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s10.0.0.%d", i > 1 ? "," : "", i);
	memcpy(buf + n, ":/r", 4);
	assert_int_equal(nfsspec_parse(K, buf, (size_t)n + 3, NULL, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "more than 16 servers"));
	n = (int)(strrchr(buf, ',') - buf);
	memcpy(buf + n, ":/r", 4);
	assert_int_equal(nfsspec_parse(K, buf, (size_t)n + 3, NULL, &s, err, sizeof(err)), 0);
	assert_int_equal(s.nservers, 16);
	assert_int_equal(s.servers[15], htonl(0x0a000010));

	/* The whole text, the root-dir after "%s", and the options are capped. */
	memset(buf, 'a', sizeof(buf));
	buf[0] = '/';
	assert_int_equal(nfsspec_parse(K, buf, NFSSPEC_MAX_TEXT + 1, NULL, &s, err, sizeof(err)),
			 -ENAMETOOLONG);
	assert_int_equal(nfsspec_parse(K, buf, NFSSPEC_MAX_PATH - 1, NULL, &s, err, sizeof(err)), 0);
	assert_int_equal(strlen(s.path), NFSSPEC_MAX_PATH - 1);
	memcpy(buf + 100, "%s", 2);
	memset(client, '1', 923);
	client[923] = '\0';
	assert_int_equal(nfsspec_parse(K, buf, 102, client, &s, err, sizeof(err)), 0);
	client[924] = '\0';
	client[923] = '1';
	assert_int_equal(nfsspec_parse(K, buf, 102, client, &s, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "root-dir is longer than 1023 bytes"));
	assert_int_equal(nfsspec_parse(K, buf, 102, NULL, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "holds %s but the client's address is not known"));

	buf[2] = ',';
	assert_int_equal(nfsspec_parse(K, buf, 3 + NFSSPEC_MAX_OPTIONS - 1, NULL, &s, err, sizeof(err)),
			 0);
	assert_int_equal(strlen(s.options), NFSSPEC_MAX_OPTIONS - 1);
	assert_int_equal(nfsspec_parse(K, buf, 3 + NFSSPEC_MAX_OPTIONS, NULL, &s, err, sizeof(err)),
			 -ENAMETOOLONG);
	assert_non_null(strstr(err, "options are longer than 511 bytes"));

	/* 32 options, not 33. */
	n = snprintf(buf, sizeof(buf), "/r");
	for (int i = 0; i < 33; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",o%d", i);
	assert_int_equal(nfsspec_parse(K, buf, (size_t)n, NULL, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "more than 32 options"));
	n = (int)(strrchr(buf, ',') - buf);
	assert_int_equal(nfsspec_parse(K, buf, (size_t)n, NULL, &s, err, sizeof(err)), 0);

	/* The length bounds the read, NULs are refused, no message buffer is fine. */
	assert_int_equal(nfsspec_parse(K, "/srv,vers=2", 4, NULL, &s, err, sizeof(err)), 0);
	assert_string_equal(s.path, "/srv");
	assert_int_equal(nfsspec_parse(K, "/srv\0", 5, NULL, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	assert_int_equal(nfsspec_parse(K, "x", 1, NULL, &s, NULL, 0), -EINVAL);
}

static void test_mount(void **state)
{
	char out[NFSSPEC_MOUNT_DATA], err[NFSSPEC_ERR_LEN];
	uint32_t srv = htonl(0xc0a80a02); /* 192.168.10.2 */
	struct nfsspec s;
	int r;

	(void)state;
	assert_int_equal(nfsspec_parse(K, "/srv/root,hard,timeo=600", 24, NULL, &s, err, sizeof(err)), 0);
	/* rw wanted on the command line, nothing in the options: rw. */
	r = nfsspec_mount_options(&s, srv, true, out, sizeof(out));
	assert_string_equal(out, "vers=3,addr=192.168.10.2,nolock,hard,timeo=600,rw");
	assert_int_equal(r, (int)strlen(out));
	assert_false(nfsspec_read_only(&s, true));
	assert_true(nfsspec_read_only(&s, false));
	/* Exactly fitting, one byte short. */
	assert_int_equal(nfsspec_mount_options(&s, srv, true, out, (size_t)r + 1), r);
	assert_int_equal(nfsspec_mount_options(&s, srv, true, out, (size_t)r), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(nfsspec_mount_options(&s, srv, true, out, 0), -ENAMETOOLONG);
	assert_int_equal(nfsspec_mount_options(&s, 0, true, out, sizeof(out)), -EINVAL);

	/* ro in the options beats rw on the command line, and the other way round. */
	assert_int_equal(nfsspec_parse(R, "nfs4:192.168.10.2:/e:ro", 23, NULL, &s, err, sizeof(err)), 0);
	assert_true(nfsspec_read_only(&s, true));
	nfsspec_mount_options(&s, srv, true, out, sizeof(out));
	assert_string_equal(out, "vers=4,addr=192.168.10.2,ro");
	assert_int_equal(nfsspec_parse(R, "nfs4:192.168.10.2:/e:rw", 23, NULL, &s, err, sizeof(err)), 0);
	assert_false(nfsspec_read_only(&s, false));

	r = nfsspec_source(&s, srv, out, sizeof(out));
	assert_string_equal(out, "192.168.10.2:/e");
	assert_int_equal(r, 15);
	assert_int_equal(nfsspec_source(&s, srv, out, 15), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(nfsspec_source(&s, 0, out, sizeof(out)), -EINVAL);

	/* The largest spec's mount data fits NFSSPEC_MOUNT_DATA. */
	memset(&s, 0, sizeof(s));
	s.vers = 4;
	s.minor = 2;
	s.proto = NFSSPEC_PROTO_UDP;
	s.port_set = true;
	s.port = 65535;
	memset(s.options, 'x', NFSSPEC_MAX_OPTIONS - 1);
	assert_true(nfsspec_mount_options(&s, 0xffffffffu, true, out, sizeof(out)) > 0);
}

static void test_is_nfs_root(void **state)
{
	(void)state;
	assert_true(nfsspec_is_nfs_root("/dev/nfs"));
	assert_true(nfsspec_is_nfs_root("nfs:10.0.0.1:/x"));
	assert_true(nfsspec_is_nfs_root("nfs4:/x"));
	assert_false(nfsspec_is_nfs_root("/dev/nfs2"));
	assert_false(nfsspec_is_nfs_root("/dev/vda1"));
	assert_false(nfsspec_is_nfs_root("UUID=1234"));
	assert_false(nfsspec_is_nfs_root("nfs"));
	assert_false(nfsspec_is_nfs_root(""));
	assert_false(nfsspec_is_nfs_root(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_mount),
		cmocka_unit_test(test_is_nfs_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
