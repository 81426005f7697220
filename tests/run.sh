#!/usr/bin/env bash
# Runs every suite and ends with one summary line: "N passed, N failed, N skipped".
#   unit        tests/unit/test_*  (cmocka), plain and under ASan+UBSan
#   valgrind    the host tool's unit tests and a real build under valgrind (tests/valgrind.sh)
#   fuzz smoke  each tests/fuzz/fuzz_* target over its corpus for FUZZ_SMOKE_SECONDS
#   e2e         tests/e2e/test_*.sh, QEMU boots (lines PASS:/FAIL:/SKIP:)
# Options: --e2e-only, --no-e2e, --strict. E2E_ONLY=NAME runs one e2e script.
#
# The test kernel is looked up here, once (scripts/test-kernel.sh --env --no-fetch: this
# never downloads anything), and KVER, KERNEL and MODDIR are exported to every suite.
# Without it, tests that need it skip, saying so.
#
# --strict (make check, make e2e): SPROUT_REQUIRE_KERNEL=1 is exported, so a test that needs
# the test kernel fails when it is missing; and every skip that is not in DOCUMENTED_SKIPS
# below (the list README's Tests section explains) counts as a failure.
set -u
cd "$(dirname "$0")/.." || exit 1
B=build
pass=0 fail=0 skip=0
failed=()
run_unit=1 run_fuzz=1 run_e2e=1 strict=0
for a in "$@"; do
	case $a in
	--e2e-only) run_unit=0 run_fuzz=0 ;;
	--no-e2e) run_e2e=0 ;;
	--strict) strict=1 ;;
	*) echo "run.sh: unknown option $a (expected --e2e-only, --no-e2e, --strict)" >&2; exit 2 ;;
	esac
done

# Skips that are expected in every run, as SUITE:NAME (the unit program or e2e script, and
# the test's name). Keep in step with README's Tests section.
DOCUMENTED_SKIPS=(
	# the DHCP client on a real interface: runs only inside test_dhcp_netns.sh, which gives
	# it a veth pair in a namespace and a DHCP server
	test_dhcpc:test_real_interface
)

if [ $strict = 1 ]; then
	export SPROUT_REQUIRE_KERNEL=1
fi

# --- the test kernel, from one place ----------------------------------------------------------
# shellcheck source=kernel.sh
. tests/kernel.sh
if kernel_env .; then
	export KVER KERNEL MODDIR
	echo "run.sh: test kernel $KVER ($KERNEL, modules $MODDIR)"
else
	unset KVER KERNEL MODDIR
	echo "run.sh: no test kernel: $KERNEL_WHY"
	if [ $strict = 1 ]; then
		echo "run.sh: --strict: every test that needs it fails"
	else
		echo "run.sh: tests that need it skip (scripts/deps.sh, as root, fetches it)"
	fi
fi

# skipped SUITE WHERE NAME...: counts skips (SUITE as in DOCUMENTED_SKIPS, WHERE the program
# or script that ran); under --strict an undocumented one is a failure.
skipped() {
	local suite=$1 where=$2 name d ok
	shift 2
	for name in "$@"; do
		ok=0
		for d in "${DOCUMENTED_SKIPS[@]}"; do
			[ "$d" != "$suite:$name" ] || ok=1
		done
		if [ $strict = 1 ] && [ $ok = 0 ]; then
			fail=$((fail + 1))
			failed+=("$where: $name skipped (not a documented skip)")
			echo "  FAIL: $where: $name skipped, and README documents no such skip"
		else
			skip=$((skip + 1))
		fi
	done
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)" per group, and each
# skipped test as "[  SKIPPED ] NAME". Every tests/unit/test_*.c must have been built.
unit_suite() {
	local dir=$1 src t out rc p f s name
	local -a names
	for src in tests/unit/test_*.c; do
		name=${src##*/}
		name=${name%.c}
		t=$dir/$name
		if [ ! -x "$t" ]; then
			fail=$((fail + 1)); failed+=("$t")
			echo "unit: $t: FAILED: not built (make unit)"
			continue
		fi
		out=$("$t" 2>&1); rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
		mapfile -t names < <(sed -n 's/^\[  SKIPPED \] \([A-Za-z_][A-Za-z0-9_]*\)$/\1/p' <<<"$out" | sort -u)
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' <<<"$out" | awk '{s+=$1} END {print s+0}')
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi # crashed or sanitizer report
		if [ "$s" != "${#names[@]}" ]; then
			# cmocka names every skipped test; a count that disagrees is a broken program
			echo "unit: $t: $s skipped but ${#names[@]} named"
			[ "$f" != 0 ] || f=1
		fi
		pass=$((pass + p)); fail=$((fail + f))
		if [ "$f" != 0 ]; then
			failed+=("$t"); echo "$out" | tail -n 30
		fi
		echo "unit: $t: $p passed, $f failed, $s skipped${names[*]:+ (${names[*]})}"
		skipped "$name" "$t" "${names[@]}"
	done
}

# Scripts print one PASS:/FAIL:/SKIP: line per check ("SKIP: NAME: why").
script_suite() {
	local t=$1 out rc p f suite=${1##*/}
	local -a names
	echo "$2: $t"
	out=$(bash "$t" 2>&1); rc=$?
	echo "$out" | sed 's/^/  /'
	p=$(grep -c '^PASS: ' <<<"$out"); f=$(grep -c '^FAIL: ' <<<"$out")
	mapfile -t names < <(sed -n 's/^SKIP: \([^:]*\).*/\1/p' <<<"$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f))
	[ "$f" = 0 ] || failed+=("$t")
	skipped "$suite" "$t" "${names[@]}"
	return 0
}

if [ $run_unit = 1 ]; then
	unit_suite $B/unit
	unit_suite $B/unit-asan
	script_suite tests/valgrind.sh valgrind
fi

if [ $run_fuzz = 1 ]; then
	secs=${FUZZ_SMOKE_SECONDS:-10}
	for src in tests/fuzz/fuzz_*.c; do
		name=${src##*/fuzz_}
		name=${name%.c}
		t=$B/fuzz/fuzz_$name
		if [ ! -x "$t" ]; then
			fail=$((fail + 1)); failed+=("fuzz $name")
			echo "fuzz: $name: FAILED: $t not built (make check-unit builds every fuzz target)"
			continue
		fi
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
	ran=0
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] || continue
		if [ -n "${E2E_ONLY:-}" ] && [ "${t##*/}" != "$E2E_ONLY" ] && [ "${t##*/}" != "test_$E2E_ONLY.sh" ]; then
			continue
		fi
		t0=$SECONDS
		script_suite "$t" e2e
		echo "e2e: ${t##*/}: $((SECONDS - t0)) s"
		ran=$((ran + 1))
	done
	if [ $ran = 0 ]; then
		fail=$((fail + 1)); failed+=("e2e: no script ran${E2E_ONLY:+ (E2E_ONLY=$E2E_ONLY matches none)}")
	fi
fi

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
