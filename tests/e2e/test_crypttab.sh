#!/usr/bin/env bash
# A host-only image made from a crypttab: a machine (fake sysfs and mount table) whose root is
# on the LUKS1 test disk under a mapper name of its own, with a crypttab naming that device by
# UUID, the name and a key file. The image boots luks1.img without asking for a passphrase,
# opens it under the crypttab's name (root=/dev/mapper/NAME finds it) and checks the ext4 root
# with the e2fsck --host-only added by itself.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init crypttab

NAME=sproutroot_crypt
U_LUKS=1a000000-0000-4000-8000-000000000001
U_ROOT=1a000000-0000-4000-8000-0000000000f1
IMG=$E2E_TMP/initrd.img

if ! DISKS=$("$E2E_REPO/scripts/test-disks.sh"); then
	e2e_fail crypttab-disks "scripts/test-disks.sh could not make the disk set (its messages above)"
	exit 1
fi

# The machine: / is /dev/mapper/$NAME (ext4), LUKS1 on vda; its crypttab names the key file,
# kept (as on a real host) readable by root only.
sys=$E2E_TMP/sys
mkdir -p "$sys/devices" "$sys/class/block/dm-0/dm" "$sys/class/block/dm-0/slaves/vda" \
	"$sys/class/block/vda"
echo 254:0 >"$sys/class/block/dm-0/dev"
echo "$NAME" >"$sys/class/block/dm-0/dm/name"
echo "CRYPT-LUKS1-${U_LUKS//-/}-$NAME" >"$sys/class/block/dm-0/dm/uuid"
echo 252:0 >"$sys/class/block/vda/dev"
echo "/dev/mapper/$NAME / ext4 rw,relatime 0 0" >"$E2E_TMP/mounts"
KEY=$E2E_TMP/keys/root.key
mkdir -p "${KEY%/*}"
install -m 0600 "$DISKS/luks1.key" "$KEY"
printf '# <target> <source> <key file> <options>\n%s UUID=%s %s luks,discard\n' \
	"$NAME" "$U_LUKS" "$KEY" >"$E2E_TMP/crypttab"

# Host-only finds no device drivers in a fake sysfs: the disk's are added by name.
if ! out=$(e2e_sprout_image "$IMG" --host-only --sysfs "$sys" --mounts "$E2E_TMP/mounts" \
	--crypttab "$E2E_TMP/crypttab" --add-modules virtio_pci,virtio_blk 2>&1); then
	echo "$out" >&2
	e2e_fail crypttab-build "sprout build --host-only --crypttab failed: $(tail -n 3 <<<"$out")"
	exit 1
fi
echo "$out" | sed 's/^/crypttab: build: /' >&2
check crypttab-words "the build did not turn the crypttab entry into rd.luks.name=, rd.luks.key=, discard" \
	grep -qE "rd\.luks\.name=$U_LUKS=$NAME .*rd\.luks\.key=$KEY|rd\.luks\.key=$KEY.*rd\.luks\.name=$U_LUKS=$NAME" <<<"$out"
check crypttab-fsck "host-only did not add fsck for the ext4 root" \
	grep -qE 'host-only: the root .*adding --with [a-z,]*fsck' <<<"$out"
listing=$("$E2E_REPO/build/sprout" ls --long "$IMG")
check crypttab-key-in-image "the key file is not in the image at ${KEY#/}, mode 0600" \
	grep -qE "^-rw------- .* ${KEY#/}\$" <<<"$listing"
check crypttab-tools "the image has no /sbin/cryptsetup or /sbin/e2fsck" \
	bash -c 'grep -qE " sbin/cryptsetup$" <<<"$1" && grep -qE " sbin/e2fsck$" <<<"$1"' _ "$listing"

# The boot: the command line names only the root, by the crypttab's mapper name.
cp --sparse=always "$DISKS/luks1.img" "$E2E_TMP/luks1.img"
e2e_boot ct --initrd "$IMG" --disk "$E2E_TMP/luks1.img" --timeout 180 \
	--append "root=/dev/mapper/$NAME"
e2e_wait ct || true
if e2e_log_has ct '^SPROUT-E2E-ROOT: ok'; then
	e2e_pass crypttab-root
else
	e2e_fail crypttab-root "root=/dev/mapper/$NAME on luks1.img not reached"
fi
check_log crypttab-name "LUKS1 $U_LUKS not opened under the crypttab's name $NAME" ct \
	"LUKS volume $U_LUKS: opening it as /dev/mapper/$NAME\$"
check_log crypttab-open "/dev/vda not open as /dev/mapper/$NAME" ct \
	"storage: /dev/vda is open as /dev/mapper/$NAME "
check crypttab-noprompt "a passphrase was asked for though the crypttab names a key file" \
	e2e_log_lacks ct '[Pp]assphrase for'
check_log crypttab-checked "the root was not checked by the image's e2fsck" ct \
	'root: .* checked by /sbin/e2fsck'
check_log crypttab-mounted "the root mounted is not ext4 $U_ROOT" ct \
	"root: mounted /dev/[a-z0-9/_-]+ \(ext4 UUID=$U_ROOT\)"
echo "crypttab: $(e2e_timeline ct | sed 's/^\[ *[0-9.]*\] //' | head -n 1)" >&2
