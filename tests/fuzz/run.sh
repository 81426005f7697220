#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target for SECONDS over its seed corpus
# (tests/corpus/NAME). New inputs go to build/corpus/NAME, never into the tree;
# a crash leaves its input in build/crashes/ — add it to the corpus and to the
# unit tests once fixed.
set -u
secs=$1; shift
cd "$(dirname "$0")/../.."
mkdir -p build/crashes
status=0
for t in "$@"; do
	name=${t##*/fuzz_}
	mkdir -p "build/corpus/$name"
	seeds=tests/corpus/$name
	[ -d "$seeds" ] || seeds=
	echo "== fuzz $name for ${secs}s"
	log=build/corpus/$name.log
	if "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=build/crashes/"$name"- "build/corpus/$name" $seeds >"$log" 2>&1; then
		grep -E 'stat::number_of_executed_units|DONE' "$log"
	else
		status=1
		tail -n 40 "$log"
		echo "fuzz $name: FAILED"
	fi
done
exit $status
