#!/usr/bin/env bash
# sprout-init's DHCP client against a real server, without QEMU: dnsmasq on one end of a
# veth pair inside a private network namespace, the client (the SPROUT_DHCP_IFACE test of
# build/unit/test_dhcpc, which calls dhcpc_run with the real AF_PACKET transport) on the
# other. Only the namespace's own interfaces and 10.77.0.0/24 inside it are used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init dhcp-netns
T=$E2E_TMP
NS=sprout-dhcp-$$
CLIENT=$REPO/build/unit/test_dhcpc

if [ "$(id -u)" != 0 ] || ! command -v dnsmasq >/dev/null || ! command -v ip >/dev/null; then
	e2e_skip dhcp-netns "needs root, ip and dnsmasq"
	exit 0
fi
if [ ! -x "$CLIENT" ]; then
	e2e_skip dhcp-netns "$CLIENT not built (make unit)"
	exit 0
fi

# The namespace goes with the test; dnsmasq (tracked) is stopped by e2e__cleanup.
dhcp_cleanup() {
	local rc=$?
	ip netns del "$NS" 2>/dev/null || true
	(exit "$rc")
	e2e__cleanup
}
trap dhcp_cleanup EXIT

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

if [ "$rc" = 0 ] && grep -q '^\[  PASSED  \] 10 test' "$T/client.log" &&
	grep -Eq '^LEASE: if=vc addr=10\.77\.0\.([5-9][0-9])/24 .*root-path=10\.77\.0\.1:/export' "$T/client.log"; then
	e2e_pass dhcp-lease
else
	show_logs
	e2e_fail dhcp-lease "no lease with the root-path from dnsmasq (exit $rc)"
fi

# The server saw our DISCOVER/REQUEST as sent: client id, hostname, vendor class.
mac=$(ip netns exec "$NS" cat /sys/class/net/vc/address)
if grep -q "$mac .* sprout-test" "$T/leases" && grep -q 'vendor class: sprout' "$T/dnsmasq.log" &&
	grep -q "DHCPACK(vs) 10\.77\.0\.[0-9]* $mac sprout-test" "$T/dnsmasq.log"; then
	e2e_pass dhcp-server-view
else
	show_logs
	e2e_fail dhcp-server-view "dnsmasq did not record $mac with hostname sprout-test"
fi

if [ "$ms" -lt 10000 ]; then
	e2e_pass dhcp-fast
else
	e2e_fail dhcp-fast "the exchange took ${ms} ms"
fi
