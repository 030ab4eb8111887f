/*
 * event.h - what a matchmaking event adds to a schedule (the public
 * cm_event): participants' availability windows, meeting requests with their
 * status (must-meet and never-meet pairs among them), meetings locked from an
 * earlier schedule, named tables and breaks, read from CSV or JSON files with
 * file:line errors; and the local-time arithmetic schedules use.
 *
 * Owns those lists. Knows participants by id only: schedule.c resolves them
 * against its pairs; must not depend on matching or the profile store.
 */
#ifndef CM_EVENT_H
#define CM_EVENT_H

#include "capmatch.h"

enum ev_status { EV_REQUESTED = 1, EV_ACCEPTED, EV_MUST, EV_DECLINED, EV_NEVER, EV_LOCKED };

typedef struct ev_avail {
    char *id, *where;         /* where: "FILE:LINE" (or "FILE: record N") */
    int side;                 /* 0 enterprise, 1 region, -1 either */
    long long from, to;       /* minutes, local time of the event */
} ev_avail;

typedef struct ev_request {
    char *e, *r, *where;
    int status;               /* enum ev_status */
} ev_request;

typedef struct ev_lock {
    char *e, *r, *where, *table_name;
    long long start;
    unsigned table;           /* 0: by table_name */
    double score;
} ev_lock;

typedef struct ev_table {
    char *name, *room;
} ev_table;

typedef struct ev_window {
    long long from, to;
} ev_window;

struct cm_event {
    ev_avail *av;
    size_t nav, capav;
    ev_request *rq;
    size_t nrq, caprq;
    ev_lock *lk;
    size_t nlk, caplk;
    ev_table *tb;
    size_t ntb, captb;
    ev_window *br;
    size_t nbr, capbr;
};

/* "YYYY-MM-DDTHH:MM" (or with a space) as minutes since 1970-01-01T00:00;
 * -1 when it is not a valid time. */
int cmi_time_parse(const char *s, long long *minutes);
void cmi_time_format(long long minutes, char out[17]);
/* The name of a status ("accepted" ...). */
const char *cmi_event_status_name(int status);

#endif
