#!/usr/bin/env bash
# rd.driver.blacklist= and rd.driver.pre= in QEMU, one boot of the generic image:
# ata_piix (the driver of QEMU's PIIX IDE controller, not on the way to the virtio
# root) is blacklisted and must stay out of the kernel while the root still boots;
# virtio_blk is named in rd.driver.pre= and must be loaded for that, before coldplug.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init drivers

ROOT=$E2E_TMP/root
IMG=$E2E_TMP/initrd.img

e2e_make_root "$ROOT"
# an init that lists the kernel's modules, then runs the usual test init
cat >"$ROOT/sbin/init-modules" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc 2>/dev/null
while read -r name rest; do echo "SPROUT-E2E-MODULE: $name"; done </proc/modules
exec /sbin/init
INIT
chmod 0755 "$ROOT/sbin/init-modules"
e2e_sprout_image "$IMG" --generic
e2e_disk_ext4 "$E2E_TMP/ext4.img" "$ROOT"

e2e_boot drivers --initrd "$IMG" --disk "$E2E_TMP/ext4.img" --timeout 150 \
	--append "root=/dev/vda rd.driver.blacklist=ata_piix rd.driver.pre=virtio_blk init=/sbin/init-modules"
e2e_wait drivers || true
LOG=$(e2e_log drivers)

# first line (number) of the log matching an extended regex; empty when none
line_of() { grep -nE -m1 "$1" "$LOG" | cut -d: -f1 || true; }

if e2e_log_has drivers 'SPROUT-E2E-ROOT: ok'; then
	e2e_pass root-boots
else
	e2e_fail root-boots "the root was not reached with rd.driver.blacklist= and rd.driver.pre=" drivers
fi

# the device ata_piix drives is there (so it would have loaded), and it did not
if e2e_log_has drivers 'sprout: module ata_piix is blacklisted \(rd\.driver\.blacklist\): not loaded for pci:v00008086d00007010'; then
	e2e_pass blacklist-logged
else
	e2e_fail blacklist-logged "no line saying ata_piix was refused for the PIIX IDE controller" drivers
fi
if ! e2e_log_has drivers 'SPROUT-E2E-MODULE: '; then
	e2e_fail blacklist-unloaded "the root's init did not list /proc/modules" drivers
elif e2e_log_has drivers 'SPROUT-E2E-MODULE: ata_piix$' || e2e_log_has drivers 'sprout: loaded ata_piix'; then
	e2e_fail blacklist-unloaded "ata_piix was loaded although blacklisted" drivers
else
	e2e_pass blacklist-unloaded
fi

# rd.driver.pre=: loaded for it, before the first driver coldplug loads for a device
pre=$(line_of 'sprout: loaded virtio_blk for rd\.driver\.pre')
first_dev=$(line_of 'sprout: loaded [^ ]+ .*for (pci|virtio|acpi|platform|scsi|usb):')
coldplug=$(line_of 'sprout: devices: [0-9]+ module\(s\) loaded for the devices present')
if [ -z "$pre" ]; then
	e2e_fail pre-loaded "no 'loaded virtio_blk for rd.driver.pre' line" drivers
elif [ -z "$coldplug" ] || [ "$pre" -gt "$coldplug" ] || { [ -n "$first_dev" ] && [ "$pre" -gt "$first_dev" ]; }; then
	e2e_fail pre-loaded "virtio_blk (line $pre) not loaded before coldplug (first device driver: line ${first_dev:-none}, coldplug done: line ${coldplug:-none})" drivers
else
	e2e_pass pre-loaded
fi
if e2e_log_has drivers 'SPROUT-E2E-MODULE: virtio_blk$'; then
	e2e_pass pre-in-kernel
else
	e2e_fail pre-in-kernel "virtio_blk not in /proc/modules" drivers
fi
