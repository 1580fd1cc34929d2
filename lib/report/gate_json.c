/* The verdict as JSON: nhigate.verdict/v1 (README "Verdict"). */
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

static const char *const wstate_names[] = { "applied", "unused", "expired" };

static json_t *waiver_json(const nhg_wstatus *ws)
{
	const nhg_waiver *w = ws->waiver;
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "id", w->id,
			 "rule", w->rule, "fingerprint", nhg_rj_str(w->fingerprint), "owner",
			 w->owner, "approved_by", w->approved_by, "ticket", w->ticket, "created",
			 w->created, "expires", w->expires, "days_left", (json_int_t)ws->days_left,
			 "findings", (json_int_t)ws->matched);
}

/* Waivers grouped as the verdict lists them: applied, expired, expiring, stale. */
static json_t *waivers_json(const nhg_verdict *v)
{
	json_t *applied = json_array(), *expired = json_array(), *expiring = json_array(),
	       *stale = json_array();
	for (size_t i = 0; i < v->nwaivers; i++) {
		const nhg_wstatus *ws = &v->waivers[i];
		json_t *to = ws->state == NHG_WAIVER_APPLIED ? applied :
			     ws->state == NHG_WAIVER_EXPIRED ? expired : stale;
		json_t *o = waiver_json(ws);
		json_object_set_new(o, "state", json_string(wstate_names[ws->state]));
		if (ws->expiring)
			json_array_append(expiring, o);
		json_array_append_new(to, o);
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "file", nhg_rj_str(v->waivers_file),
			 "applied", applied, "expired", expired, "expiring", expiring, "stale",
			 stale);
}

static json_t *controls_json(const nhg_verdict *v)
{
	json_t *o = json_object();
	for (size_t c = 0; o && c < nhg_controls_count(); c++) {
		const char *id = nhg_control_id(c);
		json_t *ev = json_array();
		for (size_t i = 0; i < v->nfindings; i++)
			if (nhg_gfinding_has_control(&v->findings[i], id))
				json_array_append_new(ev, json_string(v->findings[i].fingerprint));
		json_object_set_new(o, id, json_pack("{s:s, s:s, s:o}", "title", nhg_control_title(c),
						     "status", nhg_verdict_control_fails(v, id) ?
						     "fail" : "pass", "evidence", ev));
	}
	return o;
}

static json_t *breakglass_json(const nhg_breakglass *bg, const char *actor)
{
	if (!bg->reason)
		return json_null();
	return json_pack("{s:o, s:s, s:o, s:b, s:o}", "actor", nhg_rj_str(actor), "reason",
			 bg->reason, "source", nhg_rj_str(bg->source), "accepted", bg->accepted,
			 "refused", nhg_rj_str(bg->refused));
}

int nhg_report_gate_json(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err)
{
	json_t *root = json_object(), *findings = json_array(), *skipped = json_array();

	for (size_t i = 0; i < v->nfindings; i++)
		json_array_append_new(findings, nhg_rj_gfinding(&v->findings[i]));
	for (size_t i = 0; i < v->nskipped; i++)
		json_array_append_new(skipped, json_pack("{s:o, s:o, s:o}", "path",
							 nhg_rj_str(v->skipped[i].path), "commit",
							 nhg_rj_str(v->skipped[i].commit), "reason",
							 nhg_rj_str(v->skipped[i].reason)));
	nhg_rj_verdict_head(root, v, "nhigate.verdict/v1");
	json_object_set_new(root, "tool", json_pack("{s:s, s:s}", "name", "nhigate", "version",
						     version));
	json_object_set_new(root, "summary",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "blocking",
				      (json_int_t)nhg_verdict_count(v, NHG_STATUS_BLOCKING), "waived",
				      (json_int_t)nhg_verdict_count(v, NHG_STATUS_WAIVED), "advisory",
				      (json_int_t)nhg_verdict_count(v, NHG_STATUS_ADVISORY), "skipped",
				      (json_int_t)v->nskipped, "commits", (json_int_t)v->stats.commits,
				      "files", (json_int_t)v->stats.files, "pipeline_files",
				      (json_int_t)v->pipeline_files));
	json_object_set_new(root, "breakglass", breakglass_json(&v->breakglass, v->subject.actor));
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "waivers", waivers_json(v));
	json_object_set_new(root, "skipped", skipped);
	json_object_set_new(root, "controls", controls_json(v));
	return nhg_rj_write(out, root, false, err);
}
