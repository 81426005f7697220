/* devsnap: node versus rules, and the rule that keeps the node as it is. */
#include "devsnap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/strbuf.h"
#include "passwd.h"

mode_t devsnap_kernel_mode(const char *name)
{
	static const char *const world[] = { "null", "zero", "full", "random", "urandom", "tty",
					     "ptmx", "net/tun", "fuse", "kvm" };

	for (size_t i = 0; i < ARRAY_SIZE(world); i++)
		if (!strcmp(name, world[i]))
			return 0666;
	return strcmp(name, "kmsg") ? 0600 : 0644;
}

/* The event a rule would see for the node: its DEVNAME, numbers and subsystem. */
static int node_event(const struct devsnap_node *n, struct uevent *ev)
{
	char msg[UEVENT_MAX_MSG];
	int len = snprintf(msg, sizeof(msg), "add@/devices/snapshot%cDEVNAME=%s%cMAJOR=%u%cMINOR=%u%c"
			   "SUBSYSTEM=%s", 0, n->name, 0, n->major, 0, n->minor, 0,
			   n->subsystem ? n->subsystem : "");
	if (len < 0 || (size_t)len >= sizeof(msg))
		return -ENAMETOOLONG;
	/* no SUBSYSTEM field at all when unknown */
	size_t used = (size_t)len + 1;
	if (!n->subsystem || !n->subsystem[0])
		used -= sizeof("SUBSYSTEM=");
	return uevent_parse(msg, used, ev);
}

static void owner_name(const char *buf, size_t len, unsigned id, char *out, size_t size)
{
	if (!buf || passwd_find_name(buf, len, id, out, size) < 0)
		snprintf(out, size, "%u", id);
}

int devsnap_line(const struct devrules *rs, const struct devsnap_ids *ids,
		 const struct devsnap_node *n, char *out, size_t size)
{
	unsigned wuid = 0, wgid = 0;
	mode_t wmode;
	struct uevent *ev;
	int r;

	for (const char *c = n->name; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -EINVAL;
	if (!n->name[0])
		return -EINVAL;
	ev = malloc(sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	r = node_event(n, ev);
	const struct devrule *rule = r == 0 ? devrules_expect(rs, ev) : NULL;
	free(ev);
	if (r < 0)
		return r == -E2BIG ? -ENAMETOOLONG : r;
	if (rule) {
		wmode = rule->mode;
		/* a name the root does not know gives no owner: any owner is a difference */
		if (passwd_resolve(ids->passwd, ids->plen, rule->user, &wuid) < 0)
			wuid = (unsigned)-1;
		if (passwd_resolve(ids->group, ids->glen, rule->group, &wgid) < 0)
			wgid = (unsigned)-1;
	} else {
		wmode = devsnap_kernel_mode(n->name);
	}
	if (wuid == n->uid && wgid == n->gid && wmode == (n->mode & 07777))
		return 0;

	char user[PASSWD_MAX_NAME + 1], group[PASSWD_MAX_NAME + 1];
	struct strbuf sb;
	owner_name(ids->passwd, ids->plen, n->uid, user, sizeof(user));
	owner_name(ids->group, ids->glen, n->gid, group, sizeof(group));
	strbuf_init(&sb, out, size);
	for (const char *c = n->name; *c; c++) {
		if (strchr("\\^$.|?*+()[]{}", *c))
			strbuf_addc(&sb, '\\');
		strbuf_addc(&sb, *c);
	}
	strbuf_addf(&sb, " %s:%s %04o\n", user, group, (unsigned)(n->mode & 07777));
	return strbuf_finish(&sb) < 0 ? -ENAMETOOLONG : 1;
}
