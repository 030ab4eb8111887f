/*
 * isic.h - the ISIC Rev.4 classification: codes, levels, parents, titles and
 * the distance between two codes along the hierarchy.
 *
 * Owns the built-in table (isic_data.c, committed source, no file is read at
 * run time). Codes are handed around as small integers (isic_id) so that
 * profiles store a sector in two bytes. Depends on nothing else in core/.
 */
#ifndef CM_ISIC_H
#define CM_ISIC_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t isic_id;          /* 0 = none; valid ids are 1..cmi_isic_count() */
#define ISIC_NONE ((isic_id)0)

enum cmi_isic_level { ISIC_SECTION = 0, ISIC_DIVISION = 1, ISIC_GROUP = 2, ISIC_CLASS = 3 };

/* Number of codes in the table (21 + 88 + 238 + 419 = 766). */
size_t cmi_isic_count(void);

/* Id of a code given as text ("C", "13", "131", "1311"); ISIC_NONE if unknown.
 * The text need not be NUL-terminated. */
isic_id cmi_isic_lookup(const char *code, size_t len);

const char *cmi_isic_code(isic_id id);      /* "1311"; "" for ISIC_NONE */
const char *cmi_isic_title(isic_id id);     /* short title in the project's words */
int cmi_isic_level(isic_id id);             /* enum cmi_isic_level; -1 for ISIC_NONE */
isic_id cmi_isic_parent(isic_id id);        /* ISIC_NONE for a section */
isic_id cmi_isic_ancestor(isic_id id, int level); /* ancestor at level, or id itself */
int cmi_isic_is_within(isic_id code, isic_id ancestor); /* 1 if ancestor is code or above it */

/* Edges between a and b through their lowest common ancestor, counting a
 * virtual root above the 21 sections: 0 for the same code, 1 from a class to
 * its group, 2 between two classes of one group, ... 8 between classes of
 * different sections. -1 if either is ISIC_NONE. */
int cmi_isic_distance(isic_id a, isic_id b);

#endif
