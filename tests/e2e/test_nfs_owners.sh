#!/usr/bin/env bash
# NFSv4 owners: nfs-ganesha sends owner names unless Only_Numeric_Owners is set, and nothing
# in the initramfs or a minimal root maps them, so every file shows as owned by nobody and a
# setuid-root program runs as nobody. A busybox root with the RAM layer (as a farm boots)
# runs a setuid-root program as uid 1000: served with names, sprout-init says what is wrong
# and what fixes it, the boot goes on and the program does not get root, and the unmapped
# names cached meanwhile are dropped before the handover; served with numeric owners, no
# warning, nothing to drop, and the program runs as root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init nfs-owners
net_init 47

ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img
EUID_BIN=$E2E_REPO/build/tools/euid
WARN='sprout: root: over NFSv4 the root.s /etc/passwd shows as owned by [0-9]+:[0-9]+ \(nobody\)'
FIX='sprout: root: fix: numeric owners on the server \(nfs-ganesha: .Only_Numeric_Owners = true;.'
if [ ! -x "$EUID_BIN" ]; then
	e2e_fail nfs-owners "$EUID_BIN not built (make tools)"
	exit 1
fi
e2e_make_root "$ROOT"
printf 'root:x:0:0:root:/:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' >"$ROOT/etc/group"
# The same program twice: setuid root, and plain to drop to uid 1000 (a setuid program owned
# by an unmapped name runs as nobody even when root starts it, and nobody cannot setuid).
install -o 0 -g 0 -m 4755 "$EUID_BIN" "$ROOT/bin/euid"
install -o 0 -g 0 -m 0755 "$EUID_BIN" "$ROOT/bin/drop"
# The root's init: the setuid program run by an unprivileged user and by root, its answers
# on the console.
cat >"$ROOT/sbin/init" <<-'INIT'
	#!/bin/busybox sh
	bb=/bin/busybox
	$bb mount -t proc proc /proc
	say() { printf '%s\n' "$1" >/dev/console; }
	say "SPROUT-E2E-ROOT: ok uid=$($bb id -u)"
	say "SPROUT-E2E-OWNERS: $($bb stat -c '%n %u:%g %a' /etc/passwd /bin/euid | $bb tr '\n' ' ')"
	/bin/drop as 1000 /bin/euid >/dev/console 2>&1 || say "SPROUT-E2E-EUID: failed ($?)"
	say "SPROUT-E2E-ROOT-RUNS: $(/bin/euid 2>&1)"
	exec $bb poweroff -f
INIT
chown -R 0:0 "$ROOT"
chmod 4755 "$ROOT/bin/euid" # chown clears the setuid bit
e2e_sprout_image "$IMG" --generic

# boot NAME SERVER N: the root over NFSv4 from SERVER with the RAM layer, the guest at .N; true if its init ran.
boot() {
	local name=$1 srv=$2 n=$3
	net_boot "$name" --initrd "$IMG" --nic "$name" --timeout 150 --append \
		"ip=$NET_PREFIX.$n::$NET_GW:255.255.255.0:$name:eth0:off root=nfs4:$srv:/export sprout.overlay=tmpfs rd.shell=0"
	e2e_wait "$name" || true
	e2e_log_has "$name" 'SPROUT-E2E-ROOT: ok'
}

# Owner names (ganesha's default): the warning, once; the boot goes on; no root for setuid.
net_ganesha names "$NET_PREFIX.2" "$ROOT" --ro
if boot names "$NET_PREFIX.2" 50; then
	e2e_pass names-boot-goes-on
	check_log names-warning "no warning about owners shown as nobody" names "$WARN"
	check_log names-fix "the warning does not say what fixes it" names "$FIX"
	check names-warning-once "the warning was said more than once" \
		test "$(e2e__text names | grep -acE "$WARN")" = 1
	check_log names-setuid-not-root "the setuid program did not run as an unmapped owner" \
		names 'SPROUT-E2E-EUID: uid=1000 euid=(4294967294|65534)$'
	check_log names-idmap-cache-emptied "the unmapped names cached during sprout-init were not dropped" \
		names 'sprout: handover: emptied the NFS id mapping cache \(\.id_resolver: [1-9][0-9]* entries'
	check_log names-setuid-root-loses-root "root running the setuid program kept root" \
		names 'SPROUT-E2E-ROOT-RUNS: SPROUT-E2E-EUID: uid=0 euid=(4294967294|65534)$'
else
	e2e_fail names-boot-goes-on "the root's init did not run with owner names" names
fi
net_ganesha_stop names

# Numeric owners: no warning, the setuid program runs as root.
net_ganesha numeric "$NET_PREFIX.3" "$ROOT" --ro --numeric-owners
if boot numeric "$NET_PREFIX.3" 51; then
	check numeric-no-warning "warned although the server sends numeric owners" \
		e2e_log_lacks numeric 'sprout: root: over NFSv4'
	check numeric-idmap-cache-unused "owner names were mapped although the server sends numbers" \
		e2e_log_lacks numeric 'sprout: handover: emptied the NFS id mapping cache'
	check_log numeric-owners-root "/etc/passwd and the program not owned by root" \
		numeric 'SPROUT-E2E-OWNERS: /etc/passwd 0:0 644 /bin/euid 0:0 4755'
	check_log numeric-setuid-root "the setuid-root program did not get root" \
		numeric 'SPROUT-E2E-EUID: uid=1000 euid=0$'
	check_log numeric-root-keeps-root "root running the setuid program lost root" \
		numeric 'SPROUT-E2E-ROOT-RUNS: SPROUT-E2E-EUID: uid=0 euid=0$'
else
	e2e_fail numeric-boot "the root's init did not run with numeric owners" numeric
fi
net_ganesha_stop numeric
