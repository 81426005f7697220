#!/usr/bin/env bash
# make lint: cppcheck and clang-tidy (configuration in .clang-tidy) over src/.
# Any finding fails. A suppression is written in place with its reason.
set -u
cd "$(dirname "$0")/.."
inc=(-Isrc/lib -Isrc/sprout -Isrc/init)
for d in src/init/*/; do inc+=("-I${d%/}"); done
flags=(-std=gnu11 -D_GNU_SOURCE -DSPROUT_VERSION='"lint"' "${inc[@]}")
status=0

echo "== cppcheck"
cppcheck -q --enable=warning,performance,portability --std=c11 --error-exitcode=1 --inline-suppr \
	-D_GNU_SOURCE "${inc[@]}" --suppress=missingIncludeSystem src/ || status=1

echo "== clang-tidy"
n=0
for f in src/*/*.c src/*/*/*.c; do
	out=$(clang-tidy -quiet "$f" -- "${flags[@]}" 2>/dev/null)
	if [ -n "$out" ]; then
		echo "$out"
		n=$((n + $(grep -c -E '(error|warning):' <<<"$out")))
	fi
done
echo "clang-tidy: $n finding(s)"
[ "$n" = 0 ] || status=1
exit $status
