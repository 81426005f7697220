#!/usr/bin/env bash
# Checks the end-to-end harness itself; not part of `make check`. Boots a throwaway busybox
# initramfs (built here, never shipped) that loads the storage modules with insmod, then:
# an ext4 disk from e2e_disk_ext4 boots to the root marker (rw and ro+quiet+init=), xfs and
# btrfs-on-GPT disks are probed and mounted by the guest kernel, the serial console answers a
# shell command, a disk hot-added through the monitor shows up as /dev/vdb, --timeout kills,
# and the exit trap stops QEMU and removes the temp dir. Prints timings on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

e2e_init selftest

# check NAME BOOT CMD...: PASS when CMD succeeds, else FAIL showing BOOT's log.
check() {
	local name=$1 boot=$2
	shift 2
	if "$@"; then e2e_pass "$name"; else e2e_fail "$name" "$*" "$boot"; fi
}

not() { ! "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# --- the throwaway initramfs ---------------------------------------------------------------

declare -A mod_seen=()
mod_order=()

# Adds a module (path relative to MODDIR) after its dependencies.
mod_add() {
	local rel=$1 line dep
	[ -z "${mod_seen[$rel]:-}" ] || return 0
	mod_seen[$rel]=1
	line=$(grep -m1 -F "$rel:" "$MODDIR/modules.dep")
	for dep in ${line#*:}; do
		mod_add "$dep"
	done
	mod_order+=("$rel")
}

mod_rel() {
	grep -m1 -E "(^|/)$1\.ko(\.[a-z0-9]+)?:" "$MODDIR/modules.dep" | cut -d: -f1
}

write_init() {
	cat <<-'EOF'
		#!/bin/busybox sh
		# selftest initramfs: modules by insmod, then one of three jobs chosen by selftest=.
		bb=/bin/busybox
		$bb mount -t devtmpfs devtmpfs /dev
		$bb mount -t proc proc /proc
		$bb mount -t sysfs sysfs /sys
		for m in $($bb cat /lib/mod/order); do
		$bb insmod "/lib/mod/$m" || echo "selftest-init: insmod $m failed"
		done
		mode='' init=/sbin/init rwflag=ro
		for w in $($bb cat /proc/cmdline); do
		case $w in
		selftest=*) mode=${w#selftest=} ;;
		init=*) init=${w#init=} ;;
		rw) rwflag=rw ;;
		esac
		done
		case $mode in
		root)
		/bin/waitdev vda || exec $bb sh
		$bb mount -t ext4 -o $rwflag /dev/vda /sysroot || exec $bb sh
		$bb mount -t tmpfs -o mode=0755 tmpfs /run
		$bb mkdir /run/sprout
		echo 0.000 >/run/sprout/timeline
		echo "sprout: timeline selftest-init done" >/dev/console
		for d in dev proc sys run; do $bb mount --move /$d /sysroot/$d; done
		exec $bb switch_root -c /dev/console /sysroot "$init" one two
		;;
		probe)
		for d in vda vdb vdc1; do /bin/waitdev $d; done
		/sbin/blkid /dev/vda /dev/vdb /dev/vdc1
		for x in vda:ext4 vdb:xfs vdc1:btrfs; do
		if $bb mount -t ${x#*:} -o ro /dev/${x%:*} /mnt; then
		echo "PROBE-MOUNT ${x%:*} ${x#*:} $($bb grep ^ID= /mnt/etc/os-release)"
		$bb umount /mnt
		fi
		done
		;;
		shell)
		echo SELFTEST-SHELL-READY
		exec $bb setsid $bb cttyhack $bb sh
		;;
		esac
		$bb poweroff -f
	EOF
}

# build_initrd OUT: busybox, util-linux blkid with its libraries, storage modules, /init.
build_initrd() {
	local d=$E2E_TMP/initrd f m rel
	mkdir -p "$d"/bin "$d"/sbin "$d"/dev "$d"/proc "$d"/sys "$d"/run "$d"/sysroot "$d"/mnt \
		"$d"/lib/mod
	cp /bin/busybox "$d"/bin/
	# busybox has no blkid applet; the real one shows PARTUUID and PARTLABEL.
	for f in /sbin/blkid $(ldd /sbin/blkid | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }'); do
		cp -L --parents "$f" "$d"/
	done
	for m in virtio_pci virtio_blk crc32c_generic ext4 xfs btrfs; do
		rel=$(mod_rel "$m")
		[ -n "$rel" ] || { echo "selftest: module $m not in $MODDIR" >&2; return 1; }
		mod_add "$rel"
	done
	for rel in "${mod_order[@]}"; do
		cp "$MODDIR/$rel" "$d/lib/mod/"
		basename "$rel"
	done >"$d"/lib/mod/order
	write_init >"$d"/init
	cat >"$d"/bin/waitdev <<-'EOF'
		#!/bin/busybox sh
		n=0
		while [ ! -b "/dev/$1" ]; do
		[ $n -lt 150 ] || { echo "waitdev: $1 absent"; exit 1; }
		/bin/busybox sleep 0.1
		n=$((n + 1))
		done
		echo "waitdev: $1 present"
	EOF
	chmod 0755 "$d"/init "$d"/bin/waitdev
	e2e_cpio "$d" "$1"
}

# --- harness checks that need no guest ---------------------------------------------------------

# shellcheck disable=SC2016 # expanded by the sub-script
results_script='
. "$1/lib.sh"
e2e_init sub
e2e_pass one
e2e_skip two "not here"
for i in $(seq 1 50); do echo "line $i"; done >"$E2E_TMP/three.log"
e2e_fail three "it broke"
exit 0'
out=$(E2E_KEEP=0 bash -c "$results_script" sub "$here" 2>"$E2E_TMP/sub.err") && rc=0 || rc=$?
check results-lines - [ "$out" = $'PASS: one\nSKIP: two: not here\nFAIL: three: it broke' ]
check results-exit-status - [ "$rc" = 1 ]
check fail-shows-log-tail - grep -q '^  | line 50$' "$E2E_TMP/sub.err"
check fail-shows-40-lines - [ "$(grep -c '^  | line' "$E2E_TMP/sub.err")" = 40 ]

# shellcheck disable=SC2016
cleanup_script='
. "$1/lib.sh"
e2e_init sub
e2e_boot k --append "" --timeout 60
n=0
while [ ! -s "$E2E_TMP/k.pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
echo "$E2E_TMP $(cat "$E2E_TMP/k.pid") ${E2E_QPID[k]}"'
# The sub-script has exited (and run its trap) once its output file is complete.
E2E_KEEP=0 bash -c "$cleanup_script" sub "$here" >"$E2E_TMP/sub.out"
read -r subtmp qpid tpid <"$E2E_TMP/sub.out"
gone() { [ -n "$1" ] && ! kill -0 "$1" 2>/dev/null; }
check cleanup-kills-qemu - gone "$qpid"
check cleanup-kills-timeout - gone "$tpid"
check cleanup-removes-tmp - test -n "$subtmp" -a ! -e "$subtmp"
E2E_KEEP=1 bash -c "$cleanup_script" sub "$here" >"$E2E_TMP/sub.out" 2>/dev/null
read -r subtmp qpid tpid <"$E2E_TMP/sub.out"
check keep-keeps-tmp - test -n "$subtmp" -a -d "$subtmp"
check keep-kills-qemu - gone "$qpid"
case $subtmp in
"${TMPDIR:-/tmp}"/sprout-e2e-sub.*) rm -rf "$subtmp" ;;
esac

# --- images --------------------------------------------------------------------------------

t0=$(now)
build_initrd "$E2E_TMP/initrd.img"
t1=$(now)
echo "selftest: initramfs $(du -h "$E2E_TMP/initrd.img" | cut -f1) (${#mod_order[@]} modules) in $(elapsed "$t0" "$t1") s" >&2

e2e_make_root "$E2E_TMP/root"
uuid=5e1f7e57-0000-4000-8000-000000000001
partuuid=5e1f7e57-0000-4000-8000-0000000000b7
e2e_disk_ext4 "$E2E_TMP/ext4.img" "$E2E_TMP/root" -U "$uuid" -L SPROUTEXT4
cp --sparse=always "$E2E_TMP/ext4.img" "$E2E_TMP/ext4-rw.img"
e2e_disk_xfs "$E2E_TMP/xfs.img" "$E2E_TMP/root" SPROUTXFS
e2e_disk_btrfs_gpt "$E2E_TMP/btrfs.img" "$E2E_TMP/root" "$partuuid" sprout-data
t2=$(now)
echo "selftest: root + ext4 + xfs + btrfs disks in $(elapsed "$t1" "$t2") s" >&2
check btrfs-gpt-layout - sh -c "sfdisk --dump '$E2E_TMP/btrfs.img' | grep -qi 'start= *2048,.*uuid=$partuuid, name=\"sprout-data\"'"
check sum-stable - [ "$(e2e_sum "$E2E_TMP/root")" = "$(e2e_sum "$E2E_TMP/root")" ]
sum_before=$(e2e_sum "$E2E_TMP/ext4.img")
sum_rw_before=$(e2e_sum "$E2E_TMP/ext4-rw.img")
cp -a "$E2E_TMP/root" "$E2E_TMP/root2"
chmod 0700 "$E2E_TMP/root2/sbin/init2"
check sum-sees-mode - [ "$(e2e_sum "$E2E_TMP/root")" != "$(e2e_sum "$E2E_TMP/root2")" ]
touch "$E2E_TMP/root2/a b"
check xfs-refuses-space-names - not e2e_disk_xfs "$E2E_TMP/bad.img" "$E2E_TMP/root2" BAD
rm -rf "$E2E_TMP/root2" "$E2E_TMP/bad.img"

# --- boots ---------------------------------------------------------------------------------

# rw root, default init: the marker, wall clock to it, kernel clock.
t0=$(now)
e2e_boot rootrw --initrd "$E2E_TMP/initrd.img" --append "selftest=root rw" \
	--disk "$E2E_TMP/ext4-rw.img" --timeout 90
if e2e_expect rootrw '^SPROUT-E2E-TIME:' 90; then t1=$(now); else t1=; fi
e2e_wait rootrw && rc=0 || rc=$?
t2=$(now)
check rootrw-powers-off rootrw [ "$rc" = 0 ]
check rootrw-marker rootrw e2e_log_has rootrw '^SPROUT-E2E-ROOT: ok init=/sbin/init args=one two pid=1 rw=yes$'
check rootrw-mount rootrw e2e_log_has rootrw '^SPROUT-E2E-MOUNT: /dev/vda / ext4 rw[, ]'
check rootrw-run rootrw e2e_log_has rootrw '^SPROUT-E2E-RUN: timeline$'
check rootrw-disk-changed rootrw [ "$(e2e_sum "$E2E_TMP/ext4-rw.img")" != "$sum_rw_before" ]
check log-lacks-negative rootrw not e2e_log_lacks rootrw '^SPROUT-E2E-ROOT:'
check timeline rootrw [ "$(e2e_timeline rootrw)" = "sprout: timeline selftest-init done" ]
if [ -n "$t1" ]; then
	echo "selftest: timing: rw ext4 root: QEMU start -> marker $(elapsed "$t0" "$t1") s wall," \
		"-> QEMU exit $(elapsed "$t0" "$t2") s; kernel clock: 'Run /init' at" \
		"$(e2e_ktime rootrw 'Run /init') s, root init at" \
		"$(e2e__text rootrw | sed -n 's/^SPROUT-E2E-TIME: //p') s" >&2
fi

# ro root, quiet, init=: the console copy of the markers survives quiet; the disk is untouched.
e2e_run rootro --initrd "$E2E_TMP/initrd.img" --append "selftest=root quiet init=/sbin/init2" \
	--disk "$E2E_TMP/ext4.img" --timeout 90 && rc=0 || rc=$?
check rootro-powers-off rootro [ "$rc" = 0 ]
check rootro-quiet rootro e2e_log_lacks rootro 'Run /init'
check rootro-marker rootro e2e_log_has rootro '^SPROUT-E2E-ROOT: ok init=/sbin/init2 args=one two pid=1 rw=no$'
check rootro-mount rootro e2e_log_has rootro '^SPROUT-E2E-MOUNT: /dev/vda / ext4 ro[, ]'
check rootro-disk-unchanged rootro [ "$(e2e_sum "$E2E_TMP/ext4.img")" = "$sum_before" ]

# xfs and btrfs on GPT, read by the guest kernel.
e2e_run probe --initrd "$E2E_TMP/initrd.img" --append "selftest=probe" --timeout 120 \
	--disk "$E2E_TMP/ext4.img" --disk "$E2E_TMP/xfs.img" --disk "$E2E_TMP/btrfs.img" &&
	rc=0 || rc=$?
check probe-powers-off probe [ "$rc" = 0 ]
check probe-no-insmod-error probe e2e_log_lacks probe 'insmod .* failed'
check probe-ext4-blkid probe e2e_log_has probe "^/dev/vda: .*LABEL=\"SPROUTEXT4\" UUID=\"$uuid\".* TYPE=\"ext4\""
check probe-xfs-blkid probe e2e_log_has probe '^/dev/vdb: LABEL="SPROUTXFS" .*TYPE="xfs"'
check probe-btrfs-type probe e2e_log_has probe '^/dev/vdc1: .*TYPE="btrfs"'
check probe-btrfs-partlabel probe e2e_log_has probe '^/dev/vdc1: .*PARTLABEL="sprout-data"'
check probe-btrfs-partuuid probe e2e_log_has probe "^/dev/vdc1: .*PARTUUID=\"$partuuid\""
for fs in vda:ext4 vdb:xfs vdc1:btrfs; do
	check "probe-mount-${fs#*:}" probe e2e_log_has probe "^PROBE-MOUNT ${fs%:*} ${fs#*:} ID=sprout-e2e$"
done

# Serial console and monitor: a shell answers, a hot-added disk appears as /dev/vdb.
truncate -s 8M "$E2E_TMP/hot.img"
e2e_boot shell --initrd "$E2E_TMP/initrd.img" --append "selftest=shell" --timeout 120 \
	--disk "$E2E_TMP/ext4.img" --interactive --monitor
check shell-ready shell e2e_expect shell '^SELFTEST-SHELL-READY' 90
t0=$(now)
e2e_send shell 'echo hello'
check shell-echo shell e2e_expect shell '^hello$' 20
check expect-times-out shell not e2e_expect shell '^never printed' 1
check monitor-status shell [ "$(e2e_monitor shell 'info status')" = "VM status: running" ]
e2e_send shell '/bin/waitdev vda'
check shell-vda-present shell e2e_expect shell '^waitdev: vda present' 20
check hotadd-command shell e2e_hotadd_disk shell "$E2E_TMP/hot.img" hot0
t1=$(now)
e2e_send shell '/bin/waitdev vdb'
check hotadd-vdb-appears shell e2e_expect shell '^waitdev: vdb present' 30
t2=$(now)
echo "selftest: timing: echo round trip + hot-add command $(elapsed "$t0" "$t1") s," \
	"vdb seen $(elapsed "$t1" "$t2") s after device_add" >&2
e2e_send shell '/bin/busybox poweroff -f'
e2e_wait shell && rc=0 || rc=$?
check shell-powers-off shell [ "$rc" = 0 ]

# --timeout: QEMU killed, status 124 (the bare kernel would need ~4.5 s to panic).
e2e_run slow --append "" --timeout 2 && rc=0 || rc=$?
check timeout-kills slow [ "$rc" = 124 ]
