/* hook: which phases take hooks and which files are hooks. See hook.h. */
#include "hook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errmsg.h"

enum cmdline_phase hook_phase(const char *name)
{
	enum cmdline_phase p = PHASE_NONE;

	for (int i = PHASE_DEVICES; i <= PHASE_HANDOVER; i++)
		if (!strcmp(name, cmdline_phase_name((enum cmdline_phase)i)))
			p = (enum cmdline_phase)i;
	return p;
}

static bool ends_with(const char *s, size_t len, const char *tail)
{
	size_t tl = strlen(tail);

	return len >= tl && !memcmp(s + len - tl, tail, tl);
}

bool hook_name_wanted(const char *name)
{
	static const char *const skip[] = {
		"~", ".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-tmp", ".ucf-old", ".ucf-dist",
		".rpmnew", ".rpmsave", ".disabled",
	};
	size_t len = strlen(name);

	if (len == 0 || name[0] == '.')
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (ends_with(name, len, skip[i]))
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t hook_filter_sort(const char **names, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (hook_name_wanted(names[i]))
			names[kept++] = names[i];
	if (kept > 1)
		qsort(names, kept, sizeof(names[0]), by_name);
	return kept;
}

int hook_spec_parse(const char *spec, enum cmdline_phase *phase, const char **prog, char *err,
		    size_t errsz)
{
	const char *colon = strchr(spec, ':');
	char name[16];
	size_t nl;

	if (!colon)
		return errmsg(err, errsz, -EINVAL, "--hook %s: expected PHASE:PROGRAM (PHASE one "
			      "of %s)", spec, HOOK_PHASES);
	nl = (size_t)(colon - spec);
	if (nl < sizeof(name)) {
		memcpy(name, spec, nl);
		name[nl] = '\0';
	}
	*phase = nl < sizeof(name) ? hook_phase(name) : PHASE_NONE;
	if (*phase == PHASE_NONE)
		return errmsg(err, errsz, -EINVAL, "--hook %s: unknown phase \"%.*s\" (hooks run "
			      "at one of %s)", spec, (int)(nl > 64 ? 64 : nl), spec, HOOK_PHASES);
	if (!colon[1])
		return errmsg(err, errsz, -EINVAL, "--hook %s: no PROGRAM after \"%s:\"", spec,
			      name);
	*prog = colon + 1;
	return 0;
}
