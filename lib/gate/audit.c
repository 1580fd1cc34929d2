/*
 * The audit (audit.h): one pass over the decision log, each record read in
 * place (audit_record.c) and summed here into tallies (audit_tally.c), the
 * chain checked by nhg_log_walk alongside.  A record is read in two steps:
 * the top level once (which also checks it is JSON), keeping where the
 * finding lists, waivers and break-glass sit; then those, once the decision
 * and the repository are known, whatever order the keys came in.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "nhigate/array.h"
#include "nhigate/audit.h"
#include "nhigate/gate.h"

#define SCHEMA "nhigate.decision/v1"

/* ---- summing ---------------------------------------------------------- */

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
	size_t nkey = 0;
	nhg_audit_item *it = NULL;
	nhg_audit_waiver *w = NULL;

	if (!repo || !name || !(key = malloc((nkey = strlen(repo) + strlen(name) + 1) + 1))) {
		r->oom = true;
		goto out;
	}
	snprintf(key, nkey + 1, "%s\x1f%s", repo, name);
	if (!(it = nhg_audit__tally_get(&r->waiver_index, key, nkey, &r->oom)))
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
	while (nhg_audit__next_finding(&s, &first, &f)) {
		nhg_audit__finding_controls(r, &f, seen);
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
			nhg_audit__tally_add(&a->blocked_rules, &f.rule, 1, &r->oom);
		for (int i = 0; i < NHG_AUDIT_CONTROLS; i++) {
			nhg_audit_control *c = &a->controls[i];
			if (!seen[i])
				continue;
			if (waived) {
				c->waived++;
				if (f.has_waiver)
					nhg_audit__tally_add(&c->waivers, &f.waiver, 1, &r->oom);
			} else if (rec->dec == NHG_DECISION_BLOCK) {
				c->blocked++;
				if (f.has_rule)
					nhg_audit__tally_add(&c->blocked_rules, &f.rule, 1,
							     &r->oom);
			} else if (rec->dec == NHG_DECISION_BREAKGLASS) {
				c->let_through++;
				if (f.has_rule)
					nhg_audit__tally_add(&c->let_rules, &f.rule, 1, &r->oom);
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
		if (!nhg_audit__opt_string(&s, &id) || !(w = waiver_of(r, rec, &id)))
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
		if (nhg_audit__opt_string(&s, &v) && dst && !*dst)
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
			it = d ? nhg_audit__tally_get(&r->repos, d, strlen(d), &r->oom) : NULL;
			free(d);
		} else {
			it = nhg_audit__tally_get(&r->repos,
						  rec->has_repo ? rec->repository.p : "",
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
		if (nhg_audit__control_fast(a->controls[i].id,
					    strlen(a->controls[i].id)) != (int)i)
			r.fast_ids = false;
		if (!strcmp(a->controls[i].id, "NIST-CSF:ID.RA-07"))
			r.exceptions = (int)i;
	}

	rd.slot_size = sizeof(record);
	rd.parse = nhg_audit__parse_record;
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
			it = nhg_audit__tally_get(&r.repos, w->repository, strlen(w->repository),
						  &oom);
			w->overdue = it && it->n == w->last_expired_record;
		}
		if (a->nwaivers > 1)
			qsort(a->waivers, a->nwaivers, sizeof(*a->waivers), by_repo_id);
		nhg_audit__tally_finish(&a->blocked_rules);
		for (size_t i = 0; i < NHG_AUDIT_CONTROLS; i++) {
			nhg_audit__tally_finish(&a->controls[i].blocked_rules);
			nhg_audit__tally_finish(&a->controls[i].let_rules);
			nhg_audit__tally_finish(&a->controls[i].waivers);
		}
	}
	nhg_audit__tally_free(&r.repos);
	nhg_audit__tally_free(&r.waiver_index);
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
	nhg_audit__tally_free(&a->blocked_rules);
	for (size_t i = 0; i < NHG_AUDIT_CONTROLS; i++) {
		nhg_audit__tally_free(&a->controls[i].blocked_rules);
		nhg_audit__tally_free(&a->controls[i].let_rules);
		nhg_audit__tally_free(&a->controls[i].waivers);
	}
	free(a->log);
	free(a);
}
