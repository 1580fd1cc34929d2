/*
 * The decision record: what the decision log keeps of a verdict.  Rule ids,
 * fingerprints and paths of the findings that blocked or were waived, and
 * counts of the rest; never a message, a redacted form or a secret hash, so
 * nothing in the log can help recover a credential.
 */
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

static json_t *counts_json(const nhg_verdict *v, nhg_status s)
{
	json_int_t n[NHG_SEV_CRITICAL + 1] = { 0 };
	for (size_t i = 0; i < v->nfindings; i++)
		if (v->findings[i].status == s)
			n[v->findings[i].severity]++;
	return json_pack("{s:I, s:I, s:I, s:I}", "critical", n[NHG_SEV_CRITICAL], "high",
			 n[NHG_SEV_HIGH], "medium", n[NHG_SEV_MEDIUM], "low", n[NHG_SEV_LOW]);
}

static json_t *findings_json(const nhg_verdict *v, nhg_status s)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->nfindings; i++) {
		const nhg_gfinding *f = &v->findings[i];
		json_t *o;
		if (f->status != s)
			continue;
		o = json_pack("{s:o, s:s, s:s, s:o, s:o}", "rule", nhg_rj_str(f->rule), "fingerprint",
			      f->fingerprint, "severity", nhg_severity_name(f->severity), "path",
			      nhg_rj_str(f->path), "controls", nhg_rj_controls(f));
		if (o && f->waiver)
			json_object_set_new(o, "waiver", json_string(f->waiver->id));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *waiver_ids(const nhg_verdict *v, int state, bool expiring)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->nwaivers; i++)
		if (expiring ? v->waivers[i].expiring : (int)v->waivers[i].state == state)
			json_array_append_new(a, json_string(v->waivers[i].waiver->id));
	return a;
}

int nhg_report_decision_record(nhg_buf *out, const nhg_verdict *v, const char *version,
			       nhg_error *err)
{
	json_t *root = json_object(), *controls = json_object();
	const nhg_breakglass *bg = &v->breakglass;
	size_t before = out->len;
	int rc;

	for (size_t c = 0; c < nhg_controls_count(); c++)
		json_object_set_new(controls, nhg_control_id(c),
				    json_string(nhg_verdict_control_fails(v, nhg_control_id(c)) ?
						"fail" : "pass"));
	nhg_rj_verdict_head(root, v, "nhigate.decision/v1");
	json_object_set_new(root, "counts",
			    json_pack("{s:o, s:o, s:o, s:I}", "blocking",
				      counts_json(v, NHG_STATUS_BLOCKING), "waived",
				      counts_json(v, NHG_STATUS_WAIVED), "advisory",
				      counts_json(v, NHG_STATUS_ADVISORY), "skipped",
				      (json_int_t)v->nskipped));
	json_object_set_new(root, "blocking", findings_json(v, NHG_STATUS_BLOCKING));
	json_object_set_new(root, "waived", findings_json(v, NHG_STATUS_WAIVED));
	json_object_set_new(root, "waivers",
			    json_pack("{s:o, s:o, s:o, s:o}", "applied",
				      waiver_ids(v, NHG_WAIVER_APPLIED, false), "expired",
				      waiver_ids(v, NHG_WAIVER_EXPIRED, false), "expiring",
				      waiver_ids(v, -1, true), "stale",
				      waiver_ids(v, NHG_WAIVER_UNUSED, false)));
	json_object_set_new(root, "breakglass",
			    bg->reason ? json_pack("{s:o, s:s, s:b, s:o, s:o}", "actor",
						   nhg_rj_str(v->subject.actor), "reason", bg->reason,
						   "accepted", bg->accepted, "refused",
						   nhg_rj_str(bg->refused), "source",
						   nhg_rj_str(bg->source))
				       : json_null());
	json_object_set_new(root, "controls", controls);
	json_object_set_new(root, "tool", json_pack("{s:s, s:s}", "name", "nhigate", "version",
						     version));
	if ((rc = nhg_rj_write(out, root, true, err)) == 0 && out->len > before)
		out->ptr[--out->len] = '\0';   /* one line, without its newline */
	return rc;
}
