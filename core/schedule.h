/*
 * schedule.h - assigned pairs as meetings in sessions, slots and tables (the
 * public cm_schedule), and participants' agendas as iCalendar (libical).
 *
 * Owns schedules. Reads meetings from a cm_pairs (assign.h), an event's
 * constraints from a cm_event (event.h) and names from an engine through
 * the public API only; must not depend on matching.
 */
#ifndef CM_SCHEDULE_H
#define CM_SCHEDULE_H

#include "assign.h"
#include "event.h"

struct cm_schedule {
    const cm_pairs *p;
    cm_meeting *placed;       /* by slot, then table */
    size_t nplaced;
    cm_meeting *unplaced;     /* by enterprise id, then region id */
    size_t nunplaced;
    unsigned slots_used, slots_min, slots_avail;
    uint32_t *part[2];        /* participants of each side (party indices), by id */
    size_t npart[2];
    uint32_t *aoff[2];        /* agenda of participant i: alist[aoff[i]..aoff[i+1]) */
    uint32_t *alist[2];       /* indices into placed, by start */
    char **why;               /* owned "why" of each placed meeting (or NULL) */
    char **tname, **troom;    /* the event's table names and rooms (owned) */
    size_t ntname;
    char *tz;                 /* the event's time zone, or NULL */
};

#endif
