#!/usr/bin/env bash
# Early microcode in front of the image: a generic image built with a microcode tree
# (a fake intel-ucode/amd-ucode tree: Debian's intel-microcode and amd64-microcode are
# in non-free-firmware, outside this machine's apt sources) boots its root, so the
# kernel takes the uncompressed early archive and unpacks the compressed image after
# it. The archive's layout (the kernel's paths, 16-byte aligned data) is checked on the
# host by tests/unit/test_buildcheck.c.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init microcode

ROOT=$E2E_TMP/root
FW=$E2E_TMP/firmware
IMG=$E2E_TMP/initrd.img

e2e_make_root "$ROOT"
e2e_disk_ext4 "$E2E_TMP/ext4.img" "$ROOT"
mkdir -p "$FW/intel-ucode" "$FW/amd-ucode"
# not valid updates: the loaders find no matching signature and apply nothing
head -c 3072 /dev/zero > "$FW/intel-ucode/06-55-04"
head -c 1024 /dev/zero > "$FW/amd-ucode/microcode_amd_fam17h.bin"
e2e_sprout_image "$IMG" --generic --firmware-dir "$FW" > "$E2E_TMP/build.out"
check microcode-built "the build did not put microcode in front" \
	grep -q 'early microcode in front: AuthenticAMD GenuineIntel, 2 file(s)' "$E2E_TMP/build.out"
"$E2E_REPO/build/sprout" ls --long "$IMG" > "$E2E_TMP/ls.out"
check microcode-ls "sprout ls does not mark the end of the early part" \
	grep -q -- '^-- end of the uncompressed early part: [0-9]* bytes; a zstd archive' "$E2E_TMP/ls.out"

e2e_boot ucode --initrd "$IMG" --disk "$E2E_TMP/ext4.img" --append "root=/dev/vda" --timeout 120
e2e_wait ucode || true
check_log microcode-boot "the image with early microcode in front did not reach its root" \
	ucode 'SPROUT-E2E-ROOT: ok'
check_log microcode-modules "the compressed image after the early part was not unpacked" \
	ucode 'sprout: .*virtio_blk'
