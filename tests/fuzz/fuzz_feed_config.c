/*
 * fuzz_feed_config.c - a feed configuration file through
 * cm_feeds_load_config (the sandbox of feed configurations: defaults, feed,
 * env, headers, pages, map). Nothing is fetched.
 */
#include "fuzz.h"
#include "capmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("feeds.lua", data, size);
    char cache[128];
    snprintf(cache, sizeof cache, "%s/cache", fuzz_dir());
    cm_feeds *f = cm_feeds_new(cache);
    if (f == NULL)
        abort();
    if (cm_feeds_load_config(f, path) == CM_OK) {
        size_t sum = 0;
        for (size_t i = 0; i < cm_feeds_count(f); i++)
            sum += strlen(cm_feeds_name(f, i)) + strlen(cm_feeds_url(f, i)) +
                   (size_t)cm_feeds_kind(f, i);
        (void)sum;
    } else {
        (void)strlen(cm_feeds_errmsg(f));
    }
    cm_feeds_free(f);
    return 0;
}
