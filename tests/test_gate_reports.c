/*
 * Gate reports: SARIF, GitLab secret detection / SAST / Code Quality and
 * JUnit rendered from verdicts built by hand.  With NHG_REPORT_DIR set, every
 * report is also written there (tests/cli/t_gate_schemas.sh validates them
 * against the official schemas).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "nhigate/finding.h"
#include "nhigate/gate.h"
#include "nhigate/gate_report.h"
#include "nhigate/text.h"

#define SECRET "ghp_R3alLooking0SecretValue1234567890abcd"
#define VERSION "0.1.0"

static const char *pat_controls[] = { "OWASP-NHI:NHI2", "NIST-CSF:PR.AA-01" };
static const nhg_rule pat_rule = {
	.id = "github-pat", .title = "GitHub personal access token",
	.severity = NHG_SEV_HIGH, .controls = { pat_controls, 2 },
	.remediation = "Revoke the token, then read it from the CI secret store.",
};

/* Waivers are lent to a verdict; these are never written to. */
#define S(x) ((char *)(x))
static const nhg_waiver waiver_applied = {
	.id = S("W-2026-001"), .rule = S("github-pat"), .owner = S("team-platform"),
	.approved_by = S("security-lead"), .reason = S("test fixture, rotated every week anyway"),
	.ticket = S("SEC-42"), .created = "2026-11-01", .expires = "2026-12-01",
};
static const nhg_waiver waiver_expired = { .id = S("W-0"), .expires = "2026-10-01" };
static const nhg_waiver waiver_stale = { .id = S("W-3"), .expires = "2027-01-01" };

static void add_secret(nhg_result *r, const char *path, const char *commit, uint32_t line)
{
	nhg_unit u = { .path = path, .commit = commit, .author = "Dev <dev@example.org>",
		       .time = 86400, .data = SECRET, .len = strlen(SECRET) };
	nhg_match m = { .rule = &pat_rule, .line = line, .column = 7,
			.end_column = 7 + (uint32_t)strlen(SECRET) - 1, .secret = SECRET,
			.secret_len = strlen(SECRET) };
	assert_int_equal(nhg_result_add_match(r, &u, &m), 0);
}

static char *xstrdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;
	assert_true(!s || d);
	return d;
}

static nhg_gfinding *add_manual(nhg_verdict *v, nhg_origin origin, const char *tool,
				const char *rule, const char *path, uint32_t line, uint32_t col)
{
	nhg_gfinding *f;
	assert_int_equal(nhg_verdict_new_finding(v, &f), 0);
	f->origin = origin;
	f->tool = xstrdup(tool);
	f->rule = xstrdup(rule);
	f->path = xstrdup(path);
	f->line = line;
	f->column = col;
	f->severity = NHG_SEV_MEDIUM;
	snprintf(f->fingerprint, sizeof(f->fingerprint), "%064x", (unsigned)v->nfindings);
	return f;
}

/*
 * A verdict with every kind of finding: secrets copied from a scan that kept
 * the secret (blocking; the same secret in a second commit, waived), a
 * pipeline check (advisory), findings of two other tools (one with a rule id
 * that collides with ours, one with an awkward path and no line), a skip, a
 * break-glass and each waiver state.
 */
static void build(nhg_verdict *v, nhg_decision decision)
{
	nhg_result r;
	nhg_gfinding *f;

	assert_int_equal(nhg_verdict_init(v), 0);
	memcpy(v->timestamp, "2026-11-23T06:30:00Z", 21);
	memcpy(v->today, "2026-11-23", 11);
	memset(v->policy_sha256, 'a', 64);
	v->subject.repository = xstrdup("acme/payments");
	v->subject.ref = xstrdup("refs/heads/main");
	v->subject.head = xstrdup("1111111111111111111111111111111111111111");
	v->subject.actor = xstrdup("alice");

	nhg_result_init(&r, true);
	add_secret(&r, "config/app.env", "2222222222222222222222222222222222222222", 3);
	add_secret(&r, "config/app.env", "3333333333333333333333333333333333333333", 4);
	assert_non_null(r.findings[0].secret);   /* the scan kept it; the verdict must not */
	assert_int_equal(nhg_verdict_add_secrets(v, &r), 0);
	nhg_result_free(&r);
	v->findings[0].status = NHG_STATUS_BLOCKING;
	v->findings[1].status = NHG_STATUS_WAIVED;
	v->findings[1].waiver = &waiver_applied;

	f = add_manual(v, NHG_ORIGIN_PIPELINE, "nhigate", "GH-PERM-001",
		       ".github/workflows/ci.yml", 5, 3);
	f->title = xstrdup("Workflow token has write-all permissions");
	f->message = xstrdup("permissions: write-all gives GITHUB_TOKEN every scope");
	f->help = xstrdup("Set `permissions: {contents: read}` and widen per job.");
	f->job = xstrdup("build");
	f->status = NHG_STATUS_ADVISORY;
	f->why = "below the policy's block_on";

	f = add_manual(v, NHG_ORIGIN_EXTERNAL, "zizmor", "template-injection",
		       "src/we ird&<\"'>.yml", 0, 0);
	f->message = xstrdup("code injection via <template> & \"expansion\"");
	f->severity = NHG_SEV_CRITICAL;
	f->status = NHG_STATUS_BLOCKING;

	f = add_manual(v, NHG_ORIGIN_EXTERNAL, "gitleaks", "github-pat", "old/key.txt", 9, 1);
	f->message = xstrdup("GitHub token");
	memset(f->secret_sha256, 'b', 64);
	f->status = NHG_STATUS_ADVISORY;
	f->why = "allowed inline";

	assert_int_equal(nhg_verdict_add_skip(v, "assets/huge.bin", "2222222222222222222222222222222222222222",
					      "too large (20971520 bytes > 16777216)"), 0);

	assert_non_null(v->waivers = calloc(3, sizeof(*v->waivers)));
	v->waivers[0] = (nhg_wstatus){ &waiver_applied, NHG_WAIVER_APPLIED, 1, 8, true };
	v->waivers[1] = (nhg_wstatus){ &waiver_expired, NHG_WAIVER_EXPIRED, 0, -53, false };
	v->waivers[2] = (nhg_wstatus){ &waiver_stale, NHG_WAIVER_UNUSED, 0, 39, false };
	v->nwaivers = 3;

	v->decision = decision;
	if (decision == NHG_DECISION_BREAKGLASS) {
		assert_int_equal(nhg_verdict_request_breakglass(v, "INC-42", "NHIGATE_BREAKGLASS"), 0);
		v->breakglass.accepted = true;
		assert_int_equal(nhg_verdict_add_reason(v, "2 blocking findings let through by "
							"break-glass (alice: INC-42)"), 0);
	} else if (decision == NHG_DECISION_ERROR) {
		assert_int_equal(nhg_verdict_add_reason(v, ".nhigate/waivers.yaml:3:5: waiver W-9 "
							"is approved by its owner"), 0);
	} else if (decision == NHG_DECISION_BLOCK) {
		assert_int_equal(nhg_verdict_add_reason(v, "2 blocking findings"), 0);
	}
}

/* Render v as f, write it to $NHG_REPORT_DIR/<tag>.<name>.<ext> when set. */
static char *render(const nhg_verdict *v, nhg_greport f, const char *tag)
{
	nhg_buf b = NHG_BUF_INIT(1u << 24);
	nhg_error err = NHG_ERROR_INIT;
	const char *dir = getenv("NHG_REPORT_DIR");
	int rc = nhg_report_gate(&b, v, f, VERSION, &err);

	if (rc)
		fail_msg("%s report: %s", nhg_greport_name(f), err.message);
	assert_true(nhg_text_is_utf8(b.ptr, b.len));
	if (dir && *dir) {
		char path[4096];
		FILE *fp;
		snprintf(path, sizeof(path), "%s/%s.%s.%s", dir, tag, nhg_greport_name(f),
			 f == NHG_GREPORT_JUNIT ? "xml" :
			 f == NHG_GREPORT_TEXT || f == NHG_GREPORT_GITHUB ? "txt" : "json");
		assert_non_null(fp = fopen(path, "w"));
		assert_int_equal(fwrite(b.ptr, 1, b.len, fp), b.len);
		assert_int_equal(fclose(fp), 0);
	}
	return nhg_buf_detach(&b, NULL);
}

static json_t *render_json(const nhg_verdict *v, nhg_greport f, const char *tag)
{
	char *text = render(v, f, tag);
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	if (!j)
		fail_msg("%s: not JSON: %s", nhg_greport_name(f), jerr.text);
	free(text);
	return j;
}

/* The member at a dotted path; numbers index arrays. */
static json_t *at(json_t *j, const char *path)
{
	char buf[256], *save = NULL, *tok;
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save))
		j = json_is_array(j) ? json_array_get(j, strtoul(tok, NULL, 10)) : json_object_get(j, tok);
	return j;
}

static const char *str_at(json_t *j, const char *path)
{
	return json_string_value(at(j, path));
}

static bool has_key(json_t *j, const char *key)
{
	const char *k;
	json_t *m;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach(j, k, m)
			if (!strcmp(k, key) || has_key(m, key))
				return true;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, m)
			if (has_key(m, key))
				return true;
	}
	return false;
}

/* The i-th SARIF result, checked to be the verdict's i-th finding. */
static json_t *result_of(json_t *results, const nhg_verdict *v, size_t i)
{
	json_t *r = json_array_get(results, i);
	assert_non_null(r);
	assert_string_equal(str_at(r, "partialFingerprints.nhigate/v1"), v->findings[i].fingerprint);
	return r;
}

static void test_sarif(void **state)
{
	nhg_verdict v;
	json_t *j, *run, *rules, *results, *r;
	(void)state;

	build(&v, NHG_DECISION_BREAKGLASS);
	j = render_json(&v, NHG_GREPORT_SARIF, "breakglass");
	assert_string_equal(str_at(j, "version"), "2.1.0");
	assert_non_null(str_at(j, "$schema"));
	assert_int_equal(json_array_size(at(j, "runs")), 1);
	run = at(j, "runs.0");
	assert_string_equal(str_at(run, "tool.driver.name"), "nhigate");
	assert_string_equal(str_at(run, "tool.driver.semanticVersion"), VERSION);
	assert_non_null(str_at(run, "tool.driver.informationUri"));
	rules = at(run, "tool.driver.rules");
	results = at(run, "results");
	/* github-pat (ours), GH-PERM-001, template-injection, gitleaks' github-pat */
	assert_int_equal(json_array_size(rules), 4);
	assert_int_equal(json_array_size(results), 5);
	assert_string_equal(str_at(rules, "0.id"), "github-pat");
	assert_string_equal(str_at(rules, "0.properties.security-severity"), "8.0");
	assert_string_equal(str_at(rules, "0.properties.precision"), "high");
	assert_non_null(str_at(rules, "0.help.text"));
	assert_non_null(str_at(rules, "0.help.markdown"));
	assert_non_null(str_at(rules, "0.fullDescription.text"));
	assert_string_equal(str_at(rules, "0.defaultConfiguration.level"), "error");
	assert_string_equal(str_at(rules, "2.properties.security-severity"), "9.5");
	assert_string_equal(str_at(rules, "3.id"), "gitleaks/github-pat");

	/* every result's ruleIndex points at its rule */
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *res = json_array_get(results, i);
		char path[32];
		snprintf(path, sizeof(path), "%d.id", (int)json_integer_value(at(res, "ruleIndex")));
		assert_non_null(str_at(rules, path));
		assert_string_equal(str_at(res, "ruleId"), str_at(rules, path));
	}

	/* blocking secret: error, exact region (endColumn one past the last byte) */
	r = result_of(results, &v, 0);
	assert_string_equal(str_at(r, "level"), "error");
	assert_string_equal(str_at(r, "locations.0.physicalLocation.artifactLocation.uri"),
			    "config/app.env");
	assert_int_equal(json_integer_value(at(r, "locations.0.physicalLocation.region.startLine")), 3);
	assert_int_equal(json_integer_value(at(r, "locations.0.physicalLocation.region.startColumn")), 7);
	assert_int_equal(json_integer_value(at(r, "locations.0.physicalLocation.region.endColumn")),
			 7 + strlen(SECRET));
	assert_string_equal(str_at(r, "partialFingerprints.secretSha256/v1"), v.findings[0].secret_sha256);
	assert_string_equal(str_at(r, "properties.status"), "blocking");
	assert_string_equal(str_at(r, "properties.commit"), v.findings[0].commit);
	assert_non_null(strstr(str_at(r, "message.text"), v.findings[0].redacted));
	assert_non_null(strstr(str_at(r, "message.text"), "break-glass"));

	/* waived: lowered to note, never marked suppressed */
	r = result_of(results, &v, 1);
	assert_string_equal(str_at(r, "level"), "note");
	assert_string_equal(str_at(r, "properties.waiver"), "W-2026-001");
	assert_non_null(strstr(str_at(r, "message.text"), "waived by W-2026-001 until 2026-12-01"));
	assert_false(has_key(j, "suppressions"));

	/* advisory pipeline finding: warning, no secret fingerprint */
	r = result_of(results, &v, 2);
	assert_string_equal(str_at(r, "level"), "warning");
	assert_null(at(r, "partialFingerprints.secretSha256/v1"));
	assert_string_equal(str_at(r, "properties.job"), "build");

	/* external finding without a line: no region; the path is a URI reference */
	r = result_of(results, &v, 3);
	assert_string_equal(str_at(r, "ruleId"), "template-injection");
	assert_string_equal(str_at(r, "properties.tool"), "zizmor");
	assert_string_equal(str_at(r, "locations.0.physicalLocation.artifactLocation.uri"),
			    "src/we%20ird%26%3C%22%27%3E.yml");
	assert_null(at(r, "locations.0.physicalLocation.region"));

	/* the run says what was decided and what was not scanned */
	assert_true(json_is_true(at(run, "invocations.0.executionSuccessful")));
	assert_string_equal(str_at(run, "invocations.0.properties.decision"), "breakglass");
	assert_string_equal(str_at(run, "invocations.0.toolExecutionNotifications.0.level"), "warning");
	assert_string_equal(str_at(run, "properties.breakglass.reason"), "INC-42");
	assert_string_equal(str_at(run, "properties.breakglass.actor"), "alice");
	assert_string_equal(str_at(run, "properties.waivers.stale.0"), "W-3");
	assert_string_equal(str_at(run, "properties.waivers.expired.0"), "W-0");
	assert_string_equal(str_at(run, "properties.waivers.expiring.0"), "W-2026-001");
	assert_int_equal(json_integer_value(at(run, "properties.counts.blocking")), 2);
	json_decref(j);
	nhg_verdict_free(&v);

	build(&v, NHG_DECISION_BLOCK);
	j = render_json(&v, NHG_GREPORT_SARIF, "block");
	assert_string_equal(str_at(j, "runs.0.properties.decision"), "block");
	assert_true(json_is_null(at(j, "runs.0.properties.breakglass")));
	assert_non_null(strstr(str_at(j, "runs.0.results.0.message.text"), "blocks the merge"));
	json_decref(j);
	nhg_verdict_free(&v);
}

static bool uuid_shaped(const char *s)
{
	if (!s || strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static void test_gitlab_secrets(void **state)
{
	nhg_verdict v;
	json_t *j, *vulns, *x;
	size_t i;
	(void)state;

	build(&v, NHG_DECISION_BLOCK);
	j = render_json(&v, NHG_GREPORT_GITLAB_SECRETS, "block");
	assert_string_equal(str_at(j, "version"), "15.2.1");
	assert_string_equal(str_at(j, "scan.type"), "secret_detection");
	assert_string_equal(str_at(j, "scan.status"), "success");
	assert_string_equal(str_at(j, "scan.start_time"), "2026-11-23T06:30:00");
	/* the scan ends when the report is written, and never before it began */
	{
		char now[20];
		time_t t = time(NULL);
		struct tm tm;
		const char *end = str_at(j, "scan.end_time");
		assert_non_null(gmtime_r(&t, &tm));
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S", &tm);
		assert_int_equal(strlen(end), 19);
		if (strcmp(end, "2026-11-23T06:30:00"))
			assert_true(strcmp(end, "2026-11-23T06:30:00") > 0 && strcmp(end, now) <= 0);
	}
	assert_non_null(str_at(j, "scan.analyzer.vendor.name"));
	assert_non_null(str_at(j, "scan.scanner.version"));
	vulns = at(j, "vulnerabilities");
	/* our two secret findings and gitleaks' one; nothing else */
	assert_int_equal(json_array_size(vulns), 3);
	json_array_foreach(vulns, i, x) {
		assert_true(uuid_shaped(str_at(x, "id")));
		assert_non_null(str_at(x, "location.commit.sha"));
		assert_non_null(str_at(x, "identifiers.0.value"));
	}
	/* both findings of the same secret share a fingerprint, not an id */
	assert_string_equal(v.findings[0].fingerprint, v.findings[1].fingerprint);
	assert_string_not_equal(str_at(vulns, "0.id"), str_at(vulns, "1.id"));
	assert_string_equal(str_at(vulns, "0.severity"), "High");
	assert_string_equal(str_at(vulns, "0.location.file"), "config/app.env");
	assert_int_equal(json_integer_value(at(vulns, "0.location.start_line")), 3);
	assert_string_equal(str_at(vulns, "0.location.commit.sha"), v.findings[0].commit);
	assert_string_equal(str_at(vulns, "0.identifiers.0.type"), "nhigate_rule_id");
	assert_string_equal(str_at(vulns, "0.details.status.value"), "blocking");
	/* waived: kept, severity unchanged, the waiver said */
	assert_string_equal(str_at(vulns, "1.severity"), "High");
	assert_non_null(strstr(str_at(vulns, "1.description"), "waived by W-2026-001"));
	assert_string_equal(str_at(vulns, "1.details.waiver.value"), "W-2026-001");
	assert_string_equal(str_at(vulns, "2.identifiers.0.type"), "gitleaks_rule_id");
	json_decref(j);

	/* ids are stable from run to run */
	j = render_json(&v, NHG_GREPORT_GITLAB_SECRETS, "block-again");
	x = render_json(&v, NHG_GREPORT_GITLAB_SECRETS, "block-again");
	assert_string_equal(str_at(j, "vulnerabilities.0.id"), str_at(x, "vulnerabilities.0.id"));
	json_decref(j);
	json_decref(x);
	nhg_verdict_free(&v);
}

static void test_gitlab_sast_and_codequality(void **state)
{
	nhg_verdict v;
	json_t *j, *x;
	size_t i;
	(void)state;

	build(&v, NHG_DECISION_BLOCK);
	j = render_json(&v, NHG_GREPORT_GITLAB_SAST, "block");
	assert_string_equal(str_at(j, "scan.type"), "sast");
	assert_null(strchr(str_at(j, "scan.start_time"), 'Z'));
	assert_int_equal(json_array_size(at(j, "vulnerabilities")), 2);
	assert_string_equal(str_at(j, "vulnerabilities.0.identifiers.0.value"), "GH-PERM-001");
	assert_string_equal(str_at(j, "vulnerabilities.0.location.file"), ".github/workflows/ci.yml");
	assert_string_equal(str_at(j, "vulnerabilities.1.severity"), "Critical");
	assert_null(at(j, "vulnerabilities.1.location.start_line"));
	assert_null(at(j, "vulnerabilities.0.location.commit"));
	json_decref(j);

	j = render_json(&v, NHG_GREPORT_GITLAB_CODEQUALITY, "block");
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 5);
	assert_string_equal(str_at(j, "0.severity"), "blocker");
	assert_string_equal(str_at(j, "0.check_name"), "github-pat");
	assert_string_equal(str_at(j, "0.fingerprint"), v.findings[0].fingerprint);
	assert_string_equal(str_at(j, "0.location.path"), "config/app.env");
	assert_int_equal(json_integer_value(at(j, "0.location.lines.begin")), 3);
	assert_string_equal(str_at(j, "1.severity"), "info");     /* waived */
	assert_string_equal(str_at(j, "2.severity"), "minor");    /* advisory medium */
	assert_int_equal(json_integer_value(at(j, "3.location.lines.begin")), 1);
	/* fingerprints are unique even when two findings share one */
	json_array_foreach(j, i, x)
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(str_at(x, "fingerprint"),
						str_at(json_array_get(j, k), "fingerprint"));
	json_decref(j);
	nhg_verdict_free(&v);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_junit(void **state)
{
	nhg_verdict v;
	char *x;
	(void)state;

	build(&v, NHG_DECISION_BLOCK);
	x = render(&v, NHG_GREPORT_JUNIT, "block");
	assert_non_null(strstr(x, "<testsuites name=\"nhigate-gate\" tests=\"7\" failures=\"3\" "
			       "errors=\"0\" skipped=\"2\""));
	assert_non_null(strstr(x, "timestamp=\"2026-11-23T06:30:00\""));
	/* the decision fails, with its reason */
	assert_non_null(strstr(x, "name=\"decision\" time=\"0\">\n      <failure type=\"block\" "
			       "message=\"2 blocking findings\">"));
	assert_int_equal(count(x, "<failure "), 3);
	assert_int_equal(count(x, "<skipped "), 2);
	assert_non_null(strstr(x, "<skipped message=\"GitHub personal access token: ghp_"));
	assert_non_null(strstr(x, "waived by W-2026-001 until 2026-12-01]\"/>"));
	assert_non_null(strstr(x, "<skipped message=\"too large (20971520 bytes &gt; 16777216)\"/>"));
	/* markup in paths and messages is escaped */
	assert_non_null(strstr(x, "file=\"src/we ird&amp;&lt;&quot;&apos;&gt;.yml\""));
	assert_non_null(strstr(x, "code injection via &lt;template&gt; &amp; &quot;expansion&quot;"));
	assert_null(strstr(x, "<template>"));
	assert_non_null(strstr(x, "waiver: W-3 stale"));
	/* the same secret in two commits: two testcases, two names */
	assert_non_null(strstr(x, " at 222222222222\" file=\"config/app.env\""));
	assert_non_null(strstr(x, " at 333333333333\" file=\"config/app.env\""));
	free(x);
	nhg_verdict_free(&v);

	/* break-glass: the decision passes, loudly; blocking findings still fail */
	build(&v, NHG_DECISION_BREAKGLASS);
	x = render(&v, NHG_GREPORT_JUNIT, "breakglass");
	assert_non_null(strstr(x, "failures=\"2\" errors=\"0\""));
	assert_non_null(strstr(x, "name=\"decision\" time=\"0\">\n      <system-out>decision: breakglass\n"));
	assert_non_null(strstr(x, "break-glass: BREAK-GLASS by alice: INC-42"));
	free(x);
	nhg_verdict_free(&v);
}

/* An error verdict fails in every format that can say so. */
static void test_error(void **state)
{
	nhg_verdict v;
	json_t *j;
	char *x;
	(void)state;

	build(&v, NHG_DECISION_ERROR);
	j = render_json(&v, NHG_GREPORT_SARIF, "error");
	assert_true(json_is_false(at(j, "runs.0.invocations.0.executionSuccessful")));
	assert_string_equal(str_at(j, "runs.0.invocations.0.toolExecutionNotifications.1.level"), "error");
	json_decref(j);
	j = render_json(&v, NHG_GREPORT_GITLAB_SECRETS, "error");
	assert_string_equal(str_at(j, "scan.status"), "failure");
	json_decref(j);
	j = render_json(&v, NHG_GREPORT_GITLAB_SAST, "error");
	assert_string_equal(str_at(j, "scan.status"), "failure");
	json_decref(j);
	json_decref(render_json(&v, NHG_GREPORT_GITLAB_CODEQUALITY, "error"));
	x = render(&v, NHG_GREPORT_JUNIT, "error");
	assert_non_null(strstr(x, "errors=\"1\""));
	assert_non_null(strstr(x, "<error type=\"error\" message=\".nhigate/waivers.yaml:3:5: waiver W-9"));
	free(x);
	nhg_verdict_free(&v);
}

/* A pass with nothing found: empty lists, still valid documents. */
static void test_empty(void **state)
{
	nhg_verdict v;
	json_t *j;
	char *x;
	(void)state;

	assert_int_equal(nhg_verdict_init(&v), 0);
	j = render_json(&v, NHG_GREPORT_SARIF, "empty");
	assert_int_equal(json_array_size(at(j, "runs.0.results")), 0);
	assert_int_equal(json_array_size(at(j, "runs.0.tool.driver.rules")), 0);
	json_decref(j);
	j = render_json(&v, NHG_GREPORT_GITLAB_SECRETS, "empty");
	assert_int_equal(json_array_size(at(j, "vulnerabilities")), 0);
	json_decref(j);
	json_decref(render_json(&v, NHG_GREPORT_GITLAB_SAST, "empty"));
	j = render_json(&v, NHG_GREPORT_GITLAB_CODEQUALITY, "empty");
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	x = render(&v, NHG_GREPORT_JUNIT, "empty");
	assert_non_null(strstr(x, "tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\""));
	free(x);
	nhg_verdict_free(&v);
}

/* The scan kept the secret; no report, in any format, may carry it. */
static void test_no_secret(void **state)
{
	nhg_verdict v;
	(void)state;

	build(&v, NHG_DECISION_BREAKGLASS);
	for (int f = NHG_GREPORT_JSON; f <= NHG_GREPORT_TEXT; f++) {
		char *x = render(&v, (nhg_greport)f, "nosecret");
		assert_null(strstr(x, SECRET));
		assert_null(strstr(x, SECRET + 8));   /* nor its tail */
		if (f == NHG_GREPORT_SARIF || f == NHG_GREPORT_GITLAB_SECRETS ||
		    f == NHG_GREPORT_GITLAB_CODEQUALITY || f == NHG_GREPORT_JUNIT)
			assert_non_null(strstr(x, v.findings[0].redacted));
		free(x);
	}
	nhg_verdict_free(&v);
}

/* nhg_report_gate sends each format to its renderer. */
static void test_dispatch(void **state)
{
	nhg_verdict v;
	nhg_buf b = NHG_BUF_INIT(1u << 20);
	nhg_error err = NHG_ERROR_INIT;
	json_t *j;
	(void)state;

	build(&v, NHG_DECISION_BLOCK);
	j = render_json(&v, NHG_GREPORT_JSON, "block");
	assert_string_equal(str_at(j, "schema"), "nhigate.verdict/v1");
	json_decref(j);
	j = render_json(&v, NHG_GREPORT_SARIF, "dispatch");
	assert_string_equal(str_at(j, "version"), "2.1.0");
	json_decref(j);
	j = render_json(&v, NHG_GREPORT_GITLAB_SAST, "dispatch");
	assert_string_equal(str_at(j, "scan.type"), "sast");
	json_decref(j);
	j = render_json(&v, NHG_GREPORT_GITLAB_CODEQUALITY, "dispatch");
	assert_true(json_is_array(j));
	json_decref(j);
	assert_int_equal(nhg_report_gate(&b, &v, (nhg_greport)99, VERSION, &err), NHG_EUSAGE);
	assert_int_equal(b.len, 0);

	/* a buffer too small for the report: an error, and the buffer as it was */
	b.max = 64;
	assert_int_equal(nhg_buf_puts(&b, "kept"), 0);
	assert_int_equal(nhg_report_gate(&b, &v, NHG_GREPORT_SARIF, VERSION, &err), NHG_ELIMIT);
	assert_int_equal(nhg_report_gate(&b, &v, NHG_GREPORT_JUNIT, VERSION, &err), NHG_ELIMIT);
	assert_int_equal(nhg_report_gate(&b, &v, NHG_GREPORT_GITLAB_SECRETS, VERSION, &err),
			 NHG_ELIMIT);
	assert_string_equal(b.ptr, "kept");
	nhg_buf_free(&b);
	nhg_verdict_free(&v);
}

/* Bytes that are not UTF-8 in a path still give valid documents. */
static void test_bad_bytes(void **state)
{
	nhg_verdict v;
	nhg_gfinding *f;
	json_t *j;
	char *x;
	(void)state;

	assert_int_equal(nhg_verdict_init(&v), 0);
	f = add_manual(&v, NHG_ORIGIN_PIPELINE, "nhigate", "GL-VAR-001", "ci/\xff\x01odd.yml", 2, 1);
	f->message = xstrdup("bad \x1b[31m bytes \xc3");
	f->status = NHG_STATUS_BLOCKING;
	v.decision = NHG_DECISION_BLOCK;
	j = render_json(&v, NHG_GREPORT_SARIF, "bytes");
	assert_string_equal(str_at(j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
			    "ci/%FF%01odd.yml");
	json_decref(j);
	/* GitLab names hold 255 bytes at most: cut on a character boundary */
	assert_non_null(f->title = calloc(1, 401));
	for (int i = 0; i < 200; i++)
		memcpy(f->title + 2 * i, "\xc3\xa9", 2);
	j = render_json(&v, NHG_GREPORT_GITLAB_SAST, "bytes");
	assert_string_equal(str_at(j, "vulnerabilities.0.location.file"), "ci/\\xff\\x01odd.yml");
	assert_int_equal(strlen(str_at(j, "vulnerabilities.0.name")), 254);
	json_decref(j);
	json_decref(render_json(&v, NHG_GREPORT_GITLAB_CODEQUALITY, "bytes"));
	x = render(&v, NHG_GREPORT_JUNIT, "bytes");
	assert_null(strchr(x, '\x1b'));
	assert_null(strchr(x, '\x01'));
	free(x);
	nhg_verdict_free(&v);
}

static void test_names(void **state)
{
	nhg_greport f;
	(void)state;
	for (int i = NHG_GREPORT_JSON; i <= NHG_GREPORT_TEXT; i++) {
		assert_int_equal(nhg_greport_parse(&f, nhg_greport_name((nhg_greport)i)), 0);
		assert_int_equal(f, i);
	}
	assert_int_equal(nhg_greport_parse(&f, "gitlab-secret-detection"), 0);
	assert_int_equal(f, NHG_GREPORT_GITLAB_SECRETS);
	assert_int_equal(nhg_greport_parse(&f, "gitlab-codequality"), 0);
	assert_int_equal(f, NHG_GREPORT_GITLAB_CODEQUALITY);
	assert_int_equal(nhg_greport_parse(&f, "SARIF"), NHG_EUSAGE);
	assert_int_equal(nhg_greport_parse(&f, "xml"), NHG_EUSAGE);
	assert_int_equal(nhg_greport_parse(&f, ""), NHG_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sarif),
		cmocka_unit_test(test_gitlab_secrets),
		cmocka_unit_test(test_gitlab_sast_and_codequality),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_no_secret),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
