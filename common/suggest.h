/*
 * "Did you mean ...?": the closest of a list of names to a mistyped one, used for commands,
 * options, catalog names and workloads.
 */
#ifndef BB_COMMON_SUGGEST_H
#define BB_COMMON_SUGGEST_H

/* Edit distance between two short strings (1000 when either is longer than 64 bytes). */
int bb_edit_distance(const char *a, const char *b);
/* Closest candidate to `word` (edit distance, or a prefix of at least 2 characters), or NULL
 * when none is close enough to be a plausible typo. */
const char *bb_closest_name(const char *word, const char *const *candidates, int n);

#endif
