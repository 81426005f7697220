# shellcheck shell=bash
# The root image rows of bench/run.sh (`BENCH_ONLY=image` selects them alone): the bench root
# three ways from the same network, side by side, sprout's generic image each time:
#   img-nfsroot  the tree itself over NFSv4 (root=nfs4:SERVER:/export), as nfs.sh's rows
#   img-nfs      a squashfs of the same tree made by `sprout image build`, loop-mounted from
#                the NFS export that holds it (sprout.image=/root.sqfs, checked against its
#                root.sqfs.sha256), with the RAM layer on top
#   img-http     the same file over HTTP from lighttpd, copied to RAM and verified first
#                (sprout.image=http://SERVER/root.sqfs)
# Each row: the initramfs phase (Run /init -> the root's marker, bench_boot_end) and the bytes
# the machine received before its root's init ran (root-init.sh's BENCH-NET line: the sum of
# rx_bytes of its interfaces other than lo, DHCP included), into $BENCH_W/image.csv as
# TOOL,N,RX_BYTES. Sourced by run.sh after lib.sh and tests/e2e/netlib.sh (and after nfs.sh
# when that ran: the namespace and dnsmasq are reused); bench_image is the entry point.
#
# Needs sprout-init with sprout.image= (src/init/root/rootimage.c) and the HTTP client
# (src/init/root/httpget.c), and tests/e2e/netlib.sh's net_lighttpd.

# bench_image_rx TOOL N: the BENCH-NET rx bytes of that boot, or empty.
bench_image_rx() {
	bench_log "$1-$2" | grep -a 'BENCH-NET: ' | sed -n 's/.*rx_bytes=\([0-9]*\).*/\1/p' | sed -n 1p
}

# bench_image_row TOOL N APPEND: one boot, and its row in image.csv.
bench_image_row() {
	bench_nfs_boot_start "$1" "$2" "$IMG/sprout-zstd.img" "$3" "52:54:00:58:01:0$2"
	bench_boot_end "$1" "$2"
	echo "$1,$2,$(bench_image_rx "$1" "$2")" >>"$BENCH_W/image.csv"
}

bench_image() {
	local s1 s2 boots=${BENCH_IMAGE_BOOTS:-3} i exp=$BENCH_W/image-export
	: >"$BENCH_W/image.csv"
	if ! declare -F net_lighttpd >/dev/null; then
		IMAGE_REASON="not measured yet: tests/e2e/netlib.sh has no net_lighttpd"
		return 0
	fi
	[ -n "${NET_NS:-}" ] || net_init 57
	[ -n "${NET_DNSMASQ_PID:-}" ] || net_dnsmasq
	s1=$NET_PREFIX.8 s2=$NET_PREFIX.9
	mkdir -p "$exp"
	# the image of the same tree the other rows boot; its build time is a row of its own note
	local t0 t1
	t0=$(date +%s.%N)
	"$REPO_ROOT/build/sprout" image build "$BENCH_W/root" -o "$exp/root.sqfs" >/dev/null
	t1=$(date +%s.%N)
	# shellcheck disable=SC2034 # IMAGE_*: read by run.sh for the report
	IMAGE_BYTES=$(stat -c %s "$exp/root.sqfs")
	# shellcheck disable=SC2034
	IMAGE_BUILD_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	# shellcheck disable=SC2034
	IMAGE_TREE_BYTES=$(du -sb "$BENCH_W/root" | cut -f1)
	net_ganesha imgroot "$s1" "$BENCH_W/root" --ro
	net_ganesha imgfile "$s2" "$exp" --ro
	net_lighttpd imghttp "$s2" "$exp"
	# shellcheck disable=SC2034
	IMAGE_APPEND_NFSROOT="ip=dhcp root=nfs4:$s1:/export ro quiet"
	# shellcheck disable=SC2034
	IMAGE_APPEND_NFS="ip=dhcp root=nfs4:$s2:/export sprout.image=/root.sqfs ro quiet"
	# shellcheck disable=SC2034
	IMAGE_APPEND_HTTP="ip=dhcp sprout.image=http://$s2/root.sqfs ro quiet"
	# round-robin, one boot at a time: the three rows share the servers and the bridge
	for ((i = 1; i <= boots; i++)); do
		bench_image_row img-nfsroot "$i" "$IMAGE_APPEND_NFSROOT"
		bench_image_row img-nfs "$i" "$IMAGE_APPEND_NFS"
		bench_image_row img-http "$i" "$IMAGE_APPEND_HTTP"
	done
	net_lighttpd_stop imghttp
	net_ganesha_stop imgroot
	net_ganesha_stop imgfile
}
