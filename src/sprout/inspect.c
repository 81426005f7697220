/* inspect: looking into built images without unpacking them: `sprout cat`, `sprout ls`
 * (names, or --long), `sprout info` and `sprout diff`. Every image is read whole once
 * (image_read) and walked as the kernel unpacks it (image_walk); a name that occurs
 * twice counts as the kernel leaves it: the later entry wins. */
#include "inspect.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/hash.h"
#include "compress.h"
#include "cpio.h"
#include "image.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static int usage_err(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "sprout: %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see sprout %s --help)\n", cmd);
	return EXIT_USAGE;
}

/* Options of commands that take only --help (and for ls, --long): returns -1 to go on,
 * else the exit status. */
static int simple_opts(int argc, char **argv, const char *cmd, const char *usage, bool *long_out)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "long", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, long_out ? ":hl" : ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h': fputs(usage, stdout); return EXIT_OK;
		case 'l':
			if (long_out) {
				*long_out = true;
				break;
			}
			/* fall through */
		default: return usage_err(cmd, "unknown option %s", argv[optind - 1]);
		}
	}
	return -1;
}

static bool same_name(const char *entry, const char *want)
{
	while (*want == '/')
		want++;
	if (entry[0] == '.' && entry[1] == '/')
		entry += 2;
	return !strcmp(entry, want);
}

/* --- cat ------------------------------------------------------------------------------ */

struct cat_ctx {
	const char *want;
	bool found;
	uint32_t mode;
	uint8_t *data;
	size_t size;
};

static int cat_visit(const struct cpio_entry *e, void *p)
{
	struct cat_ctx *c = p;

	if (!same_name(e->name, c->want))
		return 0;
	free(c->data);
	c->data = malloc(e->size ? e->size : 1);
	if (!c->data)
		return -ENOMEM;
	memcpy(c->data, e->data, e->size);
	c->size = e->size;
	c->mode = e->mode;
	c->found = true;
	return 0;
}

static const char usage_cat[] =
	"usage: sprout cat IMAGE PATH\n"
	"\n"
	"Writes the file PATH of IMAGE (e.g. etc/sprout/image, /init) to standard output,\n"
	"as the kernel would unpack it (a later entry of the same name wins).\n";

int inspect_cat(int argc, char **argv)
{
	struct cat_ctx c = { 0 };
	char err[1024], esc[ESCAPE_SIZE(256)];
	uint8_t *buf;
	size_t len;
	int r = simple_opts(argc, argv, "cat", usage_cat, NULL);

	if (r >= 0)
		return r;
	if (argc - optind != 2)
		return usage_err("cat", "%s", "wants IMAGE and PATH");
	c.want = argv[optind + 1];
	if (image_read(argv[optind], &buf, &len, err, sizeof(err)) < 0) {
		fprintf(stderr, "sprout: cat: %s\n", err);
		return EXIT_FAIL;
	}
	r = image_walk(buf, len, cat_visit, &c, err, sizeof(err));
	free(buf);
	escape_str(c.want, esc, sizeof(esc));
	if (r) {
		fprintf(stderr, "sprout: cat: %s: %s\n", argv[optind], r == -ENOMEM ? "out of memory" : err);
		r = EXIT_FAIL;
	} else if (!c.found) {
		fprintf(stderr, "sprout: cat: %s has no %s (sprout ls %s lists what it has)\n", argv[optind],
			esc, argv[optind]);
		r = EXIT_FAIL;
	} else if (S_ISLNK(c.mode)) {
		char target[ESCAPE_SIZE(256)];

		escape_bytes(c.data, c.size, target, sizeof(target));
		fprintf(stderr, "sprout: cat: %s in %s is a symlink to %s\n", esc, argv[optind], target);
		r = EXIT_FAIL;
	} else if (!S_ISREG(c.mode)) {
		fprintf(stderr, "sprout: cat: %s in %s is not a regular file\n", esc, argv[optind]);
		r = EXIT_FAIL;
	} else if (fwrite(c.data, 1, c.size, stdout) != c.size || fflush(stdout) != 0) {
		fprintf(stderr, "sprout: cat: writing standard output failed\n");
		r = EXIT_FAIL;
	} else {
		r = EXIT_OK;
	}
	free(c.data);
	return r;
}

/* --- ls ------------------------------------------------------------------------------- */

static int name_visit(const struct cpio_entry *e, void *p)
{
	char esc[ESCAPE_SIZE(CPIO_MAX_NAME)];

	fputs(escape_str(e->name, esc, sizeof(esc)), p);
	fputc('\n', p);
	return ferror((FILE *)p) ? -EIO : 0;
}

static const char usage_ls[] =
	"usage: sprout ls [-l|--long] IMAGE\n"
	"\n"
	"Lists the entries of IMAGE, one name a line (for scripts); with --long also the\n"
	"mode, owner, group, size (major, minor for a device) and a symlink's target.\n"
	"Bytes outside printable ASCII in names are shown as \\xHH.\n";

int inspect_ls(int argc, char **argv)
{
	bool lng = false;
	char err[1024];
	uint8_t *buf;
	size_t len;
	int r = simple_opts(argc, argv, "ls", usage_ls, &lng);

	if (r >= 0)
		return r;
	if (argc - optind != 1)
		return usage_err("ls", "%s", "wants one IMAGE");
	if (lng) {
		r = image_list(argv[optind], stdout, err, sizeof(err));
	} else {
		r = image_read(argv[optind], &buf, &len, err, sizeof(err));
		if (r == 0) {
			r = image_walk(buf, len, name_visit, stdout, err, sizeof(err));
			free(buf);
			if (r) {
				fflush(stdout);
				fprintf(stderr, "sprout: ls: %s: %s\n", argv[optind],
					err[0] ? err : "writing the listing failed");
				return EXIT_FAIL;
			}
		}
	}
	if (r) {
		fflush(stdout);
		fprintf(stderr, "sprout: ls: %s\n", err[0] ? err : strerror(r < 0 ? -r : EIO));
		return EXIT_FAIL;
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

/* --- info ----------------------------------------------------------------------------- */

enum { CAT_MODULES, CAT_FIRMWARE, CAT_BINARIES, CAT_OTHER, NCAT };

static const char *const cat_names[NCAT] = { "modules:", "firmware:", "binaries:", "other files:" };

struct info_ctx {
	size_t count[NCAT], bytes[NCAT];
	size_t entries, dirs, links, nodes;
	char meta[4096];
	size_t meta_len;
	bool have_meta;
	char cmdline[1024];       /* the baked command line: etc/sprout/cmdline.d/, escaped */
};

static int category(const struct cpio_entry *e)
{
	if (!strncmp(e->name, "lib/modules/", 12) && (strstr(e->name, ".ko") != NULL))
		return CAT_MODULES;
	if (!strncmp(e->name, "lib/firmware/", 13) || !strncmp(e->name, "usr/lib/firmware/", 17))
		return CAT_FIRMWARE;
	if (e->size >= 4 && !memcmp(e->data, "\177ELF", 4))
		return CAT_BINARIES;
	return CAT_OTHER;
}

static int info_visit(const struct cpio_entry *e, void *p)
{
	struct info_ctx *c = p;

	c->entries++;
	if (S_ISDIR(e->mode)) {
		c->dirs++;
	} else if (S_ISLNK(e->mode)) {
		c->links++;
	} else if (!S_ISREG(e->mode)) {
		c->nodes++;
	} else {
		int k = category(e);

		c->count[k]++;
		c->bytes[k] += e->size;
		if (same_name(e->name, "etc/sprout/image")) {
			c->meta_len = e->size < sizeof(c->meta) - 1 ? e->size : sizeof(c->meta) - 1;
			memcpy(c->meta, e->data, c->meta_len);
			c->meta[c->meta_len] = '\0';
			c->have_meta = true;
		}
		if (!strncmp(e->name, "etc/sprout/cmdline.d/", 21)) {
			size_t n = strlen(c->cmdline);
			char esc[ESCAPE_SIZE(256)];

			for (size_t i = 0; i < e->size && i < 256; i++) {
				if (e->data[i] == '\n')
					snprintf(esc, sizeof(esc), " ");
				else
					escape_bytes(e->data + i, 1, esc, sizeof(esc));
				if (n + strlen(esc) + 1 < sizeof(c->cmdline)) {
					memcpy(c->cmdline + n, esc, strlen(esc) + 1);
					n += strlen(esc);
				}
			}
		}
	}
	return 0;
}

static int count_visit(const struct cpio_entry *e, void *p)
{
	(void)e;
	(*(size_t *)p)++;
	return 0;
}

static const char usage_info[] =
	"usage: sprout info IMAGE\n"
	"\n"
	"Describes IMAGE: what built it (kernel version, sprout version, mode, the baked\n"
	"command line: its etc/sprout/image), its parts (an uncompressed early part, such\n"
	"as CPU microcode, and where it ends; the compression of the rest), and the count\n"
	"and size of its modules, firmware, binaries and other files.\n";

int inspect_info(int argc, char **argv)
{
	struct info_ctx c = { 0 };
	char err[1024];
	uint8_t *buf;
	size_t len, early_end = 0, early_entries = 0, off;
	int r = simple_opts(argc, argv, "info", usage_info, NULL);

	if (r >= 0)
		return r;
	if (argc - optind != 1)
		return usage_err("info", "%s", "wants one IMAGE");
	if (image_read(argv[optind], &buf, &len, err, sizeof(err)) < 0) {
		fprintf(stderr, "sprout: info: %s\n", err);
		return EXIT_FAIL;
	}
	r = image_walk(buf, len, info_visit, &c, err, sizeof(err));
	if (r) {
		free(buf);
		fprintf(stderr, "sprout: info: %s: %s\n", argv[optind], err);
		return EXIT_FAIL;
	}
	/* the uncompressed archives at the start (early microcode), then the main part */
	if (len && buf[0] == '0')
		cpio_read_prefix(buf, len, count_visit, &early_entries, &early_end, NULL, NULL);
	for (off = early_end; off < len && buf[off] == 0; off++)
		;
	int kind = off < len ? compress_detect(buf + off, len - off) : COMPRESS_NONE;

	printf("%-15s %s, %zu bytes\n", "image:", argv[optind], len);
	if (c.have_meta) {
		for (char *line = c.meta, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
			char esc[ESCAPE_SIZE(256)];

			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			char *eq = strchr(line, '=');

			if (eq && eq > line) {
				char key[64];

				snprintf(key, sizeof(key), "%.*s:", (int)(eq - line), line);
				printf("%-15s %s\n", key, escape_str(eq + 1, esc, sizeof(esc)));
			}
			if (!nl)
				break;
		}
	} else {
		printf("%-15s not sprout (no etc/sprout/image)\n", "built by:");
	}
	printf("%-15s %s\n", "cmdline:", c.cmdline[0] ? c.cmdline : "(none baked in)");
	if (early_end && off < len)
		printf("early part:     %zu entries, uncompressed, bytes 0-%zu (CPU microcode, modules as .ko.xz); the "
		       "main part starts at byte %zu\n", early_entries, early_end, off);
	else if (early_end)
		printf("compression:    none (one uncompressed archive)\n");
	if (off < len)
		printf("compression:    %s\n", kind > COMPRESS_NONE ? compress_name((enum compress_kind)kind) : "unknown");
	printf("entries:        %zu (%zu directories, %zu symlinks, %zu device nodes)\n", c.entries, c.dirs,
	       c.links, c.nodes);
	for (int k = 0; k < NCAT; k++)
		printf("%-15s %zu, %zu bytes\n", cat_names[k], c.count[k], c.bytes[k]);
	free(buf);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

/* --- diff ----------------------------------------------------------------------------- */

struct entry_sum {
	char *name;
	uint32_t mode;
	size_t size;
	uint64_t hash; /* of the contents (or the symlink's target) */
};

struct entry_set {
	struct entry_sum *e;
	size_t n, cap;
};

static int set_visit(const struct cpio_entry *ce, void *p)
{
	struct entry_set *s = p;
	const char *name = ce->name[0] == '.' && ce->name[1] == '/' ? ce->name + 2 : ce->name;

	for (size_t i = s->n; i-- > 0;) /* a later entry of the same name replaces it */
		if (!strcmp(s->e[i].name, name)) {
			s->e[i].mode = ce->mode;
			s->e[i].size = ce->size;
			s->e[i].hash = hash_bytes(ce->data, ce->size);
			return 0;
		}
	if (array_grow((void **)&s->e, &s->cap, s->n + 1, sizeof(*s->e), CPIO_MAX_ENTRIES) < 0)
		return -ENOMEM;
	s->e[s->n] = (struct entry_sum){ .name = strdup(name), .mode = ce->mode, .size = ce->size,
					 .hash = hash_bytes(ce->data, ce->size) };
	if (!s->e[s->n].name)
		return -ENOMEM;
	s->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry_sum *)a)->name, ((const struct entry_sum *)b)->name);
}

static void set_free(struct entry_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
}

static int load_set(const char *path, struct entry_set *s)
{
	char err[1024];
	uint8_t *buf;
	size_t len;
	int r;

	if (image_read(path, &buf, &len, err, sizeof(err)) < 0) {
		fprintf(stderr, "sprout: diff: %s\n", err);
		return -1;
	}
	r = image_walk(buf, len, set_visit, s, err, sizeof(err));
	free(buf);
	if (r) {
		fprintf(stderr, "sprout: diff: %s: %s\n", path, r == -ENOMEM ? "out of memory" : err);
		return -1;
	}
	qsort(s->e, s->n, sizeof(*s->e), by_name);
	return 0;
}

static void put_name(const char *tag, const struct entry_sum *e)
{
	char esc[ESCAPE_SIZE(CPIO_MAX_NAME)];

	printf("%s %s", tag, escape_str(e->name, esc, sizeof(esc)));
}

static const char usage_diff[] =
	"usage: sprout diff A B\n"
	"\n"
	"What changed from image A to image B, one entry a line, by name:\n"
	"  + NAME (SIZE bytes)            only in B\n"
	"  - NAME (SIZE bytes)            only in A\n"
	"  ~ NAME SIZE -> SIZE bytes      contents changed (or mode: MODE -> MODE)\n"
	"then a summary. Exit status 0 when they hold the same entries, 1 when they\n"
	"differ, 2 on a usage error or an unreadable image (as diff(1)).\n";

int inspect_diff(int argc, char **argv)
{
	struct entry_set a = { 0 }, b = { 0 };
	size_t i = 0, j = 0, added = 0, removed = 0, changed = 0;
	long long delta = 0;
	int r = simple_opts(argc, argv, "diff", usage_diff, NULL);

	if (r >= 0)
		return r;
	if (argc - optind != 2)
		return usage_err("diff", "%s", "wants two images, A and B");
	if (load_set(argv[optind], &a) < 0 || load_set(argv[optind + 1], &b) < 0) {
		set_free(&a);
		set_free(&b);
		return EXIT_USAGE;
	}
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.e[i].name, b.e[j].name);

		if (c < 0) {
			put_name("-", &a.e[i]);
			printf(" (%zu bytes)\n", a.e[i].size);
			delta -= (long long)a.e[i].size;
			removed++;
			i++;
		} else if (c > 0) {
			put_name("+", &b.e[j]);
			printf(" (%zu bytes)\n", b.e[j].size);
			delta += (long long)b.e[j].size;
			added++;
			j++;
		} else {
			const struct entry_sum *x = &a.e[i], *y = &b.e[j];

			if (x->mode != y->mode || x->size != y->size || x->hash != y->hash) {
				put_name("~", y);
				if (x->size != y->size || x->hash != y->hash)
					printf(" %zu -> %zu bytes", x->size, y->size);
				if (x->mode != y->mode)
					printf(" mode %06o -> %06o", x->mode, y->mode);
				putchar('\n');
				delta += (long long)y->size - (long long)x->size;
				changed++;
			}
			i++;
			j++;
		}
	}
	printf("%zu added, %zu removed, %zu changed; contents %+lld bytes\n", added, removed, changed, delta);
	set_free(&a);
	set_free(&b);
	if (fflush(stdout) != 0)
		return EXIT_USAGE;
	return added || removed || changed ? EXIT_FAIL : EXIT_OK;
}
