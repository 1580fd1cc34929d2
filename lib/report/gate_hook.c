/*
 * The verdict as a pre-receive hook tells the pusher: one line per reason
 * and per finding, each starting "error:" when the push is refused
 * ("warning:" when it is let through with findings), no control bytes.
 */
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

#define MAX_LINES 100

static int finding(nhg_buf *out, const char *tag, const nhg_gfinding *f)
{
	int rc = nhg_buf_printf(out, "%s: ", tag);
	rc = rc ? rc : nhg_rj_clean(out, f->path);
	rc = rc ? rc : nhg_buf_printf(out, ":%u: %s (%s): ", f->line, f->rule,
				      nhg_severity_name(f->severity));
	rc = rc ? rc : nhg_rj_clean(out, f->message);
	if (!rc && f->commit)
		rc = nhg_buf_printf(out, " [commit %.12s]", f->commit);
	return rc ? rc : nhg_buf_putc(out, '\n');
}

int nhg_report_gate_hook(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err)
{
	bool refused = v->decision == NHG_DECISION_BLOCK || v->decision == NHG_DECISION_ERROR;
	const char *tag = refused ? "error" : "warning";
	size_t shown = 0;
	int rc;

	(void)version;
	bool quiet_pass = v->decision == NHG_DECISION_PASS && !v->would_block && !v->nskipped;

	if (v->decision == NHG_DECISION_PASS && !v->would_block && v->nskipped)
		rc = nhg_buf_printf(out, "warning: nhigate: the push is accepted with content that "
				    "was not scanned (decision %s)\n", v->decision_id);
	else if (quiet_pass)
		rc = nhg_buf_printf(out, "nhigate: pass (%zu waived, %zu advisory)\n",
				    nhg_verdict_count(v, NHG_STATUS_WAIVED),
				    nhg_verdict_count(v, NHG_STATUS_ADVISORY));
	else if (v->decision == NHG_DECISION_BREAKGLASS)
		rc = nhg_buf_printf(out, "warning: nhigate: BREAK-GLASS: the push is let through "
				    "and recorded (decision %s)\n", v->decision_id);
	else if (v->would_block)
		rc = nhg_buf_printf(out, "warning: nhigate: report-only: this push would be refused "
				    "once the policy is enforced\n");
	else
		rc = nhg_buf_printf(out, "error: nhigate: push refused (decision %s)\n",
				    v->decision_id);
	if (quiet_pass)
		return rc ? nhg_error_set(err, rc, "report too large") : 0;
	for (size_t i = 0; !rc && i < v->nreasons; i++) {
		if (i >= v->listed_from && i < v->listed_to)
			continue; /* the findings follow, with their messages */
		rc = nhg_buf_printf(out, "%s: ", tag);
		rc = rc ? rc : nhg_rj_clean(out, v->reasons[i]);
		rc = rc ? rc : nhg_buf_putc(out, '\n');
	}
	for (size_t i = 0; !rc && i < v->nfindings && shown < MAX_LINES; i++)
		if (v->findings[i].status == NHG_STATUS_BLOCKING) {
			shown++;
			rc = finding(out, tag, &v->findings[i]);
		}
	for (size_t i = 0; !rc && i < v->nskipped && shown < MAX_LINES; i++, shown++) {
		rc = nhg_buf_printf(out, "%s: not scanned: ", tag);
		rc = rc ? rc : nhg_rj_clean(out, *v->skipped[i].path ? v->skipped[i].path : "(the push)");
		rc = rc ? rc : nhg_buf_puts(out, ": ");
		rc = rc ? rc : nhg_rj_clean(out, v->skipped[i].reason);
		rc = rc ? rc : nhg_buf_putc(out, '\n');
	}
	if (!rc && refused && v->decision == NHG_DECISION_BLOCK)
		rc = nhg_buf_puts(out, "hint: fix the findings and push again; accepted risk needs a "
				  "waiver on the target branch; in an emergency an allowed pusher may\n"
				  "hint: git push -o nhigate.breakglass=<reason> (recorded)\n");
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}
