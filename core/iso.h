/*
 * iso.h - country, subdivision, currency and language codes from Debian's
 * iso-codes data (ISO 3166-1, 3166-2, 4217, 639-1 and, for languages without
 * a 639-1 code, 639-2/3).
 *
 * Owns process-wide read-only tables loaded once, on first use, from the JSON
 * files of the iso-codes package (default /usr/share/iso-codes/json, or the
 * directory in $CAPMATCH_ISO_CODES_DIR). Loading is thread-safe; lookups after
 * a successful cmi_iso_init() are lock-free. Codes are small integers so that
 * profiles stay compact. Depends only on jansson and alloc.h.
 */
#ifndef CM_ISO_H
#define CM_ISO_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t iso_id;   /* 0 = none/unknown; valid ids start at 1 */

/* Load the tables once. Returns 0, or -1 with cmi_iso_error() saying which file
 * failed and why. Safe to call from several threads; later calls are cheap. */
int cmi_iso_init(void);
const char *cmi_iso_error(void);

/* Load every file from dir (NULL: the directory cmi_iso_init() uses) into
 * temporary tables, check them as cmi_iso_init() would, and free them. Returns 0,
 * or -1 with the same message cmi_iso_error() would give written into err. Does
 * not touch the process-wide tables; for diagnostics and tests. */
int cmi_iso_check_dir(const char *dir, char *err, size_t errlen);

/* Lookups take text that need not be NUL-terminated and are case-sensitive
 * as the standards write them ("CN", "PH-CAT", "USD", "en"). 0 if unknown. */
iso_id cmi_iso_country(const char *code, size_t len);       /* ISO 3166-1 alpha-2 */
iso_id cmi_iso_subdivision(const char *code, size_t len);   /* ISO 3166-2 */
iso_id cmi_iso_currency(const char *code, size_t len);      /* ISO 4217 alpha-3 */
iso_id cmi_iso_language(const char *code, size_t len);      /* ISO 639-1, else 639-2/3 */

size_t cmi_iso_country_count(void);   /* ids run 1..count */
size_t cmi_iso_subdivision_count(void);
size_t cmi_iso_currency_count(void);
size_t cmi_iso_language_count(void);

const char *cmi_iso_country_code(iso_id id);      /* "" for 0 */
const char *cmi_iso_country_name(iso_id id);
const char *cmi_iso_subdivision_code(iso_id id);
const char *cmi_iso_subdivision_name(iso_id id);
iso_id cmi_iso_subdivision_country(iso_id sub);   /* the country it belongs to */
const char *cmi_iso_currency_code(iso_id id);
const char *cmi_iso_language_code(iso_id id);

#endif
