/* Stamps: every form operators write, and the instants they name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"
#include "stamp.h"
#include "tz.h"
#include "util.h"

#define NY "America/New_York"

static int64_t utc(const char *iso)
{
	int64_t t = fx_utc_iso(iso);

	assert_true(t != -1);
	return t;
}

static struct nb_stamp parse_ok(const char *text)
{
	struct nb_buf why = NB_BUF_INIT;
	struct nb_stamp s;
	int rc = nb_stamp_parse(&s, text, strlen(text), &why);

	if (rc != 0)
		fail_msg("'%s' did not parse: %s", text, nb_buf_cstr(&why));
	nb_buf_release(&why);
	return s;
}

/* A stamp with a date names this instant. */
static void dated(const char *text, const char *iso)
{
	struct nb_stamp s = parse_ok(text);

	assert_true(nb_stamp_has_date(&s));
	assert_true(nb_stamp_has_time(&s));
	if (nb_stamp_instant(&s, NY) != utc(iso))
		fail_msg("'%s': expected %s, got %lld (expected %lld)", text, iso,
			 (long long)nb_stamp_instant(&s, NY), (long long)utc(iso));
}

/* A time-only stamp read on a given date names this instant. */
static void on_day(const char *text, int y, int m, int d, const char *iso)
{
	struct nb_stamp s = parse_ok(text);

	assert_false(nb_stamp_has_date(&s));
	if (nb_stamp_instant_on(&s, y, m, d, NY) != utc(iso))
		fail_msg("'%s' on %d-%d-%d: expected %s", text, y, m, d, iso);
}

static void refused(const char *text, const char *why_part)
{
	struct nb_buf why = NB_BUF_INIT;
	struct nb_stamp s;

	if (nb_stamp_parse(&s, text, strlen(text), &why) == 0)
		fail_msg("'%s' parsed but should not", text);
	if (!strstr(nb_buf_cstr(&why), why_part))
		fail_msg("'%s': message '%s' lacks '%s'", text, nb_buf_cstr(&why), why_part);
	nb_buf_release(&why);
}

static void test_export_forms(void **state)
{
	(void)state;
	/* 2010-10-10 is in EDT (UTC-4) */
	on_day("6:47 AM", 2010, 10, 10, "2010-10-10T10:47Z");
	on_day("12:04 PM", 2010, 10, 10, "2010-10-10T16:04Z");
	on_day("1:15 PM Eastern", 2010, 11, 16, "2010-11-16T18:15Z"); /* EST, UTC-5 */
	on_day("12:01 AM Eastern", 2010, 10, 13, "2010-10-13T04:01Z");
	on_day("12:30 AM", 2010, 11, 17, "2010-11-17T05:30Z");
	dated("10/16/2010 1:24 AM Eastern", "2010-10-16T05:24Z");
	dated("9/11/10 1:50 PM Eastern", "2010-09-11T17:50Z");
	dated("9/12/10 8:31 AM Eastern", "2010-09-12T12:31Z");
	/* EST written in October means New York's wall clock: EDT */
	dated("10/14/2010 9:06 EST", "2010-10-14T13:06Z");
	dated("10/14/2010 6:22 PM EST", "2010-10-14T22:22Z");
}

static void test_generated_forms(void **state)
{
	(void)state;
	dated("2010-10-16 01:24 -0400", "2010-10-16T05:24Z");
	dated("2010-10-16T01:24-04:00", "2010-10-16T05:24Z");
	dated("2010-10-16T05:24Z", "2010-10-16T05:24Z");
	dated("2010-07-01 10:00 +0530", "2010-07-01T04:30Z");
	dated("2010-12-01 10:00 -05", "2010-12-01T15:00Z");
	/* numeric offsets are exact, even when they contradict the zone's DST */
	dated("2010-07-01 10:00 -0500", "2010-07-01T15:00Z");
}

static void test_zones(void **state)
{
	(void)state;
	dated("7/1/2010 1:00 PM UTC", "2010-07-01T13:00Z");
	dated("7/1/2010 13:00 GMT", "2010-07-01T13:00Z");
	dated("7/1/2010 10:00 UTC+2", "2010-07-01T08:00Z");
	dated("7/1/2010 10:00 GMT-5", "2010-07-01T15:00Z");
	dated("10/10/2010 1:30 PM Central", "2010-10-10T18:30Z");  /* CDT */
	dated("1/10/2011 1:30 PM CT", "2011-01-10T19:30Z");         /* CST */
	dated("7/1/2010 3:00 PM PST", "2010-07-01T22:00Z");         /* PDT in July */
	dated("7/1/2010 3:00 PM Mountain", "2010-07-01T21:00Z");    /* MDT */
	dated("7/1/2010 10:00 Europe/Berlin", "2010-07-01T08:00Z"); /* CEST */
	dated("1/1/2011 10:00 Asia/Kolkata", "2011-01-01T04:30Z");
	/* no zone: the site's */
	dated("1/1/2011 10:00", "2011-01-01T15:00Z");
}

static void test_dst_edges(void **state)
{
	(void)state;
	/* 2010-11-07 01:30 happened twice in New York */
	dated("11/7/2010 1:30 AM EDT", "2010-11-07T05:30Z");
	dated("11/7/2010 1:30 AM EST", "2010-11-07T06:30Z");
	dated("11/7/2010 1:30 AM Eastern", "2010-11-07T05:30Z"); /* the first */
	dated("11/7/2010 1:30 AM", "2010-11-07T05:30Z");
	/* 2010-03-14 02:30 never happened: read with the offset before (EST) */
	dated("3/14/2010 2:30 AM Eastern", "2010-03-14T07:30Z");
	dated("3/14/2010 3:30 AM Eastern", "2010-03-14T07:30Z");
	dated("3/14/2010 1:59 AM Eastern", "2010-03-14T06:59Z");
}

static void test_time_spellings(void **state)
{
	(void)state;
	on_day("7:50PM", 2010, 10, 10, "2010-10-10T23:50Z");
	on_day("8:30 p.m.", 2010, 10, 10, "2010-10-11T00:30Z");
	on_day("9 PM", 2010, 10, 10, "2010-10-11T01:00Z");
	on_day("12:00 PM", 2010, 10, 10, "2010-10-10T16:00Z");
	on_day("12:00 AM", 2010, 10, 10, "2010-10-10T04:00Z");
	on_day("23:59", 2010, 10, 10, "2010-10-11T03:59Z");
	on_day("09:05", 2010, 10, 10, "2010-10-10T13:05Z");
}

static void test_parts(void **state)
{
	struct nb_stamp s;

	(void)state;
	s = parse_ok("12:35 AM Eastern Monday");
	assert_int_equal(s.wday, 1);
	assert_int_equal(s.hour, 0);
	assert_int_equal(s.minute, 35);
	assert_string_equal(s.zone, NY);
	assert_false(nb_stamp_has_date(&s));

	s = parse_ok("Friday 9/3/10");
	assert_int_equal(s.wday, 5);
	assert_int_equal(s.year, 2010);
	assert_int_equal(s.month, 9);
	assert_int_equal(s.day, 3);
	assert_false(nb_stamp_has_time(&s));

	s = parse_ok("Sun, 9/5/2010 at 1:25 PM ET");
	assert_int_equal(s.wday, 0);
	assert_int_equal(s.hour, 13);
	assert_int_equal(s.dst_hint, -1);

	s = parse_ok("1:25 PM EDT");
	assert_int_equal(s.dst_hint, 1);
	s = parse_ok("09:05:30");
	assert_int_equal(s.second, 30);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("25:00", "hours run 0 to 23");
	refused("13:00 PM", "AM/PM hours run 1 to 12");
	refused("1:61 PM", "minutes run 0 to 59");
	refused("2/30/2010 1:00 PM", "not a date");
	refused("9:00 Mars/Olympus", "not a time zone");
	refused("9:00 EST EDT", "two time zones");
	refused("9:00 10:00", "two times");
	refused("9/3/10 9/4/10 1:00 PM", "two dates");
	refused("tomorrow", "not a date, time, weekday or time zone");
	refused("Eastern", "neither a date nor a time");
	refused("", "neither a date nor a time");
	refused("Friday 9/4/10", "9/4/2010 is a Saturday, not a Friday");
	refused("830pm", "neither a date");
	refused("9/3/201 1:00 PM", "two or four digits");
	refused("1:00 PM +25:00", "not a UTC offset");
	/* a time before the date used to leave the reason empty */
	refused("2010-10-16T", "needs a time after the T");
	refused("9:45 2010-10-16T", "needs a time after the T");
	refused("9:45 2010-10-16T0", "needs a time after the T");
	refused("9:45 2010-10-16T10:00", "two times");
}

/* Dates a time-only stamp after an instant alone (no wall clock). */
static int64_t after(const char *text, const char *iso, int inclusive, int64_t floor_day)
{
	struct nb_stamp s = parse_ok(text);
	struct nb_stamp_mark prev = { utc(iso), 0, "" }, out;

	if (nb_stamp_infer_after(&out, &s, &prev, inclusive, floor_day, NY) != 0)
		fail_msg("no date for '%s' after %s", text, iso);
	return out.t;
}

static void test_infer(void **state)
{
	(void)state;
	/* after 1:15 PM EST on 11/16, "12:30 AM" is the next night */
	assert_int_equal(after("12:30 AM", "2010-11-16T18:15Z", 0, INT64_MIN),
			 utc("2010-11-17T05:30Z"));
	/* a weekday picks the first such day after */
	assert_int_equal(after("12:35 AM Eastern Monday", "2010-08-20T21:00Z", 0, INT64_MIN),
			 utc("2010-08-23T04:35Z"));
	/* at the same instant: kept only when inclusive */
	assert_int_equal(after("9:00 AM", "2010-10-10T13:00Z", 1, INT64_MIN),
			 utc("2010-10-10T13:00Z"));
	assert_int_equal(after("9:00 AM", "2010-10-10T13:00Z", 0, INT64_MIN),
			 utc("2010-10-11T13:00Z"));
	/* a day line above sets the earliest date */
	assert_int_equal(after("1:25 PM Eastern", "2010-09-04T03:42Z", 0,
			       nb_tz_days_from_civil(2010, 9, 5)),
			 utc("2010-09-05T17:25Z"));
	/* the stamp's own zone decides the day */
	assert_int_equal(after("1:00 AM UTC", "2010-10-11T02:00Z", 0, INT64_MIN),
			 utc("2010-10-12T01:00Z"));
	/* across the night DST ends */
	assert_int_equal(after("9:00 AM", "2010-11-06T23:00Z", 0, INT64_MIN),
			 utc("2010-11-07T14:00Z"));
}

/* Dates a time-only stamp by a commit at iso, in a site in zone. */
static int64_t before(const char *text, const char *iso, const char *zone)
{
	struct nb_stamp s = parse_ok(text);
	int64_t t;

	if (nb_stamp_infer_before(&t, &s, utc(iso), zone) != 0)
		fail_msg("no date for '%s' by %s", text, iso);
	return t;
}

/*
 * The nights clocks change in New York, 2010 (zdump -v America/New_York):
 * 14 March 02:00 EST (07:00Z) became 03:00 EDT, so 2:00-2:59 AM never
 * happened; 7 November 02:00 EDT (06:00Z) became 01:00 EST, so 1:00-1:59 AM
 * happened twice, at 05:xxZ (EDT) and 06:xxZ (EST).
 */
static void test_readings(void **state)
{
	struct nb_tz_civil skipped = { 2010, 3, 14, 2, 30, 0 }, twice = { 2010, 11, 7, 1, 30, 0 };
	struct nb_tz_civil once = { 2010, 11, 7, 2, 30, 0 };
	int64_t r[2];

	(void)state;
	/* 2:30 with the offset before the change (EST), then after it (EDT) */
	assert_int_equal(nb_tz_readings(r, NY, &skipped, -1), 2);
	assert_int_equal(r[0], utc("2010-03-14T07:30Z"));
	assert_int_equal(r[1], utc("2010-03-14T06:30Z"));
	/* 1:30 EDT then EST; EST first when named */
	assert_int_equal(nb_tz_readings(r, NY, &twice, -1), 2);
	assert_int_equal(r[0], utc("2010-11-07T05:30Z"));
	assert_int_equal(r[1], utc("2010-11-07T06:30Z"));
	assert_int_equal(nb_tz_readings(r, NY, &twice, 0), 2);
	assert_int_equal(r[0], utc("2010-11-07T06:30Z"));
	assert_int_equal(r[1], utc("2010-11-07T05:30Z"));
	assert_int_equal(nb_tz_readings(r, NY, &once, -1), 1);
	assert_int_equal(r[0], utc("2010-11-07T07:30Z"));
	assert_int_equal(nb_tz_readings(r, "UTC", &skipped, -1), 1);
	assert_int_equal(r[0], utc("2010-03-14T02:30Z"));
}

static void test_infer_by_commit(void **state)
{
	(void)state;
	/* up to NB_FUTURE_SLACK (15 minutes) after the commit is the same
	 * day: a clock a few minutes ahead of the commit's */
	assert_int_equal(before("6:50 AM", "2010-10-15T10:40Z", NY), utc("2010-10-15T10:50Z"));
	assert_int_equal(before("6:55 AM", "2010-10-15T10:40Z", NY), utc("2010-10-15T10:55Z"));
	assert_int_equal(before("6:56 AM", "2010-10-15T10:40Z", NY), utc("2010-10-14T10:56Z"));
	/* and across midnight: "12:05 AM" committed at 11:55 PM is the
	 * coming night, not 24 hours before */
	assert_int_equal(before("12:05 AM", "2010-10-16T03:55Z", NY), utc("2010-10-16T04:05Z"));

	/* committed 3:05 EDT (07:05Z): "2:50 AM" is 3:50 EDT (07:50Z) read
	 * with the offset before the change, 1:50 EST (06:50Z) with the one
	 * after: only the latter is by the commit */
	assert_int_equal(before("2:50 AM", "2010-03-14T07:05Z", NY), utc("2010-03-14T06:50Z"));
	assert_int_equal(before("2:50 AM Eastern", "2010-03-14T07:05Z", "UTC"),
			 utc("2010-03-14T06:50Z"));
	/* committed 3:55 EDT: both are; the one it is read as */
	assert_int_equal(before("2:50 AM", "2010-03-14T07:55Z", NY), utc("2010-03-14T07:50Z"));
	/* a time after the change, up to 15 minutes ahead */
	assert_int_equal(before("3:10 AM", "2010-03-14T07:05Z", NY), utc("2010-03-14T07:10Z"));
	assert_int_equal(before("3:25 AM", "2010-03-14T07:05Z", NY), utc("2010-03-13T08:25Z"));

	/* committed 1:45 EDT (05:45Z): 1:30 EST (06:30Z) is ahead, 1:30 EDT
	 * (05:30Z) behind: the one behind, whatever the letter says */
	assert_int_equal(before("1:30 AM EST", "2010-11-07T05:45Z", NY), utc("2010-11-07T05:30Z"));
	assert_int_equal(before("1:30 AM EST", "2010-11-07T05:45Z", "UTC"),
			 utc("2010-11-07T05:30Z"));
	/* committed 1:40 EST (06:40Z): both behind; the letter, else the first */
	assert_int_equal(before("1:30 AM EST", "2010-11-07T06:40Z", NY), utc("2010-11-07T06:30Z"));
	assert_int_equal(before("1:30 AM EDT", "2010-11-07T06:40Z", NY), utc("2010-11-07T05:30Z"));
	assert_int_equal(before("1:30 AM", "2010-11-07T06:40Z", NY), utc("2010-11-07T05:30Z"));
	assert_int_equal(before("1:30 AM Eastern", "2010-11-07T06:40Z", "UTC"),
			 utc("2010-11-07T05:30Z"));

	/* a stamp with a date keeps it: only the reading is chosen */
	assert_int_equal(before("3/14/2010 2:50 AM", "2010-03-14T07:05Z", NY),
			 utc("2010-03-14T06:50Z"));
	assert_int_equal(before("11/7/2010 1:30 AM EST", "2010-11-07T05:45Z", NY),
			 utc("2010-11-07T05:30Z"));
	/* and when neither is by the commit, the one it is read as */
	assert_int_equal(before("11/7/2010 1:50 AM EST", "2010-11-07T05:20Z", NY),
			 utc("2010-11-07T06:50Z"));
}

/* A thread dated by its text, each stamp after the one before it, from
 * date: `from` written as a stamp; checks each instant. */
static void thread(const char *from, const char *zone, const char *const *stamps,
		   const char *const *want, size_t count)
{
	struct nb_stamp s = parse_ok(from);
	struct nb_stamp_mark prev, next;
	size_t i;

	nb_stamp_mark_of(&prev, &s, zone);
	for (i = 0; i < count; i++) {
		s = parse_ok(stamps[i]);
		if (nb_stamp_infer_after(&next, &s, &prev, i == 0, INT64_MIN, zone) != 0)
			fail_msg("no date for '%s'", stamps[i]);
		if (next.t != utc(want[i]))
			fail_msg("'%s' after %lld: got %lld, want %s", stamps[i],
				 (long long)prev.t, (long long)next.t, want[i]);
		prev = next;
	}
}

static void test_infer_in_thread(void **state)
{
	/* 2:30 AM is read as 3:30 EDT; 3:15 AM follows it on the wall
	 * clock, so the same night, and so does everything after */
	static const char *const spring[] = { "1:30 AM", "2:30 AM", "3:15 AM", "3:45 AM" };
	static const char *const spring_at[] = {
		"2010-03-14T06:30Z", "2010-03-14T07:30Z", "2010-03-14T07:15Z", "2010-03-14T07:45Z",
	};
	static const char *const spring_et[] = {
		"1:30 AM Eastern", "2:30 AM ET", "3:15 AM EDT", "3:45 AM Eastern",
	};
	/* after 3:30 AM (EDT), 3:15 AM is the next night */
	static const char *const late[] = { "3:30 AM", "3:15 AM" };
	static const char *const late_at[] = { "2010-03-14T07:30Z", "2010-03-15T07:15Z" };
	/* after 1:50 EDT, the 1:10 still ahead is EST */
	static const char *const fall[] = { "1:20 AM", "1:50 AM", "1:10 AM", "1:40 AM EDT" };
	static const char *const fall_at[] = {
		"2010-11-07T05:20Z", "2010-11-07T05:50Z", "2010-11-07T06:10Z", "2010-11-07T06:40Z",
	};
	static const char *const fall_et[] = {
		"1:20 AM Eastern", "1:50 AM ET", "1:10 AM Eastern", "1:40 AM EDT",
	};
	/* after 1:50 EST, 1:10 has passed twice: the next night */
	static const char *const gone[] = { "1:50 AM EST", "1:10 AM" };
	static const char *const gone_at[] = { "2010-11-07T06:50Z", "2010-11-08T06:10Z" };

	(void)state;
	thread("2010-03-14T01:00", NY, spring, spring_at, NB_ARRAY_LEN(spring));
	thread("2010-03-14T01:00 Eastern", "UTC", spring_et, spring_at, NB_ARRAY_LEN(spring_et));
	thread("2010-03-14T01:00", NY, late, late_at, NB_ARRAY_LEN(late));
	thread("2010-11-07T00:30", NY, fall, fall_at, NB_ARRAY_LEN(fall));
	thread("2010-11-07T00:30 Eastern", "UTC", fall_et, fall_at, NB_ARRAY_LEN(fall_et));
	thread("2010-11-07T00:30", NY, gone, gone_at, NB_ARRAY_LEN(gone));
}

static void test_civil(void **state)
{
	struct nb_tz_civil c;

	(void)state;
	assert_int_equal(nb_tz_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(nb_tz_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(nb_tz_weekday(2010, 9, 3), 5);
	assert_int_equal(nb_tz_weekday(2010, 8, 23), 1);
	assert_int_equal(nb_tz_days_in_month(2012, 2), 29);
	assert_int_equal(nb_tz_days_in_month(2100, 2), 28);
	nb_tz_civil_from_seconds(utc("2010-10-16T05:24Z"), &c);
	assert_int_equal(c.year, 2010);
	assert_int_equal(c.month, 10);
	assert_int_equal(c.day, 16);
	assert_int_equal(c.hour, 5);
	assert_int_equal(c.minute, 24);
	assert_true(nb_tz_exists("America/New_York"));
	assert_true(nb_tz_exists("UTC"));
	assert_false(nb_tz_exists("America/Nowhere"));
	assert_false(nb_tz_exists("../../etc/passwd"));
	assert_false(nb_tz_exists("/etc/localtime"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_forms),
		cmocka_unit_test(test_generated_forms),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_dst_edges),
		cmocka_unit_test(test_time_spellings),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_infer),
		cmocka_unit_test(test_readings),
		cmocka_unit_test(test_infer_by_commit),
		cmocka_unit_test(test_infer_in_thread),
		cmocka_unit_test(test_civil),
	};

	return cmocka_run_group_tests_name("stamp", tests, NULL, NULL);
}
