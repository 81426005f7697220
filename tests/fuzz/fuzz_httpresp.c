/* libFuzzer target for httpresp. The input is a response: its head is parsed (refused
 * heads leave the output untouched and explain themselves), and what follows is fed to
 * the chunked decoder twice, whole and in slices whose sizes the first byte picks: both
 * must agree, and never produce more data than they were given. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpresp.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpresp r, untouched;
	struct httpchunk a, b;
	char err[HTTPRESP_ERR_LEN], *whole, *sliced;
	ssize_t end, na, nb = 0;
	size_t step, body;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	data++;
	size--;
	end = httpresp_head_end((const char *)data, size);
	must(end >= -E2BIG && end <= (ssize_t)size);
	if (end == 0 || end == -E2BIG)
		end = 0;
	memset(&r, 0x5a, sizeof(r));
	untouched = r;
	if (httpresp_parse((const char *)data, (size_t)end, &r, err, sizeof(err)) < 0) {
		must(memcmp(&r, &untouched, sizeof(r)) == 0);
		must(err[0] != '\0' && strlen(err) < sizeof(err));
	} else {
		must(r.status >= 100 && r.status <= 599);
		must(!(r.chunked && r.has_length));
		must(strlen(r.location) < sizeof(r.location));
		must(!r.has_range || r.range_first <= r.range_last);
	}
	body = size - (size_t)end;
	whole = malloc(body + 1);
	sliced = malloc(body + 1);
	must(whole && sliced);
	memcpy(whole, data + end, body);
	httpchunk_init(&a);
	na = httpchunk_decode(&a, whole, body, err, sizeof(err));
	must(na >= -EINVAL && na <= (ssize_t)body);
	httpchunk_init(&b);
	for (size_t i = 0; i < body; i += step) {
		size_t k = body - i < step ? body - i : step;
		char buf[32];
		ssize_t got;

		memcpy(buf, data + end + i, k);
		got = httpchunk_decode(&b, buf, k, err, sizeof(err));
		if (got < 0) {
			nb = got;
			break;
		}
		must((size_t)got <= k);
		memcpy(sliced + nb, buf, (size_t)got);
		nb += got;
	}
	must(na == nb);
	if (na > 0)
		must(memcmp(whole, sliced, (size_t)na) == 0 && a.done == b.done);
	free(whole);
	free(sliced);
	return 0;
}
