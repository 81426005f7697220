#!/usr/bin/env bash
# The Debian packages `make check-package` installs into its Debian 12 root, without any
# network at test time: the test kernel's linux-image package, a second kernel (the ABI
# before it, else any other), initramfs-tools and zstd, and whatever of their dependencies
# the root (scripts/test-debian-root.sh) lacks. Downloaded with the host's apt (apt-get
# --download-only against the root's dpkg status) into
# $SPROUT_PACKAGE_DEBS_DIR (default /var/cache/sprout/package-debs)/KEY/, KEY a hash of
# this script, the root's directory (its own key) and the package versions apt offers.
#   test-package-debs.sh             makes the set if missing; prints lines KERNEL1=,
#                                    KERNEL2= (releases) and DEBS= (the directory)
#   test-package-debs.sh --no-fetch  the same, only if already there, else exits 1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SPROUT_PACKAGE_DEBS_DIR:-/var/cache/sprout/package-debs}
fetch=1
for a in "$@"; do
	case $a in
	--no-fetch) fetch=0 ;;
	*) echo "test-package-debs: unknown option '$a' (expected --no-fetch)" >&2; exit 2 ;;
	esac
done
die() {
	echo "test-package-debs: $*" >&2
	exit 1
}

eval "$("$here/test-kernel.sh" --env --no-fetch)" || die "no test kernel (scripts/test-kernel.sh)"
kver1=$KVER
root=$("$here/test-debian-root.sh" --no-build) || die "no Debian root (scripts/test-debian-root.sh)"

# The second kernel: the ABI before the test kernel's (6.1.0-57-amd64 -> 6.1.0-56-amd64),
# else the newest other linux-image-*-amd64 apt knows.
abi=${kver1#*.*.*-}
abi=${abi%%-*}
flavour=${kver1#*.*.*-"$abi"-}
base=${kver1%%-"$abi"-*}
kver2=
if [[ $abi =~ ^[0-9]+$ ]] && [ "$abi" -gt 1 ]; then
	cand=$base-$((abi - 1))-$flavour
	apt-cache show "linux-image-$cand" >/dev/null 2>&1 && kver2=$cand
fi
if [ -z "$kver2" ]; then
	kver2=$(apt-cache search --names-only "^linux-image-[0-9.]+-[0-9]+-$flavour\$" | cut -d' ' -f1 |
		sed 's/^linux-image-//' | grep -vxF "$kver1" | sort -V | tail -n1)
fi
[ -n "$kver2" ] || die "apt knows no second linux-image-*-$flavour besides $kver1 (apt-get update?)"
# zstd: initramfs-tools recommends it (apt installs recommends by default) and compresses
# with it (without it: gzip, and a warning)
pkgs=("linux-image-$kver1" "linux-image-$kver2" initramfs-tools zstd)

inputs=$(
	sha256sum <"$0" | cut -d' ' -f1
	echo "root $root"
	for p in "${pkgs[@]}"; do
		echo "$p $(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')"
	done
)
key=$(sha256sum <<<"$inputs" | cut -c1-16)
dir=$cache/$key

if [ ! -f "$dir/KEY-INPUTS" ]; then
	[ $fetch = 1 ] || die "no package set at $dir (run scripts/test-package-debs.sh as root)"
	[ "$(id -u)" = 0 ] || die "needs root (apt-get)"
	mkdir -p "$cache"
	exec {lockfd}>"$cache/.lock"
	flock "$lockfd"
	if [ ! -f "$dir/KEY-INPUTS" ]; then
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp/partial"
		apt-get install -q -y --download-only --no-install-recommends \
			-o Dir::State::status="$root/var/lib/dpkg/status" -o Dir::Cache::archives="$dir.tmp" \
			-o Debug::NoLocking=1 "${pkgs[@]}" >"$dir.tmp/apt.log" 2>&1 ||
			{ tail -n 20 "$dir.tmp/apt.log" >&2; die "apt-get --download-only failed (log above)"; }
		rmdir "$dir.tmp/partial" 2>/dev/null || true
		ls "$dir.tmp/linux-image-$kver1"_*.deb "$dir.tmp/linux-image-$kver2"_*.deb >/dev/null ||
			die "the kernel packages were not downloaded"
		echo "$inputs" >"$dir.tmp/KEY-INPUTS"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
fi
echo "KERNEL1=$kver1"
echo "KERNEL2=$kver2"
echo "DEBS=$dir"
