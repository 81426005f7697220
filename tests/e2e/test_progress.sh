#!/usr/bin/env bash
# sprout build's output without QEMU: on a terminal (a pseudo-terminal from script(1)) a
# progress line redrawn with \r (a percentage while compressing) and a summary; piped,
# only the usual lines (the "sprout: wrote" line scripts parse); -q nothing on success;
# -v each module with its reason, the storage parts, the microcode decision.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init progress --no-qemu
S=$REPO/build/sprout
T=$E2E_TMP
# Modules plain (--module-compress none): the zstd stage then has the whole tree to compress
# and lasts long enough to draw a percentage (with .ko.xz it compresses 2 MB, over at once).
B="SOURCE_DATE_EPOCH=0 '$S' build --config /dev/null --init '$REPO/build/sprout-init' --kver '$KVER' --moddir '$MODDIR' --module-compress none"

if ! command -v script >/dev/null; then
	e2e_fail pty "script(1) from util-linux is missing (Debian: bsdutils)"
	exit 1
fi

# stdout and stderr a terminal: stages, a percentage, the line erased, the summary.
script -qec "$B -o '$T/tty.img'" /dev/null >"$T/tty.out"
check tty-stages "no progress line drawn with \\r for each stage" \
	bash -c "grep -aq \$'\\rsprout: choosing modules' '$T/tty.out' &&
		grep -aq \$'\\rsprout: collecting files' '$T/tty.out' &&
		grep -aq \$'\\rsprout: writing' '$T/tty.out'"
check tty-percent "no compression percentage on the progress line" \
	grep -aEq $'\rsprout: compressing \\(zstd\\) [0-9]{1,2}%' "$T/tty.out"
check tty-erased "the progress line is not erased before the summary" \
	grep -aq $'\r\e\\[K' "$T/tty.out"
check tty-summary "no summary (files, modules, size before -> after, ratio, time)" \
	grep -aEq "^sprout: built $T/tty.img: [0-9]+ files, [0-9]+ modules, [0-9.]+ [KMG]?i?B -> [0-9.]+ [KMG]?i?B \\(zstd, [0-9]+%\\) in [0-9]+\\.[0-9] s"$'\r?$' "$T/tty.out"
check tty-no-wrote "the wrote line is printed to the terminal besides the summary" \
	bash -c "! grep -aq '^sprout: wrote' '$T/tty.out'"

# Piped: no \r, no escape, no summary; stdout exactly the one wrote line.
eval "$B -o '$T/pipe.img'" >"$T/pipe.out" 2>"$T/pipe.err"
check pipe-wrote "stdout is not the one wrote line" \
	bash -c "[ \$(wc -l <'$T/pipe.out') = 1 ] && grep -Eq '^sprout: wrote $T/pipe.img: [0-9]+ modules, [0-9]+ firmware files, [0-9]+ binary files; [0-9]+ entries, [0-9]+ bytes \\(zstd of [0-9]+\\)\$' '$T/pipe.out'"
check pipe-plain "stderr has progress or summary output when not a terminal" \
	bash -c "! grep -aq \$'[\\r\\e]' '$T/pipe.err' && ! grep -q '^sprout: built' '$T/pipe.err' &&
		! grep -qv '^sprout: \\(note\\|warning\\): ' '$T/pipe.err'"
check same-image "the terminal and the piped build differ" cmp -s "$T/tty.img" "$T/pipe.img"

# stderr a terminal, stdout piped: the summary on the terminal, the wrote line for the pipe.
script -qec "$B -o '$T/half.img' >'$T/half.out'" /dev/null >"$T/half.tty"
check half-wrote "stdout piped under a terminal lost the wrote line" \
	bash -c "[ \"\$(sed 's/half/pipe/g' '$T/half.out')\" = \"\$(cat '$T/pipe.out')\" ]"
check half-summary "no summary on the terminal" grep -aq '^sprout: built ' "$T/half.tty"

# -q: nothing at all on success, terminal or not.
script -qec "$B -q -o '$T/q.img'" /dev/null >"$T/q.tty"
eval "$B -q -o '$T/q2.img'" >"$T/q.out" 2>&1
check quiet "-q printed something on success" \
	bash -c "[ ! -s '$T/q.tty' ] && [ ! -s '$T/q.out' ] && [ -s '$T/q.img' ] && [ -s '$T/q2.img' ]"

# -v: every module line of --list-modules (name, path, reason) is in the build's stderr.
eval "$B --list-modules" >"$T/list.txt" 2>/dev/null
eval "$B -v -o '$T/v.img'" >/dev/null 2>"$T/v.err"
grep -v '^firmware	' "$T/list.txt" | sort >"$T/list.mods"
grep -v '^firmware	' "$T/v.err" | grep -v '^sprout: ' | sort >"$T/v.mods"
check verbose-reasons "-v does not name each module's reason as --list-modules does" \
	bash -c "[ -s '$T/list.mods' ] && cmp -s '$T/list.mods' '$T/v.mods' && grep -q '	class rule ' '$T/v.mods'"
check verbose-parts "-v does not name the storage parts and the microcode decision" \
	bash -c "grep -q '^sprout: -v: storage parts: ' '$T/v.err' && grep -q '^sprout: -v: microcode: ' '$T/v.err'"
