#!/usr/bin/env bash
# bench/report.sh WORKDIR REPO: turns what bench/run.sh measured (WORKDIR/builds.csv,
# images.csv, boots.csv, meta) into bench/results.csv, bench/boots.csv,
# bench/boot-time.svg and docs/benchmarks.md. Rerun it on a work directory kept with
# E2E_KEEP=1 to change the report without measuring again. Measurements made by hand live in
# bench/notes/*.md, which are copied into docs/benchmarks.md as they are (edit them there).
set -euo pipefail
W=$1
REPO=$2
OUT_CSV=$REPO/bench/results.csv
OUT_BOOTS=$REPO/bench/boots.csv
OUT_SVG=$REPO/bench/boot-time.svg
OUT_MD=$REPO/docs/benchmarks.md

meta() { sed -n "s|^$1=||p" "$W/meta" | sed -n 1p; }

# Paths of this run's temporary directory and of the unpacked test kernel read better as names.
tidy() { sed -e "s|$W|\$WORK|g" -e "s|$(meta moddir)|\$MODDIR|g"; }

# Row order of every table and of the chart.
TOOLS="floor tiny sprout-min sprout-host sprout-zstd itools-dep itools-most dracut sprout-lz4 sprout-gzip sprout-xz sprout-none sprout-koplain dracut-nfs"

label() {
	case $1 in
	floor) echo "floor (static C init)" ;;
	tiny) echo "tiny-initramfs (mktirfs)" ;;
	sprout-min) echo "sprout --host-only (root modules only)" ;;
	sprout-host) echo "sprout --host-only (test machine)" ;;
	sprout-zstd) echo "sprout --generic (zstd)" ;;
	sprout-lz4) echo "sprout --generic (lz4)" ;;
	sprout-gzip) echo "sprout --generic (gzip)" ;;
	sprout-xz) echo "sprout --generic (xz)" ;;
	sprout-none) echo "sprout --generic (uncompressed)" ;;
	sprout-koplain) echo "sprout --generic (zstd, modules plain: --module-compress none)" ;;
	itools-dep) echo "initramfs-tools MODULES=dep" ;;
	itools-most) echo "initramfs-tools MODULES=most" ;;
	dracut) echo "dracut --no-hostonly" ;;
	dracut-nfs) echo "dracut --no-hostonly + nfs" ;;
	nfs-sprout) echo "sprout --generic (zstd) over NFSv4" ;;
	nfs-dracut) echo "dracut --no-hostonly + nfs over NFSv4" ;;
	nfs-itools) echo "initramfs-tools MODULES=most over NFSv4" ;;
	img-nfsroot) echo "sprout: the tree over NFSv4 (plain NFS root)" ;;
	img-nfs) echo "sprout: squashfs image on NFSv4 (loop-mounted)" ;;
	img-http) echo "sprout: squashfs image over HTTP to RAM" ;;
	farm-up) echo "farm: 2 servers up" ;;
	farm-down-named) echo "farm: server 2 down (a hostname each)" ;;
	nfs-blackhole) echo "sprout --generic (zstd) over NFSv4 with a black hole listed first" ;;
	deb-floor-rw) echo "floor (static C init) with the root read-write" ;;
	deb-sprout-zstd) echo "sprout --generic (zstd)" ;;
	deb-sprout-host) echo "sprout --host-only (test machine)" ;;
	deb-itools-most) echo "initramfs-tools MODULES=most" ;;
	deb-dracut) echo "dracut --no-hostonly" ;;
	deb-nfs-sprout) echo "sprout --generic (zstd) over NFSv4 with the RAM layer" ;;
	deb-nfs-dracut) echo "dracut --no-hostonly + nfs over NFSv4" ;;
	plain-*) echo "$(label "${1#plain-}") in plain TCG" ;;
	*) echo "$1" ;;
	esac
}

# --- bench/results.csv: one row per tool -------------------------------------------------------
summarize() { # summarize TOOL: the CSV row
	local t=$1 b i ok n ri ph phr tot rss unev shm floor_ph minus note mok mu mur fpb fnames
	b=$(awk -F, -v t="$t" '$1 == t { print $2 "," $3 "," $4 "," $5 }' "$W/builds.csv")
	[ -n "$b" ] || b=",,,"
	i=$(awk -F, -v t="$t" '$1 == t { print $2 "," $3 "," $4 "," $5 }' "$W/images.csv")
	[ -n "$i" ] || i=",,,"
	n=$(awk -F, -v t="$t" '$1 == t' "$W/boots.csv" | wc -l)
	ok=$(awk -F, -v t="$t" '$1 == t && $3 == 1' "$W/boots.csv" | wc -l)
	col() { awk -F, -v t="$t" -v c="$1" '$1 == t && $3 == 1 && $c != "" { print $c }' "$W/boots.csv"; }
	ri=$(col 4 | bench_median)
	ph=$(col 6 | bench_median)
	phr=$(col 6 | bench_range | tr ' ' ,)
	[ -n "$phr" ] || phr=","
	tot=$(col 5 | bench_median)
	rss=$(col 7 | bench_median)
	unev=$(col 8 | bench_median)
	shm=$(col 9 | bench_median)
	floor_ph=$(awk -F, '$1 == "floor" && $3 == 1 { print $6 }' "$W/boots.csv" | bench_median)
	minus=''
	if [ -n "$ph" ] && [ -n "$floor_ph" ]; then
		minus=$(awk -v a="$ph" -v b="$floor_ph" 'BEGIN { printf "%.3f", a - b }')
	fi
	note=$(sed -n "s/^$t|//p" "$W/nfs-notes" 2>/dev/null | sed -n 1p | tr ',' ';')
	# The Debian root's columns (bench/debian.sh): multi-user.target reached, whatever became
	# of the root marker; failed units per boot in boot order, "-" where it was not reached.
	mok=$(awk -F, -v t="$t" '$1 == t && $10 != ""' "$W/boots.csv" | wc -l)
	mu=$(awk -F, -v t="$t" '$1 == t && $10 != "" { print $10 }' "$W/boots.csv" | bench_median)
	mur=$(awk -F, -v t="$t" '$1 == t && $10 != "" { print $10 }' "$W/boots.csv" | bench_range | tr ' ' ,)
	[ -n "$mur" ] || mur=","
	fpb=$(awk -F, -v t="$t" '$1 == t { print ($10 == "" || $11 == "" ? "-" : $11) }' "$W/boots.csv" |
		paste -sd ';' -)
	fnames=$(awk -F, -v t="$t" '$1 == t { print $12 }' "$W/boots.csv" | tr ' ' '\n' | sed '/^$/d' |
		sort -u | paste -sd ' ' -)
	if [ "$mok" = 0 ]; then mok='' fpb=''; fi
	echo "$t,$(label "$t"),$b,$i,$n,$ok,$ri,$ph,$phr,$tot,$minus,${rss%.000},${unev%.000},${shm%.000},$note,$mok,$mu,$mur,$fpb,$fnames"
}

bench_median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit
		if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
bench_range() {
	sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.3f %.3f\n", lo, hi }'
}

NFS_REASON=$(meta nfs_reason)
NFS_TOOLS="nfs-sprout nfs-dracut nfs-itools nfs-blackhole farm-up farm-down-named"
DEBIAN_REASON=$(meta debian_reason)
DEBIAN_DISK_TOOLS="deb-floor-rw deb-sprout-zstd deb-sprout-host deb-itools-most deb-dracut"
DEBIAN_NFS_TOOLS="deb-nfs-sprout deb-nfs-dracut"
IMAGE_REASON=$(meta image_reason)
IMAGE_TOOLS="img-nfsroot img-nfs img-http"
{
	echo "tool,label,build_median_s,build_min_s,build_max_s,build_runs,image_bytes,unpacked_bytes,entries,modules,boots,boots_ok,run_init_median_s,initramfs_phase_median_s,initramfs_phase_min_s,initramfs_phase_max_s,root_marker_median_s,phase_minus_floor_s,peak_rss_kb,unevictable_kb,shmem_kb,note,multi_user_boots_ok,multi_user_median_s,multi_user_min_s,multi_user_max_s,failed_units_per_boot,failed_unit_names"
	for t in $TOOLS; do
		if grep -q "^$t," "$W/builds.csv" "$W/images.csv" 2>/dev/null || [ "$t" = floor ]; then
			summarize "$t"
		fi
	done
	for t in $TOOLS; do
		if grep -q "^plain-$t," "$W/boots.csv"; then summarize "plain-$t"; fi
	done
	for t in $NFS_TOOLS; do
		if [ -n "$NFS_REASON" ]; then
			echo "$t,$(label "$t"),,,,,,,,,,,,,,,,,,,,${NFS_REASON//,/;},,,,,,"
		elif grep -q "^$t," "$W/boots.csv"; then
			summarize "$t"
		fi
	done
	for t in $IMAGE_TOOLS; do
		if [ -n "$IMAGE_REASON" ]; then
			echo "$t,$(label "$t"),,,,,,,,,,,,,,,,,,,,${IMAGE_REASON//,/;},,,,,,"
		elif grep -q "^$t," "$W/boots.csv"; then
			summarize "$t"
		fi
	done
	for t in $DEBIAN_DISK_TOOLS $DEBIAN_NFS_TOOLS; do
		if [ -n "$DEBIAN_REASON" ]; then
			echo "$t,$(label "$t"),,,,,,,,,,,,,,,,,,,,${DEBIAN_REASON//,/;},,,,,,"
		elif grep -q "^$t," "$W/boots.csv"; then
			summarize "$t"
		fi
	done
} >"$OUT_CSV"
{
	echo "tool,boot,ok,run_init_s,root_marker_s,initramfs_phase_s,peak_rss_kb,unevictable_kb,shmem_kb,multi_user_s,failed_units,failed_unit_names"
	cat "$W/boots.csv"
} >"$OUT_BOOTS"

# field TOOL COLUMN-NAME: a value from results.csv
field() {
	awk -F, -v t="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == t { print $(col[c]); exit }' "$OUT_CSV"
}

mb() { [ -n "$1" ] && awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }' || echo "—"; }
sec() { [ -n "$1" ] && awk -v s="$1" 'BEGIN { printf "%.2f s", s }' || echo "—"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print ""; else printf "%.2f", a / b }'; }

# --- bench/boot-time.svg: stacked bars, kernel start -> Run /init -> root marker ----------------
svg() {
	local rows=() t ri tot
	for t in $TOOLS nfs-sprout nfs-dracut; do
		ri=$(field "$t" run_init_median_s)
		tot=$(field "$t" root_marker_median_s)
		[ -n "$ri" ] && [ -n "$tot" ] || continue
		rows+=("$t|$(label "$t")|$ri|$tot")
	done
	printf '%s\n' "${rows[@]}" | awk -F'|' -v date="$(meta date)" -v boots="$(meta boots)" '
	function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
	{ n++; label[n] = $2; ri[n] = $3; tot[n] = $4; if ($4 > max) max = $4 }
	END {
		left = 270; width = 460; top = 76; row = 28
		scale = int(max) + 1; h = top + n * row + 46
		printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", left + width + 120, h
		printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		printf "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Boot to the root'"'"'s init: QEMU TCG with -icount, kernel clock, medians of up to %s boots</text>\n", boots
		printf "<rect x=\"10\" y=\"32\" width=\"12\" height=\"12\" fill=\"#9ecae1\"/><text x=\"28\" y=\"42\">kernel start to \"Run /init\" (includes unpacking the image)</text>\n"
		printf "<rect x=\"10\" y=\"50\" width=\"12\" height=\"12\" fill=\"#2b6cb0\"/><text x=\"28\" y=\"60\">\"Run /init\" to the root init'"'"'s marker (the initramfs phase)</text>\n"
		step = scale <= 10 ? 1 : (scale <= 20 ? 2 : 5)
		scale = int((scale + step - 1) / step) * step
		for (s = 0; s <= scale; s += step) {
			x = left + s * width / scale
			printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, top - 4, x, top + n * row
			printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d s</text>\n", x, top + n * row + 16, s
		}
		for (i = 1; i <= n; i++) {
			y = top + (i - 1) * row
			w1 = ri[i] * width / scale; w2 = (tot[i] - ri[i]) * width / scale
			printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8, y + 15, esc(label[i])
			printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#9ecae1\"/>\n", left, y, w1
			printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#2b6cb0\"/>\n", left + w1, y, w2
			printf "<text x=\"%.1f\" y=\"%d\" fill=\"#222\">%.2f + %.2f s</text>\n", left + w1 + w2 + 6, y + 15, ri[i], tot[i] - ri[i]
		}
		printf "<text x=\"10\" y=\"%d\" fill=\"#555\">sprout make bench, %s; bars: medians of each segment</text>\n", h - 8, date
		printf "</svg>\n"
	}'
}
svg >"$OUT_SVG"

# --- docs/benchmarks.md ------------------------------------------------------------------------
verdict() { # verdict OK?: "met" / "not met" / "not measured"
	case $1 in
	1) echo "**met**" ;;
	0) echo "not met" ;;
	*) echo "not measured" ;;
	esac
}
check() { # check VALUE OP LIMIT: 1, 0 or empty
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (v == "" || l == "") { print ""; exit }
		if (op == "<=") print (v + 0 <= l + 0) ? 1 : 0; else print (v + 0 >= l + 0) ? 1 : 0 }'
}

# The targets of issue 16, each as a ratio against its limit. t16 LABEL MEASURED RATIO OP LIMIT
# [SHOWN-RATIO]: one row; the verdict compares RATIO with LIMIT.
t16() {
	echo "| $1 | $2 | **${6:-${3:-—}}** | $(verdict "$(check "$3" "$4" "$5")") |"
}

# peak_rss: the largest median of sprout-init's peak RSS over the rows that ran it, "KB ROW".
peak_rss() {
	local t v best='' row=''
	for t in sprout-zstd sprout-host sprout-min sprout-lz4 sprout-gzip sprout-xz sprout-none sprout-koplain \
		nfs-sprout nfs-blackhole farm-up farm-down-named img-nfsroot img-nfs img-http \
		deb-sprout-zstd deb-sprout-host deb-nfs-sprout; do
		v=$(field "$t" peak_rss_kb 2>/dev/null) || v=''
		[ -n "$v" ] || continue
		if [ -z "$best" ] || [ "$v" -gt "$best" ]; then best=$v row=$t; fi
	done
	[ -z "$best" ] || echo "$best $row"
}

# farm_extra: for each machine whose first-ranked server (the one it mounted with both up) is
# the one taken down, its phase with that server down minus its phase with both up. Prints
# "MAX|machine G: +X s; ..." or "|why not".
farm_extra() {
	local down g srv up dn out='' max=''
	down=$(meta nfs_farm_down)
	[ -n "$down" ] || { echo "|no farm rows in this run"; return; }
	for g in 1 2 3 4; do
		srv=$(sed -n 's/^farm-up|//p' "$W/nfs-notes" 2>/dev/null | tr ';' '\n' |
			sed -n "s/^ *machine $g: \([0-9.]*\) in .*/\1/p" | sed -n 1p)
		[ "$srv" = "$down" ] || continue
		up=$(awk -F, -v g="$g" '$1 == "farm-up" && $2 == g && $3 == 1 { print $6 }' "$W/boots.csv")
		dn=$(awk -F, -v g="$g" '$1 == "farm-down-named" && $2 == g && $3 == 1 { print $6 }' "$W/boots.csv")
		if [ -z "$dn" ]; then
			echo "|machine $g (first server $down) did not reach its root with that server down"
			return
		fi
		[ -n "$up" ] || continue
		dn=$(awk -v a="$dn" -v b="$up" 'BEGIN { printf "%.3f", a - b }')
		out+="machine $g: $(sec "$up") → $(sec "$(awk -v a="$dn" -v b="$up" 'BEGIN { print a + b }')"); "
		if [ -z "$max" ] || awk -v a="$dn" -v b="$max" 'BEGIN { exit !(a > b) }'; then max=$dn; fi
	done
	if [ -z "$max" ]; then
		echo "|no machine ranked the server taken down ($down) first and reached its root with both up"
		return
	fi
	echo "$max|${out%; }"
}

# deb_target ROW COLUMN LIMIT: the row above measured again on the Debian root (bench/debian.sh)
# against the floor booting the same disk; nothing when those rows did not run.
deb_target() {
	local v f r
	v=$(field "$1" "$2") f=$(field deb-floor-rw "$2")
	[ -n "$v" ] && [ -n "$f" ] || return 0
	r=$(ratio "$v" "$f")
	t16 "↳ the same, booting the Debian 12 + systemd disk" "$(sec "$v") / $(sec "$f")" "$r" "<=" "$3" "${r:+$r×}"
}

targets16() {
	local pf pg ph tf tg h m ti ps pd bg bd r x why rss el lim
	pf=$(field floor initramfs_phase_median_s) pg=$(field sprout-zstd initramfs_phase_median_s)
	ph=$(field sprout-host initramfs_phase_median_s)
	tf=$(field floor root_marker_median_s) tg=$(field sprout-zstd root_marker_median_s)
	h=$(field sprout-host image_bytes) m=$(field sprout-min image_bytes) ti=$(field tiny image_bytes)
	bg=$(field sprout-zstd build_median_s) bd=$(field dracut build_median_s)
	echo "| target | measured | ratio | |"
	echo "|---|---|---|---|"
	r=$(ratio "$pg" "$pf")
	t16 "generic image, \"Run /init\" → root ≤ 1.10× the floor's" "$(sec "$pg") / $(sec "$pf")" "$r" "<=" 1.10 "${r:+$r×}"
	deb_target deb-sprout-zstd initramfs_phase_median_s 1.10
	r=$(ratio "$ph" "$pf")
	t16 "host-only for the test machine, \"Run /init\" → root ≤ 1.10× the floor's" "$(sec "$ph") / $(sec "$pf")" "$r" "<=" 1.10 "${r:+$r×}"
	deb_target deb-sprout-host initramfs_phase_median_s 1.10
	r=$(ratio "$tg" "$tf")
	t16 "generic image, kernel start → root ≤ 1.15× the floor's" "$(sec "$tg") / $(sec "$tf")" "$r" "<=" 1.15 "${r:+$r×}"
	deb_target deb-sprout-zstd root_marker_median_s 1.15
	r=$(ratio "$h" "$ti")
	t16 "host-only image ≤ 1.5× tiny-initramfs's (test machine)" "$(mb "$h") / $(mb "$ti")" "$r" "<=" 1.5 "${r:+$r×}"
	r=$(ratio "$m" "$ti")
	t16 "host-only image ≤ 1.5× tiny-initramfs's (root modules only, \`--no-fsck\`; limit measured below: 1.51× with xz)" "$(mb "$m") / $(mb "$ti")" "$r" "<=" 1.5 "${r:+$r×}"
	if [ -n "$NFS_REASON" ]; then
		t16 "NFSv4 root, \"Run /init\" → root ≤ 1/5 of dracut's" "$NFS_REASON" "" "<=" 0.2
		t16 "farm, one of two servers down: extra time for the machines whose first server is down ≤ 0.5 s" "$NFS_REASON" "" "<=" 1
		t16 "a server that accepts TCP and never answers, listed first: extra time ≤ 1 s" "$NFS_REASON" "" "<=" 1
	else
		ps=$(field nfs-sprout initramfs_phase_median_s) pd=$(field nfs-dracut initramfs_phase_median_s)
		r=$(ratio "$ps" "$pd")
		t16 "NFSv4 root, \"Run /init\" → root ≤ 1/5 of dracut's" "$(sec "$ps") / $(sec "$pd")" "$r" "<=" 0.2
		x=$(farm_extra) why=${x#*|} x=${x%%|*}
		r=$(ratio "$x" 0.5)
		[ -z "$x" ] || why="+$(sec "$x") at most ($why)"
		t16 "farm, one of two servers down: extra time for the machines whose first server is down ≤ 0.5 s" "$why" "$r" "<=" 1 "${r:+$r× the limit}"
		ps=$(field nfs-sprout initramfs_phase_median_s) pd=$(field nfs-blackhole initramfs_phase_median_s)
		x=''
		if [ -n "$ps" ] && [ -n "$pd" ]; then x=$(awk -v a="$pd" -v b="$ps" 'BEGIN { printf "%.3f", a - b }'); fi
		r=$(ratio "$x" 1)
		why="$(sec "$pd") with it / $(sec "$ps") without ($(field nfs-blackhole boots_ok)/$(field nfs-blackhole boots) boots reached the root)"
		t16 "a server that accepts TCP and never answers, listed first: extra time ≤ 1 s" "${x:++$(sec "$x"): }$why" "$r" "<=" 1 "${r:+$r× the limit}"
	fi
	rss=$(peak_rss)
	r=''
	[ -z "$rss" ] || r=$(awk -v k="${rss%% *}" 'BEGIN { printf "%.3f", k * 1024 / 2.5e6 }')
	t16 "sprout-init's peak memory ≤ 2.5 MB" "${rss:+$(mb "$((${rss%% *} * 1024))") (${rss%% *} kB, the largest median: $(label "${rss##* }")$(case ${rss##* } in nfs-* | farm-* | img-*) echo ", network" ;; deb-*) echo ", Debian root" ;; esac))}" "$r" "<=" 1 "${r:+$r× the limit}"
	r=$(ratio "$bd" "$bg")
	t16 "\`sprout build --generic\` ≥ 40× faster than dracut \`--no-hostonly\`" "$(sec "$bd") / $(sec "$bg")" "$r" ">=" 40 "${r:+$r×}"
	el=$(meta elapsed_s) lim=1800
	r=$(ratio "$el" "$lim")
	t16 "\`make bench\` under 30 minutes$([ -z "$(meta bench_only)" ] || echo " (this was a partial run: BENCH_ONLY=$(meta bench_only))")" "${el:+$el s / $lim s}" "$r" "<=" 1 "${r:+$r× the limit}"
}

targets() {
	local g d dn h m ti bg bd bh bm bt pg ph pm pt pd pf r
	g=$(field sprout-zstd image_bytes) d=$(field dracut image_bytes) dn=$(field dracut-nfs image_bytes)
	h=$(field sprout-host image_bytes) m=$(field sprout-min image_bytes) ti=$(field tiny image_bytes)
	bg=$(field sprout-zstd build_median_s) bd=$(field dracut build_median_s)
	bh=$(field sprout-host build_median_s) bm=$(field sprout-min build_median_s) bt=$(field tiny build_median_s)
	pg=$(field sprout-zstd initramfs_phase_median_s) ph=$(field sprout-host initramfs_phase_median_s)
	pm=$(field sprout-min initramfs_phase_median_s)
	pt=$(field tiny initramfs_phase_median_s) pd=$(field dracut initramfs_phase_median_s)
	pf=$(field floor initramfs_phase_median_s)
	echo "| target | sprout image | measured | |"
	echo "|---|---|---|---|"
	r=$(ratio "$g" "$d")
	echo "| generic image ≤ 1/3 of dracut \`--no-hostonly\` | generic, zstd | $(mb "$g") / $(mb "$d") = **$r** (against dracut with nfs, $(mb "$dn"): $(ratio "$g" "$dn")) | $(verdict "$(check "$r" "<=" 0.3334)") |"
	r=$(ratio "$h" "$ti")
	echo "| host-only image ≤ 1.5× tiny-initramfs's | host-only | $(mb "$h") / $(mb "$ti") = **$r×** | $(verdict "$(check "$r" "<=" 1.5)") |"
	r=$(ratio "$m" "$ti")
	echo "| | root modules only | $(mb "$m") / $(mb "$ti") = **$r×** | $(verdict "$(check "$r" "<=" 1.5)") |"
	r=$(ratio "$bd" "$bg")
	echo "| \`sprout build --generic\` ≥ 10× faster than dracut \`--no-hostonly\` | generic, zstd | $(sec "$bd") / $(sec "$bg") = **$r×** | $(verdict "$(check "$r" ">=" 10)") |"
	r=$(ratio "$bh" "$bt")
	echo "| host-only build within 2× of mktirfs | host-only | $(sec "$bh") / $(sec "$bt") = **$r×** | $(verdict "$(check "$r" "<=" 2)") |"
	r=$(ratio "$bm" "$bt")
	echo "| | root modules only | $(sec "$bm") / $(sec "$bt") = **$r×** | $(verdict "$(check "$r" "<=" 2)") |"
	r=$(ratio "$ph" "$pt")
	echo "| initramfs phase ≤ tiny-initramfs's | host-only | $(sec "$ph") / $(sec "$pt") = **$r×** | $(verdict "$(check "$r" "<=" 1)") |"
	r=$(ratio "$pm" "$pt")
	echo "| | root modules only | $(sec "$pm") / $(sec "$pt") = **$r×** | $(verdict "$(check "$r" "<=" 1)") |"
	r=$(ratio "$pg" "$pd")
	local pgp pdp rp
	pgp=$(field plain-sprout-zstd initramfs_phase_median_s) pdp=$(field plain-dracut initramfs_phase_median_s)
	rp=$(ratio "$pgp" "$pdp")
	echo "| initramfs phase ≤ 1/5 of dracut's | generic, zstd | $(sec "$pg") / $(sec "$pd") = **$r** | $(verdict "$(check "$r" "<=" 0.2)") |"
	if [ -n "$rp" ]; then
		echo "| | generic, zstd, plain TCG (1 boot) | $(sec "$pgp") / $(sec "$pdp") = **$rp** | $(verdict "$(check "$rp" "<=" 0.2)") in plain TCG |"
	fi
	r=$(ratio "$ph" "$pf")
	echo "| initramfs phase within 10% of the floor | host-only | $(sec "$ph") / $(sec "$pf") = **$r×** | $(verdict "$(check "$r" "<=" 1.10)") |"
	r=$(ratio "$pm" "$pf")
	echo "| | root modules only | $(sec "$pm") / $(sec "$pf") = **$r×** | $(verdict "$(check "$r" "<=" 1.10)") |"
	r=$(ratio "$pg" "$pf")
	echo "| | generic, zstd | $(sec "$pg") / $(sec "$pf") = **$r×** | $(verdict "$(check "$r" "<=" 1.10)") |"
	nfs_target
}

nfs_target() {
	local ps pd ok_s ok_d ok_i v
	if [ -n "$NFS_REASON" ]; then
		echo "| NFSv4 root reached; dracut and initramfs-tools slower or failing | | $NFS_REASON | not measured |"
		return
	fi
	ps=$(field nfs-sprout initramfs_phase_median_s) pd=$(field nfs-dracut initramfs_phase_median_s)
	ok_s=$(field nfs-sprout boots_ok) ok_d=$(field nfs-dracut boots_ok) ok_i=$(field nfs-itools boots_ok)
	v=''
	if [ -n "$(field nfs-dracut boots)" ] && [ -n "$(field nfs-itools boots)" ]; then
		v=$(awk -v s="$ps" -v d="$pd" -v os="${ok_s:-0}" -v od="${ok_d:-0}" -v oi="${ok_i:-0}" 'BEGIN {
			print (os > 0 && (od == 0 || d > s) && oi == 0) ? 1 : 0 }')
	fi
	echo "| NFSv4 root reached; dracut and initramfs-tools slower or failing | generic, zstd | sprout $(sec "$ps") ($ok_s/$(field nfs-sprout boots) boots) against dracut $(sec "$pd") ($ok_d/$(field nfs-dracut boots)); initramfs-tools: $ok_i/$(field nfs-itools boots) reached the root ($(field nfs-itools note)) | $(verdict "$v") |"
}

nfs_table() {
	local t n
	echo "| row | boots ok | kernel start → \"Run /init\" | \"Run /init\" → root marker (min–max) | servers mounted, or why not |"
	echo "|---|---|---|---|---|"
	for t in $NFS_TOOLS; do
		n=$(field "$t" boots)
		[ -n "$n" ] && [ "$n" != 0 ] || continue
		echo "| $(label "$t") | $(field "$t" boots_ok)/$n | $(sec "$(field "$t" run_init_median_s)") | **$(sec "$(field "$t" initramfs_phase_median_s)")** ($(field "$t" initramfs_phase_min_s)–$(field "$t" initramfs_phase_max_s)) | $(field "$t" note) |"
	done
}

# The root image rows (bench/image.sh): phase as above, and the bytes each machine had
# received when its root's init ran (median of image.csv's third column).
rootimage_table() {
	local t n rx
	echo "| row | boots ok | kernel start → \"Run /init\" | \"Run /init\" → root marker (min–max) | bytes received by then |"
	echo "|---|---|---|---|---|"
	for t in $IMAGE_TOOLS; do
		n=$(field "$t" boots)
		[ -n "$n" ] && [ "$n" != 0 ] || continue
		rx=$(awk -F, -v t="$t" '$1 == t && $3 != "" { print $3 }' "$W/image.csv" 2>/dev/null | bench_median)
		echo "| $(label "$t") | $(field "$t" boots_ok)/$n | $(sec "$(field "$t" run_init_median_s)") | **$(sec "$(field "$t" initramfs_phase_median_s)")** ($(field "$t" initramfs_phase_min_s)–$(field "$t" initramfs_phase_max_s)) | $(mb "${rx%.000}") |"
	done
}

rootimage_section() {
	if [ -n "$IMAGE_REASON" ]; then
		echo "| row | result |"
		echo "|---|---|"
		for t in $IMAGE_TOOLS; do echo "| $(label "$t") | $IMAGE_REASON |"; done
		return
	fi
	cat <<-EOF
	The same bench root three ways, one machine booted $(meta image_boots) times per row, round-robin,
	sprout's generic image each time, in the network namespace of the NFS rows: the tree itself over
	NFSv4 (\`$(meta image_append_nfsroot)\`); a squashfs of it made by \`sprout image build\`
	($(mb "$(meta image_bytes)") from a $(mb "$(meta image_tree_bytes)") tree, in $(meta image_build_s) s),
	loop-mounted from the NFS export that holds it and checked against its .sha256
	(\`$(meta image_append_nfs)\`); and the same file over HTTP from lighttpd, copied to RAM and
	verified before it is mounted (\`$(meta image_append_http)\`). "Bytes received" is the sum of
	the machine's interfaces' rx_bytes (DHCP included) when the root's init starts: the plain NFS
	root reads only what the boot touched; the NFS image is read whole once to check its sha256
	(the mount then reads it again, from the page cache as far as it is still there); the HTTP
	row copies the whole image.

	EOF
	rootimage_table
}

# note NAME: bench/notes/NAME.md as it is, after an empty line: measurements made by hand, not
# by make bench, which a rerun must not drop (rewrite the file when measuring again).
note() {
	local f=$REPO/bench/notes/$1.md
	[ -r "$f" ] || { echo "bench: $f is missing" >&2; return 1; }
	echo
	cat "$f"
}

# failed_cell TOOL: failed units per boot, "-" for a boot that did not reach multi-user.target;
# bold when any unit failed, with the units' names.
failed_cell() {
	local per names
	per=$(field "$1" failed_units_per_boot) names=$(field "$1" failed_unit_names)
	[ -n "$per" ] || { echo "—"; return; }
	per=${per//;/, }
	if [[ $per =~ [1-9] ]] || [[ $per == *-* ]]; then
		echo "**$per**${names:+ (${names// /, })}"
	else
		echo "$per"
	fi
}

debian_table() {
	local t n
	echo "| image | reached multi-user.target | kernel start → \"Run /init\" | \"Run /init\" → root's init | **kernel start → multi-user.target** (min–max) | failed units, per boot |"
	echo "|---|---|---|---|---|---|"
	for t in "$@"; do
		n=$(field "$t" boots)
		[ -n "$n" ] && [ "$n" != 0 ] || continue
		echo "| $(label "$t") | $(field "$t" multi_user_boots_ok)/$n | $(sec "$(field "$t" run_init_median_s)") | $(sec "$(field "$t" initramfs_phase_median_s)") | **$(sec "$(field "$t" multi_user_median_s)")** ($(field "$t" multi_user_min_s)–$(field "$t" multi_user_max_s)) | $(failed_cell "$t") |"
	done
}

debian_section() {
	if [ -n "$DEBIAN_REASON" ]; then
		echo "| row | result |"
		echo "|---|---|"
		for t in $DEBIAN_DISK_TOOLS $DEBIAN_NFS_TOOLS; do echo "| $(label "$t") | $DEBIAN_REASON |"; done
		return
	fi
	cat <<-EOF
	The figure a user feels: a Debian 12 root with systemd (debootstrap minbase + systemd-sysv,
	udev, kmod, iproute2: scripts/test-debian-root.sh's cached root), with the test kernel's
	modules in /lib/modules so that its udev loads what the initramfs left, booted to
	multi-user.target by the very images of the tables above, same kernel and clock. The end
	point is a oneshot unit ordered after multi-user.target (and wanted by it) whose first act
	writes a line to /dev/kmsg; it then counts \`systemctl --failed\`. "root's init" is a two-line
	/sbin/init that writes its own line and execs systemd. The bench's copy of the root has its
	serial getty masked and an empty fstab, so the root stays as the initramfs mounted it: \`rw\`
	on the command line, and the floor's tree with floor-init built to mount it read-write. \`init=/sbin/init\`
	is the default made explicit, so that dracut's systemd switches to that script instead of
	re-executing itself. $(meta debian_boots) boots per row, medians; a boot with failed units is shown in bold
	with their names.

	sprout loads the drivers of devices that are not on the way to the root (here QEMU's IDE
	controller and PS/2 port) only after the root is mounted: it leaves them to the root's udev when
	the root has one, as this one does, and loads them itself before the handover when it has none,
	as with the busybox root of the boot-time table above; hence the difference between the two
	tables' "Run /init" → root for the same image.

	From an ext4 virtio disk, \`$(meta debian_append)\`:

	EOF
	# shellcheck disable=SC2086 # a list of row names
	debian_table $DEBIAN_DISK_TOOLS
	cat <<-EOF

	Over NFSv4 from nfs-ganesha (the root exported read-only, numeric owners), sprout with its RAM
	layer (\`sprout.overlay=tmpfs\`) and dracut (which has none: systemd gets a read-only root),
	as two machines booted side by side, the same command line for both:
	\`$(meta debian_nfs_append)\`

	EOF
	# shellcheck disable=SC2086 # a list of row names
	debian_table $DEBIAN_NFS_TOOLS
}

boot_table() {
	local t ok n
	echo "| image | boots ok | kernel start → \"Run /init\" | \"Run /init\" → root marker (min–max) | total | − floor | plain TCG, 1 boot |"
	echo "|---|---|---|---|---|---|---|"
	for t in $TOOLS; do
		n=$(field "$t" boots)
		[ -n "$n" ] && [ "$n" != 0 ] || continue
		ok=$(field "$t" boots_ok)
		echo "| $(label "$t") | $ok/$n | $(sec "$(field "$t" run_init_median_s)") | **$(sec "$(field "$t" initramfs_phase_median_s)")** ($(field "$t" initramfs_phase_min_s)–$(field "$t" initramfs_phase_max_s)) | $(sec "$(field "$t" root_marker_median_s)") | $(sec "$(field "$t" phase_minus_floor_s)") | $(sec "$(field "plain-$t" initramfs_phase_median_s)") |"
	done
}

image_table() {
	local t runs
	echo "| image | build, median (min–max) | runs | compressed | unpacked | entries | modules |"
	echo "|---|---|---|---|---|---|---|"
	for t in $TOOLS; do
		[ -n "$(field "$t" image_bytes)" ] || continue
		runs=$(field "$t" build_runs)
		echo "| $(label "$t") | $(sec "$(field "$t" build_median_s)") ($(field "$t" build_min_s)–$(field "$t" build_max_s)) | ${runs:-—} | $(mb "$(field "$t" image_bytes)") | $(mb "$(field "$t" unpacked_bytes)") | $(field "$t" entries) | $(field "$t" modules) |"
	done
}

memory_table() {
	local t
	echo "| image | Unevictable after handover | Shmem | sprout-init's peak RSS |"
	echo "|---|---|---|---|"
	for t in $TOOLS; do
		[ "$(field "$t" boots_ok)" != "" ] && [ "$(field "$t" boots_ok)" != 0 ] || continue
		local rss
		rss=$(field "$t" peak_rss_kb)
		echo "| $(label "$t") | $(field "$t" unevictable_kb) kB | $(field "$t" shmem_kb) kB | ${rss:-—}${rss:+ kB} |"
	done
}

load_note() {
	local before after
	before=$(meta load_before) after=$(meta load_after)
	if awk -v a="${before%% *}" -v b="${after%% *}" 'BEGIN { exit !(a >= 0.5 || b >= 0.5) }'; then
		echo "Other work was running on this machine during the run (load average $before at the start, $after at the end, on $(meta nproc) cores). The boot times hardly notice it (instruction counting, above); the build times do: they are wall-clock times and the builders shared the CPU."
	else
		echo "The machine was otherwise idle (load average $before at the start, $after at the end)."
	fi
}

clock_note() {
	case $(meta qemu_extra) in
	*icount*)
		cat <<-EOF
		The guest runs with QEMU's \`-icount shift=0,sleep=on\`: while its CPU runs, its clock advances 1 ns
		per instruction; while it idles (waiting for the disk or a timer) it advances in real time. A
		boot's time then measures the work the image does rather than what else this 2-core machine is
		running: the same image boots to within a few ms every time, where plain TCG varied by 2× between
		boots while other engineers' builds and tests ran. Because of it, $(meta parallel) boots run at once;
		the min–max columns show the spread that is left (a boot that waited on the disk while the
		machine was busiest).

		The price: instruction counting charges every instruction the same. For images that run one
		program (the floor, tiny-initramfs, sprout) it agrees with plain TCG on a quiet machine within a
		few percent (last column: one boot each in plain TCG, taken alone after the rest). Images that
		start many programs (dracut's systemd and udev, initramfs-tools' shell scripts and udev) take
		longer in plain TCG, which also pays QEMU's translation of each new program's code; how much
		longer the last column shows. Which of the two is nearer real hardware, where starting a program
		costs page faults and cache misses rather than translation, this bench cannot say; the targets
		give both where they differ.
		EOF
		;;
	*)
		echo "The guest runs plain TCG (BENCH_ICOUNT=0): its clock is real time, so the load of the machine shows in the figures; boots ran $(meta parallel) at once."
		;;
	esac
}

nfs_section() {
	if [ -n "$NFS_REASON" ]; then
		echo "| row | result |"
		echo "|---|---|"
		for t in $NFS_TOOLS; do echo "| $(label "$t") | $NFS_REASON |"; done
		return
	fi
	cat <<-EOF
	The bench root exported read-only over NFSv4 by nfs-ganesha servers ($(meta nfs_servers))
	in a network namespace (tests/e2e/netlib.sh), dnsmasq for DHCP, every guest on its own tap of
	one bridge; same clock, kernel and root init as above. Single-server rows: \`$(meta nfs_append)\`
	(dracut's syntax, which sprout reads too), $(meta nfs_boots) boots each, sprout's and dracut's
	side by side; initramfs-tools is given \`nfsroot=SERVER:/export,vers=4\` (its own syntax) and one
	boot, stopped after 60 s. Farm rows: two fresh servers, 4 machines started a second apart, each
	listing both servers, which each machine ranks by hashing them with its MAC address: \`$(meta nfs_farm_up_append)\`;
	with server 2 down (its ganesha killed and its address removed, as if the machine were off)
	each machine also gets a hostname: \`$(meta nfs_farm_append)\`.

	EOF
	nfs_table
	cat <<-EOF

	sprout's NFS rows use the generic image (its NFS modules are part of it); the dracut image is the
	\`-a "nfs network-legacy"\` one from the table above.

	Why the hostnames: with \`ip=dhcp\` and no hostname from DHCP every machine's hostname is empty,
	and Linux builds its NFSv4.1+ client owner from it, so machines mounting the same server
	present the same client to it. In development, of four such machines started at the same
	moment on one server, three mounted the root and then could not exec /sbin/init (EPERM; the
	kernel had logged "Server ... reports our clientid is in use"). Started a second apart, as
	above, they have passed so far. A machine that comes back under another address while its
	old lease runs has its mount refused outright (EPERM). sprout-init could give each machine a
	unique NFS client identity itself (the nfs module's \`nfs4_unique_id\` parameter, or a
	hostname, derived from the MAC) before it mounts.
	EOF
	local ok n
	ok=$(field farm-up boots_ok) n=$(field farm-up boots)
	if [ -n "$n" ] && [ "${ok:-0}" -lt "$n" ]; then
		echo
		echo "**In this run too, the farm without hostnames failed:** $ok of $n machines reached the root."
	fi
}

commands() {
	local t c
	for t in $TOOLS; do
		c=$(meta "cmd_$t")
		[ -n "$c" ] || continue
		echo "- $(label "$t"):"
		echo '  ```'
		echo "  $c" | tidy
		echo '  ```'
	done
}

{
	cat <<-EOF
	# Benchmarks

	Written by \`make bench\` (bench/run.sh, then bench/report.sh) on $(meta date); rerun it rather
	than edit this file. Raw data: [bench/results.csv](../bench/results.csv) (one row per image) and
	[bench/boots.csv](../bench/boots.csv) (one row per boot). The whole run took $(meta elapsed_s) s.

	## Targets

	Issue 16's targets, each as a ratio against its limit. "root" is the root's init starting
	(its marker in the kernel log); the floor is a static init that loads the root's modules by
	path and mounts a fixed device (Method, below).

	EOF
	targets16
	cat <<-EOF

	How the derived figures are made: *farm* — for each machine whose first-ranked server (the one
	it mounted with both up) is the one taken down, its "Run /init" → root with that server down
	minus the same with both up; the largest of these (NFS root, below). *Black hole* — the
	nfs-sprout machine booted again with a TCP listener that never answers listed first and kept
	first (\`$(meta nfs_blackhole_append)\`): its median minus nfs-sprout's. *Peak memory* — the
	largest median of sprout-init's own report (VmHWM at handover) over every row that ran it,
	the Debian and network rows included.
	EOF
	note issue16
	cat <<-EOF

	### The earlier targets (the benchmark's first issue)

	EOF
	targets
	cat <<-EOF

	"host-only" is \`sprout build --host-only\` for the test machine: every boot-relevant device QEMU
	gives it (virtio disk, but also the IDE CD-ROM and the floppy). "root modules only" is the same
	mode with only the root disk's drivers, which is what the mktirfs and floor images hold.

	## Boot time

	Debian kernel $(meta kver) in QEMU (TCG), one virtio-blk ext4 disk found by \`root=UUID=\`, command
	line \`$(meta append)\`. $(meta boots) boots per image (sprout's other compressions: $(meta variant_boots)),
	medians. Both times come from the kernel's own clock (printk timestamps): the kernel's "Run /init
	as init process", and a line the root's \`/sbin/init\` writes to \`/dev/kmsg\` as its first act. The
	first part grows with the image, since the kernel unpacks it before it runs /init.

	$(clock_note)

	![boot time per image](../bench/boot-time.svg)

	EOF
	boot_table
	cat <<-EOF

	"− floor" is the image's initramfs phase minus the floor's: the time spent on anything beyond
	loading $(meta floor_modules | wc -w) modules, mounting the disk and switching root.

	$(load_note)

	## A real system: Debian 12 with systemd to multi-user.target

	EOF
	debian_section
	cat <<-EOF

	## Images and build time

	Build times are hyperfine medians of $(meta runs) runs on a warm page cache (the module tree is
	read once before the first build), $(meta slow_runs) for initramfs-tools MODULES=most and dracut,
	which take a minute or more a build (the runs column says); dracut with nfs is timed once. "compressed" is the image file, "unpacked" the sum of the sizes of its regular
	files after \`unmkinitramfs\` (each hard-linked file once), "entries" every file, directory and
	link in it.

	EOF
	image_table
	note host-only-size
	cat <<-EOF

	## Memory

	sprout-init reports its peak resident memory (VmHWM from /proc/self/status) in the kernel log at
	handover. What the initramfs still holds after the handover is read by the root's init from
	/proc/meminfo: with \`root=\` on the command line the kernel's rootfs is ramfs, whose pages count
	as *Unevictable*, so files left behind there would show as megabytes of it. Every image here
	empties the initramfs before switching root: what remains is a few kB, as with the floor.
	*Shmem* is tmpfs: mostly what an image left in the /run it hands over (systemd's journal, for
	dracut).

	EOF
	memory_table
	cat <<-EOF

	## NFS root

	EOF
	nfs_section
	cat <<-EOF

	## Root images: NFS image, HTTP to RAM, plain NFS root

	EOF
	rootimage_section
	note sha256
	cat <<-EOF

	## Machine

	- $(meta cpu); $(meta nproc) cores; $(meta mem_mb) MB of memory
	- host kernel $(meta host_kernel); $(meta qemu); \`-accel tcg\` (no KVM)
	- guest: Debian kernel $(meta kver) booted through its PVH entry, 512 MB, QEMU's default machine
	  (i440fx, with its floppy and IDE CD-ROM), one virtio-blk disk
	- dracut $(meta version_dracut), initramfs-tools $(meta version_mkinitramfs), tiny-initramfs $(meta version_mktirfs), hyperfine $(meta version_hyperfine)

	## Method

	**The anchors** are installed by the bench itself (bench/deps.sh): dracut-core and
	dracut-network, initramfs-tools-core, tiny-initramfs-core, hyperfine. These *-core* packages
	hold the image builders and do not conflict with each other. The packages that do conflict
	(tiny-initramfs against initramfs-tools and dracut) are the front ends that provide
	\`linux-initramfs-tool\` and hook into kernel installs; they are not installed, so no swapping
	was needed and no kernel install on this machine rebuilds an image. The builders look for
	modules only in /lib/modules/KVER (dracut's \`--kmoddir\` wants that path too), while the test
	kernel is unpacked elsewhere and this machine has no /lib/modules: bench/ns.sh runs each anchor
	in a private mount namespace where an overlay on /usr/lib shows the test kernel's modules as
	/lib/modules/$(meta kver) (a bind mount: with a symlink the builders store the modules under its
	target's path, where the booted kernel never looks) and a tmpfs on /boot holds the kernel's
	config (mkinitramfs reads the kernel's compression support there; it comes from the kernel's
	Debian package). Nothing outside the namespace changes.

	- **dracut** \`--no-hostonly\`, its default compression (gzip). dracut-network is installed for
	  the NFS variant, so the plain row omits (\`-o\`) the dracut modules that package adds, giving
	  what dracut-core alone builds. The NFS variant adds \`nfs network-legacy\` (with the
	  systemd-networkd backend it gets no DHCP lease: FACTS.md).
	- **initramfs-tools** with this machine's /etc/initramfs-tools copied (zstd, busybox),
	  \`MODULES=most\` and \`MODULES=dep\`. \`dep\` picks the *build host's* devices; its modules file
	  adds \`virtio_pci virtio_blk ext4\` so that the image boots the test machine.
	- **tiny-initramfs**: \`mktirfs -m no --include-modules=virtio_pci,virtio_blk,ext4\`, its
	  documented way to build for another machine.
	- **sprout** \`--generic\` with each compression; \`--host-only\` for the test machine (one boot of
	  the generic image dumps the guest's device modaliases, which become a sysfs tree for
	  \`--sysfs\`, with a mount table naming the ext4 root for \`--mounts\`); and \`--host-only\` with
	  no devices and the disk's drivers named (root modules only). Otherwise sprout's defaults: no
	  rescue shell.
	- **The floor** (bench/floor-init.c, built by bench/run.sh with \`gcc -static\`): mounts devtmpfs,
	  \`finit_module\`s $(meta floor_modules) by path in dependency order (compiled in), mounts
	  /dev/vda read-only as ext4, moves /dev, empties the initramfs, switches root and execs
	  /sbin/init: no probing, no parsing, no UUID lookup. Uncompressed cpio. crc32c-intel is left
	  out: QEMU's TCG CPU has no SSE4.2.
	- **The root** is tests/e2e/lib.sh's busybox root (\`e2e_make_root\`, \`e2e_disk_ext4\`) with
	  bench/root-init.sh as /sbin/init. Every boot runs with QEMU's \`-snapshot\`, so no boot can
	  change the disk for the next.

	Build commands (\$WORK is the bench's temporary directory, \$MODDIR the unpacked test
	kernel's modules):

	EOF
	commands
	cat <<-EOF

	Each boot (tests/e2e/lib.sh's \`e2e_boot\`; the kernel is the ELF inside the Debian bzImage):

	\`\`\`
	$(meta qemu_cmd | tidy)
	\`\`\`
	EOF
} >"$OUT_MD"
echo "bench: wrote $OUT_MD, $OUT_CSV, $OUT_BOOTS, $OUT_SVG" >&2
