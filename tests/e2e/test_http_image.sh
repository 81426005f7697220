#!/usr/bin/env bash
# Root images over HTTP (sprout.image=http://SERVERS/PATH), always copied to RAM, from two
# lighttpd servers in the test namespace, each with its own document root and access log:
#  (a) v1 from two servers, ranked by rendezvous hash, verified against PATH.sha256; while
#      the machine runs, v2 is published on both and then both servers are stopped: 25 s
#      later the machine still reads every file (still v1) and writes; the URL also lists a
#      server that accepts TCP and never answers, chosen so that it ranks first for this
#      machine's MAC: the probe (HEAD to every server at once) does not wait for it;
#  (b) the same machine reboots (same MAC): it takes v2; the first server (order) serves a
#      corrupt image, so its digest mismatches and the second server gives the image;
#  (c) the first server, slowed to 1 MB/s per connection, is killed (by PID) halfway through
#      a 40 MiB image: the second finishes it with a Range request, seen in its access log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init http-image
net_init 47

S1=$NET_PREFIX.2
S2=$NET_PREFIX.3
IMG=$E2E_TMP/initrd.img
ROOT=$E2E_TMP/root
W1=$E2E_TMP/www1
W2=$E2E_TMP/www2

# The image's init: its version and layers, then (after DELAY seconds, while the test
# publishes and stops servers) reads every file and writes one, reports, powers off.
e2e_make_root "$ROOT"
cat >"$ROOT/sbin/img-init" <<'INIT'
#!/bin/busybox sh
b=/bin/busybox
$b mount -t proc proc /proc 2>/dev/null
say() { echo "$1" >/dev/console; }
lower=$($b awk '$2 == "/run/sprout/lower" { print $1 "," $3 }' /proc/mounts)
top=$($b awk '$2 == "/" { t = $3 } END { print t }' /proc/mounts)
ver=$($b cat /etc/image-version)
say "IMG-READY ver=$ver lower=$lower top=$top"
$b sleep "${1:-0}"
read=no
$b find / -xdev -type f -exec $b cat {} + >/dev/null 2>&1 && $b cat /bin/busybox >/dev/null && read=yes
writes=no
echo "written-by-image-init" >/new-file && [ "$($b cat /new-file)" = written-by-image-init ] && writes=yes
say "IMG: ver=$($b cat /etc/image-version) lower=$lower top=$top read=$read writes=$writes"
$b poweroff -f
INIT
chmod 0755 "$ROOT/sbin/img-init"

# image NAME VERSION [FILLER_MB]: $E2E_TMP/NAME.sqfs (+ .sha256) of the root with that version.
image() {
	echo "$2" >"$ROOT/etc/image-version"
	rm -f "$ROOT/filler"
	[ -z "${3:-}" ] || head -c $(($3 << 20)) /dev/urandom >"$ROOT/filler"
	mksquashfs "$ROOT" "$E2E_TMP/$1.sqfs" -noappend -quiet -comp gzip -all-root >/dev/null
	rm -f "$ROOT/filler"
	(cd "$E2E_TMP" && sha256sum "$1.sqfs" | sed "s/$1.sqfs/root.sqfs/" >"$1.sqfs.sha256")
}
# publish NAME DOCROOT: the image as DOCROOT/images/root.sqfs, each file written beside and
# renamed over (a machine never sees half a file).
publish() {
	mkdir -p "$2/images"
	cp "$E2E_TMP/$1.sqfs" "$2/images/.root.sqfs.new" && mv -f "$2/images/.root.sqfs.new" "$2/images/root.sqfs"
	cp "$E2E_TMP/$1.sqfs.sha256" "$2/images/.sha.new" && mv -f "$2/images/.sha.new" "$2/images/root.sqfs.sha256"
}
image v1 v1
image v2 v2
image big big 40
V1SUM=$(cut -d' ' -f1 "$E2E_TMP/v1.sqfs.sha256")
V2SUM=$(cut -d' ' -f1 "$E2E_TMP/v2.sqfs.sha256")
BIGSUM=$(cut -d' ' -f1 "$E2E_TMP/big.sqfs.sha256")
BIGSIZE=$(stat -c %s "$E2E_TMP/big.sqfs")
publish v1 "$W1"
publish v1 "$W2"
e2e_sprout_image "$IMG" --generic
net_lighttpd s1 "$S1" "$W1"
net_lighttpd s2 "$S2" "$W2"
IP="ip=$NET_PREFIX.60::$NET_GW:255.255.255.0::eth0:off"
# A hung server for (a): the first address that ranks first (sprout rank) for m1's MAC.
M1MAC=52:54:00:2f:00:01
HUNG=
for n in $(seq 10 40); do
	if [ "$("$E2E_REPO/build/sprout" rank "$NET_PREFIX.$n,$S1,$S2" "$M1MAC" | cut -d' ' -f1)" = "$NET_PREFIX.$n" ]; then
		HUNG=$NET_PREFIX.$n
		break
	fi
done
if [ -z "$HUNG" ]; then
	e2e_fail http-hung-address "no address in $NET_PREFIX.10-40 ranks first for $M1MAC"
	exit 1
fi
net_blackhole "$HUNG" 80

# (a) v1 from two servers to RAM (a hung one ranked first); v2 published, then every server
# stopped while it runs.
net_boot m1 --nic "m1,$M1MAC" --initrd "$IMG" --timeout 300 --mem 384 \
	--append "$IP sprout.image=http://$S1,$HUNG,$S2/images/root.sqfs init=/sbin/img-init -- 25"
if e2e_expect m1 'IMG-READY' 240; then
	publish v2 "$W1"
	publish v2 "$W2"
	net_lighttpd_stop s1
	net_lighttpd_stop s2
	echo "v2 published, both HTTP servers stopped; the machine runs on" >&2
fi
e2e_wait m1 || true
net_lighttpd_stop s1 # when IMG-READY never came
net_lighttpd_stop s2
check_log http-ram-boots "the HTTP image did not boot from RAM with a RAM layer" \
	m1 'IMG-READY ver=v1 lower=/dev/loop[0-9]+,squashfs top=overlay'
check_log http-ranked "no line with the servers' rendezvous order" \
	m1 "HTTP servers in the order this machine tries them \(rendezvous hash, sprout.nfs.select=\): $HUNG ($S1 $S2|$S2 $S1)"
check_log http-hung-not-waited "the hung server ranked first was not reported as not waited for" \
	m1 "HTTP server $HUNG: no answer to HEAD yet, not waited for"
check_log http-probe-answered "no line saying a real server answered the probe" \
	m1 "HTTP server ($S1|$S2) answers HEAD with HTTP 200, size [0-9]+"
check http-hung-no-get "the hung server was asked for the image" e2e_log_lacks m1 "fetching http://$HUNG:80/"
check_log http-probe-event-hung "no timeline probe event for the hung server (silent)" \
	m1 "tl: probe $HUNG [0-9.]+ [0-9.]+ silent proto=http"
check_log http-probe-event-ok "no timeline probe event for a real server (ok, with the image's size)" \
	m1 "tl: probe ($S1|$S2) [0-9.]+ [0-9.]+ ok proto=http status=200 size=[0-9]+"
check_log http-verified "the image was not verified against the server's PATH.sha256" \
	m1 "image from ($S1|$S2): [0-9]+ bytes, sha256 verified \(.* 0 resumed\)"
check_log http-digest-v1 "v1's digest is not in the log" m1 "$V1SUM"
check_log http-survives-servers "with every server stopped the machine could not read and write, or saw v2" \
	m1 'IMG: ver=v1 lower=/dev/loop[0-9]+,squashfs top=overlay read=yes writes=yes'
check http-one-get-each "the servers were asked for the image more than once" \
	test "$(cat "$(net_lighttpd_log s1)" "$(net_lighttpd_log s2)" | grep -c '"GET /images/root.sqfs HTTP/1.1" 200')" = 1

# (b) The machine reboots: v2. The first server (order) serves a corrupt copy → the second.
cp "$W1/images/root.sqfs" "$E2E_TMP/corrupt.sqfs"
printf 'XXXX' | dd of="$E2E_TMP/corrupt.sqfs" bs=1 seek=4096 conv=notrunc status=none
cp "$E2E_TMP/corrupt.sqfs" "$W1/images/.c" && mv -f "$W1/images/.c" "$W1/images/root.sqfs"
net_lighttpd s1 "$S1" "$W1"
net_lighttpd s2 "$S2" "$W2"
net_boot m1b --nic "m1b,$M1MAC" --initrd "$IMG" --timeout 300 --mem 384 \
	--append "$IP sprout.image=http://$S1,$S2/images/root.sqfs sprout.nfs.select=order init=/sbin/img-init -- 0"
e2e_wait m1b || true
check_log http-reboot-takes-v2 "the rebooted machine did not take v2" \
	m1b 'IMG: ver=v2 lower=/dev/loop[0-9]+,squashfs top=overlay read=yes writes=yes'
check_log http-bad-digest-named "the corrupt image on the first server was not reported" \
	m1b "HTTP server $S1: sha256 mismatch: the [0-9]+ bytes have [0-9a-f]{64}, expected $V2SUM"
check_log http-second-used "the second server did not give the image" \
	m1b "image from $S2: [0-9]+ bytes, sha256 verified"
net_lighttpd_stop s1 # lighttpd writes its access log out when it stops (it buffers it)
net_lighttpd_stop s2
check http-second-from-zero "the second server was asked for a range after a digest mismatch" \
	grep -q '"GET /images/root.sqfs HTTP/1.1" 200 [0-9]* range="-"' "$(net_lighttpd_log s2)"

# (c) The first server killed halfway through a 40 MiB image → the rest from the second.
publish big "$W1"
publish big "$W2"
net_lighttpd s1 "$S1" "$W1" --rate 1024
net_lighttpd s2 "$S2" "$W2"
net_boot m2 --nic m2 --initrd "$IMG" --timeout 360 --mem 448 \
	--append "$IP sprout.image=http://$S1,$S2/images/root.sqfs sprout.nfs.select=order init=/sbin/img-init -- 0"
if e2e_expect m2 "fetching http://$S1:80/images/root.sqfs from server 1 of 2" 240; then
	sleep 8 # about 8 MiB at 1 MB/s
	net_lighttpd_stop s1 --kill
	echo "the first HTTP server is killed mid-transfer" >&2
fi
e2e_wait m2 || true
check_log http-resume-boots "the image finished from the second server did not boot" \
	m2 'IMG: ver=big lower=/dev/loop[0-9]+,squashfs top=overlay read=yes writes=yes'
check_log http-resume-from-byte "no line saying the second server continues from the byte reached" \
	m2 "fetching http://$S2:80/images/root.sqfs from server 2 of 2, from byte [1-9][0-9]+"
check_log http-resume-verified "the resumed image was not verified" \
	m2 "image from $S2: $BIGSIZE bytes, sha256 verified \(.* 1 resumed\)"
net_lighttpd_stop s2
check http-range-in-log "the second server's access log has no Range request answered 206" \
	grep -qE '"GET /images/root.sqfs HTTP/1.1" 206 [0-9]+ range="bytes=[1-9][0-9]*-"' "$(net_lighttpd_log s2)"
check_log http-resume-digest "not the big image's digest" m2 "$BIGSUM"
