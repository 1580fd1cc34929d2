#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/report.h"
#include "report/json_util.h"

static json_t *finding_json(const nhg_finding *f)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "rule", json_string(f->rule->id));
	json_object_set_new(o, "title", json_string(f->rule->title));
	json_object_set_new(o, "severity", json_string(nhg_severity_name(f->severity)));
	json_object_set_new(o, "path", nhg_rj_str(f->path));
	json_object_set_new(o, "line", json_integer(f->line));
	json_object_set_new(o, "column", json_integer(f->column));
	json_object_set_new(o, "end_column", json_integer(f->end_column));
	json_object_set_new(o, "commit", nhg_rj_str(f->commit));
	json_object_set_new(o, "author", nhg_rj_str(f->author));
	json_object_set_new(o, "date", nhg_rj_str(f->date));
	json_object_set_new(o, "redacted", json_string(f->redacted));
	if (f->secret)
		json_object_set_new(o, "secret", nhg_rj_str(f->secret));
	json_object_set_new(o, "secret_sha256", json_string(f->secret_sha256));
	json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
	if (f->checked)
		json_object_set_new(o, "structure", json_string(f->checked > 0 ? "valid" : "invalid"));
	json_object_set_new(o, "suppressed", f->allowed_inline ? json_string("inline") :
			    f->baselined ? json_string("baseline") : json_null());
	return o;
}

int nhg_report_secrets_json(nhg_buf *out, const nhg_result *r, const char *version,
			    nhg_error *err)
{
	json_t *root = json_object(), *findings = json_array(), *skipped = json_array();

	if (!root || !findings || !skipped) {
		json_decref(root);
		json_decref(findings);
		json_decref(skipped);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	json_object_set_new(root, "tool", json_string("nhigate-secrets"));
	json_object_set_new(root, "version", json_string(version));
	json_object_set_new(root, "scanned",
			    json_pack("{s:I, s:I, s:I, s:I}", "commits", (json_int_t)r->stats.commits,
				      "files", (json_int_t)r->stats.files, "bytes",
				      (json_int_t)r->stats.bytes, "binary", (json_int_t)r->stats.binary));
	for (size_t i = 0; i < r->nskipped; i++) {
		const nhg_skip *s = &r->skipped[i];
		json_t *o = json_pack("{s:o, s:s}", "path", nhg_rj_str(s->path), "reason", s->reason);
		if (o && s->commit)
			json_object_set_new(o, "commit", json_string(s->commit));
		json_array_append_new(skipped, o);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(findings, finding_json(&r->findings[i]));
	json_object_set_new(root, "skipped", skipped);
	json_object_set_new(root, "findings", findings);
	return nhg_rj_write(out, root, false, err);
}
