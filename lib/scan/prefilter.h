/*
 * Keyword prefilter: finds every occurrence (ASCII case-insensitive) of any
 * rule keyword in a buffer.  A rolling 3-byte window is hashed into a 32 KiB
 * bitmap; only positions whose first three bytes may start a keyword are
 * verified.  Immutable once built; shared by the scanners of one pack.
 */
#ifndef NHG_SCAN_PREFILTER_H
#define NHG_SCAN_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "nhigate/rules.h"

typedef struct nhg_keyword {
	const char *s;          /* lowercase */
	size_t len;
	uint32_t tri;           /* first three bytes, lowercase, little-endian */
	const uint32_t *rules;  /* indices of the rules that list it */
	size_t nrules;
} nhg_keyword;

typedef struct nhg_prefilter nhg_prefilter;

int nhg_prefilter_new(nhg_prefilter **out, const nhg_rulepack *pack);
void nhg_prefilter_free(nhg_prefilter *pf);

/*
 * Call hit(kw, pos, payload) for each keyword occurrence at byte pos, in
 * increasing pos order; a non-zero return stops and is returned.
 */
int nhg_prefilter_run(const nhg_prefilter *pf, const char *data, size_t len,
		      int (*hit)(const nhg_keyword *kw, size_t pos, void *payload),
		      void *payload);

#endif
