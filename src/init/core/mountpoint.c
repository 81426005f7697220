/* mountpoint: st_dev of a directory against its parent's. */
#include "mountpoint.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

bool mountpoint_is(const char *path)
{
	struct stat a, p;
	char parent[4096];

	if (!strcmp(path, "/"))
		return true;
	if (snprintf(parent, sizeof(parent), "%s/..", path) >= (int)sizeof(parent))
		return false;
	return stat(path, &a) == 0 && stat(parent, &p) == 0 && a.st_dev != p.st_dev;
}
