/*
 * err.h - the library's one error convention, on the C side: a call that
 * fails returns a cm_status (or NULL) and leaves a one-line message for the
 * calling thread, read back with cm_last_error() and the handle readers
 * (cm_engine_errmsg, cm_pairs_errmsg, cm_feeds_errmsg) that return it.
 *
 * Base layer: depends on nothing but the public header. Messages are per
 * thread so that threads sharing a handle never write one buffer.
 */
#ifndef CM_ERR_H
#define CM_ERR_H

#include "capmatch.h"
#include <stdarg.h>

/* Longest message kept, with its NUL. */
#define ERR_MAX 2048

/* Set this thread's message and return s (so: return cmi_err_set(CM_EIO, ...)).
 * CM_OK is allowed: an informational message ("now on snapshot 3"). */
cm_status cmi_err_set(cm_status s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cm_status cmi_err_vset(cm_status s, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* This thread's message ("" when none). */
const char *cmi_err_get(void);
void cmi_err_clear(void);

#endif
