#!/usr/bin/env bash
# The storage test disks (LUKS2, LUKS1, md RAID1, LVM, and LVM on LUKS2 on RAID1), made inside a
# QEMU guest running the test kernel: the host kernel here has no device-mapper and no md.
# Cached under $SPROUT_DISKS_DIR (default /var/cache/sprout/disks)/KEY/, KEY being a hash of
# what they are made from: this script, the test kernel release, the versions of the packages
# whose tools make them, and the root tree written into every filesystem. Remade when missing.
#   test-disks.sh             makes the set if missing; prints its directory on stdout
#   test-disks.sh --no-build  prints the directory only if the set is there, else exits 1
#   test-disks.sh --key       prints the key's inputs (stderr) and the key (stdout)
# The set (identities fixed so tests can name them; passphrase of every LUKS volume:
# sprout-test):
#   luks2.img   64 MiB  LUKS2 2a000000-0000-4000-8000-000000000001 > ext4 2a…f1
#   luks1.img   64 MiB  LUKS1 1a000000-0000-4000-8000-000000000001 (slot 0: luks1.key, 64 random
#                       bytes; slot 1: the passphrase) > ext4 1a…f1
#   raid-a.img, raid-b.img  64 MiB  RAID1, metadata 1.2, array 3a000000:00000000:40000000:00000001
#                       > ext4 3a…f1
#   lvm.img     64 MiB  PV > VG sproutvg > LV root > ext4 4a…f1
#   stack-a.img, stack-b.img  192 MiB  RAID1 5a000000:00000000:40000000:00000001 > LUKS2
#                       5a000000-0000-4000-8000-000000000002 > PV > VG stackvg > LV root (ext4
#                       5a…f1) and LV swap (128 MiB, swap 5a…f2, label swap: room for the
#                       hibernation image of a 256 MiB guest, tests/e2e/test_resume.sh)
# Each ext4 holds the busybox root of tests/e2e/lib.sh (its init prints SPROUT-E2E-ROOT: ok).
# Also in the directory: blkid.txt (blkid -p of each image, as the host sees it), SHA256SUMS,
# KEY-INPUTS (what the key was made from), guest.log (the guest's console).
# The guest formats, tears down, reassembles and checks everything before the set is kept.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${SPROUT_DISKS_DIR:-/var/cache/sprout/disks}
mode=build
for a in "$@"; do
	case $a in
	--no-build) mode=nobuild ;;
	--key) mode=key ;;
	*) echo "test-disks: unknown option '$a' (expected --no-build, --key)" >&2; exit 2 ;;
	esac
done

die() {
	echo "test-disks: $*" >&2
	exit 1
}

TOOLS=(/sbin/cryptsetup /sbin/mdadm /sbin/lvm /sbin/mke2fs /sbin/mkswap /sbin/blkid)
PKGS=(cryptsetup-bin mdadm lvm2 e2fsprogs util-linux busybox-static)

for t in "${TOOLS[@]}" /bin/busybox; do
	[ -x "$t" ] || die "$t is missing (run scripts/deps.sh as root: it installs cryptsetup-bin, mdadm, lvm2)"
done
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (run scripts/deps.sh)"

# The test kernel: from the environment when tests/run.sh (or lib.sh's e2e_init) exported it,
# else from scripts/test-kernel.sh (which takes a second: apt-cache).
if [ -z "${KVER:-}" ] || [ -z "${KERNEL:-}" ] || [ -z "${MODDIR:-}" ]; then
	env=$("$repo/scripts/test-kernel.sh" --env --no-fetch) || die "no test kernel (scripts/test-kernel.sh)"
	KVER=$(sed -n 's/^KVER=//p' <<<"$env")
	KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$env")
	MODDIR=$(sed -n 's/^MODDIR=//p' <<<"$env")
fi
[ -f "$KERNEL" ] && [ -f "$MODDIR/modules.dep" ] ||
	die "test kernel $KVER: no $KERNEL or no $MODDIR/modules.dep"

work=$(mktemp -d "${TMPDIR:-/tmp}/sprout-disks.XXXXXX")
qpid=
out=
cleanup() {
	local rc=$?
	[ -z "$out" ] || [ ! -d "$out" ] || rm -rf "$out"
	if [ -n "$qpid" ]; then
		kill -TERM "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The root tree of the e2e tests (lib.sh defines it; sourcing it starts nothing).
# shellcheck source=../tests/e2e/lib.sh
. "$repo/tests/e2e/lib.sh"
e2e_make_root "$work/root"

# --- the key -------------------------------------------------------------------------------
key_inputs() {
	echo "script $(sha256sum <"$0" | cut -d' ' -f1)"
	echo "kernel $KVER"
	dpkg-query -W -f='package ${Package} ${Version}\n' "${PKGS[@]}" 2>&1 || true
	echo "root $(e2e_sum "$work/root")"
}
inputs=$(key_inputs)
key=$(sha256sum <<<"$inputs" | cut -c1-16)
dir=$cache/$key

case $mode in
key)
	echo "$inputs" >&2
	echo "$key"
	exit 0
	;;
nobuild)
	[ -f "$dir/SHA256SUMS" ] || die "no disk set at $dir (run scripts/test-disks.sh as root)"
	echo "$dir"
	exit 0
	;;
esac

if [ -f "$dir/SHA256SUMS" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache" || die "cannot create $cache (run as root, or set SPROUT_DISKS_DIR)"
# One builder at a time; a second one waits, then finds the set made.
exec {lockfd}>"$cache/.lock"
flock "$lockfd"
if [ -f "$dir/SHA256SUMS" ]; then
	echo "$dir"
	exit 0
fi
echo "test-disks: making the disk set $key in a QEMU guest (kernel $KVER)" >&2
start=$SECONDS

# --- the filesystems, made on the host --------------------------------------------------------
FS_MB=24
for id in 2a 1a 3a 4a 5a; do
	truncate -s "${FS_MB}M" "$work/fs-$id.img"
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -L "root-$id" \
		-U "$id"000000-0000-4000-8000-0000000000f1 -d "$work/root" "$work/fs-$id.img" ||
		die "mkfs.ext4 of the $id root failed"
done

# --- the blank disks and the key file ---------------------------------------------------------
out=$dir.tmp
rm -rf "$out"
mkdir -p "$out"
for d in luks2:64 luks1:64 raid-a:64 raid-b:64 lvm:64 stack-a:192 stack-b:192; do
	truncate -s "${d#*:}M" "$out/${d%%:*}.img"
done
head -c 64 /dev/urandom >"$out/luks1.key"
chmod 0600 "$out/luks1.key"

# --- the guest's initramfs ----------------------------------------------------------------
ird=$work/initramfs
mkdir -p "$ird"/{bin,sbin,dev,proc,sys,run,tmp,etc/lvm,lib/modules}
cp /bin/busybox "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
copy_file() { # host path → same path in the initramfs (symlinked directories resolved)
	mkdir -p "$ird$(dirname "$1")"
	cp -L "$1" "$ird$1"
}
for t in "${TOOLS[@]}"; do
	copy_file "$t"
	ldd "$t" | awk '/=> \// { print $3 } /^\t\// { print $1 }'
done | sort -u | while read -r lib; do copy_file "$lib"; done
cp "$out/luks1.key" "$ird/luks1.key"

# Modules in load order: modprobe wants DIR/lib/modules/KVER.
mkdir -p "$work/mods/lib/modules"
ln -s "$MODDIR" "$work/mods/lib/modules/$KVER"
: >"$ird/modules"
for m in virtio_pci virtio_blk md_mod raid1 dm_mod dm_crypt xts aes_generic sha256_generic \
	af_alg algif_skcipher algif_hash ext4 crc32c_generic; do
	modprobe -d "$work/mods" -S "$KVER" --show-depends "$m" ||
		die "modprobe --show-depends $m failed for $KVER"
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' | while read -r ko; do
	base=${ko##*/}
	cp "$ko" "$ird/lib/modules/$base"
	echo "/lib/modules/$base" >>"$ird/modules"
done

cat >"$ird/etc/lvm/lvm.conf" <<-'EOF'
	devices { obtain_device_list_from_udev = 0 }
	activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
	global { use_lvmpolld = 0 event_activation = 0 }
	backup { backup = 0 archive = 0 }
EOF

cat >"$ird/init" <<-'EOF'
	#!/bin/busybox sh
	# Makes the storage test disks, tears them down, reassembles and checks them, powers off.
	# Tools by absolute path: busybox's own applets would shadow them.
	bb=/bin/busybox
	export PATH=/sbin:/bin
	$bb mount -t proc proc /proc
	$bb mount -t sysfs sysfs /sys
	$bb mount -t devtmpfs devtmpfs /dev
	$bb mkdir -p /run/cryptsetup /run/mdadm /run/lock/lvm /mnt /tmp
	fail() {
		echo "SDISKS-FAIL: $*"
		$bb poweroff -f
	}
	step() { # step WHAT CMD...: runs CMD, its output shown only when it fails
		what=$1
		shift
		if ! "$@" >/tmp/out 2>&1; then
			$bb cat /tmp/out
			fail "$what: $*"
		fi
	}
	while read -r ko; do
		# crc32c-intel has no CPU to run on under TCG: each failure is shown, and a
		# missing driver fails the step that needs it.
		$bb insmod "$ko" || echo "SDISKS: insmod $ko failed"
	done </modules
	# The disks by their QEMU serial numbers.
	i=0
	while :; do
		for s in /sys/block/vd*/serial; do
			[ -r "$s" ] || continue
			n=$($bb cat "$s")
			d=${s%/serial}
			n=$(echo "$n" | $bb tr -c 'a-z0-9\n' _)
			eval "disk_$n=/dev/${d##*/}"
		done
		[ -n "${disk_end:-}" ] && break
		i=$((i + 1))
		[ $i -lt 100 ] || fail "virtio disks not seen"
		$bb sleep 0.1
	done
	pass() { printf sprout-test; }
	fmt_luks() { # fmt_luks TYPE UUID DEV [KEYFILE]
		if [ -n "${4:-}" ]; then
			step "luksFormat $3" /sbin/cryptsetup luksFormat -q --type "$1" --uuid "$2" \
				--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$4" "$3"
		else
			pass | step "luksFormat $3" /sbin/cryptsetup luksFormat -q --type "$1" --uuid "$2" \
				--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - "$3"
		fi
	}
	lvm() { /sbin/lvm "$@"; }
	echo "SDISKS: making at $($bb cut -d' ' -f1 /proc/uptime) s"

	# LUKS2 > ext4
	fmt_luks luks2 2a000000-0000-4000-8000-000000000001 $disk_luks2
	pass | step "open luks2" /sbin/cryptsetup open --key-file - $disk_luks2 luks2
	step "write luks2 root" $bb dd if=$disk_fs_2a of=/dev/mapper/luks2 bs=1M conv=fsync
	step "close luks2" /sbin/cryptsetup close luks2

	# LUKS1 (slot 0 the key file, slot 1 the passphrase) > ext4
	fmt_luks luks1 1a000000-0000-4000-8000-000000000001 $disk_luks1 /luks1.key
	pass >/tmp/pass
	step "add passphrase to luks1" /sbin/cryptsetup luksAddKey -q --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 --key-file /luks1.key $disk_luks1 /tmp/pass
	step "open luks1" /sbin/cryptsetup open --key-file /luks1.key $disk_luks1 luks1
	step "write luks1 root" $bb dd if=$disk_fs_1a of=/dev/mapper/luks1 bs=1M conv=fsync
	step "close luks1" /sbin/cryptsetup close luks1

	# RAID1 > ext4
	step "create raid" /sbin/mdadm --create /dev/md0 --run --assume-clean --level=1 \
		--raid-devices=2 --metadata=1.2 --name=raid --homehost=sprout \
		--uuid=3a000000:00000000:40000000:00000001 $disk_raid_a $disk_raid_b
	step "write raid root" $bb dd if=$disk_fs_3a of=/dev/md0 bs=1M conv=fsync
	step "stop raid" /sbin/mdadm --stop /dev/md0

	# LVM > ext4
	step "pvcreate lvm" lvm pvcreate -q -y $disk_lvm
	step "vgcreate sproutvg" lvm vgcreate -q sproutvg $disk_lvm
	step "lvcreate sproutvg/root" lvm lvcreate -q -y -W n -Z n -n root -L 32M sproutvg
	step "mknodes sproutvg" lvm vgmknodes sproutvg
	step "write lvm root" $bb dd if=$disk_fs_4a of=/dev/sproutvg/root bs=1M conv=fsync
	step "deactivate sproutvg" lvm vgchange -q -a n sproutvg

	# RAID1 > LUKS2 > LVM > ext4 + swap
	step "create stack raid" /sbin/mdadm --create /dev/md1 --run --assume-clean --level=1 \
		--raid-devices=2 --metadata=1.2 --name=stack --homehost=sprout \
		--uuid=5a000000:00000000:40000000:00000001 $disk_stack_a $disk_stack_b
	fmt_luks luks2 5a000000-0000-4000-8000-000000000002 /dev/md1
	pass | step "open stack luks" /sbin/cryptsetup open --key-file - /dev/md1 stackcrypt
	step "pvcreate stack" lvm pvcreate -q -y /dev/mapper/stackcrypt
	step "vgcreate stackvg" lvm vgcreate -q stackvg /dev/mapper/stackcrypt
	step "lvcreate stackvg/root" lvm lvcreate -q -y -W n -Z n -n root -L 40M stackvg
	step "lvcreate stackvg/swap" lvm lvcreate -q -y -W n -Z n -n swap -L 128M stackvg
	step "mknodes stackvg" lvm vgmknodes stackvg
	step "write stack root" $bb dd if=$disk_fs_5a of=/dev/stackvg/root bs=1M conv=fsync
	step "mkswap stack swap" /sbin/mkswap -L swap -U 5a000000-0000-4000-8000-0000000000f2 \
		/dev/stackvg/swap
	step "deactivate stackvg" lvm vgchange -q -a n stackvg
	step "close stack luks" /sbin/cryptsetup close stackcrypt
	step "stop stack raid" /sbin/mdadm --stop /dev/md1
	$bb sync

	# Everything again from the disks alone, checked.
	echo "SDISKS: checking at $($bb cut -d' ' -f1 /proc/uptime) s"
	check_fs() { # check_fs DEV UUID: the filesystem's UUID, and the root's init inside
		u=$(/sbin/blkid -p -s UUID -o value "$1")
		[ "$u" = "$2" ] || fail "$1: filesystem UUID '$u', expected $2"
		step "mount $1" $bb mount -t ext4 -o ro,noload "$1" /mnt
		$bb grep -q 'SPROUT-E2E-ROOT: ok' /mnt/sbin/init || fail "$1: no root init inside"
		step "umount $1" $bb umount /mnt
		echo "SDISKS: $1 ext4 $2"
	}
	pass | step "reopen luks2" /sbin/cryptsetup open --readonly --key-file - $disk_luks2 luks2
	check_fs /dev/mapper/luks2 2a000000-0000-4000-8000-0000000000f1
	step "close luks2" /sbin/cryptsetup close luks2
	step "luks1 passphrase" /sbin/cryptsetup open --test-passphrase --key-file /tmp/pass $disk_luks1
	step "reopen luks1" /sbin/cryptsetup open --readonly --key-file /luks1.key $disk_luks1 luks1
	check_fs /dev/mapper/luks1 1a000000-0000-4000-8000-0000000000f1
	step "close luks1" /sbin/cryptsetup close luks1
	step "assemble raid" /sbin/mdadm --assemble --readonly /dev/md0 $disk_raid_a $disk_raid_b
	$bb tr '\n' ' ' </proc/mdstat | $bb grep -q 'md0 : [^:]*raid1.*\[2/2\] \[UU\]' ||
		fail "raid not whole: $($bb cat /proc/mdstat)"
	check_fs /dev/md0 3a000000-0000-4000-8000-0000000000f1
	step "stop raid" /sbin/mdadm --stop /dev/md0
	step "activate sproutvg" lvm vgchange -q -a y sproutvg
	step "mknodes sproutvg" lvm vgmknodes sproutvg
	check_fs /dev/sproutvg/root 4a000000-0000-4000-8000-0000000000f1
	step "deactivate sproutvg" lvm vgchange -q -a n sproutvg
	step "assemble stack" /sbin/mdadm --assemble --readonly /dev/md1 $disk_stack_a $disk_stack_b
	pass | step "reopen stack luks" /sbin/cryptsetup open --readonly --key-file - /dev/md1 stackcrypt
	step "activate stackvg" lvm vgchange -q -a y stackvg
	step "mknodes stackvg" lvm vgmknodes stackvg
	check_fs /dev/stackvg/root 5a000000-0000-4000-8000-0000000000f1
	t=$(/sbin/blkid -p -s TYPE -o value /dev/stackvg/swap)
	[ "$t" = swap ] || fail "stackvg/swap is '$t', not swap"
	step "deactivate stackvg" lvm vgchange -q -a n stackvg
	step "close stack luks" /sbin/cryptsetup close stackcrypt
	step "stop stack raid" /sbin/mdadm --stop /dev/md1
	$bb sync
	echo "SDISKS: ok at $($bb cut -d' ' -f1 /proc/uptime) s"
	$bb poweroff -f
EOF
chmod 0755 "$ird/init"
(cd "$ird" && find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc -R 0:0 --quiet) \
	>"$work/initramfs.cpio" || die "cannot write the guest's initramfs"

# --- the guest --------------------------------------------------------------------------------
args=(-accel tcg -m 512 -nographic -no-reboot -monitor none -nic none
	-kernel "$KERNEL" -initrd "$work/initramfs.cpio"
	-append "console=ttyS0 panic=1 loglevel=4 rdinit=/init")
for d in luks2 luks1 raid-a raid-b lvm stack-a stack-b; do
	args+=(-drive "file=$out/$d.img,if=none,format=raw,id=$d"
		-device "virtio-blk-pci,drive=$d,serial=$d")
done
for id in 2a 1a 3a 4a 5a; do
	args+=(-drive "file=$work/fs-$id.img,if=none,format=raw,readonly=on,id=fs-$id"
		-device "virtio-blk-pci,drive=fs-$id,serial=fs-$id")
done
# The last disk tells the guest that every disk is there.
truncate -s 1M "$work/end.img"
args+=(-drive "file=$work/end.img,if=none,format=raw,readonly=on,id=end"
	-device "virtio-blk-pci,drive=end,serial=end")
log=$work/guest.log
timeout -k 5 "${SPROUT_DISKS_TIMEOUT:-600}" qemu-system-x86_64 "${args[@]}" </dev/null >"$log" 2>&1 &
qpid=$!
rc=0
wait "$qpid" || rc=$?
qpid=
guest_fail() {
	echo "test-disks: $*; the guest's log:" >&2
	tr -d '\r' <"$log" | tail -n 60 | sed 's/^/  | /' >&2
	exit 1
}
[ $rc != 124 ] || guest_fail "the guest did not finish within ${SPROUT_DISKS_TIMEOUT:-600} s"
[ $rc = 0 ] || guest_fail "QEMU exited with status $rc"
grep -aq '^SDISKS: ok' <(tr -d '\r' <"$log") || guest_fail "the guest did not report SDISKS: ok"

# --- what the host sees -------------------------------------------------------------------
for d in luks2 luks1 raid-a raid-b lvm stack-a stack-b; do
	echo "== $d.img"
	blkid -p -o export "$out/$d.img" | grep -E '^(TYPE|UUID|VERSION|LABEL)=' || true
done >"$out/blkid.txt"
expect() { # expect IMG KEY=VALUE...
	local img=$1 kv got
	shift
	got=$(blkid -p -o export "$out/$img") || die "blkid -p found nothing on $img"
	for kv in "$@"; do
		grep -qxF "$kv" <<<"$got" || die "$img: expected $kv, blkid -p says: ${got//$'\n'/ }"
	done
}
expect luks2.img TYPE=crypto_LUKS UUID=2a000000-0000-4000-8000-000000000001 VERSION=2
expect luks1.img TYPE=crypto_LUKS UUID=1a000000-0000-4000-8000-000000000001 VERSION=1
expect raid-a.img TYPE=linux_raid_member UUID=3a000000-0000-0000-4000-000000000001
expect raid-b.img TYPE=linux_raid_member UUID=3a000000-0000-0000-4000-000000000001
expect lvm.img TYPE=LVM2_member
expect stack-a.img TYPE=linux_raid_member UUID=5a000000-0000-0000-4000-000000000001
expect stack-b.img TYPE=linux_raid_member UUID=5a000000-0000-0000-4000-000000000001
echo "$inputs" >"$out/KEY-INPUTS"
tr -d '\r' <"$log" >"$out/guest.log"
(cd "$out" && sha256sum -- *.img luks1.key >SHA256SUMS)
rm -rf "$dir"
mv "$out" "$dir"
echo "test-disks: made $dir in $((SECONDS - start)) s ($(grep -a '^SDISKS: ' "$dir/guest.log" |
	tr '\n' ' '| sed 's/SDISKS: //g; s/ *$//') of guest uptime)" >&2
echo "$dir"
