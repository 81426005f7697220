#!/usr/bin/env bash
# Local-disk roots: one generic image, booted in QEMU against disks this test makes.
# Every root= form, ro/rw, rootflags=, init= with arguments, a late (hot-added) disk,
# a wrong root (error + shell + retry), rd.break=root, and boot hooks (README "Hooks").
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init local-root

ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img
UUID=3f0a61d2-6a5e-4c1b-9d0e-5b3c2a1f0e77
PARTUUID=6c1d2e3f-0a4b-4c5d-8e6f-7a8b9c0d1e2f

e2e_make_root "$ROOT"
e2e_sprout_image "$IMG" --generic
e2e_disk_ext4 "$E2E_TMP/ext4.img" "$ROOT" -U "$UUID" -L ext4root
e2e_disk_xfs "$E2E_TMP/xfs.img" "$ROOT" XROOT
e2e_disk_btrfs_gpt "$E2E_TMP/btrfs.img" "$ROOT" "$PARTUUID" sproutroot
ext4_sum=$(e2e_sum "$E2E_TMP/ext4.img")

# boot NAME DISK APPEND [more e2e_boot args]: boots to the end, returns 0 if the root's
# init wrote its marker.
boot() {
	local name=$1 disk=$2 append=$3
	shift 3
	e2e_boot "$name" --initrd "$IMG" --disk "$disk" --append "$append" --timeout 120 "$@"
	e2e_wait "$name" || true
	e2e_log_has "$name" 'SPROUT-E2E-ROOT: ok'
}

# root=/dev/vda: read-only by default, timeline logged and kept in /run/sprout,
# and the disk is byte-for-byte unchanged afterwards.
if boot dev-path "$E2E_TMP/ext4.img" "root=/dev/vda"; then
	check_log dev-path-ro "root was writable without rw" dev-path 'SPROUT-E2E-ROOT: ok .*rw=no'
	check_log dev-path-timeline "no timeline in the log" dev-path 'sprout: timeline: early .*devices .*root .*handover'
	check_log dev-path-run "/run/sprout/timeline not handed to the root" dev-path 'SPROUT-E2E-RUN: .*timeline'
	check dev-path-unchanged "the read-only root disk changed" test "$(e2e_sum "$E2E_TMP/ext4.img")" = "$ext4_sum"
	check_log dev-path-modules "virtio_blk not loaded from the image" dev-path 'sprout: .*virtio_blk'
	# The generic image carries its modules as .ko.xz; Debian's kernel cannot decompress
	# them, so sprout-init decodes them (once told so, it does not ask the kernel again).
	check_log dev-path-modules-decoded "sprout-init did not decode the image's .ko.xz modules" \
		dev-path 'sprout: this kernel cannot decompress modules: sprout-init decodes'
	check dev-path-modules-decoded-once "the kernel's refusal was reported more than once" \
		test "$(grep -c 'this kernel cannot decompress modules' "$(e2e_log dev-path)")" = 1
	hwm=$(sed -n 's/.*sprout-init peak memory (VmHWM) \([0-9]*\) kB.*/\1/p' "$(e2e_log dev-path)" | head -n 1)
	check dev-path-peak-memory "sprout-init's peak memory (${hwm:-none} kB) is not logged or over 2.5 MB" \
		test -n "$hwm" -a "${hwm:-99999}" -le 2560
else
	e2e_fail dev-path "root=/dev/vda not reached"
fi

# root=UUID= on ext4, with rw and rootflags=
if boot uuid-rw "$E2E_TMP/ext4.img" "root=UUID=$UUID rw rootflags=commit=17"; then
	check_log uuid-rw "rw not honoured" uuid-rw 'SPROUT-E2E-ROOT: ok .*rw=yes'
	check_log uuid-rootflags "rootflags=commit=17 not applied" uuid-rw 'SPROUT-E2E-MOUNT: .* ext4 rw,.*commit=17'
else
	e2e_fail uuid-rw "root=UUID= not reached"
fi

# root=LABEL= on xfs
if boot xfs-label "$E2E_TMP/xfs.img" "root=LABEL=XROOT"; then
	check_log xfs-label "not an xfs read-only root" xfs-label 'SPROUT-E2E-MOUNT: .* xfs ro'
else
	e2e_fail xfs-label "root=LABEL= on xfs not reached"
fi

# root=PARTUUID= on a btrfs GPT partition
if boot btrfs-partuuid "$E2E_TMP/btrfs.img" "root=PARTUUID=$PARTUUID quiet"; then
	check_log btrfs-partuuid "not the btrfs partition" btrfs-partuuid 'SPROUT-E2E-MOUNT: /dev/vda1 / btrfs ro'
else
	e2e_fail btrfs-partuuid "root=PARTUUID= on btrfs not reached"
fi

# root=PARTLABEL=, init= with its arguments after --
if boot init-args "$E2E_TMP/btrfs.img" "root=PARTLABEL=sproutroot init=/sbin/init2 -- alpha beta"; then
	check_log init-args "init=/sbin/init2 or its arguments not received" \
		init-args 'SPROUT-E2E-ROOT: ok init=/sbin/init2 args=alpha beta '
else
	e2e_fail init-args "root=PARTLABEL= with init= not reached"
fi

# A root that appears late: no disk at boot, one hot-added while sprout waits (rootwait).
e2e_boot late --initrd "$IMG" --append "root=LABEL=XROOT rootwait" --monitor --timeout 150
if e2e_expect late 'sprout: root: waiting for root=LABEL=XROOT' 90; then
	e2e_hotadd_disk late "$E2E_TMP/xfs.img" late0 >/dev/null
	e2e_wait late || true
	check_log late-rootwait "hot-added root not found" late 'SPROUT-E2E-ROOT: ok'
else
	e2e_stop late || true
	e2e_fail late-rootwait "sprout never said it was waiting for the root"
fi

# A wrong root: a clear error listing what exists, the shell, and a retry when it is left.
e2e_boot wrong --initrd "$IMG" --disk "$E2E_TMP/ext4.img" --interactive --timeout 150 \
	--append "root=UUID=00000000-0000-0000-0000-000000000000 rd.timeout=2"
if e2e_expect wrong "not found after 2 s\\. Block devices: /dev/vda .*ext4 UUID=$UUID LABEL=ext4root" 90 &&
	e2e_expect wrong 'rescue shell on the console' 30; then
	sleep 1
	e2e_send wrong 'echo SHELL-$((40+2))'
	if e2e_expect wrong '^SHELL-42' 30; then
		e2e_pass wrong-root-shell
		e2e_send wrong 'exit'
		check wrong-root-retry "leaving the shell did not retry the root phase" \
			e2e_expect wrong 'not found after 2 s' 60
	else
		e2e_fail wrong-root-shell "the rescue shell did not answer" wrong
	fi
else
	e2e_fail wrong-root-error "no clear error naming the block devices" wrong
fi
e2e_stop wrong || true

# rd.break=root: the shell opens before the root is mounted; leaving it boots on.
e2e_boot brk --initrd "$IMG" --disk "$E2E_TMP/ext4.img" --interactive --timeout 150 \
	--append "root=/dev/vda rd.break=root"
if e2e_expect brk 'rd.break=root: stopping before the root phase' 90 &&
	e2e_expect brk 'rescue shell on the console' 30; then
	sleep 1
	e2e_send brk 'grep -c " /sysroot " /proc/mounts'
	check rd-break-before-mount "the root was mounted before rd.break=root" e2e_expect brk '^0' 30
	# busybox's modprobe in the rescue shell reads the image's modules.dep and loads a
	# .ko.xz module (and the one it needs) itself
	e2e_send brk 'modprobe vfat && echo "MODPROBE-VFAT: $(grep -c -E "^(fat|vfat) " /proc/modules)"'
	check rescue-modprobe-xz "busybox modprobe did not load vfat.ko.xz and fat.ko.xz" \
		e2e_expect brk '^MODPROBE-VFAT: 2' 60
	e2e_send brk 'exit'
	e2e_wait brk || true
	check_log rd-break-continue "the boot did not go on after the shell" brk 'SPROUT-E2E-ROOT: ok'
else
	e2e_stop brk || true
	e2e_fail rd-break "rd.break=root did not open the shell" brk
fi

# Orphans are reaped through the whole boot, not only while the rescue shell runs: a
# process the shell leaves behind ends during the retried root phase and is collected.
e2e_boot orphan --initrd "$IMG" --disk "$E2E_TMP/ext4.img" --interactive --timeout 150 \
	--append "root=UUID=00000000-0000-0000-0000-000000000000 rd.timeout=3"
if e2e_expect orphan 'rescue shell on the console' 90; then
	sleep 1
	e2e_send orphan '(sleep 1 &); exit'
	check orphan-reaped "an orphan that ended outside the rescue shell was not reaped" \
		e2e_expect orphan 'reaped 1 orphaned process\(es\) during the root phase' 60
else
	e2e_fail orphan-reaped "no rescue shell to leave an orphan from" orphan
fi
e2e_stop orphan || true

# Boot hooks: busybox scripts put in by --hook (with their "#!/bin/sh" left to --shell) and
# by --include DIR:/etc/sprout/hooks. The root phase's hooks run in name order with the
# phase as argument and SPROUT_PHASE; one exiting 1 is logged and the boot goes on; the
# overlay phase's hook sees SPROUT_ROOT; a hook that outruns sprout.hook.timeout= is ended
# and logged, and the root is still reached.
HK=$E2E_TMP/hooks
mkdir -p "$HK/src" "$HK/tree/handover.d"
printf '#!/bin/sh\necho "HOOK-MARK arg=$1 phase=$SPROUT_PHASE"\n' > "$HK/src/10-mark"
printf '#!/bin/sh\necho "failing on purpose"\nexit 1\n' > "$HK/src/20-fail"
printf '#!/bin/sh\necho "HOOK-ROOT root=$SPROUT_ROOT"\n' > "$HK/src/10-root"
printf '#!/bin/sh\necho "HOOK-SLOW start"\nsleep 60\necho "HOOK-SLOW not ended"\n' \
	> "$HK/tree/handover.d/50-slow"
chmod 755 "$HK/src/"* "$HK/tree/handover.d/50-slow"
hk_rc=0
"$E2E_REPO/build/sprout" build --kver "$KVER" --moddir "$MODDIR" -o "$HK/never.img" \
	--hook "pre-mount:$HK/src/10-mark" > "$HK/unknown.out" 2>&1 || hk_rc=$?
check hook-unknown-phase "--hook with an unknown phase was not refused naming the phases" \
	grep -q 'unknown phase "pre-mount" (hooks run at one of devices, storage, network, root, overlay, handover)' \
	"$HK/unknown.out"
check hook-unknown-phase-rc "--hook with an unknown phase did not fail (exit $hk_rc)" \
	test "$hk_rc" -ne 0 -a ! -e "$HK/never.img"
e2e_sprout_image "$HK/initrd.img" --generic --hook "root:$HK/src/20-fail" \
	--hook "root:$HK/src/10-mark" --hook "overlay:$HK/src/10-root" \
	--include "$HK/tree:/etc/sprout/hooks" >/dev/null
e2e_boot hooks --initrd "$HK/initrd.img" --disk "$E2E_TMP/ext4.img" --timeout 150 \
	--append "root=/dev/vda sprout.hook.timeout=2"
e2e_wait hooks || true
check_log hook-runs "the root phase's hook did not run with its phase" hooks \
	'hook root/10-mark: HOOK-MARK arg=root phase=root'
check hook-order "the root phase's hooks did not run in name order" bash -c \
	'grep -n "hook root/" "$1" | grep -m1 -q "10-mark"' _ "$(e2e_log hooks)"
check_log hook-fail-logged "a failing hook was not logged with its status" hooks \
	'hook root/20-fail: failed \(exited with status 1\); the boot goes on'
check_log hook-root-env "the overlay phase's hook did not get SPROUT_ROOT" hooks \
	'hook overlay/10-root: HOOK-ROOT root=/sysroot'
check_log hook-timeout "a hook past sprout.hook.timeout= was not ended and logged" hooks \
	'hook handover/50-slow: ran past sprout.hook.timeout=2 s'
check hook-killed "the slow hook went on after its timeout" bash -c \
	'! grep -q "HOOK-SLOW not ended" "$1"' _ "$(e2e_log hooks)"
check_log hook-boot-goes-on "the boot did not reach the root after its hooks" hooks \
	'SPROUT-E2E-ROOT: ok'
