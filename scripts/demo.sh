#!/usr/bin/env bash
# make demo: builds a generic image for Debian's kernel, makes an ext4 disk with a
# small busybox root, boots both in QEMU and shows what sprout-init did and how
# long each phase took. Needs what scripts/deps.sh installs (make demo runs it).
set -euo pipefail
. "$(dirname "$0")/../tests/e2e/lib.sh"
e2e_init demo
UUID=5e7a1c00-de70-4a11-8000-000000000001

echo "== building the image: sprout build --kver $KVER --generic --shell /bin/busybox"
start=$(date +%s.%N)
e2e_sprout_image "$E2E_TMP/initrd.img" --generic
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v b="$(stat -c %s "$E2E_TMP/initrd.img")" \
	'BEGIN { printf "   %d bytes, built in %.2f s\n", b, e - s }'

echo "== making a root disk: ext4, UUID=$UUID, a busybox root whose init prints a marker"
e2e_make_root "$E2E_TMP/root"
e2e_disk_ext4 "$E2E_TMP/disk.img" "$E2E_TMP/root" -U "$UUID" -L demo-root >/dev/null

echo "== booting in QEMU (TCG): root=UUID=$UUID"
e2e_boot demo --initrd "$E2E_TMP/initrd.img" --disk "$E2E_TMP/disk.img" --append "root=UUID=$UUID" --timeout 120
e2e_wait demo || true
log=$(e2e_log demo)

echo "== what sprout-init said"
tr -d '\r' <"$log" | grep -E 'sprout: ' | sed 's/^\[ *[0-9.]*\] //; s/^/   /'
echo "== the root"
tr -d '\r' <"$log" | grep -E 'SPROUT-E2E-(ROOT|MOUNT|RUN)' | sed 's/^/   /'
run_init=$(e2e_ktime demo 'Run /init' || true)
echo "== kernel clock: \"Run /init\" at ${run_init:-?} s; the timeline above splits the initramfs time by phase"
if tr -d '\r' <"$log" | grep -q 'SPROUT-E2E-ROOT: ok'; then
	echo "== root reached"
else
	echo "== the root was NOT reached; full log:"
	cat "$log"
	exit 1
fi
