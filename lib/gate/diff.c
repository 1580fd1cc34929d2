/*
 * A policy change judged on real input: the gate runs once with the OLD rule
 * packs and once with the NEW ones, and the two verdicts are compared
 * finding by finding (rule id and fingerprint; repeats of one fingerprint,
 * such as one secret in two commits, are paired in path, line, column and
 * commit order).  The packs are first loaded on their own, so that a broken
 * one is named as OLD or NEW, and compared, to name the rules and checks
 * whose definitions differ: a finding that appears can be put down to the
 * rule that changed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "nhigate/gate_diff.h"

bool nhg_rules_diff_blocks(const nhg_verdict *v)
{
	return v->decision == NHG_DECISION_BLOCK || v->would_block;
}

void nhg_rules_diff_free(nhg_rules_diff *d)
{
	if (!d)
		return;
	nhg_verdict_free(&d->old_v);
	nhg_verdict_free(&d->new_v);
	nhg_policy_free(&d->old_policy);
	nhg_policy_free(&d->new_policy);
	nhg_waivers_free(&d->old_waivers);
	nhg_waivers_free(&d->new_waivers);
	free(d->findings);
	free(d->skips);
	for (size_t i = 0; i < d->ndefs; i++)
		free(d->defs[i].id);
	free(d->defs);
	memset(d, 0, sizeof(*d));
}

/* ---- findings --------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Where a finding is: path, line, column, commit. */
static int cmp_place(const nhg_gfinding *x, const nhg_gfinding *y)
{
	int c;
	if ((c = cmp_str(x->path, y->path)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return cmp_str(x->commit, y->commit);
}

/* The identity findings are matched on. */
static int cmp_key(const nhg_gfinding *x, const nhg_gfinding *y)
{
	int c = cmp_str(x->rule, y->rule);
	return c ? c : strcmp(x->fingerprint, y->fingerprint);
}

static int cmp_match(const void *a, const void *b)
{
	const nhg_gfinding *x = *(const nhg_gfinding *const *)a;
	const nhg_gfinding *y = *(const nhg_gfinding *const *)b;
	int c = cmp_key(x, y);
	return c ? c : cmp_place(x, y);
}

/* A verdict's findings as pointers in matching order; NULL on no memory. */
static const nhg_gfinding **sorted(const nhg_verdict *v)
{
	const nhg_gfinding **p = calloc(v->nfindings + 1, sizeof(*p));
	if (!p)
		return NULL;
	for (size_t i = 0; i < v->nfindings; i++)
		p[i] = &v->findings[i];
	qsort(p, v->nfindings, sizeof(*p), cmp_match);
	return p;
}

/*
 * The same secret at the same place: a secret finding under another rule
 * id (a rule renamed, or a precise rule and a generic one trading a span).
 */
static int cmp_secret(const nhg_gfinding *x, const nhg_gfinding *y)
{
	int c = strcmp(x->secret_sha256, y->secret_sha256);
	if (c)
		return c;
	if ((c = cmp_str(x->path, y->path)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return cmp_str(x->commit, y->commit);
}

static int cmp_secret_p(const void *a, const void *b)
{
	return cmp_secret(*(const nhg_gfinding *const *)a, *(const nhg_gfinding *const *)b);
}

/* OLD's blocking secret findings, sorted for blocked_before. */
typedef struct blocked {
	const nhg_gfinding **v;
	size_t n;
} blocked;

static int blocked_init(blocked *b, const nhg_verdict *old)
{
	b->n = 0;
	if (!(b->v = calloc(old->nfindings + 1, sizeof(*b->v))))
		return NHG_ENOMEM;
	for (size_t i = 0; i < old->nfindings; i++)
		if (old->findings[i].status == NHG_STATUS_BLOCKING &&
		    old->findings[i].secret_sha256[0])
			b->v[b->n++] = &old->findings[i];
	qsort(b->v, b->n, sizeof(*b->v), cmp_secret_p);
	return 0;
}

/* OLD already blocked this secret here, under another rule id. */
static bool blocked_before(const blocked *b, const nhg_gfinding *f)
{
	return f->secret_sha256[0] &&
	       bsearch(&f, b->v, b->n, sizeof(*b->v), cmp_secret_p) != NULL;
}

static int add_change(nhg_rules_diff *d, const blocked *b, nhg_rdiff_kind kind,
		      const nhg_gfinding *o, const nhg_gfinding *n)
{
	nhg_rdiff_finding *c;
	if (NHG_ARRAY_RESERVE(d->findings, d->nfindings, d->capfindings, 16))
		return NHG_ENOMEM;
	c = &d->findings[d->nfindings++];
	c->kind = kind;
	c->old_f = o;
	c->new_f = n;
	c->newly_blocking = n && n->status == NHG_STATUS_BLOCKING &&
			    (o ? o->status != NHG_STATUS_BLOCKING : !blocked_before(b, n));
	d->newly_blocks |= c->newly_blocking;
	return 0;
}

static int cmp_change(const void *a, const void *b)
{
	const nhg_rdiff_finding *x = a, *y = b;
	const nhg_gfinding *fx = x->new_f ? x->new_f : x->old_f;
	const nhg_gfinding *fy = y->new_f ? y->new_f : y->old_f;
	int c = cmp_str(fx->rule, fy->rule);
	if (c)
		return c;
	if ((c = cmp_place(fx, fy)) != 0)
		return c;
	return (int)x->kind - (int)y->kind;
}

/* Two findings matched: unchanged, or a change of severity or status. */
static int pair(nhg_rules_diff *d, const blocked *b, const nhg_gfinding *o,
		const nhg_gfinding *n)
{
	if (o->severity != n->severity || o->status != n->status)
		return add_change(d, b, NHG_RDIFF_CHANGES, o, n);
	d->unchanged++;
	return 0;
}

/*
 * One rule and fingerprint: o[0..no) and n[0..nn), each in place order.
 * Findings at the same place pair first; the rest pair in order (a pattern
 * that now starts its match elsewhere on the line), and what is left over
 * appears or disappears.  lo and ln are scratch of no and nn entries.
 */
static int compare_group(nhg_rules_diff *d, const blocked *b, const nhg_gfinding **o, size_t no,
			 const nhg_gfinding **n, size_t nn, const nhg_gfinding **lo,
			 const nhg_gfinding **ln)
{
	size_t i = 0, j = 0, nlo = 0, nln = 0, k;
	int rc = 0;

	while (!rc && (i < no || j < nn)) {
		int c = i == no ? 1 : j == nn ? -1 : cmp_place(o[i], n[j]);
		if (c < 0)
			lo[nlo++] = o[i++];
		else if (c > 0)
			ln[nln++] = n[j++];
		else
			rc = pair(d, b, o[i++], n[j++]);
	}
	for (k = 0; !rc && k < nlo && k < nln; k++)
		rc = pair(d, b, lo[k], ln[k]);
	for (i = k; !rc && i < nlo; i++)
		rc = add_change(d, b, NHG_RDIFF_DISAPPEARS, lo[i], NULL);
	for (j = k; !rc && j < nln; j++)
		rc = add_change(d, b, NHG_RDIFF_APPEARS, NULL, ln[j]);
	return rc;
}

static int compare_findings(nhg_rules_diff *d)
{
	size_t no = d->old_v.nfindings, nn = d->new_v.nfindings, i = 0, j = 0;
	const nhg_gfinding **o = sorted(&d->old_v), **n = sorted(&d->new_v);
	const nhg_gfinding **lo = calloc(no + 1, sizeof(*lo)), **ln = calloc(nn + 1, sizeof(*ln));
	blocked b = { NULL, 0 };
	int rc = o && n && lo && ln && !blocked_init(&b, &d->old_v) ? 0 : NHG_ENOMEM;

	while (!rc && (i < no || j < nn)) {
		int c = i == no ? 1 : j == nn ? -1 : cmp_key(o[i], n[j]);
		size_t i2 = i, j2 = j;
		if (c <= 0)
			while (i2 < no && !cmp_key(o[i2], o[i]))
				i2++;
		if (c >= 0)
			while (j2 < nn && !cmp_key(n[j2], n[j]))
				j2++;
		rc = compare_group(d, &b, o + i, i2 - i, n + j, j2 - j, lo, ln);
		i = i2;
		j = j2;
	}
	free(o);
	free(n);
	free(lo);
	free(ln);
	free(b.v);
	if (!rc && d->nfindings)
		qsort(d->findings, d->nfindings, sizeof(*d->findings), cmp_change);
	return rc;
}

/* ---- skipped content -------------------------------------------------- */

static bool same_skip(const nhg_gskip *a, const nhg_gskip *b)
{
	return !cmp_str(a->path, b->path) && !cmp_str(a->commit, b->commit) &&
	       !cmp_str(a->reason, b->reason);
}

/* Skips of from that to lacks (few in practice: a quadratic look-up will do). */
static int one_sided_skips(nhg_rules_diff *d, const nhg_verdict *from, const nhg_verdict *to,
			   bool in_new)
{
	for (size_t i = 0; i < from->nskipped; i++) {
		bool found = false;
		for (size_t j = 0; j < to->nskipped && !found; j++)
			found = same_skip(&from->skipped[i], &to->skipped[j]);
		if (found)
			continue;
		if (NHG_ARRAY_RESERVE(d->skips, d->nskips, d->capskips, 8))
			return NHG_ENOMEM;
		d->skips[d->nskips].skip = &from->skipped[i];
		d->skips[d->nskips++].in_new = in_new;
	}
	return 0;
}

/* ---- definitions ------------------------------------------------------- */

static bool same_list(const nhg_strlist *a, const nhg_strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool same_node(const nhg_yaml_node *a, const nhg_yaml_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->n != b->n)
		return false;
	if (a->kind == NHG_YAML_SCALAR)
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	for (size_t i = 0; i < a->n; i++)
		if (!same_node(a->items[i], b->items[i]))
			return false;
	return true;
}

static int add_def(nhg_rules_diff *d, const char *id, const char *what, nhg_rdef_kind kind,
		   nhg_rdiff_def **out)
{
	nhg_rdiff_def *x;
	if (NHG_ARRAY_RESERVE(d->defs, d->ndefs, d->capdefs, 16))
		return NHG_ENOMEM;
	x = &d->defs[d->ndefs];
	memset(x, 0, sizeof(*x));
	if (!(x->id = strdup(id)))
		return NHG_ENOMEM;
	x->what = what;
	x->kind = kind;
	d->ndefs++;
	if (out)
		*out = x;
	return 0;
}

#define FIELD(cond, name)                                                    \
	do {                                                                 \
		if (!(cond) && n < NHG_RDEF_MAX_FIELDS)                      \
			f[n++] = (name);                                     \
	} while (0)

/* The keys of two definitions of one rule that differ (at most the array's size). */
static size_t rule_fields(const nhg_rule *a, const nhg_rule *b, const char **f)
{
	size_t n = 0;
	FIELD(a->severity == b->severity, "severity");
	FIELD(!strcmp(a->pattern, b->pattern), "pattern");
	FIELD(same_list(&a->keywords, &b->keywords), "keywords");
	FIELD(fabs(a->entropy - b->entropy) < 1e-9, "entropy");
	FIELD(!cmp_str(a->validate, b->validate), "validate");
	FIELD(same_list(&a->allow, &b->allow), "allow");
	FIELD(same_list(&a->stopwords, &b->stopwords), "stopwords");
	FIELD(same_list(&a->allow_match, &b->allow_match), "allow_match");
	FIELD(same_list(&a->paths, &b->paths), "paths");
	FIELD(a->generic == b->generic, "generic");
	FIELD(a->anchor_identifier == b->anchor_identifier, "anchor");
	FIELD(same_list(&a->controls, &b->controls), "controls");
	FIELD(!cmp_str(a->title, b->title), "title");
	return n;
}

static size_t check_fields(const nhg_check_def *a, const nhg_check_def *b, const char **f)
{
	size_t n = 0;
	FIELD(a->severity == b->severity, "severity");
	FIELD(a->enabled == b->enabled, "enabled");
	FIELD(same_node(a->params, b->params), "params");
	FIELD(same_list(&a->controls, &b->controls), "controls");
	FIELD(!cmp_str(a->title, b->title), "title");
	return n;
}

#undef FIELD

static int compare_rules(nhg_rules_diff *d, const nhg_rulepack *o, const nhg_rulepack *n)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < nhg_rulepack_count(o); i++) {
		const nhg_rule *a = nhg_rulepack_rule(o, i), *b = nhg_rulepack_find(n, a->id);
		const char *f[NHG_RDEF_MAX_FIELDS];
		size_t nf;
		nhg_rdiff_def *x;
		if (!b) {
			rc = add_def(d, a->id, "rule", NHG_RDEF_REMOVED, NULL);
		} else if ((nf = rule_fields(a, b, f)) != 0 &&
			   (rc = add_def(d, a->id, "rule", NHG_RDEF_CHANGED, &x)) == 0) {
			memcpy(x->fields, f, nf * sizeof(*f));
			x->nfields = nf;
		}
	}
	for (size_t i = 0; !rc && i < nhg_rulepack_count(n); i++) {
		const nhg_rule *b = nhg_rulepack_rule(n, i);
		if (!nhg_rulepack_find(o, b->id))
			rc = add_def(d, b->id, "rule", NHG_RDEF_ADDED, NULL);
	}
	if (!rc && (!same_list(nhg_rulepack_allow(o), nhg_rulepack_allow(n)) ||
		    !same_list(nhg_rulepack_stopwords(o), nhg_rulepack_stopwords(n))))
		rc = add_def(d, "allow", "pack", NHG_RDEF_CHANGED, NULL);
	return rc;
}

static int compare_checks(nhg_rules_diff *d, const nhg_catalogue *o, const nhg_catalogue *n)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < nhg_catalogue_count(o); i++) {
		const nhg_check_def *a = nhg_catalogue_check(o, i);
		const nhg_check_def *b = nhg_catalogue_find(n, a->id);
		const char *f[NHG_RDEF_MAX_FIELDS];
		size_t nf;
		nhg_rdiff_def *x;
		if (!b) {
			rc = add_def(d, a->id, "check", NHG_RDEF_REMOVED, NULL);
		} else if ((nf = check_fields(a, b, f)) != 0 &&
			   (rc = add_def(d, a->id, "check", NHG_RDEF_CHANGED, &x)) == 0) {
			memcpy(x->fields, f, nf * sizeof(*f));
			x->nfields = nf;
		}
	}
	for (size_t i = 0; !rc && i < nhg_catalogue_count(n); i++) {
		const nhg_check_def *b = nhg_catalogue_check(n, i);
		if (!nhg_catalogue_find(o, b->id))
			rc = add_def(d, b->id, "check", NHG_RDEF_ADDED, NULL);
	}
	return rc;
}

static int cmp_def(const void *a, const void *b)
{
	const nhg_rdiff_def *x = a, *y = b;
	return strcmp(x->id, y->id);
}

/* The rule pack and checks of one side, each complete, or an error naming the side. */
static int load_side(nhg_rulepack **pack, nhg_catalogue **cat, const char *const *rules,
		     size_t nrules, const char *side, nhg_error *err)
{
	int rc;
	if ((rc = nhg_rulepack_load(pack, rules, nrules, err)) != 0 ||
	    (rc = nhg_catalogue_load(cat, rules, nrules, err)) != 0 ||
	    (rc = nhg_catalogue_complete(*cat, err)) != 0) {
		char msg[sizeof(err->message)];
		if (!err)
			return rc;
		memcpy(msg, err->message, sizeof(msg));
		/* the message keeps what fits: a long one loses its end, never its side */
		snprintf(err->message, sizeof(err->message), "%s: %.*s", side,
			 (int)(sizeof(err->message) - strlen(side) - 3), msg);
	}
	return rc;
}

/* Load both sides (so a broken pack is named as OLD or NEW) and compare them. */
static int compare_defs(nhg_rules_diff *d, const char *const *old_rules, size_t nold,
			const char *const *new_rules, size_t nnew, nhg_error *err)
{
	nhg_rulepack *op = NULL, *np = NULL;
	nhg_catalogue *oc = NULL, *nc = NULL;
	int rc;

	if ((rc = load_side(&op, &oc, old_rules, nold, "OLD", err)) == 0 &&
	    (rc = load_side(&np, &nc, new_rules, nnew, "NEW", err)) == 0 &&
	    ((rc = compare_rules(d, op, np)) != 0 || (rc = compare_checks(d, oc, nc)) != 0))
		rc = nhg_error_set(err, rc, "out of memory");
	if (!rc && d->ndefs)
		qsort(d->defs, d->ndefs, sizeof(*d->defs), cmp_def);
	nhg_catalogue_free(oc);
	nhg_catalogue_free(nc);
	nhg_rulepack_free(op);
	nhg_rulepack_free(np);
	return rc;
}

/* ---- the two runs ------------------------------------------------------ */

static int run_side(nhg_verdict *v, nhg_policy *p, nhg_waivers *w, const nhg_gate_opts *input,
		    const char *const *rules, size_t nrules, const char *side, nhg_error *err)
{
	nhg_gate_opts o = *input;
	int rc;
	o.rules = rules;
	o.nrules = nrules;
	o.findings = NULL;
	o.nfindings = 0;
	/* the packs loaded already: what fails here is the input or the configuration */
	if ((rc = nhg_gate_run(v, p, w, &o, err)) != 0)
		return rc;
	if (v->decision == NHG_DECISION_ERROR)
		return nhg_error_set(err, NHG_EINTERNAL, "%s: the gate gave an error verdict", side);
	return 0;
}

int nhg_rules_diff_run(nhg_rules_diff *d, const nhg_gate_opts *input,
		       const char *const *old_rules, size_t nold,
		       const char *const *new_rules, size_t nnew, nhg_error *err)
{
	int rc;

	memset(d, 0, sizeof(*d));
	nhg_policy_init(&d->old_policy);
	nhg_policy_init(&d->new_policy);
	if (nhg_verdict_init(&d->old_v) || nhg_verdict_init(&d->new_v))
		return nhg_error_set(err, NHG_EINTERNAL, "cannot start a verdict");
	/* both sides are judged on the same day, whatever the clock does between */
	memcpy(d->new_v.today, d->old_v.today, sizeof(d->new_v.today));
	if ((rc = compare_defs(d, old_rules, nold, new_rules, nnew, err)) != 0 ||
	    (rc = run_side(&d->old_v, &d->old_policy, &d->old_waivers, input, old_rules, nold,
			   "OLD", err)) != 0 ||
	    (rc = run_side(&d->new_v, &d->new_policy, &d->new_waivers, input, new_rules, nnew,
			   "NEW", err)) != 0)
		return rc;
	if ((rc = compare_findings(d)) != 0 ||
	    (rc = one_sided_skips(d, &d->old_v, &d->new_v, false)) != 0 ||
	    (rc = one_sided_skips(d, &d->new_v, &d->old_v, true)) != 0)
		return nhg_error_set(err, rc, "out of memory");
	if (!nhg_rules_diff_blocks(&d->old_v) && nhg_rules_diff_blocks(&d->new_v))
		d->newly_blocks = true;
	return 0;
}
