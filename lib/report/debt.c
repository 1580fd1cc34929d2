/*
 * Policy debt: every waiver, the ones needing attention first (expired,
 * then stale), then by expiry, with who owns and approved it and what it
 * waives today.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

static int rank(const nhg_wstatus *w)
{
	return w->state == NHG_WAIVER_EXPIRED ? 0 : w->state == NHG_WAIVER_UNUSED ? 1 : 2;
}

static int cmp_debt(const void *a, const void *b)
{
	const nhg_wstatus *x = *(const nhg_wstatus *const *)a, *y = *(const nhg_wstatus *const *)b;
	int c;
	if (rank(x) != rank(y))
		return rank(x) - rank(y);
	if ((c = strcmp(x->waiver->expires, y->waiver->expires)) != 0)
		return c;
	return strcmp(x->waiver->id, y->waiver->id);
}

static const char *state_name(const nhg_wstatus *w)
{
	return w->state == NHG_WAIVER_EXPIRED ? "expired" :
	       w->state == NHG_WAIVER_UNUSED ? "stale" : w->expiring ? "expiring" : "active";
}

static int render_json(nhg_buf *out, const nhg_verdict *v, const nhg_wstatus **ws, nhg_error *err)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->nwaivers; i++) {
		const nhg_waiver *w = ws[i]->waiver;
		json_t *paths = json_array();
		for (size_t j = 0; j < w->paths.n; j++)
			json_array_append_new(paths, json_string(w->paths.v[j]));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, "
						   "s:s, s:I, s:I, s:I}",
						   "id", w->id, "state", state_name(ws[i]), "rule",
						   w->rule, "fingerprint", nhg_rj_str(w->fingerprint),
						   "paths", paths, "owner", w->owner,
						   "approved_by", w->approved_by, "ticket", w->ticket,
						   "reason", w->reason, "created", w->created,
						   "expires", w->expires, "age_days",
						   (json_int_t)nhg_date_diff(w->created, v->today),
						   "days_left", (json_int_t)ws[i]->days_left,
						   "findings", (json_int_t)ws[i]->matched));
	}
	return nhg_rj_write(out, json_pack("{s:s, s:s, s:o, s:o}", "schema", "nhigate.debt/v1",
					   "today", v->today, "file", nhg_rj_str(v->waivers_file),
					   "waivers", a), false, err);
}

/* One cell: Markdown-escaped, or cleaned of control bytes and padded to width. */
static int cell(nhg_buf *out, const char *s, int width, bool md)
{
	size_t from = out->len;
	int rc = md ? nhg_buf_puts(out, "| ") : 0;

	rc = rc ? rc : md ? nhg_rj_md(out, s) : nhg_rj_clean(out, s);
	while (!rc && !md && out->len - from < (size_t)width)
		rc = nhg_buf_putc(out, ' ');
	return rc ? rc : nhg_buf_putc(out, ' ');
}

static int render_rows(nhg_buf *out, const nhg_verdict *v, const nhg_wstatus **ws, bool md)
{
	int rc = md ? nhg_buf_printf(out, "# Policy debt (%s)\n\n%zu waiver%s in ",
				     v->today, v->nwaivers, v->nwaivers == 1 ? "" : "s")
		    : nhg_buf_printf(out, "%-16s %-9s %-24s %-16s %-16s %-10s %-10s %5s %9s %8s\n",
				     "WAIVER", "STATE", "RULE", "OWNER", "APPROVED BY", "TICKET",
				     "EXPIRES", "AGE", "DAYS LEFT", "FINDINGS");
	if (md) {
		rc = rc ? rc : nhg_rj_md(out, v->waivers_file ? v->waivers_file : "(none)");
		rc = rc ? rc : nhg_buf_puts(out, "\n\n| waiver | state | rule | owner | approved by | "
					    "ticket | expires | age | days left | findings |\n"
					    "|---|---|---|---|---|---|---|---|---|---|\n");
	}
	for (size_t i = 0; !rc && i < v->nwaivers; i++) {
		const nhg_waiver *w = ws[i]->waiver;
		const char *cells[] = { w->id, state_name(ws[i]), w->rule, w->owner,
					w->approved_by, w->ticket, w->expires };
		static const int widths[] = { 16, 9, 24, 16, 16, 10, 10 };
		for (size_t j = 0; !rc && j < sizeof(cells) / sizeof(*cells); j++)
			rc = cell(out, cells[j], widths[j], md);
		if (!rc)
			rc = nhg_buf_printf(out, md ? "| %d | %d | %zu |\n" : "%5d %9d %8zu\n",
					    (int)nhg_date_diff(w->created, v->today),
					    (int)ws[i]->days_left, ws[i]->matched);
	}
	if (!rc && !v->nwaivers && !md)
		rc = nhg_buf_puts(out, "no waivers\n");
	return rc;
}

int nhg_report_debt(nhg_buf *out, const nhg_verdict *v, const char *format, nhg_error *err)
{
	const nhg_wstatus **ws = calloc(v->nwaivers + 1, sizeof(*ws));
	int rc;

	if (!ws)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->nwaivers; i++)
		ws[i] = &v->waivers[i];
	qsort(ws, v->nwaivers, sizeof(*ws), cmp_debt);
	if (!strcmp(format, "json"))
		rc = render_json(out, v, ws, err);
	else if ((rc = render_rows(out, v, ws, !strcmp(format, "md"))) != 0)
		rc = nhg_error_set(err, rc, "report too large");
	free(ws);
	return rc;
}
