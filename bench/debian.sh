# shellcheck shell=bash
# The real-system rows of bench/run.sh (`BENCH_ONLY=debian` selects them): the cached Debian 12
# root with systemd (scripts/test-debian-root.sh; never debootstrapped here: without the cache
# the rows are reported as not measured) booted to multi-user.target by the images the disk
# rows built for the test kernel, from a virtio disk and over NFSv4. Sourced by run.sh after
# lib.sh; bench_debian_disk and bench_debian_nfs are the entry points (the second after
# tests/e2e/netlib.sh, reusing nfs.sh's network when it ran).
#
# The bench's copy of the root differs from the cache in four ways: the test kernel's modules
# in /lib/modules (the real system's udev loads what the initramfs left), the serial getty
# masked and /etc/fstab empty (as scripts/test-debian-disks.sh prepares it), /sbin/init a
# two-line sh script that writes "BENCH-ROOT: marker" to /dev/kmsg and execs systemd (the
# same "root's init started" point as root-init.sh; init=/sbin/init on the command line makes
# dracut's systemd switch to it rather than re-executing itself), and bench-report.service,
# WantedBy and After multi-user.target, which writes "BENCH-DEBIAN: multi-user reached" to
# /dev/kmsg as its first act, then the failed units, dumps the kernel log on the console
# (bench_boot_end reads both) and powers off.

DEBIAN_UUID=6b2e7d3b-9e50-4f4b-8d8c-1b2c3d4e5f60

# bench_debian_root: the bench's copy in $BENCH_W/debroot and its disk $BENCH_W/debian.img;
# false, with DEBIAN_REASON set, when there is no cached root.
bench_debian_root() {
	local src r=$BENCH_W/debroot
	[ ! -f "$BENCH_W/debian.img" ] || return 0
	if ! src=$("$REPO_ROOT/scripts/test-debian-root.sh" --no-build 2>/dev/null); then
		DEBIAN_REASON="not measured: no cached Debian root (scripts/test-debian-root.sh makes it, ~3 min)"
		return 1
	fi
	echo "bench: Debian root from $src" >&2
	rm -rf "$r"
	cp -a "$src" "$r"
	mkdir -p "$r/lib/modules"
	cp -a "$MODDIR" "$r/lib/modules/$KVER"
	ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service"
	rm -f "$r/etc/fstab"
	: >"$r/etc/fstab"
	rm -f "$r/sbin/init"
	cat >"$r/sbin/init" <<-'EOF'
		#!/bin/sh
		# bench/debian.sh: the root's init has started (the kernel's clock stamps the line)
		[ -c /dev/kmsg ] && echo "<5>BENCH-ROOT: marker" >/dev/kmsg
		exec /lib/systemd/systemd "$@"
	EOF
	chmod 0755 "$r/sbin/init"
	mkdir -p "$r/usr/local/sbin"
	cat >"$r/usr/local/sbin/bench-report" <<-'EOF'
		#!/bin/sh
		# bench/debian.sh: multi-user.target is reached; report, dump the kernel log, power off.
		echo "<5>BENCH-DEBIAN: multi-user reached" >/dev/kmsg
		state=$(systemctl is-active multi-user.target)
		units=$(systemctl --failed --no-legend --plain | awk '{ print $1 }' | tr '\n' ' ')
		set -- $units
		echo "<5>BENCH-DEBIAN-STATE: multi-user=$state failed=$# units=$units" >/dev/kmsg
		{
			echo "BENCH-DMESG-BEGIN"
			dmesg
			echo "BENCH-DMESG-END"
		} >/dev/console 2>&1
		systemctl poweroff -ff
	EOF
	chmod 0755 "$r/usr/local/sbin/bench-report"
	cat >"$r/etc/systemd/system/bench-report.service" <<-'EOF'
		[Unit]
		Description=bench: multi-user.target reached
		After=multi-user.target

		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/bench-report

		[Install]
		WantedBy=multi-user.target
	EOF
	ln -sf /etc/systemd/system/bench-report.service \
		"$r/etc/systemd/system/multi-user.target.wants/bench-report.service"
	e2e_disk_ext4 "$BENCH_W/debian.img" "$r" -U "$DEBIAN_UUID"
	echo "bench: Debian disk $(du -sm "$r" | cut -f1) MB of files" >&2
}

# bench_debian_disk: BENCH_DEBIAN_BOOTS (default 2) boots each of the floor (read-write), the
# generic and host-only sprout images, initramfs-tools MODULES=most and dracut, from the Debian
# disk, round-robin.
bench_debian_disk() {
	local boots=${BENCH_DEBIAN_BOOTS:-2} i t saved_disk=$BENCH_DISK saved_append=$BENCH_APPEND
	local -a jobs=()
	bench_debian_root || return 0
	# shellcheck disable=SC2034 # read by run.sh for the report
	DEBIAN_APPEND="root=UUID=$DEBIAN_UUID rw init=/sbin/init rd.shell=0 quiet"
	# The floor, mounting the root read-write as the others are told to (rw): its tree with
	# floor-init built again.
	if [ -f "$IMG/floor.img" ] && [ ! -f "$IMG/floor-rw.img" ]; then
		rm -rf "$BENCH_W/floor-rw"
		cp -a "$BENCH_W/floor" "$BENCH_W/floor-rw"
		bench_floor "$BENCH_W/floor-rw/init" -DFLOOR_ROOT_FLAGS=0
		e2e_cpio "$BENCH_W/floor-rw" "$IMG/floor-rw.img"
	fi
	# A row's boots side by side: the pairs then take about the same time (a dracut boot of
	# this root takes twice a sprout one), and no boot waits for a slower partner.
	for t in floor-rw sprout-zstd sprout-host itools-most dracut; do
		[ -f "$IMG/$t.img" ] || continue
		for ((i = 1; i <= boots; i++)); do jobs+=("deb-$t:$i"); done
	done
	if [ ${#jobs[@]} = 0 ]; then
		# shellcheck disable=SC2034 # read by run.sh for the report
		DEBIAN_REASON="not measured: no image of the disk rows was built"
		return 0
	fi
	BENCH_DISK=$BENCH_W/debian.img BENCH_APPEND=$DEBIAN_APPEND
	for ((i = 0; i < ${#jobs[@]}; i += BENCH_PARALLEL)); do
		local j
		for ((j = i; j < i + BENCH_PARALLEL && j < ${#jobs[@]}; j++)); do
			t=${jobs[j]%%:*}
			BENCH_BOOT_TIMEOUT=${BENCH_DEBIAN_TIMEOUT:-240} \
				bench_boot_start "$t" "${jobs[j]##*:}" "$IMG/${t#deb-}.img"
		done
		for ((j = i; j < i + BENCH_PARALLEL && j < ${#jobs[@]}; j++)); do
			bench_boot_end "${jobs[j]%%:*}" "${jobs[j]##*:}"
		done
	done
	BENCH_DISK=$saved_disk BENCH_APPEND=$saved_append
}

# bench_debian_nfs: the same root over NFSv4 from nfs-ganesha (read-only export, numeric
# owners: FACTS.md), sprout's generic image with its RAM layer (sprout.overlay=tmpfs) and
# dracut's NFS image side by side, as two machines, the same command line for both.
bench_debian_nfs() {
	local boots=${BENCH_DEBIAN_BOOTS:-2} s i
	bench_debian_root || return 0
	[ -n "${NET_NS:-}" ] || net_init 57
	[ -n "${NET_DNSMASQ_PID:-}" ] || net_dnsmasq
	s=$NET_PREFIX.6
	net_ganesha debian "$s" "$BENCH_W/debroot" --ro --numeric-owners
	# shellcheck disable=SC2034 # read by run.sh for the report
	DEBIAN_NFS_APPEND="ip=dhcp root=nfs4:$s:/export rd.neednet=1 ro init=/sbin/init sprout.overlay=tmpfs rd.shell=0 quiet"
	if [ -f "$IMG/dracut-nfs.img" ]; then
		BENCH_BOOT_TIMEOUT=${BENCH_DEBIAN_TIMEOUT:-240} bench_nfs_pairs "$boots" \
			deb-nfs-sprout "$IMG/sprout-zstd.img" "$DEBIAN_NFS_APPEND" \
			deb-nfs-dracut "$IMG/dracut-nfs.img" "$DEBIAN_NFS_APPEND"
	else
		for ((i = 1; i <= boots; i++)); do
			BENCH_BOOT_TIMEOUT=${BENCH_DEBIAN_TIMEOUT:-240} bench_nfs_boot_start deb-nfs-sprout "$i" \
				"$IMG/sprout-zstd.img" "$DEBIAN_NFS_APPEND" 52:54:00:57:01:01
			bench_boot_end deb-nfs-sprout "$i"
		done
	fi
	net_ganesha_stop debian
}
