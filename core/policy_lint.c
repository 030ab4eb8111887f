/*
 * policy_lint.c - cm_policy_lint: what is wrong with a policy beyond what
 * stops it loading. The declaration problems kept by a lint load,
 * parameters declared and never used, and on sample profiles: rules whose
 * score never varies, filters that reject every pair, rules that raise
 * errors. Each finding with its file and line.
 *
 * Policy layer, on the public API only (loading, matching, explaining):
 * it owns no state and knows nothing of how policies are compiled.
 */
#include "capmatch.h"
#include "alloc.h"
#include "buf.h"
#include "err.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

typedef struct lint {
    cm_lint_fn fn;
    void *ud;
    size_t count;
    textbuf msg;
} lint;

static void finding(lint *l, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void finding(lint *l, const char *file, int line, const char *fmt, ...)
{
    buf_clear(&l->msg);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&l->msg, fmt, ap);
    va_end(ap);
    cm_lint_finding f = { file, line, l->msg.nomem ? "out of memory" : l->msg.s };
    l->count++;
    l->fn(&f, l->ud);
}

/* Occurrences of name as a whole word in the source; *first_line gets the
 * line of the first. */
static int word_count(const char *src, size_t len, const char *name, int *first_line)
{
    size_t nl = strlen(name);
    int count = 0, line = 1;
    *first_line = 0;
    for (size_t i = 0; i + nl <= len; i++) {
        if (src[i] == '\n')
            line++;
        if (memcmp(src + i, name, nl) != 0)
            continue;
        int before = i > 0 && (isalnum((unsigned char)src[i - 1]) || src[i - 1] == '_');
        int after = i + nl < len && (isalnum((unsigned char)src[i + nl]) || src[i + nl] == '_');
        if (before || after)
            continue;
        if (count++ == 0)
            *first_line = line;
    }
    return count;
}

/* Declaration problems, and a parameter whose name appears only where it is
 * declared. */
static void lint_declarations(lint *l, const cm_policy *p)
{
    for (size_t i = 0; i < cm_policy_problem_count(p); i++) {
        int line;
        const char *msg = cm_policy_problem(p, i, &line);
        finding(l, cm_policy_problem_file(p, i), line, "%s", msg);
    }
    size_t srclen;
    const char *src = cm_policy_source(p, &srclen);
    for (size_t i = 0; src && i < cm_policy_param_count(p); i++) {
        int line;
        const char *name = cm_policy_param_name(p, i);
        if (word_count(src, srclen, name, &line) <= 1)
            finding(l, cm_policy_path(p), line, "parameter '%s' is declared but never used", name);
    }
}

/* Every rule's scores on every pair that passes the filters. */
static cm_status lint_rules(lint *l, cm_engine *e, cm_policy *p, size_t nr)
{
    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.top = nr;
    mo.min_score = 0;
    mo.explain = 1;
    mo.on_error = CM_ON_ERROR_SKIP;
    cm_result *r = NULL;
    cm_status s = cm_match(e, p, &mo, &r);
    if (s == CM_ENOMEM)
        return s;
    if (s != CM_OK) {
        finding(l, cm_policy_path(p), 0, "matching the data failed: %s", cm_engine_errmsg(e));
        return CM_OK;
    }
    size_t rows = cm_result_count(r), rules = cm_result_rule_count(r);
    for (size_t k = 0; k < rules && rows > 1; k++) {
        double lo = 2, hi = -1;
        for (size_t i = 0; i < rows; i++) {
            double v = cm_result_explain(r, i, k)->score;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (lo == hi)
            finding(l, cm_policy_rule_file(p, k), cm_policy_rule_line(p, k),
                    "rule '%s' scores %g on every one of the %zu pairs that pass the "
                    "filters: it does not tell partners apart on this data",
                    cm_policy_rule_name(p, k), lo, rows);
    }
    if (cm_result_error_count(r))
        finding(l, cm_policy_path(p), 0, "%zu rule errors on the data; the first: %s",
                cm_result_error_count(r), cm_result_error(r, 0));
    cm_result_free(r);
    return CM_OK;
}

static void uses_finding(const char *file, int line, const char *msg, void *ud)
{
    finding(ud, file, line, "%s", msg);
}

/* Filters: does any pair pass each one? */
static cm_status lint_filters(lint *l, cm_engine *e, cm_policy *p, size_t nr, size_t ne)
{
    size_t nf = cm_policy_filter_count(p);
    size_t *passes = cm_calloc(nf ? nf : 1, sizeof *passes);
    if (passes == NULL)
        return CM_ENOMEM;
    size_t pairs = 0;
    for (size_t ei = 0; ei < ne; ei++) {
        cm_value eid;
        cm_profile_get(e, CM_KIND_ENTERPRISES, ei, "id", &eid);
        for (size_t ri = 0; ri < nr; ri++) {
            cm_value rid;
            cm_profile_get(e, CM_KIND_REGIONS, ri, "id", &rid);
            cm_result *t = NULL;
            if (cm_explain_pair(e, p, eid.str, rid.str, &t) != CM_OK)
                continue;
            pairs++;
            for (size_t k = 0; k < nf; k++)
                passes[k] += cm_result_filter(t, k)->pass != 0;
            cm_result_free(t);
        }
    }
    for (size_t k = 0; k < nf; k++)
        if (pairs && passes[k] == 0)
            finding(l, cm_policy_filter_file(p, k), cm_policy_filter_line(p, k),
                    "filter '%s' rejects every one of the %zu pairs of the data",
                    cm_policy_filter_name(p, k), pairs);
    cm_free(passes);
    return CM_OK;
}

CM_API cm_status cm_policy_lint(cm_engine *e, cm_policy *p, cm_lint_fn fn, void *ud,
                                size_t *count)
{
    if (e == NULL || p == NULL || fn == NULL)
        return err_set(CM_EUSAGE, "cm_policy_lint: an engine, a policy and a function are "
                       "needed");
    lint l = { fn, ud, 0, BUF_INIT };
    lint_declarations(&l, p);
    size_t nr = cm_engine_count(e, CM_KIND_REGIONS), ne = cm_engine_count(e, CM_KIND_ENTERPRISES);
    cm_status s = CM_OK;
    if (nr && ne) {
        s = lint_rules(&l, e, p, nr);
        /* memoised rules: do they read exactly what their uses lists? (each
         * traced on up to 20000 pairs) */
        if (s == CM_OK)
            cm_policy_check_uses(e, p, 20000, uses_finding, &l);
        if (s == CM_OK)
            s = lint_filters(&l, e, p, nr, ne);
    }
    buf_free(&l.msg);
    if (count)
        *count = l.count;
    return s == CM_ENOMEM ? err_set(s, "out of memory while linting %s", cm_policy_path(p)) : s;
}
