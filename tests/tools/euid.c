/* euid: run by the end-to-end tests' root init to see whether a setuid-root program
 * gets root. `euid as UID PROG` drops every id to UID and execs PROG; `euid` alone
 * prints its real and effective user ids. Built static (the guests' busybox roots have
 * no libc). The tests install it twice: owned by root with mode 4755 (the setuid
 * program) and plain (the one that drops to UID: a setuid copy owned by an unmapped
 * name would already run as nobody, who may not change ids). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "as") == 0) {
		char *end, *args[] = { argv[3], NULL };
		unsigned long id;

		errno = 0;
		id = strtoul(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || id == 0 || id > 65533) {
			fprintf(stderr, "euid: '%s' is not a uid from 1 to 65533\n", argv[2]);
			return 2;
		}
		if (setgroups(0, NULL) < 0 || setgid((gid_t)id) < 0 || setuid((uid_t)id) < 0) {
			perror("euid: dropping to that uid");
			return 1;
		}
		execv(argv[3], args);
		fprintf(stderr, "euid: exec %s: %s\n", argv[3], strerror(errno));
		return 127;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: euid [as UID PROG]\n");
		return 2;
	}
	printf("SPROUT-E2E-EUID: uid=%u euid=%u\n", (unsigned)getuid(), (unsigned)geteuid());
	return 0;
}
