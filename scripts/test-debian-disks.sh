#!/usr/bin/env bash
# Two disks holding a real Debian 12 (scripts/test-debian-root.sh) on the stack a guided encrypted
# Debian install lays out: md RAID1 > LUKS2 > LVM (VG sprout-vg: LV root, ext4; LV swap_1, swap).
# Made inside a QEMU guest running the test kernel (the host kernel has no dm and no md) and
# cached under $SPROUT_DEBIAN_DISKS_DIR (default /var/cache/sprout/debian-disks)/KEY/, KEY a hash
# of what they are made from: this script (which also prepares the root for a test, below) and
# scripts/cache.sh, the Debian root's key, the test kernel release and the versions of the
# packages whose tools make them. Remade when missing. The disks are sparse: only what the filesystem uses is written.
#   test-debian-disks.sh             makes the set if missing; prints its directory on stdout
#   test-debian-disks.sh --no-build  prints the directory only if the set is there, else exits 1
#   test-debian-disks.sh --key       prints the key's inputs (stderr) and the key (stdout)
# The set (passphrase: sprout-test):
#   deb-a.img, deb-b.img  1 GiB (sparse)  RAID1, metadata 1.2, array 6a000000:00000000:40000000:00000001
#                  > LUKS2 6a000000-0000-4000-8000-000000000002 > PV > VG sprout-vg
#                  > LV root 640 MiB, ext4 6a000000-0000-4000-8000-0000000000f1
#                  > LV swap_1 64 MiB, swap 6a000000-0000-4000-8000-0000000000f2
# The root is a copy of the cached Debian root, prepared for a test: the serial getty masked, an
# empty /etc/fstab, and sprout-report.service (after multi-user.target) which writes
# "SPROUT-DEBIAN: multi-user=STATE failed=N uptime=S", the failed units' names and the root
# ("SPROUT-DEBIAN-ROOT: DEVICE dm=DM-NAME FSTYPE OPTIONS") to
# /dev/kmsg, then powers off. No kernel modules in it: the image has loaded what the root needs.
# Also in the directory: KEY-INPUTS, guest.log, SHA256SUMS. Boot them with QEMU's snapshot=on
# (or on copies): the cached set must never be written.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${SPROUT_DEBIAN_DISKS_DIR:-/var/cache/sprout/debian-disks}
# shellcheck source-path=SCRIPTDIR source=cache.sh
. "$(dirname "$0")/cache.sh"
cache_options "$@"

TOOLS=(/sbin/cryptsetup /sbin/mdadm /sbin/lvm /sbin/mke2fs /sbin/mkswap /sbin/blkid)
PKGS=(cryptsetup-bin mdadm lvm2 e2fsprogs util-linux busybox-static)
ROOT_MB=640
SWAP_MB=64
DISK_MB=1024

# The test kernel, as scripts/test-disks.sh finds it.
if [ -z "${KVER:-}" ] || [ -z "${KERNEL:-}" ] || [ -z "${MODDIR:-}" ]; then
	env=$("$repo/scripts/test-kernel.sh" --env --no-fetch) || die "no test kernel (scripts/test-kernel.sh)"
	KVER=$(sed -n 's/^KVER=//p' <<<"$env")
	KERNEL=$(sed -n 's/^KERNEL=//p' <<<"$env")
	MODDIR=$(sed -n 's/^MODDIR=//p' <<<"$env")
fi
[ -f "$KERNEL" ] && [ -f "$MODDIR/modules.dep" ] ||
	die "test kernel $KVER: no $KERNEL or no $MODDIR/modules.dep"

debkey=$("$repo/scripts/test-debian-root.sh" --key 2>/dev/null) || die "scripts/test-debian-root.sh --key failed"

key_inputs() {
	echo "script $(sha256sum <"$0" | cut -d' ' -f1)"
	echo "debian-root $debkey"
	echo "kernel $KVER"
	dpkg-query -W -f='package ${Package} ${Version}\n' "${PKGS[@]}" 2>&1 || true
}
cache_key "$cache" "$(key_inputs)"
dir=$cache_dir
cache_answer SHA256SUMS "$dir"

for t in "${TOOLS[@]}" /bin/busybox; do
	[ -x "$t" ] || die "$t is missing (run scripts/deps.sh as root)"
done
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (run scripts/deps.sh)"
debroot=$("$repo/scripts/test-debian-root.sh") || die "no Debian root (scripts/test-debian-root.sh)"

cache_lock

work=$(mktemp -d "${TMPDIR:-/tmp}/sprout-debdisks.XXXXXX")
qpid=
out=$dir.tmp
cleanup() {
	local rc=$?
	[ ! -d "$out" ] || rm -rf "$out"
	if [ -n "$qpid" ]; then
		kill -TERM "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	rm -rf --one-file-system "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "test-debian-disks: making the Debian disk set $cache_key in a QEMU guest (kernel $KVER)" >&2
start=$SECONDS

# --- the root, prepared for a test (on a copy: the cached root is shared) --------------------
r=$work/root
cp -a "$debroot" "$r"
ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service"
: >"$r/etc/fstab"
mkdir -p "$r/usr/local/sbin"
cat >"$r/usr/local/sbin/sprout-report" <<-'EOF'
	#!/bin/sh
	# Reports whether multi-user.target was reached and how many units failed, then powers off.
	state=$(systemctl is-active multi-user.target)
	failed=$(systemctl --failed --no-legend --plain | wc -l)
	up=$(cut -d' ' -f1 /proc/uptime)
	echo "<5>SPROUT-DEBIAN: multi-user=$state failed=$failed uptime=$up" >/dev/kmsg
	systemctl --failed --no-legend --plain | while read -r unit rest; do
		echo "<5>SPROUT-DEBIAN-FAILED: $unit $rest" >/dev/kmsg
	done
	# The root's device and, for a device-mapper one, its name (no dm udev rules in this root).
	src=$(findmnt -n -o SOURCE /)
	dm=$(cat "/sys/class/block/${src##*/}/dm/name" 2>/dev/null || echo -)
	echo "<5>SPROUT-DEBIAN-ROOT: $src dm=$dm $(findmnt -n -o FSTYPE,OPTIONS /)" >/dev/kmsg
	systemctl --no-block poweroff
EOF
chmod 0755 "$r/usr/local/sbin/sprout-report"
cat >"$r/etc/systemd/system/sprout-report.service" <<-'EOF'
	[Unit]
	Description=sprout test: report multi-user and failed units, power off
	After=multi-user.target

	[Service]
	Type=oneshot
	ExecStart=/usr/local/sbin/sprout-report

	[Install]
	WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/sprout-report.service \
	"$r/etc/systemd/system/multi-user.target.wants/sprout-report.service"
# The tree goes to the guest as an ext4 image (made without a mount); the guest copies it into
# the root LV with mke2fs -d, so only what the root uses is written through dm-crypt.
src_mb=$(($(du -sm "$r" | cut -f1) * 5 / 4 + 64))
truncate -s "${src_mb}M" "$work/src.img"
mkfs.ext4 -q -F -d "$r" "$work/src.img" || die "mkfs.ext4 -d of the prepared root failed"

# --- the blank disks --------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
truncate -s "${DISK_MB}M" "$out/deb-a.img" "$out/deb-b.img"

# --- the guest's initramfs ------------------------------------------------------------------
ird=$work/initramfs
mkdir -p "$ird"/{bin,sbin,dev,proc,sys,run,tmp,src,dst,etc/lvm,lib/modules}
cp /bin/busybox "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
for t in "${TOOLS[@]}"; do
	echo "$t"
	ldd "$t" | awk '/=> \// { print $3 } /^\t\// { print $1 }'
done | sort -u | while read -r f; do
	mkdir -p "$ird$(dirname "$f")"
	cp -L "$f" "$ird$f"
done
mkdir -p "$work/mods/lib/modules"
ln -s "$MODDIR" "$work/mods/lib/modules/$KVER"
for m in virtio_pci virtio_blk md_mod raid1 dm_mod dm_crypt xts aes_generic sha256_generic \
	af_alg algif_skcipher algif_hash ext4 crc32c_generic; do
	modprobe -d "$work/mods" -S "$KVER" --show-depends "$m" ||
		die "modprobe --show-depends $m failed for $KVER"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$work/kos"
while read -r ko; do
	cp "$ko" "$ird/lib/modules/"
	echo "/lib/modules/${ko##*/}"
done <"$work/kos" >"$ird/modules"
cat >"$ird/etc/lvm/lvm.conf" <<-'EOF'
	devices { obtain_device_list_from_udev = 0 }
	activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
	global { use_lvmpolld = 0 event_activation = 0 }
	backup { backup = 0 archive = 0 }
EOF
cat >"$ird/init" <<-EOF
	#!/bin/busybox sh
	# Lays the Debian root out on RAID1 > LUKS2 > LVM, reopens and checks it, powers off.
	# Tools by absolute path: busybox's applets would shadow them.
	bb=/bin/busybox
	export PATH=/sbin:/bin
	\$bb mount -t proc proc /proc
	\$bb mount -t sysfs sysfs /sys
	\$bb mount -t devtmpfs devtmpfs /dev
	\$bb mkdir -p /run/cryptsetup /run/mdadm /run/lock/lvm
	ROOT_MB=$ROOT_MB SWAP_MB=$SWAP_MB
EOF
cat >>"$ird/init" <<-'EOF'
	fail() {
		echo "SDEB-FAIL: $*"
		$bb poweroff -f
	}
	step() { # step WHAT CMD...: its output shown only when it fails
		what=$1
		shift
		"$@" >/tmp/out 2>&1 || { $bb cat /tmp/out; fail "$what: $*"; }
	}
	while read -r ko; do $bb insmod "$ko" || echo "SDEB: insmod $ko failed"; done </modules
	i=0
	until [ -b /dev/vda ] && [ -b /dev/vdb ] && [ -b /dev/vdc ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "three virtio disks not seen"
		$bb sleep 0.1
	done
	# vda, vdb: the blank disks; vdc: the prepared root (ext4, read-only).
	pass() { printf sprout-test; }
	lvm() { /sbin/lvm "$@"; }
	echo "SDEB: making at $($bb cut -d' ' -f1 /proc/uptime) s"
	step "create md0" /sbin/mdadm --create /dev/md0 --run --assume-clean --level=1 \
		--raid-devices=2 --metadata=1.2 --name=md0 --homehost=sprout \
		--uuid=6a000000:00000000:40000000:00000001 /dev/vda /dev/vdb
	pass | step "luksFormat md0" /sbin/cryptsetup luksFormat -q --type luks2 \
		--uuid 6a000000-0000-4000-8000-000000000002 --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 --key-file - /dev/md0
	pass | step "open md0_crypt" /sbin/cryptsetup open --key-file - /dev/md0 md0_crypt
	step "pvcreate" lvm pvcreate -q -y /dev/mapper/md0_crypt
	step "vgcreate sprout-vg" lvm vgcreate -q sprout-vg /dev/mapper/md0_crypt
	step "lvcreate root" lvm lvcreate -q -y -W n -Z n -n root -L ${ROOT_MB}M sprout-vg
	step "lvcreate swap_1" lvm lvcreate -q -y -W n -Z n -n swap_1 -L ${SWAP_MB}M sprout-vg
	step "mknodes" lvm vgmknodes sprout-vg
	step "mount the prepared root" $bb mount -t ext4 -o ro /dev/vdc /src
	# No discard (dm-crypt refuses it) and no zeroing: the disks stay sparse.
	step "mke2fs -d the root" /sbin/mke2fs -q -F -t ext4 -E nodiscard,lazy_itable_init=1 \
		-L root -U 6a000000-0000-4000-8000-0000000000f1 -d /src /dev/sprout-vg/root
	step "umount the prepared root" $bb umount /src
	step "mkswap swap_1" /sbin/mkswap -L swap -U 6a000000-0000-4000-8000-0000000000f2 \
		/dev/sprout-vg/swap_1
	step "deactivate" lvm vgchange -q -a n sprout-vg
	step "close md0_crypt" /sbin/cryptsetup close md0_crypt
	step "stop md0" /sbin/mdadm --stop /dev/md0
	$bb sync
	echo "SDEB: checking at $($bb cut -d' ' -f1 /proc/uptime) s"
	step "assemble md0" /sbin/mdadm --assemble --readonly /dev/md0 /dev/vda /dev/vdb
	pass | step "reopen md0_crypt" /sbin/cryptsetup open --readonly --key-file - /dev/md0 md0_crypt
	step "activate" lvm vgchange -q -a y sprout-vg
	step "mknodes" lvm vgmknodes sprout-vg
	u=$(/sbin/blkid -p -s UUID -o value /dev/sprout-vg/root)
	[ "$u" = 6a000000-0000-4000-8000-0000000000f1 ] || fail "root LV UUID '$u'"
	step "mount root" $bb mount -t ext4 -o ro,noload /dev/sprout-vg/root /dst
	[ -x /dst/lib/systemd/systemd ] && [ -x /dst/usr/local/sbin/sprout-report ] ||
		fail "no systemd or no sprout-report in the root LV"
	step "umount root" $bb umount /dst
	t=$(/sbin/blkid -p -s TYPE -o value /dev/sprout-vg/swap_1)
	[ "$t" = swap ] || fail "swap_1 is '$t', not swap"
	step "deactivate" lvm vgchange -q -a n sprout-vg
	step "close md0_crypt" /sbin/cryptsetup close md0_crypt
	step "stop md0" /sbin/mdadm --stop /dev/md0
	$bb sync
	echo "SDEB: ok at $($bb cut -d' ' -f1 /proc/uptime) s"
	$bb poweroff -f
EOF
chmod 0755 "$ird/init"
(cd "$ird" && find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc -R 0:0 --quiet) \
	>"$work/initramfs.cpio" || die "cannot write the guest's initramfs"

# --- the guest --------------------------------------------------------------------------------
log=$work/guest.log
timeout -k 5 "${SPROUT_DISKS_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -m 512 -nographic \
	-no-reboot -monitor none -nic none -kernel "$KERNEL" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 panic=1 loglevel=4 rdinit=/init" \
	-drive "file=$out/deb-a.img,if=virtio,format=raw" \
	-drive "file=$out/deb-b.img,if=virtio,format=raw" \
	-drive "file=$work/src.img,if=virtio,format=raw,readonly=on" </dev/null >"$log" 2>&1 &
qpid=$!
rc=0
wait "$qpid" || rc=$?
qpid=
if [ $rc != 0 ] || ! grep -aq '^SDEB: ok' <(tr -d '\r' <"$log"); then
	echo "test-debian-disks: the guest failed (QEMU status $rc; 124: timed out); its log:" >&2
	tr -d '\r' <"$log" | tail -n 60 | sed 's/^/  | /' >&2
	exit 1
fi
for d in deb-a deb-b; do
	got=$(blkid -p -o export "$out/$d.img") || die "blkid -p found nothing on $d.img"
	grep -qxF UUID=6a000000-0000-0000-4000-000000000001 <<<"$got" ||
		die "$d.img is not a member of md array 6a000000:00000000:40000000:00000001: ${got//$'\n'/ }"
done
echo "$cache_inputs" >"$out/KEY-INPUTS"
tr -d '\r' <"$log" >"$out/guest.log"
(cd "$out" && sha256sum -- *.img >SHA256SUMS)
rm -rf "$dir"
mv "$out" "$dir"
echo "test-debian-disks: made $dir in $((SECONDS - start)) s ($(du -sh "$dir" | cut -f1) on disk;" \
	"$(grep -a '^SDEB: [a-z]* at' "$dir/guest.log" | tr '\n' ' ' | sed 's/SDEB: //g; s/ *$//') of guest uptime)" >&2
echo "$dir"
