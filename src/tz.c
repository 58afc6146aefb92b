#include "tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"

#define NB_TZ_NAME_MAX 128

int64_t nb_tz_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void nb_tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int nb_tz_weekday(int year, int month, int day)
{
	int64_t d = nb_tz_days_from_civil(year, month, day);

	/* 1970-01-01 was a Thursday */
	return (int)(((d % 7) + 11) % 7);
}

int nb_tz_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && leap);
}

int64_t nb_tz_civil_to_seconds(const struct nb_tz_civil *c)
{
	return nb_tz_days_from_civil(c->year, c->month, c->day) * 86400 +
	       c->hour * 3600 + c->minute * 60 + c->second;
}

void nb_tz_civil_from_seconds(int64_t t, struct nb_tz_civil *c)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;

	nb_tz_civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->minute = (int)(rem % 3600 / 60);
	c->second = (int)(rem % 60);
}

int nb_tz_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	struct nb_buf path = NB_BUF_INIT;
	char magic[4];
	size_t len = strlen(name), i;
	FILE *f;
	int ok = 0;

	if (!len || len >= NB_TZ_NAME_MAX || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-' || c == '+'))
			return 0;
	}
	nb_buf_printf(&path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	f = fopen(path.ptr, "rb");
	if (f) {
		struct stat st;

		ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
		     fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
		fclose(f);
	}
	nb_buf_release(&path);
	return ok;
}

/* The C library reads zones through TZ, one per process: each use sets it
 * and reads the time under this lock, so threads may format times. */
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;

static void use_zone(const char *zone)
{
	static char current[NB_TZ_NAME_MAX + 2];
	char want[NB_TZ_NAME_MAX + 2];

	snprintf(want, sizeof(want), ":%s", zone);
	if (strcmp(current, want) == 0)
		return;
	memcpy(current, want, sizeof(want));
	setenv("TZ", want, 1);
	tzset();
}

int nb_tz_offset(const char *zone, int64_t t, int *isdst)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int ok;

	pthread_mutex_lock(&zone_lock);
	use_zone(zone);
	ok = localtime_r(&tt, &tm) != NULL;
	pthread_mutex_unlock(&zone_lock);
	if (isdst)
		*isdst = ok && tm.tm_isdst > 0;
	return ok ? (int)tm.tm_gmtoff : 0;
}

int nb_tz_readings(int64_t out[2], const char *zone, const struct nb_tz_civil *c,
		    int dst_hint)
{
	int64_t naive = nb_tz_civil_to_seconds(c);
	int before = nb_tz_offset(zone, naive - 86400, NULL);
	int after = nb_tz_offset(zone, naive + 86400, NULL);
	int64_t t1 = naive - before, t2 = naive - after;
	int dst1, dst2;
	int ok1 = nb_tz_offset(zone, t1, &dst1) == before;
	int ok2 = nb_tz_offset(zone, t2, &dst2) == after;

	if (t1 == t2 || ok1 != ok2) {
		out[0] = ok2 ? t2 : t1;
		return 1;
	}
	if (ok1) {
		/* the repeated hour of a fall-back: the hint's, else the earlier */
		int first = (dst_hint >= 0 && dst1 != dst2) ? dst1 == dst_hint : t1 < t2;

		out[0] = first ? t1 : t2;
		out[1] = first ? t2 : t1;
		return 2;
	}
	/* skipped by a spring-forward: the offset before the change, then after */
	out[0] = t1;
	out[1] = t2;
	return 2;
}

int64_t nb_tz_to_utc(const char *zone, const struct nb_tz_civil *c, int dst_hint)
{
	int64_t t[2];

	nb_tz_readings(t, zone, c, dst_hint);
	return t[0];
}

void nb_tz_from_utc(const char *zone, int64_t t, struct nb_tz_civil *c, int *offset)
{
	int off = nb_tz_offset(zone, t, NULL);

	nb_tz_civil_from_seconds(t + off, c);
	if (offset)
		*offset = off;
}

size_t nb_tz_format(char *buf, size_t size, const char *fmt, const char *zone,
		    int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	/* UTC needs no zone file; feeds alternate it with the site's zone,
	 * and switching TZ rereads the zone file each time */
	if (strcmp(zone, "UTC") == 0) {
		if (!gmtime_r(&tt, &tm))
			return 0;
		tm.tm_zone = "UTC";
		return strftime(buf, size, fmt, &tm);
	}
	/* %Z reads the zone's name from the library's tables: under the lock */
	pthread_mutex_lock(&zone_lock);
	use_zone(zone);
	if (localtime_r(&tt, &tm))
		n = strftime(buf, size, fmt, &tm);
	pthread_mutex_unlock(&zone_lock);
	return n;
}
