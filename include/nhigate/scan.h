/*
 * The matching engine: pure over bytes, knows nothing of git.
 *
 * A scanner holds per-thread scratch (PCRE2 match data, the keyword
 * prefilter state) for one immutable rule pack; create one per thread.
 * nhg_scanner_scan runs the pack over one unit of text: a keyword
 * prefilter picks the lines worth a regex, each candidate rule's pattern
 * runs under PCRE2 match and depth limits, and a match becomes a finding
 * only after the entropy gate, structural validation, allow regexes,
 * stopwords and inline allow markers.  Overlapping matches are reduced to
 * one per span (precise rules win over generic ones).
 */
#ifndef NHIGATE_SCAN_H
#define NHIGATE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/error.h"
#include "nhigate/rules.h"

/*
 * One unit of text to scan, produced by a source.  data holds whole lines
 * separated by '\n' (a '\r' before it is ignored).  When lines is NULL the
 * unit is a whole file and its i-th line is line i+1; otherwise lines[i]
 * is the new-file line number of the i-th line of data (diff modes, where
 * data holds only the added lines).
 */
typedef struct nhg_unit {
	const char *path;       /* repository-relative, '/' separators */
	const char *commit;     /* hex object id, or NULL */
	const char *author;     /* "Name <email>", or NULL */
	int64_t time;           /* author time (seconds since the epoch), or 0 */
	int time_offset;        /* minutes east of UTC */
	const char *data;
	size_t len;
	const uint32_t *lines;
	size_t nlines;
} nhg_unit;

/* A match as the engine reports it; pointers are lent for the callback. */
typedef struct nhg_match {
	const nhg_rule *rule;
	uint32_t line;          /* 1-based line in the new file */
	uint32_t column;        /* 1-based byte column where the secret starts */
	uint32_t end_column;    /* 1-based byte column of the secret's last byte */
	const char *secret;
	size_t secret_len;
	bool allowed_inline;    /* the line carries an allow marker */
	int checked;            /* structural check: 1 passed, -1 failed, 0 none */
} nhg_match;

typedef struct nhg_scan_cb {
	/* Called for each finding, in line order. Non-zero stops the scan. */
	int (*match)(const nhg_unit *unit, const nhg_match *m, void *payload);
	/* Called when a rule hit a bound (match or depth limit) on a line. */
	int (*limit)(const nhg_unit *unit, const nhg_rule *rule, uint32_t line,
		     void *payload);
	void *payload;
} nhg_scan_cb;

typedef struct nhg_scan_opts {
	unsigned version;
	bool inline_allow;       /* honour nhigate:allow and common markers */
	uint32_t match_limit;    /* PCRE2 match limit per regex call */
	uint32_t depth_limit;    /* PCRE2 depth limit per regex call */
	size_t window;           /* regex subject around a keyword on long lines */
} nhg_scan_opts;

#define NHG_SCAN_OPTS_VERSION 1
#define NHG_SCAN_OPTS_INIT { NHG_SCAN_OPTS_VERSION, true, 100000, 10000, 4096 }

typedef struct nhg_scanner nhg_scanner;

/* pack is borrowed and must outlive the scanner; opts may be NULL. */
int nhg_scanner_new(nhg_scanner **out, const nhg_rulepack *pack,
		    const nhg_scan_opts *opts, nhg_error *err);
void nhg_scanner_free(nhg_scanner *s);

int nhg_scanner_scan(nhg_scanner *s, const nhg_unit *unit,
		     const nhg_scan_cb *cb, nhg_error *err);

/*
 * Run one rule alone over one line of text, as `nhigate-rules test` does:
 * *found is true when it yields a finding.  Inline markers are honoured.
 * A rule that hits the regex match or depth limit fails with NHG_ELIMIT.
 */
int nhg_scanner_test_rule(nhg_scanner *s, const nhg_rule *rule,
			  const char *text, size_t len, bool *found,
			  nhg_error *err);

#endif
