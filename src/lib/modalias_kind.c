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
	{ 0x01, 0x00, -1, { "SCSI controller", NULL, true } },
	{ 0x01, 0x01, -1, { "IDE controller", NULL, true } },
	{ 0x01, 0x04, -1, { "RAID controller", NULL, true } },
	{ 0x01, 0x05, -1, { "ATA controller", NULL, true } },
	{ 0x01, 0x06, 0x01, { "SATA controller (AHCI)", "ahci", true } },
	{ 0x01, 0x06, -1, { "SATA controller", NULL, true } },
	{ 0x01, 0x07, -1, { "SAS controller", NULL, true } },
	{ 0x01, 0x08, 0x02, { "NVM Express controller", "nvme", true } },
	{ 0x01, -1, -1, { "storage controller", NULL, true } },
	{ 0x0c, 0x04, -1, { "Fibre Channel controller", NULL, true } },
	{ 0x08, 0x05, -1, { "SD host controller", "sdhci_pci", true } },
	{ 0x02, -1, -1, { "network controller", NULL, false } },
	{ 0x0c, 0x03, 0x30, { "USB 3 controller", "xhci_pci", false } },
	{ 0x0c, 0x03, 0x20, { "USB 2 controller", "ehci_pci", false } },
	{ 0x0c, 0x03, -1, { "USB controller", NULL, false } },
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
		virtio_net = { "virtio network device", "virtio_net", false },
		virtio_blk = { "virtio block device", "virtio_blk", true },
		virtio_scsi = { "virtio SCSI host", "virtio_scsi", true },
		scsi_disk = { "SCSI disk", "sd_mod", true },
		scsi_cd = { "SCSI CD-ROM", "sr_mod", true },
		usb_storage = { "USB mass storage", "usb_storage", true },
		usb_uas = { "USB attached SCSI", "uas", true },
		mmc = { "MMC/SD card", "mmc_block", true },
		xen_blk = { "Xen block device", "xen_blkfront", true },
		xen_net = { "Xen network device", "xen_netfront", false };
	if (!strncmp(a, "virtio:d", 8)) {
		long id = hex_at(a + 8, 8);
		return id == 1 ? &virtio_net : id == 2 ? &virtio_blk : id == 8 ? &virtio_scsi : NULL;
	}
	if (!strncmp(a, "pci:", 4))
		return pci_kind(a);
	if (!strncmp(a, "scsi:t-0x", 9)) {
		long type = hex_at(a + 9, 2);
		return type == 0 ? &scsi_disk : type == 5 ? &scsi_cd : NULL;
	}
	if (!strncmp(a, "usb:", 4) && field(a, "ic") == 0x08)
		return field(a, "ip") == 0x62 ? &usb_uas : &usb_storage;
	if (!strcmp(a, "mmc:block"))
		return &mmc;
	if (!strcmp(a, "xen:vbd"))
		return &xen_blk;
	if (!strcmp(a, "xen:vif"))
		return &xen_net;
	return NULL;
}
