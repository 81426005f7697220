#!/usr/bin/env bash
# sprout-init's DHCP client against a real server, without QEMU: dnsmasq on one end of a
# veth pair inside a private network namespace, the client (the SPROUT_DHCP_IFACE test of
# build/unit/test_dhcpc, which calls dhcpc_run with the real AF_PACKET transport) on the
# other. Only the namespace's own interfaces and 10.77.0.0/24 inside it are used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init dhcp-netns --no-qemu --no-kernel
T=$E2E_TMP
NS=sprout-dhcp-$$
CLIENT=$REPO/build/unit/test_dhcpc

if [ "$(id -u)" != 0 ] || ! command -v dnsmasq >/dev/null || ! command -v ip >/dev/null; then
	e2e_skip dhcp-netns "needs root, ip and dnsmasq"
	exit 0
fi
if [ ! -x "$CLIENT" ]; then
	e2e_fail dhcp-netns "$CLIENT not built (make unit)"
	exit 1
fi

# The namespace goes after dnsmasq (tracked, stopped by PID) in lib.sh's exit trap.
dhcp_ns_del() {
	ip netns del "$NS" 2>/dev/null || true
}
E2E_CLEANUP_HOOKS+=(dhcp_ns_del)

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add vs type veth peer name vc
ip -n "$NS" addr add 10.77.0.1/24 dev vs
ip -n "$NS" link set vs up
ip -n "$NS" link set vc up

# `ip netns exec` execs dnsmasq: $! is dnsmasq's own PID.
ip netns exec "$NS" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=vs \
	--bind-interfaces --dhcp-range=10.77.0.50,10.77.0.99,12h \
	--dhcp-option=option:root-path,10.77.0.1:/export --dhcp-leasefile="$T/leases" \
	--pid-file="$T/dnsmasq.pid" --log-dhcp >"$T/dnsmasq.log" 2>&1 &
e2e_track $!
for _ in $(seq 50); do
	grep -q 'sockets bound exclusively' "$T/dnsmasq.log" && break
	sleep 0.1
done

start=$(date +%s%N)
rc=0
ip netns exec "$NS" env SPROUT_DHCP_IFACE=vc SPROUT_DHCP_EXPECT_ROOT_PATH=10.77.0.1:/export \
	"$CLIENT" >"$T/client.log" 2>&1 || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "client ran ${ms} ms, exit $rc" >&2

show_logs() {
	sed 's/^/  client | /' "$T/client.log" >&2
	sed 's/^/  dnsmasq | /' "$T/dnsmasq.log" >&2
}

# cmocka's own counts: every test the program has ran and passed, none failed, none skipped
# (the real-interface case skips only when it is not given an interface), and that case is
# among the passed ones.
cm_count() { sed -n "s/^\\[  $1 *\\] \\([0-9]*\\) test.*/\\1/p" "$T/client.log" | awk '{ s += $1 } END { print s + 0 }'; }
run=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$T/client.log" | awk '{ s += $1 } END { print s + 0 }')
passed=$(cm_count PASSED)
failed=$(cm_count FAILED)
skipped=$(cm_count SKIPPED)
echo "client: cmocka ran $run, $passed passed, $failed failed, $skipped skipped" >&2
if [ "$rc" = 0 ] && [ "$run" -gt 0 ] && [ "$passed" = "$run" ] && [ "$failed" = 0 ] &&
	[ "$skipped" = 0 ] && grep -q '^\[       OK \] test_real_interface$' "$T/client.log"; then
	e2e_pass dhcp-unit-all-ran
else
	show_logs
	e2e_fail dhcp-unit-all-ran "want all $run tests passed and the real interface among them; got $passed passed, $failed failed, $skipped skipped (exit $rc)"
fi

# The lease as the client reports it, field by field: an address from the range, /24, the
# server (dnsmasq's own address, also the default gateway it hands out), 12 h, the root path.
lease_re='^LEASE: if=vc addr=10\.77\.0\.([5-9][0-9])/24 gw=10\.77\.0\.1 server=10\.77\.0\.1 lease=43200 root-path=10\.77\.0\.1:/export mtu=[0-9]+$'
lease_ok=0
if [ "$rc" = 0 ] && grep -Eq "$lease_re" "$T/client.log"; then
	lease_ok=1
	e2e_pass dhcp-lease
else
	show_logs
	e2e_fail dhcp-lease "no lease with the range's address, /24, gateway, server, 12 h and root-path from dnsmasq (exit $rc)"
fi

# The server saw our DISCOVER/REQUEST as sent: client id, hostname, vendor class; and it
# leased the address the client reports.
mac=$(ip netns exec "$NS" cat /sys/class/net/vc/address)
addr=$(sed -n 's/^LEASE: if=vc addr=\([0-9.]*\)\/.*/\1/p' "$T/client.log")
if [ -n "$addr" ] && grep -q "$mac ${addr//./\\.} sprout-test" "$T/leases" &&
	grep -q 'vendor class: sprout' "$T/dnsmasq.log" &&
	grep -q "DHCPACK(vs) ${addr//./\\.} $mac sprout-test" "$T/dnsmasq.log"; then
	e2e_pass dhcp-server-view
else
	show_logs
	e2e_fail dhcp-server-view "dnsmasq did not record $mac with hostname sprout-test and the client's address '$addr'"
fi

# Fast means a successful exchange in under 10 s, not merely an early exit.
if [ "$rc" = 0 ] && [ $lease_ok = 1 ] && [ "$ms" -lt 10000 ]; then
	e2e_pass dhcp-fast
else
	e2e_fail dhcp-fast "no successful lease within 10 s (exit $rc, lease ok: $lease_ok, ${ms} ms)"
fi
