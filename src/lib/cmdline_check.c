/* cmdline_check: build-time check of a command line. See cmdline_check.h. */
#include "cmdline_check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "cmdline.h"
#include "parse.h"

static int bad_byte(const char *buf, size_t len, size_t *col, char *why, size_t n)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n' || c == '\r') {
			*col = i + 1;
			return errmsg(why, n, -EINVAL, "a line break at column %zu (expected one "
				      "line of arguments)", i + 1);
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*col = i + 1;
			return errmsg(why, n, -EINVAL, "byte 0x%02x at column %zu (expected "
				      "printable characters)", c, i + 1);
		}
	}
	return 0;
}

/* The column of an opening quote left open, 0 when every quote closes. */
static size_t open_quote(const char *buf, size_t len)
{
	size_t at = 0;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '"')
			at = at ? 0 : i + 1;
	return at;
}

/* One word parsed alone by sprout-init's parser (an init argument after "-- "). */
static int check_word(const char *w, size_t wl, bool init_arg, size_t column, char *why,
		      size_t n)
{
	struct config *cfg = malloc(sizeof(*cfg));
	char text[(size_t)CMDLINE_MAX_VALUE * 2 + 8], msg[ESCAPE_SIZE(sizeof(cfg->first_error))];
	size_t tl = 0;
	int r = 0;

	if (!cfg)
		return -ENOMEM;
	if (wl > (size_t)CMDLINE_MAX_VALUE * 2) {
		free(cfg);
		return errmsg(why, n, -EINVAL, "the word at column %zu is %zu bytes long; at "
			      "most %d fit a value", column, wl, CMDLINE_MAX_VALUE - 1);
	}
	if (init_arg)
		tl = (size_t)snprintf(text, sizeof(text), "-- ");
	memcpy(text + tl, w, wl); /* a length-bounded buffer: cmdline_parse takes tl */
	tl += wl;
	cmdline_init(cfg);
	cmdline_parse(cfg, text, tl);
	if (cfg->errors) {
		char word[ESCAPE_SIZE(64)];

		escape_bytes((const unsigned char *)w, wl < 60 ? wl : 60, word, sizeof(word));
		r = errmsg(why, n, -EINVAL, "the word \"%s%s\" at column %zu: %s", word,
			   wl > 60 ? "..." : "", column,
			   escape_str(cfg->first_error, msg, sizeof(msg)));
	}
	free(cfg);
	return r;
}

/* Errors that only the whole line shows (more ip= words than are kept, ...): the
 * column is that of the first word whose prefix of the line is refused. */
static int check_line(const char *buf, size_t len, size_t *col, char *why, size_t n)
{
	struct config *cfg = malloc(sizeof(*cfg));
	char msg[ESCAPE_SIZE(sizeof(cfg->first_error))];
	size_t pos = 0, start, end;
	int r = 0;

	if (!cfg)
		return -ENOMEM;
	cmdline_init(cfg);
	cmdline_parse(cfg, buf, len);
	if (!cfg->errors)
		goto out;
	while (cmdline_next_word(buf, len, &pos, &start, &end)) {
		cmdline_init(cfg);
		cmdline_parse(cfg, buf, end);
		if (cfg->errors)
			break;
	}
	*col = start + 1;
	r = errmsg(why, n, -EINVAL, "at column %zu: %s", start + 1,
		   escape_str(cfg->first_error, msg, sizeof(msg)));
out:
	free(cfg);
	return r;
}

int cmdline_check(const char *buf, size_t len, size_t *col, char *why, size_t n)
{
	size_t pos = 0, start, end, words = 0, init_args = 0, q;
	bool after_dashes = false;
	int r;

	*col = 0;
	if (why && n)
		why[0] = '\0';
	r = bad_byte(buf, len, col, why, n);
	if (r < 0)
		return r;
	while (pos < len && parse_is_space((unsigned char)buf[pos]))
		pos++;
	if (pos < len && buf[pos] == '#') {
		*col = pos + 1;
		return errmsg(why, n, -EINVAL, "a '#' at column %zu starts the line (the baked-in "
			      "defaults file would read it as a comment)", pos + 1);
	}
	q = open_quote(buf, len);
	if (q) {
		*col = q;
		return errmsg(why, n, -EINVAL, "the double quote at column %zu is never closed "
			      "(the rest of the line would become one value)", q);
	}
	pos = 0;
	while (cmdline_next_word(buf, len, &pos, &start, &end)) {
		size_t wl = end - start;

		*col = start + 1;
		if (++words > CMDLINE_MAX_WORDS)
			return errmsg(why, n, -EINVAL, "more than %d words (the one at column %zu "
				      "and the rest would be ignored)", CMDLINE_MAX_WORDS, start + 1);
		if (!after_dashes && wl == 2 && !memcmp(buf + start, "--", 2)) {
			after_dashes = true;
			continue;
		}
		if (after_dashes && ++init_args > CMDLINE_MAX_ARGS)
			return errmsg(why, n, -EINVAL, "more than %d arguments for init after "
				      "\"--\" (the one at column %zu and the rest would be dropped)",
				      CMDLINE_MAX_ARGS, start + 1);
		r = check_word(buf + start, wl, after_dashes, start + 1, why, n);
		if (r < 0)
			return r;
	}
	*col = 0;
	return words ? check_line(buf, len, col, why, n) : 0;
}
