#!/usr/bin/env bash
# Installs what `make bench` needs beyond scripts/deps.sh, as root: the anchors it measures
# sprout against, and hyperfine. The one place the bench's package list lives. Idempotent.
#
# Only the *-core packages of the anchors are installed. They hold the image builders
# (dracut, mkinitramfs, mktirfs) and do not conflict with each other; the front-end
# packages (dracut, initramfs-tools, tiny-initramfs) are the ones that conflict, as each
# "Provides: linux-initramfs-tool" and hooks itself into kernel installs. Leaving them out
# also keeps kernel and udev upgrades on this machine from rebuilding any initramfs.
# udev (a dependency of dracut-core and initramfs-tools-core: both copy udevd into their
# images) may bring a point upgrade of systemd with it; without systemd as PID 1 its
# maintainer scripts start nothing.
set -euo pipefail

PACKAGES=(
  hyperfine                  # build times: median of N runs after a warm-up run
  dracut-core                # dracut 059: --no-hostonly (and --hostonly, not booted)
  dracut-network             # dracut's nfs and network modules, for the NFS row
  initramfs-tools-core       # mkinitramfs, unmkinitramfs: MODULES=most and MODULES=dep
  tiny-initramfs-core        # mktirfs
  gcc libc6-dev              # the floor init, linked -static
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "bench/deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "bench/deps: installing ${missing[*]}" >&2
apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2
