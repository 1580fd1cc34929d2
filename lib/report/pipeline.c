#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/report.h"
#include "nhigate/text.h"
#include "report/json_util.h"
#include "report/summary.h"

int nhg_report_pipeline_json(nhg_buf *out, const nhg_presult *r, const char *version,
			     nhg_error *err)
{
	json_t *root = json_object(), *findings = json_array(), *skipped = json_array();

	if (!root || !findings || !skipped) {
		json_decref(root);
		json_decref(findings);
		json_decref(skipped);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	json_object_set_new(root, "tool", json_string("nhigate-pipeline"));
	json_object_set_new(root, "version", json_string(version));
	json_object_set_new(root, "scanned", json_pack("{s:I}", "files", (json_int_t)r->files));
	for (size_t i = 0; i < r->nskipped; i++)
		json_array_append_new(skipped, json_pack("{s:o, s:s}", "path",
							 nhg_rj_str(r->skipped[i].path), "reason",
							 r->skipped[i].reason));
	for (size_t i = 0; i < r->n; i++) {
		const nhg_pfinding *f = &r->findings[i];
		json_t *o = json_object();
		json_object_set_new(o, "rule", json_string(f->check->id));
		json_object_set_new(o, "check", json_string(f->check->id));
		json_object_set_new(o, "title", json_string(f->check->title));
		json_object_set_new(o, "severity", json_string(nhg_severity_name(f->severity)));
		json_object_set_new(o, "path", nhg_rj_str(f->path));
		json_object_set_new(o, "line", json_integer(f->line));
		json_object_set_new(o, "column", json_integer(f->column));
		json_object_set_new(o, "job", nhg_rj_str(f->job));
		json_object_set_new(o, "step", nhg_rj_str(f->step));
		json_object_set_new(o, "message", json_string(f->message));
		json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
		json_object_set_new(o, "status", f->existing < 0 ? json_null() :
				    json_string(f->existing ? "existing" : "new"));
		json_array_append_new(findings, o);
	}
	json_object_set_new(root, "skipped", skipped);
	json_object_set_new(root, "findings", findings);
	return nhg_rj_write(out, root, false, err);
}

int nhg_report_pipeline_text(nhg_buf *out, const nhg_presult *r, nhg_error *err)
{
	const char *last = NULL;
	size_t bysev[NHG_SEV_CRITICAL + 1] = { 0 };
	int rc = 0;

	for (size_t i = 0; i < r->n && !rc; i++) {
		const nhg_pfinding *f = &r->findings[i];
		bysev[f->severity]++;
		if (!last || strcmp(last, f->path)) {
			if (last)
				rc = nhg_buf_putc(out, '\n');
			if (!rc)
				rc = nhg_text_escape(out, f->path, strlen(f->path));
			if (!rc)
				rc = nhg_buf_putc(out, '\n');
			last = f->path;
		}
		if (!rc)
			rc = nhg_buf_printf(out, "  %u:%u  %-8s  %s  ", f->line, f->column,
					    nhg_severity_name(f->severity), f->check->id);
		if (!rc)
			rc = nhg_text_escape(out, f->message, strlen(f->message));
		if (!rc && (f->job || f->step))
			rc = nhg_buf_printf(out, "  [%s%s%s]", f->job ? f->job : "",
					    f->job && f->step ? ", step " : f->step ? "step " : "",
					    f->step ? f->step : "");
		if (!rc)
			rc = nhg_buf_putc(out, '\n');
	}
	if (!rc && r->nskipped) {
		rc = nhg_buf_printf(out, "%snot checked:\n", r->n ? "\n" : "");
		for (size_t i = 0; i < r->nskipped && !rc; i++) {
			rc = nhg_buf_puts(out, "  ");
			if (!rc)
				rc = nhg_text_escape(out, r->skipped[i].path, strlen(r->skipped[i].path));
			if (!rc)
				rc = nhg_buf_printf(out, ": %s\n", r->skipped[i].reason);
		}
	}
	if (!rc && (r->n || r->nskipped))
		rc = nhg_buf_putc(out, '\n');
	if (!rc)
		rc = nhg_report__count(out, r->n, bysev);
	if (!rc)
		rc = nhg_buf_printf(out, "; checked %zu pipeline file%s", r->files,
				    r->files == 1 ? "" : "s");
	if (!rc && r->nskipped)
		rc = nhg_buf_printf(out, "; %zu not checked", r->nskipped);
	if (!rc)
		rc = nhg_buf_putc(out, '\n');
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}
