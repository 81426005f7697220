# shellcheck shell=bash
# Helpers of bench/run.sh: timing builds, measuring images, booting them and reading the
# kernel's clock. Sourced after tests/e2e/lib.sh (e2e_boot, e2e_wait, e2e_ktime, E2E_TMP).

# The serial log of a boot, without carriage returns.
bench_log() {
	tr -d '\r' <"$(e2e_log "$1")"
}

# Median of the numbers on stdin (one a line); empty output when there are none.
bench_median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit
		if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Minimum and maximum of the numbers on stdin, as "MIN MAX".
bench_range() {
	sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.3f %.3f\n", lo, hi }'
}

# bench_floor OUT [CFLAGS...]: bench/floor-init.c built static into OUT, with the module list
# bench/run.sh generated in $BENCH_W/floor-modules.h.
bench_floor() {
	local out=$1
	shift
	gcc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		-Wmissing-prototypes -Wcast-qual -I"$BENCH_W" -static -s "$@" \
		-o "$out" "$BENCH_DIR/floor-init.c"
}

# bench_time TOOL RUNS CMD [WRAPPER...]: times the shell command CMD with hyperfine, run
# under WRAPPER (bench/ns.sh for the anchors): RUNS runs and no warm-up run, as the caller
# has warmed the cache and one slow run cannot move a median of five. Appends
# "TOOL,median,min,max,runs" to $BENCH_W/builds.csv. The image CMD writes stays behind.
bench_time() {
	local tool=$1 runs=$2 cmd=$3 csv=$BENCH_W/hf-$1.csv
	shift 3
	echo "bench: build $tool ($runs runs): $cmd" >&2
	if ! "$@" hyperfine --style basic --runs "$runs" --warmup 0 --export-csv "$csv" \
		--command-name "$tool" "$cmd" >"$BENCH_W/hf-$tool.log" 2>&1; then
		echo "bench: build $tool failed; last lines of its log:" >&2
		tail -n 20 "$BENCH_W/hf-$tool.log" >&2
		return 1
	fi
	# hyperfine's CSV: command,mean,stddev,median,user,system,min,max
	awk -F, -v t="$tool" -v r="$runs" 'NR == 2 { printf "%s,%.3f,%.3f,%.3f,%d\n", t, $4, $7, $8, r }' \
		"$csv" >>"$BENCH_W/builds.csv"
}

# bench_time_once TOOL CMD...: one timed run, for builds that are only context.
bench_time_once() {
	local tool=$1 t0 t1
	shift
	echo "bench: build $tool (1 run): $*" >&2
	t0=$(date +%s.%N)
	"$@" >"$BENCH_W/hf-$tool.log" 2>&1 || {
		tail -n 20 "$BENCH_W/hf-$tool.log" >&2
		return 1
	}
	t1=$(date +%s.%N)
	awk -v t="$tool" -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; printf "%s,%.3f,%.3f,%.3f,1\n", t, d, d, d }' \
		>>"$BENCH_W/builds.csv"
}

# bench_image_stats TOOL IMG: appends "TOOL,bytes,unpacked_bytes,entries,modules" to
# $BENCH_W/images.csv. Unpacked with the distribution's unmkinitramfs (early and main
# archives alike, any compression): unpacked_bytes is the sum of the sizes of the regular
# files, entries counts every file, directory, link and node, modules the kernel modules.
bench_image_stats() {
	local tool=$1 img=$2 dir=$BENCH_W/unpack-$1 bytes
	rm -rf "$dir"
	mkdir -p "$dir"
	# An image that is uncompressed cpio to its end unpacks whole as "early", and then
	# unmkinitramfs fails on the empty rest; that failure alone is not an error.
	if ! unmkinitramfs "$img" "$dir" >/dev/null 2>"$dir.err" &&
		! { [ -d "$dir/early" ] && [ -z "$(ls -A "$dir/main" 2>/dev/null)" ] &&
			! grep -qv 'premature end of archive' "$dir.err"; }; then
		echo "bench: unmkinitramfs $img failed:" >&2
		cat "$dir.err" >&2
		return 1
	fi
	rm -f "$dir.err"
	bytes=$(stat -c %s "$img")
	(
		cd "$dir" || exit 1
		# each inode once: busybox's applets are hard links to one file
		u=$(find . -type f -printf '%i %s\n' | sort -u | awk '{ s += $2 } END { print s + 0 }')
		e=$(find . -mindepth 1 | grep -cvE '^\./(early|early2|main)$' || true)
		m=$(find . -type f \( -name '*.ko' -o -name '*.ko.*' \) | wc -l)
		echo "$tool,$bytes,$u,$e,$m"
	) >>"$BENCH_W/images.csv"
	rm -rf "$dir"
}

# bench_boot_start TOOL N IMG: starts one boot of IMG from the bench disk (QEMU in the
# background); bench_boot_end TOOL N waits for it and appends a line to $BENCH_W/boots.csv:
# tool,boot,ok,run_init_s,marker_s,phase_s,peak_rss_kb,unevictable_kb,shmem_kb,multi_user_s,
# failed_units,failed_names. Times are the kernel's own clock: "Run /init as init process" and
# the root init's marker, both read from the kernel log the root dumps before powering off; the
# last three only for the Debian root (bench/debian.sh): when multi-user.target was reached,
# and how many units had failed then, and which.
bench_boot_start() {
	e2e_boot "$1-$2" --initrd "$3" --disk "$BENCH_DISK" --append "$BENCH_APPEND" \
		--timeout "${BENCH_BOOT_TIMEOUT:-300}" --extra "$BENCH_QEMU"
}

bench_boot_end() {
	local tool=$1 n=$2 name=$1-$2 ok=0 tr='' tm='' ph='' rss='' unev='' shm='' mem mu='' st fn='' fl=''
	e2e_wait "$name" || true
	tr=$(e2e_ktime "$name" 'Run /init as init process') || tr=''
	tm=$(e2e_ktime "$name" 'BENCH-ROOT: marker') || tm=''
	if [ -n "$tr" ] && [ -n "$tm" ]; then
		ok=1
		ph=$(awk -v a="$tr" -v b="$tm" 'BEGIN { printf "%.3f", b - a }')
	fi
	rss=$(bench_log "$name" | sed -n 's/.*sprout-init peak memory (VmHWM) \([0-9]*\) kB.*/\1/p' | sed -n 1p)
	# not anchored: the firmware's last escape codes may precede it on the same line
	mem=$(bench_log "$name" | grep -a 'BENCH-MEM: ' | sed -n 1p) || mem=''
	unev=$(sed -n 's/.*Unevictable=\([0-9]*\).*/\1/p' <<<"$mem")
	shm=$(sed -n 's/.*Shmem=\([0-9]*\).*/\1/p' <<<"$mem")
	mu=$(e2e_ktime "$name" 'BENCH-DEBIAN: multi-user reached') || mu=''
	st=$(bench_log "$name" | grep -ao 'BENCH-DEBIAN-STATE: .*' | sed -n 1p) || st=''
	if [ -n "$st" ]; then
		fn=$(sed -n 's/.* failed=\([0-9]*\).*/\1/p' <<<"$st")
		fl=$(sed -n 's/.* units=\(.*\)/\1/p' <<<"$st" | tr -cd 'A-Za-z0-9@._:\\ -' | sed 's/ *$//')
	fi
	echo "$tool,$n,$ok,$tr,$tm,$ph,$rss,$unev,$shm,$mu,$fn,$fl" >>"$BENCH_W/boots.csv"
	cp "$(e2e_log "$name")" "$BENCH_W/logs/$name.log" 2>/dev/null || true
	cp "$E2E_TMP/$name.cmd" "$BENCH_W/logs/$name.cmd" 2>/dev/null || true
	if [ "$ok" = 1 ]; then
		echo "bench: boot $name: Run /init at ${tr}s, root marker at ${tm}s: ${ph}s in the initramfs${mu:+; multi-user.target at ${mu}s, $fn failed units${fl:+: $fl}}" >&2
	else
		echo "bench: boot $name: FAILED (no marker; log in $BENCH_W/logs/$name.log)" >&2
	fi
}

# bench_boots PARALLEL TOOL:N...: boots each TOOL (image $IMG/TOOL.img) for its Nth time,
# PARALLEL at once, in the order given.
bench_boots() {
	local par=$1 i j
	shift
	local -a jobs=("$@")
	for ((i = 0; i < ${#jobs[@]}; i += par)); do
		for ((j = i; j < i + par && j < ${#jobs[@]}; j++)); do
			bench_boot_start "${jobs[j]%%:*}" "${jobs[j]##*:}" "$IMG/${jobs[j]%%:*}.img"
		done
		for ((j = i; j < i + par && j < ${#jobs[@]}; j++)); do
			bench_boot_end "${jobs[j]%%:*}" "${jobs[j]##*:}"
		done
	done
}

# bench_guest_sysfs NAME IMG OUTDIR: boots IMG with bench.sysdump and rebuilds, under
# OUTDIR/devices, the guest's modalias files: the sysfs a host-only image for the test
# machine is built from (sprout build --host-only --sysfs OUTDIR).
bench_guest_sysfs() {
	local name=$1 img=$2 out=$3 path alias n=0
	e2e_boot "$name" --initrd "$img" --disk "$BENCH_DISK" --append "$BENCH_APPEND bench.sysdump" \
		--timeout "${BENCH_BOOT_TIMEOUT:-300}" --extra "$BENCH_QEMU"
	e2e_wait "$name" || true
	cp "$(e2e_log "$name")" "$BENCH_W/logs/$name.log" 2>/dev/null || true
	while read -r _ path alias; do
		case $path in
		devices/*/modalias) ;;
		*) continue ;;
		esac
		[[ $path != *..* ]] || continue
		mkdir -p "$out/${path%/modalias}"
		printf '%s\n' "$alias" >"$out/$path"
		n=$((n + 1))
	done < <(bench_log "$name" | grep -ao 'BENCH-SYS: .*')
	if [ "$n" = 0 ]; then
		echo "bench: no modaliases read from the test machine (log: $BENCH_W/logs/$name.log)" >&2
		return 1
	fi
	echo "bench: the test machine has $n device modaliases" >&2
}
