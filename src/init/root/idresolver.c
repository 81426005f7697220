/* idresolver: emptying the NFS id mapping cache before the handover (idresolver.h). */
#include "idresolver.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/readfile.h"
#include "log.h"
#include "prockeys.h"

#define PROC_KEYS_MAX (4u << 20) /* thousands of keys; more is not a boot's */

void idresolver_clear(void)
{
	struct prockey k;
	char *buf;
	size_t len;
	int found, rc = readfile_at(AT_FDCWD, "/proc/keys", PROC_KEYS_MAX, &buf, &len);

	if (rc < 0) {
		if (rc != -ENOENT) /* no /proc/keys: a kernel without keys, nothing cached */
			log_warn("handover: cannot read /proc/keys (%s); NFS owner mappings cached so far "
				 "are left to expire", strerror(-rc));
		return;
	}
	found = prockeys_find(buf, len, "keyring", ".id_resolver", &k);
	free(buf);
	if (!found || k.entries == 0)
		return; /* no NFSv4 client, or no owner name looked up */
	/* Root may clear this keyring though it does not hold it (the kernel marks it so). */
	if (syscall(SYS_keyctl, KEYCTL_CLEAR, k.id) < 0) {
		log_warn("handover: cannot empty the NFS id mapping cache (.id_resolver, key %d): %m; "
			 "owner names looked up during sprout-init stay unmapped until they expire", k.id);
		return;
	}
	if (k.entries > 0)
		log_info("handover: emptied the NFS id mapping cache (.id_resolver: %ld entries made "
			 "during sprout-init), so the real system maps owner names afresh", k.entries);
	else
		log_info("handover: emptied the NFS id mapping cache (.id_resolver)");
}
