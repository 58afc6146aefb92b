/*
 * tz: civil dates, and instants in IANA time zones read from the system
 * tz database (through TZ and localtime_r, under one process-wide lock, so
 * any thread may call them; UTC needs neither).
 */
#ifndef NB_TZ_H
#define NB_TZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * The instants nocblog dates anything with: from the epoch to the end of
 * the year 3000, the last year libical writes in a calendar (Atom's
 * four-digit years would go on to 9999).
 */
#define NB_TIME_MIN 0
#define NB_TIME_MAX INT64_C(32535215999)   /* 3000-12-31T23:59:59Z */
#define NB_YEAR_MAX 2999   /* of a stamp: any zone's offset keeps it in range */

struct nb_tz_civil {
	int year, month, day;     /* month 1-12, day 1-31 */
	int hour, minute, second;
};

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t nb_tz_days_from_civil(int year, int month, int day);
void nb_tz_civil_from_days(int64_t days, int *year, int *month, int *day);
/* 0 = Sunday. */
int nb_tz_weekday(int year, int month, int day);
int nb_tz_days_in_month(int year, int month);
/* Seconds since the epoch of a civil time read as UTC. */
int64_t nb_tz_civil_to_seconds(const struct nb_tz_civil *c);
void nb_tz_civil_from_seconds(int64_t t, struct nb_tz_civil *c);

/* 1 when name is a zone of the system tz database. */
int nb_tz_exists(const char *name);
/* The offset east of UTC, in seconds, in force at t; isdst may be NULL. */
int nb_tz_offset(const char *zone, int64_t t, int *isdst);
/*
 * The instant of a wall-clock time in zone.  In the hour a fall-back
 * repeats, dst_hint picks the occurrence (0 standard, 1 daylight, -1 the
 * earlier one); a time skipped by a spring-forward is read with the offset
 * in force before the change.
 */
int64_t nb_tz_to_utc(const char *zone, const struct nb_tz_civil *c, int dst_hint);
/*
 * Every instant a wall-clock time in zone may name, the one nb_tz_to_utc
 * gives first: in the hour a fall-back repeats, the other occurrence
 * second; for a time a spring-forward skips, its reading with the offset
 * in force after the change second.  Returns how many: 1 or 2.
 */
int nb_tz_readings(int64_t out[2], const char *zone, const struct nb_tz_civil *c,
		   int dst_hint);
/* The wall clock in zone at t, and its offset (may be NULL). */
void nb_tz_from_utc(const char *zone, int64_t t, struct nb_tz_civil *c, int *offset);



/* Formats t in zone with strftime's fmt ("%Z" gives EDT).  Returns the
 * length written, 0 when it does not fit. */
size_t nb_tz_format(char *buf, size_t size, const char *fmt, const char *zone,
		    int64_t t);
#endif
