#!/usr/bin/env bash
# Faults of the machine itself, one short boot each:
#   - the root device never appears: after rd.timeout= a message listing what exists, then a
#     working rescue shell;
#   - the image lacks the module of the root's disk: the message names the device's modalias
#     and the module it needs;
#   - a garbage command line: 1.5 KiB of random printable bytes around a valid root= on the
#     kernel's line (x86 keeps 2048 bytes), and 4 KiB of random bytes as a baked-in defaults
#     file (/etc/sprout/cmdline.d/, added as an extra cpio archive appended to the image: the
#     kernel unpacks concatenated archives): no crash, and the boot goes on;
#   - the RAM layer full: a root whose init fills / (sprout.overlay=tmpfs, 8M) with dd, which
#     must get ENOSPC while deleting and small writes still work; the disk stays unchanged.
# The random bytes come from a seed printed on stderr; E2E_SEED=N replays one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init faults

ROOT=$E2E_TMP/root
DISK=$E2E_TMP/disk.img
IMG=$E2E_TMP/initrd.img
NOBLK=$E2E_TMP/initrd-noblk.img
UUID=6d1a3f0e-5b7c-4c2a-9e41-0f5e2b8c7d31
OTHER=0badc0de-0000-4000-8000-000000000000
SEED=${E2E_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "faults: random seed $SEED (E2E_SEED=$SEED replays it)" >&2

# The root: e2e's usual one, plus an init that fills / and reports how it went.
e2e_make_root "$ROOT"
cat >"$ROOT/sbin/fill-init" <<'INIT'
#!/bin/busybox sh
b=/bin/busybox
$b mount -t proc proc /proc 2>/dev/null
say() { echo "$*" >/dev/console; }
# dd's messages are kept in memory: nothing can be written to / once it is full
err=$($b dd if=/dev/zero of=/fill bs=64k 2>&1 >/dev/null)
rc=$?
enospc=no
case $err in *"No space left on device"*) enospc=yes ;; esac
kb=$($b du -k /fill | $b cut -f1)
small_when_full=ok
echo x 2>/dev/null >/small-when-full || small_when_full=refused
rm=failed
$b rm -f /fill && [ ! -e /fill ] && rm=ok
write=failed
echo "written after ENOSPC" >/small && [ "$($b cat /small)" = "written after ENOSPC" ] && write=ok
read=failed
$b grep -q '^ID=sprout-e2e' /etc/os-release && read=ok
lower=changed
[ ! -e /run/sprout/lower/fill ] && [ ! -e /run/sprout/lower/small ] && lower=intact
upper=$($b awk '$2 == "/run/sprout/upper" { print $3 }' /proc/mounts)
say "FILL: dd_rc=$rc enospc=$enospc filled_kb=$kb small_when_full=$small_when_full rm=$rm write=$write read=$read lower=$lower upper=$upper"
$b sync
$b poweroff -f
INIT
chmod 0755 "$ROOT/sbin/fill-init"
e2e_disk_ext4 "$DISK" "$ROOT" -U "$UUID"
disk_sum=$(e2e_sum "$DISK")

# Small images of what these machines need, nothing from this host: the disk, ext4, overlay;
# and the same without the disk's driver.
mkdir -p "$E2E_TMP/sysfs/devices"
echo "rootfs / rootfs rw 0 0" >"$E2E_TMP/mounts"
small_image() { # OUT MODULES
	e2e_sprout_image "$1" --host-only --sysfs "$E2E_TMP/sysfs" --mounts "$E2E_TMP/mounts" \
		--add-modules "$2"
}
small_image "$IMG" virtio_pci,virtio_blk,ext4,overlay
small_image "$NOBLK" virtio_pci,ext4

# 1. The root never appears: the message lists the disk there is; the shell works.
e2e_boot noroot --initrd "$IMG" --disk "$DISK" --interactive --timeout 120 \
	--append "root=UUID=$OTHER rd.timeout=3"
if e2e_expect noroot "root: root=UUID=$OTHER not found after 3 s. Block devices: /dev/vda [0-9]+:0 ext4 UUID=$UUID" 90 &&
	e2e_expect noroot 'rescue shell on the console' 30; then
	e2e_pass root-missing-message
	sleep 1
	# shellcheck disable=SC2016 # expanded by the guest's shell: proves it runs commands
	e2e_send noroot 'echo "SHELL-$((6 * 7))"'
	check root-missing-shell "no working shell after the root-not-found message" \
		e2e_expect noroot '^SHELL-42' 30
else
	e2e_fail root-missing-message "no clear message listing the block devices, or no shell" noroot
fi
e2e_stop noroot || true

# 2. The disk's driver is not in the image: its device is named, with the module it needs.
e2e_boot nomod --initrd "$NOBLK" --disk "$DISK" --timeout 120 \
	--append "root=UUID=$UUID rd.timeout=3 rd.shell=0"
e2e_wait nomod || true
check_log missing-module-named "the message does not name virtio_blk and the device's modalias first" \
	nomod "root: devices without a driver in this image: virtio:d00000002v00001AF4 \(virtio block device: virtio_blk\)"
check_log missing-module-no-disks "the block device list does not say there are none" \
	nomod "not found after 3 s. Block devices: no block devices at all"

# 3. Garbage on the command line and in the baked-in defaults.
junk=$E2E_TMP/junk
mkdir -p "$junk/etc/sprout/cmdline.d"
# A setting the config summary shows (so the file was read), then 4 KiB of any bytes, NULs
# and newlines included
{
	echo rd.retry=77
	perl -e 'srand($ARGV[0]); print map { chr(int(rand(256))) } 1 .. 4096' "$SEED"
} >"$junk/etc/sprout/cmdline.d/50-random.conf"
e2e_cpio "$junk" "$E2E_TMP/junk.cpio"
JUNKIMG=$E2E_TMP/initrd-junk.img
cp "$IMG" "$JUNKIMG"
# A newc archive after a compressed one must start 4-byte aligned; NULs in between are skipped.
truncate -s "$((($(stat -c %s "$JUNKIMG") + 3) / 4 * 4))" "$JUNKIMG"
cat "$E2E_TMP/junk.cpio" >>"$JUNKIMG"
# ~1.5 KiB of printable bytes in words of 20-200 (the kernel hands words it does not know to
# init, at most 32 of them), quotes and backslashes included
noise=$(perl -e 'srand($ARGV[0] + 1); my $s = "";
	while (length($s) < 1500) { $s .= " " if length $s; $s .= join "", map { chr(33 + int(rand(94))) } 1 .. 20 + int(rand(181)) }
	print substr($s, 0, 1500)' "$SEED")
e2e_boot junk --initrd "$JUNKIMG" --disk "$DISK" --timeout 120 \
	--append "root=UUID=$UUID init=/sbin/init rd.shell=0 $noise"
e2e_wait junk || true
check_log junk-cmdline-boots "no boot with random bytes on the command line and in the defaults" \
	junk 'SPROUT-E2E-ROOT: ok init=/sbin/init'
check_log junk-defaults-read "the random defaults file was not read" \
	junk 'sprout: config: .*rd\.retry=77'
check junk-no-crash "sprout-init died or the kernel panicked" \
	e2e_log_lacks junk 'Kernel panic|Attempted to kill init|segfault|general protection'

# 4. The RAM layer fills up: ENOSPC for the real system, and nothing else breaks.
e2e_boot full --initrd "$IMG" --disk "$DISK" --timeout 120 \
	--append "root=UUID=$UUID sprout.overlay=tmpfs sprout.overlay.size=8M init=/sbin/fill-init rd.shell=0"
e2e_wait full || true
check_log tmpfs-full-enospc "dd did not end with ENOSPC on the full RAM layer" \
	full '^FILL: dd_rc=[1-9][0-9]* enospc=yes filled_kb=(7|8)[0-9]{3} small_when_full=refused'
check_log tmpfs-full-recovers "deleting, writing a small file or reading failed after ENOSPC" \
	full '^FILL: .* rm=ok write=ok read=ok lower=intact upper=tmpfs'
check disk-unchanged "the root disk changed" test "$(e2e_sum "$DISK")" = "$disk_sum"
