/* idresolver: the NFS client's cache of owner-name mappings (the kernel's ".id_resolver"
 * keyring) emptied just before the handover. Lookups during sprout-init (the mount, the
 * owners check) find no /sbin/request-key here and cache "unknown" for every owner name
 * (negative keys, 60 s); left there, the real system's own id mapper (nfsidmap) would
 * not be asked until they expire. Raw keyctl(2): the init links no libkeyutils. */
#ifndef SPROUT_IDRESOLVER_H
#define SPROUT_IDRESOLVER_H

/* Empties the keyring when the kernel has one with entries; logs what it did. Never
 * fails the boot. */
void idresolver_clear(void);

#endif
