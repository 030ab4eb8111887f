/*
 * load.h - what the format loaders share: the source (read in bounded
 * chunks, see source.h), the options, lines and columns of offsets, and the
 * hooks for records that are rejected.
 *
 * load.c owns opening inputs, choosing format and kind, the all-or-nothing
 * rule and the rejects file; load_json.c and load_csv.c own their syntax.
 * Neither knows the schema: that is record.c.
 */
#ifndef CM_LOAD_H
#define CM_LOAD_H

#include "capmatch.h"
#include "record.h"
#include "source.h"

#include <stdio.h>

typedef struct load_run {
    load_ctx ctx;
    source *src;              /* the input; offsets are absolute */
    size_t start;             /* offset of the first byte after a BOM */
    size_t bom;               /* bytes skipped at the start */
    const cm_load_options *opts;
    size_t max_record;        /* bytes */
    int name_kind;            /* kind from the file name, or -1 */
    cm_format format;
    int fatal;                /* the source cannot be read further */
    long records;             /* records seen */
    long rejected;
    FILE *rejects;            /* with skip_invalid, or NULL */
    store_mark mark;          /* the store before this load */
    long estimate_at;         /* records after which to size the store, or 0 */
    int reserved;             /* the store was sized ahead: trim it at the end */
} load_run;

/* Size the store for the rest of the input, from what the records up to
 * `off` added (see run_record_done). */
void cmi_run_estimate(load_run *r, size_t off);
/* A record ended at offset off: the loaders call this after each one. */
static inline void run_record_done(load_run *r, size_t off)
{
    if (r->records == r->estimate_at)
        cmi_run_estimate(r, off);
}

/* The input could not be read further: out of memory, or a read error
 * (reported). Returns -1 for out of memory, 1 for a read error, 0 else. */
int cmi_run_src_failed(load_run *r);

/* 1-based line of a byte offset (monotonic offsets are cheap). */
unsigned long cmi_run_line(load_run *r, size_t off);
/* 1-based character (not byte) column of an offset. */
unsigned long cmi_run_column(load_run *r, size_t off);

/* Fix the kind of records (from a JSON wrapper key); reports a conflict. */
int cmi_run_set_kind(load_run *r, int kind, size_t off);
/* The kind is still unknown when the first record arrives: report, fatal. */
int cmi_run_need_kind(load_run *r, size_t off);

/* A record was rejected: with skip_invalid, write it with the reasons that
 * were reported since diag_start to the rejects file. */
void cmi_run_reject(load_run *r, long record, unsigned long line, const char *raw,
                size_t raw_len, size_t diag_start);

int cmi_load_json(load_run *r);
int cmi_load_jsonl(load_run *r);
int cmi_load_csv(load_run *r);

#endif
