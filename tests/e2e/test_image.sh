#!/usr/bin/env bash
# Root images (sprout.image=): a squashfs file in the NFS export, loop-mounted with the RAM
# layer; the same copied to RAM (sprout.toram=1), after which the server is killed and the
# machine keeps reading and writing; an erofs image on a local disk (LABEL=data:/PATH), to
# RAM with the progress line; a wrong sprout.image.sha256= (both digests named, nothing
# mounted, the shell); too little RAM for toram (the message before any copy, the shell).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init image
net_init 46

SRV=$NET_PREFIX.2
IMG=$E2E_TMP/initrd.img
ROOT=$E2E_TMP/root
EXPORT=$E2E_TMP/export

# The image's init: reports its layers, waits DELAY seconds (the test kills the server
# meanwhile), then reads every file of the root and writes one, reports, powers off.
e2e_make_root "$ROOT"
cat >"$ROOT/sbin/img-init" <<'INIT'
#!/bin/busybox sh
b=/bin/busybox
$b mount -t proc proc /proc 2>/dev/null
$b mount -t sysfs sys /sys 2>/dev/null
say() { echo "$1" >/dev/console; }
lower=$($b awk '$2 == "/run/sprout/lower" { print $1 "," $3 }' /proc/mounts)
top=$($b awk '$2 == "/" { t = $3 } END { print t }' /proc/mounts)
nfs=$($b awk '$3 ~ /^nfs/ { n++ } END { print n + 0 }' /proc/mounts)
state=$($b tr '\n' ' ' </run/sprout/image 2>/dev/null)
say "IMG-READY lower=$lower top=$top nfs=$nfs"
$b sleep "${1:-0}"
read=no
$b find / -xdev -type f -exec $b cat {} + >/dev/null 2>&1 && $b cat /bin/busybox >/dev/null && read=yes
writes=no
echo "written-by-image-init" >/new-file && [ "$($b cat /new-file)" = written-by-image-init ] &&
	$b rm /etc/os-release && [ ! -e /etc/os-release ] && writes=yes
sum=$($b md5sum /bin/busybox | $b cut -c1-32)
say "IMG: lower=$lower top=$top nfs=$nfs read=$read writes=$writes busybox=$sum state: $state"
$b poweroff -f
INIT
chmod 0755 "$ROOT/sbin/img-init"
BBSUM=$(md5sum /bin/busybox | cut -c1-32)

mkdir -p "$EXPORT/images" "$E2E_TMP/data/images"
mksquashfs "$ROOT" "$EXPORT/images/root.sqfs" -noappend -quiet -comp gzip -all-root >/dev/null
SQSUM=$(sha256sum "$EXPORT/images/root.sqfs" | cut -d' ' -f1)
(cd "$EXPORT/images" && sha256sum root.sqfs >root.sqfs.sha256)
# The local image is bigger than the progress line's threshold (32 MiB): random filler.
head -c $((40 << 20)) /dev/urandom >"$ROOT/filler"
mkfs.erofs --quiet --all-root "$E2E_TMP/data/images/root.erofs" "$ROOT" >/dev/null
rm "$ROOT/filler"
(cd "$E2E_TMP/data/images" && sha256sum root.erofs >root.erofs.sha256)
e2e_disk_ext4 "$E2E_TMP/data.img" "$E2E_TMP/data" -L data
e2e_sprout_image "$IMG" --generic
net_ganesha srv "$SRV" "$EXPORT" --ro
export_sum=$(e2e_sum "$EXPORT")
NFS="ip=$NET_PREFIX.60::$NET_GW:255.255.255.0::eth0:off root=nfs4:$SRV:/export"

# (a) The squashfs image in the export, checked against root.sqfs.sha256, the RAM layer on top.
net_boot nfsimg --nic a1 --initrd "$IMG" --timeout 240 --mem 384 \
	--append "$NFS sprout.image=/images/root.sqfs init=/sbin/img-init"
e2e_wait nfsimg || true
check_log nfs-image-boots "the squashfs image in the NFS export did not boot with a RAM layer" \
	nfsimg "IMG: lower=/dev/loop[0-9]+,squashfs top=overlay nfs=1 read=yes writes=yes busybox=$BBSUM"
check_log nfs-image-verified "the image was not checked against the .sha256 file beside it" \
	nfsimg "sprout: root: image /images/root.sqfs verified: sha256 $SQSUM \(from PATH.sha256"
check_log nfs-image-overlay-default "no log line for the default RAM layer" \
	nfsimg 'sprout: root: the image is read-only: a RAM layer goes on top'
check_log nfs-image-state "/run/sprout/image does not say what was used" \
	nfsimg "state: source=nfs image=/images/root.sqfs server=$SRV size=[0-9]+ bytes=[0-9]+ type=squashfs toram=0 verified=1 sha256=$SQSUM"
check_log nfs-image-timeline "no image event on the timeline" \
	nfsimg "sprout: tl: image /images/root.sqfs .* ok source=nfs server=$SRV bytes=[0-9]+"

# (b) The same to RAM, the digest on the command line; the server killed once the real init
# runs; 20 s later the machine reads every file and writes.
net_boot toram --nic b1 --initrd "$IMG" --timeout 300 --mem 384 \
	--append "$NFS sprout.image=/images/root.sqfs sprout.image.sha256=$SQSUM sprout.toram=1 init=/sbin/img-init -- 20"
if e2e_expect toram 'IMG-READY' 200; then
	net_ganesha_stop srv --kill
	e2e_pass toram-server-stopped
else
	e2e_fail toram-server-stopped "the real init never reported; the server was not stopped under it" toram
fi
e2e_wait toram || true
check_log toram-boots "the image copied to RAM did not boot" \
	toram 'IMG-READY lower=/dev/loop[0-9]+,squashfs top=overlay nfs=0'
check_log toram-survives-server "after the server was stopped the machine could not read and write" \
	toram "IMG: .*nfs=0 read=yes writes=yes busybox=$BBSUM state: source=nfs .*toram=1 verified=1"
check_log toram-verified "not verified against sprout.image.sha256=" \
	toram "verified: sha256 $SQSUM \(from sprout.image.sha256=\)"
check_log toram-no-server "no line saying the machine needs no server" \
	toram 'in RAM, the machine needs no server from here on'
check export-unchanged "the exported tree changed" test "$(e2e_sum "$EXPORT")" = "$export_sum"

# (c) An erofs image on a local disk, to RAM with one progress line.
e2e_boot local --initrd "$IMG" --disk "$E2E_TMP/data.img" --timeout 240 --mem 384 \
	--append "sprout.image=LABEL=data:/images/root.erofs sprout.toram=1 init=/sbin/img-init"
e2e_wait local || true
check_log local-erofs-boots "the erofs image on LABEL=data did not boot to RAM" \
	local "IMG: lower=/dev/loop[0-9]+,erofs top=overlay nfs=0 read=yes writes=yes busybox=$BBSUM state: source=local .*toram=1 verified=1"
check_log local-progress "no progress line for a 40 MiB copy" local 'sprout: image: copying to RAM: 100 % of 4[0-9] MiB'
check_log local-source-unmounted "the local filesystem holding the image stayed mounted" \
	local "sprout: root: mounted image LABEL=data:/images/root.erofs \(erofs, .*in RAM"

# (d) A wrong digest: both named, nothing mounted, the shell.
BAD=0000000000000000000000000000000000000000000000000000000000000000
e2e_boot badsum --initrd "$IMG" --disk "$E2E_TMP/data.img" --timeout 180 --mem 384 --interactive \
	--append "sprout.image=LABEL=data:/images/root.erofs sprout.image.sha256=$BAD"
if e2e_expect badsum "its sha256 is [0-9a-f]{64}, but sprout.image.sha256= says $BAD; not mounted" 150 &&
	e2e_expect badsum 'rescue shell on the console' 30; then
	e2e_send badsum 'echo MOUNTS=$(grep -cE " /sysroot | /run/sprout/image-src |^/dev/loop" /proc/mounts)=END'
	check "bad-digest-nothing-mounted" "something stayed mounted after the digest mismatch" \
		e2e_expect badsum 'MOUNTS=0=END' 30
	e2e_pass bad-digest-message
else
	e2e_fail bad-digest-message "no message naming both digests, then the shell" badsum
fi
e2e_stop badsum || true

# (e) Too little RAM for toram: the message before any copy, then the shell.
e2e_boot noram --initrd "$IMG" --disk "$E2E_TMP/data.img" --timeout 180 --mem 384 --interactive \
	--append "sprout.image=LABEL=data:/images/root.erofs sprout.toram=1 sprout.toram.min=4G"
if e2e_expect noram 'MiB, MemAvailable is [0-9]+ MiB, and sprout.toram.min= keeps 4096 MiB free: not enough RAM to copy it \(nothing copied\)' 150 &&
	e2e_expect noram 'rescue shell on the console' 30; then
	check noram-before-copy "the copy started before the refusal" e2e_log_lacks noram 'copying image'
	e2e_pass toram-too-little-ram
else
	e2e_fail toram-too-little-ram "no refusal naming the sizes, then the shell" noram
fi
e2e_stop noram || true
