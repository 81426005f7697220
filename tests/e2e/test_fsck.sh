#!/usr/bin/env bash
# fsck of a local root before it is mounted (sprout build --with fsck): an ext4 root left
# "not clean" (as after a crash, made on the host without mounting it) is checked by the
# image's e2fsck -p and found clean afterwards; with fsck.mode=skip it is mounted as it is
# and stays "not clean".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init fsck

ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img
CLEAN=$E2E_TMP/clean.img

# fs_state IMG: the superblock's "Filesystem state:" ("clean", "not clean", ...).
fs_state() {
	dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Filesystem state: *//p'
}

# dirty_copy IMG: a copy of the clean disk marked "not clean" (state 0), unmounted.
dirty_copy() {
	cp --sparse=always "$CLEAN" "$1"
	e2e__quiet debugfs -w -R 'ssv state 0' "$1"
}

if ! command -v debugfs >/dev/null || ! command -v dumpe2fs >/dev/null; then
	e2e_skip fsck "debugfs and dumpe2fs (e2fsprogs) are needed to make a dirty ext4"
	exit 0
fi
e2e_make_root "$ROOT"
e2e_sprout_image "$IMG" --generic --with fsck
e2e_disk_ext4 "$CLEAN" "$ROOT" -L fsckroot
dirty_copy "$E2E_TMP/dirty.img"
check dirty-made "the host did not mark the copy not clean" test "$(fs_state "$E2E_TMP/dirty.img")" = "not clean"

# boot NAME DISK APPEND: to the end; 0 if the root's init wrote its marker.
boot() {
	e2e_boot "$1" --initrd "$IMG" --disk "$2" --append "$3" --timeout 120
	e2e_wait "$1" || true
	e2e_log_has "$1" 'SPROUT-E2E-ROOT: ok'
}

# A dirty root: e2fsck -p checks it (exit 1: corrected), the boot goes on, the disk is clean.
if boot dirty "$E2E_TMP/dirty.img" "root=LABEL=fsckroot"; then
	e2e_pass dirty-root
	check_log dirty-ran "e2fsck -p was not started on the root" dirty \
		'root: checking /dev/vda with /sbin/e2fsck -p \(fsck.mode=auto fsck.repair=preen\)'
	# e2fsck names the filesystem by its label when it has one
	check_log dirty-output "e2fsck's own output is not in the log" dirty \
		'e2fsck: fsckroot was not cleanly unmounted, check forced'
	check_log dirty-counts "e2fsck's summary line is not in the log" dirty \
		'e2fsck: fsckroot: [0-9]+/[0-9]+ files .*[0-9]+/[0-9]+ blocks'
	check_log dirty-exit1 "exit status 1 not reported as corrected" dirty \
		'root: /sbin/e2fsck -p corrected errors on /dev/vda \(exit status 1\); going on'
	check dirty-now-clean "the disk is not clean after the boot: $(fs_state "$E2E_TMP/dirty.img")" \
		test "$(fs_state "$E2E_TMP/dirty.img")" = clean
else
	e2e_fail dirty-root "the root was not reached after its check"
fi

# fsck.mode=skip: not checked, said so, mounted (read-only) as it is, still not clean.
dirty_copy "$E2E_TMP/skip.img"
if boot skip "$E2E_TMP/skip.img" "root=LABEL=fsckroot fsck.mode=skip"; then
	e2e_pass skip-root
	check_log skip-said "the skip is not in the log" skip 'root: fsck.mode=skip: /dev/vda is not checked'
	check skip-not-run "e2fsck ran with fsck.mode=skip" e2e_log_lacks skip 'e2fsck: |root: checking'
	check skip-still-dirty "the disk changed state: $(fs_state "$E2E_TMP/skip.img")" \
		test "$(fs_state "$E2E_TMP/skip.img")" = "not clean"
else
	e2e_fail skip-root "the root was not reached with fsck.mode=skip"
fi
