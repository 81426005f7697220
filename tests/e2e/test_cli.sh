#!/usr/bin/env bash
# The host tool without QEMU: reproducible builds, ls, safe extract, clear failures. Needs
# only build/sprout, build/sprout-init and the test kernel's modules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init cli --no-qemu
S=$REPO/build/sprout
T=$E2E_TMP

# Two builds of the same inputs are byte-identical (and so are images of two clocks).
SOURCE_DATE_EPOCH=0 "$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" --shell /bin/busybox -o "$T/a.img" 2>/dev/null
sleep 1
SOURCE_DATE_EPOCH=0 "$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" --shell /bin/busybox -o "$T/b.img" 2>/dev/null
check reproducible "two builds differ" cmp -s "$T/a.img" "$T/b.img"

# ls shows the contract: /init, the index files, the image metadata.
"$S" ls --long "$T/a.img" >"$T/ls.txt"
check ls-layout "sprout ls lacks init, modules.dep, modules.alias or etc/sprout/image" \
	bash -c "grep -q ' init\$' '$T/ls.txt' && grep -q 'lib/modules/$KVER/modules.dep\$' '$T/ls.txt' &&
		grep -q 'lib/modules/$KVER/modules.alias\$' '$T/ls.txt' && grep -q ' etc/sprout/image\$' '$T/ls.txt'"

# extract unpacks an image; sprout-init comes back identical.
mkdir "$T/x"
"$S" extract "$T/a.img" "$T/x" 2>/dev/null
check extract-roundtrip "extracted /init differs from build/sprout-init" cmp -s "$T/x/init" "$REPO/build/sprout-init"

# extract refuses a path that climbs out of the target, and writes nothing outside it.
mkdir -p "$T/evil/in" "$T/out"
echo pwned >"$T/evil/escaped"
(cd "$T/evil/in" && printf '../escaped\n' | cpio -o -H newc --quiet >"$T/evil.cpio")
rm "$T/evil/escaped"
if "$S" extract "$T/evil.cpio" "$T/out" 2>"$T/evil.err"; then
	e2e_fail extract-refuses-dotdot "extract of ../escaped succeeded"
else
	check extract-refuses-dotdot "no clear refusal, or a file escaped" \
		bash -c "grep -q '\\.\\./escaped' '$T/evil.err' && [ ! -e '$T/escaped' ] && [ ! -e '$T/evil/escaped' ]"
fi

# A missing modules dir: a message naming it, exit 1, no output file.
rc=0
"$S" build --config /dev/null --kver 0.0-none --moddir "$T/nomods" -o "$T/c.img" 2>"$T/c.err" || rc=$?
check missing-moddir "no clear error for a missing modules dir" \
	bash -c "[ $rc = 1 ] && grep -q '$T/nomods' '$T/c.err' && [ ! -e '$T/c.img' ]"

# An unwritable output directory: error, and no temporary file left behind. As root,
# modes do not stop writes: a read-only tmpfs in a private mount namespace does.
mkdir "$T/ro"
rc=0
if [ "$(id -u)" = 0 ]; then
	unshare -m sh -c 'mount -t tmpfs -o ro none "$1" && shift && exec "$@"' sh "$T/ro" \
		"$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" -o "$T/ro/d.img" 2>"$T/d.err" || rc=$?
else
	chmod 0555 "$T/ro"
	"$S" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" -o "$T/ro/d.img" 2>"$T/d.err" || rc=$?
fi
check unwritable-output "no clear error for an unwritable output, or a file left" \
	bash -c "[ $rc = 1 ] && grep -q 'ro/d.img' '$T/d.err' && [ -z \"\$(ls -A '$T/ro')\" ]"
cat "$T/d.err" >&2

# Flags are checked: an unknown compression is a usage error.
rc=0
"$S" build --kver "$KVER" --compress brotli -o "$T/e.img" 2>"$T/e.err" || rc=$?
check bad-flag "an unknown --compress value is not a usage error" \
	bash -c "[ $rc = 2 ] && grep -q brotli '$T/e.err' && [ ! -e '$T/e.img' ]"

# make install PREFIX=/usr DESTDIR=...: the installed sprout, given no --init, finds the
# installed sprout-init at ../lib/sprout from its own directory (so the tree may be
# moved), and make uninstall removes every file install put there.
inst=$T/inst
rc=0
make -s -C "$REPO" install PREFIX=/usr DESTDIR="$inst" >"$T/inst.log" 2>&1 || rc=$?
check install "make install PREFIX=/usr DESTDIR failed" \
	bash -c "[ $rc = 0 ] && [ -x '$inst/usr/bin/sprout' ] && [ -x '$inst/usr/lib/sprout/sprout-init' ]"
rc=0
"$inst/usr/bin/sprout" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" \
	-o "$T/inst.img" 2>"$T/inst.err" || rc=$?
mkdir "$T/instx"
"$S" extract "$T/inst.img" "$T/instx" 2>>"$T/inst.err" || rc=$?
check install-finds-init "the installed sprout did not use its installed sprout-init" \
	bash -c "[ $rc = 0 ] && cmp -s '$T/instx/init' '$inst/usr/lib/sprout/sprout-init'"
cat "$T/inst.err" >&2
mv "$inst/usr" "$T/moved"
rc=0
"$T/moved/bin/sprout" build --config /dev/null --kver "$KVER" --moddir "$MODDIR" \
	-o "$T/moved.img" 2>"$T/moved.err" || rc=$?
check install-relocatable "a moved install does not find its sprout-init" \
	bash -c "[ $rc = 0 ] && [ -s '$T/moved.img' ]"
mv "$T/moved" "$inst/usr"
rc=0
make -s -C "$REPO" uninstall PREFIX=/usr DESTDIR="$inst" >>"$T/inst.log" 2>&1 || rc=$?
check uninstall "make uninstall left files behind" \
	bash -c "[ $rc = 0 ] && [ -z \"\$(find '$inst' ! -type d)\" ]"

# ls of a gzip bomb (513 MiB of zeros in a 2 MiB stream) stops at the unpack limit with an
# error naming the file and the limit, within bounded memory (1 GB of address space).
head -c 513M /dev/zero | gzip -1 >"$T/bomb.gz"
rc=0
(ulimit -v 1000000 && exec "$S" ls "$T/bomb.gz") >/dev/null 2>"$T/bomb.err" || rc=$?
check ls-gzip-bomb "ls of a gzip bomb: no clear error naming the file and the 512 MiB limit" \
	bash -c "[ $rc = 1 ] && grep -q '$T/bomb.gz: offset 0: gzip stream: .*512 MiB' '$T/bomb.err'"
cat "$T/bomb.err" >&2
rm -f "$T/bomb.gz"

# extract into a DIR that is a symlink: DIR is followed (the user named it), as tar -C does.
mkdir "$T/real"
ln -s real "$T/link"
"$S" extract "$T/a.img" "$T/link" 2>/dev/null || true
check extract-into-symlink "extract into a symlinked DIR did not write through it" \
	cmp -s "$T/real/init" "$REPO/build/sprout-init"
