/*
 * vocab.c - word tables of SCHEMA.md (see vocab.h). The order of the words
 * is the order of their bits in profiles: append, never reorder.
 */
#include "vocab.h"

#include <stdint.h>
#include <string.h>

/* A word and its length, so that a look-up compares lengths first. */
struct word {
    const char *w;
    size_t len;
};
#define W(s) { s, sizeof s - 1 }

static const struct word words_a[] = {
    W("technology"), W("capital"), W("equipment"), W("raw_materials"), W("labour"),
    W("land"), W("market_access"), W("skills"), W("infrastructure"), W("financing"),
    W("logistics"), W("partners"), { NULL, 0 }
};
static const struct word words_b[] = {
    W("sme_support"), W("tax_incentive"), W("industrial_park"), W("special_economic_zone"),
    W("free_trade_zone"), W("export_processing_zone"), W("innovation_hub"), W("training"),
    { NULL, 0 }
};
static const struct word words_c[] = {
    W("transport_infrastructure"), W("commerce"), W("agriculture"), W("tourism"),
    W("culture_exchange"), { NULL, 0 }
};
static const struct word words_d[] = { W("AIIB"), W("SRF"), W("CAF"), W("CAMCF"), { NULL, 0 } };
static const struct word words_e[] = {
    W("loan"), W("equity"), W("grant"), W("guarantee"), { NULL, 0 }
};
static const struct word words_level[] = {
    W("country"), W("province"), W("city"), W("district"), W("zone"), { NULL, 0 }
};
static const struct word words_ownership[] = {
    W("private"), W("state"), W("foreign"), W("mixed"), { NULL, 0 }
};

static const struct {
    const struct word *words;
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

int cmi_vocab_lookup(int vocab, const char *word, size_t len)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return -1;
    /* lengths first: word may hold a NUL, and may be shorter than w; then
     * the first byte, which tells most words of the same length apart
     * without a call */
    for (const struct word *w = vocabs[vocab].words; w->w; w++)
        if (w->len == len && len && w->w[0] == word[0] && memcmp(w->w, word, len) == 0)
            return (int)(w - vocabs[vocab].words);
    return -1;
}

const char *cmi_vocab_word(int vocab, int index)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT || index < 0 || index >= cmi_vocab_size(vocab))
        return NULL;
    return vocabs[vocab].words[index].w;
}

int cmi_vocab_size(int vocab)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return 0;
    int n = 0;
    while (vocabs[vocab].words[n].w)
        n++;
    return n;
}

const char *cmi_vocab_expected(int vocab)
{
    return vocab >= 0 && vocab < VOCAB_COUNT ? vocabs[vocab].expected : "";
}

const char *cmi_vocab_name(int vocab)
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

const char *cmi_word_nearest(const char *word, const char *const *words, size_t n)
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

const char *cmi_vocab_nearest(int vocab, const char *word)
{
    if (vocab < 0 || vocab >= VOCAB_COUNT)
        return NULL;
    const char *list[64];
    size_t n = 0;
    for (const struct word *w = vocabs[vocab].words; w->w && n < 64; w++)
        list[n++] = w->w;
    return cmi_word_nearest(word, list, n);
}
