/* sha256_bench FILE: the speed of SHA-256 over FILE two ways, for the choice of how
 * sprout-init checks a root image (sprout.image.sha256=):
 *   ours    src/lib/base/sha256.c, reading FILE in 1 MiB pieces
 *   af_alg  the kernel's "sha256" through an AF_ALG socket (no crypto code in the
 *           init), FILE spliced into it through a pipe, 1 MiB at a time (MSG_MORE)
 * Prints one line per way: "NAME BYTES SECONDS MB/s HEX"; both digests must agree
 * (exit 1 otherwise). The page cache is warmed first by one plain read, so both runs
 * measure hashing, not the disk. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/sha256.h"

#define PIECE ((size_t)1 << 20)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint8_t buf[PIECE];

__attribute__((noinline)) static int ours(int fd, uint8_t out[SHA256_LEN], uint64_t *total)
{
	struct sha256 c;
	ssize_t n;

	sha256_init(&c);
	*total = 0;
	while ((n = pread(fd, buf, sizeof(buf), (off_t)*total)) > 0) {
		sha256_update(&c, buf, (size_t)n);
		*total += (uint64_t)n;
	}
	sha256_final(&c, out);
	return n < 0 ? -1 : 0;
}

__attribute__((noinline)) static int af_alg(int fd, uint64_t size, uint8_t out[SHA256_LEN])
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "hash", .salg_name = "sha256" };
	int tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), op, p[2];
	loff_t off = 0;

	if (tfm < 0 || bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("AF_ALG sha256");
		return -1;
	}
	op = accept(tfm, NULL, 0);
	if (op < 0 || pipe(p) < 0) {
		perror("AF_ALG accept/pipe");
		return -1;
	}
	fcntl(p[1], F_SETPIPE_SZ, (int)PIECE);
	while ((uint64_t)off < size) {
		size_t want = size - (uint64_t)off > PIECE ? PIECE : (size_t)(size - (uint64_t)off);
		ssize_t in = splice(fd, &off, p[1], NULL, want, SPLICE_F_MOVE);

		if (in <= 0) {
			perror("splice from file");
			return -1;
		}
		while (in > 0) {
			ssize_t o = splice(p[0], NULL, op, NULL, (size_t)in,
					   SPLICE_F_MOVE | ((uint64_t)off < size ? SPLICE_F_MORE : 0));

			if (o <= 0) {
				perror("splice to AF_ALG");
				return -1;
			}
			in -= o;
		}
	}
	if (read(op, out, SHA256_LEN) != SHA256_LEN) {
		perror("AF_ALG read");
		return -1;
	}
	close(p[0]);
	close(p[1]);
	close(op);
	close(tfm);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t a[SHA256_LEN], b[SHA256_LEN];
	char ha[SHA256_HEX_LEN], hb[SHA256_HEX_LEN];
	uint64_t total;
	double t0, t1, t2;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: sha256_bench FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (off_t o = 0; pread(fd, buf, sizeof(buf), o) > 0; o += (off_t)sizeof(buf))
		;
	t0 = now();
	if (ours(fd, a, &total) < 0)
		return 1;
	t1 = now();
	printf("ours %llu %.3f %.0f %s\n", (unsigned long long)total, t1 - t0, (double)total / 1e6 / (t1 - t0),
	       sha256_hex(a, ha));
	fflush(stdout);
	if (af_alg(fd, total, b) < 0)
		return 1;
	t2 = now();
	printf("af_alg %llu %.3f %.0f %s\n", (unsigned long long)total, t2 - t1,
	       (double)total / 1e6 / (t2 - t1), sha256_hex(b, hb));
	return memcmp(a, b, SHA256_LEN) ? 1 : 0;
}
