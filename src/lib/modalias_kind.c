/* modalias_kind: a modalias classified by its bus prefix and the fields that say what
 * the device is (PCI class, virtio device id, SCSI type, USB interface class). */
#include "modalias_kind.h"

#include <stddef.h>
#include <string.h>

#include "base/array.h"
#include "base/hex.h"

/* Exactly n hex digits at s; -1 when they are not (the NUL ends them early). */
static long hex_at(const char *s, int n)
{
	long v = 0;
	for (int i = 0; i < n; i++) {
		int d = hex_value((unsigned char)s[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The 2-digit hex value after the first `key` at or after s, or -1. */
static long field(const char *s, const char *key)
{
	const char *p = s ? strstr(s, key) : NULL;
	return p ? hex_at(p + strlen(key), 2) : -1;
}

/* PCI class, subclass, programming interface (-1: any) -> kind; the first match wins,
 * so the specific rows come before the catch-all of their class. */
static const struct {
	int class, sub, progif;
	struct modalias_kind kind;
} pci_kinds[] = {
	{ 0x01, 0x00, -1, { "SCSI controller", NULL, true, MODALIAS_NEED_ROOT } },
	/* an IDE disk can hold the root, but today's IDE is mostly a VM's CD-ROM drive */
	{ 0x01, 0x01, -1, { "IDE controller", NULL, true, MODALIAS_NEED_LEGACY } },
	{ 0x01, 0x02, -1, { "floppy controller", NULL, true, MODALIAS_NEED_LEGACY } },
	{ 0x01, 0x04, -1, { "RAID controller", NULL, true, MODALIAS_NEED_ROOT } },
	{ 0x01, 0x05, -1, { "ATA controller", NULL, true, MODALIAS_NEED_ROOT } },
	{ 0x01, 0x06, 0x01, { "SATA controller (AHCI)", "ahci", true, MODALIAS_NEED_ROOT } },
	{ 0x01, 0x06, -1, { "SATA controller", NULL, true, MODALIAS_NEED_ROOT } },
	{ 0x01, 0x07, -1, { "SAS controller", NULL, true, MODALIAS_NEED_ROOT } },
	{ 0x01, 0x08, 0x02, { "NVM Express controller", "nvme", true, MODALIAS_NEED_ROOT } },
	{ 0x01, -1, -1, { "storage controller", NULL, true, MODALIAS_NEED_ROOT } },
	{ 0x0c, 0x04, -1, { "Fibre Channel controller", NULL, true, MODALIAS_NEED_ROOT } },
	{ 0x08, 0x05, -1, { "SD host controller", "sdhci_pci", true, MODALIAS_NEED_ROOT } },
	{ 0x02, -1, -1, { "network controller", NULL, false, MODALIAS_NEED_NET } },
	{ 0x0c, 0x03, 0x30, { "USB 3 controller", "xhci_pci", false, MODALIAS_NEED_ROOT } },
	{ 0x0c, 0x03, 0x20, { "USB 2 controller", "ehci_pci", false, MODALIAS_NEED_ROOT } },
	{ 0x0c, 0x03, -1, { "USB controller", NULL, false, MODALIAS_NEED_ROOT } },
	{ 0x07, 0x00, -1, { "serial controller", NULL, false, MODALIAS_NEED_ROOT } },
	/* the console before their drivers is the firmware's (vgacon, efifb): enough for a
	 * passphrase prompt; the real system's device manager loads them */
	{ 0x03, -1, -1, { "display controller", NULL, false, MODALIAS_NEED_NONE } },
	{ 0x04, -1, -1, { "multimedia controller", NULL, false, MODALIAS_NEED_NONE } },
	{ 0x0c, 0x05, -1, { "SMBus controller", NULL, false, MODALIAS_NEED_NONE } },
};

static const struct modalias_kind *pci_kind(const char *a)
{
	/* pci:vVVVVVVVVdDDDDDDDDsvSSSSSSSSsdSSSSSSSSbcCCscSSiII: hex digits are upper
	 * case, so the lowercase keys cannot occur inside a value */
	const char *bc = strstr(a, "bc");
	long class = bc ? hex_at(bc + 2, 2) : -1, sub = field(bc, "sc"), progif = field(bc, "i");
	if (class < 0 || sub < 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pci_kinds); i++)
		if (pci_kinds[i].class == class && (pci_kinds[i].sub < 0 || pci_kinds[i].sub == sub) &&
		    (pci_kinds[i].progif < 0 || pci_kinds[i].progif == progif))
			return &pci_kinds[i].kind;
	return NULL;
}

const struct modalias_kind *modalias_kind(const char *a)
{
	static const struct modalias_kind
		virtio_net = { "virtio network device", "virtio_net", false, MODALIAS_NEED_NET },
		virtio_blk = { "virtio block device", "virtio_blk", true, MODALIAS_NEED_ROOT },
		virtio_scsi = { "virtio SCSI host", "virtio_scsi", true, MODALIAS_NEED_ROOT },
		virtio_console = { "virtio console", "virtio_console", false, MODALIAS_NEED_ROOT },
		scsi_disk = { "SCSI disk", "sd_mod", true, MODALIAS_NEED_ROOT },
		scsi_cd = { "SCSI CD-ROM", "sr_mod", true, MODALIAS_NEED_LEGACY },
		usb_storage = { "USB mass storage", "usb_storage", true, MODALIAS_NEED_ROOT },
		usb_uas = { "USB attached SCSI", "uas", true, MODALIAS_NEED_ROOT },
		usb_hid = { "USB input device", "usbhid", false, MODALIAS_NEED_INPUT },
		usb_audio = { "USB audio device", NULL, false, MODALIAS_NEED_NONE },
		serio = { "PS/2 port device", NULL, false, MODALIAS_NEED_INPUT },
		hid = { "HID device", NULL, false, MODALIAS_NEED_INPUT },
		input = { "input device", NULL, false, MODALIAS_NEED_INPUT },
		floppy = { "floppy drive", "floppy", true, MODALIAS_NEED_LEGACY },
		speaker = { "PC speaker", NULL, false, MODALIAS_NEED_NONE },
		hda = { "HD audio codec", NULL, false, MODALIAS_NEED_NONE },
		mmc = { "MMC/SD card", "mmc_block", true, MODALIAS_NEED_ROOT },
		xen_blk = { "Xen block device", "xen_blkfront", true, MODALIAS_NEED_ROOT },
		xen_net = { "Xen network device", "xen_netfront", false, MODALIAS_NEED_NET };
	if (!strncmp(a, "virtio:d", 8)) {
		long id = hex_at(a + 8, 8);
		return id == 1 ? &virtio_net : id == 2 ? &virtio_blk : id == 3 ? &virtio_console :
		       id == 8 ? &virtio_scsi : NULL;
	}
	if (!strncmp(a, "pci:", 4))
		return pci_kind(a);
	if (!strncmp(a, "scsi:t-0x", 9)) {
		long type = hex_at(a + 9, 2);
		return type == 0 ? &scsi_disk : type == 5 ? &scsi_cd : NULL;
	}
	if (!strncmp(a, "usb:", 4)) {
		long ic = field(a, "ic");
		if (ic == 0x08)
			return field(a, "ip") == 0x62 ? &usb_uas : &usb_storage;
		return ic == 0x03 ? &usb_hid : ic == 0x01 ? &usb_audio : NULL;
	}
	if (!strncmp(a, "serio:", 6))
		return &serio;
	if (!strncmp(a, "hid:", 4))
		return &hid;
	if (!strncmp(a, "input:", 6))
		return &input;
	if (!strncmp(a, "hdaudio:", 8))
		return &hda;
	if (!strncmp(a, "acpi:PNP0700:", 13) || !strcmp(a, "platform:floppy"))
		return &floppy;
	if (!strcmp(a, "platform:pcspkr"))
		return &speaker;
	if (!strcmp(a, "mmc:block"))
		return &mmc;
	if (!strcmp(a, "xen:vbd"))
		return &xen_blk;
	if (!strcmp(a, "xen:vif"))
		return &xen_net;
	return NULL;
}

bool modalias_first(const char *a, unsigned needs)
{
	const struct modalias_kind *k = modalias_kind(a);

	return !k || k->need == MODALIAS_NEED_ROOT || (k->need & needs & ~(unsigned)MODALIAS_NEED_NONE);
}
