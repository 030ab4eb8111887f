/*
 * vocab.c - word tables of SCHEMA.md (see vocab.h). The order of the words
 * is the order of their bits in profiles: append, never reorder.
 */
#include "vocab.h"

#include <string.h>

static const char *const words_a[] = {
    "technology", "capital", "equipment", "raw_materials", "labour", "land",
    "market_access", "skills", "infrastructure", "financing", "logistics",
    "partners", NULL
};
static const char *const words_b[] = {
    "sme_support", "tax_incentive", "industrial_park", "special_economic_zone",
    "free_trade_zone", "export_processing_zone", "innovation_hub", "training", NULL
};
static const char *const words_c[] = {
    "transport_infrastructure", "commerce", "agriculture", "tourism",
    "culture_exchange", NULL
};
static const char *const words_d[] = { "AIIB", "SRF", "CAF", "CAMCF", NULL };
static const char *const words_e[] = { "loan", "equity", "grant", "guarantee", NULL };
static const char *const words_level[] = {
    "country", "province", "city", "district", "zone", NULL
};
static const char *const words_ownership[] = { "private", "state", "foreign", "mixed", NULL };

static const struct {
    const char *const *words;
    const char *expected;
} vocabs[VOCAB_COUNT] = {
    [VOCAB_A] = { words_a, "one of technology, capital, equipment, raw_materials, labour, "
                           "land, market_access, skills, infrastructure, financing, "
                           "logistics, partners" },
    [VOCAB_B] = { words_b, "one of sme_support, tax_incentive, industrial_park, "
                           "special_economic_zone, free_trade_zone, "
                           "export_processing_zone, innovation_hub, training" },
    [VOCAB_C] = { words_c, "one of transport_infrastructure, commerce, agriculture, "
                           "tourism, culture_exchange" },
    [VOCAB_D] = { words_d, "one of AIIB, SRF, CAF, CAMCF" },
    [VOCAB_E] = { words_e, "one of loan, equity, grant, guarantee" },
    [VOCAB_LEVEL] = { words_level, "one of country, province, city, district, zone" },
    [VOCAB_OWNERSHIP] = { words_ownership, "one of private, state, foreign, mixed" },
};

int vocab_lookup(int vocab, const char *word, size_t len)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return -1;
    if (len == 0)
        return -1;            /* no word is empty */
    const char *const *w = vocabs[vocab].words;
    /* the first letter rules out most words; then compare lengths: word may
     * hold a NUL, and w[i][len] could lie past the end of a shorter word */
    for (int i = 0; w[i]; i++)
        if (w[i][0] == word[0] && strlen(w[i]) == len && memcmp(w[i], word, len) == 0)
            return i;
    return -1;
}

const char *vocab_word(int vocab, int index)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT || index < 0 || index >= vocab_size(vocab))
        return NULL;
    return vocabs[vocab].words[index];
}

int vocab_size(int vocab)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return 0;
    int n = 0;
    while (vocabs[vocab].words[n])
        n++;
    return n;
}

const char *vocab_expected(int vocab)
{
    return vocab >= 0 && vocab < VOCAB_COUNT ? vocabs[vocab].expected : "";
}
