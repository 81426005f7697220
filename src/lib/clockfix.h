/* clockfix: is the system clock plausibly right at boot, and if not, what to set it to.
 * Pure: the caller reads the clocks (CLOCK_REALTIME, the RTC) and acts.
 *
 * A clock earlier than the moment the software was built is certainly wrong (a dead RTC
 * battery, a board without an RTC): fsck, NFS and certificates then meet a clock years
 * behind. Such a clock is set from the RTC when the RTC is later than the build time
 * (the kernel may simply not have read it), otherwise to the build time itself — a
 * lower bound of the true time, as systemd does with its clock epoch. A build time of 0
 * means "unknown": nothing is changed. */
#ifndef SPROUT_CLOCKFIX_H
#define SPROUT_CLOCKFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum clockfix_action {
	CLOCKFIX_KEEP = 0,   /* the clock is not earlier than the build time (or it is unknown) */
	CLOCKFIX_FROM_RTC,   /* set to the RTC's time, which is later than the build time */
	CLOCKFIX_TO_BUILD,   /* set to the build time: no RTC, or one not later than it */
};

/* What to do with a clock reading now (seconds since the epoch, UTC), given the build
 * time (0: unknown) and the RTC's time (rtc_ok false: no RTC, or it could not be read).
 * *set_to receives the time to set (now for CLOCKFIX_KEEP). */
enum clockfix_action clockfix_decide(int64_t now, int64_t build, bool rtc_ok, int64_t rtc,
				     int64_t *set_to);

/* The RTC's broken-down time (as struct rtc_time holds it: year since 1900, month
 * 0-11, day 1-31, 24-hour clock, read as UTC) in seconds since the epoch. -EINVAL for
 * a field out of range (an RTC that was never set may say anything; 60 seconds is a
 * leap second and counts as 59), or a year before 1970 or after 9999. */
int clockfix_rtc_seconds(int year, int mon, int mday, int hour, int min, int sec, int64_t *out);

/* "2026-12-02 13:04:05 UTC" (or "@SECONDS" when out of range) into out[n]; returns out. */
const char *clockfix_format(int64_t t, char *out, size_t n);

#endif
