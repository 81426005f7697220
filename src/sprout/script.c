/* script: a script's interpreter chain. See script.h. */
#include "script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "elfdeps.h"
#include "shebang.h"
#include "stack.h"

/* The first line's worth of a file. */
static int head(const char *path, char *buf, size_t n, size_t *got)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, n);
	close(fd);
	if (r < 0)
		return -errno;
	*got = (size_t)r;
	return 0;
}

static int add(struct script_needs *out, const char *prog)
{
	if (out->n == SCRIPT_MAX_PROGRAMS)
		return -E2BIG;
	snprintf(out->prog[out->n++], sizeof(out->prog[0]), "%s", prog);
	return 0;
}

int script_needs(const char *path, const char *search, struct script_needs *out, char *err,
		 size_t errsz)
{
	char cur[4096], buf[SHEBANG_MAX_LINE];
	struct shebang sb;
	int depth;

	out->n = 0;
	snprintf(cur, sizeof(cur), "%s", path);
	for (depth = 0; depth <= SCRIPT_MAX_DEPTH; depth++) {
		size_t got = 0;
		int r = head(cur, buf, sizeof(buf), &got);

		if (r < 0)
			return errmsg(err, errsz, r, "%s: %s", cur, strerror(-r));
		r = shebang_parse(buf, got, &sb);
		if (r == 0)
			return 0; /* ELF, or anything else the kernel runs itself */
		if (r < 0)
			return errmsg(err, errsz, r, "%s: a \"#!\" line without an absolute "
				      "interpreter path on one line of at most %d bytes", cur,
				      SHEBANG_MAX_LINE);
		if (access(sb.interp, X_OK) < 0)
			return errmsg(err, errsz, -ENOENT, "%s: its interpreter %s (from its "
				      "\"#!\" line) is not on this host", cur, sb.interp);
		if (add(out, sb.interp) < 0)
			break;
		if (!strcmp(strrchr(sb.interp, '/'), "/env") && sb.arg[0] &&
		    sb.arg[0] != '-') {
			char found[4096];

			if (stack_find_tool(search, sb.arg, found, sizeof(found)) < 0)
				return errmsg(err, errsz, -ENOENT, "%s: \"#!%s %s\": %s is not in "
					      "%s on this host", cur, sb.interp, sb.arg, sb.arg,
					      search);
			if (add(out, found) < 0)
				break;
			snprintf(cur, sizeof(cur), "%s", found);
		} else {
			snprintf(cur, sizeof(cur), "%s", sb.interp);
		}
	}
	return errmsg(err, errsz, -ELOOP, "%s: interpreters nested more than %d deep", path,
		      SCRIPT_MAX_DEPTH);
}

int script_add(struct elfdeps *d, const char *path, const char *dst, const char *search,
	       int have_sh, char *err, size_t errsz)
{
	struct script_needs need;
	int r = elfdeps_add(d, path, dst, err, errsz);

	if (r == 0)
		r = script_needs(path, search, &need, err, errsz);
	for (size_t i = 0; r == 0 && i < need.n; i++) {
		char msg[512];

		if (have_sh && !strcmp(need.prog[i], "/bin/sh"))
			continue;
		r = elfdeps_add(d, need.prog[i], NULL, msg, sizeof(msg));
		if (r < 0)
			errmsg(err, errsz, r, "%s, the interpreter of %s: %s", need.prog[i], path,
			       msg);
	}
	return r;
}
