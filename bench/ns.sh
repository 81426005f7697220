#!/usr/bin/env bash
# bench/ns.sh KVER MODDIR CONFIG SCRATCH CMD [ARGS...]: runs CMD where /lib/modules/KVER is
# MODDIR and /boot/config-KVER is CONFIG.
#
# The anchors look for modules only in /lib/modules/KVER (mkinitramfs, mktirfs; dracut
# accepts --kmoddir but wants "/lib/modules/" in the path) and mkinitramfs reads the kernel's
# compression support from /boot/config-KVER. The test kernel is unpacked elsewhere
# (scripts/test-kernel.sh), and this machine has no /lib/modules. Rather than create them for
# everybody, CMD runs in a private mount namespace in which an overlay on /usr/lib (/lib is a
# link to it) shows MODDIR as modules/KVER and a tmpfs on /boot holds the config. The only
# change outside the namespace: an empty /boot is created as the mount point when the
# machine has none, and removed again afterwards. SCRATCH is an empty directory for the
# overlay's tmpfs; everything mounted goes away with the namespace, even if the bench is
# killed.
set -euo pipefail

if [ "${1:-}" = --inside ]; then
  shift
  kver=$1 moddir=$2 config=$3 scratch=$4
  shift 4
  mount -t tmpfs -o mode=0755,size=1m bench-ns "$scratch"
  mkdir -p "$scratch/upper/modules/$kver" "$scratch/work"
  mount -t overlay bench-ns \
    -o "lowerdir=/usr/lib,upperdir=$scratch/upper,workdir=$scratch/work" /usr/lib
  # a bind mount, not a symlink: the builders resolve links and would put the modules
  # under MODDIR's real path in the image, where the booted kernel never looks
  mount --bind "$moddir" "/usr/lib/modules/$kver"
  mount -t tmpfs -o mode=0755,size=4m bench-boot /boot
  cp "$config" "/boot/config-$kver"
  exec "$@"
fi

made_boot=0
if [ ! -e /boot ]; then
  mkdir /boot
  made_boot=1
fi
rc=0
unshare --mount --propagation private "$0" --inside "$@" || rc=$?
[ "$made_boot" = 0 ] || rmdir /boot 2>/dev/null || true
exit "$rc"
