/* load_profiles.c - the smallest program against the installed library:
 * load profile files, print what failed or how many profiles there are.
 *
 *   cc load_profiles.c $(pkg-config --cflags --libs capmatch) -o load_profiles
 *   ./load_profiles regions.json enterprises.csv
 */
#include <capmatch.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    cm_status st;
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL) {
        fprintf(stderr, "capmatch: %s\n", cm_last_error());
        return 3;
    }
    cm_diags *problems = cm_diags_new();
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (cm_engine_load_file(e, argv[i], NULL, problems) != CM_OK) {
            for (size_t k = 0; k < cm_diags_count(problems); k++)
                fprintf(stderr, "%s\n", cm_diags_at(problems, k)->message);
            fprintf(stderr, "%s\n", cm_engine_errmsg(e));
            cm_diags_clear(problems);
            rc = 2;
        }
    }
    printf("capmatch %s: %zu regions, %zu enterprises\n", cm_version(),
           cm_engine_count(e, CM_KIND_REGIONS), cm_engine_count(e, CM_KIND_ENTERPRISES));
    size_t i = cm_engine_find(e, CM_KIND_REGIONS, "ph-catanduanes");
    cm_value v;
    if (i != (size_t)-1 && cm_profile_get(e, CM_KIND_REGIONS, i, "resources", &v) == CM_OK) {
        for (size_t k = 0; k < v.count; k++) {
            const char *tag;
            cm_profile_item(e, CM_KIND_REGIONS, i, "resources", k, &tag);
            printf("ph-catanduanes resource: %s\n", tag);
        }
    }
    cm_diags_free(problems);
    cm_engine_free(e);
    return rc;
}
