/* Unit tests for modload_many: modules loaded from several threads by a fake loader
 * that sleeps. Independent modules overlap; a dependency shared by many jobs is
 * loaded once and before every module that needs it (also in a random graph run
 * many times); a failed dependency fails its dependents once; chained jobs keep
 * their order; the count returned is each job module that went in. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define TESTUTIL_LOG
#include "testutil.h"

#include "log.h"
#include "modload.h"

#define MAXMOD 64

/* --- a fake loader that sleeps and keeps a record ------------------------------------ */

struct rec {
	char name[MODINDEX_MAX_NAME + 1];
	int calls;
	long start, end; /* sequence numbers: when its load began, when it returned */
};

static struct {
	pthread_mutex_t lock;
	struct rec rec[MAXMOD];
	int nrec;
	long seq;
	int inflight, max_inflight;
	unsigned sleep_us;      /* every load */
	const char *slow;       /* this one sleeps slow_us instead */
	unsigned slow_us;
	const char *fail;       /* this one fails with -EINVAL */
	unsigned random_us;     /* > 0: each load sleeps 0..random_us-1 instead */
	unsigned rnd;
	char sysfs[256];
} fk = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* fk.lock held */
static struct rec *rec_of(const char *name)
{
	for (int i = 0; i < fk.nrec; i++)
		if (!strcmp(fk.rec[i].name, name))
			return &fk.rec[i];
	if (fk.nrec == MAXMOD)
		return NULL;
	struct rec *r = &fk.rec[fk.nrec++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

/* Runs on modload's worker threads: no cmocka asserts here, only records. */
static int fake_load(struct modload *ml, const char *name, const char *path, const char *params)
{
	(void)ml;
	(void)params;
	unsigned us = fk.slow && !strcmp(name, fk.slow) ? fk.slow_us : fk.sleep_us;
	pthread_mutex_lock(&fk.lock);
	struct rec *r = rec_of(name);
	if (r) {
		r->calls++;
		r->start = ++fk.seq;
	}
	if (++fk.inflight > fk.max_inflight)
		fk.max_inflight = fk.inflight;
	if (fk.random_us)
		us = rand_r(&fk.rnd) % fk.random_us;
	pthread_mutex_unlock(&fk.lock);
	if (us)
		usleep(us);
	pthread_mutex_lock(&fk.lock);
	fk.inflight--;
	if (r)
		r->end = ++fk.seq;
	pthread_mutex_unlock(&fk.lock);
	if (!path)
		return -EFAULT;
	return fk.fail && !strcmp(name, fk.fail) ? -EINVAL : 0;
}

static const struct rec *loaded(const char *name)
{
	for (int i = 0; i < fk.nrec; i++)
		if (!strcmp(fk.rec[i].name, name))
			return &fk.rec[i];
	return NULL;
}

static int calls(const char *name)
{
	const struct rec *r = loaded(name);
	return r ? r->calls : 0;
}

/* `first` returned from the loader before `then` was started. */
static void assert_done_before(const char *first, const char *then)
{
	const struct rec *a = loaded(first), *b = loaded(then);
	if (!a || !b || a->end >= b->start)
		fail_msg("%s (%ld..%ld) not done before %s (%ld..) started", first, a ? a->start : 0,
			 a ? a->end : 0, then, b ? b->start : 0);
}

static void open_text(struct modload *ml, const char *dep, const char *softdep)
{
	struct modindex *idx = modindex_new();
	size_t bad;
	assert_non_null(idx);
	assert_int_equal(modindex_parse_dep(idx, dep, strlen(dep), &bad), 0);
	if (softdep)
		assert_int_equal(modindex_parse_softdep(idx, softdep, strlen(softdep), &bad), 0);
	assert_int_equal(modload_open_index(ml, idx, NULL), 0);
	ml->load = fake_load;
	ml->sysfs = fk.sysfs;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int setup(void **state)
{
	(void)state;
	memset(fk.rec, 0, sizeof(fk.rec));
	fk.nrec = 0;
	fk.seq = 0;
	fk.inflight = fk.max_inflight = 0;
	fk.sleep_us = fk.slow_us = fk.random_us = 0;
	fk.slow = fk.fail = NULL;
	fk.rnd = 12345;
	log_reset();
	snprintf(fk.sysfs, sizeof(fk.sysfs), "/tmp/sprout-modload-test.XXXXXX");
	assert_non_null(mkdtemp(fk.sysfs));
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fk.sysfs);
	return system(cmd);
}

/* --- tests ------------------------------------------------------------------------------ */

static const char four_dep[] = "a.ko:\nb.ko:\nc.ko:\nd.ko:\n";
static const struct modload_job four[] = {
	{ "a", "x:a", false }, { "b", "x:b", false }, { "c", "x:c", false }, { "d", "x:d", false },
};

static void test_independent_overlap(void **state)
{
	(void)state;
	struct modload ml;
	open_text(&ml, four_dep, NULL);
	fk.sleep_us = 100000;
	long t0 = now_ms();
	assert_int_equal(modload_many(&ml, four, N(four), 4), 4);
	long ms = now_ms() - t0;
	/* one after the other: 400 ms */
	if (ms >= 250)
		fail_msg("4 loads of 100 ms took %ld ms with 4 threads", ms);
	assert_int_equal(fk.max_inflight, 4);
	for (size_t i = 0; i < N(four); i++)
		assert_int_equal(calls(four[i].module), 1);
	assert_int_equal(ml.nloaded, 4);
	assert_int_equal(count_logged("loaded a for x:a in "), 1);
	/* all in now: nothing more, and nothing counted */
	assert_int_equal(modload_many(&ml, four, N(four), 4), 0);
	assert_int_equal(calls("a"), 1);
	modload_close(&ml);
}

static void test_one_thread(void **state)
{
	(void)state;
	struct modload ml;
	open_text(&ml, four_dep, NULL);
	fk.sleep_us = 2000;
	assert_int_equal(modload_many(&ml, four, N(four), 1), 4);
	assert_int_equal(fk.max_inflight, 1);
	/* in the jobs' order */
	assert_done_before("a", "b");
	assert_done_before("b", "c");
	assert_done_before("c", "d");
	modload_close(&ml);
}

/* Eight drivers needing one slow library (which needs another): the library is
 * loaded once, by one worker, and the others wait for it. */
static const char shared_dep[] =
	"m0.ko: shared.ko base.ko\nm1.ko: shared.ko base.ko\nm2.ko: shared.ko base.ko\n"
	"m3.ko: shared.ko base.ko\nm4.ko: shared.ko base.ko\nm5.ko: shared.ko base.ko\n"
	"m6.ko: shared.ko base.ko\nm7.ko: shared.ko base.ko\nshared.ko: base.ko\nbase.ko:\n";
static const struct modload_job eight[] = {
	{ "m0", NULL, false }, { "m1", NULL, false }, { "m2", NULL, false }, { "m3", NULL, false },
	{ "m4", NULL, false }, { "m5", NULL, false }, { "m6", NULL, false }, { "m7", NULL, false },
};

static void test_shared_dependency(void **state)
{
	(void)state;
	struct modload ml;
	open_text(&ml, shared_dep, NULL);
	fk.sleep_us = 5000;
	fk.slow = "shared";
	fk.slow_us = 100000;
	assert_int_equal(modload_many(&ml, eight, N(eight), 4), 8);
	assert_int_equal(calls("base"), 1);
	assert_int_equal(calls("shared"), 1);
	assert_done_before("base", "shared");
	for (size_t i = 0; i < N(eight); i++) {
		assert_int_equal(calls(eight[i].module), 1);
		assert_done_before("shared", eight[i].module);
	}
	assert_int_equal(ml.nloaded, 10);
	assert_int_equal(ml.nfailed, 0);
	modload_close(&ml);
}

static void test_shared_failure(void **state)
{
	(void)state;
	struct modload ml;
	open_text(&ml, shared_dep, NULL);
	fk.sleep_us = 1000;
	fk.slow = fk.fail = "shared";
	fk.slow_us = 50000;
	assert_int_equal(modload_many(&ml, eight, N(eight), 4), 0);
	/* tried once, its dependents never */
	assert_int_equal(calls("shared"), 1);
	for (size_t i = 0; i < N(eight); i++) {
		assert_int_equal(calls(eight[i].module), 0);
		assert_int_equal(modload_module(&ml, eight[i].module), -EINVAL);
	}
	assert_int_equal(count_logged("module shared (shared.ko) failed to load"), 1);
	assert_int_equal(count_logged("not loaded: it needs shared, which failed"), 8);
	assert_int_equal(ml.nfailed, 1);
	assert_int_equal(calls("shared"), 1);
	modload_close(&ml);
}

/* A chained job starts after the one before it; other runs go on meanwhile. */
static void test_chain(void **state)
{
	(void)state;
	struct modload ml;
	static const struct modload_job jobs[] = {
		{ "a", "pci:1", false }, { "b", "pci:1", true }, { "c", "pci:2", false },
	};
	open_text(&ml, four_dep, NULL);
	fk.slow = "a";
	fk.slow_us = 100000;
	fk.sleep_us = 10000;
	assert_int_equal(modload_many(&ml, jobs, N(jobs), 4), 3);
	assert_done_before("a", "b");
	assert_int_equal(fk.max_inflight, 2); /* a with c, never a with b */
	assert_true(loaded("c")->start < loaded("a")->end);
	modload_close(&ml);
}

/* What is counted: each job module that went into the kernel during the call,
 * loaded by its own job or as another's dependency; once, however often listed. */
static void test_count(void **state)
{
	(void)state;
	struct modload ml;
	static const char dep[] = "top.ko: mid.ko\nmid.ko:\nin.ko:\nbl.ko:\nbad.ko:\n";
	static const struct modload_job jobs[] = {
		{ "top", NULL, false }, { "mid", NULL, false }, { "top", NULL, false },
		{ "in", NULL, false },  { "bl", NULL, false },  { "nothere", NULL, false },
		{ "bad/name", NULL, false }, { "bad", NULL, false },
	};
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/module", fk.sysfs);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/module/in", fk.sysfs);
	assert_int_equal(mkdir(dir, 0755), 0); /* built in: there before us */
	open_text(&ml, dep, NULL);
	assert_int_equal(modload_blacklist(&ml, "bl"), 0);
	fk.fail = "bad";
	fk.sleep_us = 1000;
	assert_int_equal(modload_many(&ml, jobs, N(jobs), 4), 2);
	assert_int_equal(calls("top"), 1);
	assert_int_equal(calls("mid"), 1);
	assert_int_equal(calls("in"), 0);
	assert_int_equal(calls("bl"), 0);
	assert_int_equal(calls("bad"), 1);
	assert_done_before("mid", "top");
	assert_int_equal(modload_many(&ml, jobs, 0, 4), 0);
	modload_close(&ml);
}

/* The fake sysfs's CPU modalias, and the crc32c index opened over it. */
static void open_cpu(struct modload *ml, const char *modalias)
{
	static const char dep[] = "ext4.ko:\ncrc32c_intel.ko:\ncrc32c_generic.ko:\n";
	static const char soft[] = "softdep ext4 pre: crypto-crc32c\n";
	static const char alias[] = "alias cpu:type:x86,ven*fam*mod*:feature:*0094* crc32c_intel\n"
				    "alias crypto-crc32c crc32c_intel\n"
				    "alias crypto-crc32c crc32c_generic\n";
	static const char *const dirs[] = { "devices", "devices/system", "devices/system/cpu" };
	char path[512];
	size_t bad;

	for (size_t i = 0; i < N(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", fk.sysfs, dirs[i]);
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
	}
	snprintf(path, sizeof(path), "%s/devices/system/cpu/modalias", fk.sysfs);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", modalias);
	fclose(f);
	open_text(ml, dep, soft);
	assert_int_equal(modindex_parse_alias(ml->idx, alias, strlen(alias), &bad), 0);
}

/* A softdep alias naming a driver for a CPU feature this CPU lacks (crc32c_intel without
 * SSE4.2): it is left out, its generic sibling loaded; with the feature it is loaded. */
static void test_softdep_cpu(void **state)
{
	(void)state;
	struct modload ml;

	open_cpu(&ml, "cpu:type:x86,ven0000fam0006mod0006:feature:,0000,0001,0002,0058");
	assert_int_equal(modload_module(&ml, "ext4"), 1);
	assert_int_equal(calls("crc32c_intel"), 0);
	assert_int_equal(calls("crc32c_generic"), 1);
	assert_int_equal(calls("ext4"), 1);
	assert_done_before("crc32c_generic", "ext4");
	/* asked for by name, it is tried all the same (rd.driver.pre=, a device) */
	assert_int_equal(modload_module(&ml, "crc32c_intel"), 1);
	assert_int_equal(calls("crc32c_intel"), 1);
	modload_close(&ml);

	open_cpu(&ml, "cpu:type:x86,ven0000fam0006mod0006:feature:,0000,0058,0094,00E8");
	assert_int_equal(modload_module(&ml, "ext4"), 1);
	assert_int_equal(calls("crc32c_intel"), 2);
	modload_close(&ml);
}

/* A random graph (each module needs up to three earlier ones, some "pre:" softdeps),
 * every module a job in a shuffled order, loads of random length, many times: each
 * module once, never before what its plan puts before it. */
static void random_graph(char *dep, size_t n, char *soft, size_t sn, unsigned *seed)
{
	size_t o = 0, so = 0;
	for (int i = 0; i < 40; i++) {
		o += (size_t)snprintf(dep + o, n - o, "g%d.ko:", i);
		for (int k = 0; k < 3 && i > 0; k++)
			if (rand_r(seed) % 2)
				o += (size_t)snprintf(dep + o, n - o, " g%d.ko", (int)(rand_r(seed) % (unsigned)i));
		o += (size_t)snprintf(dep + o, n - o, "\n");
		if (i > 2 && rand_r(seed) % 5 == 0)
			so += (size_t)snprintf(soft + so, sn - so, "softdep g%d pre: g%d\n", i,
					       (int)(rand_r(seed) % (unsigned)i));
	}
}

static void check_plans(struct modload *ml)
{
	struct modindex_step steps[MODLOAD_MAX_STEPS];
	for (int i = 0; i < 40; i++) {
		char name[16];
		snprintf(name, sizeof(name), "g%d", i);
		if (calls(name) != 1)
			fail_msg("%s loaded %d times", name, calls(name));
		int n = modindex_load_plan(ml->idx, name, steps, MODLOAD_MAX_STEPS);
		assert_true(n > 0);
		for (int s = 0; s < n && strcmp(steps[s].name, name); s++)
			assert_done_before(steps[s].name, name);
	}
}

static void test_random_graphs(void **state)
{
	(void)state;
	unsigned seed = 20261123;
	for (int round = 0; round < 40; round++) {
		char dep[8192], soft[2048] = "";
		struct modload_job jobs[40];
		char names[40][16];
		struct modload ml;
		random_graph(dep, sizeof(dep), soft, sizeof(soft), &seed);
		for (int i = 0; i < 40; i++) {
			snprintf(names[i], sizeof(names[i]), "g%d", i);
			jobs[i] = (struct modload_job){ names[i], NULL, false };
		}
		for (int i = 39; i > 0; i--) {
			int j = (int)(rand_r(&seed) % (unsigned)(i + 1));
			struct modload_job t = jobs[i];
			jobs[i] = jobs[j];
			jobs[j] = t;
		}
		setup(NULL);
		open_text(&ml, dep, soft);
		fk.random_us = 1500;
		fk.rnd = seed;
		assert_int_equal(modload_many(&ml, jobs, 40, 4), 40);
		check_plans(&ml);
		assert_int_equal(ml.nloaded, 40);
		modload_close(&ml);
		teardown(NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_independent_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_dependency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_softdep_cpu, setup, teardown),
		cmocka_unit_test(test_random_graphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
