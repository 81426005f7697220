/* What the unit tests share: N(), and a fake of sprout-init's logger that keeps every
 * line (the tests link no real log.o) for the test to look at. Defines functions:
 * include it once per test program, after the system headers. */
#ifndef SPROUT_TESTUTIL_H
#define SPROUT_TESTUTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"

#define N(a) ARRAY_SIZE(a)

/* shell(FMT, ...): runs a formatted shell command (fixtures: mkdir, cp, ln); its system()
 * status, -1 when the command does not fit. */
static inline int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int shell(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd);
}

#ifdef TESTUTIL_LOG
#include "log.h"

/* Every line logged since the last log_reset(), one per line. Threads may log (modload
 * loads from several), so appending is locked; a line that does not fit is dropped. */
static char logged[32768];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	(void)level;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	size_t o = strlen(logged), n = strlen(line);
	if (o + n + 2 <= sizeof(logged)) {
		memcpy(logged + o, line, n);
		memcpy(logged + o + n, "\n", 2);
	}
	pthread_mutex_unlock(&log_lock);
}

static inline void log_reset(void)
{
	logged[0] = '\0';
}

/* How many times `what` occurs in the log. */
static inline int count_logged(const char *what)
{
	int n = 0;
	for (const char *p = logged; (p = strstr(p, what)); p++)
		n++;
	return n;
}
#endif

#endif
