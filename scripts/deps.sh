#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12, as root.
# The one place the package list lives. Idempotent: installs only what is missing.
set -euo pipefail

PACKAGES=(
  # build: sprout (host tool) and sprout-init (static)
  gcc make pkg-config
  libkmod-dev libelf-dev libblkid-dev zlib1g-dev libzstd-dev liblzma-dev liblz4-dev
  # tests: unit, fuzz, lint
  libcmocka-dev clang libclang-rt-14-dev cppcheck clang-tidy valgrind
  # tests: end to end
  qemu-system-x86 qemu-utils busybox-static cpio
  e2fsprogs xfsprogs btrfs-progs fdisk dosfstools
  iproute2 dnsmasq-base nfs-ganesha nfs-ganesha-vfs rpcbind ipxe-qemu
  kmod file
  # tests: `sprout analyze --svg` charts rendered in a real browser (headless)
  chromium fonts-dejavu-core
  # tests: storage stacks (the test disks are built in a QEMU guest with these tools; images
  # built with --with luks,lvm,md copy them from the host)
  cryptsetup-bin mdadm lvm2
  # tests: a real Debian 12 root (scripts/test-debian-root.sh)
  debootstrap
  # root images (sprout image build; tests of sprout.image=): squashfs and erofs makers, and
  # a small HTTP server the tests start in their network namespace (never the host's service)
  squashfs-tools erofs-utils lighttpd
  # tests: the Debian package (make check-package, tests/e2e/test_package.sh): dpkg-buildpackage
  # (dpkg-dev), dh, lintian; ~40 MB with lintian's Perl modules
  dpkg-dev debhelper lintian fakeroot
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  apt-get update -q
  # mdadm and lvm2 run `update-initramfs -u` (mdadm directly, lvm2 by trigger) when
  # initramfs-tools is installed: that only rebuilds the host's own initramfs, no reboot.
  # Neither package assembles or activates anything unless the host has arrays or volume
  # groups already; the test disks are image files only ever opened inside QEMU guests.
  # mdadm's debconf questions take their defaults; where services cannot be started (a
  # container with a policy-rc.d that says 101), the postinsts skip starting them.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  # lighttpd's package starts a web server on the host's port 80 where services can start;
  # the tests run their own instances in a namespace, so the host's one is stopped and
  # disabled when this script is what installed it.
  if [[ " ${missing[*]} " == *" lighttpd "* ]] && command -v systemctl >/dev/null &&
     [ -d /run/systemd/system ]; then
    systemctl disable --now lighttpd.service >/dev/null 2>&1 || true
  fi
fi

# The test kernel: Debian's linux-image-amd64, unpacked (not installed) so the host's
# /boot and its initramfs hooks are left alone. Result: $SPROUT_KERNEL_DIR/{vmlinuz,modules/KVER}.
"$(dirname "$0")/test-kernel.sh"
