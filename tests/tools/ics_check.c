/*
 * ics_check.c - reads iCalendar files back with libical, for the tests: for
 * each VEVENT one tab-separated line of the file, the TZID of DTSTART, its
 * local time, the same instant in UTC as libical computes it from the
 * file's own VTIMEZONE ("floating" without a zone), LOCATION, STATUS and
 * SUMMARY. Exit 1 when a file does not parse as one VCALENDAR, or when a
 * TZID names no VTIMEZONE of the file.
 *
 *   ics_check FILE...
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, len = 0, n;
    char *s = malloc(cap);
    while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *t = realloc(s, cap *= 2);
            if (t == NULL) {
                free(s);
                s = NULL;
            } else {
                s = t;
            }
        }
    }
    fclose(f);
    if (s)
        s[len] = '\0';
    return s;
}

static int check(const char *path)
{
    char *text = slurp(path);
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    icalcomponent *cal = icalparser_parse_string(text);
    free(text);
    if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
        fprintf(stderr, "%s: not one VCALENDAR\n", path);
        if (cal)
            icalcomponent_free(cal);
        return 1;
    }
    int bad = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        icalparameter *tzp = p ? icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) : NULL;
        const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
        struct icaltimetype t = icalcomponent_get_dtstart(ev);
        char utc[40] = "floating";
        if (tzid) {
            icaltimezone *z = icalcomponent_get_timezone(cal, tzid);
            if (z == NULL) {
                fprintf(stderr, "%s: TZID %s has no VTIMEZONE in the file\n", path, tzid);
                bad = 1;
                continue;
            }
            struct icaltimetype u = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
            snprintf(utc, sizeof utc, "%04d-%02d-%02dT%02d:%02dZ", u.year, u.month, u.day, u.hour,
                     u.minute);
        }
        const char *loc = icalcomponent_get_location(ev);
        icalproperty *st = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
        printf("%s\t%s\t%04d-%02d-%02dT%02d:%02d\t%s\t%s\t%s\t%s\n", path, tzid ? tzid : "-",
               t.year, t.month, t.day, t.hour, t.minute, utc, loc ? loc : "-",
               st ? icalproperty_get_value_as_string(st) : "-", icalcomponent_get_summary(ev));
    }
    icalcomponent_free(cal);
    return bad;
}

int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++)
        bad |= check(argv[i]);
    return bad;
}
