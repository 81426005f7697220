#!/usr/bin/env bash
# The end-to-end harness itself (lib.sh, netlib.sh), on the failures that would otherwise go
# unnoticed: a check helper that passes what failed, result lines in another format, a
# helper that says "changed"/"found" wrongly, an exit trap that leaves QEMU, servers or a
# namespace behind (also when the files are sourced inside a function), a missing kernel that
# is not a failure under SPROUT_REQUIRE_KERNEL=1. What the harness drives in a guest (disks,
# serial, monitor, hot-add, NFS, PXE) is checked by the real tests, whose checks fail when it
# breaks. Cheap: no guest boots to the end; ~1 minute, most of it the network part (root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
e2e_init harness

not() { ! "$@"; }
gone() { [ -n "$1" ] && ! kill -0 "$1" 2>/dev/null; }

# --- result lines and the check helpers ----------------------------------------------------

# shellcheck disable=SC2016 # expanded by the sub-script
results_script='
. "$1/lib.sh"
e2e_init sub --no-qemu --no-kernel
e2e_pass one
e2e_skip two "not here"
for i in $(seq 1 50); do echo "line $i"; done >"$E2E_TMP/three.log"
e2e_fail three "it broke"
check four "four failed" test "a b" = "a b"
check five "five failed" false
check_log six "no such line" three "^never printed$"
check_log seven "line 50 missing" three "^line 50$"
check eight "eight failed" e2e_log_lacks three "^line 50$"
exit 0'
out=$(E2E_KEEP=0 bash -c "$results_script" sub "$here" 2>"$E2E_TMP/sub.err") && rc=0 || rc=$?
want='PASS: one
SKIP: two: not here
FAIL: three: it broke
PASS: four
FAIL: five: five failed
FAIL: six: no such line
PASS: seven
FAIL: eight: eight failed'
check results-lines "the lines differ from: $want" [ "$out" = "$want" ]
[ "$out" = "$want" ] || printf '%s\n' "--- got:" "$out" >&2
check results-exit-status "a script with failed checks exited $rc, not 1" [ "$rc" = 1 ]
check fail-shows-log-tail "the failure did not show the log's last line" grep -q '^  | line 50$' "$E2E_TMP/sub.err"
# three's own and six's (check_log: the log of the boot it names), 40 lines each; five and
# eight have no boot of their name and there was no boot at all, so no log
check fail-shows-40-lines "not 40 lines of log per failure with a log" [ "$(grep -c '^  | line' "$E2E_TMP/sub.err")" = 80 ]

# --- the test kernel: from the environment; a FAIL under SPROUT_REQUIRE_KERNEL=1 -------------

# status_and_line STATUS REGEX: the sub-script's status ($rc) and output ($out) are these.
status_and_line() { [ "$rc" = "$1" ] && [[ $out =~ $2 ]]; }
# shellcheck disable=SC2016
kernel_script='. "$1/lib.sh"; e2e_init kern --no-qemu; echo "KVER=$KVER"'
# A kernel of the caller's that scripts/test-kernel.sh does not know: the environment wins.
mkdir -p "$E2E_TMP/fake/mods"
: >"$E2E_TMP/fake/vmlinuz"
: >"$E2E_TMP/fake/mods/modules.dep"
out=$(env KVER=9.9.9-fake KERNEL="$E2E_TMP/fake/vmlinuz" MODDIR="$E2E_TMP/fake/mods" \
	bash -c "$kernel_script" sub "$here" 2>&1) || true
check kernel-from-env "the exported kernel was not used: $out" [ "$out" = "KVER=9.9.9-fake" ]
rc=0
out=$(env -u KVER -u KERNEL -u MODDIR SPROUT_KERNEL_DIR=/nonexistent SPROUT_REQUIRE_KERNEL=0 \
	bash -c "$kernel_script" sub "$here" 2>&1) || rc=$?
check kernel-missing-skips "no kernel, not required: want one SKIP and status 0, got $rc: $out" \
	status_and_line 0 '^SKIP: kern: no test kernel: .*/nonexistent'
rc=0
out=$(env -u KVER -u KERNEL -u MODDIR SPROUT_KERNEL_DIR=/nonexistent SPROUT_REQUIRE_KERNEL=1 \
	bash -c "$kernel_script" sub "$here" 2>&1) || rc=$?
check kernel-missing-fails "no kernel under SPROUT_REQUIRE_KERNEL=1: want one FAIL and status 1, got $rc: $out" \
	status_and_line 1 '^FAIL: kern: no test kernel, and SPROUT_REQUIRE_KERNEL=1: '

# --- helpers that must see a difference ------------------------------------------------------

e2e_make_root "$E2E_TMP/root"
check sum-stable "two sums of one tree differ" [ "$(e2e_sum "$E2E_TMP/root")" = "$(e2e_sum "$E2E_TMP/root")" ]
sum=$(e2e_sum "$E2E_TMP/root")
cp -a "$E2E_TMP/root" "$E2E_TMP/root2"
chmod 0700 "$E2E_TMP/root2/sbin/init2"
check sum-sees-mode "a mode change left the sum alone" [ "$(e2e_sum "$E2E_TMP/root2")" != "$sum" ]
cp -a "$E2E_TMP/root" "$E2E_TMP/root3"
echo x >>"$E2E_TMP/root3/etc/os-release"
check sum-sees-content "a content change left the sum alone" [ "$(e2e_sum "$E2E_TMP/root3")" != "$sum" ]
touch "$E2E_TMP/root2/a b"
check xfs-refuses-space-names "a name with a space reached the xfs protofile" \
	not e2e_disk_xfs "$E2E_TMP/bad.img" "$E2E_TMP/root2" BAD 2>/dev/null
rm -rf "$E2E_TMP/root2" "$E2E_TMP/root3" "$E2E_TMP/bad.img"
check log-lacks-no-log "e2e_log_lacks is true for a boot with no log" not e2e_log_lacks nosuchboot x

# --- a boot: --timeout, e2e_expect's timeout, the exit trap ----------------------------------

# A bare kernel (no initramfs, no disk) boots until it finds no root and panics.
e2e_boot bare --append "" --timeout 120
check expect-times-out "e2e_expect found a line never printed" not e2e_expect bare '^never printed' 2
check expect-waits "the boot was over before e2e_expect's timeout was tested" e2e__running bare
check expect-finds "e2e_expect did not see the kernel's banner" e2e_expect bare 'Linux version' 90
e2e_stop bare || true
check_log log-has "the banner is not in the serial log" bare '\] Linux version '
check log-has-negative "e2e_log_has found a line never printed" not e2e_log_has bare '^never printed'
# The bare kernel needs ~4.5 s to panic: --timeout 2 kills it first.
e2e_run slow --append "" --timeout 2 && rc=0 || rc=$?
check timeout-kills "QEMU's status was $rc, not 124" [ "$rc" = 124 ]

# shellcheck disable=SC2016
cleanup_script='
load() { . "$1/lib.sh"; }
if [ "$2" = func ]; then load "$1"; else . "$1/lib.sh"; fi
e2e_init sub
e2e_boot k --append "" --timeout 60
sleep 300 &
e2e_track $!
n=0
while [ ! -s "$E2E_TMP/k.pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
echo "$E2E_TMP $(cat "$E2E_TMP/k.pid") ${E2E_QPID[k]} $!"'
# cleanup_case NAME MODE KEEP: the sub-script has exited (and run its trap) once its output
# file is complete; what it started must be gone.
cleanup_case() {
	local name=$1 subtmp qpid tpid spid
	E2E_KEEP=$3 bash -c "$cleanup_script" sub "$here" "$2" >"$E2E_TMP/sub.out" 2>/dev/null
	read -r subtmp qpid tpid spid <"$E2E_TMP/sub.out"
	check "$name-kills-qemu" "QEMU ($qpid) still runs" gone "$qpid"
	check "$name-kills-timeout" "timeout ($tpid) still runs" gone "$tpid"
	check "$name-kills-tracked" "a tracked process ($spid) still runs" gone "$spid"
	if [ "$3" = 1 ]; then
		check "$name-keeps-tmp" "E2E_KEEP=1 did not keep $subtmp" test -n "$subtmp" -a -d "$subtmp"
		case $subtmp in
		"${TMPDIR:-/tmp}"/sprout-e2e-sub.*) rm -rf "$subtmp" ;;
		esac
	else
		check "$name-removes-tmp" "$subtmp left behind" test -n "$subtmp" -a ! -e "$subtmp"
	fi
}
cleanup_case cleanup top 0
cleanup_case keep top 1
cleanup_case cleanup-in-function func 0

# --- netlib: a script that exits, fails or is interrupted leaves nothing behind -------------

if [ "$(id -u)" != 0 ]; then
	e2e_skip netlib-cleanup "network namespaces need root"
	exit 0
fi

# An initramfs that only waits: the guest is still up when the sub-script ends.
mkdir -p "$E2E_TMP/idle/bin"
cp /bin/busybox "$E2E_TMP/idle/bin/"
printf '#!/bin/busybox sh\nexec /bin/busybox sleep 1000\n' >"$E2E_TMP/idle/init"
chmod 0755 "$E2E_TMP/idle/init"
e2e_cpio "$E2E_TMP/idle" "$E2E_TMP/idle.img"

# shellcheck disable=SC2016 # expanded by the sub-script
net_script='
set -euo pipefail
load() { . "$1/lib.sh"; . "$1/netlib.sh"; }
if [ "$2" = func ]; then load "$1"; else . "$1/lib.sh"; . "$1/netlib.sh"; fi
e2e_init netsub
net_init 46
mkdir "$E2E_TMP/exp"
net_ganesha s3 "$NET_PREFIX.2" "$E2E_TMP/exp" --v3
net_ganesha s4 "$NET_PREFIX.3" "$E2E_TMP/exp"
net_dnsmasq
net_blackhole "$NET_PREFIX.9" 2049
net_boot idle --nic idle --initrd "$3" --timeout 300
n=0
while [ ! -s "$E2E_TMP/idle.pid" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
# What really listens in the namespace, whatever netlib tracks.
real=$(ip netns exec "$NET_NS" ss -Hltunp | grep -o "pid=[0-9]*" | cut -d= -f2 | sort -u)
echo "$E2E_TMP $NET_NS $NET_DNSMASQ_PID $NET_RPCBIND_PID ${NET_GANESHA[s3]} ${NET_GANESHA[s4]}" \
	"${NET_BLACKHOLE[$NET_PREFIX.9:2049]} ${E2E_QPID[idle]} $(cat "$E2E_TMP/idle.pid")" $real >"$4"
case $2 in
exit) exit 0 ;;
func) false ;;
int) sleep 600 ;;
esac'

# net_case MODE: runs the sub-script, then checks that everything it started is gone.
net_case() {
	local mode=$1 out=$E2E_TMP/net-$1.out pid rc=0 n tmp ns pids p alive=''
	: >"$out"
	# Its own process group, SIGINT not ignored: like a script run from a terminal.
	E2E_KEEP=0 setsid env --default-signal=INT bash -c "$net_script" sub "$here" "$mode" \
		"$E2E_TMP/idle.img" "$out" >"$E2E_TMP/net-$mode.stdout" 2>"$E2E_TMP/net-$mode.err" &
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
	if ! read -r tmp ns pids <"$out"; then
		e2e_fail "netlib-$mode" "the sub-script did not get going"
		sed 's/^/  | /' "$E2E_TMP/net-$mode.err" >&2
		return 0
	fi
	case $mode in
	exit) check netlib-exit-status "status $rc, not 0" [ "$rc" = 0 ] ;;
	func) check netlib-in-function-status "status $rc, not 1" [ "$rc" = 1 ] ;;
	int) check netlib-int-status "status $rc, not 130" [ "$rc" = 130 ] ;;
	esac
	for p in $pids; do
		! kill -0 "$p" 2>/dev/null || alive+=" $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null))"
	done
	check "netlib-$mode-processes" "left running:$alive" [ -z "$alive" ]
	check "netlib-$mode-namespace" "namespace $ns left behind" not test -e "/run/netns/$ns"
	check "netlib-$mode-tmp" "$tmp left behind" not test -e "$tmp"
}

net_case exit
net_case func
net_case int
