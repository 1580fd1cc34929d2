/*
 * GitLab reports of a gate verdict: secret detection and SAST (security
 * report schema 15.2.1) and Code Quality.
 *
 * Secret findings (nhigate's secrets engine, or any finding carrying a
 * secret's sha256) go to the secret-detection report, every other finding
 * to the SAST report.  GitLab has no waived state: waived findings stay in
 * both reports with their severity, and their description and details say
 * which waiver holds them and until when.  A vulnerability's id is a UUID
 * made from its fingerprint (and its rank among findings that share it), so
 * it is stable from run to run.  GitLab's times carry no zone suffix; they
 * are in UTC, from the verdict's start to the report's writing.  Code Quality: one issue per finding that has a
 * path; blocking findings are "blocker", waived ones "info", advisory ones
 * by severity.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/gate_report.h"
#include "nhigate/hash.h"
#include "nhigate/text.h"
#include "report/json_util.h"

#define INFO_URI "https://github.com/nhigate/nhigate"
#define SCHEMA_BASE "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.2.1/dist/"
#define NAME_MAX_LEN 255
#define SOLUTION_MAX_LEN 7000

/* A JSON string of s cut to at most max bytes on a character boundary;
 * bytes that are not UTF-8 become \xNN escapes. */
static json_t *jstr_max(const char *s, size_t max)
{
	nhg_buf b = NHG_BUF_INIT(1u << 20);
	json_t *j = NULL;
	size_t n;
	if (!s)
		s = "";
	if (nhg_text_is_utf8(s, strlen(s)) ? nhg_buf_puts(&b, s) : nhg_text_escape(&b, s, strlen(s)))
		goto out;
	if (b.len > max) {
		n = max;
		while (n > 0 && ((unsigned char)b.ptr[n] & 0xc0) == 0x80)
			n--;
		b.ptr[n] = '\0';
	}
	j = json_string(b.ptr);
out:
	nhg_buf_free(&b);
	return j;
}

static json_t *jstr(const char *s)
{
	return jstr_max(s, (size_t)-1);
}

static bool is_secret(const nhg_gfinding *f)
{
	return f->origin == NHG_ORIGIN_SECRETS || f->secret_sha256[0];
}

static const char *tool_of(const nhg_gfinding *f)
{
	return f->tool && *f->tool ? f->tool : "nhigate";
}

static const char *gitlab_severity(nhg_severity s)
{
	switch (s) {
	case NHG_SEV_CRITICAL: return "Critical";
	case NHG_SEV_HIGH: return "High";
	case NHG_SEV_MEDIUM: return "Medium";
	case NHG_SEV_LOW: return "Low";
	default: return "Unknown";
	}
}

/* "2026-11-23T06:30:00Z" -> "2026-11-23T06:30:00"; -1 when ts is not that shape. */
static int gitlab_time(char out[20], const char *ts)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; i < 19; i++) {
		bool digit = ts[i] >= '0' && ts[i] <= '9';
		if (shape[i] == 'd' ? !digit : ts[i] != shape[i])
			return -1;
	}
	memcpy(out, ts, 19);
	out[19] = '\0';
	return 0;
}


/*
 * A UUID (version 5 layout) from sha256 over "nhigate:" fingerprint and,
 * for the n-th repeat of the same fingerprint (n > 0), ":" n.
 */
static void finding_uuid(char out[37], const char *fingerprint, size_t n)
{
	char in[128], h[65];
	if (n)
		snprintf(in, sizeof(in), "nhigate:%.64s:%zu", fingerprint, n);
	else
		snprintf(in, sizeof(in), "nhigate:%.64s", fingerprint);
	nhg_sha256_hex(h, in, strlen(in));
	h[12] = '5';                          /* version */
	h[16] = "89ab"[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];   /* variant */
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

typedef struct fpref {
	const char *fp;
	size_t i;
} fpref;

static int fpref_cmp(const void *a, const void *b)
{
	const fpref *x = a, *y = b;
	int c = strcmp(x->fp, y->fp);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * Per finding, how many findings before it share its fingerprint (malloc'd,
 * nfindings entries); NULL when out of memory or there are no findings.
 */
static size_t *fingerprint_ranks(const nhg_verdict *v)
{
	fpref *r;
	size_t *rank;
	if (!v->nfindings)
		return NULL;
	r = calloc(v->nfindings, sizeof(*r));
	rank = calloc(v->nfindings, sizeof(*rank));
	if (!r || !rank) {
		free(r);
		free(rank);
		return NULL;
	}
	for (size_t i = 0; i < v->nfindings; i++)
		r[i] = (fpref){ v->findings[i].fingerprint, i };
	qsort(r, v->nfindings, sizeof(*r), fpref_cmp);
	for (size_t k = 1; k < v->nfindings; k++)
		if (!strcmp(r[k].fp, r[k - 1].fp))
			rank[r[k].i] = rank[r[k - 1].i] + 1;
	free(r);
	return rank;
}

/* A named-list detail entry: {"name": name, "type": "text", "value": value}. */
static int detail(json_t *details, const char *key, const char *name, const char *value)
{
	if (!value)
		return 0;
	return nhg_rj_set(details, key, json_pack("{s:s, s:s, s:o}", "name", name, "type", "text",
					   "value", jstr(value)));
}

static json_t *details_json(const nhg_verdict *v, const nhg_gfinding *f)
{
	json_t *d = json_object(), *items = json_array();
	int bad = !d || !items;

	bad |= detail(d, "status", "Gate status", nhg_status_name(f->status));
	bad |= detail(d, "decision", "Gate decision", nhg_decision_name(v->decision));
	if (f->status == NHG_STATUS_WAIVED && f->waiver) {
		bad |= detail(d, "waiver", "Waiver", f->waiver->id);
		bad |= detail(d, "waiver_expires", "Waiver expires", f->waiver->expires);
		bad |= detail(d, "waiver_ticket", "Waiver ticket", f->waiver->ticket);
	}
	if (f->status == NHG_STATUS_ADVISORY)
		bad |= detail(d, "why", "Why it does not block", f->why);
	bad |= detail(d, "fingerprint", "Fingerprint", f->fingerprint);
	bad |= detail(d, "redacted", "Secret (redacted)", f->redacted);
	if (f->secret_sha256[0])
		bad |= detail(d, "secret_sha256", "Secret SHA-256", f->secret_sha256);
	bad |= detail(d, "tool", "Reported by", tool_of(f));
	bad |= detail(d, "job", "Job", f->job);
	bad |= detail(d, "step", "Step", f->step);
	if (f->commit && *f->commit)
		bad |= nhg_rj_set(d, "commit", json_pack("{s:s, s:s, s:o}", "name", "Commit",
						  "type", "commit", "value", jstr(f->commit)));
	for (size_t i = 0; i < f->controls.n; i++)
		bad |= nhg_rj_add(items, json_pack("{s:s, s:o}", "type", "text",
					    "value", jstr(f->controls.v[i])));
	if (f->controls.n)
		bad |= nhg_rj_set(d, "controls", json_pack("{s:s, s:s, s:O}", "name", "Controls",
						    "type", "list", "items", items));
	json_decref(items);
	if (bad) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static json_t *vulnerability_json(const nhg_verdict *v, size_t i, size_t rank, bool secret)
{
	const nhg_gfinding *f = &v->findings[i];
	const char *rule = f->rule && *f->rule ? f->rule : "unknown";
	const char *title = f->title && *f->title ? f->title : rule;
	nhg_buf desc = NHG_BUF_INIT(1u << 16), idtype = NHG_BUF_INIT(256),
		idname = NHG_BUF_INIT(1024);
	json_t *o = json_object(), *loc = json_object(), *ids = json_array();
	char uuid[37];
	int bad = !o || !loc || !ids;

	finding_uuid(uuid, f->fingerprint, rank);
	bad |= nhg_buf_puts(&desc, f->message && *f->message ? f->message : title) != 0;
	if (f->redacted && (!f->message || !strstr(f->message, f->redacted)))
		bad |= nhg_buf_printf(&desc, " (%s)", f->redacted) != 0;
	bad |= nhg_buf_puts(&desc, ". nhigate gate: ") != 0 || nhg_rj_status_note(&desc, v, f) != 0 ||
	       nhg_buf_putc(&desc, '.') != 0;

	/* the identifier's type names the tool: "nhigate_rule_id", "zizmor_rule_id" */
	for (const char *p = tool_of(f); *p && !bad; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : '_';
		bad |= nhg_buf_putc(&idtype, c) != 0;
	}
	bad |= nhg_buf_puts(&idtype, "_rule_id") != 0;
	bad |= nhg_buf_printf(&idname, "%s rule %s", tool_of(f), rule) != 0;
	bad |= nhg_rj_add(ids, json_pack("{s:o, s:o, s:o}", "type", jstr(idtype.ptr),
				  "name", jstr(idname.ptr), "value", jstr(rule)));

	if (f->path && *f->path)
		bad |= nhg_rj_set(loc, "file", jstr(f->path));
	if (f->line >= 1) {
		bad |= nhg_rj_set(loc, "start_line", json_integer(f->line));
		bad |= nhg_rj_set(loc, "end_line", json_integer(f->line));
	}
	if (secret) {
		/* GitLab wants a commit; outside git modes, the head or its placeholder */
		const char *sha = f->commit && *f->commit ? f->commit :
				  v->subject.head && *v->subject.head ? v->subject.head : "0000000";
		json_t *c = json_pack("{s:o}", "sha", jstr(sha));
		if (c && f->author)
			bad |= nhg_rj_set(c, "author", jstr(f->author));
		if (c && f->date)
			bad |= nhg_rj_set(c, "date", jstr(f->date));
		bad |= nhg_rj_set(loc, "commit", c);
	}

	bad |= nhg_rj_set(o, "id", json_string(uuid));
	bad |= nhg_rj_set(o, "name", jstr_max(title, NAME_MAX_LEN));
	bad |= nhg_rj_set(o, "description", jstr(desc.ptr));
	bad |= nhg_rj_set(o, "severity", json_string(gitlab_severity(f->severity)));
	if (f->help && *f->help)
		bad |= nhg_rj_set(o, "solution", jstr_max(f->help, SOLUTION_MAX_LEN));
	bad |= nhg_rj_set(o, "identifiers", ids);
	bad |= nhg_rj_set(o, "location", loc);
	bad |= nhg_rj_set(o, "details", details_json(v, f));
	nhg_buf_free(&desc);
	nhg_buf_free(&idtype);
	nhg_buf_free(&idname);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *party(const char *id, const char *name, const char *version)
{
	return json_pack("{s:s, s:s, s:o, s:{s:s}, s:s}", "id", id, "name", name,
			 "version", jstr(version), "vendor", "name", "nhigate", "url", INFO_URI);
}

static json_t *scan_json(const nhg_verdict *v, const char *type, const char *version,
			 const char *when)
{
	char now[21], end[20];
	json_t *o = json_object(), *msgs = json_array();
	nhg_buf b = NHG_BUF_INIT(1u << 16);
	int bad = !o || !msgs;

	nhg_rj_end_time(now, v->timestamp);
	if (gitlab_time(end, now))
		memcpy(end, when, sizeof(end));

	bad |= nhg_buf_printf(&b, "nhigate gate decision: %s", nhg_decision_name(v->decision)) != 0;
	if (!v->enforce && v->would_block)
		bad |= nhg_buf_puts(&b, " (report-only: the policy would block)") != 0;
	bad |= nhg_rj_add(msgs, json_pack("{s:s, s:o}", "level",
				   v->decision == NHG_DECISION_ERROR ? "fatal" : "info",
				   "value", jstr(b.ptr)));
	for (size_t i = 0; i < v->nreasons; i++)
		bad |= nhg_rj_add(msgs, json_pack("{s:s, s:o}", "level",
					   v->decision == NHG_DECISION_ERROR ? "fatal" : "info",
					   "value", jstr(v->reasons[i])));
	for (size_t i = 0; i < v->nskipped; i++) {
		const nhg_gskip *s = &v->skipped[i];
		nhg_buf_clear(&b);
		bad |= nhg_buf_printf(&b, "not scanned: %s%s%s: %s", s->path,
				      s->commit ? " in commit " : "", s->commit ? s->commit : "",
				      s->reason) != 0;
		bad |= nhg_rj_add(msgs, json_pack("{s:s, s:o}", "level", "warn", "value", jstr(b.ptr)));
	}
	bad |= nhg_rj_set(o, "analyzer", party("nhigate-gate", "nhigate gate", version));
	bad |= nhg_rj_set(o, "scanner", party("nhigate", "nhigate", version));
	bad |= nhg_rj_set(o, "type", json_string(type));
	bad |= nhg_rj_set(o, "status", json_string(v->decision == NHG_DECISION_ERROR ? "failure" : "success"));
	bad |= nhg_rj_set(o, "start_time", json_string(when));
	bad |= nhg_rj_set(o, "end_time", json_string(end));
	bad |= nhg_rj_set(o, "messages", msgs);
	nhg_buf_free(&b);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Write root (taken) unless building it failed. */
static int dump(nhg_buf *out, json_t *root, int bad, nhg_error *err)
{
	if (bad) {
		json_decref(root);
		root = NULL;
	}
	return nhg_rj_write(out, root, false, err);
}

static int security_report(nhg_buf *out, const nhg_verdict *v, const char *version,
			   bool secrets, nhg_error *err)
{
	json_t *root = json_object(), *vulns = json_array();
	size_t *rank = fingerprint_ranks(v);
	char when[20];
	int bad = !root || !vulns || (v->nfindings && !rank);

	if (!version || !*version)
		version = "0.0.0";
	if (gitlab_time(when, v->timestamp)) {
		json_decref(root);
		json_decref(vulns);
		free(rank);
		return nhg_error_set(err, NHG_EINTERNAL, "verdict timestamp '%.20s' is not "
				     "YYYY-MM-DDTHH:MM:SSZ", v->timestamp);
	}
	for (size_t i = 0; i < v->nfindings && !bad; i++)
		if (is_secret(&v->findings[i]) == secrets)
			bad |= nhg_rj_add(vulns, vulnerability_json(v, i, rank[i], secrets));
	free(rank);
	bad |= nhg_rj_set(root, "version", json_string("15.2.1"));
	bad |= nhg_rj_set(root, "schema", json_string(secrets ? SCHEMA_BASE "secret-detection-report-format.json"
						       : SCHEMA_BASE "sast-report-format.json"));
	bad |= nhg_rj_set(root, "scan", scan_json(v, secrets ? "secret_detection" : "sast", version, when));
	bad |= nhg_rj_set(root, "vulnerabilities", vulns);
	return dump(out, root, bad, err);
}

int nhg_report_gate_gitlab_secrets(nhg_buf *out, const nhg_verdict *v, const char *version,
				   nhg_error *err)
{
	return security_report(out, v, version, true, err);
}

int nhg_report_gate_gitlab_sast(nhg_buf *out, const nhg_verdict *v, const char *version,
				nhg_error *err)
{
	return security_report(out, v, version, false, err);
}

static const char *cq_severity(const nhg_gfinding *f)
{
	if (f->status == NHG_STATUS_BLOCKING)
		return "blocker";
	if (f->status == NHG_STATUS_WAIVED)
		return "info";
	switch (f->severity) {
	case NHG_SEV_CRITICAL: return "critical";
	case NHG_SEV_HIGH: return "major";
	case NHG_SEV_MEDIUM: return "minor";
	default: return "info";
	}
}

int nhg_report_gate_codequality(nhg_buf *out, const nhg_verdict *v, const char *version,
				nhg_error *err)
{
	json_t *root = json_array();
	nhg_buf desc = NHG_BUF_INIT(1u << 16);
	size_t *rank = fingerprint_ranks(v);
	int bad = !root || (v->nfindings && !rank);

	(void)version;
	for (size_t i = 0; i < v->nfindings && !bad; i++) {
		const nhg_gfinding *f = &v->findings[i];
		const char *rule = f->rule && *f->rule ? f->rule : "unknown";
		char fp[65], in[96];
		if (!f->path || !*f->path)   /* Code Quality places every issue in a file */
			continue;
		/* fingerprints must be unique in the report: a repeat gets a derived one */
		if (rank[i] == 0) {
			memcpy(fp, f->fingerprint, sizeof(fp));
		} else {
			snprintf(in, sizeof(in), "%.64s:%zu", f->fingerprint, rank[i]);
			nhg_sha256_hex(fp, in, strlen(in));
		}
		nhg_buf_clear(&desc);
		bad |= nhg_buf_printf(&desc, "%s: %s", rule,
				      f->message && *f->message ? f->message :
				      f->title ? f->title : rule) != 0;
		if (f->redacted && (!f->message || !strstr(f->message, f->redacted)))
			bad |= nhg_buf_printf(&desc, " (%s)", f->redacted) != 0;
		bad |= nhg_buf_puts(&desc, " [") != 0 || nhg_rj_status_note(&desc, v, f) != 0 ||
		       nhg_buf_putc(&desc, ']') != 0;
		bad |= nhg_rj_add(root, json_pack("{s:s, s:o, s:o, s:[s], s:s, s:s, s:{s:o, s:{s:I}}}",
					   "type", "issue",
					   "check_name", jstr(rule),
					   "description", jstr(desc.ptr),
					   "categories", "Security",
					   "fingerprint", fp,
					   "severity", cq_severity(f),
					   "location", "path", jstr(f->path),
					   "lines", "begin", (json_int_t)(f->line ? f->line : 1)));
	}
	nhg_buf_free(&desc);
	free(rank);
	return dump(out, root, bad, err);
}
