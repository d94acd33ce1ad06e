/*
 * Closest-name suggestions (see suggest.h).
 */
#include "common/suggest.h"

#include <string.h>

/* Levenshtein distance, small strings only (names and options). */
int bb_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 1000;
	int row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *bb_closest_name(const char *word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int best_d = 1000;
	for (int i = 0; i < n; i++) {
		int d = bb_edit_distance(word, candidates[i]);
		/* a prefix ("open" for "openblas") is a good hint too */
		if (strncmp(candidates[i], word, strlen(word)) == 0 && strlen(word) >= 2)
			d = d < 2 ? d : 2;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	size_t len = strlen(word);
	int limit = len <= 4 ? 2 : len <= 8 ? 3 : 4;
	return best_d <= limit ? best : NULL;
}

