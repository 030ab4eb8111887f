/*
 * engine.h - the engine handle's insides, for the modules of core/ that
 * work on it (loaders). The public face is cm_engine in capmatch.h.
 *
 * Owns the per-engine error message. Depends on store.h and rates.h.
 */
#ifndef CM_ENGINE_H
#define CM_ENGINE_H

#include "capmatch.h"
#include "store.h"
#include "rates.h"

store *cmi_engine_store(cm_engine *e);
/* Set the engine's message (printf-style) and return status. */
cm_status cmi_engine_fail(cm_engine *e, cm_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Profiles were taken out or replaced in place: what policies computed per
 * profile index is no longer right (they compare generations). */
unsigned long cmi_engine_generation(const cm_engine *e);
void cmi_engine_changed(cm_engine *e);
/* A load finished: trim the store's spare capacity. */
void cmi_engine_loaded(cm_engine *e);

#endif
