/*
 * vocab.c - word tables of SCHEMA.md (see vocab.h). The order of the words
 * is the order of their bits in profiles: append, never reorder.
 */
#include "vocab.h"

#include <stdint.h>
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
    const char *name;
    const char *expected;
} vocabs[VOCAB_COUNT] = {
    [VOCAB_A] = { words_a, "needs", "one of technology, capital, equipment, raw_materials, labour, "
                           "land, market_access, skills, infrastructure, financing, "
                           "logistics, partners" },
    [VOCAB_B] = { words_b, "programmes", "one of sme_support, tax_incentive, industrial_park, "
                           "special_economic_zone, free_trade_zone, "
                           "export_processing_zone, innovation_hub, training" },
    [VOCAB_C] = { words_c, "cooperation_areas", "one of transport_infrastructure, commerce, agriculture, "
                           "tourism, culture_exchange" },
    [VOCAB_D] = { words_d, "funds", "one of AIIB, SRF, CAF, CAMCF" },
    [VOCAB_E] = { words_e, "instruments", "one of loan, equity, grant, guarantee" },
    [VOCAB_LEVEL] = { words_level, "level", "one of country, province, city, district, zone" },
    [VOCAB_OWNERSHIP] = { words_ownership, "ownership", "one of private, state, foreign, mixed" },
};

int vocab_lookup(int vocab, const char *word, size_t len)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return -1;
    const char *const *w = vocabs[vocab].words;
    /* compare lengths first: word may hold a NUL, and w[i][len] could lie
     * past the end of a shorter word */
    for (int i = 0; w[i]; i++)
        if (strlen(w[i]) == len && memcmp(w[i], word, len) == 0)
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

const char *vocab_name(int vocab)
{
    return vocab >= 0 && vocab < VOCAB_COUNT ? vocabs[vocab].name : "";
}

/* Levenshtein distance of a and b, or limit + 1 when it exceeds limit. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *word_nearest(const char *word, const char *const *words, size_t n)
{
    /* near enough to be a typo: one edit in short words, a third of longer ones */
    size_t len = strlen(word), limit = len < 6 ? 1 : len / 3, best = SIZE_MAX;
    const char *found = NULL;
    for (size_t i = 0; i < n && words[i]; i++) {
        size_t d = edit_distance(word, words[i], limit);
        if (d <= limit && d < best && d > 0) {
            best = d;
            found = words[i];
        }
    }
    return found;
}

const char *vocab_nearest(int vocab, const char *word)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return NULL;
    return word_nearest(word, vocabs[vocab].words, (size_t)vocab_size(vocab));
}
