#!/usr/bin/env bash
# make check-package: the Debian package on a real Debian 12 system, as a user lives with
# it. The .deb is built (dpkg-buildpackage -us -uc -b) and checked by lintian; a Debian 12
# root (scripts/test-debian-root.sh) gets the test kernel with initramfs-tools, then, in a
# chroot, with no network (scripts/test-package-debs.sh fetched the packages before):
#   1. apt-get install ./sprout.deb  -> initramfs-tools is removed, /boot/initrd.img-K1 is
#      sprout's (sprout ls shows etc/sprout/image)
#   2. a second kernel package       -> its /boot/initrd.img-K2 appears, built by the hook
#   3. that disk boots in QEMU with K2 and its image: systemd reaches multi-user, no failed
#      unit (a oneshot unit after multi-user.target reports to /dev/kmsg and powers off)
#   4. the second kernel removed     -> its image is gone
#   5. initramfs-tools installed     -> sprout is removed, and the disk boots again (K1)
# Also reported (INFO lines on stderr): the package's installed size and the time of
# `sprout update -k all` for the two kernels.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init package
T=$E2E_TMP
R=$T/root

for tool in dpkg-buildpackage dh lintian debootstrap chroot mkfs.ext4; do
	command -v "$tool" >/dev/null || { e2e_fail package-tools "$tool is missing (scripts/deps.sh installs it)"; exit 1; }
done
SRC=$("$REPO/scripts/test-debian-root.sh") || { e2e_fail package-root "no Debian root (scripts/test-debian-root.sh)"; exit 1; }
eval "$("$REPO/scripts/test-package-debs.sh")" || { e2e_fail package-debs "no package set (scripts/test-package-debs.sh)"; exit 1; }
K1=$KERNEL1 K2=$KERNEL2
echo "package: root $SRC, kernels $K1 and $K2, packages from $DEBS" >&2

# --- the .deb, built from a copy of the tree (dpkg-buildpackage writes beside it) --------
# SPROUT_PACKAGE_DEB=FILE: use that .deb instead (while working on the test; the build and
# lintian checks are then skipped, which --strict counts as failures).
if [ -n "${SPROUT_PACKAGE_DEB:-}" ]; then
	DEB=$SPROUT_PACKAGE_DEB
	e2e_skip package-builds "SPROUT_PACKAGE_DEB=$DEB given"
else
	mkdir -p "$T/src/sprout"
	(cd "$REPO" && git ls-files -co --exclude-standard -- . ':!build' | tar --verbatim-files-from -cf - -T -) | tar -xf - -C "$T/src/sprout"
	rc=0
	start=$SECONDS
	(cd "$T/src/sprout" && dpkg-buildpackage -us -uc -b) >"$T/dpkg-buildpackage.log" 2>&1 || rc=$?
	check package-builds "dpkg-buildpackage -us -uc -b failed (rc $rc, log below)" \
		bash -c "[ $rc = 0 ] && ls '$T'/src/sprout_*_*.deb >/dev/null"
	[ $rc = 0 ] || { tail -n 30 "$T/dpkg-buildpackage.log" >&2; exit 1; }
	echo "package: built in $((SECONDS - start)) s: $(cd "$T/src" && ls sprout_*.deb)" >&2
	for f in "$T"/src/sprout_*_*.deb; do DEB=$f; done
	# lintian: no tag left but the overridden ones (each explained in
	# debian/sprout.lintian-overrides)
	lintian --pedantic "$T"/src/sprout_*.changes >"$T/lintian.out" 2>&1 || true
	grep -v '^running with root privileges' "$T/lintian.out" >&2 || true
	check package-lintian "lintian reports tags (above)" \
		bash -c "! grep -v '^running with root privileges' '$T/lintian.out' | grep -q ."
fi

# --- the root, in a chroot --------------------------------------------------------------
cp -a "$SRC" "$R"
mounted=()
unmount_root() {
	local m i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		m=${mounted[i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "package: cannot unmount $m" >&2
	done
	mounted=()
}
E2E_CLEANUP_HOOKS+=(unmount_root)
mount_root() {
	mount -t proc proc "$R/proc" && mounted+=("$R/proc")
	mount -t sysfs sysfs "$R/sys" && mounted+=("$R/sys")
	# a private /dev with the few nodes dpkg and apt use (never the host's /dev bound in:
	# nothing done in the chroot can touch the host's nodes)
	mount -t tmpfs -o mode=0755,size=1m devtmp "$R/dev" && mounted+=("$R/dev")
	mknod -m 666 "$R/dev/null" c 1 3
	mknod -m 666 "$R/dev/zero" c 1 5
	mknod -m 666 "$R/dev/full" c 1 7
	mknod -m 666 "$R/dev/random" c 1 8
	mknod -m 666 "$R/dev/urandom" c 1 9
	mknod -m 666 "$R/dev/tty" c 5 0
	mkdir -p "$R/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts" && mounted+=("$R/dev/pts")
	ln -s pts/ptmx "$R/dev/ptmx"
}
in_root() {
	chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
installed() { [ "$(in_root dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
not_installed() { ! installed "$1"; }
switched_back() { installed initramfs-tools && not_installed sprout; }
# sprout's image: sprout ls reads it and shows the image's own metadata file
is_sprouts() { in_root sprout ls "$1" 2>/dev/null | grep -x 'etc/sprout/image' >/dev/null; }

mount_root
# apt knows no archive, only the local files it is given: nothing is downloaded (with the
# mirror in its sources, apt fetches a package it could have taken from a given file)
rm -f "$R/etc/apt/sources.list" "$R"/etc/apt/sources.list.d/*
find "$R/var/lib/apt/lists" -maxdepth 1 -type f -delete
# no service starts in the chroot
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 755 "$R/usr/sbin/policy-rc.d"
mkdir -p "$R/tmp/debs"
# the .deb under its canonical name (apt refuses a local file named otherwise)
RDEB=/tmp/debs/sprout_$(dpkg-deb -f "$DEB" Version)_$(dpkg-deb -f "$DEB" Architecture).deb
cp "$DEBS"/*.deb "$R/tmp/debs/"
cp "$DEB" "$R$RDEB"
# rdeb NAME: the chroot's path of package NAME's .deb (globbed inside the root, not here)
rdeb() { (cd "$R/tmp/debs" && ls "$1"_*.deb | sed 's|^|/tmp/debs/|'); }

# The starting point: the test kernel with initramfs-tools, as Debian installs it.
rc=0
base=()
for f in "$R"/tmp/debs/*.deb; do
	case ${f##*/} in
	linux-image-* | "${RDEB##*/}") ;;
	*) base+=("/tmp/debs/${f##*/}") ;;
	esac
done
in_root dpkg -i "${base[@]}" >"$T/base.log" 2>&1 &&
	in_root dpkg -i "$(rdeb "linux-image-$K1")" >>"$T/base.log" 2>&1 || rc=$?
check package-start "the test kernel with initramfs-tools did not install (rc $rc)" \
	bash -c "[ $rc = 0 ] && [ -s '$R/boot/initrd.img-$K1' ]"
[ $rc = 0 ] || { tail -n 30 "$T/base.log" >&2; exit 1; }

# 1. apt-get install ./sprout.deb: initramfs-tools removed, the image now sprout's.
rc=0
in_root apt-get install -y "$RDEB" >"$T/install.log" 2>&1 || rc=$?
cat "$T/install.log" >&2
check package-install "apt-get install sprout.deb failed (rc $rc)" bash -c "[ $rc = 0 ]"
check package-replaces-initramfs-tools "initramfs-tools is still installed" not_installed initramfs-tools
check package-image-is-sprouts "/boot/initrd.img-$K1 is not sprout's after the install" is_sprouts "/boot/initrd.img-$K1"
size_kib=$(in_root dpkg-query -W -f='${Installed-Size}' sprout)
echo "INFO: package: installed size ${size_kib} KiB ($(in_root du -sk /usr/bin/sprout /usr/lib/sprout | awk '{s+=$1} END {print s}') KiB of programs)" >&2

# 2. a second kernel package: its image appears, built by the postinst.d hook.
rc=0
in_root dpkg -i "$(rdeb "linux-image-$K2")" >"$T/k2.log" 2>&1 || rc=$?
cat "$T/k2.log" >&2
[ $rc = 0 ] || e2e_fail package-kernel-install "dpkg -i linux-image-$K2 failed (rc $rc)"
check package-kernel-hook "installing $K2 did not give a sprout /boot/initrd.img-$K2" is_sprouts "/boot/initrd.img-$K2"

# sprout update -k all, two kernels: the figure for the README.
start=$(date +%s.%N)
rc=0
in_root sprout update -k all >"$T/update.log" 2>&1 || rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
cat "$T/update.log" >&2
check package-update-all "sprout update -k all failed or did not build both kernels (rc $rc)" \
	bash -c "[ $rc = 0 ] && [ \$(grep -c ' done in ' '$T/update.log') = 2 ]"
echo "INFO: package: sprout update -k all for $K1 and $K2: ${secs} s" >&2

# --- booting the disk -------------------------------------------------------------------
# The oneshot report unit: after multi-user.target, to /dev/kmsg, then power off.
cat >"$R/usr/local/sbin/sprout-package-report" <<'SH'
#!/bin/sh
state=$(systemctl is-active multi-user.target)
failed=$(systemctl --failed --no-legend --plain | wc -l)
systemctl --failed --no-legend --plain | sed 's/^/SPROUT-PKG-FAILED: /' >/dev/kmsg
echo "SPROUT-PKG-REPORT: kernel=$(uname -r) multi-user=$state failed=$failed" >/dev/kmsg
systemctl poweroff
SH
chmod 755 "$R/usr/local/sbin/sprout-package-report"
cat >"$R/etc/systemd/system/sprout-package-report.service" <<'UNIT'
[Unit]
Description=sprout package test: report the boot
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/sprout-package-report

[Install]
WantedBy=multi-user.target
UNIT
ln -sf ../sprout-package-report.service "$R/etc/systemd/system/multi-user.target.wants/sprout-package-report.service" 2>/dev/null ||
	{ mkdir -p "$R/etc/systemd/system/multi-user.target.wants" &&
	ln -sf ../sprout-package-report.service "$R/etc/systemd/system/multi-user.target.wants/"; }
ln -sf /dev/null "$R/etc/systemd/system/serial-getty@ttyS0.service"
: >"$R/etc/fstab"
echo sprout-package >"$R/etc/hostname"
uuid=$(cat /proc/sys/kernel/random/uuid)

# boot_disk NAME KVER: the tree (unmounted) onto an ext4 disk, booted with its own kernel
# and /boot/initrd.img-KVER.
boot_disk() {
	local name=$1 kver=$2
	unmount_root
	rm -f "$R/usr/sbin/policy-rc.d"
	cp "$R/boot/vmlinuz-$kver" "$R/boot/initrd.img-$kver" "$T/"
	e2e_disk_ext4 "$T/$name.img" "$R" -U "$uuid"
	e2e_boot "$name" --kernel "$T/vmlinuz-$kver" --initrd "$T/initrd.img-$kver" --mem 1024 \
		--timeout 300 --append "root=UUID=$uuid rw" --disk "$T/$name.img"
	e2e_wait "$name" || true
	rm -f "$T/$name.img"
	printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
	chmod 755 "$R/usr/sbin/policy-rc.d"
	mount_root
}

# 3. the second kernel with its sprout image: systemd reaches multi-user.
boot_disk boot-sprout "$K2"
check_log package-boots-sprout "no multi-user report with 0 failed units (boot of $K2 with sprout's image)" \
	boot-sprout "SPROUT-PKG-REPORT: kernel=$K2 multi-user=active failed=0"
e2e__text boot-sprout | grep -a -e 'SPROUT-PKG' -e 'Run /init' -e 'sprout: timeline' >&2 || true

# 4. the second kernel removed: its image goes with it.
rc=0
in_root dpkg --purge "linux-image-$K2" >"$T/rm.log" 2>&1 || rc=$?
cat "$T/rm.log" >&2
check package-kernel-removed "removing $K2 left /boot/initrd.img-$K2 (rc $rc)" \
	bash -c "[ $rc = 0 ] && [ ! -e '$R/boot/vmlinuz-$K2' ] && [ ! -e '$R/boot/initrd.img-$K2' ]"

# 5. switching back: initramfs-tools installed again removes sprout; the system boots.
rc=0
in_root apt-get install -y "$(rdeb initramfs-tools)" "$(rdeb initramfs-tools-core)" \
	>"$T/back.log" 2>&1 || rc=$?
cat "$T/back.log" >&2
[ $rc = 0 ] || e2e_fail package-switch-back-install "apt-get install initramfs-tools failed (rc $rc)"
check package-switch-back "sprout is still installed, or initramfs-tools is not" \
	switched_back
# (grep reads to the end: -q would cut the pipe, and pipefail would see lsinitramfs' SIGPIPE)
if in_root lsinitramfs "/boot/initrd.img-$K1" 2>/dev/null | grep '^scripts/init-top' >/dev/null; then
	echo "package: after the switch back /boot/initrd.img-$K1 is initramfs-tools' own" >&2
	back=initramfs-tools
else
	back=other
fi
check package-switch-back-image "after the switch back /boot/initrd.img-$K1 is not initramfs-tools' image" test "$back" = initramfs-tools
boot_disk boot-back "$K1"
check_log package-boots-back "no multi-user report with 0 failed units (boot of $K1 after the switch back)" \
	boot-back "SPROUT-PKG-REPORT: kernel=$K1 multi-user=active failed=0"
e2e__text boot-back | grep -a -e 'SPROUT-PKG' -e 'Run /init' >&2 || true

unmount_root
[ "$E2E_NFAIL" = 0 ]
