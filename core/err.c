/*
 * err.c - this thread's error message (see err.h) and the status names.
 * Base layer: depends on nothing.
 */
#include "err.h"

#include <stdio.h>
#include <string.h>

/* Per thread, as errno is: SQLite keeps one per connection, but capmatch
 * engines and pairs are shared between threads. */
static _Thread_local char message[ERR_MAX];

cm_status cmi_err_vset(cm_status s, const char *fmt, va_list ap)
{
    char tmp[sizeof message];
    /* the message may be built from the previous one */
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    memcpy(message, tmp, sizeof message);
    return s;
}

cm_status cmi_err_set(cm_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cmi_err_vset(s, fmt, ap);
    va_end(ap);
    return s;
}

const char *cmi_err_get(void) { return message; }

void cmi_err_clear(void) { message[0] = '\0'; }

CM_API const char *cm_last_error(void) { return message; }

CM_API const char *cm_status_string(cm_status s)
{
    switch (s) {
    case CM_OK: return "ok";
    case CM_ENOMEM: return "out of memory";
    case CM_EIO: return "input/output error";
    case CM_EINPUT: return "invalid input";
    case CM_EUSAGE: return "wrong use of the API";
    case CM_ENOTFOUND: return "not found";
    case CM_ELIMIT: return "limit reached";
    case CM_EDEPS: return "missing data dependency";
    case CM_ECANCELED: return "canceled";
    }
    return "unknown status";
}
