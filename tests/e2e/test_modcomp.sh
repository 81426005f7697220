#!/usr/bin/env bash
# Modules stored as .ko.xz (sprout build --module-compress), without QEMU: a generic image
# carries them in an uncompressed archive in front of the compressed one, with a
# modules.dep that names them and files that decode to the kernel's own modules; the
# image is byte-identical when built again, the second build takes every module from the
# cache, a corrupted cache entry is found and made again (same image); --module-compress
# none and --host-only give plain .ko in the compressed archive. (The boot tests load
# these modules: test_local_root.sh, test_nfs_root.sh.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init modcomp --no-qemu
S=$E2E_REPO/build/sprout
T=$E2E_TMP
CACHE=$T/cache

build() { # OUT [options...]
	local out=$1
	shift
	SOURCE_DATE_EPOCH=1700000000 "$S" build --kver "$KVER" --moddir "$MODDIR" --no-microcode \
		--module-cache "$CACHE" -v -o "$out" "$@" 2>"$out.log" >/dev/null
}

# 1. generic: .ko.xz in an uncompressed first archive
build "$T/a.img" --generic
"$S" ls --long "$T/a.img" >"$T/a.ls"
check modcomp-first-uncompressed "the image does not start with an uncompressed archive" \
	test "$(head -c 6 "$T/a.img")" = 070701
# every module entry comes before the line that ends the uncompressed part
sep=$(grep -n -- '^-- end of the uncompressed early part: [0-9]* bytes; a zstd archive' "$T/a.ls" | cut -d: -f1)
last_ko=$(grep -n '\.ko\.xz$' "$T/a.ls" | tail -n 1 | cut -d: -f1)
first_dep=$(grep -n "lib/modules/$KVER/modules.dep$" "$T/a.ls" | cut -d: -f1)
check modcomp-segments "the .ko.xz files are not all in the uncompressed part, or modules.dep is not after it ($sep, $last_ko, $first_dep)" \
	test -n "$sep" -a -n "$last_ko" -a -n "$first_dep" -a "${last_ko:-0}" -lt "${sep:-0}" -a "${first_dep:-0}" -gt "${sep:-0}"
# each archive makes the directories of its own files: the compressed one unpacks alone
# (as unmkinitramfs unpacks them, each into a directory of its own)
early=$(sed -n 's/^-- end of the uncompressed early part: \([0-9]*\) bytes.*/\1/p' "$T/a.ls")
mkdir -p "$T/main-alone"
check modcomp-main-alone "the compressed archive does not unpack on its own (a directory it needs is only in the first)" \
	bash -c "tail -c +$((${early:-0} + 1)) '$T/a.img' | zstd -dc | (cd '$T/main-alone' && cpio -im --quiet) &&
		 test -f '$T/main-alone/lib/modules/$KVER/modules.dep'"
check modcomp-no-plain-ko "a plain .ko is in the generic image" \
	bash -c "! grep -q '\.ko$' '$T/a.ls'"
"$S" extract "$T/a.img" "$T/a" 2>/dev/null
M=$T/a/lib/modules/$KVER
n_xz=$(find "$M" -name '*.ko.xz' | wc -l)
n_dep=$(wc -l <"$M/modules.dep")
check modcomp-dep-names-xz "modules.dep does not name the .ko.xz files (lines $n_dep, files $n_xz)" \
	bash -c "[ $n_xz -gt 100 ] && [ $n_dep = $n_xz ] && ! grep -Eq '\.ko( |:|$)' '$M/modules.dep' &&
		 grep -q '^kernel/fs/ext4/ext4.ko.xz:' '$M/modules.dep'"
ok=1
for f in kernel/fs/ext4/ext4.ko kernel/drivers/block/virtio_blk.ko; do
	xz -t "$M/$f.xz" && xz -dc "$M/$f.xz" | cmp -s - "$MODDIR/$f" || ok=0
	# CRC32 check (stream flags byte 7 = 1): what the kernel's and busybox's decoders verify
	[ "$(od -An -tx1 -j7 -N1 "$M/$f.xz" | tr -d ' ')" = 01 ] || ok=0
done
check modcomp-decodes "a .ko.xz does not decode to the kernel's module, or has no CRC32 check" test $ok = 1
check modcomp-metadata "etc/sprout/image does not say module_compress=xz" \
	grep -qx 'module_compress=xz' "$T/a/etc/sprout/image"
check modcomp-cold "the first build did not compress every module into the cache" \
	grep -Eq "modules as .ko.xz .*: 0 from the cache $CACHE, $n_xz compressed now" "$T/a.img.log"

# 2. again: the same bytes, every module from the cache
build "$T/b.img" --generic
check modcomp-reproducible "the image differs when built twice" cmp -s "$T/a.img" "$T/b.img"
check modcomp-cache-used "the second build did not take every module from the cache" \
	grep -Eq "modules as .ko.xz .*: $n_xz from the cache $CACHE, 0 compressed now" "$T/b.img.log"

# 3. a corrupted entry (one byte of its compressed data) and a cut one: made again, same image
entries=("$CACHE"/m1-*.xz)
check modcomp-cache-names "the cache does not hold one m1-SHA256-... entry per module (${#entries[@]})" \
	test "${#entries[@]}" = "$n_xz"
printf 'X' | dd of="${entries[0]}" bs=1 seek=100 conv=notrunc status=none
truncate -s 20 "${entries[1]}"
echo junk >"$CACHE/not-ours"
build "$T/c.img" --generic
check modcomp-cache-corrupt "corrupt cache entries were not made again" \
	grep -Eq "$((n_xz - 2)) from the cache .*, 2 compressed now \(2 cache entries were corrupt" "$T/c.img.log"
check modcomp-cache-remade-same "the image differs after the cache was repaired" cmp -s "$T/a.img" "$T/c.img"
check modcomp-cache-foreign "a file of another name in the cache was touched" \
	grep -qx junk "$CACHE/not-ours"
build "$T/d.img" --generic
check modcomp-cache-repaired "the repaired entries were not used the next time" \
	grep -Eq "$n_xz from the cache" "$T/d.img.log"

# 4. --module-compress none: plain .ko, no module archive in front
build "$T/e.img" --generic --module-compress none
"$S" ls --long "$T/e.img" >"$T/e.ls"
check modcomp-none "--module-compress none still has .ko.xz or an uncompressed part" \
	bash -c "! grep -q '\.ko\.xz$' '$T/e.ls' && grep -q '/ext4\.ko$' '$T/e.ls' &&
		 ! grep -q -- '^-- end of the uncompressed' '$T/e.ls' && [ \"\$(head -c 6 '$T/e.img')\" != 070701 ]"
check modcomp-none-cache-note "--module-cache with none was not said to be ignored" \
	grep -q 'module cache .* ignored' "$T/e.img.log"

# 5. host-only: plain .ko by default (few modules: the compressed archive is enough)
mkdir -p "$T/sysfs/devices"
echo "/dev/vda / ext4 ro 0 0" >"$T/mounts"
SOURCE_DATE_EPOCH=1700000000 "$S" build --kver "$KVER" --moddir "$MODDIR" --no-microcode \
	--host-only --sysfs "$T/sysfs" --mounts "$T/mounts" --add-modules virtio_pci,virtio_blk \
	-o "$T/h.img" >/dev/null 2>&1
"$S" ls "$T/h.img" >"$T/h.ls"
"$S" extract "$T/h.img" "$T/h" 2>/dev/null
check modcomp-host-only "a host-only image has .ko.xz, or modules.dep does not name plain .ko" \
	bash -c "! grep -q '\.ko\.xz' '$T/h.ls' && grep -q '^kernel/fs/ext4/ext4.ko:' '$T/h/lib/modules/$KVER/modules.dep'"

# 6. a bad value is refused, naming it
check modcomp-bad-value "--module-compress zstd was not refused with what is expected" \
	bash -c "! '$S' build --kver '$KVER' --moddir '$MODDIR' --module-compress zstd -o '$T/x.img' 2>'$T/x.err' &&
		 grep -q 'module_compress \"zstd\": expected xz or none' '$T/x.err' && [ ! -e '$T/x.img' ]"
