/*
 * Helpers of the unified diff source (lib/source/diff.c): the pieces of a
 * diff header that have a syntax of their own.  Internal to lib/source.
 */
#ifndef NHG_SOURCE_DIFF_PARSE_H
#define NHG_SOURCE_DIFF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/buf.h"

#define NHG_DIFF_MAX_PARENTS 16

typedef struct nhg_hunk_range {
	unsigned nparents; /* 1, or more in a combined diff (git diff --cc) */
	uint32_t old_count[NHG_DIFF_MAX_PARENTS];
	uint32_t new_start, new_count;
} nhg_hunk_range;

/*
 * Parse "@@ -a[,b] +c[,d] @@..." or a combined diff's "@@@ -a,b -c,d +e,f
 * @@@..." (s holds the whole line).  Omitted counts are 1.  Returns 0, or -1
 * with *col set to the 1-based column of the fault.
 */
int nhg_diff_parse_hunk(nhg_hunk_range *out, const char *s, size_t len,
			int *col);

/*
 * Append to out the path that starts at s (a "--- "/"+++ "/"rename to "
 * operand): a C-quoted string ("a/sp\303\251cial") is decoded, otherwise the
 * path ends at a tab (diff -u puts a timestamp there) or at the end.
 * Returns 0, NHG_EINPUT for a bad quoted path, NHG_ELIMIT when too long.
 */
int nhg_diff_parse_path(nhg_buf *out, const char *s, size_t len);

/*
 * The author time of a "Date:" header value, in the formats git log and git
 * format-patch print ("Fri Jan 2 03:04:05 2026 +0000", "Fri, 2 Jan 2026
 * 03:04:05 +0000", "2026-01-02 03:04:05 +0000").  false when not understood.
 */
bool nhg_diff_parse_date(int64_t *time, int *offset, const char *s, size_t len);

#endif
