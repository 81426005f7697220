/* kmodsel_rules: the boot classes of module paths, and the pure parsers of the
 * selection (modinfo softdep values, the mount table). See kmodsel.h. */
#include "kmodsel.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "base/array.h"
#include "procswaps.h"

/* --- the rule table ----------------------------------------------------------------
 * Paths relative to kernel/; the longest matching prefix decides. A row is a class
 * of hardware or filesystem the boot may need, not a module list: new drivers in a
 * class are picked up by new kernels. GENERIC rows go in every generic image; HOST
 * rows are boot classes too big or too rare for every image (a host-only image takes
 * them when the device is there; --add-modules adds them to a generic one).
 * Libraries (lib/, crypto/, drivers/base ...) come in as dependencies.
 * Measured on Debian's 6.1.0: 277 modules, 48 MB of .ko, a 10 MB image with zstd -19
 * (dracut's generic image: 39 MB). */
struct rule {
	const char *prefix;
	enum kmodsel_class cls;
};

static const struct rule rules[] = {
	/* block devices: virtio_blk, loop (image files), nbd, xen-blkfront, brd */
	{ "drivers/block/", KMODSEL_GENERIC },
	{ "drivers/block/drbd/", KMODSEL_HOST },        /* replication, 0.9 MB */
	{ "drivers/block/rbd.ko", KMODSEL_HOST },       /* Ceph; pulls 1 MB of libceph */
	{ "drivers/block/zram/", KMODSEL_NONE },        /* swap, never a root */
	{ "drivers/block/null_blk/", KMODSEL_NONE },    /* a test device */
	{ "drivers/block/xen-blkback/", KMODSEL_NONE }, /* runs in the Xen host, not a guest */
	{ "drivers/block/floppy.ko", KMODSEL_HOST },
	/* SATA: AHCI and the SATA controllers, QEMU's PIIX; old PATA chips only host-only */
	{ "drivers/ata/", KMODSEL_HOST },
	{ "drivers/ata/ahci", KMODSEL_GENERIC },
	{ "drivers/ata/ata_", KMODSEL_GENERIC },        /* ata_piix, ata_generic */
	{ "drivers/ata/pata_acpi", KMODSEL_GENERIC },
	{ "drivers/ata/sata_", KMODSEL_GENERIC },
	/* SCSI: disks and CD-ROMs (sd_mod, sr_mod), virtual HBAs and the current SAS/RAID
	 * controllers; Fibre Channel, iSCSI offload and parallel SCSI cards only host-only */
	{ "drivers/scsi/", KMODSEL_HOST },
	{ "drivers/scsi/sd_mod.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/sr_mod.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/sg.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/device_handler/", KMODSEL_GENERIC }, /* multipath ALUA, RDAC */
	{ "drivers/scsi/virtio_scsi.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/vmw_pvscsi.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/hv_storvsc.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/xen-scsifront.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/megaraid/", KMODSEL_GENERIC },
	{ "drivers/scsi/mpt3sas/", KMODSEL_GENERIC },
	{ "drivers/scsi/mpi3mr/", KMODSEL_GENERIC },
	{ "drivers/scsi/smartpqi/", KMODSEL_GENERIC },
	{ "drivers/scsi/hpsa.ko", KMODSEL_GENERIC },
	{ "drivers/scsi/aacraid/", KMODSEL_GENERIC },
	{ "drivers/scsi/scsi_debug.ko", KMODSEL_NONE },
	/* NVMe over PCIe and TCP (RDMA and FC would pull InfiniBand and FC stacks) */
	{ "drivers/nvme/host/", KMODSEL_GENERIC },
	{ "drivers/nvme/host/nvme-rdma.ko", KMODSEL_HOST },
	{ "drivers/nvme/host/nvme-fc.ko", KMODSEL_HOST },
	{ "drivers/nvme/common/", KMODSEL_GENERIC },
	{ "drivers/pci/controller/vmd.ko", KMODSEL_GENERIC }, /* NVMe behind Intel VMD */
	/* SD/eMMC */
	{ "drivers/mmc/core/", KMODSEL_GENERIC },
	{ "drivers/mmc/host/", KMODSEL_HOST },          /* card readers */
	{ "drivers/mmc/host/sdhci", KMODSEL_GENERIC },  /* eMMC and SD on PCI/ACPI */
	{ "drivers/mmc/host/cqhci.ko", KMODSEL_GENERIC },
	/* md RAID and device-mapper (LVM, LUKS, multipath, verity) */
	{ "drivers/md/", KMODSEL_GENERIC },
	{ "drivers/md/bcache/", KMODSEL_HOST },
	{ "drivers/md/md-cluster.ko", KMODSEL_HOST },   /* pulls the DLM */
	/* virtual machines: virtio transports and devices, Hyper-V's bus */
	{ "drivers/virtio/", KMODSEL_GENERIC },
	{ "drivers/hv/", KMODSEL_GENERIC },
	/* USB: host controllers and mass storage (boot sticks, card readers) */
	{ "drivers/usb/host/", KMODSEL_GENERIC },
	{ "drivers/usb/storage/", KMODSEL_GENERIC },
	/* keyboards, for passphrases and the rescue shell: PS/2, USB and I2C HID, the
	 * vendor HID drivers that take over common keyboards; other HID only host-only */
	{ "drivers/input/keyboard/", KMODSEL_GENERIC },
	{ "drivers/input/serio/", KMODSEL_GENERIC },
	{ "drivers/hid/", KMODSEL_HOST },
	{ "drivers/hid/hid-generic.ko", KMODSEL_GENERIC },
	{ "drivers/hid/usbhid/", KMODSEL_GENERIC },
	{ "drivers/hid/i2c-hid/", KMODSEL_GENERIC },
	{ "drivers/hid/hid-apple.ko", KMODSEL_GENERIC },
	{ "drivers/hid/hid-logitech-", KMODSEL_GENERIC }, /* Unifying receivers */
	{ "drivers/hid/hid-microsoft.ko", KMODSEL_GENERIC },
	/* network, for NFS roots: virtual NICs, the common vendors' families and the
	 * datacenter NICs a diskless farm boots from (Intel i40e/ice, Broadcom bnxt_en,
	 * Mellanox ConnectX-4 and later, mlx5: 4 MB); the rest (ConnectX-3's mlx4 among
	 * them) only host-only or by --add-modules */
	{ "drivers/net/ethernet/", KMODSEL_HOST },
	{ "drivers/net/ethernet/intel/", KMODSEL_GENERIC },
	{ "drivers/net/ethernet/mellanox/mlx5/core/", KMODSEL_GENERIC },
	{ "drivers/net/ethernet/intel/fm10k/", KMODSEL_HOST }, /* switch silicon */
	{ "drivers/net/ethernet/realtek/", KMODSEL_GENERIC },
	{ "drivers/net/ethernet/broadcom/", KMODSEL_GENERIC },
	{ "drivers/net/ethernet/broadcom/bnx2x/", KMODSEL_HOST }, /* 1.7 MB, old 10G */
	{ "drivers/net/ethernet/amazon/", KMODSEL_GENERIC },      /* ENA */
	{ "drivers/net/ethernet/google/", KMODSEL_GENERIC },      /* gVNIC */
	{ "drivers/net/ethernet/microsoft/", KMODSEL_GENERIC },   /* MANA */
	{ "drivers/net/virtio_net.ko", KMODSEL_GENERIC },
	{ "drivers/net/vmxnet3/", KMODSEL_GENERIC },
	{ "drivers/net/hyperv/", KMODSEL_GENERIC },
	{ "drivers/net/xen-netfront.ko", KMODSEL_GENERIC },
	{ "net/packet/", KMODSEL_GENERIC },   /* af_packet: the DHCP client's raw socket */
	/* root filesystems; vfat for EFI partitions with its default code pages */
	{ "fs/ext4/", KMODSEL_GENERIC },
	{ "fs/xfs/", KMODSEL_GENERIC },
	{ "fs/btrfs/", KMODSEL_GENERIC },
	{ "fs/fat/", KMODSEL_GENERIC },
	{ "fs/nls/nls_cp437.ko", KMODSEL_GENERIC },
	{ "fs/nls/nls_iso8859-1.ko", KMODSEL_GENERIC },
	{ "fs/nls/nls_utf8.ko", KMODSEL_GENERIC },
	{ "fs/nls/nls_ascii.ko", KMODSEL_GENERIC },
	{ "fs/squashfs/", KMODSEL_GENERIC },
	{ "fs/erofs/", KMODSEL_GENERIC },
	{ "fs/isofs/", KMODSEL_GENERIC },
	{ "fs/overlayfs/", KMODSEL_GENERIC }, /* sprout.overlay= */
	{ "fs/fuse/", KMODSEL_GENERIC },      /* and virtiofs */
	/* NFS client: nfs, nfsv3, nfsv4, lockd, sunrpc (not RDMA: InfiniBand stack) */
	{ "fs/nfs/", KMODSEL_GENERIC },
	{ "fs/nfs_common/", KMODSEL_GENERIC },
	{ "fs/lockd/", KMODSEL_GENERIC },
	{ "net/sunrpc/", KMODSEL_GENERIC },
	{ "net/sunrpc/xprtrdma/", KMODSEL_HOST },
	/* crypto dm-crypt/LUKS and the filesystems ask for by name (softdeps resolve the
	 * rest): xts, essiv, the AF_ALG sockets cryptsetup uses, crc32c */
	{ "crypto/xts.ko", KMODSEL_GENERIC },
	{ "crypto/essiv.ko", KMODSEL_GENERIC },
	{ "crypto/af_alg.ko", KMODSEL_GENERIC },
	{ "crypto/algif_skcipher.ko", KMODSEL_GENERIC },
	{ "crypto/crc32c_generic.ko", KMODSEL_GENERIC },
	{ "arch/x86/crypto/crc32c-intel.ko", KMODSEL_GENERIC },
};

enum kmodsel_class kmodsel_classify(const char *relpath)
{
	return kmodsel_classify_rule(relpath, NULL);
}

enum kmodsel_class kmodsel_classify_rule(const char *relpath, const char **prefix)
{
	enum kmodsel_class cls = KMODSEL_NONE;
	size_t best = 0;

	if (prefix)
		*prefix = NULL;
	if (strncmp(relpath, "kernel/", 7) != 0)
		return KMODSEL_NONE;
	relpath += 7;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		size_t n = strlen(rules[i].prefix);

		if (n > best && !strncmp(relpath, rules[i].prefix, n)) {
			best = n;
			cls = rules[i].cls;
			if (prefix)
				*prefix = rules[i].prefix;
		}
	}
	return cls;
}

/* --- pure parsers ------------------------------------------------------------------- */

int kmodsel_parse_softdep(const char *buf, size_t len,
			  int (*fn)(const char *name, bool post, void *ctx), void *ctx)
{
	char name[KMODSEL_MAX_NAME];
	int section = -1; /* 0 pre, 1 post */
	size_t i = 0;

	while (i < len) {
		size_t start, n;
		int r;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t')
			i++;
		n = i - start;
		if (n == 0)
			break;
		if (n == 4 && !memcmp(buf + start, "pre:", 4)) {
			section = 0;
			continue;
		}
		if (n == 5 && !memcmp(buf + start, "post:", 5)) {
			section = 1;
			continue;
		}
		if (section < 0 || n >= sizeof(name) || memchr(buf + start, '\0', n))
			return -EBADMSG;
		memcpy(name, buf + start, n);
		name[n] = '\0';
		r = fn(name, section == 1, ctx);
		if (r)
			return r;
	}
	return 0;
}

int kmodsel_dep_walk(const char *buf, size_t len,
		     int (*fn)(const char *path, size_t pathlen, const char *line, size_t linelen,
			       void *ctx),
		     void *ctx)
{
	size_t i = 0;

	while (i < len) {
		const char *line = buf + i, *nl = memchr(line, '\n', len - i), *colon;
		size_t n = nl ? (size_t)(nl - line) : len - i;
		int r;

		i += n + (nl ? 1 : 0);
		if (n > KMODSEL_MAX_LINE || memchr(line, '\0', n))
			return -EBADMSG;
		if (n == 0 || line[0] == '#')
			continue;
		colon = memchr(line, ':', n);
		if (!colon || colon == line)
			return -EBADMSG;
		r = fn(line, (size_t)(colon - line), line, n, ctx);
		if (r)
			return r;
	}
	return 0;
}

int kmodsel_root_mount(const char *buf, size_t len, char *dev, size_t devsz, char *type,
		       size_t typesz)
{
	const char *p = buf, *end = buf + len;
	char d[PATH_MAX], mnt[PATH_MAX], t[256];
	int found = -ENOENT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *q = p;
		int r;

		if (eol > p) {
			r = procfs_field(&q, eol, d, sizeof(d));
			if (r == 0)
				r = procfs_field(&q, eol, mnt, sizeof(mnt));
			if (r == 0)
				r = procfs_field(&q, eol, t, sizeof(t));
			if (r < 0)
				return r == -ENAMETOOLONG ? -EBADMSG : r;
			if (!strcmp(mnt, "/")) {
				size_t n = strlen(t), dn = strlen(d);

				if (n >= typesz || (dev && dn >= devsz))
					return -ENAMETOOLONG;
				memcpy(type, t, n + 1);
				if (dev)
					memcpy(dev, d, dn + 1);
				found = 0;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return found;
}

int kmodsel_root_fstype(const char *buf, size_t len, char *out, size_t outsz)
{
	return kmodsel_root_mount(buf, len, NULL, 0, out, outsz);
}
