/*
 * rates_default.c - the built-in rates table (see rates.h).
 *
 * Owns a static, read-only table: no allocation, no initialisation, safe to
 * share between threads. The numbers are approximate mid-market rates for
 * 2025-06-30, entered by hand (not fetched from any feed); they are good for
 * ranking and rough comparison, not for accounting. Users who need exact or
 * newer figures load a CSV file with cmi_rates_load(). Depends only on rates.h.
 *
 * Rows must stay sorted by code (rates.c binary-searches them); the unit
 * tests check the order, the codes and that USD is exactly 1.
 */
#include "rates.h"

static const struct rates_row default_rows[] = {
    { "AED", 3.6725 },    /* pegged */
    { "AUD", 1.518 },
    { "BND", 1.273 },     /* at par with SGD */
    { "CAD", 1.363 },
    { "CHF", 0.793 },
    { "CNY", 7.165 },
    { "EUR", 0.849 },
    { "GBP", 0.729 },
    { "HKD", 7.85 },      /* weak side of the peg band */
    { "IDR", 16235.0 },
    { "INR", 85.75 },
    { "JPY", 144.1 },
    { "KHR", 4010.0 },
    { "KRW", 1355.0 },
    { "LAK", 21590.0 },
    { "MMK", 2100.0 },    /* official central-bank rate; market rates are far weaker */
    { "MOP", 8.086 },     /* HKD x 1.03 */
    { "MYR", 4.212 },
    { "NZD", 1.641 },
    { "PHP", 56.35 },
    { "SAR", 3.75 },      /* pegged */
    { "SGD", 1.273 },
    { "THB", 32.55 },
    { "TWD", 29.25 },
    { "USD", 1.0 },
    { "VND", 26150.0 },
};

static const rates default_table = {
    .date = "2025-06-30",
    .source = "capmatch built-in table: approximate mid-market rates, hand-entered "
              "(not from a live feed), units per 1 USD as of 2025-06-30; MMK at the "
              "official rate. For rough comparison only; load a rates file for "
              "current or exact figures",
    .reference = "USD",
    .rows = default_rows,
    .count = sizeof default_rows / sizeof default_rows[0],
    .owned = 0,
};

const rates *cmi_rates_default(void)
{
    return &default_table;
}
