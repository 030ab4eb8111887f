/*
 * schedule.h - assigned pairs as meetings in sessions, slots and tables (the
 * public cm_schedule), and participants' agendas as iCalendar (libical).
 *
 * Owns schedules. Reads meetings from a cm_pairs (assign.h) and names from
 * an engine through the public API only; must not depend on matching.
 */
#ifndef CM_SCHEDULE_H
#define CM_SCHEDULE_H

#include "assign.h"

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
};

#endif
