/* cpuinfo: the first CPU of /proc/cpuinfo (vendor, family, model, stepping) and the
 * microcode file of Debian's intel-microcode / amd64-microcode packages that serves
 * it. Pure. */
#ifndef SPROUT_CPUINFO_H
#define SPROUT_CPUINFO_H

#include <stddef.h>

#define CPUINFO_MAX (1u << 20) /* most bytes of cpuinfo read */

enum cpuinfo_vendor { CPUINFO_OTHER = 0, CPUINFO_INTEL, CPUINFO_AMD };

struct cpuinfo {
	enum cpuinfo_vendor vendor;  /* vendor_id GenuineIntel / AuthenticAMD */
	unsigned family, model, stepping;
};

/* Reads the first processor block ("key\t: value" lines up to the first blank line).
 * Returns 0; -ENOENT when vendor_id or cpu family is missing; -EBADMSG for a number
 * that does not parse (family, model, stepping above 255) or a NUL byte. */
int cpuinfo_parse(const char *buf, size_t len, struct cpuinfo *out);

/* The microcode file for this CPU, relative to the firmware directory:
 * Intel "intel-ucode/FF-MM-SS" (its signature, two hex digits each), AMD
 * "amd-ucode/microcode_amd.bin" (families 0x10-0x14) or
 * "amd-ucode/microcode_amd_famXXh.bin". Returns 0, -ENOENT (another vendor, or an
 * AMD family before 0x10), -ENAMETOOLONG. */
int cpuinfo_microcode_file(const struct cpuinfo *ci, char *out, size_t n);

#endif
