/* devrules: device rules in the syntax of busybox's mdev.conf (/etc/sprout/devices.conf),
 * so an existing mdev.conf carries over. Pure: a parser over (buf, len) and a matcher
 * over a parsed uevent; applying a rule (chown, chmod, links, commands) is sprout-init's.
 *
 * One rule a line, fields split on blanks; '#' starts a comment line:
 *   [-][KEY=regex;]...MATCH  user:group  mode  [=path | >path | !]  [@|$|*command args...]
 * MATCH is one of
 *   regex             the device name (DEVNAME: "sda1", "input/event0"); a regex without
 *                     '/' is matched against the last component of the name
 *   $VAR=regex        the value of the event's variable VAR (SUBSYSTEM, MODALIAS, ...)
 *   @major,minor[-minor2]  the device number
 * and the optional KEY=regex; prefixes must match too (SUBSYSTEM=block;sd[a-z]).
 * Every regex is POSIX extended and must match the whole value.
 * user and group: names (looked up in the root's /etc/passwd and /etc/group) or numbers;
 * mode: octal, at most 07777.
 * '-' first: after this rule matched, later rules are still looked at (else the first
 *   rule that matches is the last one used);
 * =path: the node moves to path (under /dev; a path ending in '/' keeps the name);
 * >path: path becomes a symlink to the node (see devices.conf(5) for how this differs from
 *   mdev, which moves the node there and links the old name);
 * !: no node (it is removed);
 * %0..%9 in a path: the whole match and the parenthesised groups of MATCH's regex;
 * @command runs when a device is added, $command when it is removed, *command on both;
 *   the words are the argument vector (no shell).
 * A line that does not parse is reported (its number and what was expected) and skipped;
 * the others still count. */
#ifndef SPROUT_DEVRULES_H
#define SPROUT_DEVRULES_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "passwd.h"
#include "uevent.h"

#define DEVRULES_MAX_FILE (1 << 20)  /* devices.conf larger than this is refused */
#define DEVRULES_MAX_LINE 4096
#define DEVRULES_MAX_RULES 4096
#define DEVRULES_MAX_CONDS 8         /* KEY=regex; prefixes of one rule */
#define DEVRULES_MAX_KEY 64
#define DEVRULES_MAX_PATH 256        /* a path under /dev, after %N */
#define DEVRULES_MAX_ARGS 32         /* words of a command */
#define DEVRULES_MAX_REGEX 256       /* bytes of one regex (see devices.conf(5) for its limits) */

enum devrule_kind { DEVRULE_NAME, DEVRULE_ENV, DEVRULE_DEVNUM };
enum devrule_node { DEVRULE_KEEP, DEVRULE_MOVE, DEVRULE_LINK, DEVRULE_NONODE };
enum devrule_when { DEVRULE_CMD_NONE, DEVRULE_CMD_ADD, DEVRULE_CMD_REMOVE, DEVRULE_CMD_BOTH };

struct devrule_cond {
	char key[DEVRULES_MAX_KEY];
	regex_t re;
};

struct devrule {
	unsigned line;                 /* in the file, 1-based */
	bool cont;                     /* '-': keep looking after a match */
	enum devrule_kind kind;
	struct devrule_cond cond[DEVRULES_MAX_CONDS];
	size_t ncond;
	char var[DEVRULES_MAX_KEY];    /* DEVRULE_ENV: the variable */
	regex_t re;                    /* DEVRULE_NAME, DEVRULE_ENV */
	bool re_path;                  /* the name regex holds '/': matched on the whole name */
	unsigned major, minor_lo, minor_hi;
	char user[PASSWD_MAX_NAME + 1], group[PASSWD_MAX_NAME + 1]; /* as written */
	mode_t mode;
	enum devrule_node node;
	char path[DEVRULES_MAX_PATH];  /* =path, >path as written */
	enum devrule_when when;
	char *cmd;                     /* the command as written (words split on blanks), or NULL */
};

struct devrules {
	struct devrule *rule;
	size_t n, cap;
};

/* Called for each line skipped: its number and what was expected there. */
typedef void (*devrules_err_fn)(unsigned line, const char *why, void *ctx);

/* Parses buf into rs (which must be zeroed or freed). Returns the number of rules kept
 * (bad lines are reported through err, if not NULL, and skipped), -E2BIG when len is
 * over DEVRULES_MAX_FILE (no rule kept), -ENOMEM. Over DEVRULES_MAX_RULES rules, the
 * rest are reported and skipped. */
int devrules_parse(const char *buf, size_t len, struct devrules *rs, devrules_err_fn err,
		   void *ctx);

void devrules_free(struct devrules *rs);

/* The value of the event's variable key: the fields uevent_parse keeps by name
 * (ACTION, DEVPATH, SUBSYSTEM, DEVNAME, MODALIAS, DEVTYPE, MAJOR, MINOR) or any other
 * field of the message. NULL when the event has none. out[32] holds MAJOR/MINOR. */
const char *devrules_getvar(const struct uevent *ev, const char *key, char out[32]);

/* The index of the first rule at or after `from` that matches ev (which must have a
 * DEVNAME), with its path (=/> with %N expanded; "" when none) in path[DEVRULES_MAX_PATH];
 * -1 when none matches. A rule whose expanded path would leave /dev ("..", absolute, too
 * long) does not match. The caller stops after a rule without `cont`. */
ssize_t devrules_next(const struct devrules *rs, size_t from, const struct uevent *ev,
		      char path[DEVRULES_MAX_PATH]);

/* Splits the rule's command into argv (pointers into buf[DEVRULES_MAX_LINE]), NULL-ended.
 * The number of words, or -E2BIG over DEVRULES_MAX_ARGS - 1. */
int devrules_argv(const struct devrule *r, char *buf, const char *argv[DEVRULES_MAX_ARGS]);

/* Does the command run for this action ("add", "remove"; others never)? */
bool devrules_cmd_runs(const struct devrule *r, const char *action);

/* The rule that sets the node's owner and mode: the last one applied when the rules are
 * walked as devrules_next says (a '-' rule, then the next matching...). NULL when none
 * matches. */
const struct devrule *devrules_expect(const struct devrules *rs, const struct uevent *ev);

#endif
