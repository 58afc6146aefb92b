/*
 * avail: availability from the history, not from probes.  For each server
 * (a group counting its members' notices): the time it spent in an outage
 * (a major or critical incident open), degraded (a minor one, or one of no
 * severity) and in maintenance (in progress; a completed one for its
 * window) over the last 30, 90 and 365 days before the commit built, and
 * the worst state of each of the last 90 days in the site's zone.  One
 * state at a time, by the rule a server's state follows: outage, then
 * degraded, then maintenance.  Time before site.yaml declared the server
 * is not counted.
 *
 *   availability = 1 - outage / (counted - maintenance)
 */
#ifndef NB_AVAIL_H
#define NB_AVAIL_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define NB_AVAIL_PERIODS 3
#define NB_AVAIL_DAYS 90

/* The lengths of the periods, in days: 30, 90, 365. */
extern const int nb_avail_period_days[NB_AVAIL_PERIODS];

struct nb_avail_period {
	int64_t counted;     /* seconds of it after the server was declared */
	int64_t outage, degraded, maintenance; /* seconds in each state */
	long hundredths;     /* availability in hundredths of a percent, rounded
	                        down (99.97% is 9997): 10000 with no outage */
};

struct nb_avail_day {
	int year, month, day;   /* in the site's zone */
	int counted;            /* 0: the server was not declared yet */
	enum nb_state worst;    /* its worst state */
	int64_t outage, degraded, maintenance; /* seconds in each */
	size_t item;            /* the notice behind its worst state (an index
	                           into the model's items), when not operational */
};

struct nb_avail {
	struct nb_avail_period period[NB_AVAIL_PERIODS];
	struct nb_avail_day days[NB_AVAIL_DAYS]; /* oldest first; the last is the
	                                            day of the commit built */
	uint64_t digest;        /* what it holds, for the keys of what shows it */
};

/* Computes every server view's availability up to the commit's time into
 * m->avail (one per server view; nb_model_release frees it). */
void nb_avail_build(struct nb_model *m);

/* "99.97%" */
void nb_avail_percent(char *out, size_t size, long hundredths);

#endif
