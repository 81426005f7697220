# shellcheck shell=bash
# The cache pattern of the test-data scripts (scripts/test-debian-root.sh,
# scripts/test-debian-disks.sh): a thing made from known inputs lives under CACHE/KEY/, KEY the
# first 16 hex digits of the sha256 of those inputs (one "what value" line each), made when
# missing by one builder at a time. Sourced; a script calls, in order:
#   cache_options "$@"            its options: --no-build, --key (anything else: exit 2)
#   cache_key CACHE INPUTS        sets cache_dir (CACHE/KEY), cache_key and cache_inputs
#   cache_answer MARK RESULT      answers --key (the inputs on stderr, the key on stdout) and
#                                 --no-build, and a thing already made (MARK, a file under
#                                 CACHE/KEY, says so): prints RESULT and exits; returns to build
#   cache_lock                    creates CACHE, takes its lock (a second builder waits), and
#                                 exits with RESULT printed when the first one made the thing
# The inputs of every key include this file's hash (cache_key adds it). die MESSAGE: the
# script's name and MESSAGE on stderr, exit 1.

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

cache_options() {
	local a
	cache_mode=build
	for a in "$@"; do
		case $a in
		--no-build) cache_mode=nobuild ;;
		--key) cache_mode=key ;;
		*) echo "${0##*/}: unknown option '$a' (expected --no-build, --key)" >&2; exit 2 ;;
		esac
	done
}

cache_key() {
	cache_root=$1
	cache_inputs="$2
cache.sh $(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)"
	cache_key=$(sha256sum <<<"$cache_inputs" | cut -c1-16)
	cache_dir=$cache_root/$cache_key
}

cache_answer() {
	cache_mark=$1
	cache_result=$2
	case $cache_mode in
	key)
		echo "$cache_inputs" >&2
		echo "$cache_key"
		exit 0
		;;
	nobuild)
		[ -f "$cache_dir/$cache_mark" ] ||
			die "nothing made at $cache_dir yet (run ${0##*/} as root, without --no-build)"
		;;
	esac
	if [ -f "$cache_dir/$cache_mark" ]; then
		echo "$cache_result"
		exit 0
	fi
}

cache_lock() {
	mkdir -p "$cache_root" || die "cannot create $cache_root (run as root, or set the directory)"
	exec {cache_lockfd}>"$cache_root/.lock"
	flock "$cache_lockfd"
	if [ -f "$cache_dir/$cache_mark" ]; then
		echo "$cache_result"
		exit 0
	fi
}
