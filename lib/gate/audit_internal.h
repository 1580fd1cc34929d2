/*
 * Inside the audit (audit.h), shared by its three files: the tallies
 * (audit_tally.c), reading a record and its findings in place
 * (audit_record.c), and summing them over the log (audit.c).  A record
 * lives in the slot nhg_log_walk hands its reader; its strings and spans
 * point into the line and are good only until that line is summed.
 */
#ifndef NHG_GATE_AUDIT_INTERNAL_H
#define NHG_GATE_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log_internal.h"
#include "nhigate/audit.h"

/* Some JSON text of a line, from p up to end (p NULL: none). */
typedef struct span {
	const char *p, *end;
} span;

typedef struct record {
	nhg_jstr schema, id, timestamp, decision, repository, ref, head;
	bool has_schema, has_id, has_ts, has_decision, has_repo, has_ref, has_head;
	bool enforce, would_block;
	int dec;                         /* nhg_decision, -1 unknown */
	unsigned char control[NHG_AUDIT_CONTROLS];   /* 0 absent, 1 pass, 2 fail */
	uint64_t counts[3][4];
	span blocking, waived, breakglass;    /* only when not empty or null */
	span applied, expired;               /* waiver ids, when not empty */
	bool json;                       /* the line is a JSON object */
	const char *why;                 /* if not, why, and where */
	size_t at;
} record;

typedef struct run {
	nhg_audit *a;
	nhg_audit_tally repos;           /* repository -> its last record in the period */
	nhg_audit_tally waiver_index;    /* repository '\x1f' id -> index in a->waivers + 1 */
	bool fast_ids;                   /* control_index agrees with nhg_control_id */
	int exceptions;                  /* index of NIST-CSF:ID.RA-07, or -1 */
	size_t bg_bytes;                 /* text kept for break-glass events */
	bool oom;
} run;

/* One object of a finding list; its strings point into the line. */
typedef struct finding {
	nhg_jstr rule, fingerprint, severity, path, waiver;
	bool has_rule, has_fp, has_sev, has_path, has_waiver;
	span controls;
} finding;

/* ---- audit_tally.c ---------------------------------------------------- */

/*
 * The item named p/n in t, added (count 0) when missing and t has room;
 * NULL when t is full (the caller counts t->other) or memory ran out
 * (*oom set).
 */
nhg_audit_item *nhg_audit__tally_get(nhg_audit_tally *t, const char *p, size_t n, bool *oom);
/* Add by to the count of the name in s (escapes decoded), or to t->other when t is full. */
void nhg_audit__tally_add(nhg_audit_tally *t, const nhg_jstr *s, uint64_t by, bool *oom);
/* Drop t's hash index and sort it by count, highest first, then by name. */
void nhg_audit__tally_finish(nhg_audit_tally *t);
/* Free what t holds (not t itself). */
void nhg_audit__tally_free(nhg_audit_tally *t);

/* ---- audit_record.c --------------------------------------------------- */

/* The index of a control id (0..16) in the built-in order, or -1. */
int nhg_audit__control_fast(const char *p, size_t n);
/* Read a value as a string span; anything else is skipped and false. */
bool nhg_audit__opt_string(nhg_jscan *s, nhg_jstr *out);
/*
 * The nhg_log_reader parse step (ctx a run, slot a zeroed record): the top
 * level of one line into the slot, on any thread; 1 when it is not JSON.
 */
int nhg_audit__parse_record(const void *ctx, const char *text, size_t len, void *slot);
/* The next finding object of the array scanned by s (opened); false at its end. */
bool nhg_audit__next_finding(nhg_jscan *s, bool *first, finding *f);
/* Set seen[i] for each control index i the finding lists; the rest false. */
void nhg_audit__finding_controls(const run *r, const finding *f,
				 bool seen[NHG_AUDIT_CONTROLS]);

#endif
