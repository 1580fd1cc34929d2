#include <stdio.h>
#include <string.h>

#include "nhigate/report.h"
#include "nhigate/text.h"
#include "report/summary.h"

static int put_escaped(nhg_buf *b, const char *s)
{
	return nhg_text_escape(b, s, strlen(s));
}

static void human_bytes(char *out, size_t n, uint64_t bytes)
{
	if (bytes >= 10u << 20)
		snprintf(out, n, "%.1f MB", (double)bytes / (1 << 20));
	else if (bytes >= 10u << 10)
		snprintf(out, n, "%.1f KB", (double)bytes / (1 << 10));
	else
		snprintf(out, n, "%llu bytes", (unsigned long long)bytes);
}

static int finding_line(nhg_buf *b, const nhg_finding *f)
{
	int rc = nhg_buf_printf(b, "  %u:%u  %-8s  %s  ", f->line, f->column,
				nhg_severity_name(f->severity), f->rule->id);
	if (!rc)
		rc = put_escaped(b, f->secret ? f->secret : f->redacted);
	if (!rc && f->commit)
		rc = nhg_buf_printf(b, "  commit %.12s", f->commit);
	if (!rc && f->author) {
		rc = nhg_buf_puts(b, " by ");
		if (!rc)
			rc = put_escaped(b, f->author);
	}
	if (!rc && f->date)
		rc = nhg_buf_printf(b, " on %.10s", f->date);
	if (!rc && f->checked < 0)
		rc = nhg_buf_puts(b, "  (checksum invalid: not a live token, lowered to low)");
	if (!rc)
		rc = nhg_buf_printf(b, "\n      %s\n", f->rule->title);
	return rc;
}

int nhg_report_secrets_text(nhg_buf *out, const nhg_result *r, nhg_error *err)
{
	const char *last = NULL;
	size_t active = 0, suppressed = 0, files = 0;
	size_t bysev[NHG_SEV_CRITICAL + 1] = { 0 };
	char bytes[32];
	int rc = 0;

	for (size_t i = 0; i < r->nfindings && !rc; i++) {
		const nhg_finding *f = &r->findings[i];
		if (f->allowed_inline || f->baselined) {
			suppressed++;
			continue;
		}
		active++;
		bysev[f->severity]++;
		if (!last || strcmp(last, f->path)) {
			files++;
			rc = nhg_buf_puts(out, last ? "\n" : "");
			if (!rc)
				rc = put_escaped(out, f->path);
			if (!rc)
				rc = nhg_buf_putc(out, '\n');
			last = f->path;
		}
		if (!rc)
			rc = finding_line(out, f);
	}
	if (!rc && r->nskipped) {
		rc = nhg_buf_printf(out, "%snot scanned:\n", active ? "\n" : "");
		for (size_t i = 0; i < r->nskipped && !rc; i++) {
			rc = nhg_buf_puts(out, "  ");
			if (!rc)
				rc = put_escaped(out, r->skipped[i].path);
			if (!rc && r->skipped[i].commit)
				rc = nhg_buf_printf(out, " (commit %.12s)", r->skipped[i].commit);
			if (!rc)
				rc = nhg_buf_printf(out, ": %s\n", r->skipped[i].reason);
		}
	}
	human_bytes(bytes, sizeof(bytes), r->stats.bytes);
	if (!rc && (active || r->nskipped))
		rc = nhg_buf_putc(out, '\n');
	if (!rc)
		rc = nhg_report__count(out, active, bysev);
	if (!rc && active)
		rc = nhg_buf_printf(out, " in %zu file%s", files, files == 1 ? "" : "s");
	if (!rc && suppressed)
		rc = nhg_buf_printf(out, ", %zu suppressed", suppressed);
	if (!rc)
		rc = nhg_buf_puts(out, "; scanned ");
	if (!rc && r->stats.commits)
		rc = nhg_buf_printf(out, "%llu commit%s, ", (unsigned long long)r->stats.commits,
				    r->stats.commits == 1 ? "" : "s");
	if (!rc)
		rc = nhg_buf_printf(out, "%llu file%s, %s", (unsigned long long)r->stats.files,
				    r->stats.files == 1 ? "" : "s", bytes);
	if (!rc && r->nskipped)
		rc = nhg_buf_printf(out, "; %zu not scanned", r->nskipped);
	if (!rc)
		rc = nhg_buf_putc(out, '\n');
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}
