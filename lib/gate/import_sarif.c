/*
 * SARIF 2.1.0 from any tool, read into findings of origin external.
 *
 * What is a finding: a result of kind "fail" (the default); pass, open,
 * review, informational and notApplicable results are not, nor results
 * whose baselineState is "absent" (gone since the tool's baseline).
 *
 * Choices worth knowing:
 * - severity: a "security-severity" property (a CVSS-like score, on the
 *   result first, then its rule: >= 9 critical, >= 7 high, >= 4 medium,
 *   else low), else the level (the result's, then the rule's default
 *   configuration, then SARIF's default "warning"): error high, warning
 *   medium, note and none low.
 * - suppressed results: when every suppression is accepted (a suppression
 *   without a status counts as accepted, as SARIF viewers treat it), the
 *   finding is imported with inline_allowed: advisory where the policy
 *   honours inline allow markers, blocking where it does not (strict).
 *   Under review or rejected suppressions change nothing.
 * - baselineState "unchanged" marks the finding existing.
 * - fingerprint: a 64-hex "nhigate/v1" partial fingerprint (nhigate's own
 *   SARIF) is kept as is.  Otherwise sha256 over tool, rule and path, then
 *   the result's fingerprints (every entry, by key) when it has any; else
 *   its partialFingerprints (every non-empty entry, by key: which one comes
 *   first depends on the producer) and the sha256 of the flagged text
 *   (region.snippet); else the message and that snippet hash.  The snippet
 *   itself is never kept: for secret scanners it is the secret.
 * - a run whose invocation failed, and each error-level tool notification,
 *   are skipped content: what the tool could not scan is still unscanned.
 *
 * This file walks the runs and their results and finds each result's rule
 * and severity; import_sarif_loc.c reads where a result points, and
 * import_sarif_text.c its message, description and fingerprint.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/import_sarif.h"

/* o[key] as an index: -1 when absent; an integer >= -1 otherwise. */
int nhg_sarif__get_index(nhg_import *x, const json_t *o, const char *key, long long *out,
			 const char *where)
{
	json_t *m = json_is_object(o) ? json_object_get(o, key) : NULL;
	*out = -1;
	if (!m || json_is_null(m))
		return 0;
	if (!json_is_integer(m) || json_integer_value(m) < -1)
		return nhg_import_bad(x, where, "\"%s\" must be an integer >= -1", key);
	*out = json_integer_value(m);
	return 0;
}

/* ---- rules ----------------------------------------------------------- */

static json_t *rule_by_id(const run_ctx *r, size_t comp, const char *id)
{
	char key[NHG_IMPORT_MAX_ID + 32];
	if (strlen(id) > NHG_IMPORT_MAX_ID)
		return NULL;
	snprintf(key, sizeof(key), "%zu\x1f%s", comp, id);
	return json_object_get(r->ids, key);
}

/* Index the rules of the driver and every extension by id (the first of a repeated id). */
static int index_rules(run_ctx *r, json_t *tool)
{
	json_t *driver = json_object_get(tool, "driver"), *ext, *c;
	char where[64], w[96];
	size_t ci;
	int rc;

	if (!(r->comps = json_array()) || !(r->ids = json_object()) ||
	    json_array_append(r->comps, driver))
		return nhg_import_nomem(r->x);
	snprintf(where, sizeof(where), "runs[%zu].tool", r->index);
	if ((rc = nhg_import_arr(r->x, tool, "extensions", &ext, where)) != 0)
		return rc;
	for (size_t i = 0; ext && i < json_array_size(ext); i++) {
		if (!json_is_object(json_array_get(ext, i)))
			return nhg_import_bad(r->x, where, "extensions[%zu] must be an object", i);
		if (json_array_append(r->comps, json_array_get(ext, i)))
			return nhg_import_nomem(r->x);
	}
	json_array_foreach(r->comps, ci, c) {
		json_t *rules, *d;
		size_t di;
		if (ci)
			snprintf(w, sizeof(w), "runs[%zu].tool.extensions[%zu]", r->index, ci - 1);
		else
			snprintf(w, sizeof(w), "runs[%zu].tool.driver", r->index);
		if ((rc = nhg_import_arr(r->x, c, "rules", &rules, w)) != 0)
			return rc;
		for (di = 0; rules && di < json_array_size(rules); di++) {
			const char *id;
			char rw[128];
			d = json_array_get(rules, di);
			snprintf(rw, sizeof(rw), "%s.rules[%zu]", w, di);
			if (!json_is_object(d))
				return nhg_import_bad(r->x, rw, "a rule must be an object");
			if ((rc = nhg_import_str(r->x, d, "id", &id, rw)) != 0)
				return rc;
			if (id && strlen(id) <= NHG_IMPORT_MAX_ID && !rule_by_id(r, ci, id)) {
				char key[NHG_IMPORT_MAX_ID + 32];
				snprintf(key, sizeof(key), "%zu\x1f%s", ci, id);
				if (json_object_set(r->ids, key, d))
					return nhg_import_nomem(r->x);
			}
		}
	}
	return 0;
}

/*
 * The rule of a result: its id (ruleId, else rule.id, else the
 * descriptor's) and descriptor (rule.index or ruleIndex into the rules of
 * the component rule.toolComponent names, else looked up by id; NULL when
 * the log does not describe the rule).
 */
static int find_rule(run_ctx *r, const json_t *res, const char *where, const char **id,
		     json_t **desc)
{
	nhg_import *x = r->x;
	json_t *ref, *tc = NULL, *comp, *rules;
	const char *rid, *refid = NULL, *did = NULL;
	long long ci = -1, ri, rix = -1;
	size_t c = 0;
	char w[160];
	int rc;

	*desc = NULL;
	snprintf(w, sizeof(w), "%s.rule", where);
	if ((rc = nhg_import_str(x, res, "ruleId", &rid, where)) != 0 ||
	    (rc = nhg_sarif__get_index(x, res, "ruleIndex", &ri, where)) != 0 ||
	    (rc = nhg_import_obj(x, res, "rule", &ref, where)) != 0)
		return rc;
	if (ref && ((rc = nhg_import_str(x, ref, "id", &refid, w)) != 0 ||
		    (rc = nhg_sarif__get_index(x, ref, "index", &rix, w)) != 0 ||
		    (rc = nhg_import_obj(x, ref, "toolComponent", &tc, w)) != 0 ||
		    (rc = nhg_sarif__get_index(x, tc, "index", &ci, w)) != 0))
		return rc;
	if (ci >= 0) {
		if ((size_t)ci + 1 >= json_array_size(r->comps))
			return nhg_import_bad(x, where, "rule.toolComponent.index %lld names no "
					      "extension of the run", ci);
		c = (size_t)ci + 1;
	}
	comp = json_array_get(r->comps, c);
	rules = json_object_get(comp, "rules");
	if (rix < 0)
		rix = ri;
	if (rix >= 0) {
		if ((size_t)rix >= json_array_size(rules))
			return nhg_import_bad(x, where, "rule index %lld is past the %zu rules of "
					      "the tool", rix, json_array_size(rules));
		*desc = json_array_get(rules, (size_t)rix);
		if ((rc = nhg_import_str(x, *desc, "id", &did, where)) != 0)
			return rc;
	}
	*id = rid ? rid : refid ? refid : did;
	if (!*id)
		return nhg_import_bad(x, where, "the result names no rule (ruleId, rule.id or a "
				      "rule index)");
	if (!*desc && !(*desc = rule_by_id(r, c, *id))) {
		/* hierarchical ids: "CA2101/sub" is described by "CA2101" */
		char tmp[NHG_IMPORT_MAX_ID + 1];
		size_t n = strlen(*id);
		char *slash;
		if (n <= NHG_IMPORT_MAX_ID) {
			memcpy(tmp, *id, n + 1);
			while (!*desc && (slash = strrchr(tmp, '/')) != NULL) {
				*slash = '\0';
				*desc = rule_by_id(r, c, tmp);
			}
		}
	}
	return 0;
}

/* ---- severity ---------------------------------------------------------- */

/* props["security-severity"]: *found and *sev when present and a score. */
static int score_severity(nhg_import *x, const json_t *props, const char *where, bool *found,
			  nhg_severity *sev)
{
	json_t *m = json_is_object(props) ? json_object_get(props, "security-severity") : NULL;
	double d;

	if (!m || json_is_null(m))
		return 0;
	if (json_is_number(m)) {
		d = json_number_value(m);
	} else if (json_is_string(m)) {
		const char *s = json_string_value(m);
		char *end;
		d = strtod(s, &end);
		if (end == s || *end)
			return nhg_import_bad(x, where, "\"security-severity\" is not a number: "
					      "\"%.40s\"", s);
	} else {
		return nhg_import_bad(x, where, "\"security-severity\" must be a number");
	}
	if (!isfinite(d))
		return nhg_import_bad(x, where, "\"security-severity\" is not a finite number");
	*found = true;
	*sev = d >= 9.0 ? NHG_SEV_CRITICAL : d >= 7.0 ? NHG_SEV_HIGH : d >= 4.0 ? NHG_SEV_MEDIUM
	     : NHG_SEV_LOW;
	return 0;
}

static int level_severity(nhg_import *x, const char *level, const char *where, nhg_severity *sev)
{
	if (!strcmp(level, "error"))
		*sev = NHG_SEV_HIGH;
	else if (!strcmp(level, "warning"))
		*sev = NHG_SEV_MEDIUM;
	else if (!strcmp(level, "note") || !strcmp(level, "none"))
		*sev = NHG_SEV_LOW;
	else
		return nhg_import_bad(x, where, "unknown level \"%.40s\"", level);
	return 0;
}

static int severity(nhg_import *x, const json_t *res, const json_t *desc, const char *where,
		    const char *dwhere, nhg_severity *sev)
{
	json_t *rprops, *dprops = NULL, *conf = NULL;
	const char *level;
	bool found = false;
	int rc;

	if ((rc = nhg_import_obj(x, res, "properties", &rprops, where)) != 0 ||
	    (desc && (rc = nhg_import_obj(x, desc, "properties", &dprops, dwhere)) != 0) ||
	    (rc = score_severity(x, rprops, where, &found, sev)) != 0 ||
	    (!found && (rc = score_severity(x, dprops, dwhere, &found, sev)) != 0))
		return rc;
	if (found)
		return 0;
	if ((rc = nhg_import_str(x, res, "level", &level, where)) != 0)
		return rc;
	if (level)
		return level_severity(x, level, where, sev);
	if (desc && ((rc = nhg_import_obj(x, desc, "defaultConfiguration", &conf, dwhere)) != 0 ||
		     (rc = nhg_import_str(x, conf, "level", &level, dwhere)) != 0))
		return rc;
	return level_severity(x, level ? level : "warning", dwhere, sev);
}

/* ---- results ----------------------------------------------------------- */

/* Every suppression accepted (absent status counts as accepted); false when none. */
static int suppressed(nhg_import *x, const json_t *res, const char *where, bool *out)
{
	json_t *sup;
	int rc;

	*out = false;
	if ((rc = nhg_import_arr(x, res, "suppressions", &sup, where)) != 0 || !sup)
		return rc;
	*out = json_array_size(sup) > 0;
	for (size_t i = 0; i < json_array_size(sup); i++) {
		const char *status;
		if (!json_is_object(json_array_get(sup, i)))
			return nhg_import_bad(x, where, "suppressions[%zu] must be an object", i);
		if ((rc = nhg_import_str(x, json_array_get(sup, i), "status", &status, where)) != 0)
			return rc;
		if (status && strcmp(status, "accepted"))
			*out = false;
	}
	return 0;
}

static int import_result(run_ctx *r, const json_t *res, const char *where)
{
	nhg_import *x = r->x;
	const char *kind, *state, *rule, *snippet;
	json_t *desc;
	nhg_gfinding *f;
	nhg_severity sev;
	bool allowed;
	char dwhere[NHG_IMPORT_MAX_ID + 64];
	int rc;

	if (!json_is_object(res))
		return nhg_import_bad(x, where, "a result must be an object");
	if ((rc = nhg_import_str(x, res, "kind", &kind, where)) != 0 ||
	    (rc = nhg_import_str(x, res, "baselineState", &state, where)) != 0)
		return rc;
	if ((kind && strcmp(kind, "fail")) || (state && !strcmp(state, "absent")))
		return 0;
	if ((rc = find_rule(r, res, where, &rule, &desc)) != 0)
		return rc;
	/* errors in the rule's descriptor name the rule, not the result */
	snprintf(dwhere, sizeof(dwhere), "runs[%zu].tool, rule \"%.60s\"", r->index, rule);
	if ((rc = severity(x, res, desc, where, dwhere, &sev)) != 0 ||
	    (rc = suppressed(x, res, where, &allowed)) != 0)
		return rc;
	if ((rc = nhg_verdict_new_finding(x->v, &f)) != 0)
		return nhg_import_nomem(x);
	f->origin = NHG_ORIGIN_EXTERNAL;
	f->severity = sev;
	f->inline_allowed = allowed;
	f->existing = state && !strcmp(state, "unchanged");
	if ((rc = nhg_import_dup(x, r->tool, &f->tool)) != 0 ||
	    (rc = nhg_import_id(x, rule, &f->rule, "the rule id", where)) != 0 ||
	    (rc = nhg_sarif__describe(r, res, desc, f, where, dwhere)) != 0 ||
	    (rc = nhg_sarif__result_location(r, res, where, f, &snippet)) != 0 ||
	    (rc = nhg_sarif__result_message(r, res, desc, f, where, dwhere, &f->message)) != 0)
		return rc;
	return nhg_sarif__fingerprint(r, res, f, snippet, where);
}

/*
 * Skipped content of a run: each error-level tool notification (at its
 * file, or the whole run when it names none), and a run that did not
 * complete.
 */
static int import_invocations(run_ctx *r, const json_t *run, const char *where)
{
	nhg_import *x = r->x;
	json_t *invs;
	char w[128], reason[NHG_IMPORT_MAX_MESSAGE + 2 * NHG_IMPORT_MAX_ID];
	int rc;

	if ((rc = nhg_import_arr(x, run, "invocations", &invs, where)) != 0)
		return rc;
	for (size_t i = 0; invs && i < json_array_size(invs); i++) {
		json_t *inv = json_array_get(invs, i), *notes;
		bool ok = true, skipped = false;
		snprintf(w, sizeof(w), "%s.invocations[%zu]", where, i);
		if (!json_is_object(inv))
			return nhg_import_bad(x, w, "an invocation must be an object");
		if ((rc = nhg_import_bool(x, inv, "executionSuccessful", &ok, w)) != 0 ||
		    (rc = nhg_import_arr(x, inv, "toolExecutionNotifications", &notes, w)) != 0)
			return rc;
		for (size_t j = 0; notes && j < json_array_size(notes); j++) {
			json_t *n = json_array_get(notes, j);
			const char *level, *snip, *text;
			char *line = NULL;
			nhg_gfinding at = { 0 };
			if (!json_is_object(n))
				return nhg_import_bad(x, w, "toolExecutionNotifications[%zu] must be an "
						      "object", j);
			if ((rc = nhg_import_str(x, n, "level", &level, w)) != 0)
				return rc;
			if (!level || strcmp(level, "error"))
				continue;
			if ((rc = nhg_import_count(x)) != 0 ||
			    (rc = nhg_sarif__result_location(r, n, w, &at, &snip)) != 0 ||
			    (rc = nhg_sarif__text_of(x, n, "message", &text, w)) != 0 ||
			    (rc = nhg_import_line(x, text, NHG_IMPORT_MAX_MESSAGE, &line)) != 0) {
				free(at.path);
				return rc;
			}
			snprintf(reason, sizeof(reason), "%s reported an error: %s", r->tool,
				 line ? line : "(no message)");
			rc = nhg_verdict_add_skip(x->v, at.path, NULL, reason);
			free(at.path);
			free(line);
			if (rc)
				return nhg_import_nomem(x);
			skipped = true;
		}
		if (!ok && !skipped) {
			snprintf(reason, sizeof(reason), "%s did not complete its run", r->tool);
			if ((rc = nhg_import_count(x)) != 0)
				return rc;
			if (nhg_verdict_add_skip(x->v, "", NULL, reason))
				return nhg_import_nomem(x);
		}
	}
	return 0;
}

static int import_run(run_ctx *r, const json_t *run)
{
	nhg_import *x = r->x;
	json_t *tool, *driver, *results;
	const char *name;
	char where[64], w[128];
	int rc;

	snprintf(where, sizeof(where), "runs[%zu]", r->index);
	if (!json_is_object(run))
		return nhg_import_bad(x, where, "a run must be an object");
	if ((rc = nhg_import_obj(x, run, "tool", &tool, where)) != 0)
		return rc;
	snprintf(w, sizeof(w), "%s.tool", where);
	if ((rc = nhg_import_obj(x, tool, "driver", &driver, w)) != 0)
		return rc;
	snprintf(w, sizeof(w), "%s.tool.driver", where);
	if ((rc = nhg_import_str(x, driver, "name", &name, w)) != 0)
		return rc;
	if (!name)
		return nhg_import_bad(x, where, "the run names no tool (tool.driver.name)");
	if ((rc = nhg_import_id(x, name, &r->tool, "tool.driver.name", where)) != 0 ||
	    (rc = index_rules(r, tool)) != 0 ||
	    (rc = nhg_import_arr(x, run, "artifacts", &r->artifacts, where)) != 0 ||
	    (rc = nhg_import_obj(x, run, "originalUriBaseIds", &r->bases, where)) != 0 ||
	    (json_object_size(r->bases) > NHG_IMPORT_MAX_BASES &&
	     (rc = nhg_import_bad(x, where, "more than %u originalUriBaseIds",
				  NHG_IMPORT_MAX_BASES)) != 0) ||
	    (rc = nhg_import_arr(x, run, "results", &results, where)) != 0 ||
	    (rc = nhg_import_room(x, json_array_size(results))) != 0)
		return rc;
	for (size_t i = 0; results && i < json_array_size(results); i++) {
		snprintf(w, sizeof(w), "%s.results[%zu]", where, i);
		if ((rc = nhg_import_count(x)) != 0 ||
		    (rc = import_result(r, json_array_get(results, i), w)) != 0)
			return rc;
	}
	return import_invocations(r, run, where);
}

int nhg_import_sarif(nhg_import *x, const json_t *root)
{
	json_t *runs;
	int rc;

	if ((rc = nhg_import_arr(x, root, "runs", &runs, NULL)) != 0)
		return rc;
	if (!runs)
		return nhg_import_bad(x, NULL, "\"runs\" must be an array");
	for (size_t i = 0; i < json_array_size(runs); i++) {
		run_ctx r = { x, i, NULL, NULL, NULL, NULL, NULL };
		rc = import_run(&r, json_array_get(runs, i));
		free(r.tool);
		json_decref(r.comps);
		json_decref(r.ids);
		if (rc)
			return rc;
	}
	return 0;
}
