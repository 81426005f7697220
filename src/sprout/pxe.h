/* pxe: the files a TFTP/HTTP boot root needs to network-boot a sprout image.
 *
 * `sprout pxe` writes into one directory:
 *   vmlinuz               a copy of the kernel
 *   initrd.img            a copy of the image
 *   boot.ipxe             an iPXE script: kernel, initrd, boot
 *   pxelinux.cfg/default  the same for pxelinux (put pxelinux.0 and ldlinux.c32 beside it)
 * The names are fixed, whatever the inputs are called: the two scripts never
 * change shape, a farm's boot root looks the same everywhere, and a file name never
 * has to be quoted for either loader.
 *
 * Both scripts pass BOOTIF=01-<MAC of the interface the firmware booted from>
 * (pxelinux's form) so sprout-init brings up that interface, not the first with a
 * carrier. iPXE forms it from ${netX/mac:hexhyp}; pxelinux appends it (IPAPPEND 2).
 *
 * The command line is outside input: it is checked, never cut or altered beyond
 * joining words with single spaces (what iPXE does anyway), and refused with a
 * message when either loader would read it differently from the kernel. */
#ifndef SPROUT_PXE_H
#define SPROUT_PXE_H

#include <stdbool.h>
#include <stddef.h>

#define PXE_KERNEL "vmlinuz"
#define PXE_INITRD "initrd.img"
#define PXE_IPXE "boot.ipxe"
#define PXE_PXELINUX_DIR "pxelinux.cfg"
#define PXE_PXELINUX PXE_PXELINUX_DIR "/default"

/* Longest command line accepted, in bytes. x86 keeps 2047 bytes of command line;
 * the loaders add up to ~70 (BOOT_IMAGE=, initrd=, BOOTIF=), and the rest is a margin
 * for what newer loaders add. */
#define PXE_MAX_CMDLINE 1900
/* Size of one rendered file's buffer: the command line and the fixed text. */
#define PXE_MAX_TEXT (PXE_MAX_CMDLINE + 1024)

struct pxe_text {
	char ipxe[PXE_MAX_TEXT];     /* boot.ipxe, NUL-terminated */
	size_t ipxe_len;
	char pxelinux[PXE_MAX_TEXT]; /* pxelinux.cfg/default, NUL-terminated */
	size_t pxelinux_len;
};

/* Checks buf[0..len) as a command line both loaders pass on unchanged. Pure.
 * Refused (-EINVAL, err says which byte or word and why): a byte that is not
 * printable ASCII (a newline would end the script line; a tab or UTF-8 is not
 * written into boot files); "${" (iPXE expands settings); an unclosed double quote
 * (the BOOTIF= added after it would be quoted into the last value); two spaces
 * inside quotes (iPXE joins words with one); a word iPXE reads as syntax ("#..."
 * starts a comment, "||" "&&" ";" end a command); a lone "--" (BOOTIF= after it
 * would go to init); BOOTIF= and initrd= (sprout pxe writes those itself).
 * Longer than PXE_MAX_CMDLINE: -E2BIG. */
int pxe_check_cmdline(const char *buf, size_t len, char *err, size_t errsz);

/* Checks the command line, then renders boot.ipxe and pxelinux.cfg/default into
 * *out. Pure. Returns 0 or pxe_check_cmdline's error. */
int pxe_render(const char *buf, size_t len, struct pxe_text *out, char *err, size_t errsz);

enum pxe_file { PXE_FILE_KERNEL, PXE_FILE_INITRD, PXE_FILE_PXELINUX, PXE_FILE_IPXE, PXE_NFILES };

/* "vmlinuz", "initrd.img", "pxelinux.cfg/default", "boot.ipxe"; "?" out of range. */
const char *pxe_file_name(enum pxe_file f);

struct pxe_opts {
	const char *kernel;  /* the kernel to boot */
	const char *image;   /* an initramfs holding /init (made by sprout build) */
	const char *cmdline; /* NULL or "": the image's baked-in defaults only */
	const char *out_dir; /* made (with parents, mode 0755) if missing */
};

struct pxe_report {
	bool written[PXE_NFILES]; /* false: an identical world-readable file was there */
	size_t kernel_bytes, image_bytes;
	bool dir_private;         /* out_dir or pxelinux.cfg is not world-searchable, so a
	                           * TFTP server running as another user cannot read it */
};

/* Checks everything first (the command line; the kernel: a non-empty regular file
 * that is not an initramfs; the image: an initramfs with /init), then writes the
 * four files: each to a temporary file beside it, mode 0644, synced, renamed over
 * the old one. Payloads first and scripts last, so a boot root being served never
 * names a file that is not there yet. A file already identical is left alone.
 * Returns 0 or -errno with err naming the file and what was expected. */
int pxe_write(const struct pxe_opts *o, struct pxe_report *rep, char *err, size_t errsz);

#endif
