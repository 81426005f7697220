# shellcheck shell=bash
# End-to-end test harness: boots images in QEMU (TCG) and checks the serial log.
# Sourced by tests/e2e/test_*.sh; tests/e2e/test_harness.sh checks the harness itself.
#
# A test script is:
#   . "$(dirname "$0")/lib.sh"
#   e2e_init ext4-uuid
#   e2e_make_root "$E2E_TMP/root"
#   e2e_disk_ext4 "$E2E_TMP/disk.img" "$E2E_TMP/root" -U "$uuid"
#   e2e_sprout_image "$E2E_TMP/initrd.img"
#   e2e_boot uuid --initrd "$E2E_TMP/initrd.img" --append "root=UUID=$uuid" --disk "$E2E_TMP/disk.img"
#   e2e_wait uuid || true
#   check_log uuid "no root marker" uuid '^SPROUT-E2E-ROOT: ok'
#   check uuid-disk "the disk changed" test "$(e2e_sum "$E2E_TMP/disk.img")" = "$sum"
#
# Results are single lines on stdout (PASS: NAME, FAIL: NAME: WHY, SKIP: NAME: WHY) that
# tests/run.sh counts; all diagnostics go to stderr. The script exits non-zero when any check
# failed. Every process the harness starts is recorded by PID and killed on exit; nothing is
# ever killed by name. Safe under `set -euo pipefail`, and may be sourced inside a function
# (its state is global).
#
# The test kernel comes from the environment (KVER, KERNEL, MODDIR: tests/run.sh exports them
# from scripts/test-kernel.sh); a script run alone asks scripts/test-kernel.sh itself, which
# then never downloads. Missing, it is a SKIP, or a FAIL when SPROUT_REQUIRE_KERNEL=1.

E2E_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../kernel.sh
. "$E2E_REPO/tests/kernel.sh"
# For the test scripts, which build paths under the repository.
# shellcheck disable=SC2034
REPO=$E2E_REPO
E2E_TMP=
E2E_NAME=
E2E_NFAIL=0
E2E_LAST_BOOT=
E2E_BOOT_KERNEL=
E2E_KERNEL_WHY=
# -g: global even when this file is sourced inside a function (plain declare would make
# them that function's locals, and the exit trap would find nothing to stop).
declare -gA E2E_PIDS=()     # pid -> 1, every live child the harness started
declare -gA E2E_QPID=()     # boot name -> pid of `timeout` running QEMU
declare -gA E2E_READERS=()  # boot name -> pids of the FIFO readers
declare -gA E2E_SFD=()      # boot name -> fd writing to the guest's serial
declare -gA E2E_MFD=()      # boot name -> fd writing to the QEMU monitor
declare -gA E2E_MARK=()     # boot name -> log offset of the last e2e_send
declare -gA E2E_RC=()       # boot name -> exit status once reaped
declare -ga E2E_CLEANUP_HOOKS=() # functions the exit trap calls once QEMU and PIDs are gone

# --- setup and results -------------------------------------------------------------------

# e2e_init NAME [--no-qemu] [--no-kernel]: temp dir, test kernel (KVER, KERNEL, MODDIR),
# cleanup trap. Without QEMU the whole script is one SKIP (tests/run.sh --strict counts it as
# failed); --no-qemu is for scripts that boot nothing. Without the test kernel: SKIP, or FAIL
# when SPROUT_REQUIRE_KERNEL=1 (make check); --no-kernel for scripts that need none.
# scripts/deps.sh installs both.
e2e_init() {
	E2E_NAME=$1
	local qemu=1 kernel=1 why
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--no-qemu) qemu=0; shift ;;
		--no-kernel) kernel=0; shift ;;
		*) echo "e2e_init: unknown option '$1'" >&2; exit 2 ;;
		esac
	done
	if [ $qemu = 1 ] && ! command -v qemu-system-x86_64 >/dev/null; then
		e2e_skip "$E2E_NAME" "qemu-system-x86_64 not installed (run scripts/deps.sh)"
		exit 0
	fi
	if [ $kernel = 1 ] && ! e2e__kernel_env; then
		why=$E2E_KERNEL_WHY
		if [ "${SPROUT_REQUIRE_KERNEL:-0}" = 1 ]; then
			echo "FAIL: $(e2e__oneline "$E2E_NAME"): no test kernel, and SPROUT_REQUIRE_KERNEL=1: $(e2e__oneline "$why")"
			exit 1
		fi
		e2e_skip "$E2E_NAME" "no test kernel: $why"
		exit 0
	fi
	if [ $kernel = 1 ]; then
		export KVER KERNEL MODDIR
		E2E_BOOT_KERNEL=$KERNEL
		if [ "${E2E_PVH:-0}" = 1 ]; then
			E2E_BOOT_KERNEL=$(e2e__vmlinux) || E2E_BOOT_KERNEL=$KERNEL
		fi
	fi
	E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sprout-e2e-${E2E_NAME//\//_}.XXXXXX")
	case $E2E_TMP in
	*,* | *" "*)
		# QEMU option strings split on commas; a space would split our own word lists.
		echo "e2e_init: temp dir $E2E_TMP has a comma or space; set TMPDIR" >&2
		rm -rf "$E2E_TMP"
		exit 1
		;;
	esac
	trap e2e__cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

e2e_pass() {
	echo "PASS: $(e2e__oneline "$1")"
}

# check NAME WHY CMD...: PASS: NAME when CMD succeeds, else FAIL: NAME: WHY (and the serial
# log of the boot called NAME, else of the last boot, on stderr). The one check helper of the
# e2e scripts.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then e2e_pass "$name"; else e2e_fail "$name" "$why"; fi
}

# check_log NAME WHY BOOT REGEX: a line of BOOT's serial log matches REGEX (extended, no
# CRs); on failure the log shown is BOOT's.
check_log() {
	local name=$1 why=$2 boot=$3
	if e2e_log_has "$boot" "$4"; then e2e_pass "$name"; else e2e_fail "$name" "$why" "$boot"; fi
}

e2e_skip() {
	echo "SKIP: $(e2e__oneline "$1"): $(e2e__oneline "$2")"
}

# e2e_fail NAME WHY [BOOT]: the log shown is BOOT's, else the boot called NAME, else the last.
e2e_fail() {
	local boot=${3:-$1} log
	E2E_NFAIL=$((E2E_NFAIL + 1))
	echo "FAIL: $(e2e__oneline "$1"): $(e2e__oneline "$2")"
	[ -f "$E2E_TMP/$boot.log" ] || boot=$E2E_LAST_BOOT
	log=$E2E_TMP/$boot.log
	if [ -n "$boot" ] && [ -f "$log" ]; then
		echo "--- last 40 lines of $boot.log ---" >&2
		tail -n 40 "$log" | tr -d '\r' | sed 's/^/  | /' >&2
		echo "---" >&2
	fi
}

# e2e_track PID: also kill PID (a server the test started) on exit.
e2e_track() {
	E2E_PIDS[$1]=1
}

# --- roots, images, disks ----------------------------------------------------------------

# e2e_make_root DIR: a busybox root whose /sbin/init reports what it found and powers off.
e2e_make_root() {
	local dir=$1
	mkdir -p "$dir"/bin "$dir"/sbin "$dir"/etc "$dir"/dev "$dir"/proc "$dir"/sys "$dir"/run \
		"$dir"/tmp
	chmod 1777 "$dir"/tmp
	cp /bin/busybox "$dir"/bin/busybox
	ln -sf busybox "$dir"/bin/sh
	e2e__root_init >"$dir"/sbin/init
	cp "$dir"/sbin/init "$dir"/sbin/init2
	e2e__hibernate_init >"$dir"/sbin/hibernate-test
	e2e__counter >"$dir"/sbin/counter
	chmod 0755 "$dir"/sbin/init "$dir"/sbin/init2 "$dir"/sbin/hibernate-test "$dir"/sbin/counter
	cat >"$dir"/etc/os-release <<-'EOF'
		NAME="sprout e2e root"
		ID=sprout-e2e
		VERSION_ID=1
		PRETTY_NAME="sprout end-to-end test root"
	EOF
}

e2e__root_init() {
	cat <<-'EOF'
		#!/bin/busybox sh
		# Root init of the sprout end-to-end tests: reports what the handover left behind, then
		# powers off. Console copies are what the tests read (they show even with `quiet`); the
		# kmsg copies are at debug level so they land in dmesg without doubling on the console.
		bb=/bin/busybox
		[ -r /proc/mounts ] || $bb mount -t proc proc /proc
		if $bb touch /.sprout-e2e-rw 2>/dev/null && $bb rm -f /.sprout-e2e-rw; then
			rw=yes
		else
			rw=no
		fi
		mnt=$($bb awk '$2 == "/" { l = $0 } END { print l }' /proc/mounts)
		if [ -d /run/sprout ]; then run=$(echo $($bb ls /run/sprout)); else run='(missing)'; fi
		up=$($bb cut -d' ' -f1 /proc/uptime)
		say() {
			printf '<7>%s\n' "$1" 2>/dev/null >/dev/kmsg
			printf '%s\n' "$1" 2>/dev/null >/dev/console || printf '%s\n' "$1"
		}
		say "SPROUT-E2E-ROOT: ok init=$0 args=$* pid=$$ rw=$rw"
		say "SPROUT-E2E-MOUNT: $mnt"
		say "SPROUT-E2E-RUN: $run"
		say "SPROUT-E2E-TIME: $up"
		exec $bb poweroff -f
	EOF
}

# An init for the resume test (init=/sbin/hibernate-test): starts /sbin/counter, a process
# that prints its PID, this boot's random id and a count to the console every second. With
# the arguments "hibernate SWAP" it swaps on SWAP after three counts and hibernates (the
# guest powers off once the image is written); when the system comes back from that image
# the same counter goes on for three more counts, then the guest powers off. Without
# arguments: three counts, then power off.
e2e__hibernate_init() {
	cat <<-'EOF'
		#!/bin/busybox sh
		bb=/bin/busybox
		[ -r /proc/mounts ] || $bb mount -t proc proc /proc
		[ -d /sys/power ] || $bb mount -t sysfs sys /sys
		say() { printf '%s\n' "$1" >/dev/console; }
		id=$($bb cat /proc/sys/kernel/random/boot_id)
		$bb sh /sbin/counter "$id" &
		say "SPROUT-E2E-COUNTER: started pid=$! boot=$id"
		$bb sleep 3
		if [ "${1:-}" = hibernate ]; then
			if $bb swapon "$2"; then
				echo 0 >/sys/power/image_size
				echo shutdown >/sys/power/disk
				say "SPROUT-E2E-HIBERNATE: writing the image to $2"
				if echo disk >/sys/power/state; then
					say "SPROUT-E2E-RESUMED: boot=$id"
				else
					say "SPROUT-E2E-HIBERNATE: failed"
				fi
			else
				say "SPROUT-E2E-HIBERNATE: swapon $2 failed"
			fi
			$bb sleep 3
		fi
		say "SPROUT-E2E-COUNTER: done boot=$id"
		exec $bb poweroff -f
	EOF
}

e2e__counter() {
	cat <<-'EOF'
		#!/bin/busybox sh
		n=0
		while :; do
			n=$((n + 1))
			printf 'SPROUT-E2E-COUNT: pid=%s boot=%s n=%s\n' $$ "$1" $n >/dev/console
			/bin/busybox sleep 1
		done
	EOF
}

# e2e_cpio DIR OUT: DIR as an uncompressed newc archive owned by root (an initramfs).
e2e_cpio() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc -R 0:0 --quiet) >"$2"
}

# e2e_sprout_image OUT [ARGS...]: an image made by the sprout under test.
e2e_sprout_image() {
	local out=$1
	shift
	"$E2E_REPO/build/sprout" build --kver "$KVER" --moddir "$MODDIR" --shell /bin/busybox \
		-o "$out" "$@"
}

# e2e_disk_ext4 IMG DIR [mke2fs options...]: e.g. -U UUID -L LABEL. A later -E replaces ours.
e2e_disk_ext4() {
	local img=$1 dir=$2 mb
	shift 2
	mb=$(e2e__size_mb "$dir" 32) || return 1
	rm -f "$img"
	truncate -s "${mb}M" "$img" || return 1
	# Full inode table and journal init now, so a rw mount in the guest has no lazy-init
	# writes of its own muddying "did the boot write to the disk" checks.
	e2e__quiet mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d "$dir" "$@" "$img"
}

# e2e_disk_xfs IMG DIR LABEL [mkfs.xfs options...]: filled from DIR with a protofile (no
# mount). mkfs.xfs 6.x refuses filesystems under 300 MiB; the file is sparse.
e2e_disk_xfs() {
	local img=$1 dir=$2 label=$3 mb proto rc=0
	shift 3
	mb=$(e2e__size_mb "$dir" 300) || return 1
	proto=$(mktemp "${E2E_TMP:-${TMPDIR:-/tmp}}/xfs-proto.XXXXXX") || return 1
	if e2e__xfs_proto "$dir" >"$proto"; then
		rm -f "$img"
		truncate -s "${mb}M" "$img" &&
			e2e__quiet mkfs.xfs -q -f -L "$label" -p "$proto" "$@" "$img" || rc=1
	else
		rc=1
	fi
	rm -f "$proto"
	return $rc
}

# e2e_disk_btrfs_gpt IMG DIR PARTUUID PARTLABEL [mkfs.btrfs options...]: a GPT disk with one
# Linux partition at 1 MiB holding a btrfs filled from DIR. btrfs needs >= 109 MiB.
e2e_disk_btrfs_gpt() {
	local img=$1 dir=$2 partuuid=$3 partlabel=$4 mb part rc=0
	shift 4
	case $partlabel in
	*'"'* | *\\* | *$'\n'*)
		echo "e2e_disk_btrfs_gpt: partition name must not hold quotes, backslashes, newlines" >&2
		return 1
		;;
	esac
	mb=$(e2e__size_mb "$dir" 128) || return 1
	part=$img.part
	rm -f "$img" "$part"
	truncate -s "${mb}M" "$part" &&
		e2e__quiet mkfs.btrfs -q -f --rootdir "$dir" "$@" "$part" &&
		truncate -s "$((mb + 2))M" "$img" &&
		sfdisk --quiet --no-reread --no-tell-kernel "$img" >&2 <<-EOF &&
			label: gpt
			start=2048, size=$((mb * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$partuuid, name="$partlabel"
		EOF
		dd if="$part" of="$img" bs=1M seek=1 conv=notrunc,sparse status=none || rc=1
	rm -f "$part"
	return $rc
}

# Runs a command, showing its output (on stderr) only when it fails: mkfs.btrfs prints notes
# even with -q.
e2e__quiet() {
	local out
	if ! out=$("$@" 2>&1); then
		printf '%s\n' "$*: failed:" "$out" >&2
		return 1
	fi
}

# MiB for a filesystem holding DIR: twice its content plus slack, at least MIN; $E2E_DISK_MB
# overrides.
e2e__size_mb() {
	local used mb
	if [ -n "${E2E_DISK_MB:-}" ]; then
		echo "$E2E_DISK_MB"
		return 0
	fi
	used=$(du -sm "$1" | cut -f1) || return 1
	mb=$((used * 2 + 16))
	[ "$mb" -ge "$2" ] || mb=$2
	echo "$mb"
}

# The mkfs.xfs protofile for a tree. The format has no sticky bit and splits on whitespace, so
# names with whitespace or ':' (a comment) are refused rather than mangled.
e2e__xfs_proto() {
	local root=$1 perm
	perm=$(stat -c %a "$root") || return 1
	echo "sprout-e2e"
	echo "0 0"
	printf 'd--%03o 0 0\n' "$((8#$perm & 8#777))"
	e2e__xfs_proto_dir "$root" || return 1
	echo '$'
}

e2e__xfs_proto_dir() {
	local dir=$1 name path info type perm uid gid maj min mode
	while IFS= read -r -d '' name; do
		path=$dir/$name
		if [[ $path =~ [[:space:]:] ]] || [ "$name" = '$' ]; then
			echo "e2e_disk_xfs: cannot express '$path' in a protofile" >&2
			return 1
		fi
		info=$(stat -c '%F|%a|%u|%g|%t|%T' "$path") || return 1
		IFS='|' read -r type perm uid gid maj min <<<"$info"
		mode=$(e2e__proto_mode "$perm")
		case $type in
		"regular file" | "regular empty file") echo "$name -$mode $uid $gid $path" ;;
		"directory")
			echo "$name d$mode $uid $gid"
			e2e__xfs_proto_dir "$path" || return 1
			echo '$'
			;;
		"symbolic link")
			info=$(readlink "$path")
			if [[ $info =~ [[:space:]] ]] || [ -z "$info" ]; then
				echo "e2e_disk_xfs: cannot express symlink '$path' in a protofile" >&2
				return 1
			fi
			echo "$name l$mode $uid $gid $info"
			;;
		"block special file") echo "$name b$mode $uid $gid $((16#$maj)) $((16#$min))" ;;
		"character special file") echo "$name c$mode $uid $gid $((16#$maj)) $((16#$min))" ;;
		"fifo") echo "$name p$mode $uid $gid" ;;
		*)
			echo "e2e_disk_xfs: '$path' is a $type, not expressible in a protofile" >&2
			return 1
			;;
		esac
	done < <(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\0' | LC_ALL=C sort -z)
}

# Protofile mode: set-uid flag, set-gid flag, three octal digits.
e2e__proto_mode() {
	local m=$((8#$1)) u=- g=-
	((m & 8#4000)) && u=u
	((m & 8#2000)) && g=g
	printf '%s%s%03o\n' "$u" "$g" $((m & 8#777))
}

# e2e_sum PATH: sha256 of a file, or of a tree (types, modes, owners, sizes, link targets and
# contents; not times, which any mount can touch).
e2e_sum() {
	local p=$1
	if [ -f "$p" ]; then
		sha256sum <"$p" | cut -d' ' -f1
	elif [ -d "$p" ]; then
		(
			cd "$p" || exit 1
			find . -type d -printf 'd %m %U:%G %P\n'
			find . ! -type d -printf '%y %m %U:%G %s %P -> %l\n'
			find . -type f -print0 | xargs -0r sha256sum
		) | LC_ALL=C sort | sha256sum | cut -d' ' -f1
	else
		echo "e2e_sum: no such file or directory: $p" >&2
		return 1
	fi
}

# --- booting -----------------------------------------------------------------------------

# e2e_boot NAME --initrd IMG --append CMDLINE [--disk IMG]... [--timeout SEC] [--interactive]
#          [--monitor] [--mem MB] [--kernel FILE] [--extra "qemu args"]
# Starts QEMU in the background; the serial log is $E2E_TMP/NAME.log (QEMU's own messages
# too). Without --extra networking the machine has no NIC.
e2e_boot() {
	local name=$1 initrd='' append='' timeout=120 mem=512 kernel=$E2E_BOOT_KERNEL interactive='' monitor=''
	local extra='' base pid reader fd d
	local -a disks=() args=() extra_args=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--initrd) initrd=$2; shift 2 ;;
		--append) append=$2; shift 2 ;;
		--disk) disks+=("$2"); shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--mem) mem=$2; shift 2 ;;
		--kernel) kernel=$2; shift 2 ;;
		--extra) extra=$2; shift 2 ;;
		--interactive) interactive=1; shift ;;
		--monitor) monitor=1; shift ;;
		*)
			echo "e2e_boot: unknown option '$1'" >&2
			return 2
			;;
		esac
	done
	if [ -n "${E2E_QPID[$name]:-}" ]; then
		echo "e2e_boot: a boot named '$name' was already started" >&2
		return 2
	fi
	base=$E2E_TMP/$name
	read -r -a extra_args <<<"$extra"
	# no_timer_check: under a loaded host the kernel's IO-APIC timer check can miss its ticks
	# in TCG and panic ("IO-APIC + timer doesn't work") before /init; it is for real hardware
	args=(-accel tcg -m "$mem" -nographic -no-reboot -pidfile "$base.pid"
		-kernel "$kernel" -append "console=ttyS0 panic=1 no_timer_check $append")
	[ -z "$initrd" ] || args+=(-initrd "$initrd")
	for d in "${disks[@]}"; do
		args+=(-drive "file=$(e2e__qopt "$d"),if=virtio,format=raw")
	done
	[[ " $extra " =~ [[:space:]]-(net|nic|netdev)[[:space:]] ]] || args+=(-nic none)
	: >"$base.log"
	if [ -n "$interactive" ]; then
		mkfifo "$base.serial.in" "$base.serial.out" || return 1
		# Started before QEMU so nothing it writes waits on a missing reader.
		cat "$base.serial.out" >>"$base.log" &
		reader=$!
		E2E_PIDS[$reader]=1
		E2E_READERS[$name]="${E2E_READERS[$name]:-} $reader"
		# Read-write so opening never blocks and writes cannot hit a closed pipe.
		exec {fd}<>"$base.serial.in"
		E2E_SFD[$name]=$fd
		args+=(-chardev "pipe,id=s0,path=$base.serial" -serial chardev:s0)
	fi
	if [ -n "$monitor" ]; then
		mkfifo "$base.mon.in" "$base.mon.out" || return 1
		cat "$base.mon.out" >"$base.mon.log" &
		reader=$!
		E2E_PIDS[$reader]=1
		E2E_READERS[$name]="${E2E_READERS[$name]:-} $reader"
		exec {fd}<>"$base.mon.in"
		E2E_MFD[$name]=$fd
		args+=(-monitor "pipe:$base.mon")
	else
		args+=(-monitor none)
	fi
	args+=("${extra_args[@]}")
	printf '%q ' qemu-system-x86_64 "${args[@]}" >"$base.cmd"
	echo >>"$base.cmd"
	timeout -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null >>"$base.log" 2>&1 &
	pid=$!
	E2E_PIDS[$pid]=1
	E2E_QPID[$name]=$pid
	E2E_MARK[$name]=0
	E2E_LAST_BOOT=$name
}

# e2e_run NAME ARGS...: e2e_boot then e2e_wait; returns QEMU's status.
e2e_run() {
	e2e_boot "$@" || return $?
	e2e_wait "$1"
}

# e2e_wait NAME: waits for QEMU to exit; returns its status (124: killed by --timeout).
e2e_wait() {
	local name=$1 pid rc=0 r
	pid=${E2E_QPID[$name]:-}
	if [ -z "$pid" ]; then
		echo "e2e_wait: no boot named '$name'" >&2
		return 127
	fi
	if [ -n "${E2E_RC[$name]:-}" ]; then
		return "${E2E_RC[$name]}"
	fi
	wait "$pid" || rc=$?
	unset "E2E_PIDS[$pid]"
	E2E_RC[$name]=$rc
	# Readers see end of file once QEMU is gone; one that never saw QEMU open its FIFO would
	# wait forever, so it gets a moment and then a signal.
	for r in ${E2E_READERS[$name]:-}; do
		e2e__reap "$r" 20
	done
	E2E_READERS[$name]=
	e2e__close_fds "$name"
	return $rc
}

# e2e_stop NAME: stops a running boot (SIGTERM to QEMU, via timeout) and reaps it.
e2e_stop() {
	local pid=${E2E_QPID[$1]:-}
	[ -n "$pid" ] || return 127
	if [ -z "${E2E_RC[$1]:-}" ]; then
		kill -TERM "$pid" 2>/dev/null || true
	fi
	e2e_wait "$1" || return $?
}

# e2e_log NAME: the path of the serial log.
e2e_log() {
	echo "$E2E_TMP/$1.log"
}

# e2e_send NAME TEXT: types TEXT and a newline on the guest's serial (--interactive).
# Later e2e_expect calls look only at output from this point on.
e2e_send() {
	local name=$1 fd=${E2E_SFD[$1]:-}
	if [ -z "$fd" ]; then
		echo "e2e_send: '$name' is not a running --interactive boot" >&2
		return 2
	fi
	E2E_MARK[$name]=$(stat -c %s "$E2E_TMP/$name.log")
	printf '%s\n' "$2" >&"$fd"
}

# e2e_expect NAME REGEX [TIMEOUT]: waits until an output line matches the extended REGEX
# (carriage returns removed), looking at what came after the last e2e_send. Returns 1 on
# timeout or when QEMU exits first.
e2e_expect() {
	local name=$1 re=$2 limit=${3:-60} log=$E2E_TMP/$1.log start
	start=$((${E2E_MARK[$name]:-0} + 1))
	local end=$((SECONDS + limit))
	while :; do
		if tail -c "+$start" "$log" 2>/dev/null | tr -d '\r' | grep -aE -- "$re" >/dev/null; then
			return 0
		fi
		if ! e2e__running "$name"; then
			tail -c "+$start" "$log" 2>/dev/null | tr -d '\r' | grep -aE -- "$re" >/dev/null &&
				return 0
			echo "e2e_expect: $name: /$re/ not seen before QEMU exited" >&2
			return 1
		fi
		if [ "$SECONDS" -ge "$end" ]; then
			echo "e2e_expect: $name: /$re/ not seen within ${limit}s" >&2
			return 1
		fi
		sleep 0.2
	done
}

# e2e_monitor NAME "HMP COMMAND": runs a monitor command (--monitor) and prints its output.
e2e_monitor() {
	local name=$1 fd=${E2E_MFD[$1]:-} mlog=$E2E_TMP/$1.mon.log before off
	if [ -z "$fd" ]; then
		echo "e2e_monitor: '$name' is not a running --monitor boot" >&2
		return 2
	fi
	# The first prompt shows the monitor is up; each command ends with the next one.
	e2e__prompts_above "$name" 0 || return 1
	before=$(e2e__prompts "$mlog")
	off=$(stat -c %s "$mlog")
	printf '%s\n' "$2" >&"$fd"
	e2e__prompts_above "$name" "$before" || return 1
	# Drop the echoed command line (full of cursor escapes) and the trailing prompt.
	tail -c "+$((off + 1))" "$mlog" | tr -d '\r' | sed -e '1d' -e '/^(qemu) $/d'
}

# e2e_hotadd_disk NAME IMG ID: plugs IMG in as a new virtio disk (--monitor).
e2e_hotadd_disk() {
	local name=$1 img=$2 id=$3 out
	out=$(e2e_monitor "$name" "drive_add 0 if=none,id=$id,file=$(e2e__qopt "$img"),format=raw") ||
		return 1
	if [ "$out" != OK ]; then
		echo "e2e_hotadd_disk: drive_add: $out" >&2
		return 1
	fi
	out=$(e2e_monitor "$name" "device_add virtio-blk-pci,drive=$id,id=dev-$id") || return 1
	if [ -n "$out" ]; then
		echo "e2e_hotadd_disk: device_add: $out" >&2
		return 1
	fi
}

# --- assertions --------------------------------------------------------------------------

# e2e_log_has NAME REGEX: some line of the serial log matches (extended regex, no CRs).
e2e_log_has() {
	e2e__text "$1" | grep -aE -- "$2" >/dev/null
}

# e2e_log_lacks NAME REGEX: no line matches; false too when there is no log at all.
e2e_log_lacks() {
	[ -f "$E2E_TMP/$1.log" ] || return 1
	! e2e_log_has "$1" "$2"
}

# e2e_timeline NAME: prints sprout's timeline lines, if any.
e2e_timeline() {
	e2e__text "$1" | grep -a 'sprout: timeline' || true
}

# e2e_ktime NAME REGEX: kernel timestamp (seconds) of the first "[ t ] ..." line matching.
e2e_ktime() {
	local text
	# Whole-text steps only: an early-exiting reader would SIGPIPE the writer under pipefail.
	text=$(e2e__text "$1" | grep -aE -- "$2") || return 1
	sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p' <<<"$text" | sed -n 1p
}

# --- internals ---------------------------------------------------------------------------

# Sets KVER, KERNEL and MODDIR: from the environment (tests/run.sh) when all three are there,
# else from scripts/test-kernel.sh --env --no-fetch. False, with the reason in E2E_KERNEL_WHY,
# when there is no usable test kernel.
e2e__kernel_env() {
	local ok=0
	if [ -n "${KVER:-}" ] && [ -n "${KERNEL:-}" ] && [ -n "${MODDIR:-}" ]; then
		kernel_env_check || ok=1
	else
		kernel_env "$E2E_REPO" || ok=1
	fi
	E2E_KERNEL_WHY=${KERNEL_WHY:-}
	return $ok
}

# E2E_PVH=1: boot the ELF kernel inside the bzImage through QEMU's PVH entry instead; under TCG
# the bzImage spends ~2.7 s decompressing itself. Extracted once into $E2E_CACHE (default
# $TMPDIR), keyed by kernel version, size and mtime; ~66 MB.
e2e__vmlinux() {
	local cache=${E2E_CACHE:-${TMPDIR:-/tmp}} out fmt off tmp
	out=$cache/sprout-e2e-vmlinux-$KVER-$(stat -c %s-%Y "$KERNEL") || return 1
	if [ -s "$out" ]; then
		echo "$out"
		return 0
	fi
	for fmt in '\xFD7zXZ\x00 xz -dcq --single-stream' '\x28\xB5\x2F\xFD zstd -dcq' \
		'\x1F\x8B\x08 gzip -dcq'; do
		off=$(LC_ALL=C grep -m1 -obUaP "${fmt%% *}" "$KERNEL" | cut -d: -f1) || true
		off=${off%%$'\n'*}
		[ -n "$off" ] || continue
		tmp=$(mktemp "$out.XXXXXX") || return 1
		# Decompressors complain about the bytes after the stream; the ELF check decides.
		# shellcheck disable=SC2086 # the command and its options
		tail -c "+$((off + 1))" "$KERNEL" | ${fmt#* } >"$tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
			mv -f "$tmp" "$out"
			echo "$out"
			return 0
		fi
		rm -f "$tmp"
	done
	echo "e2e: E2E_PVH=1 but no ELF kernel found inside $KERNEL; booting it as is" >&2
	return 1
}

e2e__text() {
	if [ ! -f "$E2E_TMP/$1.log" ]; then
		echo "e2e: no log for boot '$1'" >&2
		return 1
	fi
	tr -d '\r' <"$E2E_TMP/$1.log"
}

e2e__oneline() {
	local s=${1//$'\n'/ }
	echo "${s//$'\r'/}"
}

# QEMU option values escape a comma by doubling it.
e2e__qopt() {
	echo "${1//,/,,}"
}

# A PID is alive if it exists and is not a zombie waiting for us to reap it.
e2e__alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

e2e__running() {
	local pid=${E2E_QPID[$1]:-}
	[ -n "$pid" ] && [ -z "${E2E_RC[$1]:-}" ] && e2e__alive "$pid"
}

# e2e__reap PID TENTHS: give a child TENTHS/10 s to exit, then SIGKILL, then reap it.
e2e__reap() {
	local pid=$1 n=$2
	while [ "$n" -gt 0 ] && e2e__alive "$pid"; do
		sleep 0.1
		n=$((n - 1))
	done
	! e2e__alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "E2E_PIDS[$pid]"
}

e2e__prompts() {
	grep -ao '(qemu) ' "$1" 2>/dev/null | wc -l
}

# Waits (10 s at most) until the monitor log of NAME has more than N prompts.
e2e__prompts_above() {
	local name=$1 n=$2 i=0 mlog=$E2E_TMP/$1.mon.log
	while [ "$(e2e__prompts "$mlog")" -le "$n" ]; do
		if ! e2e__running "$name" || [ $i -ge 100 ]; then
			echo "e2e_monitor: $name: no monitor prompt" >&2
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

e2e__close_fds() {
	local fd
	fd=${E2E_SFD[$1]:-}
	[ -z "$fd" ] || exec {fd}>&-
	fd=${E2E_MFD[$1]:-}
	[ -z "$fd" ] || exec {fd}>&-
	E2E_SFD[$1]=
	E2E_MFD[$1]=
}

# EXIT trap: stop everything we started (by PID), remove the temp dir, and fail the script
# if any check failed.
e2e__cleanup() {
	local rc=$? pid name qpid ppid
	set +e
	for name in "${!E2E_QPID[@]}"; do
		# QEMU is timeout's child; signal it directly too, but only while it still is.
		pid=${E2E_QPID[$name]}
		[ -z "${E2E_RC[$name]:-}" ] || continue
		qpid=$(cat "$E2E_TMP/$name.pid" 2>/dev/null)
		if [ -n "$qpid" ]; then
			ppid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$qpid/stat" 2>/dev/null)
			[ "$ppid" != "$pid" ] || kill -TERM "$qpid" 2>/dev/null
		fi
	done
	for pid in "${!E2E_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${!E2E_PIDS[@]}"; do
		e2e__reap "$pid" 30
	done
	for name in "${E2E_CLEANUP_HOOKS[@]}"; do
		"$name"
	done
	for name in "${!E2E_QPID[@]}"; do
		e2e__close_fds "$name"
	done
	if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			echo "e2e: kept $E2E_TMP" >&2
		else
			rm -rf "$E2E_TMP"
		fi
	fi
	[ "$rc" -ne 0 ] || [ "$E2E_NFAIL" -eq 0 ] || rc=1
	exit "$rc"
}
