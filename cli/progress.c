/*
 * progress.c - progress of a long stage (scoring, assigning, scheduling) on
 * stderr: on a terminal one line rewritten in place with done/total, the
 * rate and the time remaining; with --progress a plain line every
 * PROGRESS_EVERY seconds and a last one at 100%, for logs; neither when
 * stderr is not a terminal and lines were not asked for. The library calls
 * back from one thread, a few times a second.
 */
#include "cli.h"
#include "output.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_EVERY 5.0

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1h02m", "3m05s", "42s" */
static const char *fmt_secs(char *buf, size_t cap, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, cap, "%ldh%02ldm", t / 3600, t % 3600 / 60);
    else if (t >= 60)
        snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, cap, "%lds", t);
    return buf;
}

int progress_init(progress_state *ps, const char *prog, const char *what, const char *unit,
                  int lines)
{
    memset(ps, 0, sizeof *ps);
    ps->prog = prog;
    ps->what = what;
    ps->unit = unit;
    ps->lines = lines;
    ps->start = mono_now();
    return lines || isatty(STDERR_FILENO);
}

void progress_report(size_t done, size_t total, void *ud)
{
    progress_state *ps = ud;
    double now = mono_now(), el = now - ps->start;
    int last = done >= total;
    if (total != ps->total) {
        /* a new pass (the candidates' second, by region) or a new stage */
        ps->total = total;
        ps->finished = 0;
        ps->t0 = 0;
        ps->last = 0;
    }
    if (ps->finished || (!last && now - ps->last < (ps->lines ? PROGRESS_EVERY : 0.2)))
        return;
    ps->finished = last;
    if (ps->t0 == 0) {
        /* the rate counts from the first report: work before it (a policy's
         * per-profile preparation) is not part of it */
        ps->t0 = now;
        ps->done0 = done;
    }
    ps->last = now;
    double rate = now - ps->t0 >= 0.5 ? (double)(done - ps->done0) / (now - ps->t0) : 0;
    if (last && rate == 0 && el > 0)
        rate = (double)done / el;
    char b1[32], b2[32];
    char left[64] = "";
    if (rate > 0)
        snprintf(left, sizeof left, ", %.0f/s", rate);
    if (!last && rate > 0)
        snprintf(left + strlen(left), sizeof left - strlen(left), ", %s left",
                 fmt_secs(b1, sizeof b1, (double)(total - done) / rate));
    double pct = total ? 100.0 * (double)done / (double)total : 100.0;
    if (ps->lines) {
        fprintf(stderr, "capmatch %s: progress %zu/%zu %s (%.0f%%), %s elapsed%s\n", ps->prog,
                done, total, ps->unit, pct, fmt_secs(b2, sizeof b2, el), left);
    } else if (last) {
        fputs("\r\033[K", stderr);
    } else {
        fprintf(stderr, "\r\033[K  %s: %zu/%zu %s (%.0f%%)%s", ps->what, done, total, ps->unit,
                pct, left);
    }
    fflush(stderr);
}
