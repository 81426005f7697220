# shellcheck shell=bash
# The NFS rows of bench/run.sh: the bench root exported read-only by nfs-ganesha in a network
# namespace (tests/e2e/netlib.sh), booted over NFSv4 by sprout, dracut and initramfs-tools,
# sprout again with a black hole (accepts TCP, never answers) listed first, and the farm case:
# 4 machines, 2 servers, all up and one down. Sourced by run.sh after
# lib.sh and tests/e2e/netlib.sh (whose state is global, so its exit trap stops every server
# wherever it was sourced); bench_nfs is the entry point. Rows go to
# $BENCH_W/boots.csv like the disk rows, and a note per row to $BENCH_W/nfs-notes (TOOL|text).

# bench_nfs_boot_start TOOL N IMG APPEND MAC [TIMEOUT]: one network boot, on a tap of its
# own but with the MAC given: the boots of one row are one machine booted again, so it keeps
# its DHCP address and its NFSv4 client identity, as a real machine would. (A machine coming
# back under a new address with the same client owner would be refused by the server for
# the rest of its old lease.)
bench_nfs_boot_start() {
	net_boot "$1-$2" --nic "${1//[^A-Za-z0-9]/}$2,$5" --initrd "$3" --append "$4" \
		--timeout "${6:-${BENCH_BOOT_TIMEOUT:-300}}" --extra "${BENCH_QEMU#-snapshot }"
}

bench_nfs_note() {
	echo "$1|$2" >>"$BENCH_W/nfs-notes"
}

# The server a sprout boot mounted its root from, or "-".
bench_nfs_server() {
	bench_log "$1" | sed -n 's|.*sprout: root: mounted \([0-9.]*\):/export on.*|\1|p' | sed -n 1p |
		grep . || echo -
}

# bench_nfs_pairs N TOOL-A IMG-A APPEND-A TOOL-B IMG-B APPEND-B: N boots of each, A and B
# at once, as two machines.
bench_nfs_pairs() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do
		bench_nfs_boot_start "$1" "$i" "$2" "$3" "52:54:00:57:01:01"
		bench_nfs_boot_start "$4" "$i" "$5" "$6" "52:54:00:57:01:02"
		bench_boot_end "$1" "$i"
		bench_boot_end "$4" "$i"
	done
}

# bench_nfs_farm TOOL APPEND-FORMAT: 4 machines booted together (staggered by a second, as
# a rack powering up); %d in APPEND-FORMAT is the machine's number. Notes which server each
# machine mounted.
bench_nfs_farm() {
	local tool=$1 fmt=$2 g ph spread=''
	for g in 1 2 3 4; do
		# shellcheck disable=SC2059 # the format is ours
		bench_nfs_boot_start "$tool" "$g" "$IMG/sprout-zstd.img" "$(printf "$fmt" "$g")" \
			"52:54:00:57:02:0$g"
		sleep 1
	done
	for g in 1 2 3 4; do
		bench_boot_end "$tool" "$g"
		ph=$(awk -F, -v t="$tool" -v n="$g" '$1 == t && $2 == n { print ($3 == 1 ? $6 " s" : "failed") }' \
			"$BENCH_W/boots.csv")
		spread+="machine $g: $(bench_nfs_server "$tool-$g") in $ph; "
	done
	bench_nfs_note "$tool" "${spread%; }"
}

# bench_nfs: everything above. Needs $IMG/sprout-zstd.img and, for its rows,
# $IMG/dracut-nfs.img and $IMG/itools-most.img.
bench_nfs() {
	local s1 s2 boots=${BENCH_NFS_BOOTS:-3} why i
	net_init 57
	s1=$NET_PREFIX.2 s2=$NET_PREFIX.3
	net_ganesha srv1 "$s1" "$BENCH_W/root" --ro
	net_ganesha srv2 "$s2" "$BENCH_W/root" --ro
	net_dnsmasq
	# shellcheck disable=SC2034 # NFS_*: read by run.sh for the report
	NFS_SERVERS="$s1 $s2"

	# One server, DHCP, NFSv4: the same command line for sprout and dracut (dracut's syntax,
	# which sprout accepts too).
	local append="ip=dhcp root=nfs4:$s1:/export rd.neednet=1 ro quiet"
	# shellcheck disable=SC2034
	NFS_APPEND=$append
	# initramfs-tools names the version in nfsroot=; its klibc nfsmount has no NFSv4. One
	# boot shows it, cut short (it retries the mount for minutes), alongside the first pair.
	if [ -f "$IMG/itools-most.img" ]; then
		bench_nfs_boot_start nfs-itools 1 "$IMG/itools-most.img" \
			"ip=dhcp root=/dev/nfs nfsroot=$s1:/export,vers=4 ro quiet" 52:54:00:57:01:03 60
	fi
	if [ -f "$IMG/dracut-nfs.img" ]; then
		bench_nfs_pairs "$boots" nfs-sprout "$IMG/sprout-zstd.img" "$append" \
			nfs-dracut "$IMG/dracut-nfs.img" "$append"
	else
		for ((i = 1; i <= boots; i++)); do
			bench_nfs_boot_start nfs-sprout "$i" "$IMG/sprout-zstd.img" "$append" 52:54:00:57:01:01
			bench_boot_end nfs-sprout "$i"
		done
	fi
	if [ -f "$IMG/itools-most.img" ]; then
		bench_boot_end nfs-itools 1
		# the most frequent line: the console interleaves, so a copy may be cut short
		why=$(bench_log nfs-itools-1 | grep -ao 'nfsmount: .*' | sort | uniq -c | sort -rn |
			sed -n '1s/^ *[0-9]* //p') || why=''
		if ! grep -q '^nfs-itools,1,1,' "$BENCH_W/boots.csv"; then
			bench_nfs_note nfs-itools "no root within 60 s${why:+: $why (over and over)}"
		fi
	fi

	# A server that accepts TCP and never answers (tests/e2e/netlib.sh's black hole), listed
	# first and kept first (sprout.nfs.select=order): the nfs-sprout machine booted again with
	# it in front of the same server. Its extra time is this row's phase minus nfs-sprout's.
	local bh=$NET_PREFIX.7
	if net_blackhole "$bh" 2049; then
		# shellcheck disable=SC2034 # read by run.sh for the report
		NFS_BH_APPEND="ip=dhcp root=nfs4:$bh,$s1:/export sprout.nfs.select=order rd.neednet=1 ro quiet"
		for ((i = 1; i <= ${BENCH_BLACKHOLE_BOOTS:-2}; i++)); do
			bench_nfs_boot_start nfs-blackhole "$i" "$IMG/sprout-zstd.img" "$NFS_BH_APPEND" 52:54:00:57:01:01
			bench_boot_end nfs-blackhole "$i"
		done
		net_blackhole_stop "$bh" 2049
	else
		bench_nfs_note nfs-blackhole "the black-hole listener did not start"
	fi

	# The farm: two servers in the list, each machine ranks them by its MAC. Two new servers
	# on new addresses, so no client the rows above left behind plays a part.
	net_ganesha_stop srv1
	net_ganesha_stop srv2
	s1=$NET_PREFIX.4 s2=$NET_PREFIX.5
	net_ganesha farm1 "$s1" "$BENCH_W/root" --ro
	net_ganesha farm2 "$s2" "$BENCH_W/root" --ro
	NFS_SERVERS+=" (farm: $s1 $s2)"
	# shellcheck disable=SC2034
	NFS_FARM_UP_APPEND="ip=dhcp root=nfs4:$s1,$s2:/export ro quiet"
	bench_nfs_farm farm-up "$NFS_FARM_UP_APPEND"
	# From here on each machine has a hostname: without one their NFSv4.1 client owners are
	# all the same (see docs/benchmarks.md), and the server may refuse some of them for that,
	# a failure that has nothing to do with the server that is down.
	# Server 2's machine powered off: its server gone and its address with it.
	net_ganesha_stop farm2 --kill
	net_exec ip addr del "$s2/32" dev br0
	bench_nfs_farm farm-down-named "ip=::::node%d:eth0:dhcp root=nfs4:$s1,$s2:/export ro quiet"
	# shellcheck disable=SC2034
	NFS_FARM_APPEND="ip=::::nodeN:eth0:dhcp root=nfs4:$s1,$s2:/export ro quiet"
	# shellcheck disable=SC2034
	NFS_FARM_DOWN=$s2
}
