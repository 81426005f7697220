#!/usr/bin/env bash
# The diskless farm: four machines PXE-boot at once (QEMU's iPXE, dnsmasq DHCP+TFTP, files
# from `sprout pxe`) from two nfs-ganesha servers exporting identical trees, each machine
# with its writes in a RAM layer (sprout.overlay=tmpfs). Then: the first server down
# (every machine boots from the other, without waiting for the down one); both down (the shell with the table of failures,
# and the boot goes on when a server is back and the shell is left); and the upper layer
# on a local disk (sprout.overlay=LABEL=), whose writes survive a reboot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init farm
net_init 44

S1=$NET_PREFIX.2
S2=$NET_PREFIX.3
IMG=$E2E_TMP/initrd.img
TFTP=$E2E_TMP/tftp
MACHINES=(1 2 3 4)
mac_of() { printf '52:54:00:44:00:%02x' "$1"; }

# The farm's init: writes and deletes in /, reports what it sees, powers off.
farm_root() {
	e2e_make_root "$1"
	cat >"$1/sbin/farm-init" <<'INIT'
#!/bin/busybox sh
b=/bin/busybox
$b mount -t proc proc /proc 2>/dev/null
$b mount -t sysfs sys /sys 2>/dev/null
mac=$($b cat /sys/class/net/eth0/address)
srv=$($b cat /run/sprout/nfs-server 2>/dev/null || echo none)
persist=none
[ -e /persist ] && persist=$($b cat /persist)
echo "$mac" >/written-by-farm && $b rm -f /etc/os-release && $b mkdir -p /newdir && echo x >/newdir/f
writes=no
[ -e /written-by-farm ] && [ ! -e /etc/os-release ] && [ -e /newdir/f ] && writes=yes
lower=changed
[ -e /run/sprout/lower/etc/os-release ] && [ ! -e /run/sprout/lower/written-by-farm ] && lower=intact
echo "boot-of-$mac" >/persist
$b sync
echo "FARM: mac=$mac server=$srv writes=$writes lower=$lower persist=$persist" >/dev/console
$b poweroff -f
INIT
	chmod 0755 "$1/sbin/farm-init"
}
farm_root "$E2E_TMP/root1"
farm_root "$E2E_TMP/root2"
sum1=$(e2e_sum "$E2E_TMP/root1")
sum2=$(e2e_sum "$E2E_TMP/root2")

# The farm's image holds what its machines need, as an admin would build it: no probing
# of this host (an empty sysfs), the NIC, NFS, overlayfs and the disk for the last case.
# Small matters here: iPXE fetches it over TFTP, which is slow under TCG.
mkdir -p "$E2E_TMP/sysfs/devices"
echo "rootfs / rootfs rw 0 0" >"$E2E_TMP/mounts"
e2e_sprout_image "$IMG" --host-only --sysfs "$E2E_TMP/sysfs" --mounts "$E2E_TMP/mounts" \
	--add-modules virtio_pci,virtio_net,virtio_blk,nfsv4,overlay,ext4
net_ganesha s1 "$S1" "$E2E_TMP/root1" --ro
net_ganesha s2 "$S2" "$E2E_TMP/root2" --ro
CMDLINE="ip=dhcp root=nfs4:$S1,$S2:/export sprout.overlay=tmpfs sprout.overlay.size=64M init=/sbin/farm-init"
"$REPO/build/sprout" pxe --image "$IMG" --kernel "$KERNEL" --out "$TFTP" \
	--cmdline "console=ttyS0 panic=1 no_timer_check $CMDLINE"
net_dnsmasq --tftp "$TFTP" --ipxe boot.ipxe

# expected NUM: the server machine NUM should pick first (the unit code's ranking).
expected() { "$REPO/build/sprout" rank "$S1,$S2" "$(mac_of "$1")" | cut -d' ' -f1; }

# farm_ok BOOT NUM SERVER: the machine reached its root on SERVER with a working RAM layer.
farm_ok() {
	e2e_log_has "$1" "FARM: mac=$(mac_of "$2") server=$3 writes=yes lower=intact"
}

# 1. All four PXE-boot at once (started 4 s apart: iPXE's DHCP gives up under TCG load).
start=$(date +%s)
for m in "${MACHINES[@]}"; do
	net_boot "pxe$m" --pxe --nic "p$m,$(mac_of "$m")" --timeout 300 --mem 384
	sleep 4
done
for m in "${MACHINES[@]}"; do e2e_wait "pxe$m" || true; done
echo "timing: 4 machines PXE-booted, both servers up, in $(($(date +%s) - start)) s" >&2
used=""
for m in "${MACHINES[@]}"; do
	want=$(expected "$m")
	used+=" $want"
	check_log "pxe-boot-$m" "machine $m did not reach its root through PXE with a RAM layer" \
		"pxe$m" "FARM: mac=$(mac_of "$m") .*writes=yes lower=intact"
	check "ranking-$m" "machine $m did not use $want, the server its ranking puts first" farm_ok "pxe$m" "$m" "$want"
done
echo "servers chosen:$used" >&2
check exports-unchanged "an exported tree changed" \
	test "$(e2e_sum "$E2E_TMP/root1")" = "$sum1" -a "$(e2e_sum "$E2E_TMP/root2")" = "$sum2"

# 2. The first server down before boot: every machine boots from the second.
# (Direct kernel boot from here on: the PXE path is proven above, and TFTP in TCG is slow.)
net_ganesha_stop s1
start=$(date +%s)
for m in "${MACHINES[@]}"; do
	net_boot "down$m" --nic "d$m,$(mac_of "$m")" --initrd "$IMG" --append "$CMDLINE sprout.nfs.timeout=3" \
		--timeout 240 --mem 384
	sleep 2
done
for m in "${MACHINES[@]}"; do e2e_wait "down$m" || true; done
echo "timing: 4 machines booted with $S1 down in $(($(date +%s) - start)) s" >&2
for m in "${MACHINES[@]}"; do
	check "failover-$m" "machine $m did not boot from $S2 with $S1 down" farm_ok "down$m" "$m" "$S2"
	# every server is probed at once: the down one is seen refusing and never mounted, so no
	# machine spends sprout.nfs.timeout= on it, whichever server its ranking puts first
	check "down-not-waited-$m" "machine $m tried to mount from the down server $S1" \
		e2e_log_lacks "down$m" "sprout: root: mounting $S1:"
	check_log "down-seen-$m" "machine $m's probe did not report $S1 refusing" \
		"down$m" "sprout: root: NFS server $S1: connection refused"
done

# 3. Both down: the table of what was tried, the shell; a server back, the shell left: booted.
net_ganesha_stop s2
net_boot alldown --nic "a1,$(mac_of 1)" --initrd "$IMG" --interactive --timeout 240 --mem 384 \
	--append "$CMDLINE sprout.nfs.timeout=2 rd.retry=2"
if e2e_expect alldown 'no NFS server could give the root' 150 &&
	e2e_log_has alldown "sprout: root:   $S1:/export " && e2e_log_has alldown "sprout: root:   $S2:/export " &&
	e2e_expect alldown 'rescue shell on the console' 30; then
	e2e_pass all-down-table
	net_ganesha s2 "$S2" "$E2E_TMP/root2" --ro
	sleep 1
	e2e_send alldown exit
	e2e_wait alldown || true
	check all-down-recover "no boot after a server came back and the shell was left" farm_ok alldown 1 "$S2"
else
	e2e_stop alldown || true
	e2e_fail all-down-table "no table of failed servers and shell with both servers down" alldown
fi

# 4. The upper layer on a local disk: a file written in one boot is there in the next.
mkdir -p "$E2E_TMP/empty"
e2e_disk_ext4 "$E2E_TMP/keep.img" "$E2E_TMP/empty" -L farmkeep >/dev/null
KEEP="ip=dhcp root=nfs4:$S2:/export sprout.overlay=LABEL=farmkeep init=/sbin/farm-init"
for run in 1 2; do
	net_boot "keep$run" --nic "k$run,$(mac_of 9)" --initrd "$IMG" --disk "$E2E_TMP/keep.img" \
		--append "$KEEP" --timeout 240 --mem 384
	e2e_wait "keep$run" || true
done
check_log keep-first-boot "the first boot with the upper layer on disk failed" keep1 'FARM: .*writes=yes .*persist=none'
check_log keep-survives-reboot "a file written in the first boot was not there in the second" \
	keep2 "FARM: .*writes=yes .*persist=boot-of-$(mac_of 9)"
check exports-unchanged-end "an exported tree changed" \
	test "$(e2e_sum "$E2E_TMP/root1")" = "$sum1" -a "$(e2e_sum "$E2E_TMP/root2")" = "$sum2"
