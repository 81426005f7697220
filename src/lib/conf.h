/* conf: "key=value" configuration text, as in /etc/sprout/sprout.conf,
 * /etc/sprout/conf.d/NAME.conf and the image's /etc/sprout/image.
 *
 * One setting a line; '#' starts a comment line; blank lines are skipped; spaces
 * around key and value are trimmed; a value may be double-quoted to keep spaces
 * (no escapes inside). Keys are [A-Za-z0-9_.-]+. Pure over (buf, len). */
#ifndef SPROUT_CONF_H
#define SPROUT_CONF_H

#include <stddef.h>

#define CONF_MAX_LINE 4096
#define CONF_MAX_KEY 64

/* Called for each setting; a non-zero return stops the walk and is returned. */
typedef int (*conf_fn)(const char *key, const char *value, size_t line, void *ctx);

/* Returns 0, the callback's value, or -EBADMSG for a malformed line (no '=', bad key,
 * unterminated quote, line too long, NUL byte); *bad_line is then its 1-based number. */
int conf_parse(const char *buf, size_t len, conf_fn fn, void *ctx, size_t *bad_line);

#endif
