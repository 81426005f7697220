#!/usr/bin/env bash
# sprout analyze on a real boot: an NFS root whose first server is dead (nothing answers at
# its address), so the failover shows. The timeline comes two ways: /run/sprout/timeline as
# the booted system has it (its init prints it), and the serial-console log; analyze reads
# both, its phase table matches sprout-init's own "timeline:" line, the critical path holds
# the dead server, and the SVG chart, rendered by headless Chromium, is not blank and names
# the slowest module and every phase. ANALYZE_OUT=DIR keeps the log, chart and report (the
# README's example comes from there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlib.sh"
e2e_init analyze
net_init 48

DEAD=$NET_PREFIX.9
LIVE=$NET_PREFIX.3
IMG=$E2E_TMP/initrd.img
SPROUT=$REPO/build/sprout

e2e_make_root "$E2E_TMP/root"
cat >"$E2E_TMP/root/sbin/tl-init" <<'INIT'
#!/bin/busybox sh
b=/bin/busybox
$b mount -t proc proc /proc 2>/dev/null
while IFS= read -r l; do echo "TLFILE: $l"; done </run/sprout/timeline >/dev/console
$b dmesg | $b grep -E 'sprout: (timeline:|handover: timeline saved)' | $b sed 's/^/DMESG: /' >/dev/console
echo "TLFILE-END" >/dev/console
$b poweroff -f
INIT
chmod 0755 "$E2E_TMP/root/sbin/tl-init"
mkdir -p "$E2E_TMP/sysfs/devices"
echo "rootfs / rootfs rw 0 0" >"$E2E_TMP/mounts"
e2e_sprout_image "$IMG" --host-only --sysfs "$E2E_TMP/sysfs" --mounts "$E2E_TMP/mounts" \
	--add-modules virtio_pci,virtio_net,nfsv4
net_ganesha live "$LIVE" "$E2E_TMP/root" --ro
net_dnsmasq
net_boot tl --nic "t1,52:54:00:48:00:01" --initrd "$IMG" --timeout 240 --mem 384 \
	--append "ip=dhcp root=nfs4:$DEAD,$LIVE:/export sprout.nfs.select=order sprout.nfs.timeout=3 init=/sbin/tl-init"
e2e_wait tl || true
LOG=$E2E_TMP/tl.log
if ! e2e_log_has tl '^TLFILE-END'; then
	e2e_fail booted "the boot did not reach the root's init that prints /run/sprout/timeline" tl
	exit 1
fi
e2e_pass booted
tr -d '\r' <"$LOG" | sed -n 's/^TLFILE: //p' >"$E2E_TMP/timeline"
check file-header "/run/sprout/timeline does not start with the format's header" \
	test "$(head -n1 "$E2E_TMP/timeline")" = "sprout-timeline 1"

# analyze both: the file and the serial log give the same phases
"$SPROUT" analyze "$E2E_TMP/timeline" >"$E2E_TMP/file.txt" 2>&1 || true
"$SPROUT" analyze "$LOG" >"$E2E_TMP/log.txt" 2>&1 || true
"$SPROUT" analyze --json "$LOG" >"$E2E_TMP/log.json" 2>&1 || true
phases() { sed -n '/^phase /,/^total /p' "$1" | awk '$1 != "phase" && $1 != "total" { print $1, $3 }'; }
check file-and-log "the file's phase table and the serial log's differ" \
	test "$(phases "$E2E_TMP/file.txt")" = "$(phases "$E2E_TMP/log.txt")"

# the phase sums match sprout-init's own line ("early 0.004s, cmdline 0.000s, ...")
own=$(tr -d '\r' <"$LOG" | sed -n 's/.*sprout: timeline: \([^;]*\);.*/\1/p' | tail -n1)
match_own() {
	local ok=0 n=0 name secs got
	[ -n "$own" ] || { echo "no 'sprout: timeline:' line in the log" >&2; return 1; }
	while read -r name secs; do
		secs=${secs%s}
		got=$(phases "$E2E_TMP/log.txt" | awk -v p="$name" '$1 == p { sub(/s$/, "", $2); print $2 }')
		n=$((n + 1))
		if [ -n "$got" ] && awk -v a="$secs" -v b="$got" 'BEGIN { d = a - b; exit !(d <= 0.0015 && d >= -0.0015) }'; then
			ok=$((ok + 1))
		else
			echo "phase $name: sprout-init says ${secs}s, analyze ${got:-nothing}" >&2
		fi
	done < <(echo "$own" | tr ',' '\n' | sed 's/^ *//; s/ (retried)//')
	echo "phases: $ok of $n match sprout-init's own line" >&2
	[ "$n" -ge 8 ] && [ "$ok" = "$n" ]
}
check phase-sums "analyze's phase table does not match sprout-init's own timeline line" match_own
check zero-is-run-init "time 0 is not the kernel's Run /init in the serial log" \
	grep -q "time 0 is the kernel's \"Run /init\"" "$E2E_TMP/log.txt"
check dead-server-on-path "the dead server is not on the critical path" \
	bash -c "sed -n '/^critical path/,\$p' '$E2E_TMP/log.txt' | grep -Eq '(server|probe) +$DEAD (timeout|fail|silent|unreachable)'"
check live-server-ok "the live server's mount is not in the timeline" \
	grep -q "server  $LIVE ok" "$E2E_TMP/log.txt"
check modules-with-reason "no module load with what asked for it" \
	grep -Eq "module  virtio_net ok \(by=" "$E2E_TMP/log.txt"
check dhcp-event "no DHCP exchange in the timeline" grep -q "dhcp    eth0 ok (server=" "$E2E_TMP/log.txt"
check json "--json is not one JSON document with the phases" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["phases"]) >= 8 and d["critical_path"]' \
	"$E2E_TMP/log.json"

# the chart, in a real browser
"$SPROUT" analyze --svg "$E2E_TMP/boot.svg" "$LOG" >/dev/null
if ! command -v chromium >/dev/null; then
	e2e_fail svg-rendered "chromium is not installed (scripts/deps.sh installs it)"
else
	h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$E2E_TMP/boot.svg")
	HOME=$E2E_TMP timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$E2E_TMP/chromium" --window-size="1200,${h:-600}" \
		--screenshot="$E2E_TMP/boot.png" "file://$E2E_TMP/boot.svg" >"$E2E_TMP/chromium.log" 2>&1 || true
	check svg-rendered "headless Chromium rendered nothing, or a blank page" \
		python3 "$REPO/tests/e2e/png_stats.py" "$E2E_TMP/boot.png"
fi
slowest=$(awk '$3 == "module" { print $4; exit }' <(sed -n '/^slowest/,/^$/p' "$E2E_TMP/log.txt"))
svg_has() { grep -q ">$1" "$E2E_TMP/boot.svg"; }
check svg-slowest-module "the slowest module (${slowest:-none}) is not labelled in the chart" \
	svg_has "module $slowest "
for p in early cmdline devices storage network root overlay handover; do
	check "svg-phase-$p" "phase $p is not labelled in the chart" svg_has "$p "
done
check svg-dead-server "the dead server is not drawn in the failure colour" \
	grep -q "fill=\"#e53e3e\"/>" "$E2E_TMP/boot.svg"

# The cost: a quiet boot (as the bench's) from the live server alone; sprout-init says what
# saving the timeline took, which must stay under 1 % of its whole run ("Run /init" to the
# root is longer still).
net_boot quiet --nic "t2,52:54:00:48:00:02" --initrd "$IMG" --timeout 240 --mem 384 \
	--append "quiet ip=dhcp root=nfs4:$LIVE:/export init=/sbin/tl-init"
e2e_wait quiet || true
cost_ok() {
	local saved ran
	saved=$(tr -d '\r' <"$E2E_TMP/quiet.log" | sed -n 's/^DMESG: .*timeline saved ([0-9]* events) in \([0-9.]*\) ms.*/\1/p')
	ran=$(tr -d '\r' <"$E2E_TMP/quiet.log" | sed -n 's/^DMESG: .*sprout: timeline: .*\/init ran \([0-9.]*\)s.*/\1/p')
	echo "timing: quiet boot: timeline saved in ${saved:-?} ms of sprout-init's ${ran:-?} s" >&2
	[ -n "$saved" ] && [ -n "$ran" ] && awk -v s="$saved" -v r="$ran" 'BEGIN { exit !(s < r * 1000 * 0.01) }'
}
check timeline-cost "saving the timeline took 1 % or more of sprout-init's run in a quiet boot" cost_ok

if [ -n "${ANALYZE_OUT:-}" ]; then
	mkdir -p "$ANALYZE_OUT"
	cp "$LOG" "$ANALYZE_OUT/boot.log"
	cp "$E2E_TMP/log.txt" "$ANALYZE_OUT/analyze.txt"
	cp "$E2E_TMP/boot.svg" "$E2E_TMP/timeline" "$ANALYZE_OUT/"
	[ -f "$E2E_TMP/boot.png" ] && cp "$E2E_TMP/boot.png" "$ANALYZE_OUT/"
fi
[ "$E2E_NFAIL" = 0 ]
