#!/usr/bin/env bash
# Checks the network harness (netlib.sh); not part of `make check`. Boots a throwaway busybox
# initramfs (built here, never shipped) that loads virtio_net and the NFS client with insmod,
# gets leases with udhcpc and mounts exports with busybox mount (the kernel's text NFS mount,
# no helper). Checks: NFSv4 from two ganesha servers at once (rw and ro exports), NFSv3 through
# rpcbind, DHCP option 17 (a comma list kept whole), two NICs in one guest with a fixed
# --host lease, a black-hole server, PXE through QEMU's iPXE and dnsmasq's TFTP (two machines
# staggered), and that an exiting, failing or interrupted script leaves no namespace and no
# process behind. Timings on stderr. NETST_PXE=0 skips PXE; NETST_PXE_COUNT=N boots N (2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=netlib.sh
. "$here/netlib.sh"

e2e_init netselftest
if [ "$(id -u)" != 0 ]; then
	e2e_skip netselftest "network namespaces need root"
	exit 0
fi
for tool in ip ss dnsmasq ganesha.nfsd rpcbind perl; do
	if ! command -v "$tool" >/dev/null; then
		e2e_skip netselftest "$tool not installed"
		exit 0
	fi
done

check() { # check NAME BOOT CMD...
	local name=$1 boot=$2
	shift 2
	if "$@"; then e2e_pass "$name"; else e2e_fail "$name" "$*" "$boot"; fi
}
not() { ! "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "netselftest: $*" >&2; }
# guest_time BOOT LABEL: the guest's uptime at its "NETST-T LABEL" line.
guest_time() { e2e__text "$1" | sed -n "s/^NETST-T $2 //p" | sed -n 1p; }

# --- the throwaway initramfs ---------------------------------------------------------------

declare -A mod_seen=()
mod_order=()

mod_add() { # after its dependencies, as modules.dep lists them
	local rel=$1 line dep
	[ -z "${mod_seen[$rel]:-}" ] || return 0
	mod_seen[$rel]=1
	line=$(grep -m1 -F "$rel:" "$MODDIR/modules.dep")
	for dep in ${line#*:}; do
		mod_add "$dep"
	done
	mod_order+=("$rel")
}

mod_rel() {
	grep -m1 -E "(^|/)$1\.ko(\.[a-z0-9]+)?:" "$MODDIR/modules.dep" | cut -d: -f1
}

# /init: nst.if=N NICs by DHCP, nst.m=KIND:IP[:PATH],... mounts of IP:PATH (/export by
# default; KIND v4, v3, or hang = a v4 mount that must not succeed within 8 s), nst.idle
# keeps the machine up, else it powers off.
write_init() {
	cat <<-'EOF'
		#!/bin/busybox sh
		bb=/bin/busybox
		t() { echo "NETST-T $1 $($bb cut -d' ' -f1 /proc/uptime)"; }
		$bb mount -t devtmpfs devtmpfs /dev
		$bb mount -t proc proc /proc
		$bb mount -t sysfs sysfs /sys
		t init
		for m in $($bb cat /lib/mod/order); do
		$bb insmod "/lib/mod/$m" || echo "NETST-INSMOD-FAILED $m"
		done
		t modules
		$bb ip link set lo up
		nif=1 mounts='' idle=''
		for w in $($bb cat /proc/cmdline); do
		case $w in
		nst.if=*) nif=${w#*=} ;;
		nst.m=*) mounts=${w#*=} ;;
		nst.idle) idle=1 ;;
		esac
		done
		i=0
		while [ $i -lt "$nif" ]; do
		n=0
		while [ ! -e /sys/class/net/eth$i ] && [ $n -lt 100 ]; do $bb sleep 0.1; n=$((n + 1)); done
		$bb ip link set eth$i up
		$bb udhcpc -i eth$i -s /bin/dhcp -O rootpath -n -q -t 20 -T 1 >/dev/null 2>&1 ||
		echo "NETST-NOLEASE eth$i"
		i=$((i + 1))
		done
		t leases
		k=0
		for m in $(echo "$mounts" | $bb tr , ' '); do
		kind=${m%%:*} ip=${m#*:} path=/export
		case $ip in *:*) path=${ip#*:} ip=${ip%%:*} ;; esac
		$bb mkdir -p /mnt/$k
		case $kind in
		v4) type=nfs4 opts=vers=4.2,addr=$ip ;;
		v3) type=nfs opts=vers=3,nolock,proto=tcp,addr=$ip ;;
		hang) type=nfs4 opts=vers=4.2,addr=$ip,soft,timeo=10,retrans=1 ;;
		esac
		if [ "$kind" = hang ]; then
		if $bb timeout -s KILL 8 $bb mount -t $type -o $opts $ip:$path /mnt/$k 2>/dev/null; then
		echo "NETST-HANG $ip mounted"
		else
		echo "NETST-HANG $ip no-mount"
		fi
		elif $bb mount -t $type -o $opts $ip:$path /mnt/$k; then
		echo "NETST-MOUNT $kind $ip ok $($bb cat /mnt/$k/marker) $($bb awk -v d=/mnt/$k '$2 == d { print $3, $4 }' /proc/mounts)"
		if echo "written by $kind" 2>/dev/null >/mnt/$k/from-guest; then
		echo "NETST-WRITE $ip ok"
		else
		echo "NETST-WRITE $ip refused"
		fi
		else
		echo "NETST-MOUNT $kind $ip failed"
		fi
		t mount-$k
		k=$((k + 1))
		done
		t done
		[ -z "$idle" ] || exec $bb sleep 100000
		$bb poweroff -f
	EOF
}

write_dhcp_script() {
	cat <<-'EOF'
		#!/bin/busybox sh
		bb=/bin/busybox
		case $1 in
		deconfig) $bb ifconfig "$interface" 0.0.0.0 ;;
		bound | renew)
		$bb ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
		echo "NETST-LEASE $interface ip=$ip mac=$($bb cat /sys/class/net/$interface/address) router=$router serverid=$serverid rootpath=$rootpath" >/dev/console
		;;
		esac
	EOF
}

build_initrd() {
	local d=$E2E_TMP/initrd m rel
	mkdir -p "$d"/bin "$d"/dev "$d"/proc "$d"/sys "$d"/mnt "$d"/lib/mod
	cp /bin/busybox "$d"/bin/
	# af_packet (udhcpc's raw socket) is built into the Debian kernel.
	for m in virtio_pci virtio_net nfsv4 nfsv3; do
		rel=$(mod_rel "$m")
		[ -n "$rel" ] || { echo "netselftest: module $m not in $MODDIR" >&2; return 1; }
		mod_add "$rel"
	done
	for rel in "${mod_order[@]}"; do
		cp "$MODDIR/$rel" "$d/lib/mod/"
		basename "$rel"
	done >"$d"/lib/mod/order
	write_init >"$d"/init
	write_dhcp_script >"$d"/bin/dhcp
	chmod 0755 "$d"/init "$d"/bin/dhcp
	e2e_cpio "$d" "$1"
}

t0=$(now)
build_initrd "$E2E_TMP/initrd.img"
t1=$(now)
say "initramfs $(du -h "$E2E_TMP/initrd.img" | cut -f1) (${#mod_order[@]} modules) in $(elapsed "$t0" "$t1") s"
IMG=$E2E_TMP/initrd.img

# --- cleanup of a script that exits, fails, or is interrupted --------------------------------

# shellcheck disable=SC2016 # expanded by the sub-script
cleanup_script='
set -euo pipefail
. "$1/lib.sh"
. "$1/netlib.sh"
e2e_init netsub
net_init 43
mkdir "$E2E_TMP/exp"
net_ganesha s3 "$NET_PREFIX.2" "$E2E_TMP/exp" --v3
net_ganesha s4 "$NET_PREFIX.3" "$E2E_TMP/exp"
net_dnsmasq
net_blackhole "$NET_PREFIX.9" 2049
net_boot idle --nic idle --initrd "$3" --append "nst.if=0 nst.idle" --timeout 300
n=0
while [ ! -s "$E2E_TMP/idle.pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
# What really listens in the namespace, whatever netlib tracks.
real=$(ip netns exec "$NET_NS" ss -Hltunp | grep -o "pid=[0-9]*" | cut -d= -f2 | sort -u)
echo "$E2E_TMP $NET_NS $NET_DNSMASQ_PID $NET_RPCBIND_PID ${NET_GANESHA[s3]} ${NET_GANESHA[s4]}" \
	"${NET_BLACKHOLE[$NET_PREFIX.9:2049]} ${E2E_QPID[idle]} $(cat "$E2E_TMP/idle.pid")" $real >"$4"
case $2 in
exit) exit 0 ;;
fail) false ;;
int) sleep 600 ;;
esac'

# cleanup_case MODE: runs the sub-script, then checks that everything it started is gone.
cleanup_case() {
	local mode=$1 out=$E2E_TMP/sub-$1.out pid rc=0 n tmp ns pids p alive='' ta tb
	: >"$out"
	ta=$(now)
	# Its own process group, SIGINT not ignored: like a script run from a terminal.
	E2E_KEEP=0 setsid env --default-signal=INT bash -c "$cleanup_script" sub "$here" "$mode" "$IMG" "$out" \
		>"$E2E_TMP/sub-$mode.stdout" 2>"$E2E_TMP/sub-$mode.err" &
	pid=$!
	if [ "$mode" = int ]; then
		for ((n = 0; n < 600; n++)); do
			[ ! -s "$out" ] || break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		sleep 1
		kill -INT -- "-$pid" 2>/dev/null || true
	fi
	wait "$pid" || rc=$?
	tb=$(now)
	if ! read -r tmp ns pids <"$out"; then
		e2e_fail "cleanup-$mode" "the sub-script did not get going"
		sed 's/^/  | /' "$E2E_TMP/sub-$mode.err" >&2
		return 0
	fi
	say "cleanup-$mode: sub-script status $rc, $(elapsed "$ta" "$tb") s in all"
	case $mode in
	exit) check cleanup-exit-status - [ "$rc" = 0 ] ;;
	fail) check cleanup-fail-status - [ "$rc" = 1 ] ;;
	int) check cleanup-int-status - [ "$rc" = 130 ] ;;
	esac
	for p in $pids; do
		! kill -0 "$p" 2>/dev/null || alive+=" $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null))"
	done
	check "cleanup-$mode-processes" - [ -z "$alive" ]
	[ -z "$alive" ] || say "left running:$alive"
	check "cleanup-$mode-namespace" - not test -e "/run/netns/$ns"
	check "cleanup-$mode-tmp" - not test -e "$tmp"
}

cleanup_case exit
cleanup_case fail
cleanup_case int

# --- servers -------------------------------------------------------------------------------

t0=$(now)
net_init 42
t1=$(now)
say "namespace $NET_NS, bridge $NET_GW/24 in $(elapsed "$t0" "$t1") s"
check ns-exists - test -e "/run/netns/$NET_NS"
check ns-host-untouched - test -z "$(ip -4 -o addr show to "$NET_PREFIX.0/24")"
check ns-lo-up - sh -c "ip -n '$NET_NS' -o link show lo | grep -q UP"
# A server started in $(...) could be neither tracked nor stopped: refused.
out=$(net_dnsmasq 2>&1) && rc=0 || rc=$?
check subshell-refused - [ "$rc" != 0 ]
check subshell-says-why - grep -q 'not from a subshell' <<<"$out"
check tap-in-subshell - grep -q '^-netdev tap,id=probe,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=probe,mac=52:54:00:2a:00:00$' \
	<<<"$(net_tap probe)"
check tap-mac - [ "$(net_mac probe)" = 52:54:00:2a:00:00 ]
check tap-on-bridge - sh -c "ip -n '$NET_NS' -o link show tap0 | grep -q 'master br0'"
check tap-duplicate-refused - not net_tap probe 2>/dev/null

S1=$NET_PREFIX.2 S2=$NET_PREFIX.3 S3=$NET_PREFIX.4 S4=$NET_PREFIX.5 HOLE=$NET_PREFIX.9
for e in exp1 exp2 exp3 exp4; do
	mkdir -p "$E2E_TMP/$e"
	echo "marker-$e" >"$E2E_TMP/$e/marker"
done
t0=$(now)
net_ganesha one "$S1" "$E2E_TMP/exp1"
t1=$(now)
net_ganesha two "$S2" "$E2E_TMP/exp2" --ro
t2=$(now)
net_ganesha three "$S3" "$E2E_TMP/exp3" --v3 --pseudo /srv/root
t3=$(now)
net_ganesha four "$S4" "$E2E_TMP/exp4" --v3
say "ganesha v4 up in $(elapsed "$t0" "$t1") s, second (ro) $(elapsed "$t1" "$t2") s," \
	"v3 with rpcbind $(elapsed "$t2" "$t3") s"
check ganesha-three-listen - net__listening tcp "$S3" 2049
check ganesha-two-listen - net__listening tcp "$S2" 2049
check rpcbind-has-mountd - grep -q ' 20048 *mountd' <<<"$(net_exec rpcinfo -p 127.0.0.1 2>&1)"
net_blackhole "$HOLE" 2049
# A connection is accepted, and nothing ever comes back.
check blackhole-silent - not net_exec timeout 5 bash -c \
	"exec 3<>/dev/tcp/$HOLE/2049 && echo ping >&3 && read -t 2 -r reply <&3"
check blackhole-accepts - net_exec timeout 5 bash -c "exec 3<>/dev/tcp/$HOLE/2049"

ROOTPATH="$S1,$S2:/export,vers=4.2"
FIXED_IP=$NET_PREFIX.77
t0=$(now)
net_dnsmasq --root-path "$ROOTPATH" --host "52:54:00:aa:bb:02,$FIXED_IP"
t1=$(now)
say "dnsmasq ready in $(elapsed "$t0" "$t1") s"

# --- boots ---------------------------------------------------------------------------------

# Two guests at once: v4 from two servers (rw and ro) plus the black hole, and v3.
t0=$(now)
net_boot v4 --nic v4 --initrd "$IMG" --timeout 150 \
	--append "nst.m=v4:$S1,v4:$S2,hang:$HOLE"
net_boot v3 --nic v3 --initrd "$IMG" --timeout 150 --append "nst.m=v3:$S3:/srv/root,v3:$S4"
e2e_wait v4 && rc4=0 || rc4=$?
t1=$(now)
e2e_wait v3 && rc3=0 || rc3=$?
t2=$(now)
check v4-powers-off v4 [ "$rc4" = 0 ]
check v4-no-insmod-error v4 e2e_log_lacks v4 NETST-INSMOD-FAILED
check v4-lease v4 e2e_log_has v4 "^NETST-LEASE eth0 ip=$NET_PREFIX\\.1[0-9][0-9] mac=$(net_mac v4) router=$NET_GW serverid=$NET_GW "
check v4-rootpath-option17 v4 e2e_log_has v4 "^NETST-LEASE eth0 .* rootpath=$ROOTPATH\$"
check v4-lease-file v4 test -n "$(net_lease_ip "$(net_mac v4)")"
check v4-mount-rw v4 e2e_log_has v4 "^NETST-MOUNT v4 $S1 ok marker-exp1 nfs4 rw,.*vers=4\\.2"
check v4-mount-second v4 e2e_log_has v4 "^NETST-MOUNT v4 $S2 ok marker-exp2 nfs4 "
check v4-write-rw v4 e2e_log_has v4 "^NETST-WRITE $S1 ok"
check v4-write-reached-server v4 grep -qx 'written by v4' "$E2E_TMP/exp1/from-guest"
check v4-root-not-squashed v4 [ "$(stat -c %u "$E2E_TMP/exp1/from-guest" 2>/dev/null)" = 0 ]
check v4-write-ro-refused v4 e2e_log_has v4 "^NETST-WRITE $S2 refused"
check v4-ro-untouched v4 not test -e "$E2E_TMP/exp2/from-guest"
check v4-blackhole-hangs v4 e2e_log_has v4 "^NETST-HANG $HOLE no-mount"
check v3-powers-off v3 [ "$rc3" = 0 ]
check v3-mount v3 e2e_log_has v3 "^NETST-MOUNT v3 $S3 ok marker-exp3 nfs .*vers=3"
check v3-write v3 grep -qx 'written by v3' "$E2E_TMP/exp3/from-guest"
check v3-second-server v3 e2e_log_has v3 "^NETST-MOUNT v3 $S4 ok marker-exp4 nfs .*vers=3"
check dnsmasq-log-dhcp - grep -q "DHCPACK(br0) .* $(net_mac v3)" "$E2E_TMP/dnsmasq.log"
say "timing: v4+v3 guests together: v4 done $(elapsed "$t0" "$t1") s, v3 $(elapsed "$t0" "$t2") s wall"
say "timing: v4 guest clock: modules $(guest_time v4 modules), leases $(guest_time v4 leases)," \
	"mount rw $(guest_time v4 mount-0), ro $(guest_time v4 mount-1), black hole gave up" \
	"$(guest_time v4 mount-2) s"
say "timing: v3 guest clock: leases $(guest_time v3 leases), v3 mount $(guest_time v3 mount-0) s"

# One guest, two NICs: eth1 gets the fixed --host address.
t0=$(now)
net_boot two --nic two --nic two-b,52:54:00:AA:BB:02 --initrd "$IMG" --timeout 150 \
	--append "nst.if=2 nst.m=v4:$S1"
e2e_wait two && rc=0 || rc=$?
t1=$(now)
check two-nic-powers-off two [ "$rc" = 0 ]
check two-nic-eth0 two e2e_log_has two "^NETST-LEASE eth0 ip=$NET_PREFIX\\.1[0-9][0-9] mac=$(net_mac two) "
check two-nic-eth1-fixed two e2e_log_has two "^NETST-LEASE eth1 ip=$FIXED_IP mac=52:54:00:aa:bb:02 "
check two-nic-lease-file two [ "$(net_lease_ip 52:54:00:aa:bb:02)" = "$FIXED_IP" ]
check two-nic-mount two e2e_log_has two "^NETST-MOUNT v4 $S1 ok marker-exp1"
say "timing: two-NIC guest $(elapsed "$t0" "$t1") s wall, both leases at $(guest_time two leases) s"

# Stopping servers (a v4 one, and the v3 one that registered last with rpcbind) leaves the
# others serving.
t0=$(now)
net_ganesha_stop two
t1=$(now)
net_ganesha_stop four
say "ganesha stop (SIGKILL: v3 servers remain) $(elapsed "$t0" "$t1") s"
check ganesha-stop-one - not net__listening tcp "$S2" 2049
check ganesha-others-stay - net__listening tcp "$S1" 2049
net_boot after --nic after --initrd "$IMG" --timeout 150 \
	--append "nst.m=v4:$S1,v3:$S3:/srv/root,v4:$S3:/srv/root"
e2e_wait after || true
check after-stop-v4 after e2e_log_has after "^NETST-MOUNT v4 $S1 ok"
check after-stop-v3 after e2e_log_has after "^NETST-MOUNT v3 $S3 ok marker-exp3"
check pseudo-path-v4 after e2e_log_has after "^NETST-MOUNT v4 $S3 ok marker-exp3 nfs4 "

# --- PXE -----------------------------------------------------------------------------------

if [ "${NETST_PXE:-1}" = 1 ]; then
	tftp=$E2E_TMP/tftp
	mkdir -p "$tftp"
	cp "$KERNEL" "$tftp/vmlinuz"
	cp "$IMG" "$tftp/initrd.img"
	cat >"$tftp/boot.ipxe" <<-EOF
		#!ipxe
		kernel vmlinuz console=ttyS0 panic=1 nst.m=v4:$S1
		initrd initrd.img
		boot
	EOF
	net_dnsmasq_stop
	net_dnsmasq --tftp "$tftp" --ipxe boot.ipxe --root-path "$S1:/export"
	count=${NETST_PXE_COUNT:-2}
	t0=$(now)
	for ((i = 0; i < count; i++)); do
		# FACTS.md: iPXE gives up on DHCP when several start at once under TCG; stagger.
		[ "$i" = 0 ] || sleep 4
		net_boot "pxe$i" --nic "pxe$i" --pxe --timeout 200
	done
	for ((i = 0; i < count; i++)); do
		e2e_wait "pxe$i" && rc=0 || rc=$?
		t1=$(now)
		check "pxe$i-powers-off" "pxe$i" [ "$rc" = 0 ]
		check "pxe$i-ipxe" "pxe$i" e2e_log_has "pxe$i" 'iPXE'
		check "pxe$i-mount" "pxe$i" e2e_log_has "pxe$i" "^NETST-MOUNT v4 $S1 ok marker-exp1"
		say "timing: pxe$i done $(elapsed "$t0" "$t1") s after the first start;" \
			"kernel 'Run /init' at $(e2e_ktime "pxe$i" 'Run /init' || echo '?') s"
	done
	check pxe-tftp-log - grep -q 'sent .*vmlinuz' "$E2E_TMP/dnsmasq.log"
fi

# The last v3 server stops cleanly (SIGTERM).
t0=$(now)
net_ganesha_stop three
t1=$(now)
say "ganesha stop (SIGTERM) $(elapsed "$t0" "$t1") s"
check ganesha-term-stop - not net__listening tcp "$S3" 2049
check ganesha-term-clean-exit - grep -q 'NFS EXIT: regular exit' "$E2E_TMP/ganesha-three.log"
