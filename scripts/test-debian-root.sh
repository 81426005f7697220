#!/usr/bin/env bash
# A real Debian 12 root for tests (systemd, udev, kmod, iproute2), made with debootstrap from the
# machine's own Debian mirror and cached under $SPROUT_DEBIAN_DIR (default
# /var/cache/sprout/debian)/KEY/root/. KEY is a hash of what it is made from: this script, the
# suite, variant and package list, the mirror's address, debootstrap's version, and the suite's
# release as this machine's apt lists last saw it (the Date: of its InRelease, read offline: a new
# point release or apt-get update that moved the suite gives a new key). Remade when missing.
#   test-debian-root.sh             makes the root if missing; prints its directory on stdout
#   test-debian-root.sh --no-build  prints the directory only if the root is there, else exits 1
#   test-debian-root.sh --key       prints the key's inputs (stderr) and the key (stdout)
# The printed directory is the root tree itself, as debootstrap left it (its downloaded .debs
# removed). It is shared: never modify it; copy it (cp -a, or mke2fs -d straight from it) and
# change the copy. Beside it in KEY/: KEY-INPUTS and debootstrap.log.
# Needs root, debootstrap (scripts/deps.sh) and the mirror (~3 min here).
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
INCLUDE=systemd-sysv,udev,kmod,iproute2

cache=${SPROUT_DEBIAN_DIR:-/var/cache/sprout/debian}
mode=build
for a in "$@"; do
	case $a in
	--no-build) mode=nobuild ;;
	--key) mode=key ;;
	*) echo "test-debian-root: unknown option '$a' (expected --no-build, --key)" >&2; exit 2 ;;
	esac
done

die() {
	echo "test-debian-root: $*" >&2
	exit 1
}

# The mirror: $SPROUT_DEBIAN_MIRROR, else the first Debian URI of the machine's apt sources
# (deb822 debian.sources, else a one-line sources.list entry for the suite).
mirror=${SPROUT_DEBIAN_MIRROR:-}
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
	mirror=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
	mirror=$(awk -v s="$SUITE" '$1 == "deb" && $3 == s { print $2; exit }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list (set SPROUT_DEBIAN_MIRROR)"

# The suite's release as apt last saw it: the Date: of the mirror's InRelease in the apt lists.
release() {
	local host f
	host=${mirror#*://}
	host=${host%/}
	f=/var/lib/apt/lists/${host//\//_}_dists_${SUITE}_InRelease
	if [ -r "$f" ]; then
		sed -n 's/^Date: //p;/^-----BEGIN PGP SIGNATURE/q' "$f" | head -n1
	else
		echo "unknown (no $f)"
	fi
}

key_inputs() {
	echo "script $(sha256sum <"$0" | cut -d' ' -f1)"
	echo "suite $SUITE variant $VARIANT include $INCLUDE"
	echo "mirror $mirror"
	echo "release $(release)"
	echo "debootstrap $(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo missing)"
}
inputs=$(key_inputs)
key=$(sha256sum <<<"$inputs" | cut -c1-16)
dir=$cache/$key

case $mode in
key)
	echo "$inputs" >&2
	echo "$key"
	exit 0
	;;
nobuild)
	[ -f "$dir/KEY-INPUTS" ] || die "no Debian root at $dir (run scripts/test-debian-root.sh as root)"
	echo "$dir/root"
	exit 0
	;;
esac

if [ -f "$dir/KEY-INPUTS" ]; then
	echo "$dir/root"
	exit 0
fi

command -v debootstrap >/dev/null || die "debootstrap is missing (run scripts/deps.sh as root)"
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
mkdir -p "$cache" || die "cannot create $cache (set SPROUT_DEBIAN_DIR)"
# One builder at a time; a second one waits, then finds the root made.
exec {lockfd}>"$cache/.lock"
flock "$lockfd"
if [ -f "$dir/KEY-INPUTS" ]; then
	echo "$dir/root"
	exit 0
fi

out=$dir.tmp
cleanup() {
	local rc=$?
	[ ! -d "$out" ] || rm -rf --one-file-system "$out"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf --one-file-system "$out"
mkdir -p "$out"
echo "test-debian-root: debootstrap $SUITE ($VARIANT + $INCLUDE) from $mirror into $dir" >&2
start=$SECONDS
if ! debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$out/root" "$mirror" \
	>"$out/debootstrap.log" 2>&1; then
	tail -n 30 "$out/debootstrap.log" | sed 's/^/  | /' >&2
	die "debootstrap failed (log above)"
fi
[ -x "$out/root/lib/systemd/systemd" ] && [ -r "$out/root/etc/os-release" ] ||
	die "debootstrap left no systemd or no /etc/os-release in $out/root"
rm -f "$out/root/var/cache/apt/archives/"*.deb
echo "$inputs" >"$out/KEY-INPUTS"
rm -rf --one-file-system "$dir"
mv "$out" "$dir"
echo "test-debian-root: made $dir in $((SECONDS - start)) s ($(du -sh "$dir/root" | cut -f1))" >&2
echo "$dir/root"
