/*
 * Fuzzes the update-stamp parser (src/stamp.c): any bytes as a stamp, then
 * the instants a parsed stamp names, in a few zones, dated and undated.
 */
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
	"America/New_York", "UTC", "Europe/Berlin", "Australia/Lord_Howe",
};

/* What a parsed stamp promises its callers; abort() when it breaks it. */
static void check_fields(const struct nb_stamp *s)
{
	if (!nb_stamp_has_date(s) && !nb_stamp_has_time(s))
		abort();
	if (nb_stamp_has_date(s) &&
	    (s->month < 1 || s->month > 12 || s->day < 1 || s->day > 31))
		abort();
	if (nb_stamp_has_time(s) &&
	    (s->hour > 23 || s->minute < 0 || s->minute > 59 || s->second < 0 || s->second > 60))
		abort();
	if (s->wday < -1 || s->wday > 6)
		abort();
	if (s->zone[sizeof(s->zone) - 1] != '\0')
		abort();
}

static void instants(const struct nb_stamp *s, const char *zone)
{
	/* 2010-10-10T10:00Z, and the far ends git's author times can reach */
	static const int64_t whens[] = { 1286704800, 0, -1, (int64_t)1 << 40 };
	struct nb_stamp_mark after = { 0, 0, "America/New_York" }, mark;
	int64_t out;
	size_t i;

	if (nb_stamp_has_date(s))
		(void)nb_stamp_instant(s, zone);
	else
		(void)nb_stamp_instant_on(s, 2010, 10, 10, zone);
	for (i = 0; i < sizeof(whens) / sizeof(whens[0]); i++) {
		after.t = whens[i];
		after.wall = whens[i] - 4 * 3600;
		(void)nb_stamp_infer_after(&mark, s, &after, (int)i & 1, INT64_MIN, zone);
		(void)nb_stamp_infer_after(&mark, s, &after, 1, whens[i] / 86400, zone);
		(void)nb_stamp_infer_before(&out, s, whens[i], zone);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_buf why = NB_BUF_INIT;
	struct nb_stamp s;
	size_t i;

	if (nb_stamp_parse(&s, (const char *)data, size, &why) == 0) {
		check_fields(&s);
		for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
			instants(&s, nb_stamp_zone(&s, zones[i]));
	} else if (!why.len) {
		abort(); /* a refusal must say why */
	}
	nb_buf_release(&why);
	return 0;
}
