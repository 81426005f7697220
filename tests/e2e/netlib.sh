# shellcheck shell=bash
# Network harness for the end-to-end tests: a private network namespace with a bridge, one tap
# per guest NIC, QEMU run inside the namespace, dnsmasq (DHCP/TFTP), nfs-ganesha servers
# (NFSv4, NFSv3 with rpcbind) and a "black hole" TCP listener. Needs root. Sourced after
# lib.sh (tests/e2e/test_harness.sh checks its cleanup):
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/netlib.sh"
#   e2e_init nfs-root
#   net_init                                  # namespace, br0 = $NET_GW (10.42.0.1/24)
#   net_ganesha srv1 "$NET_PREFIX.2" "$E2E_TMP/root" --ro
#   net_dnsmasq --root-path "$NET_PREFIX.2:/export"
#   net_boot g1 --nic g1 --initrd "$IMG" --append "ip=dhcp root=/dev/nfs"
#   e2e_wait g1 || true
#
#   net_boot g2 --nic a --nic b,52:54:00:12:34:56 ...   two NICs (eth0, eth1); net_mac a
#   net_boot p1 --nic p1 --pxe                          QEMU's iPXE ROM, no -kernel
#   net_ganesha_stop srv1 [--kill]; net_dnsmasq_stop; net_blackhole IP PORT
#   net_exec ip link set "$(net_tap_dev a)" down        pull a guest's cable
#
# Nothing here touches the host's interfaces or addresses: every address and device lives in
# the namespace, whose name starts with sprout-e2e-. Servers that keep state under /run
# (rpcbind, ganesha) get a private /run bind-mounted from $NET_DIR/run, so they never meet a
# host rpcbind or another test's. Every process is recorded by PID and stopped by PID; on exit
# (normal, failed, or interrupted) the boots, the servers and the namespace all go, through
# lib.sh's E2E_CLEANUP_HOOKS (its EXIT trap). One network per script. Functions that start
# processes must run in the script's own shell, not in $(...). The state is global (declare
# -g), so this file may be sourced inside a function too.

NET_NS=
NET_N=
NET_PREFIX=
NET_GW=
NET_DIR=
NET_OWNER=
NET_QEMU=
NET_DNSMASQ_PID=
NET_RPCBIND_PID=
declare -gA NET_PIDS=()       # pid -> label, every live server netlib started
declare -gA NET_GANESHA=()    # instance name -> pid
declare -gA NET_GANESHA_V3=() # instance name -> 1 when it serves NFSv3
declare -gA NET_BLACKHOLE=()  # IP:PORT -> pid
declare -ga NET_BOOTS=()      # e2e boot names started by net_boot
# sh -c script for daemons that keep state under /run: $NET_DIR/run mounted there first
# (ip netns exec gives each command its own mount namespace, so nobody else sees the mount).
# shellcheck disable=SC2016 # expanded by that shell
NET_RUN_SH='mount --bind "$0" /run && exec "$@"'

# net_init [N]: namespace sprout-e2e-<pid>-N with lo up and a bridge br0 at 10.N.0.1/24
# (N defaults to 42). Sets NET_NS, NET_PREFIX (10.N.0), NET_GW (10.N.0.1), NET_DIR.
net_init() {
	local n=${1:-42} k
	if [ -z "${E2E_TMP:-}" ] || ! declare -p E2E_CLEANUP_HOOKS >/dev/null 2>&1; then
		echo "net_init: source lib.sh and call e2e_init first" >&2
		return 2
	fi
	if [ -n "$NET_NS" ]; then
		echo "net_init: already initialised ($NET_NS)" >&2
		return 2
	fi
	if ! [[ $n =~ ^(0|[1-9][0-9]{0,2})$ ]] || [ "$n" -gt 255 ]; then
		echo "net_init: subnet number '$n' is not 0..255" >&2
		return 2
	fi
	NET_QEMU=$(command -v qemu-system-x86_64) || return 1
	NET_N=$n
	NET_PREFIX=10.$n.0
	NET_GW=$NET_PREFIX.1
	NET_DIR=$E2E_TMP/net
	NET_OWNER=$BASHPID
	mkdir -p "$NET_DIR/taps" "$NET_DIR/run" || return 1
	chmod 0755 "$NET_DIR/run"
	# Cleanup first, so a failure half-way through still removes what exists.
	E2E_CLEANUP_HOOKS+=(net__cleanup)
	# A name left by an earlier run whose PID came round again is not ours to reuse.
	for ((k = 0; k < 10; k++)); do
		NET_NS=sprout-e2e-$$-$n${k/#0/}
		[ -e "/run/netns/$NET_NS" ] || break
	done
	if ! ip netns add "$NET_NS"; then
		NET_NS=
		return 1
	fi
	ip -n "$NET_NS" link set lo up &&
		ip -n "$NET_NS" link add br0 type bridge forward_delay 0 stp_state 0 &&
		ip -n "$NET_NS" addr add "$NET_GW/24" dev br0 &&
		ip -n "$NET_NS" link set br0 up
}

# net_tap NAME [MAC] [--model DEVICE]: a tap on br0 for one guest NIC; prints the QEMU
# arguments for it (netdev id NAME). The MAC defaults to 52:54:00:<N>:00:<index>; net_mac NAME
# prints it. Safe in $(...): its state is in files.
net_tap() {
	local name=${1:-} mac='' model=virtio-net-pci idx tap
	shift || true
	if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
		mac=$1
		shift
	fi
	while [ $# -gt 0 ]; do
		case $1 in
		--model) model=$2; shift 2 ;;
		*) echo "net_tap: unknown option '$1'" >&2; return 2 ;;
		esac
	done
	net__ready net_tap || return 2
	if ! [[ $name =~ ^[A-Za-z][A-Za-z0-9_-]{0,31}$ ]]; then
		echo "net_tap: name '$name' must be a letter then up to 31 of [A-Za-z0-9_-]" >&2
		return 2
	fi
	if [ -e "$NET_DIR/taps/$name" ]; then
		echo "net_tap: a tap named '$name' exists already" >&2
		return 2
	fi
	idx=$(find "$NET_DIR/taps" -type f | wc -l)
	if [ "$idx" -gt 255 ]; then
		echo "net_tap: too many taps" >&2
		return 1
	fi
	[ -n "$mac" ] || mac=$(printf '52:54:00:%02x:00:%02x' "$NET_N" "$idx")
	mac=${mac,,}
	if ! [[ $mac =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]]; then
		echo "net_tap: bad MAC '$mac'" >&2
		return 2
	fi
	tap=tap$idx
	ip -n "$NET_NS" tuntap add dev "$tap" mode tap &&
		ip -n "$NET_NS" link set "$tap" master br0 &&
		ip -n "$NET_NS" link set "$tap" up || return 1
	echo "$tap $mac" >"$NET_DIR/taps/$name"
	echo "-netdev tap,id=$name,ifname=$tap,script=no,downscript=no -device $model,netdev=$name,mac=$mac"
}

# net_mac NAME: the MAC address of tap NAME.
net_mac() {
	local tap mac
	read -r tap mac <"$NET_DIR/taps/$1" || return 1
	echo "$mac"
}

# net_tap_dev NAME: the namespace's device name of tap NAME (for net_exec ip link set ... down).
net_tap_dev() {
	local tap mac
	read -r tap mac <"$NET_DIR/taps/$1" || return 1
	echo "$tap"
}

# net_boot NAME [--nic TAPNAME[,MAC]]... [--pxe] [e2e_boot options]: e2e_boot with QEMU inside
# the namespace. --nic makes a tap (net_tap) and adds it; several --nic give several NICs, in
# order (eth0, eth1, ...); --extra may be given several times. --pxe boots from the network
# (QEMU's iPXE ROM, -boot n): no -kernel, -initrd or -append reach QEMU.
net_boot() {
	local name=${1:-} pxe='' extra='' nic args bin
	local -a rest=()
	shift || true
	net__ready net_boot || return 2
	while [ $# -gt 0 ]; do
		case $1 in
		--nic)
			nic=$2
			if [ "$nic" = "${nic#*,}" ]; then
				args=$(net_tap "$nic") || return 1
			else
				args=$(net_tap "${nic%%,*}" "${nic#*,}") || return 1
			fi
			extra+=" $args"
			shift 2
			;;
		--pxe) pxe=1; shift ;;
		--extra) extra+=" $2"; shift 2 ;;
		--initrd | --append | --disk | --timeout | --mem | --kernel)
			rest+=("$1" "$2")
			shift 2
			;;
		*) rest+=("$1"); shift ;;
		esac
	done
	if ! [[ " $extra " =~ [[:space:]]-netdev[[:space:]] ]]; then
		echo "net_boot: $name has no NIC (use --nic NAME or --extra \"\$(net_tap NAME)\")" >&2
		return 2
	fi
	[ -z "$pxe" ] || extra+=" -boot n"
	bin=$NET_DIR/bin-$name
	mkdir -p "$bin" || return 1
	net__qemu_wrapper "$pxe" >"$bin/qemu-system-x86_64" || return 1
	chmod 0755 "$bin/qemu-system-x86_64"
	NET_BOOTS+=("$name")
	# timeout(1) finds QEMU through PATH; the wrapper execs it inside the namespace (same PID,
	# so lib.sh's pidfile and parent checks still hold).
	local -x PATH="$bin:$PATH"
	e2e_boot "$name" "${rest[@]}" --extra "$extra" || return $?
	echo "# run by $bin/qemu-system-x86_64: ip netns exec $NET_NS $NET_QEMU${pxe:+ (without -kernel/-initrd/-append)}" \
		>>"$E2E_TMP/$name.cmd"
}

net__qemu_wrapper() {
	local pxe=$1
	echo '#!/bin/bash'
	echo '# netlib.sh: QEMU inside the test namespace.'
	printf 'ns=%q qemu=%q\n' "$NET_NS" "$NET_QEMU"
	if [ -n "$pxe" ]; then
		cat <<-'EOF'
			args=()
			while [ $# -gt 0 ]; do
				case $1 in
				-kernel | -initrd | -append) shift 2 ;;
				*) args+=("$1"); shift ;;
				esac
			done
			set -- "${args[@]}"
		EOF
	fi
	# shellcheck disable=SC2016 # for the wrapper
	echo 'exec ip netns exec "$ns" "$qemu" "$@"'
}

# net_exec CMD...: runs CMD inside the namespace (e.g. net_exec ss -ltn).
net_exec() {
	net__ready net_exec || return 2
	ip netns exec "$NET_NS" "$@"
}

# net_addr IP: adds IP (a /32) to br0 unless it is there already.
net_addr() {
	net__ready net_addr || return 2
	net__check_ip "$1" || return 2
	local have
	# not piped into grep -q: with pipefail, ip's SIGPIPE would make a match look like none
	have=$(ip -n "$NET_NS" -4 -o addr show dev br0)
	grep -qF " $1/" <<<"$have" && return 0
	ip -n "$NET_NS" addr add "$1/32" dev br0
}

# --- dnsmasq -----------------------------------------------------------------------------

# net_dnsmasq [--root-path PATH] [--no-dhcp] [--range FIRST,LAST] [--tftp DIR] [--ipxe FILE]
#             [--host MAC,IP[,...]]... [--option RAW-DNSMASQ-ARG]...
# DHCP on br0 (default range .100-.199, lease file $E2E_TMP/dnsmasq.leases), root-path as
# option 17 (sent to clients that ask for it), TFTP from DIR (made world-readable), and with
# --ipxe, FILE (relative to the TFTP root) as the boot file for iPXE clients. Log:
# $E2E_TMP/dnsmasq.log (every DHCP exchange). One instance at a time.
net_dnsmasq() {
	local rootpath='' dhcp=1 range='' tftp='' ipxe='' pidf log pid n
	local -a args=()
	net__ready net_dnsmasq main || return 2
	if [ -n "$NET_DNSMASQ_PID" ]; then
		echo "net_dnsmasq: already running (pid $NET_DNSMASQ_PID)" >&2
		return 2
	fi
	range=$NET_PREFIX.100,$NET_PREFIX.199
	while [ $# -gt 0 ]; do
		case $1 in
		--root-path) rootpath=$2; shift 2 ;;
		--no-dhcp) dhcp=''; shift ;;
		--range) range=$2; shift 2 ;;
		--tftp) tftp=$2; shift 2 ;;
		--ipxe) ipxe=$2; shift 2 ;;
		--host) args+=("--dhcp-host=$2"); shift 2 ;;
		--option) args+=("$2"); shift 2 ;;
		*) echo "net_dnsmasq: unknown option '$1'" >&2; return 2 ;;
		esac
	done
	pidf=$NET_DIR/dnsmasq.pid
	log=$E2E_TMP/dnsmasq.log
	if [[ $rootpath =~ [\"\\[:cntrl:]] ]]; then
		echo "net_dnsmasq: root path must not hold quotes, backslashes or control characters" >&2
		return 2
	fi
	# Only the configuration file honours quotes, which keep a server list's commas in one
	# string; the command line would pass them on literally.
	: >"$NET_DIR/dnsmasq.conf"
	[ -z "$rootpath" ] || echo "dhcp-option=option:root-path,\"$rootpath\"" >"$NET_DIR/dnsmasq.conf"
	# --no-ping: no 3 s ICMP probe before each first offer.
	args=(--conf-file="$NET_DIR/dnsmasq.conf" --keep-in-foreground --user=root --group=root
		--port=0 --interface=br0 --bind-interfaces --pid-file="$pidf" --log-facility="$log"
		--log-dhcp --no-ping "${args[@]}")
	if [ -n "$dhcp" ]; then
		args+=(--dhcp-range="$range,255.255.255.0,1h" --dhcp-authoritative
			--dhcp-leasefile="$E2E_TMP/dnsmasq.leases")
	fi
	if [ -n "$tftp" ]; then
		chmod -R a+rX "$tftp" || return 1
		args+=(--enable-tftp --tftp-root="$tftp")
	fi
	if [ -n "$ipxe" ]; then
		if [ -z "$tftp" ] || [ ! -f "$tftp/$ipxe" ]; then
			echo "net_dnsmasq: --ipxe $ipxe needs --tftp DIR holding it" >&2
			return 2
		fi
		args+=("--dhcp-userclass=set:ipxe,iPXE" "--dhcp-boot=tag:ipxe,$ipxe")
	fi
	: >"$log"
	ip netns exec "$NET_NS" dnsmasq "${args[@]}" >>"$log" 2>&1 </dev/null &
	pid=$!
	NET_PIDS[$pid]=dnsmasq
	NET_DNSMASQ_PID=$pid
	for ((n = 0; n < 100; n++)); do
		if ! net__alive "$pid"; then
			net__died dnsmasq "$pid" "$log"
			NET_DNSMASQ_PID=
			return 1
		fi
		if grep -q 'started, version' "$log" &&
			{ [ -z "$dhcp" ] || net__listening udp "" 67; } &&
			{ [ -z "$tftp" ] || net__listening udp '' 69; }; then
			net__is "$pid" dnsmasq
			return
		fi
		sleep 0.1
	done
	echo "net_dnsmasq: not ready after 10 s; log:" >&2
	tail -n 20 "$log" >&2
	return 1
}

# net_dnsmasq_stop: stops dnsmasq (the lease file stays).
net_dnsmasq_stop() {
	net__ready net_dnsmasq_stop main || return 2
	[ -n "$NET_DNSMASQ_PID" ] || return 0
	net__stop "$NET_DNSMASQ_PID" TERM
	NET_DNSMASQ_PID=
}

# net_lease_ip MAC: the address dnsmasq leased to MAC (empty and false when none).
net_lease_ip() {
	local mac=${1,,} lmac ip rest
	[ -f "$E2E_TMP/dnsmasq.leases" ] || return 1
	while read -r _ lmac ip rest; do
		if [ "$lmac" = "$mac" ]; then
			echo "$ip"
			return 0
		fi
	done <"$E2E_TMP/dnsmasq.leases"
	return 1
}

# --- NFS servers -------------------------------------------------------------------------

# net_ganesha NAME IP DIR [--v3] [--ro] [--pseudo PATH] [--numeric-owners]: nfs-ganesha (FSAL
# VFS) on IP exporting DIR as /export or PATH (NFSv4 pseudo path; with --v3 also the NFSv3 mount
# path, rpcbind started once), no root squash for 10.N.0.0/24, read-write unless --ro. NFSv4
# owners go as names (ganesha's default) unless --numeric-owners (Only_Numeric_Owners). Files
# $E2E_TMP/ganesha-NAME.{conf,log,pid}. Returns once the server listens on IP:2049 (and for
# --v3 its MOUNT service on IP:20048). A stopped NAME may be started again.
net_ganesha() {
	local name=${1:-} ip=${2:-} dir=${3:-} v3='' access=RW pseudo=/export numeric='' base pid n
	net__ready net_ganesha main || return 2
	if [ $# -lt 3 ]; then
		echo "net_ganesha: usage: net_ganesha NAME IP DIR [--v3] [--ro] [--pseudo PATH] [--numeric-owners]" >&2
		return 2
	fi
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		--v3) v3=1; shift ;;
		--ro) access=RO; shift ;;
		--pseudo) pseudo=$2; shift 2 ;;
		--numeric-owners) numeric=1; shift ;;
		*) echo "net_ganesha: unknown option '$1'" >&2; return 2 ;;
		esac
	done
	if ! [[ $name =~ ^[A-Za-z0-9_-]{1,32}$ ]] || [ -n "${NET_GANESHA[$name]:-}" ]; then
		echo "net_ganesha: bad or duplicate name '$name'" >&2
		return 2
	fi
	if [ ! -d "$dir" ] || [[ $dir =~ [^A-Za-z0-9_./+-] ]]; then
		echo "net_ganesha: '$dir' is not a directory with a plain path" >&2
		return 2
	fi
	if ! [[ $pseudo =~ ^(/[A-Za-z0-9_.+-]+)+$ ]]; then
		echo "net_ganesha: pseudo path '$pseudo' is not a plain absolute path" >&2
		return 2
	fi
	dir=$(cd "$dir" && pwd)
	net_addr "$ip" || return 1
	if [ -n "$v3" ] && [ -z "$NET_RPCBIND_PID" ]; then
		net__rpcbind || return 1
	fi
	base=$E2E_TMP/ganesha-$name
	mkdir -p "$base.recovery"
	net__ganesha_conf "$ip" "$dir" "$access" "$v3" "$base.recovery" "$pseudo" "$numeric" >"$base.conf"
	: >"$base.log"
	rm -f "$base.pid"
	# A simple command, not a function: $! must be the daemon itself (ip and sh both exec).
	ip netns exec "$NET_NS" /bin/sh -c "$NET_RUN_SH" "$NET_DIR/run" \
		ganesha.nfsd -F -f "$base.conf" -L "$base.log" -p "$base.pid" >"$base.out" 2>&1 </dev/null &
	pid=$!
	NET_PIDS[$pid]=ganesha-$name
	NET_GANESHA[$name]=$pid
	[ -z "$v3" ] || NET_GANESHA_V3[$name]=1
	for ((n = 0; n < 300; n++)); do
		if ! net__alive "$pid"; then
			cat "$base.out" >&2
			net__died "ganesha $name" "$pid" "$base.log"
			unset "NET_GANESHA[$name]" "NET_GANESHA_V3[$name]"
			return 1
		fi
		if net__listening tcp "$ip" 2049 && { [ -z "$v3" ] || net__listening tcp "$ip" 20048; }; then
			net__is "$pid" ganesha.nfsd
			return
		fi
		sleep 0.1
	done
	echo "net_ganesha: $name not listening on $ip:2049 after 30 s; log:" >&2
	tail -n 20 "$base.log" >&2
	return 1
}

net__ganesha_conf() {
	local ip=$1 dir=$2 access=$3 v3=$4 rec=$5 pseudo=$6 numeric=$7 protos=4 transports=TCP
	[ -z "$v3" ] || { protos='3, 4'; transports='TCP, UDP'; }
	cat <<-EOF
		# netlib.sh: one test NFS server.
		NFS_CORE_PARAM {
			Bind_addr = $ip;
			Protocols = $protos;
			Enable_NLM = false;
			Enable_RQUOTA = false;
			# Fixed, so every instance registers the same ports with the one rpcbind.
			MNT_Port = 20048;
			${v3:+Mount_Path_Pseudo = true;}
		}
		NFS_KRB5 { Active_krb5 = false; }
		NFSv4 { Graceless = true; RecoveryRoot = "$rec"; ${numeric:+Only_Numeric_Owners = true;} }
		EXPORT {
			Export_Id = 1;
			Path = "$dir";
			Pseudo = "$pseudo";
			Protocols = $protos;
			Transports = $transports;
			SecType = sys;
			Access_Type = None;
			CLIENT {
				Clients = $NET_PREFIX.0/24;
				Access_Type = $access;
				Squash = No_Root_Squash;
			}
			FSAL { Name = VFS; }
		}
		LOG { Default_Log_Level = EVENT; }
	EOF
}

# net_ganesha_stop NAME [--kill]: stops one server: SIGTERM (SIGKILL after 10 s), or at once
# SIGKILL with --kill (a crash). Also SIGKILL while another --v3 server runs: a clean exit
# unregisters NFS and MOUNT from the one rpcbind, for every server, and v3 mounts of the
# others would then fail; all use the same ports, so the registrations left behind hold.
net_ganesha_stop() {
	local name=${1:-} sig=TERM other
	net__ready net_ganesha_stop main || return 2
	local pid=${NET_GANESHA[$name]:-}
	if [ -z "$pid" ]; then
		echo "net_ganesha_stop: no server '$name'" >&2
		return 2
	fi
	[ "${2:-}" != --kill ] || sig=KILL
	for other in "${!NET_GANESHA_V3[@]}"; do
		[ "$other" = "$name" ] || sig=KILL
	done
	net__stop "$pid" "$sig"
	unset "NET_GANESHA[$name]" "NET_GANESHA_V3[$name]"
}

# rpcbind without -h (1.2.6 crashes with it), in the namespace and the private /run.
net__rpcbind() {
	local pid n
	mkdir -p "$NET_DIR/run/rpcbind" && chown _rpc "$NET_DIR/run/rpcbind" 2>/dev/null
	ip netns exec "$NET_NS" /bin/sh -c "$NET_RUN_SH" "$NET_DIR/run" \
		rpcbind -w -f >"$NET_DIR/rpcbind.log" 2>&1 </dev/null &
	pid=$!
	NET_PIDS[$pid]=rpcbind
	NET_RPCBIND_PID=$pid
	for ((n = 0; n < 100; n++)); do
		if ! net__alive "$pid"; then
			net__died rpcbind "$pid" "$NET_DIR/rpcbind.log"
			NET_RPCBIND_PID=
			return 1
		fi
		if net__listening tcp '' 111; then
			net__is "$pid" rpcbind
			return
		fi
		sleep 0.1
	done
	echo "net: rpcbind not listening after 10 s" >&2
	return 1
}

# --- faults ------------------------------------------------------------------------------

# net_blackhole IP PORT: a TCP listener on IP:PORT that accepts connections and never reads
# or answers (a hung server). net_blackhole_stop IP PORT ends it.
net_blackhole() {
	local ip=$1 port=$2 pid n
	net__ready net_blackhole main || return 2
	if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || [ "$port" -gt 65535 ]; then
		echo "net_blackhole: bad port '$port'" >&2
		return 2
	fi
	[ -z "${NET_BLACKHOLE[$ip:$port]:-}" ] || return 0
	net_addr "$ip" || return 1
	# perl-base is Essential in Debian; python3 and socat are not guaranteed.
	# shellcheck disable=SC2016 # perl
	ip netns exec "$NET_NS" perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => $ARGV[1],
			Proto => "tcp", Listen => 128, ReuseAddr => 1) or die "blackhole: $!\n";
		my @held;
		while (1) { my $c = $s->accept or next; push @held, $c; }' "$ip" "$port" \
		>"$NET_DIR/blackhole-$ip-$port.log" 2>&1 </dev/null &
	pid=$!
	NET_PIDS[$pid]=blackhole-$ip:$port
	NET_BLACKHOLE[$ip:$port]=$pid
	for ((n = 0; n < 100; n++)); do
		if ! net__alive "$pid"; then
			net__died blackhole "$pid" "$NET_DIR/blackhole-$ip-$port.log"
			unset "NET_BLACKHOLE[$ip:$port]"
			return 1
		fi
		if net__listening tcp "$ip" "$port"; then
			net__is "$pid" perl
			return
		fi
		sleep 0.1
	done
	echo "net_blackhole: not listening after 10 s" >&2
	return 1
}

net_blackhole_stop() {
	local pid=${NET_BLACKHOLE[$1:$2]:-}
	[ -n "$pid" ] || return 0
	net__stop "$pid" TERM
	unset "NET_BLACKHOLE[$1:$2]"
}

# --- internals ---------------------------------------------------------------------------

# net__ready FUNC [main]: the network exists; with "main", we are in the shell that made it
# (a server started in a $(...) subshell would be neither tracked nor stopped).
# --- lighttpd (root images over HTTP) -------------------------------------------------------

declare -gA NET_LIGHTTPD=()   # instance name -> pid

# net_lighttpd NAME IP DOCROOT [--rate KBYTES_PER_S]: lighttpd serving DOCROOT on IP:80, its
# own config, error log and access log ($NET_DIR/lighttpd-NAME.{conf,err,access}; the access
# log has each request's Range header: range="bytes=N-"); --rate limits every connection.
net_lighttpd() {
	local name=$1 ip=$2 doc=$3 rate=0 pid n conf=$NET_DIR/lighttpd-$1.conf
	shift 3
	net__ready net_lighttpd main || return 2
	while [ $# -gt 0 ]; do
		case $1 in
		--rate) rate=$2; shift 2 ;;
		*) echo "net_lighttpd: unknown option $1" >&2; return 2 ;;
		esac
	done
	[ -z "${NET_LIGHTTPD[$name]:-}" ] || { echo "net_lighttpd: $name runs already" >&2; return 2; }
	net_addr "$ip" || return 1
	cat >"$conf" <<CONF
server.document-root = "$doc"
server.bind = "$ip"
server.port = 80
server.errorlog = "$NET_DIR/lighttpd-$name.err"
server.modules = ( "mod_accesslog" )
accesslog.filename = "$NET_DIR/lighttpd-$name.access"
accesslog.format = "%h \"%r\" %>s %b range=\"%{Range}i\""
connection.kbytes-per-second = $rate
mimetype.assign = ( "" => "application/octet-stream" )
CONF
	: >"$NET_DIR/lighttpd-$name.access"
	ip netns exec "$NET_NS" lighttpd -D -f "$conf" >"$NET_DIR/lighttpd-$name.out" 2>&1 </dev/null &
	pid=$!
	NET_PIDS[$pid]=lighttpd-$name
	NET_LIGHTTPD[$name]=$pid
	for ((n = 0; n < 100; n++)); do
		if ! net__alive "$pid"; then
			net__died lighttpd "$pid" "$NET_DIR/lighttpd-$name.out"
			unset "NET_LIGHTTPD[$name]"
			return 1
		fi
		if net__listening tcp "$ip" 80; then
			net__is "$pid" lighttpd
			return
		fi
		sleep 0.1
	done
	echo "net_lighttpd: $name not listening after 10 s" >&2
	return 1
}

# net_lighttpd_stop NAME [--kill]: stops it by PID (SIGTERM, or SIGKILL at once).
net_lighttpd_stop() {
	local pid=${NET_LIGHTTPD[$1]:-}
	[ -n "$pid" ] || return 0
	net__stop "$pid" "$([ "${2:-}" = --kill ] && echo KILL || echo TERM)"
	unset "NET_LIGHTTPD[$1]"
}

# net_lighttpd_log NAME: its access log's path.
net_lighttpd_log() {
	echo "$NET_DIR/lighttpd-$1.access"
}

net__ready() {
	if [ -z "$NET_NS" ]; then
		echo "$1: call net_init first" >&2
		return 1
	fi
	if [ "${2:-}" = main ] && [ "$BASHPID" != "$NET_OWNER" ]; then
		echo "$1: call it from the test's own shell, not from a subshell or \$(...)" >&2
		return 1
	fi
}

net__check_ip() {
	if ! [[ $1 =~ ^10\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || [ "${1%.*}" != "$NET_PREFIX" ]; then
		echo "net: address '$1' is not in $NET_PREFIX.0/24" >&2
		return 1
	fi
	if [ "$1" = "$NET_GW" ] || [ "${1##*.}" -lt 1 ] || [ "${1##*.}" -gt 254 ]; then
		echo "net: address '$1' is the bridge's or not a host address" >&2
		return 1
	fi
}

# net__is PID NAME: the PID we track is the daemon itself (a wrapper in between would leave
# the daemon running when the PID is killed).
net__is() {
	local comm
	comm=$(cat "/proc/$1/comm" 2>/dev/null)
	[ "$comm" = "$2" ] && return 0
	echo "net: internal error: tracked pid $1 is '$comm', not $2" >&2
	return 1
}

# net__listening tcp|udp IP PORT: something in the namespace is bound there; an empty IP
# matches any address (v4-mapped IPv6 sockets included).
net__listening() {
	local proto=$1 ip=$2 port=$3 flags=-Hltn re
	[ "$proto" = tcp ] || flags=-Hlun
	if [ -n "$ip" ]; then
		re="(^|[^0-9.])${ip//./\\.}\]?:$port\$"
	else
		re=":$port\$"
	fi
	ip netns exec "$NET_NS" ss "$flags" 2>/dev/null | awk '{ print $4 }' | grep -qE -- "$re"
}

net__alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

net__died() {
	local rc=0
	wait "$2" 2>/dev/null || rc=$?
	unset "NET_PIDS[$2]"
	echo "net: $1 exited at once (status $rc); last lines of $3:" >&2
	tail -n 20 "$3" >&2
}

# net__stop PID SIGNAL: SIGNAL, SIGKILL after 10 s, reaped. Our own child, so the PID cannot
# have been reused before the wait.
net__stop() {
	[ -n "${NET_PIDS[$1]:-}" ] || return 0
	# The shell reports a child killed by a signal as soon as it notices; not on stderr.
	net__signal_reap "$1" "$2" 2>/dev/null
	unset "NET_PIDS[$1]"
	return 0
}

# Safe under set -e: a child killed by a signal is what we asked for.
net__signal_reap() {
	local pid=$1 n
	kill -"$2" "$pid" || true
	for ((n = 0; n < 100; n++)); do
		net__alive "$pid" || break
		sleep 0.1
	done
	! net__alive "$pid" || kill -KILL "$pid" || true
	wait "$pid" || true
}

# Every server at once (rpcbind ignores SIGTERM), then each reaped.
net__stop_all() {
	local pid n
	for pid in "${!NET_PIDS[@]}"; do
		if [ "${NET_PIDS[$pid]}" = rpcbind ]; then
			kill -KILL "$pid"
		else
			kill -TERM "$pid"
		fi
	done
	for pid in "${!NET_PIDS[@]}"; do
		for ((n = 0; n < 100; n++)); do
			net__alive "$pid" || break
			sleep 0.1
		done
		! net__alive "$pid" || kill -KILL "$pid"
		wait "$pid"
		unset "NET_PIDS[$pid]"
	done
}

# Boots first (QEMU holds the taps), then servers (rpcbind ignores SIGTERM), then the
# namespace. Idempotent.
net__cleanup() {
	local b
	set +e
	[ "$BASHPID" = "$NET_OWNER" ] || return 0
	for b in "${NET_BOOTS[@]}"; do
		e2e_stop "$b" >/dev/null 2>&1
	done
	NET_BOOTS=()
	net__stop_all 2>/dev/null
	NET_DNSMASQ_PID='' NET_RPCBIND_PID=''
	NET_GANESHA=() NET_GANESHA_V3=() NET_BLACKHOLE=()
	if [ -n "$NET_NS" ]; then
		ip netns del "$NET_NS" 2>/dev/null
		NET_NS=
	fi
	return 0
}
