/*
 * SARIF 2.1.0 for a gate verdict, shaped for GitHub code scanning.
 *
 * One run, whose driver is nhigate: the gate is what decided on every
 * finding, so findings read from other tools (--findings) sit in the same
 * run under their own rule ids, with the tool named in the rule's and the
 * result's properties; when two tools use the same rule id, the later one
 * becomes "TOOL/ID".  A result's level is the verdict's, not the rule's:
 * blocking is "error", advisory "warning", waived "note".  Waived results
 * carry no "suppressions" (GitHub would not honour them); their waiver is in
 * the message and the properties.  Content that could not be scanned is a
 * tool execution notification, and the decision is in the invocation and
 * the run's properties.  Columns are bytes: endColumn is one past the last.
 * A run holds at most 25,000 results, the most severe blocking ones first
 * (the verdict's order); a notification says how many were left out.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INFO_URI "https://github.com/nhigate/nhigate"
#define SRCROOT "%SRCROOT%"
#define MAX_RESULTS 25000 /* GitHub code scanning rejects a run with more */

/* A JSON string of s ("" for NULL); bytes that are not UTF-8 become \xNN escapes. */
static json_t *jstr(const char *s)
{
	return nhg_rj_str(s ? s : "");
}

/* 1 when the member could not be set (v is NULL after a failed allocation). */
static json_t *text_msg(const char *s)
{
	json_t *o = json_object();
	if (o && nhg_rj_set(o, "text", jstr(s))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A repository-relative path as a URI reference: '/' kept, all else but unreserved escaped. */
static json_t *path_uri(const char *path)
{
	nhg_buf b = NHG_BUF_INIT(1u << 16);
	json_t *j = NULL;
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)path; *p && !rc; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			rc = nhg_buf_putc(&b, (char)*p);
		else
			rc = nhg_buf_printf(&b, "%%%02X", *p);
	}
	if (!rc)
		j = json_string(b.ptr);
	nhg_buf_free(&b);
	return j;
}

static const char *tool_of(const nhg_gfinding *f)
{
	return f->tool && *f->tool ? f->tool : "nhigate";
}

static const char *security_severity(nhg_severity s)
{
	switch (s) {
	case NHG_SEV_CRITICAL: return "9.5";
	case NHG_SEV_HIGH: return "8.0";
	case NHG_SEV_MEDIUM: return "5.5";
	default: return "3.0";
	}
}

static const char *result_level(nhg_status s)
{
	return s == NHG_STATUS_BLOCKING ? "error" : s == NHG_STATUS_WAIVED ? "note" : "warning";
}

/* ---- rules ------------------------------------------------------------ */

typedef struct srule {
	const nhg_gfinding *f;  /* the first finding of the rule */
	char *id;               /* as written in the log */
	nhg_severity severity;  /* the highest among its findings */
} srule;

typedef struct rtable {
	srule *v;
	size_t n;
	size_t *of;             /* per finding: its rule's index */
} rtable;

static void rtable_free(rtable *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].id);
	free(t->v);
	free(t->of);
}

static int rtable_build(rtable *t, const nhg_verdict *v)
{
	memset(t, 0, sizeof(*t));
	if (!v->nfindings)
		return 0;
	if (!(t->v = calloc(v->nfindings, sizeof(*t->v))) ||
	    !(t->of = calloc(v->nfindings, sizeof(*t->of))))
		return NHG_ENOMEM;
	for (size_t i = 0; i < v->nfindings; i++) {
		const nhg_gfinding *f = &v->findings[i];
		const char *rule = f->rule ? f->rule : "unknown";
		bool taken = false;
		size_t j;
		for (j = 0; j < t->n; j++) {
			const nhg_gfinding *g = t->v[j].f;
			if (!strcmp(tool_of(g), tool_of(f)) && !strcmp(g->rule ? g->rule : "unknown", rule))
				break;
			taken |= !strcmp(t->v[j].id, rule);
		}
		if (j == t->n) {
			size_t len = strlen(tool_of(f)) + strlen(rule) + 2;
			srule *r = &t->v[t->n];
			if (!(r->id = malloc(len)))
				return NHG_ENOMEM;
			if (taken)
				snprintf(r->id, len, "%s/%s", tool_of(f), rule);
			else
				snprintf(r->id, len, "%s", rule);
			r->f = f;
			r->severity = f->severity;
			t->n++;
		} else if (f->severity > t->v[j].severity) {
			t->v[j].severity = f->severity;
		}
		t->of[i] = j;
	}
	return 0;
}

/* A friendly name from an id: "github-pat" -> "GithubPat". */
static json_t *camel_name(const char *id)
{
	nhg_buf b = NHG_BUF_INIT(4096);
	json_t *j = NULL;
	bool start = true;
	int rc = 0;
	for (const char *p = id; *p && !rc; p++) {
		char c = *p;
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum) {
			start = true;
			continue;
		}
		if (start && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!start && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		rc = nhg_buf_putc(&b, c);
		start = false;
	}
	if (!rc)
		j = json_string(b.len ? b.ptr : "Rule");
	nhg_buf_free(&b);
	return j;
}

static const char *control_title(const char *id)
{
	for (size_t i = 0; i < nhg_controls_count(); i++)
		if (!strcmp(nhg_control_id(i), id))
			return nhg_control_title(i);
	return NULL;
}

static const char *default_help(const nhg_gfinding *f)
{
	switch (f->origin) {
	case NHG_ORIGIN_SECRETS:
		return "Remove the credential from the change, revoke and rotate it, and have the "
		       "code read it at run time from a secret store.";
	case NHG_ORIGIN_PIPELINE:
		return "Narrow the pipeline's credential to what the job needs.";
	default:
		return "See the documentation of the tool that reported it.";
	}
}

static json_t *rule_json(const srule *r, const nhg_verdict *v)
{
	const nhg_gfinding *f = r->f;
	const char *title = f->title && *f->title ? f->title : r->id;
	const char *help = f->help && *f->help ? f->help : default_help(f);
	nhg_buf full = NHG_BUF_INIT(1u << 16), md = NHG_BUF_INIT(1u << 16);
	json_t *o = json_object(), *tags = json_array(), *props = json_object(), *hlp = json_object();
	int bad = !o || !tags || !props || !hlp;

	bad |= nhg_buf_printf(&full, "%s. Reported by %s (%s), %s severity.", title, tool_of(f),
			      nhg_origin_name(f->origin), nhg_severity_name(r->severity)) != 0;
	bad |= nhg_buf_printf(&md, "**%s**\n\n%s\n", title, help) != 0;
	if (f->controls.n)
		bad |= nhg_buf_puts(&full, " Evidence for:") != 0 ||
		       nhg_buf_puts(&md, "\nEvidence for:\n\n") != 0;
	for (size_t i = 0; i < f->controls.n; i++) {
		const char *ct = control_title(f->controls.v[i]);
		bad |= nhg_buf_printf(&full, "%s %s", i ? "," : "", f->controls.v[i]) != 0;
		bad |= nhg_buf_printf(&md, "- `%s`%s%s\n", f->controls.v[i], ct ? ": " : "",
				      ct ? ct : "") != 0;
	}
	if (f->controls.n)
		bad |= nhg_buf_putc(&full, '.') != 0;

	bad |= nhg_rj_add(tags, json_string("security"));
	bad |= nhg_rj_add(tags, json_string(f->origin == NHG_ORIGIN_SECRETS ? "secrets" :
				     f->origin == NHG_ORIGIN_PIPELINE ? "ci-pipeline" : "external"));
	if (f->origin == NHG_ORIGIN_SECRETS)   /* hard-coded credentials */
		bad |= nhg_rj_add(tags, json_string("external/cwe/cwe-798"));
	for (size_t i = 0; i < f->controls.n; i++) {
		size_t k;
		for (k = 0; k < i && strcmp(f->controls.v[k], f->controls.v[i]); k++)
			;
		if (k == i)   /* SARIF wants tags unique */
			bad |= nhg_rj_add(tags, jstr(f->controls.v[i]));
	}
	bad |= nhg_rj_set(props, "tags", tags);
	bad |= nhg_rj_set(props, "security-severity", json_string(security_severity(r->severity)));
	bad |= nhg_rj_set(props, "precision", json_string(f->origin == NHG_ORIGIN_EXTERNAL ? "medium" : "high"));
	bad |= nhg_rj_set(props, "origin", json_string(nhg_origin_name(f->origin)));
	bad |= nhg_rj_set(props, "tool", jstr(tool_of(f)));

	bad |= nhg_rj_set(hlp, "text", jstr(help));
	bad |= nhg_rj_set(hlp, "markdown", jstr(md.ptr));

	bad |= nhg_rj_set(o, "id", jstr(r->id));
	bad |= nhg_rj_set(o, "name", camel_name(r->id));
	bad |= nhg_rj_set(o, "shortDescription", text_msg(title));
	bad |= nhg_rj_set(o, "fullDescription", text_msg(full.ptr));
	bad |= nhg_rj_set(o, "help", hlp);
	bad |= nhg_rj_set(o, "defaultConfiguration",
		   json_pack("{s:s}", "level", r->severity >= v->block_on ? "error" : "warning"));
	bad |= nhg_rj_set(o, "properties", props);
	nhg_buf_free(&full);
	nhg_buf_free(&md);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- results ---------------------------------------------------------- */


static json_t *location_json(const nhg_gfinding *f)
{
	json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *reg;
	int bad = !loc || !phys || !art;

	bad |= nhg_rj_set(art, "uri", path_uri(f->path));
	bad |= nhg_rj_set(art, "uriBaseId", json_string(SRCROOT));
	bad |= nhg_rj_set(phys, "artifactLocation", art);
	if (f->line >= 1) {   /* SARIF lines start at 1: no region when unknown */
		reg = json_object();
		bad |= !reg;
		bad |= nhg_rj_set(reg, "startLine", json_integer(f->line));
		if (f->column >= 1) {
			bad |= nhg_rj_set(reg, "startColumn", json_integer(f->column));
			if (f->end_column >= f->column)
				bad |= nhg_rj_set(reg, "endColumn", json_integer((json_int_t)f->end_column + 1));
		}
		bad |= nhg_rj_set(phys, "region", reg);
	}
	bad |= nhg_rj_set(loc, "physicalLocation", phys);
	if (bad) {
		json_decref(loc);
		return NULL;
	}
	return loc;
}

static json_t *result_json(const nhg_verdict *v, const nhg_gfinding *f, const rtable *t, size_t i)
{
	nhg_buf msg = NHG_BUF_INIT(1u << 16);
	json_t *o = json_object(), *fp = json_object(), *props = json_object(),
	       *controls = json_array(), *locs = json_array();
	const char *text = f->message && *f->message ? f->message
			 : f->title && *f->title ? f->title : t->v[t->of[i]].id;
	int bad = !o || !fp || !props || !controls || !locs;

	bad |= nhg_buf_puts(&msg, text) != 0;
	if (f->redacted && !strstr(text, f->redacted))
		bad |= nhg_buf_printf(&msg, " (%s)", f->redacted) != 0;
	bad |= nhg_buf_puts(&msg, " [") != 0 || nhg_rj_status_note(&msg, v, f) != 0 ||
	       nhg_buf_putc(&msg, ']') != 0;

	bad |= nhg_rj_set(o, "ruleId", jstr(t->v[t->of[i]].id));
	bad |= nhg_rj_set(o, "ruleIndex", json_integer((json_int_t)t->of[i]));
	bad |= nhg_rj_set(o, "level", json_string(result_level(f->status)));
	bad |= nhg_rj_set(o, "message", text_msg(msg.ptr));
	if (f->path && *f->path)
		bad |= nhg_rj_add(locs, location_json(f));
	bad |= nhg_rj_set(o, "locations", locs);

	bad |= nhg_rj_set(fp, "nhigate/v1", json_string(f->fingerprint));
	if (f->secret_sha256[0])
		bad |= nhg_rj_set(fp, "secretSha256/v1", json_string(f->secret_sha256));
	bad |= nhg_rj_set(o, "partialFingerprints", fp);

	for (size_t k = 0; k < f->controls.n; k++)
		bad |= nhg_rj_add(controls, jstr(f->controls.v[k]));
	bad |= nhg_rj_set(props, "status", json_string(nhg_status_name(f->status)));
	bad |= nhg_rj_set(props, "severity", json_string(nhg_severity_name(f->severity)));
	bad |= nhg_rj_set(props, "origin", json_string(nhg_origin_name(f->origin)));
	bad |= nhg_rj_set(props, "tool", jstr(tool_of(f)));
	bad |= nhg_rj_set(props, "commit", nhg_rj_str(f->commit));
	if (f->job)
		bad |= nhg_rj_set(props, "job", jstr(f->job));
	if (f->step)
		bad |= nhg_rj_set(props, "step", jstr(f->step));
	if (f->redacted)
		bad |= nhg_rj_set(props, "redacted", jstr(f->redacted));
	bad |= nhg_rj_set(props, "waiver", f->status == NHG_STATUS_WAIVED && f->waiver ?
		   jstr(f->waiver->id) : json_null());
	if (f->status == NHG_STATUS_WAIVED && f->waiver)
		bad |= nhg_rj_set(props, "waiverExpires", jstr(f->waiver->expires));
	if (f->status == NHG_STATUS_ADVISORY && f->why)
		bad |= nhg_rj_set(props, "why", jstr(f->why));
	if (f->existing)
		bad |= nhg_rj_set(props, "existing", json_true());
	bad |= nhg_rj_set(props, "controls", controls);
	bad |= nhg_rj_set(o, "properties", props);
	nhg_buf_free(&msg);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- run -------------------------------------------------------------- */

static json_t *notification(const char *level, const char *text, const char *path)
{
	json_t *o = json_pack("{s:s, s:o}", "level", level, "message", text_msg(text));
	if (o && path && *path) {
		nhg_gfinding at = { .path = (char *)path };
		json_t *locs = json_array();
		if (nhg_rj_add(locs, location_json(&at)) | nhg_rj_set(o, "locations", locs)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *invocation_json(const nhg_verdict *v, size_t nresults)
{
	json_t *o = json_object(), *notes = json_array(), *props = json_object();
	nhg_buf b = NHG_BUF_INIT(1u << 16);
	int bad = !o || !notes || !props;

	for (size_t i = 0; i < v->nskipped; i++) {
		const nhg_gskip *s = &v->skipped[i];
		nhg_buf_clear(&b);
		bad |= nhg_buf_printf(&b, "not scanned: %s%s%s", s->reason,
				      s->commit ? " in commit " : "", s->commit ? s->commit : "") != 0;
		bad |= nhg_rj_add(notes, notification("warning", b.ptr, s->path));
	}
	if (nresults < v->nfindings) {
		nhg_buf_clear(&b);
		bad |= nhg_buf_printf(&b, "%zu of %zu findings are left out: GitHub code scanning "
				      "takes at most %d results a run; the json report has them all",
				      v->nfindings - nresults, v->nfindings, MAX_RESULTS) != 0;
		bad |= nhg_rj_add(notes, notification("warning", b.ptr, NULL));
	}
	if (v->decision == NHG_DECISION_ERROR)
		for (size_t i = 0; i < v->nreasons; i++)
			bad |= nhg_rj_add(notes, notification("error", v->reasons[i], NULL));
	bad |= nhg_rj_set(o, "executionSuccessful", json_boolean(v->decision != NHG_DECISION_ERROR));
	if (v->timestamp[0]) {
		char end[21];
		nhg_rj_end_time(end, v->timestamp);
		bad |= nhg_rj_set(o, "startTimeUtc", json_string(v->timestamp));
		bad |= nhg_rj_set(o, "endTimeUtc", json_string(end));
	}
	bad |= nhg_rj_set(o, "toolExecutionNotifications", notes);
	bad |= nhg_rj_set(props, "decision", json_string(nhg_decision_name(v->decision)));
	bad |= nhg_rj_set(props, "decisionId", json_string(v->decision_id));
	bad |= nhg_rj_set(o, "properties", props);
	nhg_buf_free(&b);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *run_properties(const nhg_verdict *v)
{
	json_t *o = json_object(), *reasons = json_array(), *w = json_object(), *bg;
	json_t *applied = json_array(), *expired = json_array(), *expiring = json_array(),
	       *stale = json_array();
	int bad = !o || !reasons || !w || !applied || !expired || !expiring || !stale;

	for (size_t i = 0; i < v->nreasons; i++)
		bad |= nhg_rj_add(reasons, jstr(v->reasons[i]));
	for (size_t i = 0; i < v->nwaivers; i++) {
		const nhg_wstatus *s = &v->waivers[i];
		json_t *id = jstr(s->waiver ? s->waiver->id : "?");
		json_t *list = s->state == NHG_WAIVER_APPLIED ? applied :
			       s->state == NHG_WAIVER_EXPIRED ? expired : stale;
		if (s->expiring && s->state != NHG_WAIVER_EXPIRED)
			bad |= nhg_rj_add(expiring, json_incref(id));
		bad |= nhg_rj_add(list, id);
	}
	bad |= nhg_rj_set(w, "applied", applied) | nhg_rj_set(w, "expired", expired) |
	       nhg_rj_set(w, "expiring", expiring) | nhg_rj_set(w, "stale", stale);
	if (v->breakglass.reason) {
		bg = json_object();
		bad |= !bg;
		bad |= nhg_rj_set(bg, "actor", nhg_rj_str(v->subject.actor));
		bad |= nhg_rj_set(bg, "reason", jstr(v->breakglass.reason));
		bad |= nhg_rj_set(bg, "source", nhg_rj_str(v->breakglass.source));
		bad |= nhg_rj_set(bg, "accepted", json_boolean(v->breakglass.accepted));
		bad |= nhg_rj_set(bg, "refused", nhg_rj_str(v->breakglass.refused));
	} else {
		bg = json_null();
	}
	bad |= nhg_rj_set(o, "decision", json_string(nhg_decision_name(v->decision)));
	bad |= nhg_rj_set(o, "decisionId", json_string(v->decision_id));
	bad |= nhg_rj_set(o, "timestamp", json_string(v->timestamp));
	bad |= nhg_rj_set(o, "enforce", json_boolean(v->enforce));
	bad |= nhg_rj_set(o, "wouldBlock", json_boolean(v->would_block));
	bad |= nhg_rj_set(o, "reasons", reasons);
	bad |= nhg_rj_set(o, "subject", nhg_rj_subject(&v->subject));
	bad |= nhg_rj_set(o, "policy", json_pack("{s:s, s:o, s:s}", "sha256", v->policy_sha256,
					  "profile", nhg_rj_str(v->profile),
					  "blockOn", nhg_severity_name(v->block_on)));
	bad |= nhg_rj_set(o, "counts", json_pack("{s:I, s:I, s:I, s:I}",
		   "blocking", (json_int_t)nhg_verdict_count(v, NHG_STATUS_BLOCKING),
		   "waived", (json_int_t)nhg_verdict_count(v, NHG_STATUS_WAIVED),
		   "advisory", (json_int_t)nhg_verdict_count(v, NHG_STATUS_ADVISORY),
		   "skipped", (json_int_t)v->nskipped));
	bad |= nhg_rj_set(o, "waivers", w);
	bad |= nhg_rj_set(o, "breakglass", bg);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int nhg_report_gate_sarif(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err)
{
	json_t *root = json_object(), *run = json_object(), *driver = json_object(),
	       *rules = json_array(), *results = json_array(), *runs = json_array(),
	       *invocations = json_array();
	size_t nresults = v->nfindings < MAX_RESULTS ? v->nfindings : MAX_RESULTS;
	rtable t;
	int bad = !root || !run || !driver || !rules || !results || !runs || !invocations;

	if (!version || !*version)
		version = "0.0.0";
	if (rtable_build(&t, v))
		bad = 1;
	for (size_t i = 0; !bad && i < t.n; i++)
		bad |= nhg_rj_add(rules, rule_json(&t.v[i], v));
	for (size_t i = 0; !bad && i < nresults; i++)
		bad |= nhg_rj_add(results, result_json(v, &v->findings[i], &t, i));
	rtable_free(&t);

	bad |= nhg_rj_set(driver, "name", json_string("nhigate"));
	bad |= nhg_rj_set(driver, "fullName", json_string("nhigate-gate"));
	bad |= nhg_rj_set(driver, "version", jstr(version));
	bad |= nhg_rj_set(driver, "semanticVersion", jstr(version));
	bad |= nhg_rj_set(driver, "informationUri", json_string(INFO_URI));
	bad |= nhg_rj_set(driver, "rules", rules);
	bad |= nhg_rj_set(run, "tool", json_pack("{s:o}", "driver", driver));
	bad |= nhg_rj_add(invocations, invocation_json(v, nresults));
	bad |= nhg_rj_set(run, "invocations", invocations);
	bad |= nhg_rj_set(run, "originalUriBaseIds",
		   json_pack("{s:{s:{s:s}}}", SRCROOT, "description", "text",
			     "The root of the repository"));
	bad |= nhg_rj_set(run, "results", results);
	bad |= nhg_rj_set(run, "properties", run_properties(v));
	bad |= nhg_rj_add(runs, run);
	bad |= nhg_rj_set(root, "$schema", json_string(SARIF_SCHEMA));
	bad |= nhg_rj_set(root, "version", json_string("2.1.0"));
	bad |= nhg_rj_set(root, "runs", runs);
	if (bad) {
		json_decref(root);
		root = NULL;
	}
	return nhg_rj_write(out, root, false, err);
}
