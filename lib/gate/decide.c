/*
 * Deciding: the policy and waivers turn a verdict's findings into statuses
 * and the verdict into pass, block or breakglass, with the reasons why.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fnmatch.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/gate.h"
#include "nhigate/glob.h"

#define EXPIRING_DAYS 14
#define LISTED_REASONS 10

static bool any_glob(const nhg_strlist *l, const char *s, bool path)
{
	for (size_t i = 0; i < l->n; i++)
		if (path ? nhg_glob_match(l->v[i], s) : fnmatch(l->v[i], s, 0) == 0)
			return true;
	return false;
}

static bool waiver_matches(const nhg_waiver *w, const nhg_gfinding *f, const char *ref)
{
	if (fnmatch(w->rule, f->rule, 0) != 0)
		return false;
	if (w->fingerprint && strcmp(w->fingerprint, f->fingerprint))
		return false;
	if (w->paths.n && !any_glob(&w->paths, f->path, true))
		return false;
	if (w->refs.n && (!ref || !any_glob(&w->refs, ref, false)))
		return false;
	return true;
}

/* Waive f with the first valid waiver that matches; count expired matches. */
static void apply_waivers(nhg_verdict *v, nhg_gfinding *f)
{
	for (size_t i = 0; i < v->nwaivers; i++) {
		nhg_wstatus *ws = &v->waivers[i];
		if (!waiver_matches(ws->waiver, f, v->subject.ref))
			continue;
		ws->matched++;
		if (ws->state == NHG_WAIVER_EXPIRED)
			continue;
		f->status = NHG_STATUS_WAIVED;
		f->waiver = ws->waiver;
		return;
	}
}

static void set_status(nhg_verdict *v, const nhg_policy *p, nhg_gfinding *f)
{
	f->severity = nhg_policy_severity(p, f->rule, f->severity);
	f->status = NHG_STATUS_BLOCKING;
	f->why = NULL;
	f->waiver = NULL;
	apply_waivers(v, f);
	if (f->status == NHG_STATUS_WAIVED)
		return;
	if (f->inline_allowed && p->inline_allow)
		f->why = "allowed by an inline marker";
	else if (f->severity < p->block_on)
		f->why = "below the policy's block_on";
	else if (f->existing && !p->block_existing)
		f->why = "already in the base version";
	if (f->why)
		f->status = NHG_STATUS_ADVISORY;
}

static int cmp_finding(const void *a, const void *b)
{
	const nhg_gfinding *x = a, *y = b;
	int c;
	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

/* True when reason matches the policy's compiled reason_pattern (or there is none). */
static bool reason_ok(const nhg_policy *p, const char *reason)
{
	pcre2_match_data *md;
	int rc;

	if (!p->breakglass_re)
		return true;
	md = pcre2_match_data_create_from_pattern(p->breakglass_re, NULL);
	rc = md ? pcre2_match(p->breakglass_re, (PCRE2_SPTR)reason, strlen(reason), 0, 0, md, NULL)
		: -1;
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* Why a break-glass request cannot be granted, or NULL when it can. */
static const char *breakglass_refusal(const nhg_verdict *v, const nhg_policy *p)
{
	const char *actor = v->subject.actor;
	if (!*v->breakglass.reason)
		return "the reason is empty";
	if (!reason_ok(p, v->breakglass.reason))
		return "the reason does not match the policy's reason_pattern";
	if (!p->breakglass_allowed.n)
		return "the policy allows nobody to break glass";
	if (!actor || !*actor)
		return "the actor is unknown";
	for (size_t i = 0; i < p->breakglass_allowed.n; i++)
		if (fnmatch(p->breakglass_allowed.v[i], actor, 0) == 0)
			return NULL;
	return "the actor is not allowed to break glass by the policy";
}

static int decide_breakglass(nhg_verdict *v, const nhg_policy *p)
{
	nhg_breakglass *bg = &v->breakglass;
	const char *why;

	if (!bg->reason)
		return 0;
	if (v->decision != NHG_DECISION_BLOCK)
		why = "nothing was blocked";
	else
		why = breakglass_refusal(v, p);
	if (!why) {
		bg->accepted = true;
		v->decision = NHG_DECISION_BREAKGLASS;
		return nhg_verdict_add_reason(v, "BREAK-GLASS by %s: \"%s\" — this change would "
					      "have been blocked; it is allowed and recorded",
					      v->subject.actor, bg->reason);
	}
	if (!(bg->refused = strdup(why)))
		return NHG_ENOMEM;
	return nhg_verdict_add_reason(v, "break-glass requested by %s was refused: %s",
				      v->subject.actor ? v->subject.actor : "an unknown actor", why);
}

static int blocking_reasons(nhg_verdict *v, size_t nblock)
{
	size_t shown = 0;
	int rc = nhg_verdict_add_reason(v, "%zu blocking finding%s (severity %s or above)",
					nblock, nblock == 1 ? "" : "s",
					nhg_severity_name(v->block_on));
	v->listed_from = v->nreasons;
	for (size_t i = 0; !rc && i < v->nfindings && shown < LISTED_REASONS; i++) {
		const nhg_gfinding *f = &v->findings[i];
		if (f->status != NHG_STATUS_BLOCKING)
			continue;
		shown++;
		/* no message: reasons go to the decision log, which holds no finding text */
		rc = nhg_verdict_add_reason(v, "%s %s at %s:%u", nhg_severity_name(f->severity),
					    f->rule, f->path, f->line);
	}
	if (!rc && nblock > shown)
		rc = nhg_verdict_add_reason(v, "... and %zu more blocking findings", nblock - shown);
	v->listed_to = v->nreasons;
	return rc;
}

static int waiver_reasons(nhg_verdict *v)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < v->nwaivers; i++) {
		const nhg_wstatus *ws = &v->waivers[i];
		if (ws->state == NHG_WAIVER_EXPIRED && ws->matched)
			rc = nhg_verdict_add_reason(v, "waiver %s expired on %s: its %zu finding%s "
						    "count again", ws->waiver->id,
						    ws->waiver->expires, ws->matched,
						    ws->matched == 1 ? "" : "s");
	}
	return rc;
}

/* Identity of a finding for de-duplication: one report of one thing. */
static int cmp_identity(const void *a, const void *b)
{
	const nhg_gfinding *x = a, *y = b;
	int c;
	if ((c = strcmp(x->fingerprint, y->fingerprint)) != 0 || (c = strcmp(x->rule, y->rule)) != 0 ||
	    (c = strcmp(x->path, y->path)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->commit ? x->commit : "", y->commit ? y->commit : "");
}

/* The same finding read twice (a scan and its own JSON given to --findings) counts once. */
static void dedupe(nhg_verdict *v)
{
	size_t keep = 0;
	if (v->nfindings < 2)
		return;
	qsort(v->findings, v->nfindings, sizeof(*v->findings), cmp_identity);
	for (size_t i = 0; i < v->nfindings; i++) {
		if (keep && !cmp_identity(&v->findings[keep - 1], &v->findings[i])) {
			nhg_gfinding_clear(&v->findings[i]);
			continue;
		}
		v->findings[keep++] = v->findings[i];
	}
	v->nfindings = keep;
}

int nhg_verdict_decide(nhg_verdict *v, const nhg_policy *p, const nhg_waivers *w)
{
	size_t nblock, nskip;
	int rc;

	/* deciding again starts afresh (an error stays, with its reason) */
	if (v->decision != NHG_DECISION_ERROR) {
		for (size_t i = 0; i < v->nreasons; i++)
			free(v->reasons[i]);
		v->nreasons = 0;
	}
	v->listed_from = v->listed_to = 0;
	free(v->breakglass.refused);
	v->breakglass.refused = NULL;
	v->breakglass.accepted = false;
	v->would_block = false;
	v->enforce = p->enforce;
	v->block_on = p->block_on;
	free(v->profile);
	v->profile = NULL;
	if (p->profile && !(v->profile = strdup(p->profile)))
		return NHG_ENOMEM;
	free(v->waivers);
	v->waivers = NULL;
	v->nwaivers = 0;
	if (w && w->n && !(v->waivers = calloc(w->n, sizeof(*v->waivers))))
		return NHG_ENOMEM;
	for (size_t i = 0; w && i < w->n; i++) {
		nhg_wstatus *ws = &v->waivers[v->nwaivers++];
		ws->waiver = &w->v[i];
		ws->days_left = nhg_date_diff(v->today, w->v[i].expires);
		ws->state = ws->days_left <= 0 ? NHG_WAIVER_EXPIRED : NHG_WAIVER_UNUSED;
		ws->expiring = ws->days_left > 0 && ws->days_left <= EXPIRING_DAYS;
	}
	dedupe(v);
	for (size_t i = 0; i < v->nfindings; i++)
		set_status(v, p, &v->findings[i]);
	for (size_t i = 0; i < v->nwaivers; i++)
		if (v->waivers[i].state != NHG_WAIVER_EXPIRED && v->waivers[i].matched)
			v->waivers[i].state = NHG_WAIVER_APPLIED;
	if (v->nfindings)
		qsort(v->findings, v->nfindings, sizeof(*v->findings), cmp_finding);

	if (v->decision == NHG_DECISION_ERROR)
		return 0;
	nblock = nhg_verdict_count(v, NHG_STATUS_BLOCKING);
	/* the time budget's own entry is judged by on_timeout, the rest by skipped */
	nskip = v->nskipped - (v->timed_out ? 1 : 0);
	v->decision = nblock || (nskip && p->skipped_block) || (v->timed_out && p->timeout_block)
		      ? NHG_DECISION_BLOCK : NHG_DECISION_PASS;
	if (nblock && (rc = blocking_reasons(v, nblock)) != 0)
		return rc;
	if (v->timed_out &&
	    (rc = nhg_verdict_add_reason(v, "the time budget ran out before the scan finished%s",
					 p->timeout_block ? " (fail closed: policy on_timeout: block)"
							  : " (allowed unscanned by policy on_timeout: allow)")))
		return rc;
	if (nskip &&
	    (rc = nhg_verdict_add_reason(v, "%zu item%s could not be scanned%s", nskip,
					 nskip == 1 ? "" : "s",
					 p->skipped_block ? " (fail closed: policy skipped: block)"
							  : " (allowed by policy skipped: warn)")))
		return rc;
	if ((rc = waiver_reasons(v)) != 0)
		return rc;
	if (v->decision == NHG_DECISION_BLOCK && !p->enforce) {
		v->would_block = true;
		v->decision = NHG_DECISION_PASS;
		if ((rc = nhg_verdict_add_reason(v, "report-only (policy enforce: false): this "
						 "change would be blocked")))
			return rc;
	}
	if (v->decision == NHG_DECISION_PASS && !v->would_block && !v->nreasons &&
	    (rc = nhg_verdict_add_reason(v, "no blocking findings (%zu waived, %zu advisory)",
					 nhg_verdict_count(v, NHG_STATUS_WAIVED),
					 nhg_verdict_count(v, NHG_STATUS_ADVISORY))))
		return rc;
	return decide_breakglass(v, p);
}
