#!/usr/bin/env bash
# `make bench`: sprout against the initramfs builders a user would pick instead, on the
# Debian test kernel in QEMU (TCG). Writes bench/results.csv, bench/boots.csv,
# bench/boot-time.svg and docs/benchmarks.md (through bench/report.sh, which can be rerun on
# a work directory kept with E2E_KEEP=1). Not part of `make check`: it installs the anchors
# (bench/deps.sh), needs root, and takes about half an hour on a busy 2-core machine.
#
# Files: deps.sh (packages), ns.sh (runs an anchor where it finds the test kernel),
# floor-init.c (the floor), root-init.sh (the root disk's init, which reports), lib.sh
# (timing, sizes, boots), nfs.sh (the NFS rows), image.sh (the root image rows), debian.sh (a
# real Debian 12 + systemd root to multi-user.target), report.sh (tables, chart, docs), and
# notes/*.md (measurements made by hand, which report.sh copies into docs/benchmarks.md).
#
# Environment: BENCH_RUNS (hyperfine runs per build, default 5), BENCH_SLOW_RUNS (the same
# for initramfs-tools MODULES=most and dracut, default 3), BENCH_BOOTS (boots per
# image, default 5), BENCH_VARIANT_BOOTS (boots of sprout's other compressions, default 1),
# BENCH_NFS_BOOTS (NFSv4 boots of sprout and dracut, default 3: dracut's take a minute each),
# BENCH_IMAGE_BOOTS (boots of each root image row, bench/image.sh, default 3),
# BENCH_DEBIAN_BOOTS (boots of each Debian 12 + systemd row, bench/debian.sh, default 2),
# BENCH_BLACKHOLE_BOOTS (NFS boots with a black hole listed first, default 2),
# BENCH_PARALLEL (boots at once, default 2), BENCH_ICOUNT=0 (guest clock in real time
# instead of instruction counting; see below), BENCH_PLAIN (images also booted once in plain
# TCG, default "tiny sprout-zstd itools-most dracut"; empty: none), BENCH_ONLY (space-separated tool ids to
# limit a development run), E2E_KEEP=1 (keep the work directory: images and serial logs).
#
# The guest's clock: by default QEMU runs with -icount shift=0,sleep=on, so while the guest
# CPU runs its clock advances 1 ns per instruction, and while it idles (waiting for the disk,
# or a timer) it advances in real time. A boot's time then depends on the work it does, not
# on what else this 2-core machine is running: the same image boots to within a few ms each
# time, where plain TCG on a busy machine varied by 2x between boots. For images that run one
# program, shift=0 matches this machine's unloaded TCG speed to within a few percent; images
# that start many (dracut, initramfs-tools) take longer in plain TCG, which also charges
# QEMU's translation of each new program: the plain-TCG cross-check below shows how much.
# With that clock, two boots can run at once without disturbing each other's figures much;
# the table's min-max columns show what is left of the spread.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
BENCH_BOOTS=${BENCH_BOOTS:-5}
BENCH_VARIANT_BOOTS=${BENCH_VARIANT_BOOTS:-1}
BENCH_PARALLEL=${BENCH_PARALLEL:-2}
BENCH_ONLY=${BENCH_ONLY:-}
START=$(date +%s)
# Boot the ELF kernel inside the bzImage directly (tests/e2e/lib.sh): the kernel's clock
# starts at its entry either way, and this saves the bzImage's ~3 s of decompressing itself
# under TCG on every boot.
export E2E_PVH=${E2E_PVH:-1}
# A directory of our own for the work directory and the extracted kernel: other engineers'
# clean-ups of /tmp/sprout-e2e-* must not pull them away in the middle of a run.
export TMPDIR=${BENCH_TMPDIR:-/var/tmp/sprout-bench}
mkdir -p "$TMPDIR"
if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
	BENCH_QEMU="-snapshot -icount shift=0,sleep=on"
else
	BENCH_QEMU="-snapshot"
fi

[ "$(id -u)" = 0 ] || { echo "bench: run as root (installs packages, mounts)" >&2; exit 1; }
"$REPO_ROOT/scripts/deps.sh" >&2 # QEMU, busybox, mkfs, ganesha, dnsmasq, the test kernel
"$BENCH_DIR/deps.sh"
[ -x "$REPO_ROOT/build/sprout" ] && [ -x "$REPO_ROOT/build/sprout-init" ] ||
	{ echo "bench: build sprout first (make)" >&2; exit 1; }

# shellcheck source=../tests/e2e/lib.sh
. "$REPO_ROOT/tests/e2e/lib.sh"
e2e_init bench # KVER KERNEL MODDIR, E2E_TMP, and a trap that stops QEMU and cleans up
# shellcheck source=lib.sh
. "$BENCH_DIR/lib.sh"

BENCH_W=$E2E_TMP
mkdir -p "$BENCH_W/logs" "$BENCH_W/img" "$BENCH_W/scratch"
: >"$BENCH_W/builds.csv"
: >"$BENCH_W/images.csv"
: >"$BENCH_W/boots.csv"
: >"$BENCH_W/nfs-notes"
IMG=$BENCH_W/img
UUID=5b1e6c2a-8d4f-4e3a-9c7b-0a1b2c3d4e5f
BENCH_DISK=$BENCH_W/root.img
BENCH_APPEND="root=UUID=$UUID ro quiet"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

want() { [ -z "$BENCH_ONLY" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

# --- the kernel's config: mkinitramfs reads it from /boot (see bench/ns.sh) ------------------
KCONFIG=/var/cache/sprout/bench/config-$KVER
if [ ! -s "$KCONFIG" ]; then
	mkdir -p "$BENCH_W/kdeb" "$(dirname "$KCONFIG")"
	(cd "$BENCH_W/kdeb" && apt-get download -q "linux-image-$KVER" >/dev/null 2>&1)
	dpkg-deb --fsys-tarfile "$BENCH_W"/kdeb/linux-image-*.deb | tar -xO "./boot/config-$KVER" >"$KCONFIG.new"
	mv "$KCONFIG.new" "$KCONFIG"
	rm -rf "$BENCH_W/kdeb"
fi
NS=("$BENCH_DIR/ns.sh" "$KVER" "$MODDIR" "$KCONFIG" "$BENCH_W/scratch")

# --- the root disk: e2e's busybox root with the bench's init --------------------------------
e2e_make_root "$BENCH_W/root"
cp "$BENCH_DIR/root-init.sh" "$BENCH_W/root/sbin/init"
chmod 0755 "$BENCH_W/root/sbin/init"
e2e_disk_ext4 "$BENCH_DISK" "$BENCH_W/root" -U "$UUID"

# --- the floor: a static C init and exactly the modules this boot needs -----------------------
# virtio_pci finds the disk's PCI function, virtio_blk makes /dev/vda, ext4 mounts it, and
# crc32c_generic is what ext4's metadata checksums ask the crypto API for. modprobe also
# offers crc32c-intel, which needs SSE4.2: QEMU's default TCG CPU has none, so it is left
# out rather than tried and failed.
FLOOR_NAMES="virtio_pci virtio_blk crc32c_generic ext4"
mkdir -p "$BENCH_W/kroot/lib/modules" "$BENCH_W/floor/root" "$BENCH_W/floor/dev"
ln -sfn "$MODDIR" "$BENCH_W/kroot/lib/modules/$KVER"
# shellcheck disable=SC2086 # a list of module names
mapfile -t FLOOR_KO < <(for m in $FLOOR_NAMES; do
	modprobe -d "$BENCH_W/kroot" -S "$KVER" --show-depends "$m"; done |
	awk '$1 == "insmod" && $2 !~ /crc32c-intel/ && !seen[$2]++ { print $2 }')
{
	echo "/* generated by bench/run.sh for $KVER */"
	printf '#define FLOOR_MODULES'
	for ko in "${FLOOR_KO[@]}"; do
		rel=${ko#"$BENCH_W/kroot"}
		mkdir -p "$BENCH_W/floor$(dirname "$rel")"
		cp "$ko" "$BENCH_W/floor$rel"
		printf ' \\\n\t"%s",' "$rel"
	done
	printf '\n#define FLOOR_ROOT_DEV "/dev/vda"\n#define FLOOR_ROOT_TYPE "ext4"\n'
} >"$BENCH_W/floor-modules.h"
bench_floor "$BENCH_W/floor/init"
e2e_cpio "$BENCH_W/floor" "$IMG/floor.img"
echo "bench: floor image: ${#FLOOR_KO[@]} modules: ${FLOOR_KO[*]##*/}" >&2

# --- warm the page cache: modules and the programs every builder reads ------------------------
tar -cf - -C "$MODDIR" . | cat >/dev/null
"$REPO_ROOT/build/sprout" build --kver "$KVER" --moddir "$MODDIR" -o "$BENCH_W/warm.img" >/dev/null 2>&1 || true
rm -f "$BENCH_W/warm.img"

# --- builds, timed ------------------------------------------------------------------------------
SPROUT="$REPO_ROOT/build/sprout build --kver $KVER --moddir $MODDIR"
declare -A CMD=()
for c in zstd gzip xz lz4 none; do
	CMD[sprout-$c]="$SPROUT --generic --compress $c -o $IMG/sprout-$c.img"
done
# The generic image as it was before modules were stored as .ko.xz: every module plain in the
# zstd archive, so the kernel unpacks them all and sprout-init decodes none.
CMD[sprout-koplain]="$SPROUT --generic --module-compress none -o $IMG/sprout-koplain.img"
# Host-only for the test machine: sprout's own --host-only, reading the QEMU guest's devices
# (captured by one boot of the generic image, below) and a mount table naming its root.
CMD[sprout-host]="$SPROUT --host-only --sysfs $BENCH_W/guest-sys --mounts $BENCH_W/guest-mounts -o $IMG/sprout-host.img"
# The same with only the root's modules, as the mktirfs and floor rows have them: no devices
# in the sysfs, the disk's drivers named (the root's filesystem comes from the mount table),
# and no root checker (--no-fsck), as neither of those images checks the root either.
CMD[sprout-min]="$SPROUT --host-only --no-fsck --sysfs $BENCH_W/empty-sys --mounts $BENCH_W/guest-mounts --add-modules virtio_pci,virtio_blk -o $IMG/sprout-min.img"
CMD[tiny]="mktirfs -o $IMG/tiny.img -m no --include-modules=virtio_pci,virtio_blk,ext4 $KVER"
CMD[itools-most]="mkinitramfs -d $BENCH_W/itools-most -o $IMG/itools-most.img $KVER"
CMD[itools-dep]="mkinitramfs -d $BENCH_W/itools-dep -o $IMG/itools-dep.img $KVER"
# dracut's modules that dracut-network adds are omitted, so the image is what dracut-core
# alone makes (dracut-network is installed for the NFS variant only).
DRACUT_NET=$(dpkg -L dracut-network | sed -n 's|^/usr/lib/dracut/modules.d/[0-9][0-9]\([^/]*\)$|\1|p' | sort -u | tr '\n' ' ')
DRACUT_NET=${DRACUT_NET% }
mkdir -p "$BENCH_W/dracut.conf.d"
CMD[dracut]="dracut --confdir $BENCH_W/dracut.conf.d --no-hostonly -o '$DRACUT_NET' --kver $KVER -f $IMG/dracut.img"
CMD[dracut-nfs]="dracut --confdir $BENCH_W/dracut.conf.d --no-hostonly -a 'nfs network-legacy' --kver $KVER -f $IMG/dracut-nfs.img"

# initramfs-tools: the machine's own configuration (Debian's defaults: zstd, busybox) in a
# private copy, MODULES= set per row. MODULES=dep detects what *this* machine (the build
# host) needs; the modules file adds the test machine's disk and filesystem, as a user
# building for another machine would.
for m in most dep; do
	cp -r /etc/initramfs-tools "$BENCH_W/itools-$m"
	sed -i "s/^MODULES=.*/MODULES=$m/" "$BENCH_W/itools-$m/initramfs.conf"
done
printf '%s\n' virtio_pci virtio_blk ext4 >>"$BENCH_W/itools-dep/modules"

printf '%s\n' "${!CMD[@]}" | sort >"$BENCH_W/tools"
for t in sprout-zstd sprout-gzip sprout-xz sprout-lz4 sprout-none sprout-koplain; do
	if want "$t"; then bench_time "$t" "$BENCH_RUNS" "${CMD[$t]}"; fi
done

# The test machine's devices, for the host-only image.
BOOTSTRAP=$IMG/sprout-zstd.img
[ -f "$BOOTSTRAP" ] || $SPROUT --generic -o "$BOOTSTRAP" >/dev/null 2>&1
bench_guest_sysfs sysdump "$BOOTSTRAP" "$BENCH_W/guest-sys"
echo "/dev/vda / ext4 ro,relatime 0 0" >"$BENCH_W/guest-mounts"
mkdir -p "$BENCH_W/empty-sys/devices"

for t in sprout-host sprout-min; do
	if want "$t"; then bench_time "$t" "$BENCH_RUNS" "${CMD[$t]}"; fi
done
for t in tiny itools-dep; do
	if want "$t"; then bench_time "$t" "$BENCH_RUNS" "${CMD[$t]}" "${NS[@]}"; fi
done
# The two builders that take a minute or more a build: fewer runs keep `make bench` under
# half an hour (their spread is a few percent of the figure).
for t in itools-most dracut; do
	if want "$t"; then bench_time "$t" "$BENCH_SLOW_RUNS" "${CMD[$t]}" "${NS[@]}"; fi
done
if want dracut-nfs; then bench_time_once dracut-nfs "${NS[@]}" sh -c "${CMD[dracut-nfs]}"; fi

# --- image sizes --------------------------------------------------------------------------------
MAIN_BOOTS=() VARIANT_BOOTS=()
for t in floor tiny sprout-min sprout-host sprout-zstd itools-dep itools-most dracut \
	sprout-lz4 sprout-none sprout-gzip sprout-xz sprout-koplain dracut-nfs; do
	[ -f "$IMG/$t.img" ] || continue
	want "$t" || [ "$t" = floor ] || continue
	bench_image_stats "$t" "$IMG/$t.img"
	case $t in
	dracut-nfs) ;;
	sprout-lz4 | sprout-none | sprout-gzip | sprout-xz | sprout-koplain) VARIANT_BOOTS+=("$t") ;;
	*) MAIN_BOOTS+=("$t") ;;
	esac
done

# --- boots: round-robin, so whatever changes on the machine spreads over every image ----------
JOBS=()
for ((i = 1; i <= BENCH_BOOTS; i++)); do
	for t in "${MAIN_BOOTS[@]}"; do JOBS+=("$t:$i"); done
	if [ "$i" -le "$BENCH_VARIANT_BOOTS" ]; then
		for t in "${VARIANT_BOOTS[@]}"; do JOBS+=("$t:$i"); done
	fi
done
bench_boots "$BENCH_PARALLEL" "${JOBS[@]}"

# A cross-check in plain TCG (real-time guest clock), one boot each, alone: images that start
# many programs pay QEMU's translation of each one there, which instruction counting leaves
# out (see docs/benchmarks.md).
if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
	saved_qemu=$BENCH_QEMU
	BENCH_QEMU="-snapshot"
	for t in ${BENCH_PLAIN-tiny sprout-zstd itools-most dracut}; do
		[ -f "$IMG/$t.img" ] || continue
		bench_boot_start "plain-$t" 1 "$IMG/$t.img"
		bench_boot_end "plain-$t" 1
	done
	BENCH_QEMU=$saved_qemu
fi

# --- the real system on the disk: Debian 12 with systemd (bench/debian.sh) --------------------
DEBIAN_REASON='' DEBIAN_APPEND='' DEBIAN_NFS_APPEND=''
# shellcheck source=debian.sh
. "$BENCH_DIR/debian.sh"
if want debian; then
	bench_debian_disk
else
	DEBIAN_REASON="not measured: BENCH_ONLY leaves out debian"
fi

# --- NFS rows: once the network harness and sprout's network phase exist ----------------------
NFS_REASON='' NFS_APPEND='' NFS_FARM_APPEND='' NFS_FARM_UP_APPEND='' NFS_SERVERS=''
NFS_BH_APPEND='' NFS_FARM_DOWN=''
[ -f "$REPO_ROOT/tests/e2e/netlib.sh" ] ||
	NFS_REASON="the network test harness (tests/e2e/netlib.sh) is not in the tree yet"
[ -f "$REPO_ROOT/src/init/phase_network.c" ] ||
	NFS_REASON="${NFS_REASON:+$NFS_REASON; }sprout-init has no network phase yet (src/init/phase_network.c)"
if ! want nfs; then
	NFS_REASON="not measured: BENCH_ONLY leaves out nfs"
elif [ -n "$NFS_REASON" ]; then
	NFS_REASON="not measured yet: $NFS_REASON"
else
	# shellcheck source=../tests/e2e/netlib.sh
	. "$REPO_ROOT/tests/e2e/netlib.sh"
	# shellcheck source=nfs.sh
	. "$BENCH_DIR/nfs.sh"
	bench_nfs
fi

# --- the real system over NFSv4: the same Debian root, sprout's RAM layer and dracut -----------
if want debian && [ -z "$DEBIAN_REASON" ] && [ -f "$REPO_ROOT/tests/e2e/netlib.sh" ]; then
	if ! declare -F net_init >/dev/null; then
		# shellcheck source=../tests/e2e/netlib.sh
		. "$REPO_ROOT/tests/e2e/netlib.sh"
	fi
	# shellcheck source=nfs.sh
	declare -F bench_nfs_boot_start >/dev/null || . "$BENCH_DIR/nfs.sh"
	bench_debian_nfs
fi

# --- root image rows (bench/image.sh): plain NFS root, image over NFS, image over HTTP to RAM ----
IMAGE_REASON='' IMAGE_APPEND_NFSROOT='' IMAGE_APPEND_NFS='' IMAGE_APPEND_HTTP='' IMAGE_BYTES=''
IMAGE_BUILD_S='' IMAGE_TREE_BYTES=''
if ! want image; then
	IMAGE_REASON="not measured: BENCH_ONLY leaves out image"
elif [ ! -f "$REPO_ROOT/src/init/root/rootimage.c" ]; then
	IMAGE_REASON="not measured yet: sprout-init has no sprout.image= (src/init/root/rootimage.c)"
else
	if ! declare -F net_init >/dev/null; then
		# shellcheck source=../tests/e2e/netlib.sh
		. "$REPO_ROOT/tests/e2e/netlib.sh"
	fi
	# shellcheck source=nfs.sh
	declare -F bench_nfs_boot_start >/dev/null || . "$BENCH_DIR/nfs.sh"
	# shellcheck source=image.sh
	. "$BENCH_DIR/image.sh"
	bench_image
fi

# --- results --------------------------------------------------------------------------------------
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "kver=$KVER"
	echo "host_kernel=$(uname -r)"
	echo "nproc=$(nproc)"
	echo "mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)"
	echo "qemu=$(qemu-system-x86_64 --version | sed -n 1p)"
	echo "load_before=$LOAD_BEFORE"
	echo "load_after=$LOAD_AFTER"
	echo "runs=$BENCH_RUNS"
	echo "slow_runs=$BENCH_SLOW_RUNS"
	echo "boots=$BENCH_BOOTS"
	echo "variant_boots=$BENCH_VARIANT_BOOTS"
	echo "parallel=$BENCH_PARALLEL"
	echo "qemu_extra=$BENCH_QEMU"
	echo "append=$BENCH_APPEND"
	echo "floor_modules=${FLOOR_KO[*]##*/}"
	echo "dracut_omit=$DRACUT_NET"
	echo "elapsed_s=$(($(date +%s) - START))"
	echo "moddir=$MODDIR"
	echo "qemu_cmd=$(cat "$BENCH_W/logs/floor-1.cmd" 2>/dev/null)"
	echo "nfs_reason=$NFS_REASON"
	echo "nfs_append=$NFS_APPEND"
	echo "nfs_farm_append=$NFS_FARM_APPEND"
	echo "nfs_farm_up_append=$NFS_FARM_UP_APPEND"
	echo "nfs_servers=$NFS_SERVERS"
	echo "nfs_boots=${BENCH_NFS_BOOTS:-3}"
	echo "nfs_blackhole_append=$NFS_BH_APPEND"
	echo "nfs_blackhole_boots=${BENCH_BLACKHOLE_BOOTS:-2}"
	echo "nfs_farm_down=$NFS_FARM_DOWN"
	echo "debian_reason=$DEBIAN_REASON"
	echo "debian_append=$DEBIAN_APPEND"
	echo "debian_nfs_append=$DEBIAN_NFS_APPEND"
	echo "debian_boots=${BENCH_DEBIAN_BOOTS:-2}"
	echo "bench_only=$BENCH_ONLY"
	echo "image_reason=$IMAGE_REASON"
	echo "image_append_nfsroot=$IMAGE_APPEND_NFSROOT"
	echo "image_append_nfs=$IMAGE_APPEND_NFS"
	echo "image_append_http=$IMAGE_APPEND_HTTP"
	echo "image_bytes=$IMAGE_BYTES"
	echo "image_tree_bytes=$IMAGE_TREE_BYTES"
	echo "image_build_s=$IMAGE_BUILD_S"
	echo "image_boots=${BENCH_IMAGE_BOOTS:-3}"
	for t in "${!CMD[@]}"; do echo "cmd_$t=${CMD[$t]}"; done
	for v in dracut:dracut-core mktirfs:tiny-initramfs-core mkinitramfs:initramfs-tools-core hyperfine:hyperfine; do
		echo "version_${v%%:*}=$(dpkg-query -W -f='${Version}' "${v##*:}" 2>/dev/null || echo '?')"
	done
} >"$BENCH_W/meta"
[ ! -x "$BENCH_DIR/report.sh" ] || "$BENCH_DIR/report.sh" "$BENCH_W" "$REPO_ROOT"
echo "bench: done in $(($(date +%s) - START)) s: docs/benchmarks.md, bench/results.csv" >&2
