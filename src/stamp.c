#include "stamp.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "tz.h"
#include "util.h"

static const char *const weekdays[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"
};

static const char *const weekday_names[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
};

struct zone_word {
	const char *word;
	const char *zone; /* NULL: UTC */
	int dst_hint;
};

static const struct zone_word zone_words[] = {
	{ "eastern", "America/New_York", -1 }, { "et", "America/New_York", -1 },
	{ "est", "America/New_York", 0 }, { "edt", "America/New_York", 1 },
	{ "central", "America/Chicago", -1 }, { "ct", "America/Chicago", -1 },
	{ "cst", "America/Chicago", 0 }, { "cdt", "America/Chicago", 1 },
	{ "mountain", "America/Denver", -1 }, { "mt", "America/Denver", -1 },
	{ "mst", "America/Denver", 0 }, { "mdt", "America/Denver", 1 },
	{ "pacific", "America/Los_Angeles", -1 }, { "pt", "America/Los_Angeles", -1 },
	{ "pst", "America/Los_Angeles", 0 }, { "pdt", "America/Los_Angeles", 1 },
	{ "alaska", "America/Anchorage", -1 }, { "akt", "America/Anchorage", -1 },
	{ "akst", "America/Anchorage", 0 }, { "akdt", "America/Anchorage", 1 },
	{ "hawaii", "Pacific/Honolulu", -1 }, { "hst", "Pacific/Honolulu", 0 },
	{ "utc", NULL, -1 }, { "gmt", NULL, -1 }, { "ut", NULL, -1 }, { "z", NULL, -1 },
};

struct scan {
	const char *p, *end;
	struct nb_buf *why;
};

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int fail(struct scan *sc, const char *fmt, const char *arg, size_t arglen)
{
	if (sc->why) {
		nb_buf_truncate(sc->why, 0);
		if (arg)
			nb_buf_printf(sc->why, fmt, (int)arglen, arg);
		else
			nb_buf_puts(sc->why, fmt);
	}
	return -1;
}

/* Reads 1..max digits; returns the count read (0 if none). */
static int digits(const char *p, const char *end, int max, int *value)
{
	int n = 0, v = 0;

	while (p + n < end && n < max && is_digit((unsigned char)p[n]))
		v = v * 10 + (p[n++] - '0');
	*value = v;
	return n;
}

static int set_date(struct nb_stamp *s, struct scan *sc, int y, int m, int d,
		    const char *tok, size_t toklen)
{
	if (s->year)
		return fail(sc, "the stamp states two dates ('%.*s')", tok, toklen);
	if (m < 1 || m > 12 || d < 1 || d > nb_tz_days_in_month(y, m))
		return fail(sc, "'%.*s' is not a date (month/day/year)", tok, toklen);
	if (y < 1970 || y > NB_YEAR_MAX)
		return fail(sc, "the year in '%.*s' is out of range (1970 to 2999)", tok, toklen);
	s->year = y;
	s->month = m;
	s->day = d;
	return 0;
}

/* M/D/YY, M/D/YYYY or YYYY-MM-DD; sets *is_iso for the latter. */
static int scan_date(struct nb_stamp *s, struct scan *sc, int *is_iso)
{
	const char *start = sc->p, *p = sc->p;
	int a, b, c, na, nb, nc;

	na = digits(p, sc->end, 4, &a);
	p += na;
	*is_iso = 0;
	if (na == 4 && p < sc->end && *p == '-') {
		nb = digits(p + 1, sc->end, 2, &b);
		if (nb != 2 || p + 1 + nb >= sc->end || p[1 + nb] != '-')
			return 1;
		p += 1 + nb + 1;
		nc = digits(p, sc->end, 2, &c);
		if (nc != 2)
			return 1;
		p += nc;
		*is_iso = 1;
		sc->p = p;
		return set_date(s, sc, a, b, c, start, (size_t)(p - start));
	}
	if (na < 1 || na > 2 || p >= sc->end || *p != '/')
		return 1; /* not a date */
	nb = digits(p + 1, sc->end, 2, &b);
	if (nb < 1 || p + 1 + nb >= sc->end || p[1 + nb] != '/')
		return 1;
	p += 1 + nb + 1;
	nc = digits(p, sc->end, 4, &c);
	if (nc != 2 && nc != 4)
		return fail(sc, "the year in '%.*s' needs two or four digits",
			    start, (size_t)(p + nc - start));
	p += nc;
	sc->p = p;
	return set_date(s, sc, nc == 2 ? 2000 + c : c, a, b, start,
			(size_t)(p - start));
}

/* Matches am/pm/a.m./p.m. at p; returns its length, 0 if none. */
static size_t meridiem(const char *p, const char *end, int *pm)
{
	size_t n = 0;
	int c;

	if (p >= end)
		return 0;
	c = *p | 0x20;
	if (c != 'a' && c != 'p')
		return 0;
	*pm = c == 'p';
	n = 1;
	if (p + n < end && p[n] == '.')
		n++;
	if (p + n >= end || (p[n] | 0x20) != 'm')
		return 0;
	n++;
	if (p + n < end && p[n] == '.')
		n++;
	if (p + n < end && is_alpha((unsigned char)p[n]))
		return 0;
	return n;
}

/* H:MM[:SS] [AM|PM] or H AM|PM.  Returns 1 when p holds no time. */
static int scan_time(struct nb_stamp *s, struct scan *sc)
{
	const char *start = sc->p, *p = sc->p, *q;
	int h, m = 0, sec = 0, n, pm = 0, has_colon = 0;
	size_t ml;

	n = digits(p, sc->end, 2, &h);
	if (!n)
		return 1;
	p += n;
	if (p < sc->end && *p == ':') {
		if (digits(p + 1, sc->end, 2, &m) != 2)
			return fail(sc, "'%.*s' is not a time (H:MM)", start,
				    (size_t)(p + 1 - start));
		p += 3;
		has_colon = 1;
		if (p < sc->end && *p == ':') {
			if (digits(p + 1, sc->end, 2, &sec) != 2)
				return fail(sc, "'%.*s' is not a time", start,
					    (size_t)(p + 1 - start));
			p += 3;
		}
	}
	q = p;
	while (q < sc->end && *q == ' ')
		q++;
	ml = meridiem(q, sc->end, &pm);
	if (!ml && !has_colon)
		return 1;
	if (s->hour >= 0)
		return fail(sc, "the stamp states two times ('%.*s')", start,
			    (size_t)(p - start));
	if (ml) {
		if (h < 1 || h > 12)
			return fail(sc, "'%.*s' is not a time: AM/PM hours run 1 to 12",
				    start, (size_t)(q + ml - start));
		h = h % 12 + (pm ? 12 : 0);
		p = q + ml;
	} else if (h > 23) {
		return fail(sc, "'%.*s' is not a time: hours run 0 to 23", start,
			    (size_t)(p - start));
	}
	if (m > 59 || sec > 59)
		return fail(sc, "'%.*s' is not a time: minutes run 0 to 59", start,
			    (size_t)(p - start));
	s->hour = h;
	s->minute = m;
	s->second = sec;
	sc->p = p;
	return 0;
}

static int set_offset(struct nb_stamp *s, struct scan *sc, int offset,
		      const char *tok, size_t toklen)
{
	if (s->has_offset || s->zone[0])
		return fail(sc, "the stamp states two time zones ('%.*s')", tok, toklen);
	s->has_offset = 1;
	s->offset = offset;
	return 0;
}

/* +HH:MM, +HHMM, +HH or +H after a sign at sc->p. */
static int scan_offset(struct nb_stamp *s, struct scan *sc, const char *tok)
{
	const char *p = sc->p;
	int sign = *p == '-' ? -1 : 1, h, m = 0, n;

	p++;
	n = digits(p, sc->end, 4, &h);
	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n >= 1) {
		p += n;
		if (p < sc->end && *p == ':') {
			if (digits(p + 1, sc->end, 2, &m) != 2)
				return fail(sc, "'%.*s' is not a UTC offset (+HH:MM)",
					    tok, (size_t)(p + 1 - tok));
			p += 3;
		}
		n = 0;
	} else {
		return fail(sc, "'%.*s' is not a UTC offset (+HH:MM)", tok,
			    (size_t)(p - tok));
	}
	p += n;
	if (h > 14 || m > 59)
		return fail(sc, "'%.*s' is not a UTC offset", tok, (size_t)(p - tok));
	sc->p = p;
	return set_offset(s, sc, sign * (h * 3600 + m * 60), tok, (size_t)(p - tok));
}

static int scan_word(struct nb_stamp *s, struct scan *sc)
{
	const char *start = sc->p, *p = sc->p;
	size_t len, i;
	char word[NB_STAMP_ZONE_MAX];

	int slash = 0;

	/* letters; an IANA name ("America/Port-au-Prince") also digits, - and + */
	while (p < sc->end) {
		unsigned char c = (unsigned char)*p;

		if (c == '/')
			slash = 1;
		else if (!is_alpha(c) && c != '_' &&
			 !(slash && (is_digit(c) || c == '-' || c == '+')))
			break;
		p++;
	}
	len = (size_t)(p - start);
	if (p < sc->end && *p == '.' && memchr(start, '/', len) == NULL)
		p++; /* "Mon." */
	if (len >= sizeof(word))
		return fail(sc, "'%.*s' is not part of a stamp", start, len);
	memcpy(word, start, len);
	word[len] = '\0';
	sc->p = p;

	if (memchr(word, '/', len)) {
		if (!nb_tz_exists(word))
			return fail(sc, "'%.*s' is not a time zone of the tz database",
				    start, len);
		if (s->has_offset || s->zone[0])
			return fail(sc, "the stamp states two time zones ('%.*s')", start, len);
		memcpy(s->zone, word, len + 1);
		return 0;
	}
	if (nb_ascii_casecmp(word, "at") == 0 || nb_ascii_casecmp(word, "on") == 0 ||
	    nb_ascii_casecmp(word, "time") == 0)
		return 0;
	for (i = 0; i < NB_ARRAY_LEN(weekdays); i++) {
		if (nb_ascii_casecmp(word, weekdays[i]) == 0 ||
		    (len >= 3 && nb_ascii_ncasecmp(word, weekdays[i], len) == 0)) {
			if (s->wday >= 0)
				return fail(sc, "the stamp names two weekdays ('%.*s')", start, len);
			s->wday = (int)i;
			return 0;
		}
	}
	for (i = 0; i < NB_ARRAY_LEN(zone_words); i++) {
		const struct zone_word *z = &zone_words[i];

		if (nb_ascii_casecmp(word, z->word) != 0)
			continue;
		if (!z->zone) {
			if (p < sc->end && (*p == '+' || *p == '-'))
				return scan_offset(s, sc, start);
			return set_offset(s, sc, 0, start, len);
		}
		if (s->has_offset || s->zone[0])
			return fail(sc, "the stamp states two time zones ('%.*s')", start, len);
		snprintf(s->zone, sizeof(s->zone), "%s", z->zone);
		s->dst_hint = z->dst_hint;
		return 0;
	}
	return fail(sc, "'%.*s' is not a date, time, weekday or time zone", start, len);
}

int nb_stamp_parse(struct nb_stamp *s, const char *text, size_t len, struct nb_buf *why)
{
	struct scan sc = { text, text + len, why };

	memset(s, 0, sizeof(*s));
	s->hour = -1;
	s->wday = -1;
	s->dst_hint = -1;

	while (sc.p < sc.end) {
		unsigned char c = (unsigned char)*sc.p;
		int r, iso = 0;

		if (c == ' ' || c == '\t' || c == ',') {
			sc.p++;
			continue;
		}
		if (is_digit(c)) {
			const char *start = sc.p;

			r = scan_date(s, &sc, &iso);
			if (r < 0)
				return -1;
			if (r == 0) {
				if (iso && sc.p < sc.end && (*sc.p == 'T' || *sc.p == 't')) {
					sc.p++;
					/* -1 has said why; 1 is no time at all */
					r = scan_time(s, &sc);
					if (r < 0)
						return -1;
					if (r > 0)
						return fail(&sc, "'%.*s' needs a time after the T",
							    start, (size_t)(sc.p - start));
				}
				continue;
			}
			r = scan_time(s, &sc);
			if (r < 0)
				return -1;
			if (r == 0)
				continue;
			while (sc.p < sc.end && *sc.p != ' ')
				sc.p++;
			return fail(&sc, "'%.*s' is neither a date (M/D/YY) nor a time (H:MM AM)",
				    start, (size_t)(sc.p - start));
		}
		if (c == '+' || c == '-') {
			if (scan_offset(s, &sc, sc.p) < 0)
				return -1;
			continue;
		}
		if (is_alpha(c)) {
			if (scan_word(s, &sc) < 0)
				return -1;
			continue;
		}
		return fail(&sc, "unexpected '%.*s' in the stamp", sc.p, 1);
	}
	if (!s->year && s->hour < 0)
		return fail(&sc, "the stamp states neither a date nor a time", NULL, 0);
	if (s->year && s->wday >= 0) {
		int w = nb_tz_weekday(s->year, s->month, s->day);

		if (w != s->wday && why) {
			nb_buf_truncate(why, 0);
			nb_buf_printf(why, "%d/%d/%d is a %s, not a %s", s->month,
				      s->day, s->year, weekday_names[w],
				      weekday_names[s->wday]);
			return -1;
		}
		if (w != s->wday)
			return -1;
	}
	return 0;
}

const char *nb_stamp_zone(const struct nb_stamp *s, const char *default_zone)
{
	return s->zone[0] ? s->zone : default_zone;
}

/* The stamp's wall-clock time (00:00 if none) on a day since the epoch. */
static void civil_on(struct nb_tz_civil *c, const struct nb_stamp *s, int64_t day)
{
	nb_tz_civil_from_days(day, &c->year, &c->month, &c->day);
	c->hour = s->hour >= 0 ? s->hour : 0;
	c->minute = s->hour >= 0 ? s->minute : 0;
	c->second = s->hour >= 0 ? s->second : 0;
}

/* The same as seconds since the epoch, read as if the wall clock were UTC. */
static int64_t wall_on(const struct nb_stamp *s, int64_t day)
{
	struct nb_tz_civil c;

	civil_on(&c, s, day);
	return nb_tz_civil_to_seconds(&c);
}

/* The instants the stamp names on a day, the one it is read as first:
 * two where a clock change repeats or skips its time (nb_tz_readings). */
static int readings_on(int64_t r[2], const struct nb_stamp *s, int64_t day,
		       const char *default_zone)
{
	struct nb_tz_civil c;

	civil_on(&c, s, day);
	if (s->has_offset) {
		r[0] = nb_tz_civil_to_seconds(&c) - s->offset;
		return 1;
	}
	return nb_tz_readings(r, nb_stamp_zone(s, default_zone), &c, s->dst_hint);
}

int64_t nb_stamp_instant_on(const struct nb_stamp *s, int year, int month,
			    int day, const char *default_zone)
{
	int64_t r[2];

	readings_on(r, s, nb_tz_days_from_civil(year, month, day), default_zone);
	return r[0];
}

int64_t nb_stamp_instant(const struct nb_stamp *s, const char *default_zone)
{
	return nb_stamp_instant_on(s, s->year, s->month, s->day, default_zone);
}

/* The local date (days since the epoch) of instant t in the stamp's zone. */
static int64_t local_day(const struct nb_stamp *s, int64_t t, const char *default_zone)
{
	struct nb_tz_civil c;

	if (s->has_offset)
		nb_tz_civil_from_seconds(t + s->offset, &c);
	else
		nb_tz_from_utc(nb_stamp_zone(s, default_zone), t, &c, NULL);
	return nb_tz_days_from_civil(c.year, c.month, c.day);
}

static void mark_set(struct nb_stamp_mark *m, const struct nb_stamp *s, int64_t t,
		     int64_t day, const char *default_zone)
{
	const char *zone = nb_stamp_zone(s, default_zone);

	m->t = t;
	m->wall = wall_on(s, day);
	m->zone[0] = '\0';
	if (!s->has_offset && strlen(zone) < sizeof(m->zone))
		memcpy(m->zone, zone, strlen(zone) + 1);
}

void nb_stamp_mark_of(struct nb_stamp_mark *m, const struct nb_stamp *s,
		      const char *default_zone)
{
	mark_set(m, s, nb_stamp_instant(s, default_zone),
		 nb_tz_days_from_civil(s->year, s->month, s->day), default_zone);
}

/*
 * What a reading of a stamp must be: no later than t (dating by a
 * commit), or after t (at or after it when inclusive: dating by the update
 * before).  In the latter case, with has_wall, a date also fits where the
 * stamp's wall clock is after `wall`, the update before's as written.
 */
struct bound {
	int by_commit;
	int inclusive;
	int64_t t;
	int has_wall;
	int64_t wall;
};

static int fits(const struct bound *b, int64_t t)
{
	if (b->by_commit)
		return t <= b->t;
	return b->inclusive ? t >= b->t : t > b->t;
}

static int wall_fits(const struct bound *b, int64_t wall)
{
	return b->has_wall && (b->inclusive ? wall >= b->wall : wall > b->wall);
}

/* On one day: the first of the stamp's readings that fits; else, when
 * its wall clock fits, the reading it is read as.  0, or -1 for none. */
static int fit_on(int64_t *out, const struct nb_stamp *s, int64_t day,
		  const struct bound *b, const char *default_zone)
{
	int64_t r[2];
	int n = readings_on(r, s, day, default_zone), i;

	for (i = 0; i < n; i++) {
		if (fits(b, r[i])) {
			*out = r[i];
			return 0;
		}
	}
	if (!wall_fits(b, wall_on(s, day)))
		return -1;
	*out = r[0];
	return 0;
}

/*
 * A stamp with a date: on that date, the reading that fits, else the one
 * it is read as.  A time-only stamp: from *day on, stepping `step` days at
 * a time, the first day on its weekday (if it names one) where it fits;
 * ten days reach any weekday from either side of a zone's date line.
 * Sets *day to the day chosen.  Returns 0, or -1 when no day fits.
 */
static int date_by(int64_t *out, int64_t *day, const struct nb_stamp *s, int step,
		   const struct bound *b, const char *default_zone)
{
	int i;

	if (nb_stamp_has_date(s)) {
		*day = nb_tz_days_from_civil(s->year, s->month, s->day);
		if (fit_on(out, s, *day, b, default_zone) < 0)
			*out = nb_stamp_instant(s, default_zone);
		return 0;
	}
	for (i = 0; i < 10; i++, *day += step) {
		int y, m, d;

		nb_tz_civil_from_days(*day, &y, &m, &d);
		if (s->wday >= 0 && nb_tz_weekday(y, m, d) != s->wday)
			continue;
		if (fit_on(out, s, *day, b, default_zone) == 0)
			return 0;
	}
	return -1;
}

int nb_stamp_infer_after(struct nb_stamp_mark *out, const struct nb_stamp *s,
			 const struct nb_stamp_mark *after, int inclusive,
			 int64_t floor_day, const char *default_zone)
{
	struct bound b = { 0, inclusive, after->t, 0, 0 };
	int64_t day = 0, t;

	if (!s->has_offset && after->zone[0] &&
	    strcmp(after->zone, nb_stamp_zone(s, default_zone)) == 0) {
		b.has_wall = 1;
		b.wall = after->wall;
	}
	if (!nb_stamp_has_date(s)) {
		/* from the day before: `after` may fall late on the stamp's previous date */
		day = local_day(s, after->t, default_zone) - 1;
		if (floor_day != INT64_MIN && day < floor_day)
			day = floor_day;
	}
	if (date_by(&t, &day, s, 1, &b, default_zone) < 0)
		return -1;
	mark_set(out, s, t, day, default_zone);
	return 0;
}

int nb_stamp_infer_before(int64_t *out, const struct nb_stamp *s, int64_t commit,
			  const char *default_zone)
{
	struct bound b = { 1, 0, commit + NB_FUTURE_SLACK, 0, 0 };
	int64_t day = 0;

	/* from the day after: the slack may reach past midnight */
	if (!nb_stamp_has_date(s))
		day = local_day(s, commit, default_zone) + 1;
	return date_by(out, &day, s, -1, &b, default_zone);
}
