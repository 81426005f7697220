#!/usr/bin/env bash
# The kernel hooks and `sprout update` without QEMU, into a scratch root: the hooks are
# called as Debian's kernel packages call them (run-parts /etc/kernel/postinst.d KVER
# /boot/vmlinuz-KVER, DEB_MAINT_PARAMS set by the maintainer script), the kernel-install
# plugin as kernel-install calls it; the example sprout.conf names every key there is.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init hooks --no-qemu
T=$E2E_TMP
R=$T/root
HOOKS=$REPO/dist/kernel
BIN=$T/bin
mkdir -p "$R/boot" "$R/lib/modules" "$R/etc/sprout" "$BIN" "$T/nosprout"
ln -s "$REPO/build/sprout" "$BIN/sprout"
ln -s "$REPO/build/sprout-init" "$BIN/sprout-init"
cp "$KERNEL" "$R/boot/vmlinuz-$KVER"
ln -s "$MODDIR" "$R/lib/modules/$KVER"
IMG=$R/boot/initrd.img-$KVER
# the hooks find sprout on PATH, as /usr/bin/sprout of the package; SPROUT_ROOT points
# `sprout update` at the scratch root
hook() { env PATH="$BIN:/usr/bin:/bin" SPROUT_ROOT="$R" "$@"; }
# (grep reads to the end: -q would cut the pipe, and pipefail would see sprout's SIGPIPE)
is_sprout_image() { "$BIN/sprout" ls "$1" 2>/dev/null | grep -x 'etc/sprout/image' >/dev/null; }

# postinst.d, as a kernel package's postinst runs it on "configure": the image appears,
# and it is sprout's.
rc=0
hook DEB_MAINT_PARAMS="'configure' ''" "$HOOKS/postinst.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" \
	>"$T/pi.out" 2>&1 || rc=$?
check postinst-builds "postinst.d/sprout did not build $IMG (rc $rc)" \
	bash -c "[ $rc = 0 ] && [ -s '$IMG' ]"
check postinst-image-is-sprouts "sprout ls does not show a sprout image" is_sprout_image "$IMG"
cat "$T/pi.out" >&2

# Other maintainer-script actions (abort-upgrade...) and INITRD=No build nothing.
rm -f "$IMG"
hook DEB_MAINT_PARAMS="'abort-upgrade' '6.1.0-1'" "$HOOKS/postinst.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" 2>/dev/null
hook INITRD=No "$HOOKS/postinst.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" 2>/dev/null
check postinst-only-on-configure "an image was built on abort-upgrade or with INITRD=No" test ! -e "$IMG"

# The image goes beside the kernel image passed as $2 (a kernel in another directory).
mkdir -p "$T/otherboot"
cp "$KERNEL" "$T/otherboot/vmlinuz-$KVER"
hook "$HOOKS/postinst.d/sprout" "$KVER" "$T/otherboot/vmlinuz-$KVER" >/dev/null 2>&1
check postinst-bootdir-of-arg2 "no image beside $T/otherboot/vmlinuz-$KVER" \
	bash -c "[ -s '$T/otherboot/initrd.img-$KVER' ] && [ ! -e '$IMG' ]"

# No version: exit 2 naming the package; sprout removed (its conffile hooks stay): exit 0.
rc=0
hook DPKG_MAINTSCRIPT_PACKAGE=linux-image-test "$HOOKS/postinst.d/sprout" 2>"$T/nover.err" || rc=$?
check postinst-no-version "no version: expected exit 2 naming the package (rc $rc)" \
	bash -c "[ $rc = 2 ] && grep -q 'linux-image-test passed no kernel version' '$T/nover.err'"
rc=0
env PATH="$T/nosprout:/usr/bin:/bin" SPROUT_ROOT="$R" "$HOOKS/postinst.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" || rc=$?
check postinst-sprout-removed "with sprout removed the hook did not exit 0 quietly (rc $rc)" \
	bash -c "[ $rc = 0 ] && [ ! -e '$IMG' ]"

# A failed build fails the hook (and so the kernel's configuration), and leaves the old
# image as it was.
hook "$HOOKS/postinst.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" >/dev/null 2>&1
sum=$(cksum <"$IMG")
printf 'compress=bogus\n' >"$R/etc/sprout/sprout.conf"
rc=0
hook "$HOOKS/postinst.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" >/dev/null 2>"$T/bad.err" || rc=$?
check postinst-failure-keeps-image "a bad sprout.conf: expected a failure naming FILE:LINE, the old image kept (rc $rc)" \
	bash -c "[ $rc = 1 ] && grep -q 'sprout.conf:1:' '$T/bad.err' && [ \"\$(cksum <'$IMG')\" = '$sum' ]"
rm "$R/etc/sprout/sprout.conf"

# postrm.d: on "upgrade" (same version reinstalled) the image stays; on "remove" it goes.
hook DEB_MAINT_PARAMS="'upgrade' '6.1.0-1'" "$HOOKS/postrm.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" 2>/dev/null
check postrm-keeps-on-upgrade "postrm upgrade removed the image" test -e "$IMG"
hook DEB_MAINT_PARAMS="'remove'" "$HOOKS/postrm.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" 2>/dev/null
check postrm-removes "postrm remove left $IMG" test ! -e "$IMG"
rc=0
hook "$HOOKS/postrm.d/sprout" "$KVER" "$R/boot/vmlinuz-$KVER" 2>/dev/null || rc=$?
check postrm-missing-image-ok "postrm with the image already gone failed (rc $rc)" test $rc = 0

# sprout update -k all: a vmlinuz without modules and modules without a vmlinuz are not
# kernels (noted, skipped); the real one is built; rc 0.
touch "$R/boot/vmlinuz-9.9.9-gone" "$R/boot/vmlinuz-$KVER.old"
mkdir -p "$R/lib/modules/9.9.8-leftover"
rc=0
hook "$BIN/sprout" update -k all >"$T/all.out" 2>&1 || rc=$?
check update-all "update -k all: expected only $KVER built, 9.9.9-gone noted (rc $rc)" \
	bash -c "[ $rc = 0 ] && [ -s '$IMG' ] && grep -q 'vmlinuz-9.9.9-gone has no' '$T/all.out' &&
		[ \$(grep -c 'building' '$T/all.out') = 1 ] && [ ! -e '$R/boot/initrd.img-9.9.9-gone' ]"
cat "$T/all.out" >&2

# update: -k of a kernel without modules fails naming the directory; a release that
# would name another directory is refused before any path is made.
rc=0
hook "$BIN/sprout" update -k 9.9.9-gone >/dev/null 2>"$T/gone.err" || rc=$?
check update-missing-kernel "update -k 9.9.9-gone: expected exit 1 naming its module dir (rc $rc)" \
	bash -c "[ $rc = 1 ] && grep -q 'lib/modules/9.9.9-gone' '$T/gone.err'"
rc=0
hook "$BIN/sprout" update -k ../../etc >/dev/null 2>"$T/dots.err" || rc=$?
check update-refuses-dotdot "update -k ../../etc: expected a usage error (rc $rc)" \
	bash -c "[ $rc = 2 ] && grep -q 'starts with' '$T/dots.err'"

# Defaults: without -k (update) or --kver (build), the running kernel's release.
running=$(uname -r)
rc=0
hook "$BIN/sprout" update >/dev/null 2>"$T/run.err" || rc=$?
if [ -d "$R/lib/modules/$running" ]; then
	check update-default-running "update without -k did not build for $running" test -s "$R/boot/initrd.img-$running"
else
	check update-default-running "update without -k did not try the running kernel $running (rc $rc)" \
		bash -c "[ $rc = 1 ] && grep -qF 'initrd.img-$running' '$T/run.err'"
fi
rc=0
"$BIN/sprout" build --config /dev/null --moddir "$T/none" -o "$T/run.img" >/dev/null 2>"$T/brun.err" || rc=$?
check build-default-kver "build without --kver did not take the running kernel $running (rc $rc)" \
	bash -c "[ $rc = 1 ] && grep -qF 'KVER $running' '$T/brun.err'"

# kernel-install plugin: "add" builds ENTRY_DIR/initrd, or the staging area's when
# there is one; another generator chosen, or initrds given: nothing.
mkdir -p "$T/entry" "$T/stage" "$T/conf"
printf 'moddir=%s\n' "$MODDIR" >"$T/conf/sprout.conf"
ki() { env PATH="$BIN:/usr/bin:/bin" SPROUT_CONFDIR="$T/conf" "$@"; }
ki "$HOOKS/install.d/50-sprout.install" add "$KVER" "$T/entry" "$R/boot/vmlinuz-$KVER" >/dev/null 2>&1
check kernel-install-entry "50-sprout.install add did not build ENTRY_DIR/initrd" is_sprout_image "$T/entry/initrd"
ki KERNEL_INSTALL_STAGING_AREA="$T/stage" "$HOOKS/install.d/50-sprout.install" add "$KVER" "$T/entry" \
	"$R/boot/vmlinuz-$KVER" >/dev/null 2>&1
check kernel-install-staging "50-sprout.install add did not build STAGING_AREA/initrd" is_sprout_image "$T/stage/initrd"
rm -f "$T/entry/initrd"
ki KERNEL_INSTALL_INITRD_GENERATOR=dracut "$HOOKS/install.d/50-sprout.install" add "$KVER" "$T/entry" "$R/boot/vmlinuz-$KVER" 2>/dev/null
ki "$HOOKS/install.d/50-sprout.install" add "$KVER" "$T/entry" "$R/boot/vmlinuz-$KVER" /boot/given.img 2>/dev/null
ki "$HOOKS/install.d/50-sprout.install" remove "$KVER" "$T/entry" 2>/dev/null
check kernel-install-not-ours "the plugin built an image for another generator, given initrds, or remove" \
	test ! -e "$T/entry/initrd"

# The example sprout.conf: its keys are exactly the keys sprout knows, and with every
# one of them uncommented (empty, or the documented default) it builds.
printf 'nosuchkey=1\n' >"$T/unknown.conf"
"$BIN/sprout" build --config "$T/unknown.conf" -o "$T/u.img" 2>"$T/unknown.err" || true
known=$(sed -n 's/.*(known: \(.*\))$/\1/p' "$T/unknown.err" | tr ' ' '\n' | sort)
example=$(sed -n 's/^#\([a-z_]*\)=.*/\1/p' "$REPO/dist/sprout.conf" | sort)
check conf-example-keys "example keys [$(tr '\n' ' ' <<<"$example")] differ from the known [$(tr '\n' ' ' <<<"$known")]" \
	bash -c "[ -n '$known' ] && [ '$known' = '$example' ] && grep -q 'unknown.conf:1: unknown key' '$T/unknown.err'"
sed 's/^#\([a-z_]*=\)/\1/' "$REPO/dist/sprout.conf" >"$T/all.conf"
rc=0
"$BIN/sprout" build --config "$T/all.conf" --kver "$KVER" --moddir "$MODDIR" -o "$T/all.img" >/dev/null 2>"$T/allconf.err" || rc=$?
check conf-example-builds "the example with every key uncommented does not build (rc $rc)" test $rc = 0
cat "$T/allconf.err" >&2

[ "$E2E_NFAIL" = 0 ]
