/* httpget: TEMPORARY stand-in so the image flow links before the HTTP client (branch
 * wt-http) is merged; that branch replaces this file. */
#include "httpget.h"

#include <errno.h>

#include "log.h"

int httpget_image(struct boot *b, const char *url, const uint8_t *want, const struct httpget_sink *sink,
		  struct httpget_result *res)
{
	(void)b, (void)url, (void)want, (void)sink, (void)res;
	log_err("root: HTTP images: not in this build");
	return -ENOSYS;
}
