#!/usr/bin/env bash
# `sprout image build|publish` without QEMU: reproducible squashfs and erofs images of a
# small tree, FILE.sha256 as sha256sum writes it, owners kept, the publish/rollback symlink
# states, and clear refusals that leave nothing half-written. Needs build/sprout,
# squashfs-tools and erofs-utils (scripts/deps.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init image-tool --no-qemu --no-kernel
S=$REPO/build/sprout
T=$E2E_TMP
for tool in mksquashfs unsquashfs mkfs.erofs; do
	if ! command -v $tool >/dev/null; then
		e2e_fail image-tool-deps "$tool not installed (scripts/deps.sh installs squashfs-tools, erofs-utils)"
		exit 1
	fi
done

# A small root tree: owners that are not root's, a set-uid file, a symlink, an empty dir.
mk_tree() {
	local d=$1
	mkdir -p "$d/etc" "$d/bin" "$d/home/u" "$d/empty"
	echo "root:x:0:0::/root:/bin/sh" >"$d/etc/passwd"
	printf '#!/bin/sh\necho hi\n' >"$d/bin/tool"
	chmod 4755 "$d/bin/tool"
	echo data >"$d/home/u/file"
	ln -s ../etc/passwd "$d/bin/link"
	if [ "$(id -u)" = 0 ]; then
		chown -R 1234:5678 "$d/home/u"
	fi
}
mk_tree "$T/tree"
# the same tree again, its entries made in another order at another time
mkdir -p "$T/tree2/empty" "$T/tree2/home/u" "$T/tree2/bin" "$T/tree2/etc"
sleep 1
mk_tree "$T/tree2"

# --- build: squashfs ------------------------------------------------------------------------
mkdir "$T/out"
"$S" image build "$T/tree" -o "$T/out/a.sqfs" >"$T/a.stdout"
"$S" image build "$T/tree2" -o "$T/out/b.sqfs" >/dev/null
check squashfs-reproducible "two builds of the same tree differ" cmp -s "$T/out/a.sqfs" "$T/out/b.sqfs"
check squashfs-is-squashfs "the image is not a squashfs (magic hsqs)" \
	bash -c "[ \"\$(head -c 4 '$T/out/a.sqfs')\" = hsqs ]"
check squashfs-sha256-file "a.sqfs.sha256 is not what sha256sum prints" \
	bash -c "cd '$T/out' && [ \"\$(cat a.sqfs.sha256)\" = \"\$(sha256sum a.sqfs)\" ] && sha256sum -c --status a.sqfs.sha256"
check squashfs-prints-line "build did not print the .sha256 line" cmp -s "$T/a.stdout" "$T/out/a.sqfs.sha256"
check squashfs-no-tmp "a temporary file was left beside the image" \
	bash -c "[ -z \"\$(ls '$T/out' | grep -v -x -e a.sqfs -e a.sqfs.sha256 -e b.sqfs -e b.sqfs.sha256)\" ]"
TZ=UTC unsquashfs -lln "$T/out/a.sqfs" >"$T/a.list"
cat "$T/a.list" >&2
check squashfs-modes "the set-uid bit or the symlink was not kept" \
	bash -c "grep -q '^-rwsr-xr-x .*/bin/tool\$' '$T/a.list' && grep -q '^l.*/bin/link -> ../etc/passwd\$' '$T/a.list'"
if [ "$(id -u)" = 0 ]; then
	check squashfs-owners "numeric owners 1234/5678 not kept" grep -q ' 1234/5678 .*/home/u/file$' "$T/a.list"
fi
check squashfs-mtime-default "timestamps are not 1970-01-01 without SOURCE_DATE_EPOCH" \
	bash -c "! grep -v ' 1970-01-01 00:00 ' '$T/a.list' | grep -q '^[-dl]'"
SOURCE_DATE_EPOCH=1700000000 "$S" image build "$T/tree" -o "$T/out/c.sqfs" >/dev/null
check squashfs-source-date-epoch "SOURCE_DATE_EPOCH=1700000000 did not set every timestamp" \
	bash -c "TZ=UTC unsquashfs -lln '$T/out/c.sqfs' | grep '^[-dl]' | grep -v -q ' 2023-11-14 22:13 ' && exit 1 || ! cmp -s '$T/out/a.sqfs' '$T/out/c.sqfs'"

# --- build: erofs ---------------------------------------------------------------------------
"$S" image build --erofs "$T/tree" -o "$T/out/a.erofs" >/dev/null
"$S" image build "$T/tree2" -o "$T/out/b.erofs" --erofs >/dev/null
check erofs-reproducible "two erofs builds of the same tree differ" cmp -s "$T/out/a.erofs" "$T/out/b.erofs"
check erofs-is-erofs "the image has no erofs magic at 1024" \
	bash -c "[ \"\$(od -An -tx4 -j1024 -N4 '$T/out/a.erofs' | tr -d ' ')\" = e0f5e1e2 ]"
check erofs-sha256-file "a.erofs.sha256 is not what sha256sum prints" \
	bash -c "cd '$T/out' && [ \"\$(cat a.erofs.sha256)\" = \"\$(sha256sum a.erofs)\" ]"

# --- build: refusals --------------------------------------------------------------------------
fails() { # fails NAME WHY REGEX CMD...: exit 1, a message matching REGEX, no FILE nor FILE.tmp
	local name=$1 why=$2 re=$3 rc=0
	shift 3
	"$@" >/dev/null 2>"$T/$name.err" || rc=$?
	cat "$T/$name.err" >&2
	check "$name" "$why" bash -c "[ $rc = 1 ] && grep -q -E -e '$re' '$T/$name.err' &&
		[ ! -e '$T/out/x.sqfs' ] && [ ! -e '$T/out/x.sqfs.tmp' ] && [ ! -e '$T/out/x.sqfs.sha256' ]"
}
fails build-missing-dir "no clear error for a missing DIR" "$T/nope: No such file" \
	"$S" image build "$T/nope" -o "$T/out/x.sqfs"
fails build-dir-is-file "no clear error for a DIR that is a file" "passwd: not a directory" \
	"$S" image build "$T/tree/etc/passwd" -o "$T/out/x.sqfs"
fails build-outdir-missing "no clear error for a missing output directory" "$T/nodir does not exist" \
	"$S" image build "$T/tree" -o "$T/nodir/x.sqfs"
fails build-no-mksquashfs "no message naming mksquashfs and squashfs-tools" "mksquashfs not found.*squashfs-tools" \
	env PATH=/nonexistent "$S" image build "$T/tree" -o "$T/out/x.sqfs"
fails build-no-mkfs-erofs "no message naming mkfs.erofs and erofs-utils" "mkfs.erofs not found.*erofs-utils" \
	env PATH=/nonexistent "$S" image build --erofs "$T/tree" -o "$T/out/x.sqfs"
rc=0
"$S" image build "$T/tree" >/dev/null 2>&1 || rc=$?
check build-usage "build without -o is not a usage error (2)" test $rc = 2

# A tool that dies after writing half an image: the old FILE and FILE.sha256 stay as they
# were, and no temporary file is left.
mkdir "$T/fakebin"
printf '#!/bin/sh\necho half >"$2"\nexit 1\n' >"$T/fakebin/mksquashfs"
chmod 755 "$T/fakebin/mksquashfs"
cp "$T/out/a.sqfs" "$T/out/keep.sqfs"
cp "$T/out/a.sqfs.sha256" "$T/out/keep.sqfs.sha256"
rc=0
PATH="$T/fakebin:$PATH" "$S" image build "$T/tree" -o "$T/out/keep.sqfs" >/dev/null 2>"$T/half.err" || rc=$?
cat "$T/half.err" >&2
check build-half-written "a failed build touched the old image or left its temporary file" \
	bash -c "[ $rc = 1 ] && cmp -s '$T/out/a.sqfs' '$T/out/keep.sqfs' && cmp -s '$T/out/a.sqfs.sha256' '$T/out/keep.sqfs.sha256' &&
		[ ! -e '$T/out/keep.sqfs.tmp' ] && grep -q 'keep.sqfs not written' '$T/half.err'"

# --- publish and roll back --------------------------------------------------------------------
P=$T/pub
mkdir "$P"
echo v1 >"$T/tree/etc/version"
"$S" image build "$T/tree" -o "$P/root-v1.sqfs" >/dev/null
echo v2 >"$T/tree/etc/version"
"$S" image build "$T/tree" -o "$P/root-v2.sqfs" >/dev/null
"$S" image publish "$P/root-v1.sqfs" --as "$P/root.sqfs" >/dev/null
check publish-first "root.sqfs is not a symlink to root-v1.sqfs with its .sha256 beside it" \
	bash -c "[ \"\$(readlink '$P/root.sqfs')\" = root-v1.sqfs ] && [ \"\$(readlink '$P/root.sqfs.sha256')\" = root-v1.sqfs.sha256 ]"
"$S" image publish "$P/root-v2.sqfs" --as "$P/root.sqfs" >"$T/pub2.out"
cat "$T/pub2.out" >&2
check publish-switch "root.sqfs does not point at v2 (image and checksum)" \
	bash -c "[ \"\$(readlink '$P/root.sqfs')\" = root-v2.sqfs ] && [ \"\$(readlink '$P/root.sqfs.sha256')\" = root-v2.sqfs.sha256 ] &&
		cmp -s '$P/root.sqfs' '$P/root-v2.sqfs' && [ \"\$(sha256sum <'$P/root.sqfs' | cut -c1-64)\" = \"\$(cut -c1-64 '$P/root.sqfs.sha256')\" ]"
check publish-says-rollback "publish did not print how to roll back" grep -q "root-v1.sqfs -> root-v2.sqfs (to roll back: sprout image publish $P/root-v1.sqfs --as $P/root.sqfs)" "$T/pub2.out"
check publish-no-tmp "a temporary symlink was left" \
	bash -c "[ \$(ls '$P' | wc -l) = 6 ]"
"$S" image publish "$P/root-v1.sqfs" --as "$P/root.sqfs" >/dev/null
check rollback "rolling back did not point root.sqfs at v1 again" \
	bash -c "[ \"\$(readlink '$P/root.sqfs')\" = root-v1.sqfs ] && [ \"\$(readlink '$P/root.sqfs.sha256')\" = root-v1.sqfs.sha256 ] && cmp -s '$P/root.sqfs' '$P/root-v1.sqfs'"
exec {v1}<"$P/root.sqfs"
"$S" image publish "$P/root-v2.sqfs" --as "$P/root.sqfs" >/dev/null
check running-keeps-v1 "a reader that opened root.sqfs before the switch to v2 no longer reads v1" \
	bash -c "cmp -s - '$P/root-v1.sqfs' <&$v1 && cmp -s '$P/root.sqfs' '$P/root-v2.sqfs'"
exec {v1}<&-
"$S" image publish "$P/root-v1.sqfs" --as "$P/root.sqfs" >/dev/null

# refusals: a file that does not match its checksum, a real file under the published name,
# two directories; the published link is left as it was
cp "$P/root-v2.sqfs" "$P/root-v3.sqfs"
cp "$P/root-v1.sqfs.sha256" "$P/root-v3.sqfs.sha256"
rc=0
"$S" image publish "$P/root-v3.sqfs" --as "$P/root.sqfs" >/dev/null 2>"$T/bad.err" || rc=$?
cat "$T/bad.err" >&2
check publish-bad-checksum "an image not matching its .sha256 was published, or no clear error" \
	bash -c "[ $rc = 1 ] && grep -q 'root-v3.sqfs: its sha256 is' '$T/bad.err' && [ \"\$(readlink '$P/root.sqfs')\" = root-v1.sqfs ]"
rm "$P/root-v3.sqfs.sha256"
rc=0
"$S" image publish "$P/root-v3.sqfs" --as "$P/root.sqfs" >/dev/null 2>"$T/nosum.err" || rc=$?
check publish-no-checksum "an image without .sha256 was published, or no clear error" \
	bash -c "[ $rc = 1 ] && grep -q 'root-v3.sqfs.sha256: No such file' '$T/nosum.err' && [ \"\$(readlink '$P/root.sqfs')\" = root-v1.sqfs ]"
cp "$P/root-v1.sqfs" "$P/plain.sqfs"
rc=0
"$S" image publish "$P/root-v2.sqfs" --as "$P/plain.sqfs" >/dev/null 2>"$T/plain.err" || rc=$?
check publish-not-over-file "a real image under the published name was replaced, or no clear error" \
	bash -c "[ $rc = 1 ] && grep -q 'plain.sqfs is not a symlink' '$T/plain.err' && [ ! -L '$P/plain.sqfs' ] && cmp -s '$P/plain.sqfs' '$P/root-v1.sqfs'"
rc=0
"$S" image build "$T/tree" -o "$P/root.sqfs" >/dev/null 2>"$T/overlink.err" || rc=$?
check build-not-over-link "building over the published symlink was not refused, or it changed" \
	bash -c "[ $rc = 1 ] && grep -q 'root.sqfs is a symlink' '$T/overlink.err' && [ \"\$(readlink '$P/root.sqfs')\" = root-v1.sqfs ] && [ ! -e '$P/root.sqfs.tmp' ]"
mkdir "$T/other"
rc=0
"$S" image publish "$P/root-v2.sqfs" --as "$T/other/root.sqfs" >/dev/null 2>"$T/dirs.err" || rc=$?
check publish-same-dir "publishing across directories was not refused" \
	bash -c "[ $rc = 1 ] && grep -q 'must be in the same directory' '$T/dirs.err' && [ ! -e '$T/other/root.sqfs' ]"

[ "$E2E_NFAIL" = 0 ]
