#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/date.h"
#include "nhigate/text.h"
#include "report/json_util.h"

json_t *nhg_rj_str(const char *s)
{
	nhg_buf b = NHG_BUF_INIT(1u << 20);
	json_t *j;
	if (!s)
		return json_null();
	if (nhg_text_is_utf8(s, strlen(s)))
		return json_string(s);
	nhg_text_escape(&b, s, strlen(s));
	j = json_string(b.ptr);
	nhg_buf_free(&b);
	return j;
}

int nhg_rj_write(nhg_buf *out, json_t *root, bool compact, nhg_error *err)
{
	char *text;
	int rc;

	if (!root)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	text = json_dumps(root, (compact ? JSON_COMPACT : JSON_INDENT(2)) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if ((rc = nhg_buf_puts(out, text)) == 0)
		rc = nhg_buf_putc(out, '\n');
	free(text);
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}

json_t *nhg_rj_controls(const nhg_gfinding *f)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < f->controls.n; i++)
		json_array_append_new(a, json_string(f->controls.v[i]));
	return a;
}

json_t *nhg_rj_subject(const nhg_subject *s)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "repository", nhg_rj_str(s->repository),
			 "ref", nhg_rj_str(s->ref), "base", nhg_rj_str(s->base), "head",
			 nhg_rj_str(s->head), "actor", nhg_rj_str(s->actor));
}

json_t *nhg_rj_gfinding(const nhg_gfinding *f)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "status", json_string(nhg_status_name(f->status)));
	json_object_set_new(o, "why", f->status == NHG_STATUS_WAIVED ? json_string("waived")
				      : nhg_rj_str(f->why));
	json_object_set_new(o, "waiver", f->waiver ? json_string(f->waiver->id) : json_null());
	json_object_set_new(o, "origin", json_string(nhg_origin_name(f->origin)));
	json_object_set_new(o, "tool", nhg_rj_str(f->tool));
	json_object_set_new(o, "rule", nhg_rj_str(f->rule));
	json_object_set_new(o, "title", nhg_rj_str(f->title));
	json_object_set_new(o, "severity", json_string(nhg_severity_name(f->severity)));
	json_object_set_new(o, "path", nhg_rj_str(f->path));
	json_object_set_new(o, "line", json_integer(f->line));
	json_object_set_new(o, "column", json_integer(f->column));
	json_object_set_new(o, "end_column", json_integer(f->end_column));
	json_object_set_new(o, "commit", nhg_rj_str(f->commit));
	json_object_set_new(o, "author", nhg_rj_str(f->author));
	json_object_set_new(o, "date", nhg_rj_str(f->date));
	json_object_set_new(o, "job", nhg_rj_str(f->job));
	json_object_set_new(o, "step", nhg_rj_str(f->step));
	json_object_set_new(o, "message", nhg_rj_str(f->message));
	json_object_set_new(o, "redacted", nhg_rj_str(f->redacted));
	json_object_set_new(o, "secret_sha256", f->secret_sha256[0] ? json_string(f->secret_sha256)
								  : json_null());
	json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
	json_object_set_new(o, "help", nhg_rj_str(f->help));
	json_object_set_new(o, "controls", nhg_rj_controls(f));
	json_object_set_new(o, "existing", json_boolean(f->existing));
	json_object_set_new(o, "inline_allowed", json_boolean(f->inline_allowed));
	return o;
}

int nhg_rj_status_note(nhg_buf *b, const nhg_verdict *v, const nhg_gfinding *f)
{
	switch (f->status) {
	case NHG_STATUS_WAIVED:
		if (f->waiver)
			return nhg_buf_printf(b, "waived by %s until %s", f->waiver->id,
					      f->waiver->expires);
		return nhg_buf_puts(b, "waived");
	case NHG_STATUS_ADVISORY:
		return f->why ? nhg_buf_printf(b, "advisory: %s", f->why)
			      : nhg_buf_puts(b, "advisory");
	default:
		if (v->decision == NHG_DECISION_BREAKGLASS)
			return nhg_buf_puts(b, "blocking, let through by break-glass");
		if (!v->enforce)
			return nhg_buf_puts(b, "blocking (report-only: would block the merge)");
		return nhg_buf_puts(b, "blocking: blocks the merge");
	}
}

void nhg_rj_verdict_head(json_t *root, const nhg_verdict *v, const char *schema)
{
	json_t *reasons = json_array();
	for (size_t i = 0; i < v->nreasons; i++)
		json_array_append_new(reasons, nhg_rj_str(v->reasons[i]));
	json_object_set_new(root, "schema", json_string(schema));
	json_object_set_new(root, "decision_id", json_string(v->decision_id));
	json_object_set_new(root, "timestamp", json_string(v->timestamp));
	json_object_set_new(root, "decision", json_string(nhg_decision_name(v->decision)));
	json_object_set_new(root, "enforce", json_boolean(v->enforce));
	json_object_set_new(root, "would_block", json_boolean(v->would_block));
	json_object_set_new(root, "reasons", reasons);
	json_object_set_new(root, "subject", nhg_rj_subject(&v->subject));
	json_object_set_new(root, "policy", json_pack("{s:s, s:o, s:s}", "sha256", v->policy_sha256,
						       "profile", nhg_rj_str(v->profile), "block_on",
						       nhg_severity_name(v->block_on)));
}

int nhg_rj_clean(nhg_buf *out, const char *s)
{
	int rc = 0;
	for (; s && *s && !rc; s++)
		rc = nhg_buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	return rc;
}

int nhg_rj_md(nhg_buf *out, const char *s)
{
	int rc = 0;
	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '|': rc = nhg_buf_puts(out, "\\|"); break;
		case '<': rc = nhg_buf_puts(out, "&lt;"); break;
		case '>': rc = nhg_buf_puts(out, "&gt;"); break;
		case '&': rc = nhg_buf_puts(out, "&amp;"); break;
		case '\\': case '*': case '_': case '`': case '[': case ']': case '#':
			rc = nhg_buf_putc(out, '\\');
			if (!rc)
				rc = nhg_buf_putc(out, *s);
			break;
		case '\n': case '\r': case '\t': rc = nhg_buf_putc(out, ' '); break;
		default: rc = nhg_buf_putc(out, *s);
		}
	}
	return rc;
}

int nhg_rj_set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) != 0;
}

int nhg_rj_add(json_t *a, json_t *v)
{
	return json_array_append_new(a, v) != 0;
}

void nhg_rj_end_time(char out[21], const char *start)
{
	nhg_date_now(out);
	if (strcmp(out, start) < 0)
		snprintf(out, 21, "%s", start);
}
