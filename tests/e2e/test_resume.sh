#!/usr/bin/env bash
# Resume from hibernation on the whole stack of a guided encrypted install: RAID1 > LUKS2 > LVM
# with a swap LV (stack-a/b of scripts/test-disks.sh). The root's init starts a counter, swaps
# on the swap LV and hibernates; the next boot of the same disks with resume=UUID= of the swap
# brings the same counter back (same PID, same boot id, its count going on); the same
# hibernated disks booted with noresume start afresh. A resume= that names no device: a
# warning naming it, and the root is reached. Four boots, each on copies of the cached disks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init resume

PASS=sprout-test
U_ROOT=5a000000-0000-4000-8000-0000000000f1
U_SWAP=5a000000-0000-4000-8000-0000000000f2
U_LUKS=5a000000-0000-4000-8000-000000000002
MD=5a000000:00000000:40000000:00000001
MEM=384 # the resuming kernel must hold the whole image besides the initramfs: 256 MiB failed (-ENOMEM)
IMG=$E2E_TMP/initrd.img

if ! DISKS=$("$E2E_REPO/scripts/test-disks.sh"); then
	e2e_fail disks "scripts/test-disks.sh could not make the disk set (its messages above)"
	exit 1
fi
# copies FROM TO NAME...: sparse copies of disk images.
copies() {
	local from=$1 to=$2 d
	shift 2
	for d in "$@"; do
		cp --reflink=auto --sparse=always "$from/$d.img" "$to/$d.img"
	done
}

# The passphrase as a key file in the image, so no boot waits for typing.
printf '%s' "$PASS" >"$E2E_TMP/stack.key"
if ! out=$(e2e_sprout_image "$IMG" --generic --with luks,lvm,md,resume \
	--include "$E2E_TMP/stack.key:/etc/stack.key" 2>&1); then
	echo "$out" >&2
	e2e_fail image "sprout build --generic --with luks,lvm,md,resume failed: $(tail -n 3 <<<"$out")"
	exit 1
fi
STACK="root=UUID=$U_ROOT rd.md.uuid=$MD rd.luks.uuid=$U_LUKS rd.luks.key=/etc/stack.key"

# run NAME APPEND DIR: boots the stack disks in DIR to the end (QEMU exits: power-off).
run() {
	e2e_run "$1" --initrd "$IMG" --mem "$MEM" --timeout 400 --append "$2" \
		--disk "$3/stack-a.img" --disk "$3/stack-b.img" || true
}
# field NAME KEY REGEX: the value of KEY= on the first line matching REGEX.
field() {
	local text
	text=$(e2e__text "$1" | grep -aE -- "$3") || return 0
	sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$text" | head -n 1
}
# maxcount NAME BOOTID: the largest n= the counter of that boot printed.
maxcount() {
	local text
	text=$(e2e__text "$1" | grep -a "^SPROUT-E2E-COUNT: .* boot=$2 ") || return 0
	sed -n 's/.* n=\([0-9]*\)$/\1/p' <<<"$text" | sort -n | tail -n 1
}

mkdir -p "$E2E_TMP/hib" "$E2E_TMP/hib2"
copies "$DISKS" "$E2E_TMP/hib" stack-a stack-b

# 1. Hibernate: the image goes to the swap LV, the guest powers off.
run hibernate "$STACK init=/sbin/hibernate-test -- hibernate /dev/stackvg/swap" "$E2E_TMP/hib"
ID=$(field hibernate boot '^SPROUT-E2E-COUNTER: started')
PID=$(field hibernate pid '^SPROUT-E2E-COUNTER: started')
BEFORE=$(maxcount hibernate "${ID:-none}")
echo "resume: hibernated boot $ID, counter pid $PID at n=$BEFORE" >&2
hibernated() {
	[ -n "$ID" ] && [ -n "$PID" ] && [ -n "$BEFORE" ] &&
		e2e_log_has hibernate '^SPROUT-E2E-HIBERNATE: writing' &&
		e2e_log_has hibernate 'PM: .*[Ss]aving image|hibernation image|Image saving' &&
		e2e_log_lacks hibernate '^SPROUT-E2E-COUNTER: done|^SPROUT-E2E-HIBERNATE: (failed|swapon)'
}
if ! check hibernate "the root's init did not hibernate to /dev/stackvg/swap (no image written?)" \
	hibernated; then
	e2e__text hibernate | grep -aE 'SPROUT-E2E|PM:|sprout: (resume|storage)' | tail -n 20 >&2
	exit 1
fi
# The noresume boot gets the same hibernated disks.
copies "$E2E_TMP/hib" "$E2E_TMP/hib2" stack-a stack-b

# 2. Resume: the same counter process goes on counting.
t0=$SECONDS
run resume "$STACK resume=UUID=$U_SWAP init=/sbin/hibernate-test" "$E2E_TMP/hib"
wall=$((SECONDS - t0))
AFTER=$(maxcount resume "$ID")
resumed() {
	e2e_log_has resume "^SPROUT-E2E-RESUMED: boot=$ID" &&
		e2e_log_has resume "^SPROUT-E2E-COUNT: pid=$PID boot=$ID n=$((BEFORE + 1))\$" &&
		[ -n "$AFTER" ] && [ "$AFTER" -gt "$BEFORE" ] &&
		e2e_log_lacks resume '^SPROUT-E2E-COUNTER: started|^SPROUT-E2E-COUNT: .* n=1$'
}
check resume "the counter (pid $PID, boot $ID, n=$BEFORE) did not go on after the boot with resume=UUID=$U_SWAP (n now: ${AFTER:-none})" \
	resumed
check_log resume-log "sprout-init did not say it handed a hibernation image to the kernel" resume \
	"sprout: resume: resume=UUID=$U_SWAP is /dev/dm-[0-9]+ \\([0-9]+:[0-9]+\\).*hibernation image"
t_init=$(e2e_ktime resume 'Run /init') || t_init=
t_hand=$(e2e_ktime resume 'sprout: resume: resume=') || t_hand=
echo "resume: resumed boot: counter at n=$AFTER; Run /init at ${t_init:-?} s, image handed to the kernel at ${t_hand:-?} s; QEMU ran ${wall} s in all" >&2

# 3. noresume on the same hibernated disks: a new boot, a new counter from 1.
run noresume "$STACK resume=UUID=$U_SWAP noresume init=/sbin/hibernate-test" "$E2E_TMP/hib2"
NEW=$(field noresume boot '^SPROUT-E2E-COUNTER: started')
afresh() {
	[ -n "$NEW" ] && [ "$NEW" != "$ID" ] &&
		e2e_log_has noresume "^SPROUT-E2E-COUNT: .* boot=$NEW n=1\$" &&
		e2e_log_has noresume "^SPROUT-E2E-COUNTER: done boot=$NEW" &&
		e2e_log_lacks noresume "boot=$ID|^SPROUT-E2E-RESUMED"
}
check noresume "with noresume the boot did not start afresh (boot id ${NEW:-none}, hibernated one $ID)" afresh
check_log noresume-log "no log line saying noresume skipped the resume" noresume \
	'sprout: resume: noresume: not resuming'

# 4. A resume device that never appears: a warning naming it after the bounded wait, then the root.
copies "$DISKS" "$E2E_TMP" lvm
e2e_run missing --initrd "$IMG" --timeout 240 --disk "$E2E_TMP/lvm.img" \
	--append "root=/dev/sproutvg/root resume=UUID=0badc0de-0000-4000-8000-000000000000" || true
check_log missing "the root was not reached with a resume device that never appears" missing \
	'^SPROUT-E2E-ROOT: ok'
check_log missing-warning "no warning naming the resume device that never appeared" missing \
	'sprout: resume: resume=UUID=0badc0de-0000-4000-8000-000000000000 did not appear within 10 s'
