/*
 * mcda.c - multi-criteria decision methods over a decision matrix: the
 * weighted sum, TOPSIS, PROMETHEE II and AHP (principal eigenvector and
 * Saaty's consistency ratio), and the JSON case files of capmatch mcda.
 *
 * Pure computation over caller-owned arrays: no engine, no policy, no Lua
 * (policy_state.c's mcda.ahp and aggregate.c call in here, not the other
 * way). Every check names the value it refuses ("matrix[1][2]",
 * "weights[0]", "preference[3]"), so the calculator, the policy loader and
 * the C API report the same words.
 */
#include "capmatch.h"
#include "alloc.h"
#include "err.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define AHP_MAX 15
#define AHP_RECIPROCAL_TOL 0.01   /* a_ij * a_ji within 1% of 1: 0.333 for 1/3 */
#define AHP_ITER_MAX 10000

/* Saaty's random consistency index by matrix order (Saaty 1980, the table
 * most software quotes; orders 1 and 2 are always consistent). */
static const double saaty_ri[AHP_MAX + 1] = {
    0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59
};

static const char *const method_names[] = { "wsm", "topsis", "promethee2", "ahp" };
static const char *const norm_names[] = { "default", "none", "vector", "minmax", "sum", "max" };
static const char *const pref_names[] = { "usual", "u-shape", "v-shape", "level", "linear",
                                          "gaussian" };

const char *cm_mcda_method_name(cm_mcda_method m)
{
    return (unsigned)m < 4 ? method_names[m] : "?";
}

static int name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

int cm_mcda_method_parse(const char *name)
{
    return name ? name_index(method_names, 4, name) : -1;
}

/* ---- checks ------------------------------------------------------------------ */

static cm_status bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static cm_status bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_status s = cmi_err_vset(CM_EINPUT, fmt, ap);
    va_end(ap);
    return s;
}

static cm_status check_problem(cm_mcda_method m, const cm_mcda_problem *pb)
{
    size_t n = pb->alternatives, k = pb->criteria;
    if (n == 0)
        return bad("matrix: empty: no alternatives (rows)");
    if (k == 0)
        return bad("matrix: no criteria (columns)");
    if (pb->matrix == NULL || pb->weights == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_mcda_scores: matrix and weights are required");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (!isfinite(pb->matrix[i * k + j]))
                return bad("matrix[%zu][%zu] (row %zu, column %zu): expected a finite number, "
                           "found %g", i, j, i + 1, j + 1, pb->matrix[i * k + j]);
    double wsum = 0;
    for (size_t j = 0; j < k; j++) {
        double w = pb->weights[j];
        if (!isfinite(w) || w < 0)
            return bad("weights[%zu]: expected a finite number >= 0, found %g", j, w);
        wsum += w;
    }
    if (!(wsum > 0))
        return bad("weights: every weight is 0");
    for (size_t j = 0; pb->types && j < k; j++)
        if (pb->types[j] != 1 && pb->types[j] != -1)
            return bad("types[%zu]: expected 1 (benefit) or -1 (cost), found %d", j,
                       pb->types[j]);
    if ((unsigned)pb->normalisation > CM_NORM_MAX)
        return bad("normalisation: unknown (%d)", (int)pb->normalisation);
    if (m == CM_MCDA_PROMETHEE2 && pb->normalisation != CM_NORM_DEFAULT &&
        pb->normalisation != CM_NORM_NONE)
        return bad("normalisation: promethee2 compares the values as given (its preference "
                   "thresholds are in their units); found %s", norm_names[pb->normalisation]);
    if (m == CM_MCDA_PROMETHEE2 && pb->preference) {
        for (size_t j = 0; j < k; j++) {
            const cm_mcda_pref *pr = &pb->preference[j];
            int ok;
            switch (pr->kind) {
            case CM_PREF_USUAL: ok = 1; break;
            case CM_PREF_USHAPE: ok = isfinite(pr->q) && pr->q >= 0; break;
            case CM_PREF_VSHAPE: ok = isfinite(pr->p) && pr->p > 0; break;
            case CM_PREF_LEVEL:
            case CM_PREF_LINEAR:
                ok = isfinite(pr->q) && isfinite(pr->p) && pr->q >= 0 && pr->p > pr->q;
                break;
            case CM_PREF_GAUSSIAN: ok = isfinite(pr->s) && pr->s > 0; break;
            default:
                return bad("preference[%zu]: unknown preference function (%d)", j,
                           (int)pr->kind);
            }
            if (!ok)
                return bad("preference[%zu]: %s needs %s, found q %g, p %g, s %g", j,
                           pref_names[pr->kind],
                           pr->kind == CM_PREF_USHAPE   ? "q >= 0"
                           : pr->kind == CM_PREF_VSHAPE ? "p > 0"
                           : pr->kind == CM_PREF_GAUSSIAN ? "s > 0" : "0 <= q < p",
                           pr->q, pr->p, pr->s);
        }
    }
    return CM_OK;
}

static int is_cost(const cm_mcda_problem *pb, size_t j)
{
    return pb->types && pb->types[j] < 0;
}

/* r = the normalised matrix; cost criteria turned around by minmax (and by
 * max under WSM: min / x). */
static cm_status normalise(cm_mcda_method m, const cm_mcda_problem *pb, cm_mcda_norm norm,
                           double *r)
{
    size_t n = pb->alternatives, k = pb->criteria;
    const double *x = pb->matrix;
    for (size_t j = 0; j < k; j++) {
        double lo = x[j], hi = x[j], sum = 0, sq = 0;
        for (size_t i = 0; i < n; i++) {
            double v = x[i * k + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
            sq += v * v;
        }
        int cost = is_cost(pb, j);
        if ((norm == CM_NORM_SUM || norm == CM_NORM_MAX) && lo < 0) {
            for (size_t i = 0; i < n; i++)
                if (x[i * k + j] < 0)
                    return bad("matrix[%zu][%zu] (row %zu, column %zu): normalisation %s needs "
                               "values >= 0, found %g", i, j, i + 1, j + 1, norm_names[norm],
                               x[i * k + j]);
        }
        if (m == CM_MCDA_WSM && cost && norm != CM_NORM_MINMAX && norm != CM_NORM_MAX)
            return bad("types[%zu]: wsm takes a cost criterion only under normalisation minmax "
                       "or max, not %s", j, norm_names[norm == CM_NORM_DEFAULT ? CM_NORM_NONE
                                                                               : norm]);
        if (m == CM_MCDA_WSM && cost && norm == CM_NORM_MAX && !(lo > 0)) {
            for (size_t i = 0; i < n; i++)
                if (!(x[i * k + j] > 0))
                    return bad("matrix[%zu][%zu] (row %zu, column %zu): normalisation max of a "
                               "cost criterion divides by the value (min / x), found %g", i, j,
                               i + 1, j + 1, x[i * k + j]);
        }
        for (size_t i = 0; i < n; i++) {
            double v = x[i * k + j], o;
            switch (norm) {
            case CM_NORM_VECTOR: o = sq > 0 ? v / sqrt(sq) : 0; break;
            case CM_NORM_MINMAX:
                o = hi > lo ? (cost ? hi - v : v - lo) / (hi - lo) : 1;
                break;
            case CM_NORM_SUM: o = sum > 0 ? v / sum : 0; break;
            case CM_NORM_MAX:
                o = m == CM_MCDA_WSM && cost ? lo / v : hi > 0 ? v / hi : 0;
                break;
            default: o = v; break;
            }
            r[i * k + j] = o;
        }
    }
    return CM_OK;
}

static double wsum_of(const cm_mcda_problem *pb)
{
    double s = 0;
    for (size_t j = 0; j < pb->criteria; j++)
        s += pb->weights[j];
    return s;
}

static void wsm(const cm_mcda_problem *pb, const double *r, double *scores, double *weighted)
{
    size_t n = pb->alternatives, k = pb->criteria;
    double div = pb->normalise_weights ? wsum_of(pb) : 1;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < k; j++) {
            double v = pb->weights[j] / div * r[i * k + j];
            if (weighted)
                weighted[i * k + j] = v;
            s += v;
        }
        scores[i] = s;
    }
}

/* v: the normalised matrix, weighted in place; best, worst: room for one
 * value per criterion. */
static void topsis(const cm_mcda_problem *pb, cm_mcda_norm norm, double *v, double *best,
                   double *worst, double *scores, cm_mcda_detail *d)
{
    size_t n = pb->alternatives, k = pb->criteria;
    double ws = wsum_of(pb);
    for (size_t j = 0; j < k; j++) {
        double w = pb->weights[j] / ws;
        /* minmax has turned cost criteria around: the ideal is the largest */
        int cost = is_cost(pb, j) && norm != CM_NORM_MINMAX;
        for (size_t i = 0; i < n; i++) {
            double x = v[i * k + j] *= w;
            if (i == 0 || (cost ? x < best[j] : x > best[j]))
                best[j] = x;
            if (i == 0 || (cost ? x > worst[j] : x < worst[j]))
                worst[j] = x;
        }
        if (d && d->ideal)
            d->ideal[j] = best[j];
        if (d && d->anti_ideal)
            d->anti_ideal[j] = worst[j];
    }
    for (size_t i = 0; i < n; i++) {
        double dp = 0, dm = 0;
        for (size_t j = 0; j < k; j++) {
            double x = v[i * k + j];
            dp += (x - best[j]) * (x - best[j]);
            dm += (x - worst[j]) * (x - worst[j]);
        }
        dp = sqrt(dp);
        dm = sqrt(dm);
        /* every alternative alike: as near the ideal as the anti-ideal */
        scores[i] = dp + dm > 0 ? dm / (dp + dm) : 0.5;
        if (d && d->d_ideal)
            d->d_ideal[i] = dp;
        if (d && d->d_anti)
            d->d_anti[i] = dm;
    }
    if (d && d->weighted)
        memcpy(d->weighted, v, n * k * sizeof *v);
}

static double preference(const cm_mcda_pref *pr, double d)
{
    if (!(d > 0))
        return 0;
    switch (pr ? pr->kind : CM_PREF_USUAL) {
    case CM_PREF_USHAPE: return d > pr->q ? 1 : 0;
    case CM_PREF_VSHAPE: return d >= pr->p ? 1 : d / pr->p;
    case CM_PREF_LEVEL: return d <= pr->q ? 0 : d <= pr->p ? 0.5 : 1;
    case CM_PREF_LINEAR: return d <= pr->q ? 0 : d <= pr->p ? (d - pr->q) / (pr->p - pr->q) : 1;
    case CM_PREF_GAUSSIAN: return 1 - exp(-d * d / (2 * pr->s * pr->s));
    default: return 1;
    }
}

static void promethee2(const cm_mcda_problem *pb, double *scores, cm_mcda_detail *d)
{
    size_t n = pb->alternatives, k = pb->criteria;
    double ws = wsum_of(pb);
    if (d && d->criterion_flows)
        memset(d->criterion_flows, 0, n * k * sizeof *d->criterion_flows);
    for (size_t a = 0; a < n; a++) {
        double plus = 0, minus = 0;
        for (size_t b = 0; b < n; b++) {
            if (a == b)
                continue;
            double pab = 0, pba = 0;
            for (size_t j = 0; j < k; j++) {
                double diff = pb->matrix[a * k + j] - pb->matrix[b * k + j];
                if (is_cost(pb, j))
                    diff = -diff;
                const cm_mcda_pref *pr = pb->preference ? &pb->preference[j] : NULL;
                double fwd = preference(pr, diff), back = preference(pr, -diff);
                pab += pb->weights[j] / ws * fwd;
                pba += pb->weights[j] / ws * back;
                if (d && d->criterion_flows)
                    d->criterion_flows[a * k + j] += (fwd - back) / (double)(n - 1);
            }
            plus += pab;
            minus += pba;
        }
        if (n > 1) {
            plus /= (double)(n - 1);
            minus /= (double)(n - 1);
        }
        scores[a] = plus - minus;
        if (d && d->plus)
            d->plus[a] = plus;
        if (d && d->minus)
            d->minus[a] = minus;
    }
}

cm_status cm_mcda_scores(cm_mcda_method m, const cm_mcda_problem *pb, double *scores,
                         cm_mcda_detail *detail)
{
    if (pb == NULL || scores == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_mcda_scores: no problem or no room for scores");
    if (m == CM_MCDA_AHP)
        return cmi_err_set(CM_EUSAGE, "cm_mcda_scores: ahp gives weights: call cm_mcda_ahp");
    if ((unsigned)m > CM_MCDA_AHP)
        return cmi_err_set(CM_EUSAGE, "cm_mcda_scores: unknown method %d", (int)m);
    cm_status s = check_problem(m, pb);
    if (s != CM_OK)
        return s;
    if (m == CM_MCDA_PROMETHEE2) {
        promethee2(pb, scores, detail);
        return CM_OK;
    }
    size_t cells = pb->alternatives * pb->criteria;
    if (cells / pb->criteria != pb->alternatives || cells + 2 * pb->criteria < cells)
        return cmi_err_set(CM_ENOMEM, "decision matrix too large");
    double *r = cm_calloc(cells + 2 * pb->criteria, sizeof *r);
    if (r == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory");
    cm_mcda_norm norm = pb->normalisation;
    if (norm == CM_NORM_DEFAULT)
        norm = m == CM_MCDA_TOPSIS ? CM_NORM_VECTOR : CM_NORM_NONE;
    s = normalise(m, pb, norm, r);
    if (s == CM_OK && m == CM_MCDA_WSM)
        wsm(pb, r, scores, detail ? detail->weighted : NULL);
    else if (s == CM_OK)
        topsis(pb, norm, r, r + cells, r + cells + pb->criteria, scores, detail);
    cm_free(r);
    return s;
}

/* ---- AHP ----------------------------------------------------------------------- */

cm_status cm_mcda_ahp(const double *a, size_t n, double *w, cm_ahp_result *out)
{
    if (a == NULL || w == NULL)
        return cmi_err_set(CM_EUSAGE, "cm_mcda_ahp: no matrix or no room for weights");
    if (n == 0)
        return bad("matrix: empty: no criteria to compare");
    if (n > AHP_MAX)
        return bad("matrix: %zu criteria; Saaty's random index is tabulated for up to %d",
                   n, AHP_MAX);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double v = a[i * n + j];
            if (!isfinite(v) || v <= 0)
                return bad("matrix[%zu][%zu] (row %zu, column %zu): expected a positive "
                           "number, found %g", i, j, i + 1, j + 1, v);
            if (i == j && fabs(v - 1) > 1e-9)
                return bad("matrix[%zu][%zu] (row %zu, column %zu): a criterion compared with "
                           "itself must be 1, found %g", i, j, i + 1, j + 1, v);
            if (j > i && fabs(v * a[j * n + i] - 1) > AHP_RECIPROCAL_TOL)
                return bad("matrix[%zu][%zu] (row %zu, column %zu): expected the reciprocal "
                           "of matrix[%zu][%zu] = %g, that is %g, found %g", j, i, j + 1,
                           i + 1, i, j, v, 1 / v, a[j * n + i]);
        }
    double *y = cm_calloc(n, sizeof *y);
    if (y == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0 / (double)n;
    /* power iteration: a positive matrix has a simple dominant eigenvalue
     * with a positive eigenvector (Perron), which it converges to */
    for (int it = 0; it < AHP_ITER_MAX; it++) {
        double sum = 0, change = 0;
        for (size_t i = 0; i < n; i++) {
            y[i] = 0;
            for (size_t j = 0; j < n; j++)
                y[i] += a[i * n + j] * w[j];
            sum += y[i];
        }
        for (size_t i = 0; i < n; i++) {
            y[i] /= sum;
            change = fmax(change, fabs(y[i] - w[i]));
            w[i] = y[i];
        }
        if (change < 1e-15)
            break;
    }
    double lambda = 0;
    for (size_t i = 0; i < n; i++) {
        double ai = 0;
        for (size_t j = 0; j < n; j++)
            ai += a[i * n + j] * w[j];
        lambda += ai / w[i];
    }
    lambda /= (double)n;
    cm_free(y);
    if (out) {
        out->lambda_max = lambda;
        out->ri = saaty_ri[n];
        out->ci = n > 2 ? (lambda - (double)n) / (double)(n - 1) : 0;
        if (fabs(out->ci) < 1e-12)
            out->ci = 0;
        out->cr = out->ri > 0 ? out->ci / out->ri : 0;
        out->consistent = out->cr <= 0.10;
    }
    return CM_OK;
}

/* ---- case files ------------------------------------------------------------------ */

struct cm_mcda_case {
    cm_mcda_problem pb;
    double *matrix, *weights;
    int *types;
    cm_mcda_pref *pref;
    char **names[2];          /* alternatives, criteria */
};

void cm_mcda_case_free(cm_mcda_case *c)
{
    if (c == NULL)
        return;
    cm_free(c->matrix);
    cm_free(c->weights);
    cm_free(c->types);
    cm_free(c->pref);
    for (int s = 0; s < 2; s++) {
        size_t n = s ? c->pb.criteria : c->pb.alternatives;
        for (size_t i = 0; c->names[s] && i < n; i++)
            cm_free(c->names[s][i]);
        cm_free(c->names[s]);
    }
    cm_free(c);
}

const cm_mcda_problem *cm_mcda_case_problem(const cm_mcda_case *c)
{
    return c ? &c->pb : NULL;
}

const char *cm_mcda_case_name(const cm_mcda_case *c, int criterion, size_t i)
{
    if (c == NULL || c->names[criterion != 0] == NULL)
        return NULL;
    if (i >= (criterion ? c->pb.criteria : c->pb.alternatives))
        return NULL;
    return c->names[criterion != 0][i];
}

/* What a JSON value is, for "found ..." */
static const char *found(const json_t *v, char *buf, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: snprintf(buf, n, "\"%.40s\"", json_string_value(v)); return buf;
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    default: snprintf(buf, n, "%g", json_number_value(v)); return buf;
    }
}

#define CASE_ERR(...) (cmi_err_set(CM_EINPUT, __VA_ARGS__), -1)

static int read_number(const char *path, const json_t *v, const char *key, double *out)
{
    char b[64];
    if (!json_is_number(v))
        return CASE_ERR("%s: %s: expected a number, found %s", path, key, found(v, b, sizeof b));
    *out = json_number_value(v);
    return 0;
}

static int read_matrix(const char *path, const json_t *m, cm_mcda_case *c, int square)
{
    char b[64];
    if (m == NULL)
        return CASE_ERR("%s: matrix: missing (a list of rows, one per alternative)", path);
    if (!json_is_array(m))
        return CASE_ERR("%s: matrix: expected a list of rows, found %s", path,
                        found(m, b, sizeof b));
    size_t n = json_array_size(m), k = 0;
    if (n == 0)
        return CASE_ERR("%s: matrix: empty: no rows", path);
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(m, i);
        if (!json_is_array(row))
            return CASE_ERR("%s: matrix[%zu] (row %zu): expected a list of numbers, found %s",
                            path, i, i + 1, found(row, b, sizeof b));
        if (i == 0)
            k = json_array_size(row);
        if (k == 0)
            return CASE_ERR("%s: matrix[0] (row 1): empty: no criteria", path);
        if (json_array_size(row) != k)
            return CASE_ERR("%s: matrix[%zu] (row %zu): expected %zu values like row 1, found %zu",
                            path, i, i + 1, k, json_array_size(row));
    }
    if (square && n != k)
        return CASE_ERR("%s: matrix: ahp needs a square matrix (criteria x criteria), found %zu "
                        "rows of %zu", path, n, k);
    c->matrix = cm_calloc(n * k, sizeof *c->matrix);
    if (c->matrix == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory"), -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) {
            json_t *v = json_array_get(json_array_get(m, i), j);
            if (!json_is_number(v))
                return CASE_ERR("%s: matrix[%zu][%zu] (row %zu, column %zu): expected a number, "
                                "found %s", path, i, j, i + 1, j + 1, found(v, b, sizeof b));
            c->matrix[i * k + j] = json_number_value(v);
        }
    c->pb.alternatives = n;
    c->pb.criteria = k;
    c->pb.matrix = c->matrix;
    return 0;
}

/* A list of one item per criterion (or alternative): its size checked. */
static int read_list(const char *path, const json_t *v, const char *key, size_t want,
                     const char *per)
{
    char b[64];
    if (!json_is_array(v))
        return CASE_ERR("%s: %s: expected a list, one per %s, found %s", path, key, per,
                        found(v, b, sizeof b));
    if (json_array_size(v) != want)
        return CASE_ERR("%s: %s: expected %zu items, one per %s of matrix, found %zu", path, key,
                        want, per, json_array_size(v));
    return 0;
}

static int read_pref(const char *path, const json_t *v, size_t j, cm_mcda_pref *pr)
{
    char b[64], key[48];
    const json_t *type = json_is_object(v) ? json_object_get(v, "type") : v;
    if (!json_is_string(type))
        return CASE_ERR("%s: preference[%zu]: expected a preference function name or an object "
                        "with \"type\", found %s", path, j, found(v, b, sizeof b));
    int kind = name_index(pref_names, 6, json_string_value(type));
    if (kind < 0)
        return CASE_ERR("%s: preference[%zu]: unknown preference function \"%s\" (known: usual, "
                        "u-shape, v-shape, level, linear, gaussian)", path, j,
                        json_string_value(type));
    pr->kind = (cm_pref_kind)kind;
    static const char *const needs[6] = { "", "q", "p", "qp", "qp", "s" };
    double *slot[3] = { &pr->q, &pr->p, &pr->s };
    for (int t = 0; t < 3; t++) {
        const char name[2] = { "qps"[t], 0 };
        const json_t *x = json_is_object(v) ? json_object_get(v, name) : NULL;
        int needed = strchr(needs[kind], name[0]) != NULL;
        snprintf(key, sizeof key, "preference[%zu].%s", j, name);
        if (x == NULL && needed)
            return CASE_ERR("%s: preference[%zu]: %s needs %s; %s is missing", path, j,
                            pref_names[kind], kind == 3 || kind == 4 ? "q and p" : name, name);
        if (x != NULL && !needed)
            return CASE_ERR("%s: %s: not a threshold of %s", path, key, pref_names[kind]);
        if (x != NULL && read_number(path, x, key, slot[t]) < 0)
            return -1;
    }
    const char *k2;
    json_t *x;
    json_object_foreach((json_t *)v, k2, x) if (json_is_object(v) && strcmp(k2, "type") &&
                                                strcmp(k2, "q") && strcmp(k2, "p") &&
                                                strcmp(k2, "s"))
        return CASE_ERR("%s: preference[%zu]: unknown key '%s' (known: type, q, p, s)", path, j,
                        k2);
    return 0;
}

static int read_names(const char *path, const json_t *v, const char *key, size_t want,
                      const char *per, char ***out)
{
    char b[64];
    if (v == NULL)
        return 0;
    if (read_list(path, v, key, want, per) < 0)
        return -1;
    *out = cm_calloc(want, sizeof **out);
    if (*out == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory"), -1;
    for (size_t i = 0; i < want; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s) || json_string_length(s) == 0)
            return CASE_ERR("%s: %s[%zu]: expected a non-empty name, found %s", path, key, i,
                            found(s, b, sizeof b));
        if (((*out)[i] = cm_strdup(json_string_value(s))) == NULL)
            return cmi_err_set(CM_ENOMEM, "out of memory"), -1;
    }
    return 0;
}

static int read_case(const char *path, json_t *root, cm_mcda_method m, cm_mcda_case *c)
{
    char b[64];
    static const char *const keys[] = { "matrix", "weights", "types", "normalisation",
                                        "preference", "alternatives", "criteria",
                                        "normalise_weights", NULL };
    /* which keys a method reads; the others are a mistake worth naming */
    static const char *const used[4] = { "matrix weights types normalisation alternatives "
                                         "criteria normalise_weights",
                                         "matrix weights types normalisation alternatives "
                                         "criteria",
                                         "matrix weights types preference alternatives criteria",
                                         "matrix criteria" };
    if (!json_is_object(root))
        return CASE_ERR("%s: expected an object with \"matrix\", found %s", path,
                        found(root, b, sizeof b));
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        int known = 0;
        for (int i = 0; keys[i]; i++)
            known |= strcmp(keys[i], key) == 0;
        if (!known)
            return CASE_ERR("%s: unknown key '%s' (known: matrix, weights, types, normalisation, "
                            "preference, alternatives, criteria, normalise_weights)", path, key);
        const char *u = strstr(used[m], key);
        size_t kl = strlen(key);
        if (u == NULL || (u[kl] != ' ' && u[kl] != '\0'))
            return CASE_ERR("%s: %s: not used by method %s", path, key, method_names[m]);
    }
    if (read_matrix(path, json_object_get(root, "matrix"), c, m == CM_MCDA_AHP) < 0)
        return -1;
    size_t n = c->pb.alternatives, k = c->pb.criteria;
    if (read_names(path, json_object_get(root, "criteria"), "criteria", k, "criterion (column)",
                   &c->names[1]) < 0 ||
        read_names(path, json_object_get(root, "alternatives"), "alternatives", n,
                   "alternative (row)", &c->names[0]) < 0)
        return -1;
    if (m == CM_MCDA_AHP)
        return 0;
    const json_t *w = json_object_get(root, "weights");
    if (w == NULL)
        return CASE_ERR("%s: weights: missing (one per criterion)", path);
    if (read_list(path, w, "weights", k, "criterion (column)") < 0)
        return -1;
    if ((c->weights = cm_calloc(k, sizeof *c->weights)) == NULL)
        return cmi_err_set(CM_ENOMEM, "out of memory"), -1;
    for (size_t j = 0; j < k; j++) {
        char kb[32];
        snprintf(kb, sizeof kb, "weights[%zu]", j);
        if (read_number(path, json_array_get(w, j), kb, &c->weights[j]) < 0)
            return -1;
    }
    c->pb.weights = c->weights;
    const json_t *t = json_object_get(root, "types");
    if (t) {
        if (read_list(path, t, "types", k, "criterion (column)") < 0)
            return -1;
        if ((c->types = cm_calloc(k, sizeof *c->types)) == NULL)
            return cmi_err_set(CM_ENOMEM, "out of memory"), -1;
        for (size_t j = 0; j < k; j++) {
            json_t *x = json_array_get(t, j);
            const char *s = json_is_string(x) ? json_string_value(x) : "";
            double d = json_is_number(x) ? json_number_value(x) : 0;
            if (d == 1 || strcmp(s, "benefit") == 0)
                c->types[j] = 1;
            else if (d == -1 || strcmp(s, "cost") == 0)
                c->types[j] = -1;
            else
                return CASE_ERR("%s: types[%zu]: expected 1 or \"benefit\", -1 or \"cost\", "
                                "found %s", path, j, found(x, b, sizeof b));
        }
        c->pb.types = c->types;
    }
    const json_t *nm = json_object_get(root, "normalisation");
    if (nm) {
        int i = json_is_string(nm) ? name_index(norm_names, 6, json_string_value(nm)) : -1;
        if (i <= 0)
            return CASE_ERR("%s: normalisation: expected one of vector, minmax, sum, max, none, "
                            "found %s", path, found(nm, b, sizeof b));
        c->pb.normalisation = (cm_mcda_norm)i;
    }
    const json_t *nw = json_object_get(root, "normalise_weights");
    if (nw) {
        if (!json_is_boolean(nw))
            return CASE_ERR("%s: normalise_weights: expected true or false, found %s", path,
                            found(nw, b, sizeof b));
        c->pb.normalise_weights = json_is_true(nw);
    }
    const json_t *p = json_object_get(root, "preference");
    if (p) {
        if ((c->pref = cm_calloc(k, sizeof *c->pref)) == NULL)
            return cmi_err_set(CM_ENOMEM, "out of memory"), -1;
        int one = !json_is_array(p);   /* one function for every criterion */
        if (!one && read_list(path, p, "preference", k, "criterion (column)") < 0)
            return -1;
        for (size_t j = 0; j < k; j++)
            if (read_pref(path, one ? p : json_array_get(p, j), one ? 0 : j, &c->pref[j]) < 0)
                return -1;
        c->pb.preference = c->pref;
    }
    return 0;
}

cm_mcda_case *cm_mcda_case_load(const char *path, cm_mcda_method m, cm_status *status)
{
    cm_status dummy;
    if (status == NULL)
        status = &dummy;
    if ((unsigned)m > CM_MCDA_AHP) {
        *status = cmi_err_set(CM_EUSAGE, "cm_mcda_case_load: unknown method %d", (int)m);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        *status = cmi_err_set(CM_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    json_error_t je;
    unsigned long failures = cm_alloc_failures;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    int rerr = ferror(f);
    fclose(f);
    if (root == NULL) {
        if (cm_alloc_failures != failures)
            *status = cmi_err_set(CM_ENOMEM, "out of memory");
        else if (rerr)
            *status = cmi_err_set(CM_EIO, "%s: read error", path);
        else
            *status = cmi_err_set(CM_EINPUT, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    cm_mcda_case *c = cm_calloc(1, sizeof *c);
    if (c == NULL) {
        json_decref(root);
        *status = cmi_err_set(CM_ENOMEM, "out of memory");
        return NULL;
    }
    int rc = read_case(path, root, m, c);
    json_decref(root);
    if (rc == 0) {
        /* the checks of the method itself, with the file named */
        double *tmp = cm_calloc(c->pb.alternatives, sizeof *tmp);
        cm_status s = tmp == NULL ? CM_ENOMEM
                      : m == CM_MCDA_AHP ? cm_mcda_ahp(c->matrix, c->pb.criteria, tmp, NULL)
                                         : cm_mcda_scores(m, &c->pb, tmp, NULL);
        cm_free(tmp);
        if (s == CM_ENOMEM) {
            rc = (cmi_err_set(CM_ENOMEM, "out of memory"), -1);
        } else if (s != CM_OK) {
            char msg[ERR_MAX];
            snprintf(msg, sizeof msg, "%s", cmi_err_get());
            rc = CASE_ERR("%s: %s", path, msg);
        }
    }
    if (rc < 0) {
        *status = strstr(cmi_err_get(), "out of memory") ? CM_ENOMEM : CM_EINPUT;
        cm_mcda_case_free(c);
        return NULL;
    }
    *status = CM_OK;
    return c;
}
