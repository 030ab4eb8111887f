/*
 * vocab.h - the closed word lists of the profile schema: vocabularies A-E of
 * SCHEMA.md and the enums (region level, ownership). Words are stored in
 * profiles as bits of a set or as small indexes.
 *
 * Owns the word tables, and the nearest-word search of "did you mean"
 * hints. Depends on nothing.
 */
#ifndef CM_VOCAB_H
#define CM_VOCAB_H

#include <stddef.h>

enum vocab_id {
    VOCAB_A,          /* needs, offers, seeks */
    VOCAB_B,          /* programmes */
    VOCAB_C,          /* cooperation areas */
    VOCAB_D,          /* funds */
    VOCAB_E,          /* instruments */
    VOCAB_LEVEL,      /* region level */
    VOCAB_OWNERSHIP,  /* enterprise ownership */
    VOCAB_COUNT
};

/* Index of the word in its vocabulary, or -1. */
int cmi_vocab_lookup(int vocab, const char *word, size_t len);
const char *cmi_vocab_word(int vocab, int index);
int cmi_vocab_size(int vocab);
/* The vocabulary's name: "needs", "programmes", ... "level", "ownership". */
const char *cmi_vocab_name(int vocab);
/* "one of technology, capital, ..." for messages. */
const char *cmi_vocab_expected(int vocab);

/* The word of words[0..n) nearest to word, near enough to be a typo of it
 * (one edit in a word under six letters, a third of the letters in longer
 * ones), or NULL. For "did you mean" hints. */
const char *cmi_word_nearest(const char *word, const char *const *words, size_t n);
const char *cmi_vocab_nearest(int vocab, const char *word);

#endif
