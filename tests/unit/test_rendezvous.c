/* Unit tests for rendezvous: a stable ranking, an even spread over the servers, and
 * minimal movement when a server leaves or joins. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rendezvous.h"

#define MACHINES 1000

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Machine i of a simulated farm: QEMU's OUI, then a counter, as a farm's MACs are
 * often consecutive. */
static void farm_mac(int i, uint8_t mac[6])
{
	mac[0] = 0x52, mac[1] = 0x54, mac[2] = 0x00;
	mac[3] = (uint8_t)(i >> 16), mac[4] = (uint8_t)(i >> 8), mac[5] = (uint8_t)i;
}

static int first_choice(const uint32_t *servers, int n, const uint8_t mac[6])
{
	int order[16];

	rendezvous_rank(servers, NULL, n, mac, order);
	return order[0];
}

static void test_rank_is_permutation_and_stable(void **state)
{
	const uint32_t s[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"),
			       ip("192.168.1.10") };
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	int a[5], b[5], seen[5] = { 0 };

	(void)state;
	rendezvous_rank(s, NULL, 5, mac, a);
	rendezvous_rank(s, NULL, 5, mac, b);
	assert_memory_equal(a, b, sizeof(a));
	for (int i = 0; i < 5; i++) {
		assert_in_range(a[i], 0, 4);
		seen[a[i]]++;
	}
	for (int i = 0; i < 5; i++)
		assert_int_equal(seen[i], 1);
	for (int i = 1; i < 5; i++)
		assert_true(rendezvous_weight(s[a[i - 1]], mac) >= rendezvous_weight(s[a[i]], mac));
}

/* The ranking depends on the set of servers, not on the order they are listed in. */
static void test_list_order_does_not_matter(void **state)
{
	const uint32_t s1[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3") };
	const uint32_t s2[] = { ip("10.0.0.3"), ip("10.0.0.1"), ip("10.0.0.2") };
	uint8_t mac[6];
	int a[3], b[3];

	(void)state;
	for (int m = 0; m < 200; m++) {
		farm_mac(m, mac);
		rendezvous_rank(s1, NULL, 3, mac, a);
		rendezvous_rank(s2, NULL, 3, mac, b);
		for (int i = 0; i < 3; i++)
			assert_int_equal(s1[a[i]], s2[b[i]]);
	}
}

/* Pinned values: the weight function is part of the farm's contract (every machine and
 * every sprout version must rank alike), so a change to it must show up here. */
static void test_weight_is_fixed(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	const uint8_t zero[6] = { 0 };

	(void)state;
	assert_true(rendezvous_weight(ip("10.0.0.1"), mac) == 0xedcab9a98a70309bull);
	assert_true(rendezvous_weight(0, zero) == 0x0d024f468b2de0eeull);
	assert_true(rendezvous_weight(ip("10.0.0.1"), mac) != rendezvous_weight(ip("10.0.0.2"), mac));
}

static void test_balance(void **state)
{
	const uint32_t s[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4") };
	int count[4] = { 0 }, second[4][4] = { { 0 } };
	uint8_t mac[6];

	(void)state;
	for (int m = 0; m < MACHINES; m++) {
		int order[4];

		farm_mac(m, mac);
		rendezvous_rank(s, NULL, 4, mac, order);
		count[order[0]]++;
		second[order[0]][order[1]]++;
	}
	/* 250 each, within +-15%. */
	for (int i = 0; i < 4; i++)
		if (count[i] < 213 || count[i] > 287)
			fail_msg("server %d got %d of %d machines", i, count[i], MACHINES);
	/* A failed server's machines spread over the others too (about 250/3 each). */
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			if (i != j && (second[i][j] < 50 || second[i][j] > 120))
				fail_msg("of server %d's machines, %d fall back to %d", i, second[i][j], j);
}

static void test_removal_moves_only_that_servers_machines(void **state)
{
	const uint32_t four[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4") };
	const uint32_t three[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.4") }; /* .3 gone */
	const uint32_t five[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"),
				  ip("10.0.0.5") };
	int moved = 0, joined = 0;
	uint8_t mac[6];

	(void)state;
	for (int m = 0; m < MACHINES; m++) {
		uint32_t before, after, grown;

		farm_mac(m, mac);
		before = four[first_choice(four, 4, mac)];
		after = three[first_choice(three, 3, mac)];
		grown = five[first_choice(five, 5, mac)];
		if (before != ip("10.0.0.3"))
			assert_true(after == before);
		else
			moved++;
		/* A new server only takes machines; nobody moves between the old ones. */
		if (grown != before) {
			assert_true(grown == ip("10.0.0.5"));
			joined++;
		}
	}
	assert_in_range(moved, 213, 287);
	assert_in_range(joined, 170, 230); /* about 1000 / 5 */
}

/* Random-looking MACs (not consecutive) spread evenly too. */
static void test_balance_scattered_macs(void **state)
{
	const uint32_t s[] = { ip("172.16.5.20"), ip("172.16.5.21"), ip("172.16.5.22"),
			       ip("172.16.5.23") };
	int count[4] = { 0 };
	uint32_t x = 12345;
	uint8_t mac[6];

	(void)state;
	for (int m = 0; m < MACHINES; m++) {
		for (int i = 0; i < 6; i++) {
			x = x * 1103515245u + 12345u;
			mac[i] = (uint8_t)(x >> 16);
		}
		count[first_choice(s, 4, mac)]++;
	}
	for (int i = 0; i < 4; i++)
		assert_in_range(count[i], 213, 287);
}

/* Weighted: over 10^4 machines each server is first for its weight's share (within
 * +-5 % of that share); all-ones weights rank exactly as no weights; removing a server
 * moves only its machines, which spread over the rest by weight. */
static void test_weighted_shares(void **state)
{
	const uint32_t s[] = { ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4") };
	const unsigned w[] = { 4, 2, 1, 1 }, ones[] = { 1, 1, 1, 1 };
	const uint32_t three[] = { ip("10.0.0.1"), ip("10.0.0.3"), ip("10.0.0.4") }; /* .2 gone */
	const unsigned w3[] = { 4, 1, 1 };
	const int machines = 10000;
	int count[4] = { 0 }, moved_to[3] = { 0 }, moved = 0;
	uint8_t mac[6];

	(void)state;
	for (int m = 0; m < machines; m++) {
		int o[4], plain[4], o3[3];

		farm_mac(m, mac);
		rendezvous_rank(s, w, 4, mac, o);
		count[o[0]]++;
		rendezvous_rank(s, ones, 4, mac, plain);
		int nw[4];
		rendezvous_rank(s, NULL, 4, mac, nw);
		assert_memory_equal(plain, nw, sizeof(nw));
		rendezvous_rank(three, w3, 3, mac, o3);
		if (o[0] != 1) {
			assert_true(three[o3[0]] == s[o[0]]); /* nobody else moves */
		} else {
			moved++;
			moved_to[o3[0]]++;
		}
	}
	for (int i = 0; i < 4; i++) {
		double want = machines * (double)w[i] / 8.0;

		if (count[i] < want * 0.95 || count[i] > want * 1.05)
			fail_msg("server %d (weight %u) is first for %d machines; its share is %.0f", i, w[i],
				 count[i], want);
	}
	/* .2's machines: 4 : 1 : 1 over the three left, within +-15 % (about 2500 of them) */
	for (int i = 0; i < 3; i++) {
		double want = moved * (double)w3[i] / 6.0;

		if (moved_to[i] < want * 0.85 || moved_to[i] > want * 1.15)
			fail_msg("%d of the %d moved machines went to %d; expected about %.0f", moved_to[i],
				 moved, i, want);
	}
}

static void test_edges(void **state)
{
	const uint32_t one = ip("10.0.0.9");
	const uint32_t dup[] = { ip("10.0.0.9"), ip("10.0.0.9") };
	const uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	int order[2] = { -1, -1 };

	(void)state;
	rendezvous_rank(&one, NULL, 1, mac, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], -1);
	order[0] = -1;
	rendezvous_rank(NULL, NULL, 0, mac, order);
	rendezvous_rank(NULL, NULL, -3, mac, order);
	assert_int_equal(order[0], -1);
	rendezvous_rank(dup, NULL, 2, mac, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_is_permutation_and_stable),
		cmocka_unit_test(test_list_order_does_not_matter),
		cmocka_unit_test(test_weight_is_fixed),
		cmocka_unit_test(test_balance),
		cmocka_unit_test(test_removal_moves_only_that_servers_machines),
		cmocka_unit_test(test_balance_scattered_macs),
		cmocka_unit_test(test_weighted_shares),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
