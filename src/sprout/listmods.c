/* listmods: the selection with its reasons. See listmods.h. */
#include "listmods.h"

#include <errno.h>

#include "base/escape.h"

int listmods_print(const struct kmodsel *sel, FILE *out)
{
	char a[ESCAPE_SIZE(KMODSEL_MAX_NAME)], b[ESCAPE_SIZE(KMODSEL_MAX_NAME)];
	char w[ESCAPE_SIZE(KMODSEL_MAX_WHY)];

	for (size_t i = 0; i < sel->n_mods; i++)
		fprintf(out, "%s\t%s\t%s\n", escape_str(sel->mods[i].name, a, sizeof(a)),
			escape_str(sel->mods[i].relpath, b, sizeof(b)),
			escape_str(sel->mods[i].why, w, sizeof(w)));
	for (size_t i = 0; i < sel->n_fw; i++)
		fprintf(out, "firmware\t%s\tfound\n", escape_str(sel->fw[i].name, a, sizeof(a)));
	for (size_t i = 0; i < sel->n_missing; i++)
		fprintf(out, "firmware\t%s\tmissing, declared by %s\n",
			escape_str(sel->missing[i].firmware, a, sizeof(a)),
			escape_str(sel->missing[i].module, b, sizeof(b)));
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
