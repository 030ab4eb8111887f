/*
 * rates.h - money conversion to a reference currency from a dated table.
 *
 * Owns a rates table: a reference currency, a date, a source line, and for
 * each ISO 4217 currency the number of units of it that one unit of the
 * reference currency buys. The built-in table (rates_default.c) is hand-made
 * and dated; a user replaces it with a CSV file of the same shape:
 *
 *     # capmatch rates
 *     # date: 2025-06-30
 *     # source: ...
 *     # reference: USD
 *     currency,per_reference
 *     CNY,7.17
 *
 * Depends on iso.h (currency validation) and alloc.h.
 */
#ifndef CM_RATES_H
#define CM_RATES_H

#include <stddef.h>
#include "iso.h"

typedef struct rates rates;

/* The built-in table; never freed, shared by every engine. */
const rates *cmi_rates_default(void);

/* Parse a rates file. On error returns NULL and writes a message naming the
 * file and line ("rates.csv:7: expected a positive number, found \"x\"") into
 * err (size errlen). The result is freed with cmi_rates_free(). */
rates *cmi_rates_load(const char *path, char *err, size_t errlen);
void cmi_rates_free(rates *r);   /* no-op for NULL and for cmi_rates_default() */

const char *cmi_rates_date(const rates *r);       /* "2025-06-30" */
const char *cmi_rates_source(const rates *r);
iso_id cmi_rates_reference(const rates *r);       /* currency id of the reference */

/* amount in currency `from` expressed in currency `to`. Returns 0 and sets
 * *out, or -1 when either currency has no rate in the table. */
int cmi_rates_convert(const rates *r, double amount, iso_id from, iso_id to, double *out);
int cmi_rates_has(const rates *r, iso_id currency);

/* ---- internal layout, shared by rates.c and rates_default.c --------------
 * Other modules use the functions above. Rows are sorted by code, one per
 * currency, and the reference currency's row is exactly 1. */
struct rates_row {
    char code[4];          /* ISO 4217 alpha-3, NUL-terminated */
    double per_ref;        /* units of this currency per 1 reference unit */
};

struct rates {
    const char *date;      /* YYYY-MM-DD */
    const char *source;
    char reference[4];     /* ISO 4217 alpha-3 */
    const struct rates_row *rows;
    size_t count;
    int owned;             /* 1: from cmi_rates_load(), freed by cmi_rates_free() */
};

#endif
