#!/usr/bin/env bash
# rd.driver.blacklist= and rd.driver.pre= in QEMU, one boot of the generic image:
# ata_piix (the driver of QEMU's PIIX IDE controller, not on the way to the virtio
# root) is blacklisted and must stay out of the kernel while the root still boots;
# virtio_blk is named in rd.driver.pre= and must be loaded for that, before coldplug.
# Root first, in the same boot and two more: the IDE/CD-ROM drivers are not loaded before
# the virtio root is mounted (the root has no device manager: they come at handover);
# a root with one (an executable /sbin/udevd) is left to load them; a root on an IDE disk,
# next to a virtio disk, is found when the kept drivers are loaded after the grace.
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

# --- root first -------------------------------------------------------------------------------
mounted=$(line_of 'sprout: root: mounted /dev/vda')
kept=$(line_of 'sprout: devices: root first: the drivers of [0-9]+ device\(s\) wait \(.*IDE controller')
early_legacy=$(grep -nE 'sprout: loaded (ata_generic|ata_piix|libata|scsi_mod|cdrom|sr_mod|floppy)( |$)' "$LOG" |
	cut -d: -f1 | awk -v m="${mounted:-0}" '$1 < m' | head -n1)
handover=$(line_of 'sprout: devices: handover: the root has no device manager')
if [ -z "$kept" ] || [ -z "$mounted" ]; then
	e2e_fail rootfirst-kept "no 'root first: ... wait (... IDE controller' line (line ${kept:-none}) or no root mounted (${mounted:-none})" drivers
elif [ -n "$early_legacy" ]; then
	e2e_fail rootfirst-kept "an IDE/CD-ROM driver was loaded (line $early_legacy) before the root was mounted (line $mounted)" drivers
elif [ -z "$handover" ] || [ "$handover" -lt "$mounted" ]; then
	e2e_fail rootfirst-kept "the kept drivers were not loaded at handover, after the root (line ${handover:-none})" drivers
else
	e2e_pass rootfirst-kept
fi
if e2e_log_has drivers 'sprout: tl: defer (ata_generic|ata_piix) [0-9.]+ [0-9.]+ loaded by=pci:v00008086d00007010'; then
	e2e_pass rootfirst-timeline
else
	e2e_fail rootfirst-timeline "no 'defer ... loaded by=pci:v00008086d00007010' event in the timeline" drivers
fi

# A root with a device manager: the kept drivers are its to load, none is loaded here.
ROOT_DM=$E2E_TMP/root-dm
e2e_make_root "$ROOT_DM"
cp "$ROOT/sbin/init-modules" "$ROOT_DM/sbin/init-modules"
printf '#!/bin/busybox sh\nexit 0\n' >"$ROOT_DM/sbin/udevd"
chmod 0755 "$ROOT_DM/sbin/udevd"
e2e_disk_ext4 "$E2E_TMP/dm.img" "$ROOT_DM"
e2e_boot left --initrd "$IMG" --disk "$E2E_TMP/dm.img" --timeout 150 \
	--append "root=/dev/vda init=/sbin/init-modules"
e2e_wait left || true
if ! e2e_log_has left 'SPROUT-E2E-ROOT: ok'; then
	e2e_fail rootfirst-left "the root with a device manager was not reached" left
elif ! e2e_log_has left "sprout: devices: the drivers of [0-9]+ device\\(s\\) not on the way to the root \\(.*IDE controller.*\\) are left to the root's /sbin/udevd"; then
	e2e_fail rootfirst-left "no line saying the kept drivers are left to the root's /sbin/udevd" left
elif e2e_log_has left 'SPROUT-E2E-MODULE: (ata_piix|sr_mod|libata)$' || e2e_log_has left 'sprout: loaded (ata_piix|sr_mod) '; then
	e2e_fail rootfirst-left "an IDE/CD-ROM driver was loaded although the root has a device manager" left
else
	e2e_pass rootfirst-left
fi

# A root on an IDE disk while a virtio disk is there: not among the first devices, found
# once the kept drivers are loaded.
e2e_disk_ext4 "$E2E_TMP/ide.img" "$ROOT_DM"
truncate -s 8M "$E2E_TMP/other.img"
e2e_boot ide --initrd "$IMG" --disk "$E2E_TMP/other.img" --timeout 150 \
	--extra "-drive file=$E2E_TMP/ide.img,if=ide,format=raw" --append "root=/dev/sda"
e2e_wait ide || true
if ! e2e_log_has ide 'SPROUT-E2E-ROOT: ok'; then
	e2e_fail rootfirst-ide "the root on the IDE disk was not reached" ide
elif ! e2e_log_has ide 'sprout: devices: root: root=/dev/sda not found among the devices brought up first after [0-9]+ ms: loading the drivers kept for later'; then
	e2e_fail rootfirst-ide "no line saying the kept drivers were loaded because the root was not found" ide
else
	e2e_pass rootfirst-ide
fi
