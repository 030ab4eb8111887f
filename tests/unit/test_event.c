/* test_event.c - an event's files (event.c) and the schedule made with them
 * (schedule.c): local time arithmetic, all-or-nothing loads, and an
 * allocator that fails the Nth allocation, for every N, through loading,
 * adding the pairs, scheduling with fixed slot times and writing an
 * iCalendar file with a time zone: no crash, nothing half loaded, no leak. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "schedule.h"

#include "fail_alloc.h"

static char dir[64];

static const char *file(const char *name, const char *text)
{
    static char path[4][128];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 128, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/test_event.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_time(void **state)
{
    (void)state;
    long long m;
    char out[17];
    assert_int_equal(cmi_time_parse("2026-05-20T09:00", &m), 0);
    cmi_time_format(m, out);
    assert_string_equal(out, "2026-05-20T09:00");
    assert_int_equal(cmi_time_parse("2028-02-29 23:59", &m), 0);
    cmi_time_format(m + 1, out);
    assert_string_equal(out, "2028-03-01T00:00");
    const char *bad[] = { "2026-02-29T09:00", "2026-05-20T24:00", "2026-05-20T9:00",
                          "2026-05-20", "2026-05-20T09:00Z", "2026/05/20T09:00", "" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(cmi_time_parse(bad[i], &m), -1);
    cm_event *ev = cm_event_new();
    assert_non_null(ev);
    assert_int_equal(cm_event_add_break(ev, "2026-05-20T10:30/11:00"), CM_OK);
    assert_int_equal(cm_event_add_break(ev, "2026-05-20T10:30/2026-05-20T10:45"), CM_OK);
    assert_int_equal(cm_event_add_break(ev, "2026-05-20T10:30/10:30"), CM_EUSAGE);
    assert_int_equal(cm_event_add_break(ev, "2026-05-20T10:30-11:00"), CM_EUSAGE);
    assert_int_equal(ev->nbr, 2);
    cm_event_free(ev);
}

/* A bad row late in a file leaves the event as it was. */
static void test_all_or_nothing(void **state)
{
    (void)state;
    cm_event *ev = cm_event_new();
    assert_non_null(ev);
    assert_int_equal(cm_event_load(ev, CM_EVENT_AVAILABILITY,
                                   file("a.csv", "id,from,to\nx,2026-05-20T09:00,2026-05-20T10:00\n")),
                     CM_OK);
    assert_int_equal(ev->nav, 1);
    const char *p = file("b.csv", "kind,to,id,from\nregion,2026-05-20T12:00,r,2026-05-20T09:00\n"
                                  "enterprise,2026-05-20T12:00,e,2026-05-20T13:00\n");
    assert_int_equal(cm_event_load(ev, CM_EVENT_AVAILABILITY, p), CM_EINPUT);
    assert_non_null(strstr(cm_last_error(), "b.csv:3: field \"to\""));
    assert_int_equal(ev->nav, 1);
    p = file("t.json", "{\"tables\": [\"A\", {\"name\": \"B\", \"room\": \"Hall 2\"}]}");
    assert_int_equal(cm_event_load(ev, CM_EVENT_TABLES, p), CM_OK);
    assert_int_equal(ev->ntb, 2);
    assert_string_equal(ev->tb[1].room, "Hall 2");
    p = file("r.json", "[{\"enterprise\": \"e\", \"region\": \"r\", \"status\": \"accepted\"},"
                       " {\"enterprise\": \"e\", \"region\": 7, \"status\": \"declined\"}]");
    assert_int_equal(cm_event_load(ev, CM_EVENT_REQUESTS, p), CM_OK);
    p = file("r2.json", "[{\"enterprise\": \"e\", \"region\": [], \"status\": \"accepted\"}]");
    assert_int_equal(cm_event_load(ev, CM_EVENT_REQUESTS, p), CM_EINPUT);
    assert_non_null(strstr(cm_last_error(), "record 1: field \"region\": expected a string"));
    assert_int_equal(ev->nrq, 2);
    assert_int_equal(cm_event_load(ev, CM_EVENT_LOCK, "/nonexistent/lock.csv"), CM_EIO);
    cm_event_free(ev);
}

static int sink(const char *data, size_t len, void *ud)
{
    (void)data;
    *(size_t *)ud += len;
    return 0;
}

/* One whole run; CM_OK, or the first status that was not. */
static cm_status one_run(const char *files[4], size_t *placed, size_t *ics)
{
    cm_event *ev = cm_event_new();
    cm_pairs *p = cm_pairs_new();
    cm_schedule *s = NULL;
    cm_status st = ev && p ? CM_OK : CM_ENOMEM;
    for (int k = 0; k < 4 && st == CM_OK; k++) {
        size_t before[4] = { ev->nav, ev->nrq, ev->nlk, ev->ntb };
        st = cm_event_load(ev, (cm_event_file)(k + 1), files[k]);
        if (st != CM_OK) {
            size_t after[4] = { ev->nav, ev->nrq, ev->nlk, ev->ntb };
            assert_memory_equal(before, after, sizeof before);
        }
    }
    const char *es[] = { "e1", "e2", "e3" }, *rs[] = { "r1", "r2" };
    for (int i = 0; i < 3 && st == CM_OK; i++)
        for (int j = 0; j < 2 && st == CM_OK; j++)
            st = cm_pairs_add(p, es[i], rs[j], 0.9 - 0.1 * i - 0.05 * j, -1,
                              "sector fit: yes | needs met: some | region's view, x: y | languages: one");
    if (st == CM_OK)
        st = cm_event_add_pairs(ev, p);
    if (st == CM_OK) {
        const char *sessions[] = { "2026-05-20T09:00", "2026-05-21T09:00", NULL };
        cm_schedule_options o;
        cm_schedule_options_init(&o);
        o.sessions = sessions;
        o.slots = 4;
        o.event = ev;
        o.tz = "Asia/Manila";
        st = cm_schedule_make(p, &o, &s);
    }
    if (st == CM_OK) {
        *placed = cm_schedule_count(s);
        *ics = 0;
        st = cm_schedule_ical(s, CM_KIND_REGIONS, 0, NULL, 0, sink, ics);
    }
    cm_schedule_free(s);
    cm_pairs_free(p);
    cm_event_free(ev);
    return st;
}

static void test_faults(void **state)
{
    (void)state;
    const char *files[4] = {
        file("av.csv", "id,from,to,kind\ne1,2026-05-20T09:00,2026-05-20T10:00,enterprise\n"
                       "r2,2026-05-21T09:00,2026-05-21T12:00,region\n"),
        file("rq.json", "{\"requests\": [{\"enterprise\": \"e3\", \"region\": \"r1\", \"status\": "
                        "\"declined\"}, {\"enterprise\": \"e4\", \"region\": \"r2\", \"status\": "
                        "\"must\"}]}"),
        file("lk.csv", "enterprise,region,start,table_name\ne2,r1,2026-05-20T09:20,T2\n"),
        file("tb.csv", "name,room\nT1,Hall\nT2,Hall\n"),
    };
    /* the time zone is process-wide in libical: load it before counting */
    size_t placed = 0, ics = 0;
    assert_int_equal(one_run(files, &placed, &ics), CM_OK);
    /* 7 pairs (e4-r2 added); e3-r1 declined; e1 (day 1) and r2 (day 2) never
     * there at once */
    assert_int_equal(placed, 5);
    assert_true(ics > 500);
    int succeeded = 0;
    long n;
    for (n = 1; n < 100000 && !succeeded; n++) {
        live = calls = 0;
        fail_at = n;
        cm_set_allocator(&counting);
        size_t pl = 0, ic = 0;
        cm_status st = one_run(files, &pl, &ic);
        fail_at = 0;
        cm_set_allocator(NULL);
        if (calls < n) {
            succeeded = 1;
            assert_int_equal(st, CM_OK);
            assert_int_equal(pl, placed);
            assert_int_equal(ic, ics);
        } else if (st != CM_OK) {
            if (st != CM_ENOMEM)
                fail_msg("allocation %ld failed: status %d: %s", n, (int)st, cm_last_error());
        }
        if (live != 0)
            fail_msg("%ld blocks leaked when allocation %ld failed (status %d: %s)", live, n,
                     (int)st, cm_last_error());
    }
    assert_true(succeeded);
    assert_true(n > 50);
    print_message("failed each of %ld allocations in turn\n", n - 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_all_or_nothing),
        cmocka_unit_test(test_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
