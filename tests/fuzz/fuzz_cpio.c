/* libFuzzer target for cpio_read: every entry handed to the visitor must lie inside
 * the input and satisfy the reader's promises, and what is read must survive a trip
 * through the writer unchanged. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"

#define KEEP 64 /* entries re-written per input; enough to cover the writer */

struct ctx {
	const uint8_t *buf;
	size_t len, n;
	struct cpio_entry e[KEEP];
};

static void must(int cond)
{
	if (!cond)
		abort();
}

static int check(const struct cpio_entry *e, void *arg)
{
	struct ctx *c = arg;
	const uint8_t *name = (const uint8_t *)e->name;
	size_t nlen = strlen(e->name);

	must(nlen > 0 && nlen < CPIO_MAX_NAME);
	must(name >= c->buf && name + nlen < c->buf + c->len);
	must(e->size <= c->len && e->data >= c->buf && e->data + e->size <= c->buf + c->len);
	must(e->mode <= 0xffff);
	if (S_ISLNK(e->mode))
		must(e->size > 0 && e->size < CPIO_MAX_NAME && !memchr(e->data, 0, e->size));
	else if (!S_ISREG(e->mode))
		must(e->size == 0);
	if (c->n < KEEP)
		c->e[c->n] = *e;
	c->n++;
	/* Stop now and then so the early-return path is fuzzed too. */
	return e->mtime == 0x5eed ? -ECANCELED : 0;
}

static int compare(const struct cpio_entry *e, void *arg)
{
	struct ctx *c = arg;
	const struct cpio_entry *o = &c->e[c->n++];

	must(strcmp(e->name, o->name) == 0 && e->mode == o->mode && e->size == o->size);
	must(e->uid == o->uid && e->gid == o->gid && e->mtime == o->mtime);
	must(e->rdevmajor == o->rdevmajor && e->rdevminor == o->rdevminor);
	must(e->size == 0 || memcmp(e->data, o->data, e->size) == 0);
	return 0;
}

static void rewrite(struct ctx *c)
{
	struct cpio_buf b;
	size_t n = c->n < KEEP ? c->n : KEEP;
	struct ctx again = { .n = 0 };

	cpio_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		must(cpio_write_entry(&b, &c->e[i]) == 0);
	must(cpio_write_trailer(&b) == 0);
	memcpy(again.e, c->e, sizeof(c->e));
	must(cpio_read(b.data, b.len, compare, &again, NULL) == 0);
	must(again.n == n);
	cpio_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { .buf = data, .len = size };
	size_t off = SIZE_MAX, used = SIZE_MAX;
	const char *why = NULL;
	int r;

	r = cpio_read_why(data, size, check, &c, &off, &why);
	must(r == 0 || r == -ECANCELED || (r == -EBADMSG && off < size && why));
	if (r == 0)
		rewrite(&c);
	c.n = 0;
	r = cpio_read_prefix(data, size, check, &c, &used, &off, &why);
	must(r != 0 || used <= size);
	must(r != -EBADMSG || off < size);
	return 0;
}
