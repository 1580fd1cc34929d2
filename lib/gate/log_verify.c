/*
 * Checking the decision log's chain (decision_log.h).
 *
 * The lines come from nhg_log_read (log_walk.c) with their hashes; the
 * chain is checked here in order, keeping the last WINDOW hashes.
 *
 * Classifying the first break at line p (H(i): hash of line i, H(0) the
 * genesis value; P(i): the prev line i carries):
 *   P(p+1) = H(p-1):             line p was inserted
 *   line p is not a record:      line p is malformed
 *   P(p) = H(j), j < p-1:        lines j+1 .. p-1 were inserted
 *   P(p+1) != H(p):              line p was altered (its prev with it)
 *   otherwise:                   line p-1 was altered or lines after it
 *                                removed (line 1: lines before it removed)
 * A hash chain cannot tell a changed line from removed ones: both leave a
 * prev that matches nothing left in the file, so the message names both.
 */
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"
#include "nhigate/decision_log.h"
#include "nhigate/hash.h"

#define WINDOW 64
#define HEX NHG_SHA256_HEXLEN
#define PREFIX_LEN (9 + HEX + 2)      /* {"prev":"<hex>", */

typedef char hex_t[HEX + 1];

enum { CHECKING, PENDING, DECIDED };

typedef struct walker {
	nhg_log_report *rep;
	uint64_t lineno;           /* complete lines checked so far */
	hex_t last;                /* H(lineno) */
	hex_t ring[WINDOW];        /* H(i) at ring[i % WINDOW], lineno-WINDOW < i <= lineno */
	int state;
	/* the pending break at line p = brk_line */
	uint64_t brk_line;
	bool brk_malformed;
	char brk_why[120];
	hex_t brk_before;          /* H(p-1) */
	hex_t brk_prev;            /* P(p), when line p has one */
	hex_t anchor;
} walker;

static bool is_lower_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static bool eq(const char *a, const char *b)
{
	return !memcmp(a, b, HEX);
}

/*
 * The prev of a line, or NULL when the line does not start like a record.
 * The digits are checked only when they differ from expect (a hash, so hex).
 */
static const char *prev_of(const char *line, size_t len, const char *expect)
{
	if (len < PREFIX_LEN || memcmp(line, "{\"prev\":\"", 9) || line[9 + HEX] != '"' ||
	    line[9 + HEX + 1] != ',' || (!eq(line + 9, expect) && !is_lower_hex(line + 9, HEX)))
		return NULL;
	return line + 9;
}

static void decide(walker *w, nhg_log_break kind, uint64_t record, uint64_t count,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void decide(walker *w, nhg_log_break kind, uint64_t record, uint64_t count,
		   const char *fmt, ...)
{
	va_list ap;
	w->rep->kind = kind;
	w->rep->record = record;
	w->rep->count = count;
	w->rep->line = w->brk_line;
	va_start(ap, fmt);
	vsnprintf(w->rep->message, sizeof(w->rep->message), fmt, ap);
	va_end(ap);
	w->state = DECIDED;
}

/* Lines first .. first+count-1 do not belong: the line after them chains past. */
static void inserted(walker *w, uint64_t first, uint64_t count)
{
	const char *to = first == 1 ? "the start" : "the record before them";
	if (count == 1)
		decide(w, NHG_LOG_INSERTED, first, 1, "record %" PRIu64 " was inserted: record %"
		       PRIu64 " chains past it to %s", first, first + 1,
		       first == 1 ? "the start" : "the record before it");
	else
		decide(w, NHG_LOG_INSERTED, first, count, "records %" PRIu64 "..%" PRIu64 " were "
		       "inserted: record %" PRIu64 " chains past them to %s", first,
		       first + count - 1, first + count, to);
}

/* Settle the pending break; next is P(p+1), or NULL when unknown. */
static void settle(walker *w, const char *next, const char *hash_p)
{
	uint64_t p = w->brk_line;

	if (next && eq(next, w->brk_before)) {
		inserted(w, p, 1);
		return;
	}
	if (w->brk_malformed) {
		decide(w, NHG_LOG_MALFORMED, p, 0, "record %" PRIu64 " is not a decision record: %s",
		       p, w->brk_why);
		return;
	}
	/* P(p) = H(j) for a line j before p-1: the lines between were inserted */
	for (uint64_t back = 2; back <= WINDOW && back <= p; back++) {
		uint64_t j = p - back;
		if (eq(w->brk_prev, j ? w->ring[j % WINDOW] : NHG_LOG_GENESIS)) {
			inserted(w, j + 1, p - 1 - j);
			return;
		}
	}
	if (next && !eq(next, hash_p))
		decide(w, NHG_LOG_ALTERED, p, 0, "record %" PRIu64 " was altered: its prev matches "
		       "no record before it and record %" PRIu64 " no longer chains to it", p, p + 1);
	else if (p == 1)
		decide(w, NHG_LOG_REMOVED, 1, 0, "record 1 does not start the chain: records before "
		       "it were removed (or its prev was altered)");
	else
		decide(w, NHG_LOG_ALTERED_OR_REMOVED, p - 1, 0, "record %" PRIu64 " does not chain "
		       "to record %" PRIu64 ": record %" PRIu64 " was altered, or records between "
		       "them were removed", p, p - 1, p - 1);
}

/* Check line lineno+1 of the chain; notjson: the caller's function said so. */
static void check_line(walker *w, const char *line, size_t len, const char *hash, bool notjson)
{
	uint64_t n = w->lineno + 1;
	const char *prev = prev_of(line, len, w->last);

	if (w->rep->anchor_given && !w->rep->anchor_found && eq(hash, w->anchor)) {
		w->rep->anchor_found = true;
		w->rep->anchor_record = n;
	}
	if (w->state == PENDING)
		settle(w, notjson ? NULL : prev, w->last);
	if (w->state == CHECKING && (!prev || notjson || !eq(prev, w->last))) {
		w->brk_line = n;
		memcpy(w->brk_before, w->last, sizeof(hex_t));
		w->brk_malformed = !prev || notjson;
		snprintf(w->brk_why, sizeof(w->brk_why), "%s",
			 !prev ? "it does not start with {\"prev\":\"<sha256>\","
			       : "it is not a JSON object");
		if (prev)
			memcpy(w->brk_prev, prev, HEX);
		w->state = PENDING;
	}
	w->lineno = n;
	memcpy(w->last, hash, sizeof(hex_t));
	memcpy(w->ring[n % WINDOW], hash, sizeof(hex_t));
}

static void sink_line(void *ctx, const char *line, size_t len, const char *hash, bool notjson)
{
	walker *w = ctx;
	check_line(w, line, len, hash, notjson);
	w->rep->records = w->lineno;
}

static void sink_torn(void *ctx)
{
	walker *w = ctx;
	if (w->state == PENDING)
		settle(w, NULL, w->last);
	w->rep->records = w->lineno + 1;
	if (w->state == CHECKING) {
		w->brk_line = w->lineno + 1;
		decide(w, NHG_LOG_TORN, w->lineno + 1, 0, "record %" PRIu64 ", the last, has no "
		       "newline: a torn or unfinished write", w->lineno + 1);
	}
}

int nhg_log_walk(nhg_log_report *out, const char *path, const char *anchor,
		 const nhg_log_reader *rd, nhg_error *err)
{
	nhg_log_report rep;
	nhg_log_sink sink;
	walker *w;
	int rc;

	memset(&rep, 0, sizeof(rep));
	if (anchor) {
		if (strlen(anchor) != HEX)
			return nhg_error_set(err, NHG_EUSAGE, "an anchor is a sha256: 64 hex digits");
		for (size_t i = 0; i < HEX; i++)
			if (!((anchor[i] >= '0' && anchor[i] <= '9') ||
			      ((anchor[i] | 0x20) >= 'a' && (anchor[i] | 0x20) <= 'f')))
				return nhg_error_set(err, NHG_EUSAGE, "an anchor is a sha256: 64 hex "
						     "digits");
		rep.anchor_given = true;
	}
	if (!(w = calloc(1, sizeof(*w))))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	w->rep = &rep;
	sink.line = sink_line;
	sink.torn = sink_torn;
	sink.ctx = w;
	memcpy(w->last, NHG_LOG_GENESIS, sizeof(hex_t));
	if (anchor) {
		for (size_t i = 0; i < HEX; i++)
			w->anchor[i] = (char)(anchor[i] >= 'A' && anchor[i] <= 'F' ? anchor[i] | 0x20
										  : anchor[i]);
		if (eq(w->anchor, NHG_LOG_GENESIS))
			rep.anchor_found = true;
	}
	rc = nhg_log_read(path, rd, &sink, err);
	if (!rc) {
		if (w->state == PENDING)
			settle(w, NULL, w->last);
		memcpy(rep.head, w->last, sizeof(hex_t));
		if (w->state == CHECKING && rep.anchor_given && !rep.anchor_found) {
			w->brk_line = 0;
			decide(w, NHG_LOG_ANCHOR_MISSING, 0, 0, "no record hashes to the anchor %.12s…: "
			       "the log was cut short or rewritten after the anchor was taken",
			       w->anchor);
		}
		*out = rep;
	}
	free(w);
	return rc;
}

/* What verify's JSON check leaves in a line's slot. */
typedef struct json_slot {
	const char *why;
	size_t at;
} json_slot;

typedef struct json_check {
	uint64_t line;          /* the first line that is not a JSON object */
	char why[100];
} json_check;

static int check_json(const void *ctx, const char *line, size_t len, void *slot)
{
	json_slot *s = slot;
	(void)ctx;
	return !nhg_js_object_ok(line, len, &s->why, &s->at);
}

static int first_bad(void *ctx, uint64_t lineno, const char *line, size_t len, void *slot,
		     nhg_error *err)
{
	json_check *c = ctx;
	json_slot *s = slot;
	(void)line, (void)len, (void)err;
	if (s->why && !c->line) {
		c->line = lineno;
		snprintf(c->why, sizeof(c->why), "%s at byte %zu", s->why, s->at + 1);
	}
	return 0;
}

int nhg_log_verify(nhg_log_report *out, const char *path, const char *anchor, nhg_error *err)
{
	json_check c = { 0, "" };
	nhg_log_reader rd = { sizeof(json_slot), check_json, first_bad, &c };
	int rc = nhg_log_walk(out, path, anchor, &rd, err);

	if (!rc && out->kind == NHG_LOG_MALFORMED && out->record == c.line) {
		size_t n = strlen(out->message);
		snprintf(out->message + n, sizeof(out->message) - n, " (%s)", c.why);
	}
	return rc;
}
