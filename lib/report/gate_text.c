/*
 * The verdict for people: the decision first, then why, then what to do.
 */
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"

#define MAX_LISTED 200

static int line_of(nhg_buf *out, const nhg_gfinding *f)
{
	int rc = nhg_buf_puts(out, "  ");
	rc = rc ? rc : nhg_rj_clean(out, f->path);
	rc = rc ? rc : nhg_buf_printf(out, ":%u:%u  %-8s %s  ", f->line, f->column,
				      nhg_severity_name(f->severity), f->rule);
	rc = rc ? rc : nhg_rj_clean(out, f->message);
	rc = rc ? rc : nhg_buf_putc(out, '\n');
	if (!rc && f->commit)
		rc = nhg_buf_printf(out, "      commit %.12s%s%s\n", f->commit,
				    f->author ? "  " : "", f->author ? f->author : "");
	if (!rc && f->job)
		rc = nhg_buf_printf(out, "      job %s%s%s\n", f->job, f->step ? ", step " : "",
				    f->step ? f->step : "");
	if (!rc && f->status == NHG_STATUS_WAIVED)
		rc = nhg_buf_printf(out, "      waived by %s (owner %s, approved by %s, ticket %s, "
				    "expires %s)\n", f->waiver->id, f->waiver->owner,
				    f->waiver->approved_by, f->waiver->ticket, f->waiver->expires);
	if (!rc && f->status == NHG_STATUS_ADVISORY && f->why)
		rc = nhg_buf_printf(out, "      advisory: %s\n", f->why);
	if (!rc && f->status == NHG_STATUS_BLOCKING && f->help)
		rc = nhg_buf_printf(out, "      fix: %s\n", f->help);
	return rc;
}

static int section(nhg_buf *out, const nhg_verdict *v, nhg_status s, const char *title)
{
	size_t n = nhg_verdict_count(v, s), shown = 0;
	int rc;
	if (!n)
		return 0;
	rc = nhg_buf_printf(out, "\n%s (%zu):\n", title, n);
	for (size_t i = 0; !rc && i < v->nfindings && shown < MAX_LISTED; i++)
		if (v->findings[i].status == s) {
			shown++;
			rc = line_of(out, &v->findings[i]);
		}
	if (!rc && n > shown)
		rc = nhg_buf_printf(out, "  ... and %zu more (see the JSON report)\n", n - shown);
	return rc;
}

static int waivers(nhg_buf *out, const nhg_verdict *v)
{
	static const char *const what[] = { "applied", "stale: matches nothing in this change",
					    "EXPIRED: waives nothing" };
	int rc = 0;
	if (!v->nwaivers)
		return 0;
	rc = nhg_buf_printf(out, "\nWaivers (%s):\n", v->waivers_file ? v->waivers_file : "");
	for (size_t i = 0; !rc && i < v->nwaivers; i++) {
		const nhg_wstatus *ws = &v->waivers[i];
		rc = nhg_buf_printf(out, "  %s  %s, %zu finding%s, expires %s%s (owner %s, ticket %s)\n",
				    ws->waiver->id, what[ws->state], ws->matched,
				    ws->matched == 1 ? "" : "s", ws->waiver->expires,
				    ws->expiring ? " — expiring soon" : "", ws->waiver->owner,
				    ws->waiver->ticket);
	}
	return rc;
}

static int todo(nhg_buf *out, const nhg_verdict *v)
{
	int rc = nhg_buf_puts(out, "\nWhat to do:\n");
	bool secrets = false;
	for (size_t i = 0; i < v->nfindings; i++)
		secrets |= v->findings[i].status == NHG_STATUS_BLOCKING &&
			   v->findings[i].origin == NHG_ORIGIN_SECRETS;
	if (!rc && secrets)
		rc = nhg_buf_puts(out, "  - A credential in a commit is exposed: revoke or rotate it "
				  "first, then remove it from the change (rewrite the commits).\n");
	if (!rc)
		rc = nhg_buf_puts(out, "  - Fix each blocking finding as its 'fix' line says, and "
				  "push again.\n"
				  "  - Accepted risk: add a time-bound waiver to .nhigate/waivers.yaml "
				  "on the target branch, approved by someone other than its owner.\n"
				  "  - Emergency: an allowed actor may break glass with "
				  "NHIGATE_BREAKGLASS=<reason> (CI) or\n"
				  "    git push -o nhigate.breakglass=<reason>; it is logged.\n");
	return rc;
}

/* Control bytes from paths or messages would drive the reader's terminal: '?'. */
static void scrub(nhg_buf *out, size_t from)
{
	for (size_t i = from; i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			out->ptr[i] = '?';
	}
}

int nhg_report_gate_text(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err)
{
	size_t from = out->len;
	int rc;

	(void)version;
	if (v->would_block)
		rc = nhg_buf_printf(out, "nhigate: PASS (report-only) — this change WOULD BE BLOCKED "
				    "when the policy is enforced\n");
	else if (v->decision == NHG_DECISION_BREAKGLASS)
		rc = nhg_buf_printf(out, "nhigate: BREAKGLASS — blocked findings let through by %s: "
				    "\"%s\" (recorded)\n", v->subject.actor, v->breakglass.reason);
	else
		rc = nhg_buf_printf(out, "nhigate: %s\n", v->decision == NHG_DECISION_PASS ? "PASS" :
				    v->decision == NHG_DECISION_BLOCK ? "BLOCK" : "ERROR");
	rc = rc ? rc : nhg_buf_puts(out, "\nWhy:\n");
	for (size_t i = 0; !rc && i < v->nreasons; i++)
		if (i < v->listed_from || i >= v->listed_to) /* listed below */
			rc = nhg_buf_printf(out, "  - %s\n", v->reasons[i]);
	if (!rc)
		rc = section(out, v, NHG_STATUS_BLOCKING, "Blocking");
	if (!rc)
		rc = section(out, v, NHG_STATUS_WAIVED, "Waived");
	if (!rc)
		rc = section(out, v, NHG_STATUS_ADVISORY, "Advisory");
	if (!rc)
		rc = waivers(out, v);
	if (!rc && v->nskipped) {
		rc = nhg_buf_printf(out, "\nNot scanned (%zu):\n", v->nskipped);
		for (size_t i = 0; !rc && i < v->nskipped && i < MAX_LISTED; i++)
			rc = nhg_buf_printf(out, "  %s%s%.12s: %s\n", v->skipped[i].path,
					    v->skipped[i].commit ? " @" : "",
					    v->skipped[i].commit ? v->skipped[i].commit : "",
					    v->skipped[i].reason);
	}
	if (!rc && (v->decision == NHG_DECISION_BLOCK || v->would_block))
		rc = todo(out, v);
	if (!rc)
		rc = nhg_buf_printf(out, "\npolicy %.16s%s%s, block on %s; decision %s at %s\n",
				    v->policy_sha256, v->profile ? ", profile " : "",
				    v->profile ? v->profile : "", nhg_severity_name(v->block_on),
				    v->decision_id, v->timestamp);
	scrub(out, from);
	return rc ? nhg_error_set(err, rc, "report too large") : 0;
}
