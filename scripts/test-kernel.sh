#!/usr/bin/env bash
# Makes Debian's linux-image-amd64 available for tests without installing it:
# the package is downloaded with apt-get and unpacked into $SPROUT_KERNEL_DIR
# (default /var/cache/sprout/kernel). Prints nothing on success; `--env` prints
# KVER=, KERNEL= and MODDIR= lines for the test scripts.
set -euo pipefail
dir=${SPROUT_KERNEL_DIR:-/var/cache/sprout/kernel}

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ]; then
  echo "test-kernel: apt-cache knows no linux-image-amd64 (run apt-get update)" >&2
  exit 1
fi
kver=${pkg#linux-image-}

if [ ! -f "$dir/$kver/vmlinuz" ] || [ ! -f "$dir/$kver/modules/$kver/modules.dep" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -q "$pkg" >/dev/null)
  dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/x"
  depmod -b "$tmp/x" "$kver"
  rm -rf "${dir:?}/$kver.new"
  mkdir -p "$dir/$kver.new/modules"
  mv "$tmp/x/boot/vmlinuz-$kver" "$dir/$kver.new/vmlinuz"
  mv "$tmp/x/lib/modules/$kver" "$dir/$kver.new/modules/$kver"
  rm -rf "${dir:?}/$kver"
  mv "$dir/$kver.new" "$dir/$kver"
fi

if [ "${1:-}" = --env ]; then
  echo "KVER=$kver"
  echo "KERNEL=$dir/$kver/vmlinuz"
  echo "MODDIR=$dir/$kver/modules/$kver"
fi
