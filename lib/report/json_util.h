/* Pieces the report renderers share, JSON and not (internal to lib/report). */
#ifndef NHG_REPORT_JSON_UTIL_H
#define NHG_REPORT_JSON_UTIL_H

#include <jansson.h>

#include "nhigate/buf.h"
#include "nhigate/gate.h"

/* A JSON string of s (bytes that are not UTF-8 as \xNN), or null for NULL. */
json_t *nhg_rj_str(const char *s);

/* Append root as JSON (indented unless compact) plus a newline; takes root. */
int nhg_rj_write(nhg_buf *out, json_t *root, bool compact, nhg_error *err);

/* The verdict's view of one finding (no secret: redacted form and hash). */
json_t *nhg_rj_gfinding(const nhg_gfinding *f);

/* The control ids of f as an array of strings. */
json_t *nhg_rj_controls(const nhg_gfinding *f);

/* {"repository":..,"ref":..,"base":..,"head":..,"actor":..} */
json_t *nhg_rj_subject(const nhg_subject *s);

/*
 * The fields a verdict and its decision record share: schema, decision_id,
 * timestamp, decision, enforce, would_block, reasons, subject, policy.
 */
void nhg_rj_verdict_head(json_t *root, const nhg_verdict *v, const char *schema);

/*
 * Append s for a terminal: control bytes (newlines included, which would
 * forge lines) as '?'.
 */
int nhg_rj_clean(nhg_buf *out, const char *s);

/*
 * Append s as Markdown text that stays inside one table cell: no line
 * breaks, pipes and Markdown or HTML syntax escaped.
 */
int nhg_rj_md(nhg_buf *out, const char *s);

/* Now as 2026-11-23T06:30:00Z (UTC), never before start, a time of that shape. */
void nhg_rj_end_time(char out[21], const char *start);

/* json_object_set_new / json_array_append_new: 1 when they failed, else 0. */
int nhg_rj_set(json_t *o, const char *key, json_t *v);
int nhg_rj_add(json_t *a, json_t *v);

/* What the gate made of f, one clause: "waived by W-1 until 2026-12-01". */
int nhg_rj_status_note(nhg_buf *b, const nhg_verdict *v, const nhg_gfinding *f);

#endif
