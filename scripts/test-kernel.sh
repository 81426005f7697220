#!/usr/bin/env bash
# The test kernel: Debian's linux-image-amd64, unpacked (not installed) into
# $SPROUT_KERNEL_DIR (default /var/cache/sprout/kernel). The one place that knows which
# release the tests use and where it lives.
#   test-kernel.sh              downloads and unpacks it if missing (apt-get download)
#   test-kernel.sh --env        the same, then prints KVER=, KERNEL= and MODDIR= lines
#   test-kernel.sh --env --no-fetch
#                               prints them only if it is already unpacked, else says why on
#                               stderr and exits 1; never calls apt-get (tests/run.sh uses this)
set -euo pipefail
dir=${SPROUT_KERNEL_DIR:-/var/cache/sprout/kernel}
env=0 fetch=1
for a in "$@"; do
  case $a in
  --env) env=1 ;;
  --no-fetch) fetch=0 ;;
  *) echo "test-kernel: unknown option '$a' (expected --env, --no-fetch)" >&2; exit 2 ;;
  esac
done

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ]; then
  echo "test-kernel: apt-cache knows no linux-image-amd64 (run apt-get update)" >&2
  exit 1
fi
kver=${pkg#linux-image-}

if [ ! -f "$dir/$kver/vmlinuz" ] || [ ! -f "$dir/$kver/modules/$kver/modules.dep" ]; then
  if [ $fetch = 0 ]; then
    echo "test-kernel: $kver is not unpacked in $dir (scripts/deps.sh or scripts/test-kernel.sh, as root, fetches it)" >&2
    exit 1
  fi
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

if [ $env = 1 ]; then
  echo "KVER=$kver"
  echo "KERNEL=$dir/$kver/vmlinuz"
  echo "MODDIR=$dir/$kver/modules/$kver"
fi
