/*
 * Reading one decision record for the audit, in place with the scanner of
 * log_internal.h: its top level in one pass, noting where the finding
 * lists, waiver ids and break-glass sit; then, when summing, the finding
 * objects of such a list one at a time, and the controls each one names.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "audit_internal.h"
#include "nhigate/gate.h"

/* The index of a control id (0..16), or -1. */
int nhg_audit__control_fast(const char *p, size_t n)
{
	if (n == 14 && !memcmp(p, "OWASP-NHI:NHI", 13) && p[13] >= '1' && p[13] <= '9')
		return p[13] - '1';
	if (n == 15 && !memcmp(p, "OWASP-NHI:NHI10", 15))
		return 9;
	if (n == 17 && !memcmp(p, "NIST-CSF:PR.AA-0", 16) && p[16] >= '1' && p[16] <= '6')
		return 10 + (p[16] - '1');
	if (n == 17 && !memcmp(p, "NIST-CSF:ID.RA-07", 17))
		return 16;
	return -1;
}

static int control_index(const run *r, const nhg_jstr *s)
{
	if (s->esc)
		return -1;   /* ids are plain ASCII; an escaped one is not ours */
	if (r->fast_ids)
		return nhg_audit__control_fast(s->p, s->n);
	for (size_t i = 0; i < NHG_AUDIT_CONTROLS && nhg_control_id(i); i++)
		if (strlen(nhg_control_id(i)) == s->n && !memcmp(nhg_control_id(i), s->p, s->n))
			return (int)i;
	return -1;
}

static int severity_index(const nhg_jstr *k)
{
	if (NHG_JS_IS(k, "critical"))
		return 0;
	if (NHG_JS_IS(k, "high"))
		return 1;
	if (NHG_JS_IS(k, "medium"))
		return 2;
	if (NHG_JS_IS(k, "low"))
		return 3;
	return -1;
}

/* Read a value as a string span; anything else is skipped and false. */
bool nhg_audit__opt_string(nhg_jscan *s, nhg_jstr *out)
{
	if (nhg_js_peek(s) == '"')
		return nhg_js_string(s, out);
	nhg_js_skip(s);
	return false;
}

static void skip_span(nhg_jscan *s, span *sp)
{
	nhg_js_peek(s);
	sp->p = s->p;
	nhg_js_skip(s);
	sp->end = s->p;
}

/* A list's span, left unset when the list is empty (most records). */
static void list_span(nhg_jscan *s, span *sp)
{
	nhg_jscan e;
	skip_span(s, sp);
	nhg_js_init(&e, sp->p, (size_t)(sp->end - sp->p));
	if (nhg_js_peek(&e) == '[') {
		e.p++;
		if (nhg_js_peek(&e) == ']')
			sp->p = sp->end = NULL;
	}
}

/* "waivers": where the applied and expired ids are, if any. */
static void read_waivers(nhg_jscan *s, record *rec)
{
	nhg_jstr k;
	bool first = true;

	if (!nhg_js_enter(s, '{'))
		return;
	while (nhg_js_key(s, &first, &k) == 1) {
		if (NHG_JS_IS(&k, "applied"))
			list_span(s, &rec->applied);
		else if (NHG_JS_IS(&k, "expired"))
			list_span(s, &rec->expired);
		else
			nhg_js_skip(s);
	}
}

static void read_subject(nhg_jscan *s, record *rec)
{
	nhg_jstr k;
	bool first = true;
	if (!nhg_js_enter(s, '{'))
		return;
	while (nhg_js_key(s, &first, &k) == 1) {
		if (NHG_JS_IS(&k, "repository"))
			rec->has_repo = nhg_audit__opt_string(s, &rec->repository);
		else if (NHG_JS_IS(&k, "ref"))
			rec->has_ref = nhg_audit__opt_string(s, &rec->ref);
		else if (NHG_JS_IS(&k, "head"))
			rec->has_head = nhg_audit__opt_string(s, &rec->head);
		else
			nhg_js_skip(s);
	}
}

static void read_counts(nhg_jscan *s, record *rec)
{
	nhg_jstr k, sev;
	bool first = true, first2, whole;
	uint64_t v;

	if (!nhg_js_enter(s, '{'))
		return;
	while (nhg_js_key(s, &first, &k) == 1) {
		int kind = NHG_JS_IS(&k, "blocking") ? 0 : NHG_JS_IS(&k, "waived") ? 1
			 : NHG_JS_IS(&k, "advisory") ? 2 : -1;
		if (kind < 0) {
			nhg_js_skip(s);
			continue;
		}
		if (!nhg_js_enter(s, '{'))
			continue;
		first2 = true;
		while (nhg_js_key(s, &first2, &sev) == 1) {
			int si = severity_index(&sev);
			char c = nhg_js_peek(s);
			if (si >= 0 && (c == '-' || (c >= '0' && c <= '9'))) {
				if (nhg_js_number(s, &v, &whole) && whole)
					rec->counts[kind][si] = v;
			} else {
				nhg_js_skip(s);
			}
		}
	}
}

static void read_controls(nhg_jscan *s, const run *r, record *rec)
{
	nhg_jstr k, v;
	bool first = true;

	if (!nhg_js_enter(s, '{'))
		return;
	while (nhg_js_key(s, &first, &k) == 1) {
		int i = control_index(r, &k);
		if (!nhg_audit__opt_string(s, &v) || i < 0)
			continue;
		if (v.n == 4 && !memcmp(v.p, "fail", 4))
			rec->control[i] = 2;
		else if (v.n == 4 && !memcmp(v.p, "pass", 4))
			rec->control[i] = 1;
	}
}

static int decision_of(const nhg_jstr *s)
{
	if (NHG_JS_IS(s, "pass"))
		return NHG_DECISION_PASS;
	if (NHG_JS_IS(s, "block"))
		return NHG_DECISION_BLOCK;
	if (NHG_JS_IS(s, "error"))
		return NHG_DECISION_ERROR;
	if (NHG_JS_IS(s, "breakglass"))
		return NHG_DECISION_BREAKGLASS;
	return -1;
}

/* The top level; false when the line is not JSON (s->why says why). */
static bool read_record(nhg_jscan *s, const run *r, record *rec)
{
	nhg_jstr k;
	bool first = true;
	int more;

	if (!nhg_js_open(s, '{'))
		return false;
	while ((more = nhg_js_key(s, &first, &k)) == 1) {
		const char *p = k.p;
		/* a cheap first-letter switch keeps the common keys fast */
		switch (k.esc ? '\0' : (k.n ? p[0] : '\0')) {
		case 's':
			if (NHG_JS_IS(&k, "schema")) {
				rec->has_schema = nhg_audit__opt_string(s, &rec->schema);
				continue;
			}
			if (NHG_JS_IS(&k, "subject")) {
				read_subject(s, rec);
				continue;
			}
			break;
		case 'd':
			if (NHG_JS_IS(&k, "decision")) {
				if ((rec->has_decision = nhg_audit__opt_string(s, &rec->decision)))
					rec->dec = decision_of(&rec->decision);
				continue;
			}
			if (NHG_JS_IS(&k, "decision_id")) {
				rec->has_id = nhg_audit__opt_string(s, &rec->id);
				continue;
			}
			break;
		case 't':
			if (NHG_JS_IS(&k, "timestamp")) {
				rec->has_ts = nhg_audit__opt_string(s, &rec->timestamp);
				continue;
			}
			break;
		case 'e':
			if (NHG_JS_IS(&k, "enforce") && (nhg_js_peek(s) == 't' || nhg_js_peek(s) == 'f')) {
				nhg_js_bool(s, &rec->enforce);
				continue;
			}
			break;
		case 'w':
			if (NHG_JS_IS(&k, "would_block") &&
			    (nhg_js_peek(s) == 't' || nhg_js_peek(s) == 'f')) {
				nhg_js_bool(s, &rec->would_block);
				continue;
			}
			if (NHG_JS_IS(&k, "waived")) {
				list_span(s, &rec->waived);
				continue;
			}
			if (NHG_JS_IS(&k, "waivers")) {
				read_waivers(s, rec);
				continue;
			}
			break;
		case 'c':
			if (NHG_JS_IS(&k, "controls")) {
				read_controls(s, r, rec);
				continue;
			}
			if (NHG_JS_IS(&k, "counts")) {
				read_counts(s, rec);
				continue;
			}
			break;
		case 'b':
			if (NHG_JS_IS(&k, "blocking")) {
				list_span(s, &rec->blocking);
				continue;
			}
			if (NHG_JS_IS(&k, "breakglass")) {
				if (!nhg_js_null(s))
					skip_span(s, &rec->breakglass);
				continue;
			}
			break;
		}
		nhg_js_skip(s);
	}
	return more == 0 && nhg_js_end(s);
}

/* Any thread: the top level of one line into its slot. */
int nhg_audit__parse_record(const void *ctx, const char *text, size_t len, void *slot)
{
	const run *r = ctx;
	record *rec = slot;
	nhg_jscan s;

	rec->dec = -1;
	nhg_js_init(&s, text, len);
	rec->json = read_record(&s, r, rec);
	if (!rec->json) {
		rec->why = s.why ? s.why : "not a JSON object";
		rec->at = s.why ? s.at : 0;
	}
	return !rec->json;
}

/* The next finding object of the array scanned by s (opened); false at its end. */
bool nhg_audit__next_finding(nhg_jscan *s, bool *first, finding *f)
{
	nhg_jstr k;
	bool kfirst;

	while (nhg_js_item(s, first) == 1) {
		if (!nhg_js_enter(s, '{'))
			continue;
		memset(f, 0, sizeof(*f));
		kfirst = true;
		while (nhg_js_key(s, &kfirst, &k) == 1) {
			if (NHG_JS_IS(&k, "rule"))
				f->has_rule = nhg_audit__opt_string(s, &f->rule);
			else if (NHG_JS_IS(&k, "fingerprint"))
				f->has_fp = nhg_audit__opt_string(s, &f->fingerprint);
			else if (NHG_JS_IS(&k, "severity"))
				f->has_sev = nhg_audit__opt_string(s, &f->severity);
			else if (NHG_JS_IS(&k, "path"))
				f->has_path = nhg_audit__opt_string(s, &f->path);
			else if (NHG_JS_IS(&k, "waiver"))
				f->has_waiver = nhg_audit__opt_string(s, &f->waiver);
			else if (NHG_JS_IS(&k, "controls"))
				skip_span(s, &f->controls);
			else
				nhg_js_skip(s);
		}
		return true;
	}
	return false;
}

/* Call each control index the finding lists (once each) into seen[]. */
void nhg_audit__finding_controls(const run *r, const finding *f, bool seen[NHG_AUDIT_CONTROLS])
{
	nhg_jscan s;
	nhg_jstr c;
	bool first = true;

	memset(seen, 0, NHG_AUDIT_CONTROLS * sizeof(bool));
	if (!f->controls.p)
		return;
	nhg_js_init(&s, f->controls.p, (size_t)(f->controls.end - f->controls.p));
	if (nhg_js_peek(&s) != '[')
		return;
	nhg_js_open(&s, '[');
	while (nhg_js_item(&s, &first) == 1) {
		int i;
		if (nhg_audit__opt_string(&s, &c) && (i = control_index(r, &c)) >= 0)
			seen[i] = true;
	}
}
