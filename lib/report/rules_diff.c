/*
 * What a rule-pack change does to a verdict (nhigate-rules diff), for people
 * (text) and for tools (JSON, nhigate.rules-diff/v1).  Findings appear in
 * their verdict's redacted form: no secret is ever shown.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/gate_diff.h"
#include "report/json_util.h"

#define MAX_LISTED 500

static const char *const kind_names[] = { "appear", "disappear", "change" };
static const char *const def_names[] = { "added", "removed", "changed" };

static size_t count_kind(const nhg_rules_diff *d, nhg_rdiff_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nfindings; i++)
		n += d->findings[i].kind == k;
	return n;
}

static size_t count_newly(const nhg_rules_diff *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nfindings; i++)
		n += d->findings[i].newly_blocking;
	return n;
}

static const char *rule_of(const nhg_rdiff_finding *c)
{
	return (c->new_f ? c->new_f : c->old_f)->rule;
}

/* A rule was removed and another added: findings may have moved between them. */
static bool renamed_maybe(const nhg_rules_diff *d)
{
	bool added = false, removed = false;
	for (size_t i = 0; i < d->ndefs; i++) {
		added |= d->defs[i].kind == NHG_RDEF_ADDED && !strcmp(d->defs[i].what, "rule");
		removed |= d->defs[i].kind == NHG_RDEF_REMOVED && !strcmp(d->defs[i].what, "rule");
	}
	return added && removed;
}

/* "block", "block (report-only)", "pass" ... */
static const char *decision_text(const nhg_verdict *v)
{
	if (v->would_block)
		return "block (report-only: passes)";
	return nhg_decision_name(v->decision);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *side_json(const nhg_verdict *v, const char *name)
{
	json_t *reasons = json_array();
	for (size_t i = 0; reasons && i < v->nreasons; i++)
		json_array_append_new(reasons, nhg_rj_str(v->reasons[i]));
	return json_pack("{s:o, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:o}", "rules",
			 nhg_rj_str(name), "policy_sha256", v->policy_sha256, "decision",
			 nhg_decision_name(v->decision), "would_block", v->would_block, "blocks",
			 nhg_rules_diff_blocks(v), "findings", (json_int_t)v->nfindings,
			 "blocking", (json_int_t)nhg_verdict_count(v, NHG_STATUS_BLOCKING),
			 "waived", (json_int_t)nhg_verdict_count(v, NHG_STATUS_WAIVED),
			 "advisory", (json_int_t)nhg_verdict_count(v, NHG_STATUS_ADVISORY),
			 "skipped", (json_int_t)v->nskipped, "reasons", reasons);
}

static json_t *finding_or_null(const nhg_gfinding *f)
{
	return f ? nhg_rj_gfinding(f) : json_null();
}

static json_t *changes_json(const nhg_rules_diff *d)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < d->nfindings; i++) {
		const nhg_rdiff_finding *c = &d->findings[i];
		json_array_append_new(a, json_pack("{s:o, s:s, s:b, s:o, s:o}", "rule",
						   nhg_rj_str(rule_of(c)), "change",
						   kind_names[c->kind], "newly_blocking",
						   c->newly_blocking, "old", finding_or_null(c->old_f),
						   "new", finding_or_null(c->new_f)));
	}
	return a;
}

/* Per rule: how many findings appear, disappear, change, newly block. */
static json_t *per_rule_json(const nhg_rules_diff *d)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < d->nfindings;) {
		const char *rule = rule_of(&d->findings[i]);
		json_int_t n[3] = { 0, 0, 0 }, newly = 0;
		for (; i < d->nfindings && !strcmp(rule_of(&d->findings[i]), rule); i++) {
			n[d->findings[i].kind]++;
			newly += d->findings[i].newly_blocking;
		}
		json_array_append_new(a, json_pack("{s:o, s:I, s:I, s:I, s:I}", "rule",
						   nhg_rj_str(rule), "appear", n[0], "disappear",
						   n[1], "change", n[2], "newly_blocking", newly));
	}
	return a;
}

static json_t *defs_json(const nhg_rules_diff *d)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < d->ndefs; i++) {
		const nhg_rdiff_def *x = &d->defs[i];
		json_t *fields = json_array();
		for (size_t j = 0; fields && j < x->nfields; j++)
			json_array_append_new(fields, json_string(x->fields[j]));
		json_array_append_new(a, json_pack("{s:o, s:s, s:s, s:o}", "id", nhg_rj_str(x->id),
						   "kind", x->what, "change", def_names[x->kind],
						   "fields", fields));
	}
	return a;
}

static json_t *skips_json(const nhg_rules_diff *d)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < d->nskips; i++) {
		const nhg_gskip *s = d->skips[i].skip;
		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o}", "side",
						   d->skips[i].in_new ? "new" : "old", "path",
						   nhg_rj_str(s->path), "commit", nhg_rj_str(s->commit),
						   "reason", nhg_rj_str(s->reason)));
	}
	return a;
}

static int render_json(nhg_buf *out, const nhg_rules_diff *d, const char *old_name,
		       const char *new_name, nhg_error *err)
{
	json_t *summary = json_pack("{s:I, s:I, s:I, s:I, s:I}", "appear",
				    (json_int_t)count_kind(d, NHG_RDIFF_APPEARS), "disappear",
				    (json_int_t)count_kind(d, NHG_RDIFF_DISAPPEARS), "change",
				    (json_int_t)count_kind(d, NHG_RDIFF_CHANGES), "unchanged",
				    (json_int_t)d->unchanged, "newly_blocking",
				    (json_int_t)count_newly(d));
	return nhg_rj_write(out, json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o}",
					   "schema", "nhigate.rules-diff/v1", "subject",
					   nhg_rj_subject(&d->old_v.subject), "old",
					   side_json(&d->old_v, old_name), "new",
					   side_json(&d->new_v, new_name), "newly_blocks",
					   d->newly_blocks, "summary", summary, "definitions",
					   defs_json(d), "per_rule", per_rule_json(d), "changes",
					   changes_json(d), "skipped", skips_json(d)),
			    false, err);
}

/* ---- text --------------------------------------------------------------- */

static int where(nhg_buf *out, const nhg_gfinding *f)
{
	int rc = nhg_buf_printf(out, "%s:%u:%u", f->path, f->line, f->column);
	if (!rc && f->commit)
		rc = nhg_buf_printf(out, " @%.12s", f->commit);
	if (!rc && f->job)
		rc = nhg_buf_printf(out, " job %s%s%s", f->job, f->step ? " step " : "",
				    f->step ? f->step : "");
	return rc;
}

static int change_line(nhg_buf *out, const nhg_rdiff_finding *c)
{
	static const char mark[] = { '+', '-', '~' };
	const nhg_gfinding *f = c->new_f ? c->new_f : c->old_f;
	const nhg_gfinding *o = c->old_f, *n = c->new_f;
	int rc = nhg_buf_printf(out, "  %c %-10s", mark[c->kind], kind_names[c->kind]);

	if (!rc)
		rc = where(out, f);
	if (!rc && c->kind != NHG_RDIFF_CHANGES)
		rc = nhg_buf_printf(out, "  %s, %s", nhg_severity_name(f->severity),
				    nhg_status_name(f->status));
	else if (!rc && o->severity != n->severity)
		rc = nhg_buf_printf(out, "  severity %s -> %s", nhg_severity_name(o->severity),
				    nhg_severity_name(n->severity));
	if (!rc && c->kind == NHG_RDIFF_CHANGES && o->status != n->status)
		rc = nhg_buf_printf(out, "%sstatus %s -> %s",
				    o->severity != n->severity ? ", " : "  ",
				    nhg_status_name(o->status), nhg_status_name(n->status));
	if (!rc && f->message)
		rc = nhg_buf_printf(out, "  %s", f->message);
	if (!rc && c->newly_blocking)
		rc = nhg_buf_puts(out, "  [newly blocking]");
	return rc ? rc : nhg_buf_putc(out, '\n');
}

static int defs_text(nhg_buf *out, const nhg_rules_diff *d)
{
	int rc = d->ndefs ? nhg_buf_puts(out, "\nDefinitions that differ:\n") : 0;
	for (size_t i = 0; !rc && i < d->ndefs; i++) {
		const nhg_rdiff_def *x = &d->defs[i];
		rc = nhg_buf_printf(out, "  %-8s %-5s %s", def_names[x->kind], x->what, x->id);
		for (size_t j = 0; !rc && j < x->nfields; j++)
			rc = nhg_buf_printf(out, "%s%s", j ? ", " : " (", x->fields[j]);
		if (!rc)
			rc = nhg_buf_puts(out, x->nfields ? ")\n" : "\n");
	}
	if (!rc && renamed_maybe(d))
		rc = nhg_buf_puts(out, "  (a secret's fingerprint includes its rule id: a finding "
				  "of a renamed rule disappears\n   under the old id and appears "
				  "under the new one)\n");
	return rc;
}

static int changes_text(nhg_buf *out, const nhg_rules_diff *d)
{
	const char *rule = NULL;
	size_t shown = 0;
	int rc = 0;
	for (size_t i = 0; !rc && i < d->nfindings && shown < MAX_LISTED; i++, shown++) {
		const nhg_rdiff_finding *c = &d->findings[i];
		if (!rule || strcmp(rule, rule_of(c)))
			rc = nhg_buf_printf(out, "\n%s\n", (rule = rule_of(c)));
		if (!rc)
			rc = change_line(out, c);
	}
	if (!rc && d->nfindings > shown)
		rc = nhg_buf_printf(out, "\n... and %zu more changes (see --format json)\n",
				    d->nfindings - shown);
	return rc;
}

static int skips_text(nhg_buf *out, const nhg_rules_diff *d)
{
	int rc = d->nskips ? nhg_buf_puts(out, "\nCould not be scanned with one side only:\n") : 0;
	for (size_t i = 0; !rc && i < d->nskips; i++) {
		const nhg_gskip *s = d->skips[i].skip;
		rc = nhg_buf_printf(out, "  %s only: %s%s%.12s: %s\n",
				    d->skips[i].in_new ? "NEW" : "OLD", s->path,
				    s->commit ? " @" : "", s->commit ? s->commit : "", s->reason);
	}
	return rc;
}

static int verdict_text(nhg_buf *out, const nhg_rules_diff *d)
{
	size_t newly = count_newly(d);
	if (!d->newly_blocks)
		return nhg_buf_puts(out, "\nNEW blocks nothing that OLD let through.\n");
	if (newly)
		return nhg_buf_printf(out, "\nNEW newly blocks: %zu finding%s block%s that did not "
				      "with OLD%s.\n", newly, newly == 1 ? "" : "s",
				      newly == 1 ? "s" : "",
				      nhg_rules_diff_blocks(&d->old_v) ? "" : "; the verdict turns "
				      "from pass to block");
	return nhg_buf_puts(out, "\nNEW newly blocks: the verdict turns from pass to block.\n");
}

static int render_text(nhg_buf *out, const nhg_rules_diff *d, const char *old_name,
		       const char *new_name)
{
	int rc = nhg_buf_printf(out, "OLD %s  (policy %.12s)\nNEW %s  (policy %.12s)\n\n",
				old_name, d->old_v.policy_sha256, new_name,
				d->new_v.policy_sha256);
	if (!rc)
		rc = nhg_buf_printf(out, "verdict   %s -> %s\n", decision_text(&d->old_v),
				    decision_text(&d->new_v));
	if (!rc)
		rc = nhg_buf_printf(out, "findings  %zu -> %zu (blocking %zu -> %zu): %zu appear, "
				    "%zu disappear, %zu change, %zu unchanged\n",
				    d->old_v.nfindings, d->new_v.nfindings,
				    nhg_verdict_count(&d->old_v, NHG_STATUS_BLOCKING),
				    nhg_verdict_count(&d->new_v, NHG_STATUS_BLOCKING),
				    count_kind(d, NHG_RDIFF_APPEARS), count_kind(d, NHG_RDIFF_DISAPPEARS),
				    count_kind(d, NHG_RDIFF_CHANGES), d->unchanged);
	if (!rc)
		rc = defs_text(out, d);
	if (!rc)
		rc = changes_text(out, d);
	if (!rc)
		rc = skips_text(out, d);
	if (!rc)
		rc = verdict_text(out, d);
	return rc;
}

int nhg_report_rules_diff(nhg_buf *out, const nhg_rules_diff *d, const char *old_name,
			  const char *new_name, const char *format, nhg_error *err)
{
	int rc;
	if (!strcmp(format, "json"))
		return render_json(out, d, old_name, new_name, err);
	if (strcmp(format, "text"))
		return nhg_error_set(err, NHG_EUSAGE, "unknown format '%s' (text or json)", format);
	if ((rc = render_text(out, d, old_name, new_name)) != 0)
		return nhg_error_set(err, rc, "report too large");
	return 0;
}
