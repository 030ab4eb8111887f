/*
 * bench_match.c - matching benchmark: synthetic partner regions, the
 * engine's matching speed with a policy, and two references for the same
 * policy logic: a hand-written C loop over plain arrays (the floor) and a
 * data file for the plain-Lua baseline (tests/bench/baseline.lua).
 *
 *   bench_match gen-regions --count N [--seed S] OUT
 *       Write N synthetic regions shaped like examples/data/regions.json
 *       (Chinese, Thai, Vietnamese, Khmer, Lao, Burmese and Latin names,
 *       lists of varied sizes, absent fields), deterministically from the
 *       seed. Enterprises come from `bench_load gen` (same seed rules).
 *
 *   bench_match run --regions F --enterprises F --policy P
 *                   [--threads T] [--top K] [--repeat R] [--out FILE]
 *       Load both files, load the policy, time cm_match (by enterprise) and
 *       print pairs/s, ns per pair per core, peak RSS. With --repeat R the
 *       match runs R times and the fastest (wall clock) counts. --out writes the
 *       top k, one row per line: enterprise TAB region TAB rank TAB score
 *       (%.17g), enterprises in load order.
 *
 *   bench_match floor --regions F --enterprises F --policy P
 *                     [--threads T] [--top K] [--repeat R] [--out FILE]
 *       The C floor: the declarative policy's features (filter
 *       member(target_countries, country, empty = pass); rules isic_fit
 *       (sectors, sectors_sought), overlap coverage (offers, needs),
 *       distance, range over investment in USD) re-implemented by hand.
 *       Profiles are read once through the public API into plain C arrays
 *       (not timed), then a tight loop scores every pair (timed), keeps the
 *       top k with ties broken by region id, and writes them as `run` does.
 *       The policy file gives the weights (by rule name), the parameters and
 *       top; the rules themselves are this file's.
 *
 *   bench_match dump-lua --regions F --enterprises F --policy P OUT
 *       The same profiles, the ISIC hierarchy of their codes, the rates of
 *       their currencies and the policy's numbers, as a Lua file for
 *       tests/bench/baseline.lua.
 *
 * Every timed mode ends with a line "result: key=value ..." for
 * scripts/bench-match. Exit status: 0 done, 1 failure, 64 usage.
 *
 * Uses only the public header.
 */
#include "capmatch.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>


#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *prog = "bench_match";

#include "bench_common.h"


static void usage(void) __attribute__((noreturn));

static void usage(void)
{
    fprintf(stderr,
            "usage: %s gen-regions --count N [--seed S] OUT\n"
            "       %s run   --regions F --enterprises F --policy P [--threads T] [--top K] "
            "[--repeat R] [--by enterprise|region] [--no-prune] [--out FILE]\n"
            "       %s floor --regions F --enterprises F --policy P [--threads T] [--top K] "
            "[--repeat R] [--out FILE]\n"
            "       %s dump-lua --regions F --enterprises F --policy P OUT\n",
            prog, prog, prog, prog);
    exit(64);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory");
    return p;
}

/* ==== random numbers: splitmix64 (as bench_load) ============================ */







#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)NELEM(arr))])

/* k distinct items of pool[0..n) into out (n <= 128). */
static int pick_distinct(rng *r, const char *const *pool, size_t n, size_t k, const char **out)
{
    size_t idx[128];
    if (n > NELEM(idx))
        n = NELEM(idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    if (k > n)
        k = n;
    for (size_t i = 0; i < k; i++) {
        size_t j = i + rng_below(r, (uint32_t)(n - i));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        out[i] = pool[idx[i]];
    }
    return (int)k;
}

/* ==== output buffer ========================================================== */



static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_write(const sbuf *b, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        die("%s: %s", path, strerror(errno));
    if (fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0)
        die("%s: write failed: %s", path, strerror(errno));
}

/* A JSON (and Lua) string literal: both escape " and \ the same way, and the
 * generated text has no control characters. */
static void j_str(sbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c < 0x20) {
            sb_printf(b, "\\%03u", c);   /* Lua only; never produced for JSON */
        } else {
            sb_putc(b, (char)c);
        }
    }
    sb_putc(b, '"');
}

static void j_key(sbuf *b, const char *k)
{
    sb_putc(b, ',');
    j_str(b, k);
    sb_putc(b, ':');
}

static void j_list(sbuf *b, const char *k, const char *const *items, int n)
{
    if (n <= 0)
        return;
    j_key(b, k);
    sb_putc(b, '[');
    for (int i = 0; i < n; i++) {
        if (i)
            sb_putc(b, ',');
        j_str(b, items[i]);
    }
    sb_putc(b, ']');
}

/* ==== synthetic regions ======================================================== */

enum script { S_LATIN, S_CHINESE, S_THAI, S_VIET, S_KHMER, S_LAO, S_BURMESE };

typedef struct place {
    const char *local, *latin;
} place;

typedef struct rcountry {
    const char *code;
    unsigned weight;            /* relative share of the regions */
    enum script script;
    double lat, lon, spread;
    const char *langs[3];
    const char *subs[10];       /* valid ISO 3166-2 codes (as bench_load); NULL-ended */
    const place *places;
    size_t nplaces;
} rcountry;

static const place cn_places[] = {
    { "海南", "Hainan" }, { "陕西", "Shaanxi" }, { "广西", "Guangxi" }, { "云南", "Yunnan" },
    { "广东", "Guangdong" }, { "福建", "Fujian" }, { "浙江", "Zhejiang" }, { "江苏", "Jiangsu" },
    { "山东", "Shandong" }, { "四川", "Sichuan" }, { "湖南", "Hunan" }, { "贵州", "Guizhou" },
    { "南宁", "Nanning" }, { "昆明", "Kunming" }, { "厦门", "Xiamen" }, { "钦州", "Qinzhou" },
    { "防城港", "Fangchenggang" }, { "湛江", "Zhanjiang" }, { "三亚", "Sanya" },
    { "凭祥", "Pingxiang" }, { "东兴", "Dongxing" }, { "景洪", "Jinghong" }, { "天津", "Tianjin" },
    { "重庆", "Chongqing" }, { "西安", "Xi'an" }, { "青岛", "Qingdao" },
};
static const place th_places[] = {
    { "เชียงใหม่", "Chiang Mai" }, { "ภูเก็ต", "Phuket" }, { "ขอนแก่น", "Khon Kaen" },
    { "ระยอง", "Rayong" }, { "ชลบุรี", "Chon Buri" }, { "สงขลา", "Songkhla" },
    { "อุดรธานี", "Udon Thani" }, { "นครราชสีมา", "Nakhon Ratchasima" },
    { "เชียงราย", "Chiang Rai" }, { "สุราษฎร์ธานี", "Surat Thani" }, { "ตาก", "Tak" },
    { "หนองคาย", "Nong Khai" },
};
static const place vn_places[] = {
    { "Đà Nẵng", "Da Nang" }, { "Hải Phòng", "Hai Phong" }, { "Quảng Ninh", "Quang Ninh" },
    { "Bình Dương", "Binh Duong" }, { "Đồng Nai", "Dong Nai" }, { "Lạng Sơn", "Lang Son" },
    { "Lào Cai", "Lao Cai" }, { "Cần Thơ", "Can Tho" }, { "Bắc Ninh", "Bac Ninh" },
    { "Thanh Hóa", "Thanh Hoa" }, { "Hà Tĩnh", "Ha Tinh" },
};
static const place kh_places[] = {
    { "សៀមរាប", "Siem Reap" }, { "ព្រះសីហនុ", "Preah Sihanouk" }, { "កំពត", "Kampot" },
    { "ភ្នំពេញ", "Phnom Penh" }, { "បាត់ដំបង", "Battambang" }, { "កោះកុង", "Koh Kong" },
};
static const place la_places[] = {
    { "ຫຼວງພະບາງ", "Luang Prabang" }, { "ວຽງຈັນ", "Vientiane" }, { "ຈຳປາສັກ", "Champasak" },
    { "ສະຫວັນນະເຂດ", "Savannakhet" }, { "ບໍ່ແກ້ວ", "Bokeo" },
};
static const place mm_places[] = {
    { "ရန်ကုန်", "Yangon" }, { "မန္တလေး", "Mandalay" }, { "ရှမ်း", "Shan" },
    { "ကျောက်ဖြူ", "Kyaukphyu" }, { "ထားဝယ်", "Dawei" },
};
static const place my_places[] = {
    { "Pulau Pinang", "Penang" }, { "Johor", "Johor" }, { "Sabah", "Sabah" },
    { "Sarawak", "Sarawak" }, { "Selangor", "Selangor" }, { "Kedah", "Kedah" },
    { "Kuantan", "Kuantan" }, { "Melaka", "Malacca" },
};
static const place ph_places[] = {
    { "Cebu", "Cebu" }, { "Davao", "Davao" }, { "Iloilo", "Iloilo" }, { "Bataan", "Bataan" },
    { "Clark", "Clark" }, { "Catanduanes", "Catanduanes" }, { "Laguna", "Laguna" },
    { "Subic Bay", "Subic Bay" },
};
static const place id_places[] = {
    { "Batam", "Batam" }, { "Bali", "Bali" }, { "Jawa Timur", "East Java" },
    { "Riau", "Riau" }, { "Kendal", "Kendal" }, { "Surabaya", "Surabaya" },
    { "Makassar", "Makassar" }, { "Medan", "Medan" },
};
static const place sg_places[] = { { "Jurong", "Jurong" }, { "Tuas", "Tuas" },
                                   { "Changi", "Changi" } };
static const place bn_places[] = { { "Brunei-Muara", "Brunei-Muara" }, { "Muara", "Muara" },
                                   { "Temburong", "Temburong" } };

#define PLACES(a) a, NELEM(a)
static const rcountry rcountries[] = {
    { "CN", 40, S_CHINESE, 27.0, 112.0, 7.0, { "zh", NULL, NULL },
      { "CN-HI", "CN-SN", "CN-GD", "CN-YN", "CN-GX", "CN-ZJ", "CN-JS", "CN-SD", "CN-SH", "CN-FJ" },
      PLACES(cn_places) },
    { "TH", 9, S_THAI, 14.5, 101.0, 4.0, { "th", "en", NULL },
      { "TH-83", "TH-10", "TH-50", "TH-20", "TH-90", NULL }, PLACES(th_places) },
    { "VN", 9, S_VIET, 16.0, 107.0, 4.0, { "vi", "en", NULL },
      { "VN-50", "VN-SG", "VN-HN", "VN-DN", "VN-43", NULL }, PLACES(vn_places) },
    { "KH", 5, S_KHMER, 12.5, 104.9, 1.5, { "km", "en", NULL },
      { "KH-3", "KH-12", "KH-17", "KH-18", NULL }, PLACES(kh_places) },
    { "LA", 4, S_LAO, 18.0, 103.0, 2.5, { "lo", NULL, NULL }, { "LA-VT", "LA-LP", "LA-CH", NULL },
      PLACES(la_places) },
    { "MM", 4, S_BURMESE, 19.0, 96.0, 4.0, { "my", "en", NULL }, { NULL }, PLACES(mm_places) },
    { "MY", 8, S_LATIN, 3.5, 107.0, 4.0, { "ms", "en", "zh" },
      { "MY-07", "MY-01", "MY-10", "MY-12", "MY-13", "MY-14", NULL }, PLACES(my_places) },
    { "PH", 8, S_LATIN, 12.5, 122.0, 4.0, { "en", "tl", NULL },
      { "PH-CAT", "PH-00", "PH-CEB", "PH-DAV", "PH-LAG", "PH-ILI", NULL }, PLACES(ph_places) },
    { "ID", 8, S_LATIN, -4.0, 115.0, 6.0, { "id", "en", NULL },
      { "ID-JK", "ID-JB", "ID-BA", "ID-JI", "ID-RI", NULL }, PLACES(id_places) },
    { "SG", 2, S_LATIN, 1.35, 103.82, 0.08, { "en", "zh", "ms" }, { NULL }, PLACES(sg_places) },
    { "BN", 3, S_LATIN, 4.6, 114.7, 0.3, { "ms", "en", NULL }, { NULL }, PLACES(bn_places) },
};

/* ISIC Rev.4 classes (bench_load's list, all checked against the table). */
static const char *const isic_classes[] = {
    "0116", "0122", "0129", "0311", "0321", "1020", "1030", "1040", "1050", "1061",
    "1071", "1079", "1104", "1311", "1391", "1410", "1512", "1622", "1701", "2011",
    "2100", "2211", "2220", "2310", "2392", "2511", "2610", "2710", "2720", "2750",
    "2826", "2829", "2910", "2930", "3011", "3030", "3100", "3312", "3510", "4100",
    "4210", "4923", "5011", "5210", "5510", "5520", "6110", "6201", "7110", "7490",
};
static const char *const isic_sections[] = { "A", "C", "H", "I" };

static const char *const vocab_a[] = {
    "technology", "capital", "equipment", "raw_materials", "labour", "land",
    "market_access", "skills", "infrastructure", "financing", "logistics", "partners",
};
static const char *const vocab_b[] = {
    "sme_support", "tax_incentive", "industrial_park", "special_economic_zone",
    "free_trade_zone", "export_processing_zone", "innovation_hub", "training",
};
static const char *const vocab_c[] = {
    "transport_infrastructure", "commerce", "agriculture", "tourism", "culture_exchange",
};
static const char *const vocab_d[] = { "AIIB", "SRF", "CAF", "CAMCF" };
static const char *const levels[] = { "country", "province", "province", "city", "city",
                                      "city", "district", "zone", "zone" };
/* resource tags: mostly words the shipped rules link to sectors
 * (rules/lib/industries.lua, RESOURCES), some free text they do not know */
static const char *const resources[] = {
    "rubber", "coconut", "tropical fruit", "seafood", "sea salt", "coal", "natural gas",
    "kiwifruit", "apples", "crude oil", "abaca fiber", "tin", "cassava", "sugarcane",
    "palm oil", "abaca", "rice", "coffee", "tea", "hydropower", "shrimp", "seaweed",
    "limestone", "cashew", "maize", "silk", "deep-water port", "beaches", "granite",
    "coconut husk", "manganese", "potash", "timber", "rare earths", "稀土",
};
static const char *const flights[] = {
    "SG", "TH-83", "TH-10", "MY-14", "VN-SG", "VN-HN", "KH-12", "PH-00", "ID-JK", "CN",
    "LA-VT", "MY-12",
};
static const char *const notes[] = {
    "host of the governors' and mayors' dialogue", "not Shanxi (CN-SX)",
    "pilot zone for cross-border RMB settlement", "new deep-water berth opened in 2023",
    "中国—东盟博览会常设展区", "ศูนย์กลางโลจิสติกส์ภาคเหนือ", "rail link to Vientiane",
    "duty-free island policy", "bonded logistics park",
};

static void region_name(rng *r, const rcountry *c, const char *level, char *s, size_t cap)
{
    const place *pl = &c->places[rng_below(r, (uint32_t)c->nplaces)];
    int country = strcmp(level, "country") == 0;
    int zone = strcmp(level, "zone") == 0;
    int city = strcmp(level, "city") == 0;
    int district = strcmp(level, "district") == 0;
    const char *n = NULL;
    char buf[256];
    switch (c->script) {
    case S_CHINESE:
        if (country)
            n = "中华人民共和国 China";
        else if (zone)
            snprintf(buf, sizeof buf, "%s%s %s %s", pl->local,
                     rng_chance(r, 0.5) ? "综合保税区" : "经济技术开发区", pl->latin,
                     rng_chance(r, 0.5) ? "Comprehensive Bonded Zone" : "Economic Zone");
        else
            snprintf(buf, sizeof buf, "%s%s %s", pl->local,
                     city ? "市" : district ? "新区" : "省", pl->latin);
        break;
    case S_THAI:
        if (country)
            n = "ประเทศไทย Thailand";
        else
            snprintf(buf, sizeof buf, "%s%s (%s)",
                     zone ? "เขตเศรษฐกิจพิเศษ" : city ? "เทศบาลนคร" : "จังหวัด", pl->local,
                     pl->latin);
        break;
    case S_VIET:
        if (country)
            n = "Việt Nam";
        else
            snprintf(buf, sizeof buf, "%s%s",
                     zone ? "Khu công nghiệp " : city ? "Thành phố " : "Tỉnh ", pl->local);
        break;
    case S_KHMER:
        if (country)
            n = "ព្រះរាជាណាចក្រកម្ពុជា Cambodia";
        else
            snprintf(buf, sizeof buf, "%s%s %s", zone ? "តំបន់សេដ្ឋកិច្ចពិសេស" : "ខេត្ត",
                     pl->local, pl->latin);
        break;
    case S_LAO:
        if (country)
            n = "ສປປ ລາວ Laos";
        else
            snprintf(buf, sizeof buf, "%s%s %s", zone ? "ເຂດເສດຖະກິດພິເສດ" : "ແຂວງ", pl->local,
                     pl->latin);
        break;
    case S_BURMESE:
        if (country)
            n = "မြန်မာ Myanmar";
        else
            snprintf(buf, sizeof buf, "%s %s %s", pl->local,
                     zone ? "အထူးစီးပွားရေးဇုန်" : "တိုင်းဒေသကြီး", pl->latin);
        break;
    case S_LATIN:
        if (country)
            snprintf(buf, sizeof buf, "Republic of %s", c->code);
        else if (zone)
            snprintf(buf, sizeof buf, "%s %s", pl->local,
                     rng_chance(r, 0.5) ? "Special Economic Zone" : "Industrial Park");
        else
            snprintf(buf, sizeof buf, "%s%s", pl->local, city ? " City" : "");
        break;
    }
    snprintf(s, cap, "%s", n ? n : buf);
}

/* An ISIC code for a region list: mostly classes, some groups, divisions
 * and sections (regions often name a whole branch). */
static const char *region_code(rng *r, char *buf)
{
    const char *cls = PICK(r, isic_classes);
    double u = rng_unit(r);
    if (u < 0.6)
        return cls;
    if (u < 0.75) {
        memcpy(buf, cls, 3);
        buf[3] = '\0';
        return buf;
    }
    if (u < 0.93) {
        memcpy(buf, cls, 2);
        buf[2] = '\0';
        return buf;
    }
    return PICK(r, isic_sections);
}

static int code_list(rng *r, int n, const char **out, char bufs[][8])
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        const char *c = region_code(r, bufs[m]);
        int dup = 0;
        for (int j = 0; j < m; j++)
            dup |= strcmp(out[j], c) == 0;
        if (!dup)
            out[m++] = c;
    }
    return m;
}

static void region_record(sbuf *b, rng *r, unsigned long long n)
{
    unsigned total = 0;
    for (size_t i = 0; i < NELEM(rcountries); i++)
        total += rcountries[i].weight;
    unsigned pick = rng_below(r, total);
    const rcountry *c = rcountries;
    while (pick >= c->weight) {
        pick -= c->weight;
        c++;
    }
    const char *level = PICK(r, levels);
    char name[320];
    region_name(r, c, level, name, sizeof name);

    sb_printf(b, "{\"id\":\"r-%llu\"", n);
    j_key(b, "name");
    j_str(b, name);
    j_key(b, "country");
    j_str(b, c->code);
    size_t nsubs = 0;
    while (nsubs < NELEM(c->subs) && c->subs[nsubs])
        nsubs++;
    if (nsubs && strcmp(level, "country") != 0 && !rng_chance(r, 0.25)) {
        j_key(b, "subdivision");
        j_str(b, c->subs[rng_below(r, (uint32_t)nsubs)]);
    }
    if (!rng_chance(r, 0.05)) {
        j_key(b, "level");
        j_str(b, level);
    }
    if (!rng_chance(r, 0.15)) {
        double lat = c->lat + (rng_unit(r) * 2 - 1) * c->spread;
        double lon = c->lon + (rng_unit(r) * 2 - 1) * c->spread;
        j_key(b, "location");
        sb_printf(b, "{\"lat\":%.2f,\"lon\":%.2f}", lat, lon);
    }
    if (!rng_chance(r, 0.1)) {
        size_t nl = c->langs[2] ? 3 : c->langs[1] ? 2 : 1;
        const char *ls[3];
        int k = pick_distinct(r, c->langs, nl, 1 + rng_below(r, (uint32_t)nl), ls);
        j_list(b, "languages", ls, k);
    }
    const char *codes[8];
    char bufs[8][8];
    /* the shape of issue 9: 1-6 sectors offered, 1-8 sought, 0-3 resources,
     * 1-4 needs and offers, 0-3 funds */
    int k = code_list(r, 1 + (int)rng_below(r, 6), codes, bufs);
    j_list(b, "sectors_offered", codes, k);
    k = code_list(r, 1 + (int)rng_below(r, 8), codes, bufs);
    j_list(b, "sectors_sought", codes, k);
    const char *items[16];
    k = pick_distinct(r, resources, NELEM(resources), rng_below(r, 4), items);
    j_list(b, "resources", items, k);
    k = pick_distinct(r, vocab_a, NELEM(vocab_a), 1 + rng_below(r, 4), items);
    j_list(b, "needs", items, k);
    k = pick_distinct(r, vocab_a, NELEM(vocab_a), 1 + rng_below(r, 4), items);
    j_list(b, "offers", items, k);
    k = pick_distinct(r, vocab_b, NELEM(vocab_b), rng_below(r, 5), items);
    j_list(b, "programmes", items, k);
    k = pick_distinct(r, vocab_c, NELEM(vocab_c), rng_below(r, 5), items);
    j_list(b, "cooperation_areas", items, k);
    k = pick_distinct(r, vocab_d, NELEM(vocab_d), rng_below(r, 4), items);
    j_list(b, "funds", items, k);
    if (!rng_chance(r, 0.3)) {
        j_key(b, "connectivity");
        sb_printf(b, "{\"port\":%s,\"airport\":%s,\"rail\":%s",
                  rng_chance(r, 0.4) ? "true" : "false", rng_chance(r, 0.7) ? "true" : "false",
                  rng_chance(r, 0.5) ? "true" : "false");
        k = pick_distinct(r, flights, NELEM(flights), rng_below(r, 8), items);
        if (k) {
            sb_puts(b, ",\"direct_flights\":[");
            for (int i = 0; i < k; i++) {
                if (i)
                    sb_putc(b, ',');
                j_str(b, items[i]);
            }
            sb_putc(b, ']');
        }
        sb_putc(b, '}');
    }
    if (!rng_chance(r, 0.4)) {
        j_key(b, "capacity");
        sb_printf(b, "%lld", rng_range(r, 1, 20));
    }
    if (rng_chance(r, 0.3)) {
        j_key(b, "free_port");
        sb_puts(b, rng_chance(r, 0.3) ? "true" : "false");
    }
    if (rng_chance(r, 0.3)) {
        j_key(b, "population");
        sb_printf(b, "%lld", rng_range(r, 20000, 60000000));
    }
    if (rng_chance(r, 0.5)) {
        j_key(b, "attrs");
        sb_putc(b, '{');
        j_str(b, "special_note");
        sb_putc(b, ':');
        j_str(b, PICK(r, notes));
        if (rng_chance(r, 0.6))
            sb_printf(b, ",\"gdp_growth_pct\":%.1f", (double)rng_range(r, -20, 95) / 10.0);
        sb_putc(b, '}');
    }
    sb_putc(b, '}');
}

static int cmd_gen_regions(int argc, char **argv)
{
    unsigned long long count = 0, seed = 42;
    const char *out = NULL;
    int have_count = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = parse_count("--count", argv[++i]);
            have_count = 1;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = parse_count("--seed", argv[++i]);
        } else if (argv[i][0] == '-' || out) {
            usage();
        } else {
            out = argv[i];
        }
    }
    if (!have_count || out == NULL)
        usage();
    /* a stream of its own, apart from bench_load's enterprises of the same seed */
    rng r = { seed ^ 0x5245474e494f4e53ull };
    sbuf b = { 0 };
    sb_puts(&b, "{\"regions\": [\n");
    for (unsigned long long n = 1; n <= count; n++) {
        region_record(&b, &r, n);
        sb_puts(&b, n < count ? ",\n" : "\n");
    }
    sb_puts(&b, "]}\n");
    sb_write(&b, out);
    free(b.p);
    return 0;
}

/* ==== loading, timing, memory =================================================== */

typedef struct span {
    double wall, cpu;
} span;

static span now(void)
{
    struct timespec w, c;
    clock_gettime(CLOCK_MONOTONIC, &w);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    return (span){ (double)w.tv_sec + (double)w.tv_nsec / 1e9,
                   (double)c.tv_sec + (double)c.tv_nsec / 1e9 };
}

static span since(span t0)
{
    span t = now();
    return (span){ t.wall - t0.wall, t.cpu - t0.cpu };
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return (double)ru.ru_maxrss / 1024.0;   /* kilobytes on Linux */
}

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n > 64 ? 64 : n) : 1;
}

typedef struct opts {
    const char *regions, *enterprises, *policy, *out;
    int threads;
    size_t top;
    unsigned repeat;          /* timed passes; the fastest counts */
    int by_region;            /* --by region: the best enterprises of each region */
    int no_prune;             /* --no-prune: score every rule of every pair */
} opts;

static void parse_opts(int argc, char **argv, opts *o, const char **positional)
{
    memset(o, 0, sizeof *o);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--regions") == 0 && i + 1 < argc)
            o->regions = argv[++i];
        else if (strcmp(a, "--enterprises") == 0 && i + 1 < argc)
            o->enterprises = argv[++i];
        else if (strcmp(a, "--policy") == 0 && i + 1 < argc)
            o->policy = argv[++i];
        else if (strcmp(a, "--out") == 0 && i + 1 < argc)
            o->out = argv[++i];
        else if (strcmp(a, "--threads") == 0 && i + 1 < argc)
            o->threads = (int)parse_count("--threads", argv[++i]);
        else if (strcmp(a, "--top") == 0 && i + 1 < argc)
            o->top = (size_t)parse_count("--top", argv[++i]);
        else if (strcmp(a, "--repeat") == 0 && i + 1 < argc)
            o->repeat = (unsigned)parse_count("--repeat", argv[++i]);
        else if (strcmp(a, "--by") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "region") == 0)
                o->by_region = 1;
            else if (strcmp(v, "enterprise") != 0)
                die("--by must be enterprise or region, not '%s'", v);
        } else if (strcmp(a, "--no-prune") == 0)
            o->no_prune = 1;
        else if (positional && a[0] != '-' && *positional == NULL)
            *positional = a;
        else
            usage();
    }
    if (o->regions == NULL || o->enterprises == NULL || o->policy == NULL)
        usage();
    if (o->repeat == 0)
        o->repeat = 1;
}

static void load_one(cm_engine *e, const char *path, cm_kind kind)
{
    cm_load_options lo;
    cm_load_options_init(&lo);
    lo.kind = kind;
    cm_diags *d = cm_diags_new();
    if (d == NULL)
        die("out of memory");
    cm_status s = cm_engine_load_file(e, path, &lo, d);
    if (s != CM_OK) {
        size_t n = cm_diags_count(d);
        for (size_t i = 0; i < n && i < 10; i++)
            fprintf(stderr, "%s\n", cm_diags_at(d, i)->message);
        die("loading %s: %s%s%s", path, cm_status_string(s), n ? "" : ": ",
            n ? "" : cm_engine_errmsg(e));
    }
    cm_diags_free(d);
}

static cm_engine *load_engine(const opts *o)
{
    cm_status s;
    cm_engine *e = cm_engine_new(&s);
    if (e == NULL)
        die("cm_engine_new: %s: %s", cm_status_string(s), cm_last_error());
    load_one(e, o->regions, CM_KIND_REGIONS);
    load_one(e, o->enterprises, CM_KIND_ENTERPRISES);
    return e;
}

static cm_policy *load_policy(cm_engine *e, const char *path)
{
    cm_policy_options po;
    cm_policy_options_init(&po);
    cm_policy *p = cm_policy_load(e, path, &po);
    if (p == NULL)
        die("%s", cm_engine_errmsg(e));
    return p;
}

/* More key=value pairs for the result line of `run` (prepare time, pruning). */
static char extra_fields[512];

static void report(const char *impl, const char *policy, size_t nent, size_t nreg, size_t pairs,
                   size_t vetoed, int threads, unsigned passes, span t, double engine_mb)
{
    double pps = (double)pairs / t.wall;
    double nspc = t.wall * 1e9 * threads / (double)pairs;
    double nscpu = t.cpu * 1e9 / (double)pairs;
    printf("%s: %zu enterprises x %zu regions = %zu pairs (%zu vetoed by filters), %d thread%s\n",
           impl, nent, nreg, pairs, vetoed, threads, threads == 1 ? "" : "s");
    printf("  match     %.3f s wall, %.3f s cpu (the fastest of %u pass%s)\n", t.wall, t.cpu,
           passes, passes == 1 ? "" : "es");
    printf("  speed     %.0f pairs/s, %.1f ns/pair/core (wall x threads), %.1f ns/pair cpu\n",
           pps, nspc, nscpu);
    printf("  memory    peak RSS %.1f MB", peak_rss_mb());
    if (engine_mb >= 0)
        printf(", profiles %.1f MB", engine_mb);
    printf("\n");
    printf("result: impl=%s policy=%s enterprises=%zu regions=%zu pairs=%zu vetoed=%zu "
           "threads=%d wall=%.6f cpu=%.6f pps=%.1f ns_core=%.3f ns_cpu=%.3f rss_mb=%.1f%s\n",
           impl, policy, nent, nreg, pairs, vetoed, threads, t.wall, t.cpu, pps, nspc, nscpu,
           peak_rss_mb(), extra_fields);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* ==== run: the engine ================================================================ */

static int cmd_run(int argc, char **argv)
{
    opts o;
    parse_opts(argc, argv, &o, NULL);
    span tl = now();
    cm_engine *e = load_engine(&o);
    span load = since(tl);
    cm_policy *p = load_policy(e, o.policy);
    size_t nent = cm_engine_count(e, CM_KIND_ENTERPRISES);
    size_t nreg = cm_engine_count(e, CM_KIND_REGIONS);
    double mb = (double)(cm_engine_memory(e, CM_KIND_REGIONS, NULL) +
                         cm_engine_memory(e, CM_KIND_ENTERPRISES, NULL)) / 1e6;
    printf("loaded %zu regions and %zu enterprises in %.2f s\n", nreg, nent, load.wall);

    cm_match_options mo;
    cm_match_options_init(&mo);
    mo.by = o.by_region ? CM_KIND_REGIONS : CM_KIND_ENTERPRISES;
    mo.top = o.top;
    mo.threads = o.threads;
    mo.no_prune = o.no_prune;
    int threads = o.threads > 0 ? o.threads : cpu_count();
    size_t nouter = o.by_region ? nreg : nent;
    /* The per-profile work first, timed apart: the first match computes the
     * policy's derived values of every profile (once, in one thread) and its
     * columns; a match of one outer profile does that and little else. */
    cm_result *res = NULL;
    cm_match_options mp = mo;
    if (nouter > 1) {
        mp.shard_index = 0;
        mp.shard_count = nouter > UINT32_MAX ? UINT32_MAX : (unsigned)nouter;
    }
    span t0 = now();
    cm_status s = cm_match(e, p, &mp, &res);
    span prep = since(t0);
    if (s != CM_OK)
        die("cm_match: %s: %s", cm_status_string(s), cm_engine_errmsg(e));
    cm_result_free(res);
    res = NULL;
    printf("  prepare   %.3f s wall, %.3f s cpu: the policy's per-profile work on %zu + %zu "
           "profiles (derived values, columns) and one %s's pairs\n",
           prep.wall, prep.cpu, nent, nreg, o.by_region ? "region" : "enterprise");
    span t = { HUGE_VAL, HUGE_VAL };
    for (unsigned pass = 0; pass < o.repeat; pass++) {
        cm_result_free(res);
        res = NULL;
        t0 = now();
        s = cm_match(e, p, &mo, &res);
        span tp = since(t0);
        if (s != CM_OK)
            die("cm_match: %s: %s", cm_status_string(s), cm_engine_errmsg(e));
        if (tp.wall < t.wall)
            t = tp;
    }
    size_t vetoed = 0;
    size_t pairs = cm_result_pairs(res, &vetoed);
    size_t pruned = cm_result_pruned(res);
    if (pairs != nent * nreg)
        die("cm_match scored %zu pairs, expected %zu", pairs, nent * nreg);
    snprintf(extra_fields, sizeof extra_fields,
             " by=%s prune=%d pruned=%zu prep_wall=%.6f prep_cpu=%.6f load_wall=%.6f "
             "load_cpu=%.6f", o.by_region ? "region" : "enterprise", !o.no_prune, pruned,
             prep.wall, prep.cpu, load.wall, load.cpu);
    printf("  by %s, %s: %zu pairs (%.1f%%) left before their last rules\n",
           o.by_region ? "region" : "enterprise", o.no_prune ? "--no-prune" : "pruning", pruned,
           pairs ? 100.0 * (double)pruned / (double)pairs : 0.0);
    report("engine", base_name(o.policy), nent, nreg, pairs, vetoed, threads, o.repeat, t, mb);
    if (o.out) {
        sbuf b = { 0 };
        size_t n = cm_result_count(res);
        for (size_t i = 0; i < n; i++) {
            const cm_match_row *r = cm_result_row(res, i);
            sb_printf(&b, "%s\t%s\t%u\t%.17g\n", r->enterprise, r->region, r->rank, r->score);
        }
        sb_write(&b, o.out);
        free(b.p);
    }
    cm_result_free(res);
    cm_policy_free(p);
    cm_engine_free(e);
    return 0;
}

/* ==== profiles as plain arrays (floor and dump) ======================================= */

/* A small string -> index table (codes, words); read-only once built. */
typedef struct strtab {
    char **s;
    size_t n, cap;
    uint32_t *slot;            /* open addressing: index + 1, 0 empty */
    size_t nslot;
} strtab;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int tab_find(const strtab *t, const char *s)
{
    if (t->nslot == 0)
        return -1;
    for (size_t i = hash_str(s) & (t->nslot - 1);; i = (i + 1) & (t->nslot - 1)) {
        if (t->slot[i] == 0)
            return -1;
        if (strcmp(t->s[t->slot[i] - 1], s) == 0)
            return (int)t->slot[i] - 1;
    }
}

static int tab_intern(strtab *t, const char *s)
{
    int f = tab_find(t, s);
    if (f >= 0)
        return f;
    if ((t->n + 1) * 2 > t->nslot) {
        size_t ns = t->nslot ? t->nslot * 2 : 64;
        uint32_t *slot = xcalloc(ns, sizeof *slot);
        for (size_t k = 0; k < t->n; k++) {
            size_t i = hash_str(t->s[k]) & (ns - 1);
            while (slot[i])
                i = (i + 1) & (ns - 1);
            slot[i] = (uint32_t)k + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->nslot = ns;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->s = xrealloc(t->s, t->cap * sizeof *t->s);
    }
    size_t len = strlen(s);
    t->s[t->n] = xmalloc(len + 1);
    memcpy(t->s[t->n], s, len + 1);
    size_t i = hash_str(s) & (t->nslot - 1);
    while (t->slot[i])
        i = (i + 1) & (t->nslot - 1);
    t->slot[i] = (uint32_t)t->n + 1;
    return (int)t->n++;
}

/* An ISIC code with its ancestors: path[L] is the id of its ancestor at
 * level L (0 section .. 3 class) for L <= level, itself at its own level. */
typedef struct code {
    int level;
    int path[4];
} code;

typedef struct ilist {
    uint32_t off, n;
} ilist;

typedef struct data {
    cm_engine *e;
    size_t nent, nreg;
    strtab codes, countries, words;
    code *code_info;           /* per codes entry */
    int *pool;                 /* code ids and country ids of lists */
    size_t npool, cap;
    /* regions */
    int *r_country;            /* -1 absent */
    double *r_lat, *r_lon;     /* NaN absent */
    ilist *r_sought;
    uint32_t *r_needs;
    uint32_t *r_rank;          /* position in id order (the ties rule) */
    const char **r_id;
    /* enterprises */
    ilist *e_sectors, *e_targets;
    uint32_t *e_offers;
    double *e_lat, *e_lon;
    int *e_has_inv;            /* 1: lo and hi in the band's currency */
    double *e_lo, *e_hi;
    const char **e_id;
    /* policy */
    double w_sector, w_needs, w_distance, w_ticket, weight_sum;
    double scale_km, band_lo, band_hi, tolerance, min_score;
    int has_distance;          /* the policy has a distance rule: only then the trigonometry */
    size_t top;
} data;

static void pool_push(data *d, int v)
{
    if (d->npool == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 4096;
        d->pool = xrealloc(d->pool, d->cap * sizeof *d->pool);
    }
    d->pool[d->npool++] = v;
}

static int code_id(data *d, const char *c)
{
    int id = tab_find(&d->codes, c);
    if (id >= 0)
        return id;
    int level = cm_isic_level(c);
    if (level < 0 || level > 3)
        die("'%s' is not an ISIC code", c);
    /* ancestors first, so that their ids exist */
    int parent = -1;
    const char *pc = cm_isic_parent(c);
    if (level > 0) {
        if (pc == NULL || pc[0] == '\0')
            die("ISIC code '%s' has no parent", c);
        parent = code_id(d, pc);
    }
    id = tab_intern(&d->codes, c);
    d->code_info = xrealloc(d->code_info, d->codes.n * sizeof *d->code_info);
    code *ci = &d->code_info[id];
    memset(ci, 0, sizeof *ci);
    ci->level = level;
    for (int l = 0; l < level; l++)
        ci->path[l] = d->code_info[parent].path[l];
    ci->path[level] = id;
    for (int l = level + 1; l < 4; l++)
        ci->path[l] = -1;
    return id;
}

static cm_value get(const data *d, cm_kind k, size_t i, const char *path)
{
    cm_value v;
    if (cm_profile_get(d->e, k, i, path, &v) != CM_OK)
        die("cm_profile_get %s: %s", path, cm_engine_errmsg(d->e));
    return v;
}

static const char *item(const data *d, cm_kind k, size_t i, const char *path, size_t j)
{
    const char *s;
    if (cm_profile_item(d->e, k, i, path, j, &s) != CM_OK)
        die("cm_profile_item %s[%zu]: %s", path, j, cm_engine_errmsg(d->e));
    return s;
}

static ilist read_codes(data *d, cm_kind k, size_t i, const char *path)
{
    cm_value v = get(d, k, i, path);
    ilist l = { (uint32_t)d->npool, 0 };
    if (v.type != CM_VALUE_LIST)
        return l;
    for (size_t j = 0; j < v.count; j++)
        pool_push(d, code_id(d, item(d, k, i, path, j)));
    l.n = (uint32_t)v.count;
    return l;
}

static ilist read_countries(data *d, cm_kind k, size_t i, const char *path)
{
    cm_value v = get(d, k, i, path);
    ilist l = { (uint32_t)d->npool, 0 };
    if (v.type != CM_VALUE_LIST)
        return l;
    for (size_t j = 0; j < v.count; j++)
        pool_push(d, tab_intern(&d->countries, item(d, k, i, path, j)));
    l.n = (uint32_t)v.count;
    return l;
}

static uint32_t read_words(data *d, cm_kind k, size_t i, const char *path)
{
    cm_value v = get(d, k, i, path);
    uint32_t bits = 0;
    if (v.type != CM_VALUE_LIST)
        return 0;
    for (size_t j = 0; j < v.count; j++) {
        int w = tab_intern(&d->words, item(d, k, i, path, j));
        if (w >= 32)
            die("more than 32 distinct words in offers and needs");
        bits |= 1u << w;
    }
    return bits;
}

static double num_or_nan(const data *d, cm_kind k, size_t i, const char *path)
{
    cm_value v = get(d, k, i, path);
    return v.type == CM_VALUE_NUMBER ? v.num : NAN;
}

static const data *rank_data;

static int cmp_region_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return strcmp(rank_data->r_id[x], rank_data->r_id[y]);
}

/* The numbers of the declarative policy: weights by rule name, parameters. */
static void read_policy(data *d, cm_policy *p)
{
    d->weight_sum = 0;
    int seen = 0;
    for (size_t i = 0; i < cm_policy_rule_count(p); i++) {
        const char *n = cm_policy_rule_name(p, i);
        double w = cm_policy_rule_weight(p, i);
        d->weight_sum += w;
        if (strcmp(n, "sector") == 0)
            d->w_sector = w, seen |= 1;
        else if (strcmp(n, "needs") == 0)
            d->w_needs = w, seen |= 2;
        else if (strcmp(n, "distance") == 0)
            d->w_distance = w, seen |= 4;
        else if (strcmp(n, "ticket") == 0)
            d->w_ticket = w, seen |= 8;
        else
            die("%s: rule '%s' is not one the floor knows (sector, needs, distance, ticket)",
                cm_policy_path(p), n);
    }
    if ((seen & 11) != 11)
        die("%s: the floor expects the rules sector, needs and ticket (distance optional)",
            cm_policy_path(p));
    d->has_distance = (seen & 4) != 0;
    seen = 0;
    for (size_t i = 0; i < cm_policy_param_count(p); i++) {
        char buf[64];
        const char *n = cm_policy_param_name(p, i);
        double v = strtod(cm_policy_param_value(p, i, buf, sizeof buf), NULL);
        if (strcmp(n, "radius_km") == 0)
            d->scale_km = v, seen |= 1;
        else if (strcmp(n, "ticket_min_usd") == 0)
            d->band_lo = v, seen |= 2;
        else if (strcmp(n, "ticket_max_usd") == 0)
            d->band_hi = v, seen |= 4;
    }
    if ((seen & 6) != 6 || (d->has_distance && !(seen & 1)))
        die("%s: the floor expects the parameters ticket_min_usd, ticket_max_usd (and radius_km "
            "with a distance rule)", cm_policy_path(p));
    d->tolerance = 10;      /* builtin.range's default */
    d->min_score = cm_policy_min_score(p);
    d->top = cm_policy_top(p);
}

/* Read every profile once through the public API. */
static void read_data(data *d, cm_engine *e, cm_policy *p, size_t top)
{
    memset(d, 0, sizeof *d);
    d->e = e;
    read_policy(d, p);
    if (top)
        d->top = top;
    d->nreg = cm_engine_count(e, CM_KIND_REGIONS);
    d->nent = cm_engine_count(e, CM_KIND_ENTERPRISES);
    size_t nr = d->nreg, ne = d->nent;
    d->r_country = xcalloc(nr, sizeof *d->r_country);
    d->r_lat = xcalloc(nr, sizeof *d->r_lat);
    d->r_lon = xcalloc(nr, sizeof *d->r_lon);
    d->r_sought = xcalloc(nr, sizeof *d->r_sought);
    d->r_needs = xcalloc(nr, sizeof *d->r_needs);
    d->r_rank = xcalloc(nr, sizeof *d->r_rank);
    d->r_id = xcalloc(nr, sizeof *d->r_id);
    /* offers and needs share the vocabulary: intern its words in order */
    for (size_t i = 0; i < nr; i++) {
        const cm_kind k = CM_KIND_REGIONS;
        d->r_id[i] = get(d, k, i, "id").str;
        cm_value c = get(d, k, i, "country");
        d->r_country[i] = c.type == CM_VALUE_STRING ? tab_intern(&d->countries, c.str) : -1;
        d->r_lat[i] = num_or_nan(d, k, i, "location.lat");
        d->r_lon[i] = num_or_nan(d, k, i, "location.lon");
        if (isnan(d->r_lon[i]))
            d->r_lat[i] = NAN;
        d->r_sought[i] = read_codes(d, k, i, "sectors_sought");
        d->r_needs[i] = read_words(d, k, i, "needs");
    }
    uint32_t *order = xmalloc(nr * sizeof *order);
    for (size_t i = 0; i < nr; i++)
        order[i] = (uint32_t)i;
    rank_data = d;
    qsort(order, nr, sizeof *order, cmp_region_id);
    for (size_t i = 0; i < nr; i++)
        d->r_rank[order[i]] = (uint32_t)i;
    free(order);

    d->e_sectors = xcalloc(ne, sizeof *d->e_sectors);
    d->e_targets = xcalloc(ne, sizeof *d->e_targets);
    d->e_offers = xcalloc(ne, sizeof *d->e_offers);
    d->e_lat = xcalloc(ne, sizeof *d->e_lat);
    d->e_lon = xcalloc(ne, sizeof *d->e_lon);
    d->e_has_inv = xcalloc(ne, sizeof *d->e_has_inv);
    d->e_lo = xcalloc(ne, sizeof *d->e_lo);
    d->e_hi = xcalloc(ne, sizeof *d->e_hi);
    d->e_id = xcalloc(ne, sizeof *d->e_id);
    for (size_t i = 0; i < ne; i++) {
        const cm_kind k = CM_KIND_ENTERPRISES;
        d->e_id[i] = get(d, k, i, "id").str;
        d->e_sectors[i] = read_codes(d, k, i, "sectors");
        d->e_targets[i] = read_countries(d, k, i, "target_countries");
        d->e_offers[i] = read_words(d, k, i, "offers");
        d->e_lat[i] = num_or_nan(d, k, i, "location.lat");
        d->e_lon[i] = num_or_nan(d, k, i, "location.lon");
        if (isnan(d->e_lon[i]))
            d->e_lat[i] = NAN;
        /* investment min..max in USD, as builtin.range reads money */
        double mn = num_or_nan(d, k, i, "investment.min");
        double mx = num_or_nan(d, k, i, "investment.max");
        cm_value cur = get(d, k, i, "investment.currency");
        if ((!isnan(mn) || !isnan(mx)) && cur.type == CM_VALUE_STRING) {
            double lo = !isnan(mn) ? mn : mx, hi = !isnan(mx) ? mx : mn;
            if (cm_engine_convert(e, lo, cur.str, "USD", &d->e_lo[i]) == CM_OK &&
                cm_engine_convert(e, hi, cur.str, "USD", &d->e_hi[i]) == CM_OK)
                d->e_has_inv[i] = 1;
        }
    }
}

/* ==== floor: the hand-written loop ====================================================== */

static double cmi_geo_km(double lat1, double lon1, double lat2, double lon2)
{
    /* the same formula, in the same order of operations, as the engine */
    const double r = 6371.0088, rad = 3.14159265358979323846 / 180;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(fmin(1, sqrt(a)));
}

static double isic_pair(const code *ci, int a, int b)
{
    const code *x = &ci[a], *y = &ci[b];
    if (y->level <= x->level && x->path[y->level] == b)
        return 1;
    if (x->level <= y->level && y->path[x->level] == a)
        return 1;
    for (int l = 2; l >= 0; l--)
        if (x->level >= l && y->level >= l && x->path[l] == y->path[l])
            return 0.25 * (l + 1);
    return 0;
}

typedef struct kept {
    uint32_t partner;
    double score;
} kept;

typedef struct floor_job {
    const data *d;
    kept *slots;
    uint32_t *counts;
    atomic_size_t next;
    atomic_size_t vetoed;
} floor_job;

#define CHUNK 16

static void *floor_work(void *arg)
{
    floor_job *j = arg;
    const data *d = j->d;
    const size_t k = d->top, nreg = d->nreg;
    const int *pool = d->pool;
    const code *ci = d->code_info;
    const double ws = d->w_sector, wn = d->w_needs, wd = d->w_distance, wt = d->w_ticket;
    const double wsum = d->weight_sum, scale = d->scale_km;
    const double blo = d->band_lo, bhi = d->band_hi, tol = d->tolerance;
    const uint32_t *rank = d->r_rank;
    const int has_distance = d->has_distance;
    for (;;) {
        size_t start = atomic_fetch_add(&j->next, CHUNK);
        if (start >= d->nent)
            break;
        size_t end = start + CHUNK < d->nent ? start + CHUNK : d->nent;
        size_t vetoed = 0;
        for (size_t e = start; e < end; e++) {
            kept *top = j->slots + e * k;
            uint32_t count = 0;
            const int *targets = pool + d->e_targets[e].off;
            const uint32_t ntargets = d->e_targets[e].n;
            const int *sectors = pool + d->e_sectors[e].off;
            const uint32_t nsectors = d->e_sectors[e].n;
            const uint32_t offers = d->e_offers[e];
            const double elat = d->e_lat[e], elon = d->e_lon[e];
            const int has_inv = d->e_has_inv[e];
            const double lo = d->e_lo[e], hi = d->e_hi[e];
            for (size_t r = 0; r < nreg; r++) {
                /* filter: member(target_countries, country), empty passes */
                const int country = d->r_country[r];
                if (ntargets && country >= 0) {
                    uint32_t t = 0;
                    while (t < ntargets && targets[t] != country)
                        t++;
                    if (t == ntargets) {
                        vetoed++;
                        continue;
                    }
                }
                /* isic_fit: the best pair of codes */
                double s_sector = 0;
                const uint32_t nsought = d->r_sought[r].n;
                if (nsectors && nsought) {
                    const int *sought = pool + d->r_sought[r].off;
                    double best = -1;
                    for (uint32_t a = 0; a < nsectors; a++)
                        for (uint32_t b = 0; b < nsought; b++) {
                            double s = isic_pair(ci, sectors[a], sought[b]);
                            if (s > best)
                                best = s;
                        }
                    s_sector = best;
                }
                /* overlap, coverage of the region's needs */
                const uint32_t needs = d->r_needs[r];
                const int nb = __builtin_popcount(needs);
                double s_needs = nb ? (double)__builtin_popcount(offers & needs) / (double)nb : 0;
                /* distance, when the policy asks for it */
                double s_dist = 0;
                if (has_distance && !isnan(elat) && !isnan(d->r_lat[r])) {
                    double km = cmi_geo_km(elat, elon, d->r_lat[r], d->r_lon[r]);
                    s_dist = km >= scale ? 0 : 1 - km / scale;
                }
                /* range: investment lo..hi (USD) against the band */
                double s_ticket = 0;
                if (has_inv) {
                    if (hi >= blo && lo <= bhi) {
                        s_ticket = 1;
                    } else {
                        double gap = hi < blo ? (hi > 0 ? blo / hi : HUGE_VAL)
                                              : (bhi > 0 ? lo / bhi : HUGE_VAL);
                        s_ticket = gap >= tol ? 0 : 1 - log(gap) / log(tol);
                    }
                }
                /* the engine's order: the policy's rules in declaration order */
                double sum = 0;
                sum += ws * s_sector;
                sum += wn * s_needs;
                if (has_distance)
                    sum += wd * s_dist;
                sum += wt * s_ticket;
                double score = sum / wsum;
                if (score < d->min_score)
                    continue;
                /* top k, ties by region id */
                const uint32_t p = (uint32_t)r;
                if (count == k &&
                    !(score > top[count - 1].score ||
                      (score == top[count - 1].score && rank[p] < rank[top[count - 1].partner])))
                    continue;
                size_t at = count < k ? count++ : k - 1;
                while (at > 0 && (score > top[at - 1].score ||
                                  (score == top[at - 1].score &&
                                   rank[p] < rank[top[at - 1].partner]))) {
                    top[at] = top[at - 1];
                    at--;
                }
                top[at] = (kept){ p, score };
            }
            j->counts[e] = count;
        }
        atomic_fetch_add(&j->vetoed, vetoed);
    }
    return NULL;
}

static int cmd_floor(int argc, char **argv)
{
    opts o;
    parse_opts(argc, argv, &o, NULL);
    cm_engine *e = load_engine(&o);
    cm_policy *p = load_policy(e, o.policy);
    data d;
    span tr = now();
    read_data(&d, e, p, o.top);
    span prep = since(tr);
    printf("read %zu regions and %zu enterprises into arrays in %.2f s (not timed)\n", d.nreg,
           d.nent, prep.wall);
    if (d.top == 0)
        die("top must be at least 1");
    int threads = o.threads > 0 ? o.threads : cpu_count();
    floor_job j;
    j.d = &d;
    j.slots = xmalloc(d.nent * d.top * sizeof *j.slots);
    j.counts = xcalloc(d.nent, sizeof *j.counts);
    atomic_init(&j.next, 0);
    atomic_init(&j.vetoed, 0);
    pthread_t *tids = xcalloc((size_t)threads, sizeof *tids);
    span t = { HUGE_VAL, HUGE_VAL };
    for (unsigned pass = 0; pass < o.repeat; pass++) {
        atomic_store(&j.next, 0);
        atomic_store(&j.vetoed, 0);
        span t0 = now();
        for (int i = 1; i < threads; i++)
            if (pthread_create(&tids[i], NULL, floor_work, &j) != 0)
                die("pthread_create failed");
        floor_work(&j);
        for (int i = 1; i < threads; i++)
            pthread_join(tids[i], NULL);
        span tp = since(t0);
        if (tp.wall < t.wall)
            t = tp;
    }
    report("floor", base_name(o.policy), d.nent, d.nreg, d.nent * d.nreg,
           atomic_load(&j.vetoed), threads, o.repeat, t, -1);
    if (o.out) {
        sbuf b = { 0 };
        for (size_t i = 0; i < d.nent; i++)
            for (uint32_t k = 0; k < j.counts[i]; k++) {
                const kept *kp = &j.slots[i * d.top + k];
                sb_printf(&b, "%s\t%s\t%u\t%.17g\n", d.e_id[i], d.r_id[kp->partner], k + 1,
                          kp->score);
            }
        sb_write(&b, o.out);
        free(b.p);
    }
    free(tids);
    free(j.slots);
    free(j.counts);
    cm_policy_free(p);
    cm_engine_free(e);
    return 0;
}

/* ==== dump-lua: the data for the plain-Lua baseline ===================================== */

static void lua_num(sbuf *b, const char *key, double v)
{
    if (!isnan(v))
        sb_printf(b, ",%s=%.17g", key, v);
}

static void lua_strlist(sbuf *b, const data *d, cm_kind k, size_t i, const char *key,
                        const char *path)
{
    cm_value v = get(d, k, i, path);
    sb_printf(b, ",%s={", key);
    if (v.type == CM_VALUE_LIST)
        for (size_t j = 0; j < v.count; j++) {
            if (j)
                sb_putc(b, ',');
            j_str(b, item(d, k, i, path, j));
        }
    sb_putc(b, '}');
}

static int cmd_dump_lua(int argc, char **argv)
{
    opts o;
    const char *out = NULL;
    parse_opts(argc, argv, &o, &out);
    if (out == NULL)
        usage();
    cm_engine *e = load_engine(&o);
    cm_policy *p = load_policy(e, o.policy);
    data d;
    read_data(&d, e, p, o.top);   /* the codes table and the policy's numbers */
    sbuf b = { 0 };
    sb_printf(&b, "-- generated by bench_match dump-lua from %s and %s; policy %s\n",
              base_name(o.regions), base_name(o.enterprises), base_name(o.policy));
    sb_printf(&b, "POLICY{top=%zu,min_score=%.17g,radius_km=%.17g,ticket_min_usd=%.17g,"
                  "ticket_max_usd=%.17g,tolerance=%.17g,w_sector=%.17g,w_needs=%.17g,"
                  "w_distance=%.17g,w_ticket=%.17g,has_distance=%s,currency=\"USD\"}\n",
              d.top, d.min_score, d.scale_km, d.band_lo, d.band_hi, d.tolerance, d.w_sector,
              d.w_needs, d.w_distance, d.w_ticket, d.has_distance ? "true" : "false");
    /* rates: units of each currency per unit of the table's reference */
    const char *ref = cm_engine_rates_reference(e);
    strtab curs = { 0 };
    tab_intern(&curs, "USD");
    for (size_t i = 0; i < d.nent; i++) {
        cm_value c = get(&d, CM_KIND_ENTERPRISES, i, "investment.currency");
        if (c.type == CM_VALUE_STRING)
            tab_intern(&curs, c.str);
    }
    for (size_t i = 0; i < curs.n; i++) {
        double per;
        if (cm_engine_convert(e, 1.0, ref, curs.s[i], &per) == CM_OK)
            sb_printf(&b, "RATE(\"%s\",%.17g)\n", curs.s[i], per);
    }
    for (size_t i = 0; i < d.codes.n; i++) {
        const code *c = &d.code_info[i];
        sb_printf(&b, "ISIC(\"%s\",%d,\"%s\")\n", d.codes.s[i], c->level,
                  c->level > 0 ? d.codes.s[c->path[c->level - 1]] : "");
    }
    for (size_t i = 0; i < d.nreg; i++) {
        const cm_kind k = CM_KIND_REGIONS;
        sb_puts(&b, "R{id=");
        j_str(&b, d.r_id[i]);
        cm_value c = get(&d, k, i, "country");
        if (c.type == CM_VALUE_STRING) {
            sb_puts(&b, ",country=");
            j_str(&b, c.str);
        }
        lua_num(&b, "lat", d.r_lat[i]);
        lua_num(&b, "lon", d.r_lon[i]);
        lua_strlist(&b, &d, k, i, "sectors_sought", "sectors_sought");
        lua_strlist(&b, &d, k, i, "needs", "needs");
        sb_puts(&b, "}\n");
    }
    for (size_t i = 0; i < d.nent; i++) {
        const cm_kind k = CM_KIND_ENTERPRISES;
        sb_puts(&b, "E{id=");
        j_str(&b, d.e_id[i]);
        lua_num(&b, "lat", d.e_lat[i]);
        lua_num(&b, "lon", d.e_lon[i]);
        lua_strlist(&b, &d, k, i, "sectors", "sectors");
        lua_strlist(&b, &d, k, i, "offers", "offers");
        lua_strlist(&b, &d, k, i, "target_countries", "target_countries");
        cm_value cur = get(&d, k, i, "investment.currency");
        if (cur.type == CM_VALUE_STRING) {
            sb_puts(&b, ",investment={currency=");
            j_str(&b, cur.str);
            lua_num(&b, "min", num_or_nan(&d, k, i, "investment.min"));
            lua_num(&b, "max", num_or_nan(&d, k, i, "investment.max"));
            sb_putc(&b, '}');
        }
        sb_puts(&b, "}\n");
    }
    sb_write(&b, out);
    printf("wrote %zu regions and %zu enterprises to %s\n", d.nreg, d.nent, out);
    free(b.p);
    cm_policy_free(p);
    cm_engine_free(e);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(argv[1], "gen-regions") == 0)
        return cmd_gen_regions(argc, argv);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(argv[1], "floor") == 0)
        return cmd_floor(argc, argv);
    if (strcmp(argv[1], "dump-lua") == 0)
        return cmd_dump_lua(argc, argv);
    usage();
}
