#!/usr/bin/env bash
# Storage stacks: roots on LUKS2 (passphrase typed on the serial console), LUKS1 (key file in
# the image), md RAID1 (whole and degraded), LVM, and LVM on LUKS2 on RAID1 with a swap LV;
# a wrong passphrase three times ends in the rescue shell with every disk unchanged.
# The disks come from scripts/test-disks.sh (made once in a QEMU guest, then cached); every
# boot gets copies, so the cached set is never written.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init storage

PASS=sprout-test
WITH=luks,lvm,md
ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img
KEYIMG=$E2E_TMP/initrd-key.img
U_LUKS2=2a000000-0000-4000-8000-000000000001
U_LUKS1=1a000000-0000-4000-8000-000000000001
U_STACK_LUKS=5a000000-0000-4000-8000-000000000002
MD_RAID=3a000000:00000000:40000000:00000001
MD_STACK=5a000000:00000000:40000000:00000001
fs_uuid() { echo "${1}000000-0000-4000-8000-0000000000f1"; }

# --- the disk set ---------------------------------------------------------------------------
t0=$(date +%s%N)
if ! DISKS=$("$E2E_REPO/scripts/test-disks.sh"); then
	e2e_fail disks "scripts/test-disks.sh could not make the disk set (its messages above)"
	exit 1
fi
t1=$(date +%s%N)
echo "storage: disk set $DISKS ($(((t1 - t0) / 1000000)) ms)" >&2
# sums_ok: the cached set matches the SHA256SUMS written when it was made.
sums_ok() {
	(cd "$DISKS" && sha256sum --quiet -c SHA256SUMS)
}
check disks-sums "the cached disk set does not match its SHA256SUMS" sums_ok
# A second call finds the set in the cache: the same directory, no guest started (it says
# "making" only when it makes the set), the images untouched.
stamp=$(stat -c %Y "$DISKS/SHA256SUMS")
again=$("$E2E_REPO/scripts/test-disks.sh" 2>"$E2E_TMP/disks-again.err")
check disks-cached "a second scripts/test-disks.sh named another set ($again) or remade it: $(cat "$E2E_TMP/disks-again.err")" \
	sh -c '[ "$1" = "$2" ] && ! grep -q making "$3" && [ "$(stat -c %Y "$2/SHA256SUMS")" = "$4" ]' \
	_ "$again" "$DISKS" "$E2E_TMP/disks-again.err" "$stamp"

# blkid_is IMG KEY=VALUE...: blkid -p on the host reads the signature of a disk image.
blkid_is() {
	local got kv
	got=$(blkid -p -o export "$DISKS/$1") || return 1
	shift
	for kv in "$@"; do
		grep -qxF "$kv" <<<"$got" || { echo "storage: $kv not in: ${got//$'\n'/ }" >&2; return 1; }
	done
}
check disks-luks2 "luks2.img is not LUKS2 $U_LUKS2" \
	blkid_is luks2.img TYPE=crypto_LUKS VERSION=2 UUID=$U_LUKS2
check disks-luks1 "luks1.img is not LUKS1 $U_LUKS1" \
	blkid_is luks1.img TYPE=crypto_LUKS VERSION=1 UUID=$U_LUKS1
# members A B UUID: both images are md 1.2 members of the array (blkid spells its UUID so).
members() {
	blkid_is "$1" TYPE=linux_raid_member VERSION=1.2 UUID="$3" &&
		blkid_is "$2" TYPE=linux_raid_member VERSION=1.2 UUID="$3"
}
check disks-raid "raid-a/b.img are not members of md array $MD_RAID" \
	members raid-a.img raid-b.img 3a000000-0000-0000-4000-000000000001
check disks-lvm "lvm.img is not an LVM physical volume" blkid_is lvm.img TYPE=LVM2_member
check disks-stack "stack-a/b.img are not members of md array $MD_STACK" \
	members stack-a.img stack-b.img 5a000000-0000-0000-4000-000000000001
check disks-key "luks1.key is not 64 bytes" test "$(stat -c %s "$DISKS/luks1.key")" = 64

# copy NAME...: fresh copies of cached disks under $E2E_TMP/NAME.img (sparse, reflinked where
# the filesystem can).
copy() {
	local d
	for d in "$@"; do
		rm -f "$E2E_TMP/$d.img"
		cp --reflink=auto --sparse=always "$DISKS/$d.img" "$E2E_TMP/$d.img"
	done
}
disk_args() {
	local d
	for d in "$@"; do printf -- '--disk\n%s\n' "$E2E_TMP/$d.img"; done
}

# --- the images -----------------------------------------------------------------------------
# One generic image with the storage tools; the same with the LUKS1 key file at /etc/luks1.key.
e2e_make_root "$ROOT"
IMG_WHY='' KEYIMG_WHY=''
if ! out=$(e2e_sprout_image "$IMG" --generic --with "$WITH" 2>&1); then
	IMG_WHY="sprout build --generic --with $WITH failed: $(tail -n 3 <<<"$out")"
	echo "$out" >&2
else
	listing=$("$E2E_REPO/build/sprout" ls "$IMG")
	for t in cryptsetup mdadm lvm; do
		check "image-$t" "the image built with --with $WITH has no /sbin/$t" \
			grep -qE "(^|[ /])sbin/$t( |\$)" <<<"$listing"
	done
fi
if ! out=$(e2e_sprout_image "$KEYIMG" --generic --with "$WITH" \
	--include "$DISKS/luks1.key:/etc/luks1.key" 2>&1); then
	KEYIMG_WHY="sprout build --generic --with $WITH --include $DISKS/luks1.key:/etc/luks1.key failed: $(tail -n 3 <<<"$out")"
	echo "$out" >&2
fi

# why NAME: what the boot's log says went wrong: whether a storage phase spoke at all, and the
# last sprout line that complains (the rescue shell's own lines left out).
why() {
	local text line storage
	text=$(e2e__text "$1" 2>/dev/null | tr -d '\033' | grep -a 'sprout: ') || true
	if grep -aq 'sprout: storage' <<<"$text"; then
		storage="the storage phase ran"
	else
		storage="no 'sprout: storage' line (no storage phase in sprout-init?)"
	fi
	line=$(grep -aiE 'error|fail|not found|missing|no such|cannot|ignor|unknown|wrong|timed out' \
		<<<"$text" | grep -avE 'rescue shell on the console|phase failed|without a driver|check root=' |
		tail -n 1 | sed 's/^\[ *[0-9.]*\] //') || true
	echo "$storage; last complaint: ${line:-none}"
}

# boot NAME IMAGE APPEND DISKS...: boots, waits for the root's marker or the rescue shell
# (then stops QEMU); 0 when the root was reached.
boot() {
	local name=$1 img=$2 append=$3
	shift 3
	local -a dargs
	mapfile -t dargs < <(disk_args "$@")
	e2e_boot "$name" --initrd "$img" --append "$append" --timeout 240 --interactive "${dargs[@]}"
	settle "$name"
}
# settle NAME: waits (180 s at most) for the root marker or the rescue shell, stops QEMU.
settle() {
	e2e_expect "$1" 'SPROUT-E2E-ROOT: ok|rescue shell on the console' 180 || true
	e2e_stop "$1" >/dev/null 2>&1 || true
	e2e_log_has "$1" '^SPROUT-E2E-ROOT: ok' || return 1
	echo "storage: $1: root's init at $(e2e__text "$1" | sed -n 's/^SPROUT-E2E-TIME: //p' | head -n 1) s" \
		"of uptime; $(e2e_timeline "$1" | sed -n 's/.*\(\/init ran [0-9.]*s\).*/\1/p' | head -n 1)" >&2
}
# prompt NAME UUID: the passphrase prompt that names the LUKS device's UUID (since the last
# e2e_send); false at once when the rescue shell comes first.
prompt() {
	local re="[Pp]assphrase.*$2|$2.*[Pp]assphrase"
	e2e_expect "$1" "$re|rescue shell on the console" 180 || return 1
	e2e_expect "$1" "$re" 0 2>/dev/null
}

if [ -n "$IMG_WHY" ]; then
	for s in luks2-passphrase luks1-keyfile raid1 raid1-degraded lvm-path stack wrong-passphrase; do
		e2e_fail "$s" "$IMG_WHY"
	done
else
	# LUKS2, passphrase typed on the console; the disk is unchanged (read-only root).
	copy luks2
	sum=$(e2e_sum "$E2E_TMP/luks2.img")
	e2e_boot luks2 --initrd "$IMG" --interactive --timeout 240 --disk "$E2E_TMP/luks2.img" \
		--append "root=UUID=$(fs_uuid 2a) rd.luks.uuid=$U_LUKS2"
	if prompt luks2 "$U_LUKS2"; then
		e2e_send luks2 "$PASS"
		if settle luks2; then
			e2e_pass luks2-passphrase
			check luks2-noecho "the typed passphrase was echoed on the console" \
				e2e_log_lacks luks2 "$PASS"
			check luks2-unchanged "a read-only boot changed luks2.img" \
				test "$(e2e_sum "$E2E_TMP/luks2.img")" = "$sum"
		else
			e2e_fail luks2-passphrase "passphrase accepted but root not reached; $(why luks2)"
		fi
	else
		e2e_stop luks2 >/dev/null 2>&1 || true
		e2e_fail luks2-passphrase "no passphrase prompt naming $U_LUKS2; $(why luks2)"
	fi

	# LUKS1 with the key file in the image: no prompt.
	copy luks1
	sum=$(e2e_sum "$E2E_TMP/luks1.img")
	if [ -n "$KEYIMG_WHY" ]; then
		e2e_fail luks1-keyfile "$KEYIMG_WHY"
	elif boot luks1 "$KEYIMG" "root=UUID=$(fs_uuid 1a) rd.luks.uuid=$U_LUKS1 rd.luks.key=/etc/luks1.key" luks1; then
		e2e_pass luks1-keyfile
		check luks1-noprompt "asked for a passphrase though rd.luks.key= was given" \
			e2e_log_lacks luks1 "[Pp]assphrase.*$U_LUKS1|$U_LUKS1.*[Pp]assphrase"
		check luks1-unchanged "a read-only boot changed luks1.img" \
			test "$(e2e_sum "$E2E_TMP/luks1.img")" = "$sum"
	else
		e2e_fail luks1-keyfile "root on LUKS1 with rd.luks.key=/etc/luks1.key not reached; $(why luks1)"
	fi

	# RAID1 from both disks, found without any rd.md key.
	copy raid-a raid-b
	if boot raid "$IMG" "root=UUID=$(fs_uuid 3a)" raid-a raid-b; then
		e2e_pass raid1
	else
		e2e_fail raid1 "root on RAID1 $MD_RAID not reached; $(why raid)"
	fi

	# The same with raid-b gone: degraded after a bounded wait, with a warning.
	copy raid-a
	if boot degraded "$IMG" "root=UUID=$(fs_uuid 3a) rd.md.uuid=$MD_RAID" raid-a; then
		e2e_pass raid1-degraded
		check_log raid1-degraded-warning "no warning about the missing member of the degraded array" \
			degraded '[Dd]egraded.*([Mm]issing|member)|([Mm]issing|member).*[Dd]egraded'
	else
		e2e_fail raid1-degraded "root on RAID1 with one member missing not reached; $(why degraded)"
	fi

	# LVM by /dev/VG/LV; the disk is unchanged.
	copy lvm
	sum=$(e2e_sum "$E2E_TMP/lvm.img")
	if boot lvm "$IMG" "root=/dev/sproutvg/root" lvm; then
		e2e_pass lvm-path
		check lvm-unchanged "a read-only boot changed lvm.img" \
			test "$(e2e_sum "$E2E_TMP/lvm.img")" = "$sum"
	else
		e2e_fail lvm-path "root=/dev/sproutvg/root not reached; $(why lvm)"
	fi

	# The whole stack, as a guided encrypted install lays it out (with a swap LV).
	copy stack-a stack-b
	e2e_boot stack --initrd "$IMG" --interactive --timeout 240 \
		--disk "$E2E_TMP/stack-a.img" --disk "$E2E_TMP/stack-b.img" \
		--append "root=UUID=$(fs_uuid 5a) rd.md.uuid=$MD_STACK rd.luks.uuid=$U_STACK_LUKS rd.lvm.lv=stackvg/root"
	if prompt stack "$U_STACK_LUKS"; then
		e2e_send stack "$PASS"
		if settle stack; then
			e2e_pass stack
		else
			e2e_fail stack "passphrase accepted but root on LVM on LUKS on RAID1 not reached; $(why stack)"
		fi
	else
		e2e_stop stack >/dev/null 2>&1 || true
		e2e_fail stack "no passphrase prompt naming $U_STACK_LUKS; $(why stack)"
	fi

	# A wrong passphrase three times: a message, the rescue shell, nothing written.
	copy luks2
	sum=$(e2e_sum "$E2E_TMP/luks2.img")
	e2e_boot wrong --initrd "$IMG" --interactive --timeout 240 --disk "$E2E_TMP/luks2.img" \
		--append "root=UUID=$(fs_uuid 2a) rd.luks.uuid=$U_LUKS2"
	ok=1
	for n in 1 2 3; do
		if ! prompt wrong "$U_LUKS2"; then
			ok=0
			e2e_fail wrong-passphrase "no passphrase prompt $n naming $U_LUKS2; $(why wrong)"
			break
		fi
		e2e_send wrong "not-the-passphrase-$n"
	done
	if [ $ok = 1 ]; then
		if e2e_expect wrong 'rescue shell on the console' 120; then
			check_log wrong-passphrase-message "no message naming $U_LUKS2 after three wrong passphrases" \
				wrong "$U_LUKS2.*([Ww]rong|[Nn]o key|3|three)|([Ww]rong|[Nn]o key|three).*$U_LUKS2"
			e2e_send wrong 'echo "SHELL-$((6 * 7))"'
			check wrong-passphrase "the rescue shell did not answer" e2e_expect wrong '^SHELL-42' 30
		else
			e2e_fail wrong-passphrase "no rescue shell after three wrong passphrases; $(why wrong)"
		fi
	fi
	e2e_stop wrong >/dev/null 2>&1 || true
	check wrong-unchanged "three wrong passphrases changed luks2.img" \
		test "$(e2e_sum "$E2E_TMP/luks2.img")" = "$sum"
fi

# An image without the storage tools: no disk is probed for layers up front, and when the
# root does not appear the root wait still finds the LVM member and names the tool it needs.
copy lvm
e2e_sprout_image "$E2E_TMP/plain.img" --generic
boot notools "$E2E_TMP/plain.img" "root=/dev/sproutvg/root rd.timeout=5" lvm || true
check_log notools-named "no message naming the missing lvm and --with lvm" notools \
	'has no /sbin/lvm.*sprout build --with lvm'

# No boot wrote to the cached set.
check disks-untouched "a test changed the cached disk set" sums_ok
