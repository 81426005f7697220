/* clock: a system clock earlier than the build is set from the RTC, or to the build time
 * (the decision is src/lib/clockfix.c). The RTC is read with RTC_RD_TIME on /dev/rtc0 and
 * taken as UTC, as the kernel's own hctosys does; an RTC kept in local time (a machine
 * that also runs Windows) is then off by the zone, which the floor check tolerates. */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/readfile.h"
#include "boot.h"
#include "buildinfo.h"
#include "clockfix.h"
#include "conf.h"
#include "initmode.h"
#include "log.h"
#include "parse.h"

#define RTC_DEVICE "/dev/rtc0"

/* The RTC's time: 0, or -errno after a debug line (no RTC is common: a VM, a board). */
static int read_rtc(int64_t *out, char *why, size_t n)
{
	struct rtc_time tm;
	int fd = open(RTC_DEVICE, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		rc = -errno;
		snprintf(why, n, "%s: %s", RTC_DEVICE, strerror(-rc));
		return rc;
	}
	memset(&tm, 0, sizeof(tm));
	rc = ioctl(fd, RTC_RD_TIME, &tm) < 0 ? -errno : 0;
	close(fd);
	if (rc < 0) {
		snprintf(why, n, "%s: RTC_RD_TIME: %s", RTC_DEVICE, strerror(-rc));
		return rc;
	}
	rc = clockfix_rtc_seconds(tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
				  tm.tm_sec, out);
	if (rc < 0)
		snprintf(why, n, "%s holds no valid time (%d-%02d-%02d %02d:%02d:%02d)", RTC_DEVICE,
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return rc;
}

void boot_clock(const char *what, int64_t floor)
{
	char t_now[64], t_floor[64], t_rtc[64], t_set[64], why[128] = "";
	struct timespec ts;
	int64_t now, rtc = 0, set;
	bool rtc_ok;
	enum clockfix_action act;

	if (floor <= 0) {
		log_info("clock: %s is unknown; the clock is not checked", what);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec;
	clockfix_format(now, t_now, sizeof(t_now));
	clockfix_format(floor, t_floor, sizeof(t_floor));
	if (now >= floor) {
		log_info("clock: %s is not earlier than %s (%s); left alone", t_now, what, t_floor);
		return;
	}
	rtc_ok = read_rtc(&rtc, why, sizeof(why)) == 0;
	if (rtc_ok)
		clockfix_format(rtc, t_rtc, sizeof(t_rtc));
	else
		snprintf(t_rtc, sizeof(t_rtc), "none");
	act = clockfix_decide(now, floor, rtc_ok, rtc, &set);
	clockfix_format(set, t_set, sizeof(t_set));
	ts.tv_sec = (time_t)set;
	ts.tv_nsec = 0;
	if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
		log_warn("clock: %s is earlier than %s (%s), RTC %s%s%s; setting it to %s failed: %m",
			 t_now, what, t_floor, t_rtc, why[0] ? ": " : "", why, t_set);
		return;
	}
	if (act == CLOCKFIX_FROM_RTC)
		log_notice("clock: %s was earlier than %s (%s); set from the RTC to %s", t_now, what,
			   t_floor, t_set);
	else
		log_notice("clock: %s was earlier than %s (%s) and the RTC says %s%s%s; set to %s "
			   "(the build time)", t_now, what, t_floor, t_rtc, why[0] ? ": " : "", why,
			   t_set);
}

static int image_key(const char *key, const char *value, size_t line, void *ctx)
{
	uint64_t v;

	(void)line;
	if (!strcmp(key, "build_time") && parse_u64(value, INT64_MAX, &v) == 0)
		*(int64_t *)ctx = (int64_t)v;
	return 0;
}

void boot_clock_initramfs(void)
{
	int64_t image = 0, binary = buildinfo_epoch();
	size_t bad;
	size_t len;
	char *buf;

	if (readfile_at(AT_FDCWD, INITMODE_IMAGE_MARKER, 65536, &buf, &len) == 0) {
		if (conf_parse(buf, len, image_key, &image, &bad) < 0)
			log_warn("clock: %s: line %zu is not key=value", INITMODE_IMAGE_MARKER, bad);
		free(buf);
	}
	if (image > binary)
		boot_clock("the image's build time", image);
	else
		boot_clock("sprout-init's build time", binary);
}
