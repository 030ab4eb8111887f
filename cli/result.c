/*
 * result.c - the JSON result format "capmatch.result/1" that match, explain,
 * assign, schedule and the HTTP service write: the document's header, the
 * names and countries written beside ids, the reasons of a row as an array,
 * and the provenance sidecar (FILE.meta.json) of a CSV or XLSX output.
 * The format itself is documented in doc/capmatch.1 (RESULT FORMAT) and
 * checked by share/capmatch/schema/result.json and result-line.json.
 */
#include "cli.h"
#include "output.h"

#include <stdlib.h>
#include <string.h>

const char *party_field(const names *n, cm_kind k, const char *id, const char *field)
{
    int side = k == CM_KIND_REGIONS;
    if (n == NULL || id == NULL)
        return NULL;
    if (n->extra_id[side] && strcmp(n->extra_id[side], id) == 0)
        return strcmp(field, "name") == 0 ? n->extra_name[side] : n->extra_country[side];
    if (n->e == NULL)
        return NULL;
    size_t i = cm_engine_find(n->e, k, id);
    cm_value v;
    if (i == (size_t)-1 || cm_profile_get(n->e, k, i, field, &v) != CM_OK ||
        v.type != CM_VALUE_STRING)
        return NULL;
    return v.str;
}

static void json_or_null(FILE *f, const char *s)
{
    if (s)
        json_print_string(f, s);
    else
        fputs("null", f);
}

void json_party(FILE *f, const names *n, cm_kind k, const char *id)
{
    const char *side = k == CM_KIND_REGIONS ? "region" : "enterprise";
    fprintf(f, "\"%s\":", side);
    json_print_string(f, id);
    fprintf(f, ",\"%s_name\":", side);
    json_or_null(f, party_field(n, k, id, "name"));
    fprintf(f, ",\"%s_country\":", side);
    json_or_null(f, party_field(n, k, id, "country"));
}

void result_begin(FILE *f, const char *cmd)
{
    fprintf(f, "{\"format\":\"%s\",\"command\":\"%s\",\"meta\":", RESULT_FORMAT, cmd);
}

void json_reasons(FILE *f, const char *joined)
{
    fputc('[', f);
    for (const char *s = joined, *bar; s && *s; s = bar ? bar + 3 : NULL) {
        bar = strstr(s, " | ");
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        char *one = malloc(len + 1);
        if (one == NULL)
            break;
        memcpy(one, s, len);
        one[len] = '\0';
        if (s != joined)
            fputc(',', f);
        json_print_string(f, one);
        free(one);
    }
    fputc(']', f);
}

/* "rule: reason", marked when it is the region's view */
static size_t reason_item(char *out, size_t cap, const cm_explain_item *it)
{
    int n = snprintf(out, cap, "%s%s: %s", it->region_side ? "region's view, " : "", it->rule,
                     it->reason);
    return n < 0 ? 0 : (size_t)n;
}

void json_reasons_of(FILE *f, const cm_result *r, size_t i)
{
    fputc('[', f);
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        const cm_explain_item *it = cm_result_explain(r, i, k);
        size_t len = reason_item(NULL, 0, it);
        char *one = malloc(len + 1);
        if (one == NULL)
            break;
        reason_item(one, len + 1, it);
        if (k)
            fputc(',', f);
        json_print_string(f, one);
        free(one);
    }
    fputc(']', f);
}

char *reasons_joined(const cm_result *r, size_t i)
{
    size_t len = 1;
    for (size_t k = 0; k < cm_result_rule_count(r); k++)
        len += reason_item(NULL, 0, cm_result_explain(r, i, k)) + 3;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    s[0] = '\0';
    for (size_t k = 0; k < cm_result_rule_count(r); k++) {
        if (k)
            o += (size_t)snprintf(s + o, len - o, " | ");
        o += reason_item(s + o, len - o, cm_result_explain(r, i, k));
    }
    return s;
}

char *capture(void (*fn)(FILE *f, const void *ud), const void *ud, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (f == NULL)
        return NULL;
    fn(f, ud);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    if (len)
        *len = n;
    return buf;
}

int write_sidecar(const char *path, const char *doc, const char *prog)
{
    size_t n = strlen(path);
    char *side = malloc(n + sizeof ".meta.json");
    if (side == NULL) {
        fprintf(stderr, "capmatch %s: out of memory\n", prog);
        return -1;
    }
    memcpy(side, path, n);
    memcpy(side + n, ".meta.json", sizeof ".meta.json");
    outfile of;
    int rc = out_open(&of, side, prog);
    if (rc == 0) {
        fputs(doc, of.f);
        rc = out_close(&of, 0, prog);
    }
    free(side);
    return rc;
}
