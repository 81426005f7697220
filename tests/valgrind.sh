#!/usr/bin/env bash
# The host tool under valgrind: the plain (non-ASan) unit programs whose module lives in
# src/lib or src/sprout, then one real `sprout build` of a generic image for the Debian
# test kernel and `sprout ls`/`sprout extract` of it. ASan already runs the unit tests;
# valgrind adds what ASan does not see: reads of uninitialised memory (MSan is not in
# our toolchain) and leaks in the libraries the tool drives (libkmod, libelf, zstd...).
# One line per program: "PASS: valgrind-NAME" or "FAIL: valgrind-NAME: why"; exits 1
# if any failed. Needs `make all unit` first. ~2 minutes here (2 cores).
set -u
cd "$(dirname "$0")/.." || exit 1
B=build
fail=0 pass=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 99 is ours: any valgrind error, or a definitely lost block, ends the run with it.
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--show-leak-kinds=definite --num-callers=30)
# test_modindex cross-checks lookups against fnmatch over every alias line; a sparser
# sample keeps that from being a minute under valgrind.
export SPROUT_TEST_QUICK=1

ok() { pass=$((pass + 1)); echo "PASS: valgrind-$1"; }
bad() {
	fail=$((fail + 1)); echo "FAIL: valgrind-$1: $2"
	[ -f "$work/$1.vg" ] && grep -E '^==[0-9]+==' "$work/$1.vg" | head -n 40 | sed 's/^/  /'
}

# Runs "$@" under valgrind: its output in $work/NAME.out, valgrind's in NAME.vg; sets rc.
run_vg() {
	local name=$1; shift
	"${vg[@]}" --log-file="$work/$name.vg" "$@" >"$work/$name.out" 2>&1
	rc=$?
}

why() { # $1 name, $2 rc
	if [ "$2" = 99 ]; then
		echo "memory error or definite leak"
	elif [ "$2" -gt 128 ]; then
		echo "killed by signal $(($2 - 128))"
	else
		echo "exit status $2: $(tail -n 3 "$work/$1.out" | tr '\n' ' ')"
	fi
}

if ! command -v valgrind >/dev/null; then
	# make check (tests/run.sh --strict) counts this undocumented skip as a failure
	echo "SKIP: valgrind: valgrind is not installed (scripts/deps.sh)"
	exit 0
fi

# --- unit programs of the host tool and the shared library ------------------------
for src in tests/unit/test_*.c; do
	name=${src##*/}; name=${name%.c}
	mod=${name#test_}
	[ -f "src/lib/$mod.c" ] || [ -f "src/sprout/$mod.c" ] || continue
	t=$B/unit/$name
	if [ ! -x "$t" ]; then
		bad "$name" "$t is not built (make unit)"
		continue
	fi
	run_vg "$name" "$t"
	if [ "$rc" = 0 ] && grep -q '^\[  PASSED  \]' "$work/$name.out"; then
		ok "$name"
	elif [ "$rc" = 0 ]; then
		bad "$name" "no cmocka PASSED line in its output"
	else
		bad "$name" "$(why "$name" "$rc")"
	fi
done

# --- one real build, then reading the image back -------------------------------------
# The test kernel: exported by tests/run.sh; looked up (never fetched) when run alone.
if [ -z "${KVER:-}" ] && kenv=$(scripts/test-kernel.sh --env --no-fetch 2>"$work/kernel.err"); then
	KVER=$(sed -n 's/^KVER=//p' <<<"$kenv")
	MODDIR=$(sed -n 's/^MODDIR=//p' <<<"$kenv")
fi
if [ -z "${KVER:-}" ] || [ ! -d "${MODDIR:-}" ]; then
	if [ "${SPROUT_REQUIRE_KERNEL:-0}" = 1 ]; then
		bad sprout-build "no test kernel, and SPROUT_REQUIRE_KERNEL=1 ($(head -n 1 "$work/kernel.err" 2>/dev/null))"
	else
		echo "SKIP: valgrind-sprout-build: no test kernel ($(head -n 1 "$work/kernel.err" 2>/dev/null))"
	fi
elif [ ! -x $B/sprout ] || [ ! -x $B/sprout-init ]; then
	bad sprout-build "$B/sprout or $B/sprout-init is not built (make)"
else
	img=$work/generic.img
	# --config /dev/null: this host's /etc/sprout must not change what is built.
	run_vg sprout-build $B/sprout build --kver "$KVER" --moddir "$MODDIR" --generic \
		--config /dev/null -o "$img"
	if [ "$rc" != 0 ]; then
		bad sprout-build "$(why sprout-build "$rc")"
	elif [ ! -s "$img" ]; then
		bad sprout-build "exit 0 but no image at $img"
	else
		ok sprout-build
		run_vg sprout-ls $B/sprout ls "$img"
		if [ "$rc" != 0 ]; then
			bad sprout-ls "$(why sprout-ls "$rc")"
		elif ! grep -qx 'init' "$work/sprout-ls.out" ||
			! grep -qE '\.ko(\.[a-z0-9]+)?$' "$work/sprout-ls.out"; then
			bad sprout-ls "the listing has no init or no module"
		else
			ok sprout-ls
		fi
		run_vg sprout-extract $B/sprout extract "$img" "$work/root"
		if [ "$rc" != 0 ]; then
			bad sprout-extract "$(why sprout-extract "$rc")"
		elif [ ! -x "$work/root/init" ]; then
			bad sprout-extract "exit 0 but no executable init in the extracted tree"
		else
			ok sprout-extract
		fi
	fi
fi

echo "valgrind: $pass passed, $fail failed in ${SECONDS}s"
[ "$fail" = 0 ]
