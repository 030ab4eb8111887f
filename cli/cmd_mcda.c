/*
 * cmd_mcda.c - capmatch mcda: the decision-method calculator over a case
 * file (a decision matrix, or an AHP comparison matrix), for analysts
 * checking a method by hand and for tests. The methods are the library's
 * (cm_mcda_scores, cm_mcda_ahp); this file reads options and prints.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: capmatch mcda --method topsis|ahp|promethee2|wsm [OPTIONS] CASE.json\n"
    "\n"
    "Rank the alternatives of a decision matrix by a multi-criteria decision\n"
    "method, or (ahp) derive weights from a pairwise comparison matrix with\n"
    "Saaty's consistency ratio. CASE.json holds matrix, weights, types (1\n"
    "benefit, -1 cost), normalisation (vector, minmax, sum, max, none),\n"
    "preference (promethee2), alternatives and criteria (names); see\n"
    "capmatch-mcda(1).\n"
    "\n"
    "options:\n"
    "  --method M               topsis, ahp, promethee2 or wsm (required)\n"
    "  --format json|table      output (default json)\n"
    "  --normalise-weights      wsm: divide the weights by their sum\n"
    "  -o FILE                  write to FILE (complete or not at all)\n"
    "\n"
    "exit status: 0 ok (also for an inconsistent AHP matrix: it is flagged),\n"
    "2 usage or input error, 3 internal error.\n";

/* Alternatives (or criteria) by score, best first; ties in input order. */
static size_t *order_of(const double *s, size_t n)
{
    size_t *o = malloc((n ? n : 1) * sizeof *o);
    if (o == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        while (k > 0 && s[o[k - 1]] < s[i]) {
            o[k] = o[k - 1];
            k--;
        }
        o[k] = i;
    }
    return o;
}

static void json_numbers(FILE *f, const char *key, const double *v, size_t n)
{
    char b[40];
    fprintf(f, "  \"%s\": [", key);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", num_shortest(b, sizeof b, v[i]));
    fprintf(f, "]");
}

static void json_ranks(FILE *f, const size_t *order, size_t n)
{
    fprintf(f, "  \"ranks\": [");
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < n; r++)
            if (order[r] == i)
                fprintf(f, "%s%zu", i ? ", " : "", r + 1);
    fprintf(f, "]");
}

static const char *name_of(const cm_mcda_case *c, int criterion, size_t i, char *b, size_t n)
{
    const char *s = cm_mcda_case_name(c, criterion, i);
    if (s)
        return s;
    snprintf(b, n, "%c%zu", criterion ? 'C' : 'A', i + 1);
    return b;
}

static void table(FILE *f, const cm_mcda_case *c, int criterion, const char *what,
                  const char *score, const double *v, const size_t *order, size_t n)
{
    char b[32];
    fprintf(f, "rank  %-24s %12s\n", what, score);
    for (size_t r = 0; r < n; r++)
        fprintf(f, "%4zu  %-24s %12.6f\n", r + 1, name_of(c, criterion, order[r], b, sizeof b),
                v[order[r]]);
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "method", required_argument, NULL, 'm' },
        { "format", required_argument, NULL, 'f' },
        { "normalise-weights", no_argument, NULL, 'W' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    const char *method = NULL, *format = "json", *output = NULL;
    int normalise = 0, opt;
    while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'm': method = optarg; break;
        case 'f': format = optarg; break;
        case 'W': normalise = 1; break;
        case 'o': output = optarg; break;
        default: die_usage("mcda", "unknown option");
        }
    }
    if (method == NULL)
        die_usage("mcda", "--method is required (topsis, ahp, promethee2 or wsm)");
    int m = cm_mcda_method_parse(method);
    if (m < 0)
        die_usage("mcda", "unknown method '%s' (known: topsis, ahp, promethee2, wsm)", method);
    int table_out = strcmp(format, "table") == 0;
    if (!table_out && strcmp(format, "json") != 0)
        die_usage("mcda", "unknown format '%s' (known: json, table)", format);
    if (normalise && m != CM_MCDA_WSM)
        die_usage("mcda", "--normalise-weights is for --method wsm");
    if (optind + 1 != argc)
        die_usage("mcda", "expected one CASE.json");

    cm_status st;
    cm_mcda_case *c = cm_mcda_case_load(argv[optind], (cm_mcda_method)m, &st);
    if (c == NULL) {
        fprintf(stderr, "capmatch mcda: %s\n", cm_last_error());
        return st == CM_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    cm_mcda_problem pb = *cm_mcda_case_problem(c);
    pb.normalise_weights |= normalise;
    size_t n = m == CM_MCDA_AHP ? pb.criteria : pb.alternatives;
    size_t k = pb.criteria;
    /* scores, then the details: ideal, anti-ideal (k each), plus, minus (n each) */
    double *v = calloc(3 * n + 2 * k, sizeof *v);
    if (v == NULL) {
        cm_mcda_case_free(c);
        fprintf(stderr, "capmatch mcda: out of memory\n");
        return EXIT_INTERNAL;
    }
    cm_mcda_detail d = { .ideal = v + n, .anti_ideal = v + n + k, .plus = v + n + 2 * k,
                         .minus = v + 2 * n + 2 * k };
    cm_ahp_result ahp;
    st = m == CM_MCDA_AHP ? cm_mcda_ahp(pb.matrix, k, v, &ahp)
                          : cm_mcda_scores((cm_mcda_method)m, &pb, v, &d);
    size_t *order = st == CM_OK ? order_of(v, n) : NULL;
    if (st != CM_OK || order == NULL) {
        fprintf(stderr, "capmatch mcda: %s: %s\n", argv[optind],
                st == CM_OK ? "out of memory" : cm_last_error());
        free(v);
        cm_mcda_case_free(c);
        return st == CM_EINPUT ? EXIT_INPUT : EXIT_INTERNAL;
    }
    outfile out;
    if (out_open(&out, output, "mcda") < 0) {
        free(order);
        free(v);
        cm_mcda_case_free(c);
        return EXIT_INPUT;
    }
    FILE *f = out.f;
    char b[40];
    if (m == CM_MCDA_AHP && !table_out) {
        fprintf(f, "{\n  \"method\": \"ahp\",\n");
        json_numbers(f, "weights", v, n);
        fprintf(f, ",\n");
        json_ranks(f, order, n);
        fprintf(f, ",\n  \"lambda_max\": %s,\n", num_shortest(b, sizeof b, ahp.lambda_max));
        fprintf(f, "  \"ci\": %s,\n", num_shortest(b, sizeof b, ahp.ci));
        fprintf(f, "  \"ri\": %s,\n", num_shortest(b, sizeof b, ahp.ri));
        fprintf(f, "  \"cr\": %s,\n", num_shortest(b, sizeof b, ahp.cr));
        fprintf(f, "  \"consistent\": %s\n}\n", ahp.consistent ? "true" : "false");
    } else if (m == CM_MCDA_AHP) {
        table(f, c, 1, "criterion", "weight", v, order, n);
        fprintf(f, "lambda_max %.4f, CI %.4f, RI %.2f, CR %.4f: %s\n", ahp.lambda_max, ahp.ci,
                ahp.ri, ahp.cr,
                ahp.consistent ? "consistent (CR <= 0.10)"
                               : "INCONSISTENT (CR > 0.10): revise the comparisons");
    } else if (!table_out) {
        fprintf(f, "{\n  \"method\": \"%s\",\n", method);
        json_numbers(f, "scores", v, n);
        fprintf(f, ",\n");
        json_ranks(f, order, n);
        if (m == CM_MCDA_TOPSIS) {
            fprintf(f, ",\n");
            json_numbers(f, "ideal", d.ideal, k);
            fprintf(f, ",\n");
            json_numbers(f, "anti_ideal", d.anti_ideal, k);
        } else if (m == CM_MCDA_PROMETHEE2) {
            fprintf(f, ",\n");
            json_numbers(f, "plus", d.plus, n);
            fprintf(f, ",\n");
            json_numbers(f, "minus", d.minus, n);
        }
        fprintf(f, "\n}\n");
    } else {
        table(f, c, 0, "alternative",
              m == CM_MCDA_TOPSIS ? "closeness" : m == CM_MCDA_PROMETHEE2 ? "net flow" : "score",
              v, order, n);
    }
    free(order);
    free(v);
    cm_mcda_case_free(c);
    return out_close(&out, 0, "mcda") < 0 ? EXIT_INPUT : EXIT_OK;
}

const command cmd_mcda = { "mcda", run, "rank a decision matrix by TOPSIS, AHP, PROMETHEE II, WSM",
                           usage };
