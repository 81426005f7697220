#!/usr/bin/env bash
# A real Debian 12 (systemd) on the stack a guided encrypted install lays out — LVM (root and
# swap LVs) on LUKS2 on md RAID1 — booted by a generic sprout image built with
# --with luks,lvm,md,fsck and root=UUID= of the root LV, the passphrase typed on the serial
# console: systemd reaches multi-user.target with 0 failed units.
# The disks come from scripts/test-debian-disks.sh (the Debian root from
# scripts/test-debian-root.sh), both cached; the boot writes only to QEMU snapshots.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init debian-stack

PASS=sprout-test
WITH=luks,lvm,md,fsck
IMG=$E2E_TMP/initrd.img
U_LUKS=6a000000-0000-4000-8000-000000000002
U_ROOT=6a000000-0000-4000-8000-0000000000f1

t0=$(date +%s%N)
if ! DISKS=$("$E2E_REPO/scripts/test-debian-disks.sh"); then
	e2e_fail debian-disks "scripts/test-debian-disks.sh could not make the disks (its messages above)"
	exit 1
fi
echo "debian-stack: disks $DISKS ($((($(date +%s%N) - t0) / 1000000)) ms)" >&2
# stamp: size and modification time of the cached disks (a boot must not change them).
stamp() {
	stat -c '%n %s %Y' "$DISKS"/deb-a.img "$DISKS"/deb-b.img
}
before=$(stamp)

if ! out=$(e2e_sprout_image "$IMG" --generic --with "$WITH" 2>&1); then
	echo "$out" >&2
	e2e_fail debian-image "sprout build --generic --with $WITH failed: $(tail -n 3 <<<"$out")"
	exit 1
fi

# The cached disks behind snapshots: every write of the boot goes to a temporary file.
drives="-drive file=$(e2e__qopt "$DISKS/deb-a.img"),if=virtio,format=raw,snapshot=on"
drives+=" -drive file=$(e2e__qopt "$DISKS/deb-b.img"),if=virtio,format=raw,snapshot=on"
e2e_boot debian --initrd "$IMG" --interactive --mem 1024 --timeout 300 --extra "$drives" \
	--append "root=UUID=$U_ROOT rw"
re="[Pp]assphrase.*$U_LUKS|$U_LUKS.*[Pp]assphrase"
if e2e_expect debian "$re|rescue shell on the console" 180 && e2e_expect debian "$re" 0; then
	e2e_send debian "$PASS"
	e2e_expect debian 'SPROUT-DEBIAN: multi-user=|rescue shell on the console' 240 || true
	# The report powers the machine off; a rescue shell or a hang is stopped.
	e2e_expect debian 'reboot: Power down' 60 || true
	e2e_stop debian >/dev/null 2>&1 || true
	report=$(e2e__text debian | sed -n 's/.*SPROUT-DEBIAN: //p' | head -n 1)
	if [ -z "$report" ]; then
		e2e_fail debian-multi-user "no report from the Debian root (root not reached, or systemd did not get to multi-user.target)"
	else
		failed=$(e2e__text debian | sed -n 's/.*SPROUT-DEBIAN-FAILED: //p' | tr '\n' ';')
		check debian-multi-user "systemctl is-active multi-user.target was not active: $report" \
			grep -q 'multi-user=active ' <<<"$report"
		check debian-no-failed-units "units failed: $report; ${failed:-}" \
			grep -q ' failed=0 ' <<<"$report"
		check_log debian-root-lv "the Debian root is not the root LV sprout--vg-root, mounted read-write" \
			debian 'SPROUT-DEBIAN-ROOT: /dev/[a-z0-9/-]+ dm=sprout--vg-root ext4 +rw'
		uptime=$(sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' <<<"$report")
		echo "debian-stack: multi-user.target at ${uptime} s of uptime;" \
			"$(e2e_timeline debian | sed 's/^\[ *[0-9.]*\] //' | head -n 1)" >&2
	fi
	check debian-noecho "the typed passphrase was echoed on the console" \
		e2e_log_lacks debian "$PASS"
else
	e2e_stop debian >/dev/null 2>&1 || true
	e2e_fail debian-multi-user "no passphrase prompt naming $U_LUKS"
fi
check debian-disks-untouched "the boot changed the cached disks" test "$(stamp)" = "$before"
