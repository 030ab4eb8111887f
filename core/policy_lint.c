/*
 * policy_lint.c - cm_policy_lint: what is wrong with a policy beyond what
 * stops it loading. The declaration problems kept by a lint load,
 * parameters declared and never used, and on sample profiles: rules whose
 * score never varies, filters that reject every pair, rules that raise
 * errors. Each finding with its file and line.
 *
 * Also: the literal values of has() and within() calls in the source,
 * against the schema's vocabularies and codes (cmi_schema_value_problem).
 *
 * Policy layer, on the public API (loading, matching, explaining) and the
 * schema's value check: it owns no state and knows nothing of how policies
 * are compiled.
 */
#include "capmatch.h"
#include "record.h"
#include "alloc.h"
#include "buf.h"
#include "err.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

typedef struct lint {
    unsigned flags;           /* CM_LINT_SAMPLE_DATA */
    cm_lint_fn fn;
    void *ud;
    size_t count;
    textbuf msg;
} lint;

static void finding(lint *l, int severity, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void finding(lint *l, int severity, const char *file, int line, const char *fmt, ...)
{
    cmi_buf_clear(&l->msg);
    va_list ap;
    va_start(ap, fmt);
    cmi_buf_vprintf(&l->msg, fmt, ap);
    va_end(ap);
    cm_lint_finding f = { file, line, l->msg.nomem ? "out of memory" : l->msg.s, severity };
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
        finding(l, cm_policy_problem_severity(p, i), cm_policy_problem_file(p, i), line, "%s", msg);
    }
    size_t srclen;
    const char *src = cm_policy_source(p, &srclen);
    for (size_t i = 0; src && i < cm_policy_param_count(p); i++) {
        int line;
        const char *name = cm_policy_param_name(p, i);
        if (word_count(src, srclen, name, &line) <= 1)
            finding(l, CM_LINT_WARNING, cm_policy_path(p), line,
                    "parameter '%s' is declared but never used", name);
    }
}

/* The rule or filter an error message of a run names ("rule 'NAME' (" or
 * "filter 'NAME' ("): its index in names, or -1. */
static long named_in(const char *msg, const char *kind, const char *(*name)(const cm_policy *, size_t),
                     const cm_policy *p, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char key[160];
        snprintf(key, sizeof key, "%s '%s' (", kind, name(p, k));
        if (strstr(msg, key))
            return (long)k;
    }
    return -1;
}

/* Errors of a run (those it kept), once per rule or filter: the first. */
static cm_status lint_errors(lint *l, cm_policy *p, const cm_result *r, const char *on,
                             unsigned char *failed)
{
    size_t nr = cm_policy_rule_count(p), nf = cm_policy_filter_count(p);
    size_t *count = cm_calloc(nr + nf + 1, sizeof *count);
    size_t *first = cm_calloc(nr + nf + 1, sizeof *first);
    if (count == NULL || first == NULL) {
        cm_free(count);
        cm_free(first);
        return CM_ENOMEM;
    }
    const char *msg;
    for (size_t i = 0; (msg = cm_result_error(r, i)) != NULL; i++) {
        long k = named_in(msg, "rule", cm_policy_rule_name, p, nr);
        size_t slot = k >= 0 ? (size_t)k : nr + nf;
        if (k < 0 && (k = named_in(msg, "filter", cm_policy_filter_name, p, nf)) >= 0)
            slot = nr + (size_t)k;
        if (count[slot]++ == 0)
            first[slot] = i;
    }
    for (size_t k = 0; k <= nr + nf; k++) {
        if (count[k] == 0)
            continue;
        if (k < nr) {
            failed[k] = 1;
            finding(l, CM_LINT_ERROR, cm_policy_rule_file(p, k), cm_policy_rule_line(p, k),
                    "rule '%s' fails on the %s; the first error: %s", cm_policy_rule_name(p, k),
                    on, cm_result_error(r, first[k]));
        } else if (k < nr + nf) {
            finding(l, CM_LINT_ERROR, cm_policy_filter_file(p, k - nr),
                    cm_policy_filter_line(p, k - nr), "filter '%s' fails on the %s; the "
                    "first error: %s", cm_policy_filter_name(p, k - nr), on,
                    cm_result_error(r, first[k]));
        } else {
            finding(l, CM_LINT_ERROR, cm_policy_path(p), 0, "%zu rule errors on the %s; the "
                    "first: %s", cm_result_error_count(r), on, cm_result_error(r, first[k]));
        }
    }
    cm_free(count);
    cm_free(first);
    return CM_OK;
}

/* Every rule's scores on every pair that passes the filters. */
static cm_status lint_rules(lint *l, cm_engine *e, cm_policy *p, size_t nr, unsigned flags)
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
    const char *on = flags & CM_LINT_SAMPLE_DATA ? "built-in sample profiles" : "data";
    if (s != CM_OK) {
        finding(l, CM_LINT_ERROR, cm_policy_path(p), 0, "matching the %s failed: %s", on,
                cm_engine_errmsg(e));
        return CM_OK;
    }
    size_t rows = cm_result_count(r), rules = cm_result_rule_count(r);
    unsigned char *failed = cm_calloc(rules + 1, 1);
    if (failed == NULL || lint_errors(l, p, r, on, failed) != CM_OK) {
        cm_free(failed);
        cm_result_free(r);
        return CM_ENOMEM;
    }
    for (size_t k = 0; k < rules && rows > 1 && !(flags & CM_LINT_SAMPLE_DATA); k++) {
        double lo = 2, hi = -1;
        for (size_t i = 0; i < rows; i++) {
            double v = cm_result_explain(r, i, k)->score;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (lo == hi && !failed[k])
            finding(l, CM_LINT_WARNING, cm_policy_rule_file(p, k), cm_policy_rule_line(p, k),
                    "rule '%s' scores %g on every one of the %zu pairs that pass the "
                    "filters: it does not tell partners apart on this data",
                    cm_policy_rule_name(p, k), lo, rows);
    }
    cm_free(failed);
    cm_result_free(r);
    return CM_OK;
}

/* A Lua string literal at s ("..." or '...', no escapes) into out; the
 * length of the literal, or 0. */
static size_t string_literal(const char *s, const char *end, char *out, size_t n)
{
    if (s >= end || (*s != '"' && *s != '\''))
        return 0;
    const char *q = s + 1;
    while (q < end && *q != *s && *q != '\\' && *q != '\n')
        q++;
    if (q >= end || *q != *s || (size_t)(q - s - 1) >= n)
        return 0;
    memcpy(out, s + 1, (size_t)(q - s - 1));
    out[q - s - 1] = '\0';
    return (size_t)(q - s + 1);
}

static const char *skip_blanks(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* ":has(" and ":within(" calls with two literal arguments: can the value
 * occur in the field at all? Comments are skipped. */
static void lint_literals(lint *l, const cm_policy *p)
{
    size_t len;
    const char *src = cm_policy_source(p, &len);
    if (src == NULL)
        return;
    const char *end = src + len;
    int line = 1;
    for (const char *s = src; s < end; s++) {
        if (*s == '\n') {
            line++;
            continue;
        }
        if (s + 1 < end && s[0] == '-' && s[1] == '-') {
            /* to the end of the line, or of a --[[ ]] block */
            int block = s + 3 < end && s[2] == '[' && s[3] == '[';
            for (; s < end && !(block ? s + 1 < end && s[0] == ']' && s[1] == ']' : *s == '\n');
                 s++)
                line += *s == '\n';
            if (s >= end)
                break;
            s--;
            continue;
        }
        if (*s != ':')
            continue;
        const char *m = s + 1;
        size_t ml = (size_t)(end - m) >= 4 && memcmp(m, "has", 3) == 0 ? 3
                  : (size_t)(end - m) >= 7 && memcmp(m, "within", 6) == 0 ? 6 : 0;
        if (ml == 0)
            continue;
        const char *a = skip_blanks(m + ml, end);
        if (a >= end || *a != '(')
            continue;
        char field[64], value[128];
        size_t n1 = string_literal(a = skip_blanks(a + 1, end), end, field, sizeof field);
        if (n1 == 0)
            continue;
        a = skip_blanks(a + n1, end);
        if (a >= end || *a != ',')
            continue;
        if (string_literal(skip_blanks(a + 1, end), end, value, sizeof value) == 0)
            continue;
        char msg[400];
        const char *why = cmi_schema_value_problem(field, value, msg, sizeof msg);
        if (why)
            finding(l, CM_LINT_ERROR, cm_policy_path(p), line, "%.*s(\"%s\", \"%s\"): %s", (int)ml, m, field, value, why);
    }
}

/* A field read but not listed makes memoised scores wrong: an error. One
 * listed but not read on the pairs traced may be read on others: a warning,
 * and nothing on the few sample profiles. */
static void uses_finding(const char *file, int line, const char *msg, void *ud)
{
    lint *l = ud;
    int unread = strstr(msg, " in uses but read it on none") != NULL;
    if (unread && (l->flags & CM_LINT_SAMPLE_DATA))
        return;
    finding(l, unread ? CM_LINT_WARNING : CM_LINT_ERROR, file, line, "%s", msg);
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
            finding(l, CM_LINT_WARNING, cm_policy_filter_file(p, k), cm_policy_filter_line(p, k),
                    "filter '%s' rejects every one of the %zu pairs of the data",
                    cm_policy_filter_name(p, k), pairs);
    cm_free(passes);
    return CM_OK;
}

CM_API cm_status cm_policy_lint_ex(cm_engine *e, cm_policy *p, unsigned flags, cm_lint_fn fn,
                                   void *ud, size_t *count)
{
    if (e == NULL || p == NULL || fn == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_policy_lint: an engine, a policy and a function are "
                       "needed");
    lint l = { flags, fn, ud, 0, BUF_INIT };
    lint_declarations(&l, p);
    lint_literals(&l, p);
    size_t nr = cm_engine_count(e, CM_KIND_REGIONS), ne = cm_engine_count(e, CM_KIND_ENTERPRISES);
    cm_status s = CM_OK;
    if (nr && ne) {
        s = lint_rules(&l, e, p, nr, flags);
        /* memoised rules: do they read exactly what their uses lists? (each
         * traced on up to 20000 pairs) */
        if (s == CM_OK)
            cm_policy_check_uses(e, p, 20000, uses_finding, &l);
        if (s == CM_OK && !(flags & CM_LINT_SAMPLE_DATA))
            s = lint_filters(&l, e, p, nr, ne);
    }
    cmi_buf_free(&l.msg);
    if (count)
        *count = l.count;
    return s == CM_ENOMEM ? cmi_err_set(s, "out of memory while linting %s", cm_policy_path(p)) : s;
}

CM_API cm_status cm_policy_lint(cm_engine *e, cm_policy *p, cm_lint_fn fn, void *ud,
                                size_t *count)
{
    return cm_policy_lint_ex(e, p, 0, fn, ud, count);
}
