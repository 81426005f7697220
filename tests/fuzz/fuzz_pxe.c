/* libFuzzer target for pxe_render: arbitrary bytes as the kernel command line. A line
 * that is accepted must come out as iPXE and pxelinux would need it: one script line,
 * no iPXE syntax but our own ${netX/...}, BOOTIF= last, the same words in both files,
 * and rendering the rendered words again must give the same files. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxe.h"

#define KERNEL_HEAD "\nkernel vmlinuz initrd=initrd.img"
#define KERNEL_TAIL " BOOTIF=01-${netX/mac:hexhyp}\n"
#define APPEND_HEAD "\n  APPEND initrd=initrd.img"

static void must(int cond)
{
	if (!cond)
		abort();
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* The words between head and the end of its line (or tail), copied into out. */
static void words_after(const char *text, const char *head, const char *tail, char *out,
			size_t outsz)
{
	const char *p = strstr(text, head), *end;

	must(p != NULL);
	p += strlen(head);
	end = tail ? strstr(p, tail) : strchr(p, '\n');
	must(end != NULL && (size_t)(end - p) < outsz);
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

/* Independent of pxe.c: the words iPXE would see must hold none of its syntax. */
static void check_ipxe_words(const char *w)
{
	const char *p = w;

	must(strstr(w, "${") == NULL && strchr(w, '\n') == NULL && strchr(w, '\t') == NULL);
	while (*p) {
		size_t n;

		must(*p == ' '); /* every word comes after exactly one space */
		p++;
		n = strcspn(p, " ");
		must(n > 0);
		must(p[0] != '#');
		must(!(n == 2 && (!memcmp(p, "||", 2) || !memcmp(p, "&&", 2))));
		must(!(n == 1 && p[0] == ';'));
		p += n;
	}
	must(count(w, "\"") % 2 == 0);
}

/* The kernel's words (split outside quotes; the key before the first '=', quotes
 * removed): no lone "--", no BOOTIF= or initrd= of the user's. */
static void check_kernel_words(const char *w)
{
	const char *p = w;

	while (*p) {
		char key[16];
		size_t k = 0;
		bool quoted = false, has_eq = false;

		while (*p == ' ')
			p++;
		for (; *p && (*p != ' ' || quoted); p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '=')
				has_eq = true;
			else if (!has_eq && k < sizeof(key) - 1)
				key[k++] = *p;
		}
		key[k] = '\0';
		must(strcmp(key, "BOOTIF") != 0 && strcmp(key, "initrd") != 0);
		must(has_eq || strcmp(key, "--") != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pxe_text t, again;
	static char words[PXE_MAX_TEXT], words2[PXE_MAX_TEXT];
	char err[512];
	int r;

	r = pxe_render((const char *)data, size, &t, err, sizeof(err));
	must(r == 0 || r == -EINVAL || r == -E2BIG);
	must(strlen(err) < sizeof(err));
	if (r) {
		must(err[0] != '\0');
		must(pxe_check_cmdline((const char *)data, size, NULL, 0) == r);
		return 0;
	}
	must(err[0] == '\0' && size <= PXE_MAX_CMDLINE);
	must(t.ipxe_len == strlen(t.ipxe) && t.pxelinux_len == strlen(t.pxelinux));
	must(!strncmp(t.ipxe, "#!ipxe\n", 7));
	must(count(t.ipxe, "\nkernel ") == 1 && count(t.ipxe, "${") == 1);
	must(count(t.ipxe, "\n") == 9 && count(t.pxelinux, "\n") == 7);
	words_after(t.ipxe, KERNEL_HEAD, KERNEL_TAIL, words, sizeof(words));
	check_ipxe_words(words);
	check_kernel_words(words);
	words_after(t.pxelinux, APPEND_HEAD, NULL, words2, sizeof(words2));
	must(strcmp(words, words2) == 0);
	/* Rendering is a fixed point on its own output. */
	must(pxe_render(words, strlen(words), &again, err, sizeof(err)) == 0);
	must(strcmp(t.ipxe, again.ipxe) == 0 && strcmp(t.pxelinux, again.pxelinux) == 0);
	return 0;
}
