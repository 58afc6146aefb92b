/*
 * stamp: the date/time/zone stamps operators write on updates
 * ("6:47 AM", "10/16/2010 1:24 AM Eastern", "2010-10-16 01:24 -0400",
 * "12:35 AM Eastern Monday", "Friday 9/3/10"), and their instants.
 */
#ifndef NB_STAMP_H
#define NB_STAMP_H

#include <stddef.h>
#include <stdint.h>

struct nb_buf;

#define NB_STAMP_ZONE_MAX 64

struct nb_stamp {
	int year, month, day;       /* year 0: the stamp states no date */
	int hour, minute, second;   /* hour -1: the stamp states no time */
	int wday;                   /* 0 Sunday .. 6 Saturday; -1 none */
	int has_offset;             /* a numeric offset or UTC/GMT was given */
	int offset;                 /* seconds east of UTC, when has_offset */
	char zone[NB_STAMP_ZONE_MAX]; /* IANA zone it names, "" otherwise */
	int dst_hint;               /* EST-like 0, EDT-like 1, else -1 */
};

/*
 * Parses a stamp.  Returns 0, or -1 with the problem written to why
 * (lower-case, no full stop).  A stamp states at least a date or a time.
 */
int nb_stamp_parse(struct nb_stamp *out, const char *text, size_t len,
		   struct nb_buf *why);

static inline int nb_stamp_has_date(const struct nb_stamp *s) { return s->year != 0; }
static inline int nb_stamp_has_time(const struct nb_stamp *s) { return s->hour >= 0; }

/* The zone a stamp's wall clock is read in: its own, else default_zone. */
const char *nb_stamp_zone(const struct nb_stamp *s, const char *default_zone);

/*
 * The instant of the stamp's time (00:00 if none) on the given date.  In
 * the hour a fall-back repeats, EST-like and EDT-like names pick the
 * occurrence, others the first; a time a spring-forward skips is read
 * with the offset in force before the change.
 */
int64_t nb_stamp_instant_on(const struct nb_stamp *s, int year, int month,
			    int day, const char *default_zone);
/* The instant of a stamp that states a date. */
int64_t nb_stamp_instant(const struct nb_stamp *s, const char *default_zone);

/*
 * How far past the commit that adds it a stamp may lie and still count as
 * written a little before committing (the operator's clock and the
 * commit's differ by minutes).  Dating by a commit allows it, and a stamp
 * later than that is "in the future" to `check`: one tolerance for both.
 */
#define NB_FUTURE_SLACK (15 * 60)

/*
 * Where an update stands in a thread dated by its text: its instant, and
 * the wall-clock date and time it was written as, in the zone it was read
 * in, which the next stamp in that zone is also compared with.
 */
struct nb_stamp_mark {
	int64_t t;
	int64_t wall;                 /* seconds since the epoch, as if the wall clock were UTC */
	char zone[NB_STAMP_ZONE_MAX]; /* "" for a numeric offset: only t counts */
};

/* The mark of a stamp that states a date (date: in the front matter). */
void nb_stamp_mark_of(struct nb_stamp_mark *m, const struct nb_stamp *s,
		      const char *default_zone);

/*
 * Dates a stamp in a thread dated by its text, after the update before it
 * (`after`; at or after it when inclusive).  A time-only stamp takes the
 * earliest date, not before floor_day (days since the epoch, or INT64_MIN
 * for none), on its weekday if it names one, where it is after `after`:
 * as an instant, or on the wall clock when both are read in the same zone
 * (so 3:15 AM after 2:30 AM is the same night, although 2:30 AM, which a
 * spring-forward skipped, is read as 3:30 AM).  Where its time names two
 * instants on that date (the hour a fall-back repeats, a skipped time),
 * the one after `after` wins when only one is.  A stamp with a date keeps
 * it; only that choice is made.  Returns 0 and the stamp's mark, or -1
 * when no date is near.
 */
int nb_stamp_infer_after(struct nb_stamp_mark *out, const struct nb_stamp *s,
			 const struct nb_stamp_mark *after, int inclusive,
			 int64_t floor_day, const char *default_zone);

/*
 * Dates a stamp by the commit that added it: a time-only stamp takes the
 * latest date, on its weekday if it names one, where it is no more than
 * NB_FUTURE_SLACK after `commit`.  Where its time names two instants on
 * that date (the hour a fall-back repeats; a time a spring-forward skips,
 * read with the offset before the change and with the one after), the
 * one within that bound wins when only one is; when both are, the one it
 * is read as.  A stamp with a date keeps it; only that choice is made.
 * Returns 0 and the instant, or -1 when no date is near.
 */
int nb_stamp_infer_before(int64_t *out, const struct nb_stamp *s, int64_t commit,
			  const char *default_zone);

#endif
