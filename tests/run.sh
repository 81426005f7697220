#!/usr/bin/env bash
# Runs every suite and ends with one summary line: "N passed, N failed, N skipped".
#   unit        tests/unit/test_*  (cmocka), plain and under ASan+UBSan
#   valgrind    the host tool's unit tests and a real build under valgrind (tests/valgrind.sh)
#   fuzz smoke  each tests/fuzz/fuzz_* target over its corpus for FUZZ_SMOKE_SECONDS
#   e2e         tests/e2e/test_*.sh, QEMU boots (lines PASS:/FAIL:/SKIP:)
# Options: --e2e-only, --no-e2e. E2E_ONLY=NAME runs one e2e script.
set -u
cd "$(dirname "$0")/.."
B=build
pass=0 fail=0 skip=0
failed=()
run_unit=1 run_fuzz=1 run_e2e=1
for a in "$@"; do
	case $a in
	--e2e-only) run_unit=0 run_fuzz=0 ;;
	--no-e2e) run_e2e=0 ;;
	*) echo "run.sh: unknown option $a" >&2; exit 2 ;;
	esac
done

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)" per group.
unit_suite() {
	local dir=$1 t out p f
	for t in "$dir"/test_*; do
		[ -x "$t" ] || continue
		out=$("$t" 2>&1); rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi # crashed or sanitizer report
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
		if [ "$f" != 0 ]; then
			failed+=("$t"); echo "$out" | tail -n 30
		fi
		echo "unit: $t: $p passed, $f failed, $s skipped"
	done
}

# Scripts print one PASS:/FAIL:/SKIP: line per check.
script_suite() {
	local t=$1 out rc p f s
	echo "$2: $t"
	out=$(bash "$t" 2>&1); rc=$?
	echo "$out" | sed 's/^/  /'
	p=$(grep -c '^PASS: ' <<<"$out"); f=$(grep -c '^FAIL: ' <<<"$out"); s=$(grep -c '^SKIP: ' <<<"$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	[ "$f" != 0 ] && failed+=("$t")
	return 0
}

if [ $run_unit = 1 ]; then
	unit_suite $B/unit
	unit_suite $B/unit-asan
	script_suite tests/valgrind.sh valgrind
fi

if [ $run_fuzz = 1 ]; then
	secs=${FUZZ_SMOKE_SECONDS:-10}
	for t in $B/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=${t##*/fuzz_}
		corpus=tests/corpus/$name
		work=$(mktemp -d)
		[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
		if "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
			pass=$((pass + 1)); echo "fuzz: $name: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work.log" | tail -1 || true)$(grep -o '#[0-9]*.*DONE.*' "$work.log" | tail -1))"
		else
			fail=$((fail + 1)); failed+=("fuzz $name"); tail -n 40 "$work.log"
			echo "fuzz: $name: FAILED (crash input kept in $(pwd)/crash-* or see log above)"
		fi
		rm -rf "$work" "$work.log"
	done
fi

if [ $run_e2e = 1 ]; then
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] || continue
		if [ -n "${E2E_ONLY:-}" ] && [ "${t##*/}" != "$E2E_ONLY" ] && [ "${t##*/}" != "test_$E2E_ONLY.sh" ]; then
			continue
		fi
		script_suite "$t" e2e
	done
fi

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
