/* kmodver: --kver against the modules' vermagic. See kmodver.h. */
#include "kmodver.h"

#include <errno.h>
#include <string.h>

#include "base/errmsg.h"

int kmodver_check(const struct kmodsel *sel, const char *kver, const char *moddir, char *err,
		  size_t errsz)
{
	for (size_t i = 0; i < sel->n_mods; i++) {
		const struct kmodsel_module *m = &sel->mods[i];

		if (!m->vermagic[0] || !strcmp(m->vermagic, kver))
			continue;
		return errmsg(err, errsz, -EINVAL, "--kver %s does not match the modules in %s: "
			      "%s was built for %s (its vermagic), so that kernel would refuse "
			      "it; give --kver %s, or the --moddir of %s; no image written", kver,
			      moddir, m->relpath, m->vermagic, m->vermagic, kver);
	}
	return 0;
}
