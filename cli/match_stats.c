/*
 * match_stats.c - capmatch match --stats / --stats-json: the rule and filter
 * statistics of a run (cm_result_rule_stats, cm_result_filter_stats) as a
 * table or as JSON. Rules that never vary and filters that veto every pair
 * they see are marked: they are the ones to look at.
 */
#include "cli.h"

#include <string.h>

static double share(size_t part, size_t whole)
{
    return whole ? (double)part / (double)whole : 0;
}

void stats_text(FILE *f, const cm_result *r, const cm_policy *p)
{
    size_t vetoed, pairs = cm_result_pairs(r, &vetoed), scored = cm_result_scored(r);
    fprintf(f, "statistics of policy '%s': %zu pairs, %zu vetoed by a filter, %zu scored in "
               "full by every rule (--stats turns pruning off)\n",
            cm_policy_name(p), pairs, vetoed, scored);
    if (cm_policy_filter_count(p))
        fprintf(f, "  %-28s %10s %10s %8s\n", "FILTER", "CHECKED", "VETOED", "OF ALL");
    const cm_filter_stats *fs;
    for (size_t i = 0; (fs = cm_result_filter_stats(r, i)) != NULL; i++)
        fprintf(f, "  %-28s %10zu %10zu %7.1f%%%s\n", fs->name, fs->checked, fs->vetoed,
                100 * share(fs->vetoed, pairs),
                fs->checked && fs->vetoed == fs->checked ? "  vetoes every pair it sees" : "");
    fprintf(f, "  %-28s %6s %6s %6s %5s %5s %5s %5s %5s %5s %6s\n", "RULE", "WEIGHT", "FIRED",
            "ZEROS", "MIN", "Q1", "MED", "Q3", "MAX", "MEAN", "SHARE");
    const cm_rule_stats *rs;
    for (size_t i = 0; (rs = cm_result_rule_stats(r, i)) != NULL; i++) {
        const char *name = rs->name;
        if (rs->scored == 0) {
            fprintf(f, "  %-28s %6g  no pair scored\n", name, rs->weight);
            continue;
        }
        fprintf(f, "  %-28s %6g %5.1f%% %5.1f%% %5.3f %5.3f %5.3f %5.3f %5.3f %5.3f %5.1f%%%s\n",
                name, rs->weight, 100 * share(rs->fired, rs->scored), 100 * rs->zeros, rs->min,
                rs->q1, rs->median, rs->q3, rs->max, rs->mean, 100 * rs->share,
                rs->min == rs->max ? "  never varies" : "");
    }
}

void stats_json(FILE *f, const cm_result *r, const cm_policy *p)
{
    char b[12][40];
    size_t vetoed, pairs = cm_result_pairs(r, &vetoed);
    fputs("{\"policy\":", f);
    json_print_string(f, cm_policy_name(p));
    fprintf(f, ",\"pairs\":%zu,\"vetoed\":%zu,\"scored\":%zu,\"pruning\":false,\"filters\":[",
            pairs, vetoed, cm_result_scored(r));
    const cm_filter_stats *fs;
    for (size_t i = 0; (fs = cm_result_filter_stats(r, i)) != NULL; i++) {
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_print_string(f, fs->name);
        fprintf(f, ",\"checked\":%zu,\"vetoed\":%zu,\"share_vetoed\":%s}", fs->checked,
                fs->vetoed, num_shortest(b[0], sizeof b[0], share(fs->vetoed, pairs)));
    }
    fputs("],\"rules\":[", f);
    const cm_rule_stats *rs;
    for (size_t i = 0; (rs = cm_result_rule_stats(r, i)) != NULL; i++) {
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        json_print_string(f, rs->name);
        fprintf(f, ",\"side\":\"%s\",\"weight\":%s,\"scored\":%zu,\"fired\":%zu",
                rs->region_side ? "region" : "enterprise",
                num_shortest(b[0], sizeof b[0], rs->weight), rs->scored, rs->fired);
        if (rs->scored)
            fprintf(f, ",\"zeros\":%s,\"min\":%s,\"q1\":%s,\"median\":%s,\"q3\":%s,\"max\":%s,"
                       "\"mean\":%s,\"share\":%s",
                    num_shortest(b[1], sizeof b[1], rs->zeros),
                    num_shortest(b[2], sizeof b[2], rs->min),
                    num_shortest(b[3], sizeof b[3], rs->q1),
                    num_shortest(b[4], sizeof b[4], rs->median),
                    num_shortest(b[5], sizeof b[5], rs->q3),
                    num_shortest(b[6], sizeof b[6], rs->max),
                    num_shortest(b[7], sizeof b[7], rs->mean),
                    num_shortest(b[8], sizeof b[8], rs->share));
        fputc('}', f);
    }
    fputs("]}\n", f);
}
