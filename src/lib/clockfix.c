/* clockfix: the boot-time clock decision, pure. */
#include "clockfix.h"

#include <errno.h>
#include <stdio.h>

enum clockfix_action clockfix_decide(int64_t now, int64_t build, bool rtc_ok, int64_t rtc,
				     int64_t *set_to)
{
	*set_to = now;
	if (build <= 0 || now >= build)
		return CLOCKFIX_KEEP;
	if (rtc_ok && rtc > build) {
		*set_to = rtc;
		return CLOCKFIX_FROM_RTC;
	}
	*set_to = build;
	return CLOCKFIX_TO_BUILD;
}

/* Days from 1970-01-01 to year-mon-mday in the proleptic Gregorian calendar (valid
 * fields), by the civil-from-days inverse: March-based years make February last. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int clockfix_rtc_seconds(int year, int mon, int mday, int hour, int min, int sec, int64_t *out)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y = (int64_t)year + 1900;
	int dim;

	if (y < 1970 || y > 9999 || mon < 0 || mon > 11 || hour < 0 || hour > 23 || min < 0 ||
	    min > 59 || sec < 0 || sec > 60)
		return -EINVAL;
	dim = mdays[mon] + (mon == 1 && leap(y));
	if (mday < 1 || mday > dim)
		return -EINVAL;
	if (sec == 60)
		sec = 59;
	*out = days_from_civil(y, mon + 1, mday) * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
	return 0;
}

const char *clockfix_format(int64_t t, char *out, size_t n)
{
	int64_t days, rem, z, era, doe, yoe, y, doy, mp, d, m;

	/* 0000-01-01 .. 9999-12-31 */
	if (t < -62167219200LL || t > 253402300799LL) {
		snprintf(out, n, "@%lld", (long long)t);
		return out;
	}
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	rem = t - days * 86400;
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, n, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC", (long long)y, (long long)m,
		 (long long)d, (long long)(rem / 3600), (long long)(rem / 60 % 60),
		 (long long)(rem % 60));
	return out;
}
