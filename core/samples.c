/*
 * samples.c - the built-in sample profiles (cm_engine_load_samples): a few
 * regions and enterprises that between them give every field of the schema a
 * value, and leave each optional one out somewhere, so that `capmatch check`
 * can run a policy's Lua rules without data and catch the fields they
 * misname. They stand for no real place or firm.
 *
 * Owns the sample text only; loads it through the public loader.
 */
#include "capmatch.h"

#include <string.h>

static const char regions[] =
    "{\"regions\": [\n"
    "{\"id\": \"sample-region-ph\", \"name\": \"Sample province, Philippines\", \"country\": \"PH\","
    " \"subdivision\": \"PH-CAT\", \"level\": \"province\", \"location\": {\"lat\": 13.7, \"lon\": 124.2},"
    " \"languages\": [\"fil\", \"en\"], \"sectors_offered\": [\"0116\", \"A\"],"
    " \"sectors_sought\": [\"2826\", \"17\", \"131\"], \"resources\": [\"abaca fiber\", \"coconut\"],"
    " \"needs\": [\"technology\", \"equipment\", \"capital\", \"skills\"],"
    " \"offers\": [\"raw_materials\", \"labour\", \"land\"],"
    " \"programmes\": [\"sme_support\", \"industrial_park\"], \"cooperation_areas\": [\"agriculture\"],"
    " \"funds\": [\"AIIB\", \"CAF\"], \"connectivity\": {\"port\": true, \"airport\": true, \"rail\": false,"
    " \"direct_flights\": [\"PH-00\", \"CN\"]}, \"capacity\": 3, \"attrs\": {\"population\": 280000,"
    " \"typhoon_belt\": true, \"dialects\": [\"Bikol\"]}},\n"
    "{\"id\": \"sample-region-cn\", \"name\": \"Sample city, China\", \"country\": \"CN\","
    " \"subdivision\": \"CN-SN\", \"level\": \"city\", \"location\": {\"lat\": 34.3, \"lon\": 108.9},"
    " \"languages\": [\"zh\"], \"sectors_offered\": [\"2826\", \"28\"], \"sectors_sought\": [\"0116\"],"
    " \"needs\": [\"market_access\", \"partners\"], \"offers\": [\"technology\", \"equipment\", \"financing\"],"
    " \"programmes\": [\"special_economic_zone\"], \"cooperation_areas\": [\"commerce\", \"transport_infrastructure\"],"
    " \"funds\": [\"SRF\"], \"connectivity\": {\"rail\": true}},\n"
    "{\"id\": \"sample-region-vn\", \"name\": \"Sample district, Viet Nam\", \"country\": \"VN\","
    " \"level\": \"district\"}\n"
    "]}\n";

static const char enterprises[] =
    "{\"enterprises\": [\n"
    "{\"id\": \"sample-enterprise-cn\", \"name\": \"Sample machinery maker, China\", \"country\": \"CN\","
    " \"subdivision\": \"CN-SN\", \"location\": {\"lat\": 34.3, \"lon\": 108.9}, \"languages\": [\"zh\", \"en\"],"
    " \"sector\": \"2826\", \"sectors\": [\"2829\"], \"employees\": 150,"
    " \"revenue\": {\"amount\": 8000000, \"currency\": \"CNY\"}, \"assets\": {\"amount\": 5000000, \"currency\": \"CNY\"},"
    " \"capital\": {\"amount\": 2000000, \"currency\": \"CNY\"}, \"subsidiary_of_large\": false,"
    " \"ownership\": \"private\", \"listed\": false, \"offers\": [\"equipment\", \"technology\", \"skills\"],"
    " \"seeks\": [\"raw_materials\", \"market_access\"], \"investment\": {\"min\": 2000000, \"max\": 6000000,"
    " \"currency\": \"CNY\"}, \"instruments\": [\"loan\", \"equity\"], \"target_countries\": [\"PH\", \"VN\"],"
    " \"funds_interest\": [\"SRF\", \"CAF\"], \"description\": \"Builds decorticating machines for abaca"
    " and ramie fibre; 纺织机械.\", \"attrs\": {\"founded\": 2006, \"export_ready\": true,"
    " \"certifications\": [\"ISO 9001\"]}},\n"
    "{\"id\": \"sample-enterprise-ph\", \"name\": \"Sample fibre crafts, Philippines\", \"country\": \"PH\","
    " \"languages\": [\"fil\"], \"sector\": \"1311\", \"employees\": 12,"
    " \"revenue\": {\"amount\": 9000000, \"currency\": \"PHP\"}, \"ownership\": \"mixed\","
    " \"subsidiary_of_large\": true, \"listed\": true, \"offers\": [\"raw_materials\", \"labour\"],"
    " \"seeks\": [\"technology\", \"capital\", \"equipment\"], \"instruments\": [\"grant\"],"
    " \"description\": \"Abaca fibre and handicraft\"},\n"
    "{\"id\": \"sample-enterprise-sg\", \"name\": \"Sample state firm, Singapore\", \"country\": \"SG\","
    " \"sector\": \"C\", \"employees\": 5000, \"ownership\": \"state\", \"investment\": {\"max\": 50000000,"
    " \"currency\": \"USD\"}, \"target_countries\": [\"CN\"]},\n"
    "{\"id\": \"sample-enterprise-vn\", \"name\": \"Sample trader, Viet Nam\", \"country\": \"VN\","
    " \"sector\": \"4610\", \"ownership\": \"foreign\"}\n"
    "]}\n";

CM_API cm_status cm_engine_load_samples(cm_engine *e, cm_diags *diags)
{
    cm_load_options o;
    cm_load_options_init(&o);
    o.format = CM_FORMAT_JSON;
    o.kind = CM_KIND_REGIONS;
    cm_status s = cm_engine_load_buffer(e, "<built-in sample regions>", regions,
                                        sizeof regions - 1, &o, diags);
    o.kind = CM_KIND_ENTERPRISES;
    if (s == CM_OK)
        s = cm_engine_load_buffer(e, "<built-in sample enterprises>", enterprises,
                                  sizeof enterprises - 1, &o, diags);
    return s;
}
