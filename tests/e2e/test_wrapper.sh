#!/usr/bin/env bash
# The init wrapper: sprout-init installed as /sbin/init of a root (by `sprout wrapper
# install`) with a busybox real init behind it at /sbin/init.real. Debian's kernel needs
# modules for the virtio disk, so a generic sprout image reaches the root and hands over
# to /sbin/init — the wrapper, which finds it is not in an image and acts as one.
# Boots (three): the wrapper with arguments, its RAM layer (from the root's own
# /etc/sprout/cmdline.d), drivers from the root's /lib/modules, a second call as not-PID-1
# and a clock from 1999 set by the initramfs; sprout.wrapper=off; a root without
# /sbin/init.real behind a busybox initramfs that leaves nothing mounted and the clock in
# 1999 (the wrapper mounts, sets the clock, makes the layer, falls back to /etc/init). The
# root's own devices.conf is applied by the wrapper (names from the root's passwd and group);
# the second root's is garbage, logged, and its init still runs. And,
# with no boot: install then uninstall on a Debian-shaped copy of a root leaves it as it was.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init wrapper

S=$REPO/build/sprout
ROOT=$E2E_TMP/root
ROOT2=$E2E_TMP/root2
IMG=$E2E_TMP/initrd.img
CLOCK_IMG=$E2E_TMP/initrd-clock.img
UUID=5b1e0a3c-7d2f-4e8a-9c6b-1f2e3d4c5b6a
UUID2=5b1e0a3c-7d2f-4e8a-9c6b-1f2e3d4c5b6b

# The real init: reports what the wrapper left it, runs /sbin/init once more as an
# ordinary process (a `telinit`), then powers off. As that second call (not PID 1) it
# only says so.
real_init() {
	cat <<-'EOF2'
		#!/bin/busybox sh
		bb=/bin/busybox
		say() {
			printf '<7>%s\n' "$1" 2>/dev/null >/dev/kmsg
			printf '%s\n' "$1" 2>/dev/null >/dev/console || printf '%s\n' "$1"
		}
		if [ $$ != 1 ]; then
			say "WRAP-SECOND: pid=$$ init=$0 args=$*"
			exit 0
		fi
		[ -r /proc/mounts ] || $bb mount -t proc proc /proc
		if $bb touch /.wrap-rw 2>/dev/null && $bb rm -f /.wrap-rw; then rw=yes; else rw=no; fi
		say "WRAP-REAL: pid=$$ init=$0 args=$* rw=$rw date=$($bb date +%s)"
		say "WRAP-ROOT: $($bb awk '$2 == "/" { l = $3 " " $4 } END { print l }' /proc/mounts)"
		say "WRAP-LOWER: $($bb awk '$2 == "/run/sprout/lower" { print $3 " " $4 }' /proc/mounts)"
		say "WRAP-DEV: $($bb ls -ln /dev/vda | $bb awk '{ print $1, $3, $4 }') link=$($bb readlink /dev/wrapdisk)"
		say "WRAP-MODS: $($bb cut -d' ' -f1 /proc/modules | $bb grep -E '^(pcspkr|overlay)$' | $bb sort | $bb tr '\n' ' ')"
		/sbin/init second-call x
		say "WRAP-DONE"
		exec $bb poweroff -f
	EOF2
}

# The root's own modules: two the generic image does not load at boot (a driver for a
# device QEMU has, and overlayfs for the RAM layer), indexed by depmod as a distribution's.
root_modules() {
	local dir=$1 m rel
	mkdir -p "$dir/lib/modules/$KVER"
	for m in kernel/drivers/input/misc/pcspkr.ko kernel/fs/overlayfs/overlay.ko; do
		rel=$(cd "$MODDIR" && ls "$m"* | head -n 1)
		mkdir -p "$dir/lib/modules/$KVER/$(dirname "$rel")"
		cp "$MODDIR/$rel" "$dir/lib/modules/$KVER/$rel"
		echo "$rel" >>"$dir/lib/modules/$KVER/modules.order"
	done
	cp "$MODDIR/modules.builtin" "$MODDIR/modules.builtin.modinfo" "$dir/lib/modules/$KVER/"
	depmod -b "$dir" "$KVER"
}

# An initramfs that is not sprout's: busybox loads the disk's drivers from the generic
# image's modules, mounts the root, unmounts /proc /sys /dev and switch_roots to
# /sbin/init — so the wrapper finds nothing mounted, and a clock nobody has checked.
busybox_initrd() {
	local out=$1 dir=$E2E_TMP/bbinitrd
	"$S" extract "$IMG" "$dir" >&2 2>/dev/null
	mknod -m 600 "$dir/dev/console" c 5 1
	mknod -m 666 "$dir/dev/null" c 1 3
	mkdir -p "$dir/newroot"
	cat >"$dir/init" <<-'EOF2'
		#!/bin/busybox sh
		bb=/bin/busybox
		$bb mount -t proc proc /proc
		$bb mount -t sysfs sysfs /sys
		$bb mount -t devtmpfs devtmpfs /dev
		for m in virtio_pci virtio_blk crc32c_generic ext4; do $bb modprobe "$m"; done
		i=0
		while [ ! -b /dev/vda ] && [ $i -lt 300 ]; do $bb sleep 0.1; i=$((i + 1)); done
		$bb mount -o ro /dev/vda /newroot || $bb poweroff -f
		$bb umount /proc /sys /dev
		exec $bb switch_root /newroot /sbin/init "$@"
	EOF2
	chmod 0755 "$dir/init"
	e2e_cpio "$dir" "$out"
}

e2e_make_root "$ROOT"
real_init >"$ROOT/sbin/init"
chmod 0755 "$ROOT/sbin/init"
root_modules "$ROOT"
mkdir -p "$ROOT/etc/sprout/cmdline.d"
echo 'sprout.overlay=tmpfs' >"$ROOT/etc/sprout/cmdline.d/50-test.conf"
# device rules of the root's own (the image carries none): a user and a group only the
# root's /etc/passwd and /etc/group know, a mode and a link for the root disk
printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1234:1234:Alice:/:/bin/sh\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\nlab:x:4321:alice\n' >"$ROOT/etc/group"
printf '# the root disk\nvda alice:lab 0604 >wrapdisk\n' >"$ROOT/etc/sprout/devices.conf"
# the second root: no /sbin/init.real, so the wrapper falls back to the kernel's list
cp -a "$ROOT" "$ROOT2"
rm -f "$ROOT2/etc/sprout/cmdline.d/50-test.conf"
# the second root's rules are garbage: logged, and its init is still reached
printf 'garbage\nvd[ 0:0 0600\n' >"$ROOT2/etc/sprout/devices.conf"
cat >"$ROOT2/etc/init" <<-'EOF2'
	#!/bin/busybox sh
	bb=/bin/busybox
	kfs=$($bb awk '$2 ~ /^\/(proc|sys|dev|run)$/ { print $2 "=" $3 }' /proc/mounts | $bb sort | $bb tr '\n' ' ')
	root=$($bb awk '$2 == "/" { l = $3 } END { print l }' /proc/mounts)
	echo "WRAP-FALLBACK: pid=$$ init=$0 args=$* root=$root date=$($bb date +%s) kfs=$kfs" >/dev/console
	exec $bb poweroff -f
EOF2
chmod 0755 "$ROOT2/etc/init"

if ! "$S" wrapper install --root "$ROOT" >&2 || ! "$S" wrapper install --root "$ROOT2" >&2; then
	e2e_fail wrapper-install "sprout wrapper install failed on a fresh busybox root"
	exit 1
fi
rm -f "$ROOT2/sbin/init.real"
check wrapper-installed "/sbin/init is not sprout-init after install" cmp -s "$REPO/build/sprout-init" "$ROOT/sbin/init"

e2e_sprout_image "$IMG" --generic
# The clock boot's image says it was built a day after sprout-init: the initramfs sets a
# clock from 1999 to that, and the wrapper (sprout-init's time as its floor) leaves it.
bin_epoch=$("$S" --version | sed -n 's/.*(build time \([0-9]*\)).*/\1/p')
img_epoch=$((bin_epoch + 86400))
SOURCE_DATE_EPOCH=$img_epoch e2e_sprout_image "$CLOCK_IMG" --generic
e2e_disk_ext4 "$E2E_TMP/root.img" "$ROOT" -U "$UUID"
busybox_initrd "$E2E_TMP/initrd-busybox.img"
e2e_disk_ext4 "$E2E_TMP/root2.img" "$ROOT2" -U "$UUID2"
disk_sum=$(e2e_sum "$E2E_TMP/root.img")

# 1. The wrapper at work: arguments, RAM layer, drivers, not-PID-1, clock.
e2e_boot wrap --initrd "$CLOCK_IMG" --disk "$E2E_TMP/root.img" --timeout 240 \
	--append "root=UUID=$UUID -- alpha beta" --extra "-rtc base=1999-01-01"
e2e_wait wrap || true
if e2e_log_has wrap 'WRAP-REAL: '; then
	check_log wrap-mode "sprout-init did not say it runs as the wrapper" wrap \
		'sprout: wrapper: sprout-init .* is /sbin/init of the root'
	check_log wrap-args "the real init did not get the kernel's arguments" wrap \
		'WRAP-REAL: pid=1 init=/sbin/init.real args=alpha beta '
	check_log wrap-cmdline-d "the root's /etc/sprout/cmdline.d was not read" wrap \
		'sprout: config: .*sprout.overlay=tmpfs'
	check_log wrap-overlay "/ is not the overlay" wrap 'WRAP-ROOT: overlay rw'
	check_log wrap-overlay-rw "/ is not writable with sprout.overlay=tmpfs" wrap 'WRAP-REAL: .* rw=yes'
	check_log wrap-lower "the old root is not read-only under /run/sprout/lower" wrap 'WRAP-LOWER: ext4 ro'
	check_log wrap-coldplug "pcspkr not loaded from the root's /lib/modules" wrap 'WRAP-MODS: .*pcspkr'
	check_log wrap-second "a second /sbin/init (not PID 1) did not exec the real init" wrap \
		'WRAP-SECOND: pid=[0-9]+ init=/sbin/init.real args=second-call x'
	check wrap-second-not-pid1 "the second call ran as PID 1" e2e_log_lacks wrap 'WRAP-SECOND: pid=1 '
	check_log wrap-clock-log "the initramfs did not say it set the clock from 1999" wrap \
		"sprout: clock: 1999-01-01 .* was earlier than the image's build time .* RTC says 1999-01-01 .* set to .* \\(the build time\\)"
	check_log wrap-clock-wrapper "the wrapper did not check the clock" wrap \
		"sprout: clock: .* is not earlier than sprout-init's build time"
	real_date=$(e2e__text wrap | sed -n 's/.*WRAP-REAL: .* date=\([0-9]*\).*/\1/p' | head -n 1)
	check wrap-clock "the real init's clock ($real_date) is not at the image's build time ($img_epoch)" \
		test -n "$real_date" -a "${real_date:-0}" -ge "$img_epoch" -a "${real_date:-0}" -lt $((img_epoch + 900))
	check_log wrap-done "the real init did not finish" wrap 'WRAP-DONE'
	# the root's devices.conf, applied by the wrapper's coldplug with the root's own names
	check_log wrap-rules "the wrapper did not apply the root's rule (owner alice:lab, mode 0604, link)" wrap \
		'WRAP-DEV: brw----r-- 1234 4321 link=vda'
else
	e2e_fail wrap "the real init was not reached through the wrapper" wrap
fi
check wrap-disk-unchanged "the root disk changed under the RAM layer" \
	test "$(e2e_sum "$E2E_TMP/root.img")" = "$disk_sum"

# 2. sprout.wrapper=off: the real init at once, nothing prepared (no RAM layer, no drivers).
e2e_boot off --initrd "$IMG" --disk "$E2E_TMP/root.img" --timeout 180 \
	--append "root=UUID=$UUID sprout.wrapper=off -- gamma"
e2e_wait off || true
if e2e_log_has off 'WRAP-REAL: '; then
	check_log off-log "sprout.wrapper=off not logged" off \
		'sprout: wrapper: sprout.wrapper=off: nothing prepared'
	check_log off-args "the real init did not get its argument" off 'WRAP-REAL: pid=1 init=/sbin/init.real args=gamma '
	check off-skipped "the wrapper prepared something with sprout.wrapper=off" \
		e2e_log_lacks off 'sprout: wrapper: sprout-init .* is /sbin/init|WRAP-MODS: .*pcspkr|WRAP-ROOT: overlay'
else
	e2e_fail off "the real init was not reached with sprout.wrapper=off" off
fi

# 3. Behind busybox's initramfs (nothing mounted, the clock in 1999), with no
# /sbin/init.real: the wrapper mounts the kernel filesystems, sets the clock to its own build
# time, puts the RAM layer (kernel command line) over the root, skips /sbin/init (itself)
# and runs /etc/init.
e2e_boot fallback --initrd "$E2E_TMP/initrd-busybox.img" --disk "$E2E_TMP/root2.img" --timeout 180 \
	--append "sprout.overlay=tmpfs -- delta" --extra "-rtc base=1999-01-01"
e2e_wait fallback || true
if e2e_log_has fallback 'WRAP-FALLBACK: '; then
	check_log fallback-missing "the missing real init not named" fallback \
		'sprout: wrapper: the real init /sbin/init.real is missing'
	check_log fallback-self "/sbin/init (sprout-init) not skipped" fallback \
		'sprout: wrapper: /sbin/init is sprout-init itself; not run again'
	check_log fallback-rules-logged "the garbage devices.conf line was not logged with its number" fallback \
		'sprout: devices: /etc/sprout/devices.conf line 1: '
	check_log fallback-run "the fallback not named" fallback 'sprout: wrapper: running /etc/init \(fallback\)'
	check_log fallback-args "the fallback init did not get the arguments" fallback \
		'WRAP-FALLBACK: pid=1 init=/etc/init args=delta '
	check_log fallback-mounts "the wrapper did not mount /dev /proc /run /sys" fallback \
		'WRAP-FALLBACK: .* kfs=/dev=devtmpfs /proc=proc /run=tmpfs /sys=sysfs '
	check_log fallback-overlay "no RAM layer from the wrapper alone" fallback 'WRAP-FALLBACK: .* root=overlay '
	check_log fallback-clock-log "the wrapper did not say it set the clock from 1999" fallback \
		"sprout: clock: 1999-01-01 .* was earlier than sprout-init's build time .* set to .* \\(the build time\\)"
	fb_date=$(e2e__text fallback | sed -n 's/.*WRAP-FALLBACK: .* date=\([0-9]*\).*/\1/p' | head -n 1)
	check fallback-clock "the clock ($fb_date) is not at sprout-init's build time ($bin_epoch)" \
		test -n "$fb_date" -a "${fb_date:-0}" -ge "$bin_epoch" -a "${fb_date:-0}" -lt $((bin_epoch + 900))
else
	e2e_fail fallback "no fallback init reached without /sbin/init.real" fallback
fi

# 4. install then uninstall on a Debian-shaped copy of a root (/sbin -> usr/sbin, init a
# symlink to systemd) leaves it as it was: types, modes, owners, link targets, contents.
TREE=$E2E_TMP/tree
mkdir -p "$TREE/usr/sbin" "$TREE/lib/systemd" "$TREE/etc"
cp /bin/busybox "$TREE/lib/systemd/systemd"
ln -s usr/sbin "$TREE/sbin"
ln -s /lib/systemd/systemd "$TREE/usr/sbin/init"
chown -h 0:0 "$TREE/usr/sbin/init"
echo test >"$TREE/etc/hostname"
tree_sum=$(e2e_sum "$TREE")
if "$S" wrapper install --root "$TREE" >&2; then
	check tree-installed "/sbin/init is not sprout-init" cmp -s "$REPO/build/sprout-init" "$TREE/usr/sbin/init"
	check tree-real "init.real is not the systemd symlink" \
		test "$(readlink "$TREE/usr/sbin/init.real")" = /lib/systemd/systemd
	installed_sum=$(e2e_sum "$TREE")
	check tree-twice "a second install was not refused" \
		bash -c '! "$1" wrapper install --root "$2" 2>/dev/null' _ "$S" "$TREE"
	check tree-twice-unchanged "a refused install changed the tree" test "$(e2e_sum "$TREE")" = "$installed_sum"
	if "$S" wrapper uninstall --root "$TREE" >&2; then
		check tree-restored "install then uninstall did not leave the tree as it was" \
			test "$(e2e_sum "$TREE")" = "$tree_sum"
	else
		e2e_fail tree-uninstall "sprout wrapper uninstall failed"
	fi
	check tree-uninstall-twice "a second uninstall was not refused" \
		bash -c '! "$1" wrapper uninstall --root "$2" 2>/dev/null' _ "$S" "$TREE"
	check tree-still "a refused uninstall changed the tree" test "$(e2e_sum "$TREE")" = "$tree_sum"
else
	e2e_fail tree-install "sprout wrapper install failed on a Debian-shaped tree"
fi
