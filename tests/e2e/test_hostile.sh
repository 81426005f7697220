#!/usr/bin/env bash
# A hostile network: a DHCP server of our own (tests/tools/hostile_dhcp.c) answers the first
# DISCOVER with a burst of bad OFFERs (truncated, an option past the end, 10,000 options,
# 600 options, no END, wrong xid, wrong chaddr, no address, a 4 KiB and a 1100-byte
# root-path, a lease of 0 s) before the good one, and the first REQUEST with bad replies
# before the good ACK. The good lease's root-path names two NFS servers, in that order: a
# black hole (accepts TCP, never answers) and a real nfs-ganesha. sprout-init must drop or
# set aside every bad packet with exactly one log line, take the good lease, and boot from the
# second server: both are probed at once and the black hole, which never answers, is not
# waited for and never mounted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init hostile
TOOL=$REPO/build/tools/hostile_dhcp
if [ ! -x "$TOOL" ]; then
	e2e_skip hostile "$TOOL not built (make tools)"
	exit 0
fi
net_init 45

ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img
SRV=$NET_PREFIX.2
BH=$NET_PREFIX.7
GOOD=$NET_PREFIX.50
GW=$NET_GW
e2e_make_root "$ROOT"
root_sum=$(e2e_sum "$ROOT")

# What the machine needs and nothing from this host: NIC, NFSv4.
mkdir -p "$E2E_TMP/sysfs/devices"
echo "rootfs / rootfs rw 0 0" >"$E2E_TMP/mounts"
e2e_sprout_image "$IMG" --host-only --sysfs "$E2E_TMP/sysfs" --mounts "$E2E_TMP/mounts" \
	--add-modules virtio_pci,virtio_net,nfsv4
net_ganesha srv "$SRV" "$ROOT" --ro
net_blackhole "$BH" 2049

# `ip netns exec` execs the tool: $! is the server itself.
ip netns exec "$NET_NS" "$TOOL" br0 "$GW" "$GOOD" "nfs4:$BH,$SRV:/export" 200 \
	>"$E2E_TMP/dhcp-server.log" 2>&1 </dev/null &
dhcp_pid=$!
e2e_track "$dhcp_pid"
for _ in $(seq 50); do
	grep -q 'listening on' "$E2E_TMP/dhcp-server.log" && break
	sleep 0.1
done

# count REGEX: how many serial log lines match.
count() { e2e__text hostile | grep -acE -- "$1" || true; }

# once NAME REGEX [N]: the client logged the line exactly N (default 1) times.
once() {
	local n
	n=$(count "sprout: dhcp: eth0: $2")
	if [ "$n" = "${3:-1}" ]; then
		e2e_pass "$1"
	else
		e2e_fail "$1" "want ${3:-1} line(s) matching '$2', got $n" hostile
	fi
}

start=$(date +%s)
# loglevel=8 with rd.debug: the wrong-chaddr drop is a debug line (in a farm every client
# sees every OFFER), which must reach the serial log too.
net_boot hostile --nic h1 --initrd "$IMG" --timeout 200 \
	--append "ip=dhcp sprout.nfs.select=order sprout.nfs.timeout=3 rd.shell=0 rd.debug loglevel=8"
e2e_wait hostile || true
echo "timing: hostile boot in $(($(date +%s) - start)) s" >&2
dhcp_rc=0
wait "$dhcp_pid" || dhcp_rc=$?
unset "E2E_PIDS[$dhcp_pid]"
sed 's/^/  server| /' "$E2E_TMP/dhcp-server.log" >&2

once truncated "packet from $GW ignored: too short for a BOOTP message"
once option-past-end "packet from $GW ignored: option runs past the end of the packet"
# the 10,000-option OFFER and the 4 KiB root-path do not fit a frame: one line per datagram
once oversized-fragmented "packet from $GW ignored: IP fragment" 2
once too-many-options "packet from $GW ignored: too many options"
once no-end "packet from $GW ignored: no END option"
once wrong-xid "DHCPOFFER from $GW ignored: wrong xid"
once wrong-chaddr "DHCPOFFER from $GW ignored: for another hardware address"
once no-address "DHCPOFFER from $GW ignored: no address offered"
once root-path-too-long "DHCPOFFER of $NET_PREFIX.57 from $GW set aside: option 17 \(root path\) unusable"
once lease-zero "DHCPOFFER of $NET_PREFIX.58 from $GW (set aside|ignored): a lease of 0 s"
once nak-other-server "DHCPNAK from 10.255.0.9 ignored: from a server other than the one selected"
once ack-bad-address "DHCPACK from $GW ignored: unusable address offered"
once bootp-reply "BOOTREPLY from $GW ignored: unexpected message type"
once good-lease "lease $GOOD/24 from $GW, gateway $GW, 3600 s"
sent=$(grep -c '^hostile-dhcp: sent ' "$E2E_TMP/dhcp-server.log" || true)
check server-sent-every-scenario "the server sent $sent packets, not the 16 of its scenarios" \
	test "$sent" -ge 16
check server-saw-good-request "the DHCP server did not end with its good ACK (status $dhcp_rc)" \
	test "$dhcp_rc" = 0
check no-crash "sprout-init died or the kernel panicked" \
	e2e_log_lacks hostile 'Kernel panic|Attempted to kill init|segfault|general protection'

check_log blackhole-not-waited "the black-hole server $BH was not given up on by the probe" \
	hostile "sprout: root: NFS server $BH: no answer yet, not waited for"
if e2e_log_has hostile 'SPROUT-E2E-ROOT: ok'; then
	check_log second-server "root not from $SRV over NFSv4" \
		hostile "SPROUT-E2E-MOUNT: $SRV:/export / nfs4 ro,"
	check blackhole-never-mounted "a mount was tried on the black-hole server $BH" \
		e2e_log_lacks hostile "sprout: tl: server $BH "
else
	e2e_fail second-server "the root was not reached" hostile
fi
check export-unchanged "the exported tree changed" test "$(e2e_sum "$ROOT")" = "$root_sum"
