/* overlay: mount data, pure. */
#include "overlay.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

int overlay_mount_data(const char *lower, const char *upper, char *out, size_t n)
{
	int k;

	/* ':' and ',' separate overlayfs options and layers: such paths would be misread */
	if (strpbrk(lower, ":,") || strpbrk(upper, ":,"))
		return -EINVAL;
	k = snprintf(out, n, "lowerdir=%s,upperdir=%s/root,workdir=%s/work,"
			     "index=off,xino=off,redirect_dir=off,metacopy=off",
		     lower, upper, upper);
	if (k < 0 || (size_t)k >= n) {
		if (n)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return k;
}

int overlay_tmpfs_data(const char *size, char *out, size_t n, char *err, size_t errsz)
{
	const char *text = size && *size ? size : OVERLAY_SIZE_DEFAULT;
	struct size_spec spec;
	char opt[64];
	int rc, k;

	rc = size_parse(text, strlen(text), &spec);
	if (rc < 0) {
		snprintf(err, errsz, "sprout.overlay.size=%s is not a size: expected e.g. 50%%, 512M, 2G "
			 "(not 0, at most 100%%)", text);
		return -EINVAL;
	}
	rc = size_tmpfs_option(&spec, opt, sizeof(opt));
	if (rc < 0)
		return rc;
	k = snprintf(out, n, "mode=0755,%s", opt);
	if (k < 0 || (size_t)k >= n) {
		if (n)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return k;
}
