/*
 * The audit (audit.h): one pass over the decision log, each record read in
 * place by the scanner of log_internal.h and summed, the chain checked by
 * nhg_log_walk alongside.  A record is read in two steps: the top level
 * once (which also checks it is JSON), keeping where the finding lists,
 * waivers and break-glass sit; then those, once the decision and the
 * repository are known, whatever order the keys came in.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"
#include "nhigate/array.h"
#include "nhigate/audit.h"
#include "nhigate/gate.h"

#define SCHEMA "nhigate.decision/v1"

/* ---- tallies: bounded name -> count maps ----------------------------- */

static uint64_t name_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/*
 * The item named p/n in t, added (count 0) when missing and t has room;
 * NULL when t is full (the caller counts t->other) or memory ran out
 * (*oom set).
 */
static nhg_audit_item *tally_get(nhg_audit_tally *t, const char *p, size_t n, bool *oom)
{
	char cut[NHG_AUDIT_MAX_NAME + 4];
	uint64_t h;
	size_t i;

	if (n > NHG_AUDIT_MAX_NAME) {   /* cut at a character, marked */
		n = NHG_AUDIT_MAX_NAME;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;
		memcpy(cut, p, n);
		memcpy(cut + n, "\xe2\x80\xa6", 3);
		p = cut;
		n += 3;
	}
	h = name_hash(p, n);
	for (i = h & (t->nslots - 1); t->nslots && t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
		nhg_audit_item *it = &t->v[t->slots[i] - 1];
		if (!strncmp(it->name, p, n) && it->name[n] == '\0')
			return it;
	}
	if (t->n >= NHG_AUDIT_MAX_KEYS)
		return NULL;
	if (2 * (t->n + 1) > t->nslots) {
		size_t ns = t->nslots ? 2 * t->nslots : 64;
		uint32_t *slots = calloc(ns, sizeof(*slots));
		if (!slots)
			goto oom;
		for (size_t k = 0; k < t->n; k++) {
			size_t j = name_hash(t->v[k].name, strlen(t->v[k].name)) & (ns - 1);
			while (slots[j])
				j = (j + 1) & (ns - 1);
			slots[j] = (uint32_t)k + 1;
		}
		free(t->slots);
		t->slots = slots;
		t->nslots = ns;
	}
	if (NHG_ARRAY_RESERVE(t->v, t->n, t->cap, 16))
		goto oom;
	if (!(t->v[t->n].name = strndup(p, n)))
		goto oom;
	t->v[t->n].n = 0;
	for (i = h & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
		;
	t->slots[i] = (uint32_t)++t->n;
	return &t->v[t->n - 1];
oom:
	*oom = true;
	return NULL;
}

/* Add by to the count of the name in s (escapes decoded). */
static void tally_add(nhg_audit_tally *t, const nhg_jstr *s, uint64_t by, bool *oom)
{
	nhg_audit_item *it;
	if (s->esc) {
		char *d = nhg_js_decode(s, NHG_AUDIT_MAX_NAME);
		if (!d) {
			*oom = true;
			return;
		}
		it = tally_get(t, d, strlen(d), oom);
		free(d);
	} else {
		it = tally_get(t, s->p, s->n, oom);
	}
	if (it)
		it->n += by;
	else
		t->other += by;
}

static int by_count(const void *a, const void *b)
{
	const nhg_audit_item *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void tally_finish(nhg_audit_tally *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), by_count);
}

static void tally_free(nhg_audit_tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->slots);
}

/* ---- one record ------------------------------------------------------- */

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

/* The index of a control id (0..16), or -1. */
static int control_fast(const char *p, size_t n)
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
		return control_fast(s->p, s->n);
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
static bool opt_string(nhg_jscan *s, nhg_jstr *out)
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
			rec->has_repo = opt_string(s, &rec->repository);
		else if (NHG_JS_IS(&k, "ref"))
			rec->has_ref = opt_string(s, &rec->ref);
		else if (NHG_JS_IS(&k, "head"))
			rec->has_head = opt_string(s, &rec->head);
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
		if (!opt_string(s, &v) || i < 0)
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
				rec->has_schema = opt_string(s, &rec->schema);
				continue;
			}
			if (NHG_JS_IS(&k, "subject")) {
				read_subject(s, rec);
				continue;
			}
			break;
		case 'd':
			if (NHG_JS_IS(&k, "decision")) {
				if ((rec->has_decision = opt_string(s, &rec->decision)))
					rec->dec = decision_of(&rec->decision);
				continue;
			}
			if (NHG_JS_IS(&k, "decision_id")) {
				rec->has_id = opt_string(s, &rec->id);
				continue;
			}
			break;
		case 't':
			if (NHG_JS_IS(&k, "timestamp")) {
				rec->has_ts = opt_string(s, &rec->timestamp);
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

/* ---- summing ---------------------------------------------------------- */

typedef struct finding {
	nhg_jstr rule, fingerprint, severity, path, waiver;
	bool has_rule, has_fp, has_sev, has_path, has_waiver;
	span controls;
} finding;

/* The next finding object of the array scanned by s (opened); false at its end. */
static bool next_finding(nhg_jscan *s, bool *first, finding *f)
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
				f->has_rule = opt_string(s, &f->rule);
			else if (NHG_JS_IS(&k, "fingerprint"))
				f->has_fp = opt_string(s, &f->fingerprint);
			else if (NHG_JS_IS(&k, "severity"))
				f->has_sev = opt_string(s, &f->severity);
			else if (NHG_JS_IS(&k, "path"))
				f->has_path = opt_string(s, &f->path);
			else if (NHG_JS_IS(&k, "waiver"))
				f->has_waiver = opt_string(s, &f->waiver);
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
static void finding_controls(const run *r, const finding *f, bool seen[NHG_AUDIT_CONTROLS])
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
		if (opt_string(&s, &c) && (i = control_index(r, &c)) >= 0)
			seen[i] = true;
	}
}

static char *dup_str(run *r, const nhg_jstr *s, bool has)
{
	char *d;
	if (!has)
		return NULL;
	if (!(d = nhg_js_decode(s, NHG_AUDIT_MAX_TEXT)))
		r->oom = true;
	else
		r->bg_bytes += strlen(d) + 1;
	return d;
}

/* The waiver of the record's repository named id (NULL: past the bound). */
static nhg_audit_waiver *waiver_of(run *r, const record *rec, const nhg_jstr *id)
{
	nhg_audit *a = r->a;
	char *repo = rec->has_repo ? dup_str(r, &rec->repository, true) : strdup("");
	char *name = dup_str(r, id, true);
	char *key = NULL;
	nhg_audit_item *it = NULL;
	nhg_audit_waiver *w = NULL;

	if (!repo || !name || !(key = malloc(strlen(repo) + strlen(name) + 2))) {
		r->oom = true;
		goto out;
	}
	strcpy(key, repo);
	strcat(key, "\x1f");
	strcat(key, name);
	if (!(it = tally_get(&r->waiver_index, key, strlen(key), &r->oom)))
		goto out;
	if (it->n) {
		w = &a->waivers[it->n - 1];
		goto out;
	}
	if (NHG_ARRAY_RESERVE(a->waivers, a->nwaivers, a->capwaivers, 16)) {
		r->oom = true;
		goto out;
	}
	w = &a->waivers[a->nwaivers];
	memset(w, 0, sizeof(*w));
	w->repository = repo;
	w->id = name;
	repo = name = NULL;
	it->n = ++a->nwaivers;
out:
	if (!w && !r->oom)
		a->waivers_other++;
	free(repo);
	free(name);
	free(key);
	return w;
}

static void sum_findings(run *r, const record *rec, const span *list, bool waived,
			 nhg_audit_breakglass *bg)
{
	nhg_audit *a = r->a;
	nhg_jscan s;
	finding f;
	bool first = true, seen[NHG_AUDIT_CONTROLS];

	nhg_js_init(&s, list->p, (size_t)(list->end - list->p));
	if (nhg_js_peek(&s) != '[')
		return;
	nhg_js_open(&s, '[');
	while (next_finding(&s, &first, &f)) {
		finding_controls(r, &f, seen);
		if (waived) {
			nhg_audit_waiver *w;
			if (r->exceptions >= 0)   /* a waiver is a tracked exception */
				seen[r->exceptions] = true;
			if (f.has_waiver && (w = waiver_of(r, rec, &f.waiver)))
				w->findings++;
		} else if (bg && bg->nlet < NHG_AUDIT_MAX_LET_THROUGH) {
			nhg_audit_finding *l = &bg->let[bg->nlet++];
			l->rule = dup_str(r, &f.rule, f.has_rule);
			l->fingerprint = dup_str(r, &f.fingerprint, f.has_fp);
			l->severity = dup_str(r, &f.severity, f.has_sev);
			l->path = dup_str(r, &f.path, f.has_path);
		}
		if (bg)
			bg->let_total++;
		if (!waived && rec->dec == NHG_DECISION_BLOCK && f.has_rule)
			tally_add(&a->blocked_rules, &f.rule, 1, &r->oom);
		for (int i = 0; i < NHG_AUDIT_CONTROLS; i++) {
			nhg_audit_control *c = &a->controls[i];
			if (!seen[i])
				continue;
			if (waived) {
				c->waived++;
				if (f.has_waiver)
					tally_add(&c->waivers, &f.waiver, 1, &r->oom);
			} else if (rec->dec == NHG_DECISION_BLOCK) {
				c->blocked++;
				if (f.has_rule)
					tally_add(&c->blocked_rules, &f.rule, 1, &r->oom);
			} else if (rec->dec == NHG_DECISION_BREAKGLASS) {
				c->let_through++;
				if (f.has_rule)
					tally_add(&c->let_rules, &f.rule, 1, &r->oom);
			}
		}
	}
}

/* The waiver ids of one list of the record: applied, or listed as expired. */
static void sum_waivers(run *r, const record *rec, const span *list, bool applied,
			uint64_t lineno)
{
	nhg_jscan s;
	nhg_jstr id;
	bool first = true;

	nhg_js_init(&s, list->p, (size_t)(list->end - list->p));
	if (!nhg_js_open(&s, '['))
		return;
	while (nhg_js_item(&s, &first) == 1) {
		nhg_audit_waiver *w;
		if (!opt_string(&s, &id) || !(w = waiver_of(r, rec, &id)))
			continue;
		if (applied) {
			w->applied++;
			continue;
		}
		w->expired++;
		if (!w->first_expired[0] || memcmp(rec->timestamp.p, w->first_expired, 20) < 0)
			memcpy(w->first_expired, rec->timestamp.p, 20);
		if (!w->last_expired[0] || memcmp(rec->timestamp.p, w->last_expired, 20) >= 0)
			memcpy(w->last_expired, rec->timestamp.p, 20);
		w->last_expired_record = lineno;
	}
}

static void sum_breakglass(run *r, const record *rec, uint64_t lineno)
{
	nhg_audit *a = r->a;
	nhg_audit_breakglass *bg = NULL;
	nhg_jscan s;
	nhg_jstr k, v;
	bool first = true, accepted = false;

	nhg_js_init(&s, rec->breakglass.p, (size_t)(rec->breakglass.end - rec->breakglass.p));
	if (nhg_js_peek(&s) != '{')
		return;   /* null: none requested */
	a->bg_total++;
	if (a->nbg < NHG_AUDIT_MAX_BREAKGLASS && r->bg_bytes < NHG_AUDIT_MAX_BG_BYTES) {
		nhg_audit_finding *let = calloc(NHG_AUDIT_MAX_LET_THROUGH, sizeof(*let));
		if (!let || NHG_ARRAY_RESERVE(a->bg, a->nbg, a->capbg, 16)) {
			free(let);
			r->oom = true;
			return;
		}
		bg = &a->bg[a->nbg++];
		memset(bg, 0, sizeof(*bg));
		bg->let = let;
		bg->record = lineno;
		bg->timestamp = dup_str(r, &rec->timestamp, true);
		bg->decision_id = dup_str(r, &rec->id, rec->has_id);
		bg->decision = dup_str(r, &rec->decision, true);
		bg->repository = dup_str(r, &rec->repository, rec->has_repo);
		bg->ref = dup_str(r, &rec->ref, rec->has_ref);
		bg->head = dup_str(r, &rec->head, rec->has_head);
	}
	nhg_js_open(&s, '{');
	while (nhg_js_key(&s, &first, &k) == 1) {
		char **dst = NULL;
		if (NHG_JS_IS(&k, "accepted") && (nhg_js_peek(&s) == 't' || nhg_js_peek(&s) == 'f')) {
			nhg_js_bool(&s, &accepted);
			continue;
		}
		if (NHG_JS_IS(&k, "actor"))
			dst = bg ? &bg->actor : NULL;
		else if (NHG_JS_IS(&k, "reason"))
			dst = bg ? &bg->reason : NULL;
		else if (NHG_JS_IS(&k, "source"))
			dst = bg ? &bg->source : NULL;
		else if (NHG_JS_IS(&k, "refused"))
			dst = bg ? &bg->refused : NULL;
		if (opt_string(&s, &v) && dst && !*dst)
			*dst = dup_str(r, &v, true);
	}
	if (accepted)
		a->bg_accepted++;
	else
		a->bg_refused++;
	if (bg) {
		bg->accepted = accepted;
		if (rec->blocking.p)
			sum_findings(r, rec, &rec->blocking, false, bg);
	}
}

static void sum_record(run *r, const record *rec, uint64_t lineno)
{
	nhg_audit *a = r->a;
	bool report_only = rec->dec == NHG_DECISION_PASS && rec->would_block && !rec->enforce;

	a->records++;
	if (!a->first[0] || memcmp(rec->timestamp.p, a->first, 20) < 0)
		memcpy(a->first, rec->timestamp.p, 20);
	if (memcmp(rec->timestamp.p, a->last, 20) > 0)
		memcpy(a->last, rec->timestamp.p, 20);
	a->decisions[rec->dec]++;
	if (report_only)
		a->would_block++;
	for (int k = 0; k < 3; k++)
		for (int s = 0; s < 4; s++)
			a->findings[k][s] += rec->counts[k][s];
	for (int i = 0; i < NHG_AUDIT_CONTROLS; i++) {
		nhg_audit_control *c = &a->controls[i];
		if (!rec->control[i])
			continue;
		c->reported++;
		if (rec->control[i] != 2)
			continue;
		c->fail++;
		if (rec->dec == NHG_DECISION_BLOCK)
			c->blocks++;
		else if (rec->dec == NHG_DECISION_BREAKGLASS)
			c->breakglass++;
		else if (report_only)
			c->would_block++;
	}
	/* each repository's last record, for telling overdue waivers */
	{
		nhg_audit_item *it;
		if (rec->has_repo && rec->repository.esc) {
			char *d = dup_str(r, &rec->repository, true);
			it = d ? tally_get(&r->repos, d, strlen(d), &r->oom) : NULL;
			free(d);
		} else {
			it = tally_get(&r->repos, rec->has_repo ? rec->repository.p : "",
				       rec->has_repo ? rec->repository.n : 0, &r->oom);
		}
		if (it)
			it->n = lineno;
	}
	if (rec->breakglass.p)
		sum_breakglass(r, rec, lineno);
	/* a break-glass record's findings were summed with its event */
	if (rec->blocking.p && !(rec->breakglass.p && a->nbg && a->bg[a->nbg - 1].record == lineno))
		sum_findings(r, rec, &rec->blocking, false, NULL);
	if (rec->waived.p)
		sum_findings(r, rec, &rec->waived, true, NULL);
	if (rec->applied.p)
		sum_waivers(r, rec, &rec->applied, true, lineno);
	if (rec->expired.p)
		sum_waivers(r, rec, &rec->expired, false, lineno);
}

static void unreadable(nhg_audit *a, uint64_t lineno, const char *why, size_t at)
{
	a->unreadable++;
	if (a->first_unreadable)
		return;
	a->first_unreadable = lineno;
	if (at)
		snprintf(a->unreadable_why, sizeof(a->unreadable_why), "%s at byte %zu", why, at + 1);
	else
		snprintf(a->unreadable_why, sizeof(a->unreadable_why), "%s", why);
}

static bool timestamp_ok(const nhg_jstr *t)
{
	const char *p = t->p;
	if (t->esc || t->n != 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' ||
	    p[16] != ':' || p[19] != 'Z')
		return false;
	for (int i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && (p[i] < '0' || p[i] > '9'))
			return false;
	return true;
}

/* Any thread: the top level of one line into its slot. */
static int parse_record(const void *ctx, const char *text, size_t len, void *slot)
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

/* In order: sum the record. */
static int sum_line(void *ctx, uint64_t lineno, const char *text, size_t len, void *slot,
		    nhg_error *err)
{
	run *r = ctx;
	nhg_audit *a = r->a;
	record *rec = slot;

	(void)text, (void)len;
	if (!rec->json)
		unreadable(a, lineno, rec->why, rec->at);
	else if (!rec->has_schema || !NHG_JS_IS(&rec->schema, SCHEMA))
		unreadable(a, lineno, "not a " SCHEMA " record", 0);
	else if (!rec->has_ts || !timestamp_ok(&rec->timestamp))
		unreadable(a, lineno, "no timestamp of the form 2026-01-31T12:00:00Z", 0);
	else if (rec->dec < 0)
		unreadable(a, lineno, "no decision pass, block, error or breakglass", 0);
	else if ((a->since[0] && memcmp(rec->timestamp.p, a->since, 10) < 0) ||
		 (a->until[0] && memcmp(rec->timestamp.p, a->until, 10) > 0))
		a->outside++;
	else
		sum_record(r, rec, lineno);
	if (r->oom)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	return 0;
}

/* ---- the run ------------------------------------------------------------ */

static int by_repo_id(const void *x, const void *y)
{
	const nhg_audit_waiver *a = x, *b = y;
	int c = strcmp(a->repository, b->repository);
	return c ? c : strcmp(a->id, b->id);
}

int nhg_audit_run(nhg_audit **out, const char *path, const char *since, const char *until,
		  const char *anchor, nhg_error *err)
{
	nhg_log_reader rd;
	nhg_audit *a;
	run r;
	int rc;

	if ((since && !nhg_date_ok(since)) || (until && !nhg_date_ok(until)))
		return nhg_error_set(err, NHG_EUSAGE, "a date is YYYY-MM-DD: '%s'",
				     since && !nhg_date_ok(since) ? since : until);
	if (since && until && strcmp(since, until) > 0)
		return nhg_error_set(err, NHG_EUSAGE, "the period ends (%s) before it starts (%s)",
				     until, since);
	if (!(a = calloc(1, sizeof(*a))) || !(a->log = strdup(path))) {
		free(a);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	snprintf(a->since, sizeof(a->since), "%s", since ? since : "");
	snprintf(a->until, sizeof(a->until), "%s", until ? until : "");
	for (size_t i = 0; i < NHG_AUDIT_CONTROLS; i++) {
		a->controls[i].id = nhg_control_id(i) ? nhg_control_id(i) : "?";
		a->controls[i].title = nhg_control_title(i) ? nhg_control_title(i) : "";
	}
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.fast_ids = nhg_controls_count() == NHG_AUDIT_CONTROLS;
	r.exceptions = -1;
	for (size_t i = 0; i < NHG_AUDIT_CONTROLS; i++) {
		if (control_fast(a->controls[i].id, strlen(a->controls[i].id)) != (int)i)
			r.fast_ids = false;
		if (!strcmp(a->controls[i].id, "NIST-CSF:ID.RA-07"))
			r.exceptions = (int)i;
	}

	rd.slot_size = sizeof(record);
	rd.parse = parse_record;
	rd.consume = sum_line;
	rd.ctx = &r;
	rc = nhg_log_walk(&a->verify, path, anchor, &rd, err);
	if (!rc) {
		a->lines = a->verify.records;
		/* overdue: still listed expired in its repository's last decision */
		for (size_t i = 0; i < a->nwaivers; i++) {
			nhg_audit_waiver *w = &a->waivers[i];
			nhg_audit_item *it;
			bool oom = false;
			if (!w->expired)
				continue;
			it = tally_get(&r.repos, w->repository, strlen(w->repository), &oom);
			w->overdue = it && it->n == w->last_expired_record;
		}
		if (a->nwaivers > 1)
			qsort(a->waivers, a->nwaivers, sizeof(*a->waivers), by_repo_id);
		tally_finish(&a->blocked_rules);
		for (size_t i = 0; i < NHG_AUDIT_CONTROLS; i++) {
			tally_finish(&a->controls[i].blocked_rules);
			tally_finish(&a->controls[i].let_rules);
			tally_finish(&a->controls[i].waivers);
		}
	}
	tally_free(&r.repos);
	tally_free(&r.waiver_index);
	if (rc) {
		nhg_audit_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void nhg_audit_free(nhg_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nbg; i++) {
		nhg_audit_breakglass *b = &a->bg[i];
		free(b->timestamp);
		free(b->decision_id);
		free(b->decision);
		free(b->actor);
		free(b->reason);
		free(b->source);
		free(b->refused);
		free(b->repository);
		free(b->ref);
		free(b->head);
		for (size_t j = 0; j < b->nlet; j++) {
			free(b->let[j].rule);
			free(b->let[j].fingerprint);
			free(b->let[j].severity);
			free(b->let[j].path);
		}
		free(b->let);
	}
	free(a->bg);
	for (size_t i = 0; i < a->nwaivers; i++) {
		free(a->waivers[i].repository);
		free(a->waivers[i].id);
	}
	free(a->waivers);
	tally_free(&a->blocked_rules);
	for (size_t i = 0; i < NHG_AUDIT_CONTROLS; i++) {
		tally_free(&a->controls[i].blocked_rules);
		tally_free(&a->controls[i].let_rules);
		tally_free(&a->controls[i].waivers);
	}
	free(a->log);
	free(a);
}
