#!/usr/bin/env bash
# Device rules (devices.conf) and the device daemon, end to end.
#   rules: a generic image with a devices.conf; the root (on an IDE disk, so nothing virtio
#     is loaded at boot) finds its disk node with the owner (a user only the root's
#     /etc/passwd knows), the mode and the symlink the rules give; a garbage line is
#     logged with its number. The root's init then starts `sprout-init --devices`; a
#     virtio disk hot-added through the QEMU monitor gets virtio_pci and virtio_blk
#     loaded by the daemon and its own rule (owner, mode, link); SIGTERM ends the daemon
#     with status 0.
#   garbage: a devices.conf that is nothing but garbage still reaches the root, the
#     errors logged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init devices

ROOT=$E2E_TMP/root
UUID=5d2c9e1a-7b44-4f0e-a1c3-9e8d7c6b5a40
e2e_make_root "$ROOT"

# users and groups only the root has (the image has no /etc/passwd)
cat >"$ROOT/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
alice:x:1234:1234:Alice:/home/alice:/bin/sh
PW
cat >"$ROOT/etc/group" <<'GR'
root:x:0:
lab:x:4321:alice
hotgrp:x:4322:
GR
cp "$E2E_REPO/build/sprout-init" "$ROOT/sbin/sprout-init"

# the root's own modules for the daemon: the index and virtio_pci, virtio_blk with their
# dependencies (the rest of the tree is not needed for this test)
copy_module() {
	local line f
	line=$(grep -E "/$1\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep") || return 1
	for f in ${line%%:*} ${line#*:}; do
		mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$f")"
		cp "$MODDIR/$f" "$ROOT/lib/modules/$KVER/$f"
	done
}
mkdir -p "$ROOT/lib/modules/$KVER"
cp "$MODDIR"/modules.dep "$MODDIR"/modules.alias "$MODDIR"/modules.softdep "$ROOT/lib/modules/$KVER/"
copy_module virtio_pci
copy_module virtio_blk

cat >"$ROOT/sbin/devinit" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
say() { printf '%s\n' "$1" >/dev/console; }
say "DEVTEST-ROOT: up args=$*"
$bb ls -ln /dev/sda /dev/rootdisk 2>&1 | while read -r l; do say "DEVTEST-LS: $l"; done
if [ "$1" = hotplug ]; then
	/sbin/sprout-init --devices &
	pid=$!
	say "DEVTEST-DEVD: pid $pid"
	i=0
	while [ ! -e /dev/hot/disk-a ] && [ $i -lt 300 ]; do $bb sleep 0.2; i=$((i + 1)); done
	$bb ls -ln /dev/vda /dev/hot/disk-a 2>&1 | while read -r l; do say "DEVTEST-HOT: $l"; done
	$bb grep -E '^(virtio_pci|virtio_blk) ' /proc/modules | while read -r m r; do say "DEVTEST-MOD: $m"; done
	kill -TERM $pid
	wait $pid
	say "DEVTEST-DEVD: exit $?"
fi
exec $bb poweroff -f
INIT
chmod 0755 "$ROOT/sbin/devinit"

RULES=$E2E_TMP/devices.conf
cat >"$RULES" <<'RULES'
# device rules of the e2e test
sd[a-z] alice:lab 0604 >rootdisk
this line is garbage
vd([a-z]) root:hotgrp 0620 >hot/disk-%1
RULES
# the root's own rules, for the daemon (the image has its copy from --devices-conf)
mkdir -p "$ROOT/etc/sprout"
cp "$RULES" "$ROOT/etc/sprout/devices.conf"
printf 'garbage\n\001\002 x\nsd[ 0:0 7777\n@1 a:b 8\n' >"$E2E_TMP/garbage.conf"

e2e_disk_ext4 "$E2E_TMP/root.img" "$ROOT" -U "$UUID"
truncate -s 1M "$E2E_TMP/hot.img"
e2e_sprout_image "$E2E_TMP/rules.img" --generic --devices-conf "$RULES"
e2e_sprout_image "$E2E_TMP/garbage.img" --generic --devices-conf "$E2E_TMP/garbage.conf"
IDE="-drive file=$E2E_TMP/root.img,if=ide,format=raw"

# --- rules, then the daemon and a hot-added disk ---------------------------------------
e2e_boot rules --initrd "$E2E_TMP/rules.img" --monitor --timeout 300 --extra "$IDE" \
	--append "root=UUID=$UUID init=/sbin/devinit -- hotplug"
if e2e_expect rules 'devices daemon: started' 200; then
	e2e_hotadd_disk rules "$E2E_TMP/hot.img" hot0 >/dev/null ||
		e2e_fail hotadd "the disk could not be hot-added"
	e2e_wait rules || true
else
	e2e_stop rules || true
fi
check_log rules-garbage-line "the bad line was not logged with its number" rules \
	'sprout: devices: /etc/sprout/devices.conf line 3: expected user:group'
check_log rules-root "the root's init did not start" rules 'DEVTEST-ROOT: up args=hotplug'
check_log rules-owner "/dev/sda: not alice:lab (1234:4321) mode 0604" rules \
	'DEVTEST-LS: brw----r-- +1 +1234 +4321 .* /dev/sda$'
check_log rules-link "no /dev/rootdisk -> sda" rules 'DEVTEST-LS: lrwxrwxrwx .* /dev/rootdisk -> sda$'
check_log devd-module "virtio_blk not loaded by the daemon" rules 'DEVTEST-MOD: virtio_blk'
check_log devd-rule "/dev/vda: not 0:4322 mode 0620" rules \
	'DEVTEST-HOT: brw--w---- +1 +0 +4322 .* /dev/vda$'
check_log devd-link "no /dev/hot/disk-a -> ../vda" rules \
	'DEVTEST-HOT: lrwxrwxrwx .* /dev/hot/disk-a -> \.\./vda$'
check_log devd-exit "the daemon did not exit 0 on SIGTERM" rules 'DEVTEST-DEVD: exit 0'

# --- a devices.conf of garbage --------------------------------------------------------
e2e_boot garbage --initrd "$E2E_TMP/garbage.img" --timeout 200 --extra "$IDE" \
	--append "root=UUID=$UUID init=/sbin/devinit"
e2e_wait garbage || true
check_log garbage-root "a garbage devices.conf kept the root from starting" garbage 'DEVTEST-ROOT: up'
check_log garbage-logged "the garbage lines were not logged" garbage \
	'sprout: devices: /etc/sprout/devices.conf line 3: expected a valid extended regular expression'
check_log garbage-kept "sda changed by rules that do not parse" garbage \
	'DEVTEST-LS: brw------- +1 +0 +0 .* /dev/sda$'
