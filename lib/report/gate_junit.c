/*
 * JUnit XML for a gate verdict, as GitLab's test report reads it.
 *
 * One testsuite "nhigate-gate": a testcase "decision" that fails when the
 * verdict blocks (an <error> when the gate itself failed) and passes
 * otherwise, with break-glass and report-only said in its output; then one
 * testcase per finding: blocking findings fail (break-glass included, so
 * the exception stays visible), waived findings are skipped with their
 * waiver, advisory ones pass with the reason in <system-out>; and one
 * skipped testcase per piece of content that could not be scanned.  A
 * finding's testcase is named by rule, path, fingerprint and commit (not
 * line) so that it keeps its name across pipelines when lines move.
 */
#include <stdio.h>
#include <string.h>

#include "nhigate/gate_report.h"
#include "report/json_util.h"
#include "nhigate/text.h"

/*
 * Append s escaped for XML text and attribute values: markup characters as
 * entities; control bytes, invalid UTF-8 and the non-characters U+FFFE and
 * U+FFFF (none allowed in XML 1.0) as visible \xNN / \uFFFx escapes.
 */
static int xml_put(nhg_buf *b, const char *s)
{
	nhg_buf tmp = NHG_BUF_INIT(1u << 20);
	int rc = 0;

	if (!s)
		s = "";
	if (!nhg_text_is_utf8(s, strlen(s))) {
		if ((rc = nhg_text_escape(&tmp, s, strlen(s))) != 0)
			goto out;
		s = tmp.ptr;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		switch (*p) {
		case '&': rc = nhg_buf_puts(b, "&amp;"); break;
		case '<': rc = nhg_buf_puts(b, "&lt;"); break;
		case '>': rc = nhg_buf_puts(b, "&gt;"); break;
		case '"': rc = nhg_buf_puts(b, "&quot;"); break;
		case '\'': rc = nhg_buf_puts(b, "&apos;"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				rc = nhg_buf_printf(b, "\\x%02x", *p);
			} else if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
				rc = nhg_buf_printf(b, "\\uFFF%c", p[2] == 0xbe ? 'E' : 'F');
				p += 2;
			} else {
				rc = nhg_buf_putc(b, (char)*p);
			}
		}
	}
out:
	nhg_buf_free(&tmp);
	return rc;
}

/* name="value" with a leading space. */
static int attr(nhg_buf *b, const char *name, const char *value)
{
	int rc = nhg_buf_printf(b, " %s=\"", name);
	if (!rc)
		rc = xml_put(b, value);
	return rc ? rc : nhg_buf_putc(b, '"');
}

/* One line of element text: "label: value\n" (nothing when value is NULL). */
static int line(nhg_buf *b, const char *label, const char *value)
{
	int rc;
	if (!value)
		return 0;
	if ((rc = nhg_buf_printf(b, "%s: ", label)) != 0 || (rc = xml_put(b, value)) != 0)
		return rc;
	return nhg_buf_putc(b, '\n');
}

static const char *tool_of(const nhg_gfinding *f)
{
	return f->tool && *f->tool ? f->tool : "nhigate";
}


/* The finding's details, one "label: value" per line (escaped). */
static int finding_body(nhg_buf *b, const nhg_gfinding *f)
{
	nhg_buf t = NHG_BUF_INIT(1u << 16);
	int rc = 0;

	if (f->line)
		rc = nhg_buf_printf(&t, "%s:%u:%u", f->path ? f->path : "", f->line, f->column);
	else
		rc = nhg_buf_puts(&t, f->path ? f->path : "");
	rc = rc ? rc : line(b, "rule", f->rule);
	rc = rc ? rc : line(b, "title", f->title);
	rc = rc ? rc : line(b, "severity", nhg_severity_name(f->severity));
	rc = rc ? rc : line(b, "tool", tool_of(f));
	rc = rc ? rc : line(b, "location", t.ptr);
	rc = rc ? rc : line(b, "commit", f->commit);
	rc = rc ? rc : line(b, "job", f->job);
	rc = rc ? rc : line(b, "step", f->step);
	rc = rc ? rc : line(b, "secret", f->redacted);
	rc = rc ? rc : line(b, "fingerprint", f->fingerprint);
	for (size_t i = 0; i < f->controls.n && !rc; i++)
		rc = line(b, "control", f->controls.v[i]);
	if (!rc && f->status == NHG_STATUS_WAIVED && f->waiver) {
		rc = line(b, "waiver", f->waiver->id);
		rc = rc ? rc : line(b, "waiver owner", f->waiver->owner);
		rc = rc ? rc : line(b, "waiver ticket", f->waiver->ticket);
		rc = rc ? rc : line(b, "waiver expires", f->waiver->expires);
	}
	rc = rc ? rc : line(b, "fix", f->help);
	nhg_buf_free(&t);
	return rc;
}

static int finding_case(nhg_buf *b, const nhg_verdict *v, const nhg_gfinding *f)
{
	nhg_buf name = NHG_BUF_INIT(1u << 16), cls = NHG_BUF_INIT(1024), msg = NHG_BUF_INIT(1u << 16);
	int rc;

	rc = nhg_buf_printf(&name, "%s in %s (%.12s)", f->rule ? f->rule : "unknown",
			    f->path && *f->path ? f->path : "(no file)", f->fingerprint);
	if (!rc && f->commit && *f->commit)   /* the same secret in several commits */
		rc = nhg_buf_printf(&name, " at %.12s", f->commit);
	if (!rc)
		rc = f->origin == NHG_ORIGIN_EXTERNAL ? nhg_buf_printf(&cls, "external.%s", tool_of(f))
						       : nhg_buf_printf(&cls, "nhigate.%s",
									nhg_origin_name(f->origin));
	if (!rc)
		rc = nhg_buf_puts(&msg, f->message ? f->message : f->rule ? f->rule : "finding");
	if (!rc && f->redacted && (!f->message || !strstr(f->message, f->redacted)))
		rc = nhg_buf_printf(&msg, " (%s)", f->redacted);
	if (!rc && !(rc = nhg_buf_puts(&msg, " [")) && !(rc = nhg_rj_status_note(&msg, v, f)))
		rc = nhg_buf_putc(&msg, ']');

	rc = rc ? rc : nhg_buf_puts(b, "    <testcase");
	rc = rc ? rc : attr(b, "classname", cls.ptr);
	rc = rc ? rc : attr(b, "name", name.ptr);
	if (!rc && f->path && *f->path)
		rc = attr(b, "file", f->path);
	rc = rc ? rc : nhg_buf_puts(b, " time=\"0\">\n");
	switch (f->status) {
	case NHG_STATUS_BLOCKING:
		rc = rc ? rc : nhg_buf_puts(b, "      <failure");
		rc = rc ? rc : attr(b, "type", nhg_severity_name(f->severity));
		rc = rc ? rc : attr(b, "message", msg.ptr);
		rc = rc ? rc : nhg_buf_puts(b, ">");
		rc = rc ? rc : finding_body(b, f);
		rc = rc ? rc : nhg_buf_puts(b, "</failure>\n");
		break;
	case NHG_STATUS_WAIVED:
		rc = rc ? rc : nhg_buf_puts(b, "      <skipped");
		rc = rc ? rc : attr(b, "message", msg.ptr);
		rc = rc ? rc : nhg_buf_puts(b, "/>\n      <system-out>");
		rc = rc ? rc : finding_body(b, f);
		rc = rc ? rc : nhg_buf_puts(b, "</system-out>\n");
		break;
	default:
		rc = rc ? rc : nhg_buf_puts(b, "      <system-out>");
		rc = rc ? rc : xml_put(b, msg.ptr);
		rc = rc ? rc : nhg_buf_putc(b, '\n');
		rc = rc ? rc : finding_body(b, f);
		rc = rc ? rc : nhg_buf_puts(b, "</system-out>\n");
	}
	rc = rc ? rc : nhg_buf_puts(b, "    </testcase>\n");
	nhg_buf_free(&name);
	nhg_buf_free(&cls);
	nhg_buf_free(&msg);
	return rc;
}

static int skip_case(nhg_buf *b, const nhg_gskip *s)
{
	int rc = nhg_buf_puts(b, "    <testcase classname=\"nhigate.skipped\"");
	nhg_buf name = NHG_BUF_INIT(1u << 16);

	rc = rc ? rc : nhg_buf_printf(&name, "not scanned: %s%s%s", s->path,
				      s->commit ? " in commit " : "", s->commit ? s->commit : "");
	rc = rc ? rc : attr(b, "name", name.ptr);
	rc = rc ? rc : attr(b, "file", s->path);
	rc = rc ? rc : nhg_buf_puts(b, " time=\"0\">\n      <skipped");
	rc = rc ? rc : attr(b, "message", s->reason);
	rc = rc ? rc : nhg_buf_puts(b, "/>\n    </testcase>\n");
	nhg_buf_free(&name);
	return rc;
}

/* The decision's explanation: reasons, break-glass, report-only, waivers. */
static int decision_body(nhg_buf *b, const nhg_verdict *v)
{
	static const char *const state[] = { "applied", "stale (matches nothing)", "expired" };
	nhg_buf t = NHG_BUF_INIT(1u << 16);
	int rc = line(b, "decision", nhg_decision_name(v->decision));

	for (size_t i = 0; i < v->nreasons && !rc; i++)
		rc = line(b, "reason", v->reasons[i]);
	if (!rc && !v->enforce && v->would_block)
		rc = line(b, "report-only", "the policy would block this change");
	if (!rc && v->breakglass.reason) {
		rc = nhg_buf_printf(&t, "%s by %s: %s", v->breakglass.accepted ? "BREAK-GLASS" :
				    "break-glass refused", v->subject.actor ? v->subject.actor : "?",
				    v->breakglass.reason);
		rc = rc ? rc : line(b, "break-glass", t.ptr);
		rc = rc ? rc : line(b, "break-glass refused", v->breakglass.refused);
	}
	for (size_t i = 0; i < v->nwaivers && !rc; i++) {
		const nhg_wstatus *w = &v->waivers[i];
		nhg_buf_clear(&t);
		rc = nhg_buf_printf(&t, "%s %s%s", w->waiver ? w->waiver->id : "?",
				    (unsigned)w->state < 3 ? state[w->state] : "?",
				    w->expiring && w->state != NHG_WAIVER_EXPIRED ?
				    ", expiring soon" : "");
		rc = rc ? rc : line(b, "waiver", t.ptr);
	}
	rc = rc ? rc : line(b, "decision id", v->decision_id);
	nhg_buf_free(&t);
	return rc;
}

static int decision_case(nhg_buf *b, const nhg_verdict *v)
{
	const char *first = v->nreasons ? v->reasons[0] : nhg_decision_name(v->decision);
	const char *tag = v->decision == NHG_DECISION_ERROR ? "error" :
			  v->decision == NHG_DECISION_BLOCK ? "failure" : NULL;
	int rc = nhg_buf_puts(b, "    <testcase classname=\"nhigate.gate\" name=\"decision\" "
			      "time=\"0\">\n");
	if (tag) {
		rc = rc ? rc : nhg_buf_printf(b, "      <%s", tag);
		rc = rc ? rc : attr(b, "type", nhg_decision_name(v->decision));
		rc = rc ? rc : attr(b, "message", first);
		rc = rc ? rc : nhg_buf_putc(b, '>');
		rc = rc ? rc : decision_body(b, v);
		rc = rc ? rc : nhg_buf_printf(b, "</%s>\n", tag);
	} else {
		rc = rc ? rc : nhg_buf_puts(b, "      <system-out>");
		rc = rc ? rc : decision_body(b, v);
		rc = rc ? rc : nhg_buf_puts(b, "</system-out>\n");
	}
	return rc ? rc : nhg_buf_puts(b, "    </testcase>\n");
}

int nhg_report_gate_junit(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err)
{
	size_t blocking = nhg_verdict_count(v, NHG_STATUS_BLOCKING);
	size_t waived = nhg_verdict_count(v, NHG_STATUS_WAIVED);
	size_t tests = v->nfindings + v->nskipped + 1;
	size_t failures = blocking + (v->decision == NHG_DECISION_BLOCK);
	size_t errors = v->decision == NHG_DECISION_ERROR;
	size_t skipped = waived + v->nskipped;
	nhg_buf b = NHG_BUF_INIT(out->max);
	char counts[200];
	int rc;

	snprintf(counts, sizeof(counts),
		 " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\"",
		 tests, failures, errors, skipped);
	rc = nhg_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<testsuites name=\"nhigate-gate\"%s>\n"
			    "  <testsuite name=\"nhigate-gate\"%s", counts, counts);
	/* JUnit timestamps carry no zone: the verdict's UTC time without its Z */
	if (!rc && strlen(v->timestamp) == 20 && v->timestamp[19] == 'Z')
		rc = nhg_buf_printf(&b, " timestamp=\"%.19s\"", v->timestamp);
	rc = rc ? rc : nhg_buf_puts(&b, ">\n    <properties>\n      <property name=\"decision\"");
	rc = rc ? rc : attr(&b, "value", nhg_decision_name(v->decision));
	rc = rc ? rc : nhg_buf_puts(&b, "/>\n      <property name=\"decision_id\"");
	rc = rc ? rc : attr(&b, "value", v->decision_id);
	rc = rc ? rc : nhg_buf_puts(&b, "/>\n      <property name=\"nhigate_version\"");
	rc = rc ? rc : attr(&b, "value", version ? version : "");
	rc = rc ? rc : nhg_buf_puts(&b, "/>\n    </properties>\n");
	rc = rc ? rc : decision_case(&b, v);
	for (size_t i = 0; i < v->nfindings && !rc; i++)
		rc = finding_case(&b, v, &v->findings[i]);
	for (size_t i = 0; i < v->nskipped && !rc; i++)
		rc = skip_case(&b, &v->skipped[i]);
	rc = rc ? rc : nhg_buf_puts(&b, "  </testsuite>\n</testsuites>\n");
	rc = rc ? rc : nhg_buf_put(out, b.ptr, b.len);
	nhg_buf_free(&b);
	if (rc)
		return nhg_error_set(err, rc, rc == NHG_ENOMEM ? "out of memory" :
				     "JUnit report too large");
	return 0;
}
