/* microcode: the early microcode archive put in front of an image.
 *
 * The kernel's x86 early loader scans the start of the initramfs, before anything is
 * unpacked, for an uncompressed newc archive holding
 *   kernel/x86/microcode/GenuineIntel.bin   Intel's update files, concatenated
 *   kernel/x86/microcode/AuthenticAMD.bin   AMD's container files, concatenated
 * (Documentation/arch/x86/microcode.rst), and applies the update for the CPU before
 * the rest of the boot. The files come from Debian's intel-microcode and
 * amd64-microcode packages (non-free-firmware): FIRMWARE/intel-ucode/FF-MM-SS and
 * FIRMWARE/amd-ucode/microcode_amd*.bin. A generic image takes every file; a
 * host-only image only the file of this machine's CPU (its signature from
 * /proc/cpuinfo: Intel's file is per family-model-stepping, AMD's per family).
 * The archive is uncompressed, its entries 4-byte aligned as newc is, and each .bin
 * file's data starts 16-byte aligned (Intel's updates must be, and the image is
 * loaded page-aligned); it ends with a trailer padded to 512 bytes, and the
 * compressed main image follows. No microcode found: nothing is prepended. */
#ifndef SPROUT_MICROCODE_H
#define SPROUT_MICROCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MICROCODE_MAX_BYTES ((size_t)128 << 20) /* all microcode of one image */
#define MICROCODE_MAX_FILES 4096               /* files of one vendor */

struct microcode_opts {
	const char *firmware_dir;  /* NULL: /lib/firmware */
	const char *cpuinfo;       /* host-only: NULL: /proc/cpuinfo */
	bool host_only;
	uint32_t mtime;            /* of every entry */
};

struct microcode_report {
	size_t files;              /* update files taken */
	size_t bytes;              /* the early archive's size; 0: none prepended */
	char vendors[40];          /* "AuthenticAMD GenuineIntel", those present */
	char note[512];            /* host-only: why this CPU's file is not there */
};

/* Builds the early archive and puts it in front of *img[0..*len) (reallocated).
 * Returns 0 (also when there is no microcode: *img unchanged, rep->bytes 0) or -errno
 * with err naming the file or directory and the problem (an unreadable microcode
 * directory or file is an error: an image silently without its CPU fixes is not). */
int microcode_prepend(const struct microcode_opts *o, uint8_t **img, size_t *len,
		      struct microcode_report *rep, char *err, size_t errsz);

#endif
