/* rank: what `sprout rank` prints is sprout-init's own order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipcfg.h"
#include "rank.h"
#include "rendezvous.h"

static char *run(const char *servers, char *const *macs, int n, int *rc)
{
	static char buf[1024];
	char err[256] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	*rc = rank_print(servers, macs, n, f, err, sizeof(err));
	fclose(f);
	return *rc == 0 ? buf : NULL;
}

static void test_same_as_init(void **state)
{
	char *macs[] = { (char *)(uintptr_t)"52:54:00:44:00:01" };
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x44, 0x00, 0x01 };
	uint32_t s[3];
	int order[3], rc;
	char want[128], a[IPCFG_IPV4_LEN], b[IPCFG_IPV4_LEN], c[IPCFG_IPV4_LEN];
	char *out;

	(void)state;
	ipcfg_parse_ipv4("10.0.0.1", 8, &s[0]);
	ipcfg_parse_ipv4("10.0.0.2", 8, &s[1]);
	ipcfg_parse_ipv4("10.0.0.3", 8, &s[2]);
	rendezvous_rank(s, NULL, 3, mac, order);
	snprintf(want, sizeof(want), "%s %s %s\n", ipcfg_format_ipv4(s[order[0]], a),
		 ipcfg_format_ipv4(s[order[1]], b), ipcfg_format_ipv4(s[order[2]], c));
	out = run("10.0.0.1,10.0.0.2,10.0.0.3", macs, 1, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
}

static void test_several_macs(void **state)
{
	char *macs[] = { (char *)(uintptr_t)"52:54:00:00:00:01", (char *)(uintptr_t)"52-54-00-00-00-02" };
	int rc;
	char *out;

	(void)state;
	out = run("10.0.0.1,10.0.0.2", macs, 2, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "52:54:00:00:00:01 10.0.0."));
	assert_non_null(strstr(out, "\n52-54-00-00-00-02 10.0.0."));
}

static void test_errors(void **state)
{
	char *good[] = { (char *)(uintptr_t)"52:54:00:00:00:01" };
	char *bad[] = { (char *)(uintptr_t)"52:54:00:00:01" };
	int rc;

	(void)state;
	assert_null(run("10.0.0.1,server2", good, 1, &rc));
	assert_int_equal(rc, -EINVAL);
	assert_null(run("", good, 1, &rc));
	assert_int_equal(rc, -EINVAL);
	assert_null(run("10.0.0.1", bad, 1, &rc));
	assert_int_equal(rc, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_init),
		cmocka_unit_test(test_several_macs),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
