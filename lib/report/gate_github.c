/*
 * GitHub Actions: workflow commands that annotate the changed lines, and a
 * Markdown job summary.  Workflow command data escapes '%', CR and LF;
 * property values also ':' and ','.
 */
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

static int escape(nhg_buf *out, const char *s, bool property)
{
	int rc = 0;
	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '%': rc = nhg_buf_puts(out, "%25"); break;
		case '\r': rc = nhg_buf_puts(out, "%0D"); break;
		case '\n': rc = nhg_buf_puts(out, "%0A"); break;
		case ':': rc = property ? nhg_buf_puts(out, "%3A") : nhg_buf_putc(out, ':'); break;
		case ',': rc = property ? nhg_buf_puts(out, "%2C") : nhg_buf_putc(out, ','); break;
		default: rc = nhg_buf_putc(out, *s);
		}
	}
	return rc;
}

static int annotation(nhg_buf *out, const nhg_gfinding *f)
{
	static const char *const level[] = { "error", "notice", "warning" };
	int rc = nhg_buf_printf(out, "::%s file=", level[f->status]);
	if (!rc)
		rc = escape(out, f->path, true);
	if (!rc && f->line)
		rc = nhg_buf_printf(out, ",line=%u", f->line);
	if (!rc && f->line && f->column)
		rc = nhg_buf_printf(out, ",col=%u", f->column);
	if (!rc && f->line && f->end_column)
		rc = nhg_buf_printf(out, ",endColumn=%u", f->end_column);
	if (!rc)
		rc = nhg_buf_puts(out, ",title=");
	if (!rc)
		rc = escape(out, f->rule, true);
	if (!rc)
		rc = nhg_buf_printf(out, " (%s, %s)::", nhg_severity_name(f->severity),
				    nhg_status_name(f->status));
	if (!rc)
		rc = escape(out, f->message, false);
	if (!rc && f->status == NHG_STATUS_WAIVED)
		rc = nhg_buf_printf(out, " — waived by %s until %s", f->waiver->id,
				    f->waiver->expires);
	if (!rc && f->status == NHG_STATUS_BLOCKING && f->help) {
		rc = nhg_buf_puts(out, "%0AFix: ");
		if (!rc)
			rc = escape(out, f->help, false);
	}
	return rc ? rc : nhg_buf_putc(out, '\n');
}

int nhg_report_gate_github(nhg_buf *out, const nhg_verdict *v, const char *version,
			   nhg_error *err)
{
	int rc = 0;
	(void)version;
	for (size_t i = 0; !rc && i < v->nfindings; i++)
		rc = annotation(out, &v->findings[i]);
	for (size_t i = 0; !rc && i < v->nskipped; i++) {
		rc = nhg_buf_puts(out, "::warning title=not scanned::");
		if (!rc)
			rc = escape(out, v->skipped[i].path, false);
		if (!rc)
			rc = nhg_buf_puts(out, ": ");
		if (!rc)
			rc = escape(out, v->skipped[i].reason, false);
		if (!rc)
			rc = nhg_buf_putc(out, '\n');
	}
	if (!rc)
		rc = nhg_buf_printf(out, "::%s title=nhigate::decision %s%s",
				    v->decision == NHG_DECISION_PASS && !v->would_block ? "notice"
											 : "error",
				    nhg_decision_name(v->decision),
				    v->would_block ? " (report-only: would block)" : "");
	for (size_t i = 0; !rc && i < v->nreasons; i++) {
		rc = nhg_buf_puts(out, "%0A- ");
		if (!rc)
			rc = escape(out, v->reasons[i], false);
	}
	if (!rc)
		rc = nhg_buf_putc(out, '\n');
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}

int nhg_report_github_summary(nhg_buf *out, const nhg_verdict *v, nhg_error *err)
{
	static const char *const icon[] = { "✅", "⛔", "❗", "🚨" };
	int rc = nhg_buf_printf(out, "## nhigate: %s %s%s\n\n", icon[v->decision],
				nhg_decision_name(v->decision),
				v->would_block ? " (report-only: would block)" : "");
	for (size_t i = 0; !rc && i < v->nreasons; i++) {
		rc = nhg_buf_puts(out, "- ");
		if (!rc)
			rc = nhg_rj_md(out, v->reasons[i]);
		if (!rc)
			rc = nhg_buf_putc(out, '\n');
	}
	if (!rc && v->nfindings)
		rc = nhg_buf_puts(out, "\n| status | severity | rule | where | finding |\n"
				  "|---|---|---|---|---|\n");
	for (size_t i = 0; !rc && i < v->nfindings && i < 200; i++) {
		const nhg_gfinding *f = &v->findings[i];
		rc = nhg_buf_printf(out, "| %s | %s | ", nhg_status_name(f->status),
				    nhg_severity_name(f->severity));
		if (!rc)
			rc = nhg_rj_md(out, f->rule);
		if (!rc)
			rc = nhg_buf_puts(out, " | ");
		if (!rc)
			rc = nhg_rj_md(out, f->path);
		if (!rc)
			rc = nhg_buf_printf(out, ":%u | ", f->line);
		if (!rc)
			rc = nhg_rj_md(out, f->message);
		if (!rc)
			rc = nhg_buf_puts(out, " |\n");
	}
	if (!rc && v->nfindings > 200)
		rc = nhg_buf_printf(out, "\n… and %zu more in the JSON report.\n", v->nfindings - 200);
	if (!rc)
		rc = nhg_buf_printf(out, "\n<sub>policy %.16s · decision %s · %s</sub>\n",
				    v->policy_sha256, v->decision_id, v->timestamp);
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}
