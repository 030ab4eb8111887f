/*
 * bench_load.c - load benchmark: synthetic enterprise profiles, and the time
 * capmatch takes to load them beside what jansson and libcsv alone take to
 * parse the same file in the same process.
 *
 *   bench_load gen --count N [--seed S] --format json|jsonl|csv OUT
 *       Write N synthetic enterprises, deterministically from the seed: the
 *       same seed gives the same records in every format (byte-identical
 *       files from run to run).
 *
 *   bench_load run FILE [--repeat R] [--expect N] [--fail-targets]
 *                       [--only capmatch|bare] [--json-bare file|buffer|both]
 *       Time, best of R (default 3):
 *         capmatch      cm_engine_new + cm_engine_load_file (strict), in
 *                       this process, after a warm-up engine has read the
 *                       iso-codes tables (a once-per-process cost)
 *         bare    JSON  json_load_file of the whole file (--json-bare buffer:
 *                       json_loadb of the file mapped in memory; both: the
 *                       faster of the two counts)
 *                 JSONL json_loadb per line
 *                 CSV   csv_parse over the whole file, callbacks that only
 *                       count fields and rows
 *       Each bare parse runs in a forked child (see bare_child). The file
 *       is read once before any timing, so every pass reads from the page
 *       cache. Reports MB/s (10^6 bytes), profiles/s, the capmatch/bare
 *       speed ratio, bytes per profile (cm_engine_memory), peak RSS, and a
 *       verdict line per target. Times are wall clock (CLOCK_MONOTONIC),
 *       with the process CPU time beside them. The last line, "result: key=value ...",
 *       is for scripts/bench-load. --only times one side (for profiling).
 *
 * Exit status: 0 measured (targets may still FAIL, see the verdict lines;
 * with --fail-targets a FAIL exits 2), 1 a load failed or loaded the wrong
 * number of records, 64 usage.
 *
 * Uses only the public header, plus jansson and libcsv for the baselines.
 */
#include "capmatch.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Targets from the issue. */
#define TARGET_RATIO 0.7
#define TARGET_BYTES 300.0
/* peak memory of the loading process, per million records, from 1M up */
#define TARGET_PEAK_MB_PER_M 500.0

static const char *prog = "bench_load";

#include "bench_common.h"


static void usage(void) __attribute__((noreturn));

static void usage(void)
{
    fprintf(stderr,
            "usage: %s gen --count N [--seed S] --format json|jsonl|csv OUT\n"
            "       %s run FILE [--repeat R] [--expect N] [--fail-targets]\n"
            "                [--only capmatch|bare] [--json-bare file|buffer|both]\n",
            prog, prog);
    exit(64);
}

/* ==== random numbers: splitmix64 ============================================ */







#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)NELEM(arr))])

/* k distinct items of pool[0..n) into out (k <= n, n <= 64). */
static int pick_distinct(rng *r, const char *const *pool, size_t n, size_t k,
                         const char **out, const char *avoid)
{
    size_t idx[64];
    size_t m = 0;
    for (size_t i = 0; i < n && m < NELEM(idx); i++)
        if (avoid == NULL || strcmp(pool[i], avoid) != 0)
            idx[m++] = i;
    if (k > m)
        k = m;
    for (size_t i = 0; i < k; i++) {
        size_t j = i + rng_below(r, (uint32_t)(m - i));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        out[i] = pool[idx[i]];
    }
    return (int)k;
}

/* ==== reference data ========================================================== */

enum script { SCRIPT_LATIN, SCRIPT_CHINESE, SCRIPT_THAI, SCRIPT_VIETNAMESE };

typedef struct country_def {
    const char *code;
    const char *currency;
    enum script script;
    const char *suffix_latin;   /* legal form for Latin names */
    double lat, lon, spread;    /* rough centre and jitter, degrees */
    const char *langs[3];
    const char *subs[10];       /* valid ISO 3166-2 codes; NULL-terminated */
} country_def;

static const country_def countries[] = {
    { "CN", "CNY", SCRIPT_CHINESE, "Co., Ltd.", 30.0, 112.0, 7.0, { "zh", "en", NULL },
      { "CN-HI", "CN-SN", "CN-GD", "CN-YN", "CN-GX", "CN-ZJ", "CN-JS", "CN-SD", "CN-SH", "CN-FJ" } },
    { "PH", "PHP", SCRIPT_LATIN, "Inc.", 12.5, 122.0, 4.0, { "en", "tl", NULL },
      { "PH-CAT", "PH-00", "PH-CEB", "PH-DAV", "PH-LAG", "PH-ILI", NULL } },
    { "MY", "MYR", SCRIPT_LATIN, "Sdn. Bhd.", 3.5, 107.0, 4.0, { "ms", "en", "zh" },
      { "MY-07", "MY-01", "MY-10", "MY-12", "MY-13", "MY-14", NULL } },
    { "TH", "THB", SCRIPT_THAI, "Co., Ltd.", 14.5, 101.0, 4.0, { "th", "en", NULL },
      { "TH-83", "TH-10", "TH-50", "TH-20", "TH-90", NULL } },
    { "VN", "VND", SCRIPT_VIETNAMESE, "JSC", 16.0, 107.0, 4.0, { "vi", "en", NULL },
      { "VN-50", "VN-SG", "VN-HN", "VN-DN", "VN-43", NULL } },
    { "ID", "IDR", SCRIPT_LATIN, "Tbk", -4.0, 115.0, 6.0, { "id", "en", NULL },
      { "ID-JK", "ID-JB", "ID-BA", "ID-JI", "ID-RI", NULL } },
    { "SG", "SGD", SCRIPT_LATIN, "Pte. Ltd.", 1.35, 103.82, 0.08, { "en", "zh", "ms" },
      { NULL } },
    { "LA", "LAK", SCRIPT_LATIN, "Sole Co., Ltd.", 18.0, 103.0, 2.5, { "lo", "en", NULL },
      { "LA-VT", "LA-LP", "LA-CH", NULL } },
    { "KH", "KHR", SCRIPT_LATIN, "Co., Ltd.", 12.5, 104.9, 1.5, { "km", "en", NULL },
      { "KH-3", "KH-12", "KH-17", "KH-18", NULL } },
};

static const char *const target_codes[] = {
    "CN", "PH", "MY", "TH", "VN", "ID", "SG", "LA", "KH", "MM", "BN"
};

/* ISIC Rev.4 classes (all checked against the reference list). */
static const char *const isic_classes[] = {
    "0116", "0122", "0129", "0311", "0321", "1020", "1030", "1040", "1050", "1061",
    "1071", "1079", "1104", "1311", "1391", "1410", "1512", "1622", "1701", "2011",
    "2100", "2211", "2220", "2310", "2392", "2511", "2610", "2710", "2720", "2750",
    "2826", "2829", "2910", "2930", "3011", "3030", "3100", "3312", "3510", "4100",
    "4210", "4923", "5011", "5210", "5510", "5520", "6110", "6201", "7110", "7490",
};

static const char *const vocab_a[] = {
    "technology", "capital", "equipment", "raw_materials", "labour", "land",
    "market_access", "skills", "infrastructure", "financing", "logistics", "partners",
};
static const char *const vocab_d[] = { "AIIB", "SRF", "CAF", "CAMCF" };
static const char *const vocab_e[] = { "loan", "equity", "grant", "guarantee" };
static const char *const ownerships[] = { "private", "private", "private", "state",
                                          "foreign", "mixed" };

/* --- names --- */
static const char *const zh_places[] = {
    "西安", "青岛", "常州", "海南", "广州", "深圳", "昆明", "南宁", "杭州", "苏州",
    "厦门", "福州", "济南", "上海", "宁波", "佛山", "东莞", "桂林", "三亚", "无锡",
    "温州", "泉州", "湛江", "北海", "玉溪", "大理", "汕头", "珠海", "烟台", "潍坊",
};
static const char *const zh_brand[] = {
    "华", "纺", "恒", "织", "星", "宏", "泰", "丰", "达", "盛", "鑫", "源", "隆", "安",
    "富", "瑞", "祥", "和", "兴", "宝", "金", "银", "新", "科", "光", "明", "东", "南",
    "中", "天", "海", "山", "云", "龙", "凤", "德", "信", "诚", "聚", "嘉",
};
static const char *const zh_trade[] = {
    "纺织机械", "热带农业", "食品", "电子", "化工", "建材", "物流", "新能源", "汽车配件",
    "制药", "陶瓷", "橡胶", "钢铁", "软件", "酒店管理", "水产", "家具", "服装", "糖业",
    "包装", "机械制造", "农产品", "国际贸易", "光伏",
};
static const char *const zh_suffix[] = { "有限公司", "股份有限公司", "集团有限公司",
                                         "科技有限公司" };

static const char *const th_words[] = {
    "สยาม", "ไทย", "กรุงเทพ", "เชียงใหม่", "ภูเก็ต", "อีสาน", "ล้านนา", "ทอง", "แก้ว",
    "รุ่งเรือง", "มั่นคง", "เจริญ", "สุข", "ศรี", "ชัย", "พัฒนา", "สมุย", "ตะวัน",
    "ราชา", "นคร", "ทักษิณ", "บูรพา", "มณี", "เพชร", "ดาว", "ฟ้า", "ธารา", "วารี",
    "อุดม", "ประเสริฐ",
};
static const char *const th_trade[] = {
    "อาหาร", "เกษตร", "ยางพารา", "สิ่งทอ", "ขนส่ง", "ปิโตรเคมี", "อิเล็กทรอนิกส์",
    "ท่องเที่ยว", "น้ำตาล", "อาหารทะเล", "เซรามิก", "พลังงาน",
};

static const char *const vi_words[] = {
    "Sài Gòn", "Hà Nội", "Đà Nẵng", "Mê Kông", "Việt", "Phú", "Thành", "Hưng", "Minh",
    "Tân", "Hòa Bình", "Đông Á", "Bến Thành", "Trường Sơn", "Hải Phòng", "Cửu Long",
    "An Phát", "Bình Minh", "Hoàng Long", "Kim Sơn", "Nam Việt", "Quang Trung", "Sao Mai",
    "Thiên Phú", "Vạn Xuân", "Hồng Hà",
};
static const char *const vi_trade[] = {
    "Nông sản", "Dệt may", "Thủy sản", "Logistics", "Điện tử", "Cao su", "Cà phê",
    "Gỗ", "Xi măng", "Dược phẩm", "Năng lượng", "Bao bì",
};

static const char *const latin_family[] = {
    "Santos", "Tan", "Lim", "Reyes", "Wong", "Abdullah", "Hartono", "Chua", "Cruz",
    "Ong", "Goh", "Rahman", "Wijaya", "Sok", "Phan", "Vong", "Ismail", "Lee", "Garcia",
    "Koh", "Salim", "Tanaka", "Mendoza", "Chan", "Yusof", "Sim", "Aquino", "Kurnia",
    "Chey", "Sisouk",
};
static const char *const latin_place[] = {
    "Mekong", "Borneo", "Luzon", "Visayas", "Java", "Sumatra", "Malacca", "Andaman",
    "Golden", "Lotus", "Pacific", "Coral", "Orchid", "Monsoon", "Tropic", "Emerald",
    "Jade", "Sunrise", "Harbour", "Lion", "Tiger", "Delta", "Highland", "Coconut",
    "Abaca", "Palm", "Spice", "River", "Island", "Summit",
};
static const char *const latin_second[] = {
    "Bay", "Valley", "Star", "Crest", "Gate", "Point", "Ridge", "Springs", "Crown",
    "Eagle", "Phoenix", "Pearl", "Horizon", "Bridge", "Falcon", "Grand",
};
static const char *const latin_trade[] = {
    "Agro", "Fibre", "Textile", "Foods", "Logistics", "Power", "Steel", "Rubber",
    "Timber", "Electronics", "Pharma", "Marine", "Ceramics", "Solar", "Digital",
    "Packaging", "Motors", "Hospitality", "Sugar", "Coffee",
};
static const char *const latin_kind[] = {
    "Processing", "Industries", "Ventures", "Holdings", "Manufacturing", "Trading",
    "Solutions", "Works",
};

/* --- descriptions --- */
static const char *const desc_verbs[] = {
    "Manufactures", "Processes", "Exports", "Designs and builds", "Operates",
    "Supplies", "Grows and packs", "Distributes", "Develops", "Assembles",
};
static const char *const desc_objects[] = {
    "decorticating machines and fibre stripping lines for abaca and sisal",
    "carding machines, drawing frames and rotor spinning units",
    "refined sugar and molasses", "natural rubber sheets and crepe",
    "frozen shrimp and tuna loins", "solar inverters and battery packs",
    "ceramic floor tiles", "generic antibiotics and vitamins",
    "ERP software for mid-size factories", "cold-chain warehouses",
    "coconut oil and desiccated coconut", "instant noodles and sauces",
    "printed circuit boards", "biodiesel from palm oil", "container trucking services",
    "boutique resorts on the coast", "fibre-cement roofing sheets", "motorcycle parts",
    "jute and abaca rope", "pharmaceutical capsules", "roasted robusta coffee",
    "cassava starch", "air-jet and rapier weaving looms", "cement and clinker",
    "rice milling equipment", "aluminium window frames",
    /* more that name resources the shipped rules link to sectors */
    "seaweed extracts and carrageenan", "iodised sea salt", "tin solder and ingots",
    "cashew kernels", "silk yarn and scarves", "maize flour and animal feed",
    "tea and coffee blends", "dried mango and durian chips", "limestone aggregates and quicklime",
    "coir twine and nets", "granite and marble slabs", "latex gloves and rubber hoses",
    "coal handling equipment", "natural gas compressors", "hotel rooms near the beach",
};
static const char *const desc_clauses[] = {
    "with export agents in Ho Chi Minh City and Dhaka",
    "looking for an assembly and service partner close to fibre-growing provinces",
    "seeking a joint venture in a special economic zone",
    "certified ISO 9001 and HACCP",
    "after-sales engineers speak English and Vietnamese",
    "plans a second plant near a deep-sea port",
    "supplies the \"Golden Lotus\" retail chain",
    "产品出口东盟各国",
    "ส่งออกไปยังประเทศเพื่อนบ้าน",
    "open to minority equity from regional funds",
    "runs 3 lines at 80% capacity",
    "family-owned since the 1990s",
    "holds a halal certificate",
    "wants to move labour-intensive steps abroad",
    "sources raw material from smallholders",
    "needs a bonded warehouse, rail access and reliable power",
    "has a 20-year land lease",
    "与当地合作伙伴共建工厂",
    "exports 60% of output to Europe, Japan and Korea",
};

/* --- extra attributes: the same set in every format --- */
enum attr_kind { A_INT, A_BOOL, A_REAL, A_STRING };
typedef struct attr_def {
    const char *name;
    enum attr_kind kind;
} attr_def;

static const attr_def attr_defs[] = {
    { "founded", A_INT }, { "export_ready", A_BOOL }, { "certifications", A_STRING },
    { "women_led", A_BOOL }, { "halal_certified", A_BOOL }, { "female_share", A_REAL },
};
static const char *const certifications[] = {
    "ISO 9001", "ISO 9001, CE", "HACCP", "GMP", "ISO 14001", "FSC", "ISO 22000, HACCP",
    "BRC", "halal (JAKIM)", "SNI",
};

/* ==== one synthetic enterprise ================================================= */

typedef struct money {
    long long amount;
    const char *cur;            /* NULL: absent */
} money;

typedef struct attr_val {
    const attr_def *def;
    long long i;
    double d;
    const char *s;
} attr_val;

typedef struct ent {
    unsigned long long n;
    char name[192];
    const country_def *c;
    const char *subdivision;
    int has_loc;
    double lat, lon;
    const char *langs[3];
    int nlangs;
    const char *sector;
    const char *sectors[4];
    int nsectors;
    long long employees;        /* -1 absent */
    money revenue, assets, capital;
    int subsidiary, listed;     /* -1 absent */
    const char *ownership;
    const char *offers[4], *seeks[4];
    int noffers, nseeks;
    int has_inv;
    long long inv_min, inv_max; /* -1 absent */
    const char *inv_cur;
    const char *instruments[3], *targets[4], *funds[3];
    int ninstruments, ntargets, nfunds;
    char description[256];
    int has_desc;
    attr_val attrs[2];
    int nattrs;
    int attrs_nested;           /* JSON: under "attrs" rather than at the top */
} ent;

static void cat(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(dst), m = strlen(s);
    if (n + m >= cap)
        m = cap - n - 1;
    memcpy(dst + n, s, m);
    dst[n + m] = '\0';
}

static int count_words(const char *s)
{
    int n = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        n++;
        while (*p && *p != ' ')
            p++;
    }
    return n;
}

static void make_name(rng *r, ent *e)
{
    char *s = e->name;
    size_t cap = sizeof e->name;
    s[0] = '\0';
    enum script sc = e->c->script;
    if (sc != SCRIPT_LATIN && rng_chance(r, 0.15))
        sc = SCRIPT_LATIN;      /* an English trading name */
    switch (sc) {
    case SCRIPT_CHINESE:
        cat(s, cap, PICK(r, zh_places));
        cat(s, cap, PICK(r, zh_brand));
        cat(s, cap, PICK(r, zh_brand));
        cat(s, cap, PICK(r, zh_trade));
        cat(s, cap, PICK(r, zh_suffix));
        break;
    case SCRIPT_THAI:
        cat(s, cap, "บริษัท ");
        cat(s, cap, PICK(r, th_words));
        cat(s, cap, PICK(r, th_words));
        if (rng_chance(r, 0.7))
            cat(s, cap, PICK(r, th_words));
        cat(s, cap, PICK(r, th_trade));
        cat(s, cap, rng_chance(r, 0.2) ? " จำกัด (มหาชน)" : " จำกัด");
        break;
    case SCRIPT_VIETNAMESE:
        cat(s, cap, rng_chance(r, 0.5) ? "Công ty TNHH " : "Công ty Cổ phần ");
        cat(s, cap, PICK(r, vi_trade));
        cat(s, cap, " ");
        cat(s, cap, PICK(r, vi_words));
        cat(s, cap, " ");
        cat(s, cap, PICK(r, vi_words));
        if (rng_chance(r, 0.7)) {
            cat(s, cap, " ");
            cat(s, cap, PICK(r, vi_words));
        }
        break;
    case SCRIPT_LATIN:
        if (strcmp(e->c->code, "ID") == 0)
            cat(s, cap, "PT ");
        if (rng_chance(r, 0.8)) {
            cat(s, cap, PICK(r, latin_family));
            cat(s, cap, " ");
        }
        cat(s, cap, PICK(r, latin_place));
        cat(s, cap, " ");
        if (rng_chance(r, 0.7)) {
            cat(s, cap, PICK(r, latin_second));
            cat(s, cap, " ");
        }
        cat(s, cap, PICK(r, latin_trade));
        cat(s, cap, " ");
        cat(s, cap, PICK(r, latin_kind));
        cat(s, cap, " ");
        cat(s, cap, e->c->suffix_latin);
        break;
    }
}

/* A description of 5 to 20 words (the shape of real ones, issue 9): what
 * the enterprise makes, often naming a resource the shipped rules know
 * (rules/lib/industries.lua, RESOURCES), then clauses, cut at a word. */
static void make_description(rng *r, ent *e)
{
    char *s = e->description;
    size_t cap = sizeof e->description;
    int want = (int)rng_range(r, 5, 20);
    s[0] = '\0';
    cat(s, cap, PICK(r, desc_verbs));
    cat(s, cap, " ");
    cat(s, cap, PICK(r, desc_objects));
    /* (the room check: Thai and Chinese clauses are long single words) */
    for (int words = count_words(s); words < want && strlen(s) + 100 < cap;
         words = count_words(s)) {
        cat(s, cap, rng_chance(r, 0.5) ? ", " : "; ");
        cat(s, cap, PICK(r, desc_clauses));
    }
    /* keep the first `want` words */
    int words = 0;
    size_t n = 0, len = strlen(s);
    while (n < len) {
        while (n < len && s[n] == ' ')
            n++;
        if (n == len)
            break;
        if (words == want) {
            s[n - 1] = '\0';
            break;
        }
        words++;
        while (n < len && s[n] != ' ')
            n++;
    }
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ',' || s[n - 1] == ';' || s[n - 1] == ' '))
        s[--n] = '\0';
    cat(s, cap, ".");
}

static money make_money(rng *r, const ent *e, long long lo, long long hi, double p_absent)
{
    money m = { 0, NULL };
    if (rng_chance(r, p_absent))
        return m;
    /* log-uniform amounts, rounded to thousands */
    double x = exp(log((double)lo) + rng_unit(r) * (log((double)hi) - log((double)lo)));
    m.amount = (long long)(x / 1000.0) * 1000;
    m.cur = rng_chance(r, 0.3) ? "USD" : e->c->currency;
    return m;
}

static void make_ent(rng *r, unsigned long long n, ent *e)
{
    memset(e, 0, sizeof *e);
    e->n = n;
    e->c = &countries[rng_below(r, (uint32_t)NELEM(countries))];
    make_name(r, e);

    size_t nsubs = 0;
    while (nsubs < NELEM(e->c->subs) && e->c->subs[nsubs])
        nsubs++;
    if (nsubs && !rng_chance(r, 0.2))
        e->subdivision = e->c->subs[rng_below(r, (uint32_t)nsubs)];
    if (!rng_chance(r, 0.2)) {
        e->has_loc = 1;
        e->lat = e->c->lat + (rng_unit(r) * 2 - 1) * e->c->spread;
        e->lon = e->c->lon + (rng_unit(r) * 2 - 1) * e->c->spread;
    }
    if (!rng_chance(r, 0.2)) {
        size_t nl = e->c->langs[2] ? 3 : 2;
        e->nlangs = pick_distinct(r, e->c->langs, nl, 1 + rng_below(r, (uint32_t)nl),
                                  e->langs, NULL);
    }
    /* 1 to 4 sectors, the primary one first */
    e->nsectors = pick_distinct(r, isic_classes, NELEM(isic_classes), 1 + rng_below(r, 4),
                                e->sectors, NULL);
    e->sector = e->sectors[0];
    e->employees = rng_chance(r, 0.2) ? -1 : (long long)exp(rng_unit(r) * log(20000.0));
    e->revenue = make_money(r, e, 50000, 2000000000LL, 0.2);
    e->assets = make_money(r, e, 50000, 5000000000LL, 0.5);
    e->capital = make_money(r, e, 10000, 1000000000LL, 0.6);
    e->subsidiary = rng_chance(r, 0.5) ? -1 : rng_chance(r, 0.15);
    e->ownership = rng_chance(r, 0.2) ? NULL : PICK(r, ownerships);
    e->listed = rng_chance(r, 0.4) ? -1 : rng_chance(r, 0.1);
    e->noffers = pick_distinct(r, vocab_a, NELEM(vocab_a), rng_below(r, 4), e->offers, NULL);
    e->nseeks = pick_distinct(r, vocab_a, NELEM(vocab_a), rng_below(r, 4), e->seeks, NULL);
    e->inv_min = e->inv_max = -1;
    if (!rng_chance(r, 0.2)) {
        e->has_inv = 1;
        long long lo = rng_range(r, 1, 500) * 10000;
        if (!rng_chance(r, 0.1))
            e->inv_min = lo;
        if (!rng_chance(r, 0.1) || e->inv_min < 0)
            e->inv_max = lo * rng_range(r, 1, 8);
        e->inv_cur = rng_chance(r, 0.5) ? "USD" : e->c->currency;
    }
    e->ninstruments = pick_distinct(r, vocab_e, NELEM(vocab_e), rng_below(r, 3),
                                    e->instruments, NULL);
    e->ntargets = pick_distinct(r, target_codes, NELEM(target_codes), rng_below(r, 4),
                                e->targets, e->c->code);
    e->nfunds = pick_distinct(r, vocab_d, NELEM(vocab_d), rng_below(r, 3), e->funds, NULL);
    e->has_desc = 1;
    make_description(r, e);

    e->nattrs = (int)rng_below(r, 3);
    size_t first = rng_below(r, (uint32_t)NELEM(attr_defs));
    for (int i = 0; i < e->nattrs; i++) {
        attr_val *a = &e->attrs[i];
        a->def = &attr_defs[(first + (size_t)i * 2) % NELEM(attr_defs)];   /* distinct */
        switch (a->def->kind) {
        case A_INT: a->i = rng_range(r, 1960, 2023); break;
        case A_BOOL: a->i = rng_chance(r, 0.5); break;
        case A_REAL: a->d = (double)rng_range(r, 5, 95) / 100.0; break;
        case A_STRING: a->s = PICK(r, certifications); break;
        }
    }
    e->attrs_nested = rng_chance(r, 0.5);
}

/* ==== output buffer ============================================================= */



static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ==== JSON writer ================================================================ */

static void j_str(sbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c < 0x20) {
            sb_printf(b, "\\u%04x", c);
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

static void j_money(sbuf *b, const char *k, const money *m)
{
    if (m->cur == NULL)
        return;
    j_key(b, k);
    sb_printf(b, "{\"amount\":%lld,\"currency\":", m->amount);
    j_str(b, m->cur);
    sb_putc(b, '}');
}

static void j_attr_value(sbuf *b, const attr_val *a)
{
    switch (a->def->kind) {
    case A_INT: sb_printf(b, "%lld", a->i); break;
    case A_BOOL: sb_puts(b, a->i ? "true" : "false"); break;
    case A_REAL: sb_printf(b, "%.2f", a->d); break;
    case A_STRING: j_str(b, a->s); break;
    }
}

static void json_record(sbuf *b, const ent *e)
{
    sb_printf(b, "{\"id\":\"e-%llu\"", e->n);
    j_key(b, "name");
    j_str(b, e->name);
    j_key(b, "country");
    j_str(b, e->c->code);
    if (e->subdivision) {
        j_key(b, "subdivision");
        j_str(b, e->subdivision);
    }
    if (e->has_loc) {
        j_key(b, "location");
        sb_printf(b, "{\"lat\":%.4f,\"lon\":%.4f}", e->lat, e->lon);
    }
    j_list(b, "languages", e->langs, e->nlangs);
    j_key(b, "sector");
    j_str(b, e->sector);
    j_list(b, "sectors", e->sectors, e->nsectors);
    if (e->employees >= 0) {
        j_key(b, "employees");
        sb_printf(b, "%lld", e->employees);
    }
    j_money(b, "revenue", &e->revenue);
    j_money(b, "assets", &e->assets);
    j_money(b, "capital", &e->capital);
    if (e->subsidiary >= 0) {
        j_key(b, "subsidiary_of_large");
        sb_puts(b, e->subsidiary ? "true" : "false");
    }
    if (e->ownership) {
        j_key(b, "ownership");
        j_str(b, e->ownership);
    }
    if (e->listed >= 0) {
        j_key(b, "listed");
        sb_puts(b, e->listed ? "true" : "false");
    }
    j_list(b, "offers", e->offers, e->noffers);
    j_list(b, "seeks", e->seeks, e->nseeks);
    if (e->has_inv) {
        j_key(b, "investment");
        sb_putc(b, '{');
        if (e->inv_min >= 0)
            sb_printf(b, "\"min\":%lld,", e->inv_min);
        if (e->inv_max >= 0)
            sb_printf(b, "\"max\":%lld,", e->inv_max);
        sb_puts(b, "\"currency\":");
        j_str(b, e->inv_cur);
        sb_putc(b, '}');
    }
    j_list(b, "instruments", e->instruments, e->ninstruments);
    j_list(b, "target_countries", e->targets, e->ntargets);
    j_list(b, "funds_interest", e->funds, e->nfunds);
    if (e->has_desc) {
        j_key(b, "description");
        j_str(b, e->description);
    }
    if (e->nattrs && e->attrs_nested) {
        j_key(b, "attrs");
        sb_putc(b, '{');
        for (int i = 0; i < e->nattrs; i++) {
            if (i)
                sb_putc(b, ',');
            j_str(b, e->attrs[i].def->name);
            sb_putc(b, ':');
            j_attr_value(b, &e->attrs[i]);
        }
        sb_putc(b, '}');
    } else {
        for (int i = 0; i < e->nattrs; i++) {
            j_key(b, e->attrs[i].def->name);
            j_attr_value(b, &e->attrs[i]);
        }
    }
    sb_putc(b, '}');
}

/* ==== CSV writer =================================================================== */

static const char *const csv_columns[] = {
    "id", "name", "country", "subdivision", "location.lat", "location.lon", "languages",
    "sector", "sectors", "employees", "revenue.amount", "revenue.currency",
    "assets.amount", "assets.currency", "capital.amount", "capital.currency",
    "subsidiary_of_large", "ownership", "listed", "offers", "seeks", "investment.min",
    "investment.max", "investment.currency", "instruments", "target_countries",
    "funds_interest", "description",
    /* then one column per attribute of attr_defs, in that order */
};

static void c_cell(sbuf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' &&
        (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        sb_puts(b, s);
        return;
    }
    sb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            sb_putc(b, '"');
        sb_putc(b, *s);
    }
    sb_putc(b, '"');
}

static void c_sep(sbuf *b)
{
    sb_putc(b, ',');
}

static void c_opt(sbuf *b, const char *s)
{
    c_sep(b);
    if (s)
        c_cell(b, s);
}

static void c_list(sbuf *b, const char *const *items, int n)
{
    c_sep(b);
    /* items are codes and vocabulary words: no ';', ',' or quotes */
    for (int i = 0; i < n; i++) {
        if (i)
            sb_putc(b, ';');
        sb_puts(b, items[i]);
    }
}

static void c_int(sbuf *b, long long v)
{
    c_sep(b);
    if (v >= 0)
        sb_printf(b, "%lld", v);
}

static void c_tri(sbuf *b, int v)
{
    c_sep(b);
    if (v >= 0)
        sb_puts(b, v ? "true" : "false");
}

static void c_money(sbuf *b, const money *m)
{
    c_int(b, m->cur ? m->amount : -1);
    c_opt(b, m->cur);
}

static void csv_header(sbuf *b)
{
    for (size_t i = 0; i < NELEM(csv_columns); i++) {
        if (i)
            c_sep(b);
        sb_puts(b, csv_columns[i]);
    }
    for (size_t i = 0; i < NELEM(attr_defs); i++) {
        c_sep(b);
        sb_puts(b, attr_defs[i].name);
    }
    sb_putc(b, '\n');
}

static void csv_record(sbuf *b, const ent *e)
{
    sb_printf(b, "e-%llu", e->n);
    c_opt(b, e->name);
    c_opt(b, e->c->code);
    c_opt(b, e->subdivision);
    c_sep(b);
    if (e->has_loc)
        sb_printf(b, "%.4f,%.4f", e->lat, e->lon);
    else
        c_sep(b);
    c_list(b, e->langs, e->nlangs);
    c_opt(b, e->sector);
    c_list(b, e->sectors, e->nsectors);
    c_int(b, e->employees);
    c_money(b, &e->revenue);
    c_money(b, &e->assets);
    c_money(b, &e->capital);
    c_tri(b, e->subsidiary);
    c_opt(b, e->ownership);
    c_tri(b, e->listed);
    c_list(b, e->offers, e->noffers);
    c_list(b, e->seeks, e->nseeks);
    c_int(b, e->inv_min);
    c_int(b, e->inv_max);
    c_opt(b, e->has_inv ? e->inv_cur : NULL);
    c_list(b, e->instruments, e->ninstruments);
    c_list(b, e->targets, e->ntargets);
    c_list(b, e->funds, e->nfunds);
    c_opt(b, e->has_desc ? e->description : NULL);
    for (size_t k = 0; k < NELEM(attr_defs); k++) {
        c_sep(b);
        for (int i = 0; i < e->nattrs; i++) {
            const attr_val *a = &e->attrs[i];
            if (a->def != &attr_defs[k])
                continue;
            switch (a->def->kind) {
            case A_INT: sb_printf(b, "%lld", a->i); break;
            case A_BOOL: sb_puts(b, a->i ? "true" : "false"); break;
            case A_REAL: sb_printf(b, "%.2f", a->d); break;
            case A_STRING: c_cell(b, a->s); break;
            }
        }
    }
    sb_putc(b, '\n');
}

/* ==== gen ============================================================================ */

enum fmt { FMT_JSON, FMT_JSONL, FMT_CSV };

static int cmd_gen(int argc, char **argv)
{
    unsigned long long count = 0, seed = 42;
    int have_count = 0, fmt = -1;
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = parse_count("--count", argv[++i]);
            have_count = 1;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = parse_count("--seed", argv[++i]);
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            fmt = strcmp(f, "json") == 0 ? FMT_JSON : strcmp(f, "jsonl") == 0 ? FMT_JSONL
                : strcmp(f, "csv") == 0 ? FMT_CSV : -2;
            if (fmt == -2)
                die("--format: expected json, jsonl or csv, found '%s'", f);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage();
        } else if (out == NULL) {
            out = argv[i];
        } else {
            usage();
        }
    }
    if (!have_count || fmt < 0 || out == NULL)
        usage();
    FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
    if (f == NULL)
        die("%s: cannot write: %s", out, strerror(errno));
    static char iobuf[1 << 20];
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);

    rng r = { seed };
    sbuf b = { NULL, 0, 0 };
    ent e;
    if (fmt == FMT_JSON)
        sb_puts(&b, "{\"enterprises\": [\n");
    else if (fmt == FMT_CSV)
        csv_header(&b);
    for (unsigned long long n = 1; n <= count; n++) {
        make_ent(&r, n, &e);
        if (fmt == FMT_CSV) {
            csv_record(&b, &e);
        } else {
            json_record(&b, &e);
            if (fmt == FMT_JSON && n < count)
                sb_putc(&b, ',');
            sb_putc(&b, '\n');
        }
        if (b.len >= (1 << 16)) {
            if (fwrite(b.p, 1, b.len, f) != b.len)
                die("%s: write failed: %s", out, strerror(errno));
            b.len = 0;
        }
    }
    if (fmt == FMT_JSON)
        sb_puts(&b, "]}\n");
    if (b.len && fwrite(b.p, 1, b.len, f) != b.len)
        die("%s: write failed: %s", out, strerror(errno));
    free(b.p);
    if (fflush(f) != 0 || ferror(f) || (f != stdout && fclose(f) != 0))
        die("%s: write failed: %s", out, strerror(errno));
    return 0;
}

/* ==== run ============================================================================= */

/* A measured span: wall clock (CLOCK_MONOTONIC, what the targets use) and
 * the CPU time of the process (less disturbed by other load on the machine). */
typedef struct span {
    double wall, cpu;
} span;

static span now(void)
{
    struct timespec w, c;
    clock_gettime(CLOCK_MONOTONIC, &w);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    span s = { (double)w.tv_sec + (double)w.tv_nsec * 1e-9,
               (double)c.tv_sec + (double)c.tv_nsec * 1e-9 };
    return s;
}

static span since(span t0)
{
    span t1 = now();
    span d = { t1.wall - t0.wall, t1.cpu - t0.cpu };
    return d;
}

/* Keep the best wall and the best CPU time of several passes. */
static void keep_best(span *best, span s, unsigned long long pass)
{
    if (pass == 0 || s.wall < best->wall)
        best->wall = s.wall;
    if (pass == 0 || s.cpu < best->cpu)
        best->cpu = s.cpu;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;      /* kilobytes on Linux */
}

typedef struct mapped {
    const char *p;
    size_t len;
} mapped;

static mapped map_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        die("%s: %s", path, strerror(errno));
    mapped m = { "", (size_t)sb.st_size };
    if (m.len) {
        void *p = mmap(NULL, m.len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            die("%s: cannot map: %s", path, strerror(errno));
        posix_madvise(p, m.len, POSIX_MADV_SEQUENTIAL);
        m.p = p;
    }
    close(fd);
    return m;
}

static void unmap_file(mapped m)
{
    if (m.len)
        munmap((void *)(uintptr_t)m.p, m.len);
}

/* Read the file once so that every timed pass starts from the page cache. */
static size_t warm_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("%s: cannot open: %s", path, strerror(errno));
    static char buf[1 << 16];
    size_t total = 0, n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        total += n;
    fclose(f);
    return total;
}

/* --- bare parsers: each returns the number of records and sets *t ---------- */

static size_t json_records(const json_t *j)
{
    if (json_is_array(j))
        return json_array_size(j);
    const json_t *a = json_object_get(j, "enterprises");
    if (a == NULL)
        a = json_object_get(j, "regions");
    return json_array_size(a);
}

/* The whole-document parsers leave the tree to the exit of the child process
 * (see bare_child). */
static size_t bare_json_file(const char *path, span *t)
{
    json_error_t err;
    span t0 = now();
    json_t *j = json_load_file(path, 0, &err);
    *t = since(t0);
    if (j == NULL)
        die("%s:%d:%d: jansson: %s", path, err.line, err.column, err.text);
    return json_records(j);
}

static size_t bare_json_buffer(const char *path, span *t)
{
    json_error_t err;
    span t0 = now();
    mapped m = map_file(path);
    json_t *j = json_loadb(m.p, m.len, 0, &err);
    unmap_file(m);
    *t = since(t0);
    if (j == NULL)
        die("%s:%d:%d: jansson: %s", path, err.line, err.column, err.text);
    return json_records(j);
}

static size_t bare_jsonl(const char *path, span *t)
{
    span t0 = now();
    mapped m = map_file(path);
    size_t n = 0, i = 0;
    while (i < m.len) {
        const char *nl = memchr(m.p + i, '\n', m.len - i);
        size_t eol = nl ? (size_t)(nl - m.p) : m.len;
        if (eol > i) {
            json_error_t err;
            json_t *j = json_loadb(m.p + i, eol - i, 0, &err);
            if (j == NULL)
                die("%s:%zu: jansson: %s", path, n + 1, err.text);
            json_decref(j);
            n++;
        }
        i = eol + 1;
    }
    unmap_file(m);
    *t = since(t0);
    return n;
}

typedef struct csv_count {
    size_t fields, rows;
} csv_count;

static void count_field(void *data, size_t len, void *ud)
{
    (void)data;
    (void)len;
    ((csv_count *)ud)->fields++;
}

static void count_row(int c, void *ud)
{
    (void)c;
    ((csv_count *)ud)->rows++;
}

static size_t bare_csv(const char *path, span *t)
{
    csv_count cc = { 0, 0 };
    struct csv_parser p;
    span t0 = now();
    mapped m = map_file(path);
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        die("csv_init failed");
    if (csv_parse(&p, m.p, m.len, count_field, count_row, &cc) != m.len)
        die("%s: libcsv: %s", path, csv_strerror(csv_error(&p)));
    if (csv_fini(&p, count_field, count_row, &cc) != 0)
        die("%s: libcsv: %s", path, csv_strerror(csv_error(&p)));
    csv_free(&p);
    unmap_file(m);
    *t = since(t0);
    return cc.rows ? cc.rows - 1 : 0;     /* the header row is not a record */
}

/*
 * A bare parse runs in a forked child of this process: the child parses,
 * reports its times, record count and peak RSS through a pipe, and exits
 * without freeing the document. Freeing a whole-file tree (several GB for a
 * million records) takes longer than parsing it and is not part of parsing;
 * and a fresh heap per pass keeps one pass's free lists from slowing the
 * next (glibc consolidates freed chunks lazily, inside later mallocs).
 */
typedef size_t (*bare_fn)(const char *path, span *t);

typedef struct bare_result {
    span t;
    size_t n;
    long rss_kb;
} bare_result;

static bare_result bare_child(bare_fn fn, const char *path)
{
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        bare_result r;
        r.n = fn(path, &r.t);
        r.rss_kb = peak_rss_kb();
        ssize_t w = write(fds[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    bare_result r;
    size_t got = 0;
    for (;;) {
        ssize_t k = read(fds[0], (char *)&r + got, sizeof r - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
        if (got == sizeof r)
            break;
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    if (got != sizeof r || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("%s: the bare parse failed", path);
    return r;
}

static void bare_pass(bare_result *best, bare_fn fn, const char *path, unsigned long long pass)
{
    bare_result r = bare_child(fn, path);
    keep_best(&best->t, r.t, pass);
    best->n = r.n;
    if (r.rss_kb > best->rss_kb)
        best->rss_kb = r.rss_kb;
}

/* --- capmatch ------------------------------------------------------------------ */

typedef struct cm_result {
    span t;
    size_t count;
    size_t mem_total, mem_text;
} cm_result;

static void capmatch_load(const char *path, cm_result *res)
{
    cm_status st;
    cm_load_options o;
    cm_load_options_init(&o);
    o.kind = CM_KIND_ENTERPRISES;
    cm_diags *d = cm_diags_new();
    if (d == NULL)
        die("out of memory");

    span t0 = now();
    cm_engine *e = cm_engine_new(&st);
    if (e == NULL)
        die("cm_engine_new: %s: %s", cm_status_string(st), cm_last_error());
    st = cm_engine_load_file(e, path, &o, d);
    res->t = since(t0);

    if (st != CM_OK) {
        fprintf(stderr, "%s: capmatch: %s: %s\n", prog, cm_status_string(st),
                cm_engine_errmsg(e));
        size_t n = cm_diags_count(d);
        for (size_t i = 0; i < n && i < 20; i++)
            fprintf(stderr, "  %s\n", cm_diags_at(d, i)->message);
        if (n > 20)
            fprintf(stderr, "  ... %zu more\n", n - 20);
        exit(1);
    }
    res->count = cm_engine_count(e, CM_KIND_ENTERPRISES);
    res->mem_total = cm_engine_memory(e, CM_KIND_ENTERPRISES, &res->mem_text);
    cm_engine_free(e);        /* not timed */
    cm_diags_free(d);
}

static const char *file_format(const char *path)
{
    size_t n = strlen(path);
    if (n >= 6 && strcmp(path + n - 6, ".jsonl") == 0)
        return "jsonl";
    if (n >= 7 && strcmp(path + n - 7, ".ndjson") == 0)
        return "jsonl";
    if (n >= 5 && strcmp(path + n - 5, ".json") == 0)
        return "json";
    if (n >= 4 && strcmp(path + n - 4, ".csv") == 0)
        return "csv";
    return NULL;
}

static void print_speed(const char *what, const char *how, span t, double mb, double n)
{
    printf("%-11s %-30s %8.3f s %8.1f MB/s %10.0f profiles/s   (cpu %.3f s)\n", what, how,
           t.wall, mb / t.wall, n / t.wall, t.cpu);
}

static int cmd_run(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long long repeat = 3, expect = 0;
    int have_expect = 0, fail_targets = 0, do_cm = 1, do_bare = 1;
    int json_file = 1, json_buffer = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = parse_count("--repeat", argv[++i]);
            if (repeat == 0)
                die("--repeat: expected at least 1");
        } else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
            expect = parse_count("--expect", argv[++i]);
            have_expect = 1;
        } else if (strcmp(argv[i], "--fail-targets") == 0) {
            fail_targets = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            const char *w = argv[++i];
            if (strcmp(w, "capmatch") == 0)
                do_bare = 0;
            else if (strcmp(w, "bare") == 0)
                do_cm = 0;
            else
                die("--only: expected capmatch or bare, found '%s'", w);
        } else if (strcmp(argv[i], "--json-bare") == 0 && i + 1 < argc) {
            const char *w = argv[++i];
            json_file = strcmp(w, "file") == 0 || strcmp(w, "both") == 0;
            json_buffer = strcmp(w, "buffer") == 0 || strcmp(w, "both") == 0;
            if (!json_file && !json_buffer)
                die("--json-bare: expected file, buffer or both, found '%s'", w);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage();
        } else if (path == NULL) {
            path = argv[i];
        } else {
            usage();
        }
    }
    if (path == NULL)
        usage();
    const char *fmt = file_format(path);
    if (fmt == NULL)
        die("%s: cannot tell the format: name it .json, .jsonl or .csv", path);
    int is_json = strcmp(fmt, "json") == 0, is_jsonl = strcmp(fmt, "jsonl") == 0;

    size_t size = warm_file(path);
    /* the process-wide code tables (iso-codes) are read once, by the first
     * engine; a warm-up engine keeps that one-time cost out of the timing */
    cm_engine_free(cm_engine_new(NULL));
    long rss_start = peak_rss_kb();

    cm_result cm = { { 0, 0 }, 0, 0, 0 };
    for (unsigned long long k = 0; do_cm && k < repeat; k++) {
        cm_result r;
        capmatch_load(path, &r);
        if (k > 0 && r.count != cm.count)
            die("%s: capmatch loaded %zu records, then %zu", path, cm.count, r.count);
        span best = cm.t;
        keep_best(&best, r.t, k);
        cm = r;               /* counts and memory are the same in every pass */
        cm.t = best;
    }
    long rss_cm = peak_rss_kb();

    bare_result bare = { { 0, 0 }, 0, 0 }, bfile = bare, bbuf = bare;
    const char *bare_name = is_json ? "jansson json_load_file"
                          : is_jsonl ? "jansson json_loadb per line" : "libcsv csv_parse";
    for (unsigned long long k = 0; do_bare && k < repeat; k++) {
        if (is_json) {
            if (json_file)
                bare_pass(&bfile, bare_json_file, path, k);
            if (json_buffer)
                bare_pass(&bbuf, bare_json_buffer, path, k);
        } else {
            bare_pass(&bare, is_jsonl ? bare_jsonl : bare_csv, path, k);
        }
    }
    if (do_bare && is_json) {
        /* with both, the faster one is the baseline */
        if (json_file && (!json_buffer || bfile.t.wall <= bbuf.t.wall)) {
            bare = bfile;
        } else {
            bare = bbuf;
            bare_name = "jansson json_loadb (whole file)";
        }
        if (json_file && json_buffer)
            bare.rss_kb = bfile.rss_kb > bbuf.rss_kb ? bfile.rss_kb : bbuf.rss_kb;
    }

    int bad = 0;
    if (do_cm && do_bare && cm.count != bare.n) {
        fprintf(stderr, "%s: %s: capmatch loaded %zu records, the bare parser saw %zu\n",
                prog, path, cm.count, bare.n);
        bad = 1;
    }
    size_t records = do_cm ? cm.count : bare.n;
    if (have_expect && records != expect) {
        fprintf(stderr, "%s: %s: %s %zu records, expected %llu\n", prog, path,
                do_cm ? "capmatch loaded" : "the bare parser saw", records, expect);
        bad = 1;
    }

    double mb = (double)size / 1e6;
    double n = (double)records;
    printf("file        %s (%s, %.1f MB, %zu records, best of %llu)\n", path, fmt, mb,
           records, repeat);
    if (do_bare && is_json && json_file && json_buffer) {
        print_speed("bare", "jansson json_load_file", bfile.t, mb, n);
        print_speed("bare", "jansson json_loadb (whole file)", bbuf.t, mb, n);
    }
    if (do_bare)
        print_speed("bare parse", bare_name, bare.t, mb, n);
    if (do_cm)
        print_speed("capmatch", "cm_engine_new + load_file", cm.t, mb, n);
    if (!(do_cm && do_bare)) {
        fflush(stdout);
        return bad;
    }

    double ratio = bare.t.wall / cm.t.wall;       /* capmatch speed / bare speed */
    double cpu_ratio = bare.t.cpu / cm.t.cpu;
    double per = n > 0 ? (double)(cm.mem_total - cm.mem_text) / n : 0;
    double text_per = n > 0 ? (double)cm.mem_text / n : 0;
    printf("speed       capmatch / bare = %.2f (cpu time: %.2f)\n", ratio, cpu_ratio);
    printf("memory      %zu bytes: %.1f bytes/profile beyond descriptions, "
           "%.1f bytes/profile of description text\n",
           cm.mem_total, per, text_per);
    printf("peak RSS    capmatch process %.1f MB (%.1f MB before loading), "
           "bare parse %.1f MB\n",
           (double)rss_cm / 1024, (double)rss_start / 1024, (double)bare.rss_kb / 1024);
    int pass_speed = ratio >= TARGET_RATIO, pass_mem = per <= TARGET_BYTES;
    double peak_mb = (double)rss_cm / 1024 * 1.048576;    /* MB = 10^6 bytes */
    double peak_limit = TARGET_PEAK_MB_PER_M * n / 1e6;
    int peak_applies = n >= 1e6, pass_peak = !peak_applies || peak_mb <= peak_limit;
    printf("target: load speed >= %.1f x bare parse: %s (ratio %.2f)\n", TARGET_RATIO,
           pass_speed ? "PASS" : "FAIL", ratio);
    printf("target: <= %.0f bytes per enterprise beyond description: %s (%.1f)\n",
           TARGET_BYTES, pass_mem ? "PASS" : "FAIL", per);
    if (peak_applies)
        printf("target: peak memory <= %.0f MB per million records: %s (%.0f MB for %.0f)\n",
               TARGET_PEAK_MB_PER_M, pass_peak ? "PASS" : "FAIL", peak_mb, n);
    else
        printf("target: peak memory <= %.0f MB per million records: n/a below 1M (%.0f MB)\n",
               TARGET_PEAK_MB_PER_M, peak_mb);
    printf("result: format=%s bytes=%zu records=%zu bare_s=%.6f bare_cpu_s=%.6f "
           "bare_mbs=%.2f bare_pps=%.0f cm_s=%.6f cm_cpu_s=%.6f cm_mbs=%.2f cm_pps=%.0f "
           "ratio=%.3f cpu_ratio=%.3f bpp=%.1f text_pp=%.1f rss_cm_mb=%.1f rss_bare_mb=%.1f "
           "peak_mb=%.1f speed=%s memory=%s peak=%s\n",
           fmt, size, records, bare.t.wall, bare.t.cpu, mb / bare.t.wall, n / bare.t.wall,
           cm.t.wall, cm.t.cpu, mb / cm.t.wall, n / cm.t.wall, ratio, cpu_ratio, per,
           text_per, (double)rss_cm / 1024, (double)bare.rss_kb / 1024,
           peak_mb, pass_speed ? "PASS" : "FAIL", pass_mem ? "PASS" : "FAIL",
           !peak_applies ? "n/a" : pass_peak ? "PASS" : "FAIL");
    fflush(stdout);
    if (bad)
        return 1;
    if (fail_targets && !(pass_speed && pass_mem && pass_peak))
        return 2;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    if (strcmp(argv[1], "gen") == 0)
        return cmd_gen(argc - 2, argv + 2);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        printf("usage: %s gen --count N [--seed S] --format json|jsonl|csv OUT\n"
               "       %s run FILE [--repeat R] [--expect N] [--fail-targets]\n"
            "                [--only capmatch|bare] [--json-bare file|buffer|both]\n",
               prog, prog);
        return 0;
    }
    usage();
}
