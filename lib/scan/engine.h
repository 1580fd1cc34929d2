/* The scanner's private state, shared by engine.c and check.c. */
#ifndef NHG_SCAN_ENGINE_H
#define NHG_SCAN_ENGINE_H

#include <stdbool.h>

#include "nhigate/buf.h"
#include "nhigate/glob.h"
#include "nhigate/scan.h"
#include "rules/internal.h"
#include "scan/prefilter.h"

typedef struct pending {
	uint32_t rule;
	size_t start, end;        /* secret span in unit data */
	size_t line_idx, line_start;
	int checked;
	bool allowed, dead;
} pending;

struct nhg_scanner {
	const nhg_rulepack *pack;
	nhg_scan_opts opts;
	nhg_prefilter *pf;
	size_t nrules, words;
	uint64_t *cand;           /* candidate rules of the open segment */
	uint64_t *excluded;       /* rules whose paths exclude this unit */
	pending *pending;
	size_t npending, cappending;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	nhg_buf lower;            /* scratch for case-insensitive stopwords */
	const nhg_rule *only;     /* nhg_scanner_test_rule: run just this rule */
};

#define MAX_SEG_HITS 64

typedef struct scan_state {
	nhg_scanner *s;
	const nhg_unit *unit;
	const nhg_scan_cb *cb;
	size_t line_start, line_end;  /* the line of the open segment */
	size_t count_pos, count_idx;  /* newlines counted up to count_pos */
	bool have_line, line_allowed, long_line, have_seg;
	size_t seg_from, seg_to;
	size_t hits[MAX_SEG_HITS]; /* keyword positions in the open segment */
	size_t nhits;              /* > MAX_SEG_HITS: too many to anchor on */
	size_t reported_end, reported_line;
	bool found, limited;
	bool limit_reported;       /* the last limit report: rule and line */
	uint32_t limit_rule, limit_line;
} scan_state;

/*
 * The gates a regex match must pass to be a finding: entropy, stopwords and
 * allow regexes on the secret (the rule's and the pack's), allow_match
 * regexes on the whole match, structural validation (sets *checked to 1 or
 * -1; a failed check keeps the finding).
 */
bool nhg_engine_accept(nhg_scanner *s, const nhg_rule *r, const nhg_compiled_rule *c,
		       const char *secret, size_t len, const char *match, size_t mlen,
		       int *checked);

#endif
