#!/usr/bin/env bash
# Looking into images without QEMU: sprout cat, ls (names and --long), info and diff on
# built images, each checked against what sprout extract unpacks; and the one CLI: every
# command's --help and `sprout help COMMAND` exit 0 and name the command, usage errors
# name the command's own help, --version and -V.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init inspect --no-qemu
S=$REPO/build/sprout
T=$E2E_TMP

SOURCE_DATE_EPOCH=0 "$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" -o "$T/a.img" >/dev/null 2>&1
SOURCE_DATE_EPOCH=0 "$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" --shell /bin/busybox \
	--cmdline "quiet rd.debug" -o "$T/b.img" >/dev/null 2>&1
mkdir "$T/xa" "$T/xb"
"$S" extract "$T/a.img" "$T/xa" 2>/dev/null
"$S" extract "$T/b.img" "$T/xb" 2>/dev/null

# cat: the same bytes as extract; a symlink and a missing name are clear failures
check cat-init "sprout cat IMAGE /init differs from the extracted init" \
	bash -c "'$S' cat '$T/a.img' /init | cmp -s - '$T/xa/init'"
check cat-meta "sprout cat IMAGE etc/sprout/image differs from the extracted file" \
	bash -c "'$S' cat '$T/b.img' etc/sprout/image | cmp -s - '$T/xb/etc/sprout/image'"
rc=0; "$S" cat "$T/b.img" bin/sh >/dev/null 2>"$T/cat.err" || rc=$?
check cat-symlink "cat of a symlink is not refused naming its target" \
	bash -c "[ $rc = 1 ] && grep -q 'symlink to busybox' '$T/cat.err'"
rc=0; "$S" cat "$T/a.img" no/such >/dev/null 2>"$T/cat.err" || rc=$?
check cat-missing "cat of a missing name does not fail naming it" \
	bash -c "[ $rc = 1 ] && grep -q 'no/such' '$T/cat.err'"

# ls: names only by default (what extract made), --long with modes and link targets
# (sort -u: a directory both archives make, the modules' and the main one, is listed twice)
"$S" ls "$T/b.img" | sort -u >"$T/names"
(cd "$T/xb" && find . -mindepth 1 ! -type c ! -type b | sed 's|^\./||' | sort) >"$T/found"
check ls-names "sprout ls names differ from what extract unpacked (device nodes aside)" \
	bash -c "grep -v '^dev/\(console\|null\)\$' '$T/names' | cmp -s - '$T/found'"
check ls-long "sprout ls --long lacks modes, sizes or the symlink's target" \
	bash -c "'$S' ls --long '$T/b.img' | grep -Eq '^lrwxrwxrwx .* bin/sh -> busybox\$' &&
		'$S' ls -l '$T/b.img' | grep -Eq '^-rwx.* [0-9]+ init\$'"

# info: counts and sizes by category agree with the extracted tree; the baked command line
"$S" info "$T/b.img" >"$T/info"
nmods=$(find "$T/xb/lib/modules" -name '*.ko*' -type f | wc -l)
modbytes=$(find "$T/xb/lib/modules" -name '*.ko*' -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
check info-modules "sprout info's module count or size differs from the extracted modules ($nmods, $modbytes bytes)" \
	grep -q "^modules: *$nmods, $modbytes bytes" "$T/info"
check info-kver "sprout info does not give the kernel version and compression" \
	bash -c "grep -q '^kver: *$KVER\$' '$T/info' && grep -q '^compression: *zstd' '$T/info'"
check info-cmdline "sprout info does not show the baked command line" grep -q '^cmdline: .*quiet rd.debug' "$T/info"
mkdir -p "$T/mc/kernel/x86/microcode"
head -c 1000 /dev/urandom >"$T/mc/kernel/x86/microcode/GenuineIntel.bin"
(cd "$T/mc" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$T/early.cpio"
cat "$T/early.cpio" "$T/a.img" >"$T/c.img"
# a generic image starts with its own uncompressed part already (the .ko.xz modules)
a_early=$("$S" info "$T/a.img" | sed -n 's/^early part: .*bytes 0-\([0-9]*\) .*/\1/p')
check info-early "sprout info does not say where the early (microcode and .ko.xz) part ends" \
	grep -q "^early part: .*bytes 0-$(($(stat -c %s "$T/early.cpio") + ${a_early:-0})) " <("$S" info "$T/c.img")

# diff: the entries one image has over the other, with sizes; none against itself
rc=0; "$S" diff "$T/a.img" "$T/b.img" >"$T/diff" || rc=$?
check diff-added "sprout diff A B does not list busybox as added with its size, or exits 0" \
	bash -c "[ $rc = 1 ] && grep -qx '+ bin/busybox ($(stat -c %s "$T/xb/bin/busybox") bytes)' '$T/diff' &&
		grep -q '^5 added, 0 removed, 0 changed' '$T/diff'"
rc=0; "$S" diff "$T/b.img" "$T/a.img" >"$T/diff2" || rc=$?
check diff-removed "sprout diff B A does not list busybox as removed" grep -q '^- bin/busybox ' "$T/diff2"
check diff-same "sprout diff of an image with itself is not empty and 0" \
	bash -c "'$S' diff '$T/a.img' '$T/a.img' | grep -qx '0 added, 0 removed, 0 changed; contents +0 bytes'"

# one CLI: every command's help, both ways
for c in build ls cat info diff extract pxe rank analyze wrapper devices update image; do
	check "help-$c" "sprout $c --help / sprout help $c do not exit 0 naming the command" \
		bash -c "'$S' $c --help | grep -q 'sprout $c' && '$S' help $c | grep -q 'sprout $c'"
done
for c in ls cat info diff extract rank analyze pxe wrapper devices update image; do
	rc=0; "$S" "$c" --no-such-option >/dev/null 2>"$T/u.err" || rc=$?
	check "usage-$c" "a usage error of sprout $c does not exit 2 naming its own help" \
		bash -c "[ $rc = 2 ] && grep -q 'sprout $c --help' '$T/u.err'"
done
check version "--version and -V do not print the version" \
	bash -c "'$S' --version | grep -q '^sprout [0-9]' && '$S' -V | grep -q '^sprout [0-9]'"
# -o - writes the image to standard output (the same bytes as a file; no file named "-")
(cd "$T" && SOURCE_DATE_EPOCH=0 "$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" -o - \
	>"$T/stdout.img" 2>"$T/stdout.err") || true
check build-stdout "sprout build -o - did not write the image to standard output" \
	bash -c "cmp -s '$T/stdout.img' '$T/a.img' && [ ! -e '$T/-' ] && grep -q 'wrote standard output' '$T/stdout.err'"

# -q: errors only (nothing on success), still the image
SOURCE_DATE_EPOCH=0 "$S" build -q --config /dev/null --kver "$KVER" --moddir "$MODDIR" -o "$T/q.img" >"$T/q.out" 2>&1 || true
check build-quiet "sprout build -q printed something on success, or wrote another image" \
	bash -c "[ ! -s '$T/q.out' ] && cmp -s '$T/q.img' '$T/a.img'"

# bash completion: installed by make install, completes the commands and their options
make -s -C "$REPO" install PREFIX=/usr DESTDIR="$T/inst" >/dev/null 2>&1 || true
completes() {
	local comp=$T/inst/usr/share/bash-completion/completions/sprout
	[ -f "$comp" ] || return 1
	# shellcheck disable=SC1090
	. "$comp"
	COMP_WORDS=(sprout an); COMP_CWORD=1; _sprout
	[ "${COMPREPLY[*]}" = analyze ] || return 1
	COMP_WORDS=(sprout ls --l); COMP_CWORD=2; _sprout
	[ "${COMPREPLY[*]}" = --long ]
}
check completion "make install does not install a bash completion that completes commands and options" completes

[ "$E2E_NFAIL" = 0 ]
