/* tlfmt: the boot timeline's line format (version 1), written by sprout-init to
 * /run/sprout/timeline and to the kernel log, read by `sprout analyze`. Documented in
 * sprout-image(5), section TIMELINE FORMAT.
 *
 *   sprout-timeline 1
 *   zero 2.145021
 *   clock 3.120110
 *   phase devices 2.149310 2.412870 ok attempts=1
 *   module virtio_net 2.150002 2.170113 ok by=pci:v00001AF4d00001000sv*
 *   server 10.0.0.2:/export 3.001000 9.004000 fail proto=nfs4 err=ETIMEDOUT
 *
 * One event a line: KIND NAME START END OUTCOME [KEY=VALUE]..., single spaces between
 * fields; START and END are seconds since boot on CLOCK_MONOTONIC (the kernel log's
 * clock), with up to six decimals. NAME and every VALUE are tokens: no byte outside
 * '!'..'~' and no backslash, those are written as \xHH. Lines starting with '#' and
 * empty lines are skipped; so are kinds and keys a reader does not know (a newer
 * writer may add them without changing the version).
 *
 * In the kernel log each line is "sprout: tl: LINE", so a serial-console log holds the
 * timeline too; the reader finds those, the kernel's "Run /init as init process" (time
 * zero) and sprout-init's own summary line ("sprout: timeline: ..."). The kernel log's
 * stamps are not CLOCK_MONOTONIC (they drift apart, in a VM by tens of ms): the "clock"
 * line, written to the log with sprout-init's time of writing, lets a reader put the
 * kernel's "Run /init" on the timeline's clock. Pure code. */
#ifndef SPROUT_TLFMT_H
#define SPROUT_TLFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLFMT_VERSION 1
#define TLFMT_MAX_EVENTS 4096       /* a reader refuses more (-E2BIG); sprout-init writes 256 at most */
#define TLFMT_LOG_PREFIX "sprout: tl: "

struct tl_event {
	char kind[16];     /* phase module wait dhcp server storage, or a newer kind */
	char name[96];     /* a token */
	uint64_t start_us, end_us;
	char outcome[16];  /* ok fail timeout skip ... */
	char attrs[256];   /* "key=value key=value", tokens */
};

struct tl_doc {
	int version;
	bool have_zero;          /* "zero" line: sprout-init's start */
	uint64_t zero_us;
	bool have_kernel_zero;   /* a serial log's "Run /init as init process" */
	uint64_t kernel_zero_us;
	bool have_clock;         /* a log's "clock" line: sprout-init's clock_us when the */
	uint64_t clock_us;       /* kernel stamped it clock_stamp_us (the two clocks differ, */
	uint64_t clock_stamp_us; /* by tens of ms in a VM) */
	char own[512];           /* sprout-init's summary line from a log, "" when none */
	struct tl_event *ev;
	size_t n, cap;
	size_t bad;              /* lines that looked like timeline lines and were not */
	size_t first_bad;        /* the first of them, 1-based; 0 when none */
};

/* Writes s as a token into out[n] (always NUL-terminated; a token that does not fit ends
 * in "..."). An empty or NULL s is "-". */
void tlfmt_token(const char *s, char *out, size_t n);

/* Appends " key=TOKEN(value)" (no leading space when attrs is empty) to attrs[n]. Returns
 * 0, or -ENAMETOOLONG with attrs unchanged. */
int tlfmt_attr_add(char *attrs, size_t n, const char *key, const char *value);

/* The value of key in e->attrs into out[n]: 0, -ENOENT, or -ENAMETOOLONG. */
int tlfmt_attr_get(const struct tl_event *e, const char *key, char *out, size_t n);

/* "KIND NAME START END OUTCOME ATTRS\n" into out[n]. Returns the length or
 * -ENAMETOOLONG. */
int tlfmt_line(const struct tl_event *e, char *out, size_t n);

/* "12.345678" (seconds and microseconds) into out[n]. */
void tlfmt_secs(uint64_t us, char *out, size_t n);

/* Parses a timeline file, or a log holding one (text[0..len), any bytes). A second
 * header starts over (a log of several boots gives the last). Returns 0; -EBADMSG when
 * no "sprout-timeline" header is found; -EPROTONOSUPPORT when its version is not one this
 * reader knows (doc->version says which); -E2BIG past TLFMT_MAX_EVENTS; -ENOMEM. The
 * caller frees doc with tlfmt_free, also after a failure. */
int tlfmt_parse(const char *text, size_t len, struct tl_doc *doc);
void tlfmt_free(struct tl_doc *doc);

#endif
