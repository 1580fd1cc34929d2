/* Importing findings made elsewhere: SARIF from other tools, nhigate's own JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "nhigate/finding.h"
#include "nhigate/gate.h"
#include "gate/import.h"
#include "nhigate/hash.h"
#include "nhigate/text.h"

#define DIR "fixtures/gate/import/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

/* Import a fixture into v; the return code, err filled on failure. */
static int import_file(nhg_verdict *v, const char *file, nhg_error *err)
{
	size_t len;
	char *data = slurp(file, &len);
	int rc = nhg_verdict_import(v, data, len, file, err);
	free(data);
	return rc;
}

static void load(nhg_verdict *v, const char *file)
{
	nhg_error err = NHG_ERROR_INIT;
	int rc;
	memset(v, 0, sizeof(*v));
	assert_int_equal(nhg_verdict_init(v), 0);
	rc = import_file(v, file, &err);
	if (rc)
		fail_msg("%s: %s", file, err.message);
}

static void load_text(nhg_verdict *v, const char *text)
{
	nhg_error err = NHG_ERROR_INIT;
	assert_int_equal(nhg_verdict_init(v), 0);
	if (nhg_verdict_import(v, text, strlen(text), "inline.sarif", &err))
		fail_msg("%s", err.message);
}

/* The finding of rule at line (the first when line is 0). */
static const nhg_gfinding *find(const nhg_verdict *v, const char *rule, uint32_t line)
{
	for (size_t i = 0; i < v->nfindings; i++)
		if (!strcmp(v->findings[i].rule, rule) && (!line || v->findings[i].line == line))
			return &v->findings[i];
	fail_msg("no finding %s at line %u", rule, line);
	return NULL;
}

static bool is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static bool one_line(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return !s || nhg_text_is_utf8(s, strlen(s));
}

/* No text field of any finding contains needle. */
static void assert_nowhere(const nhg_verdict *v, const char *needle)
{
	for (size_t i = 0; i < v->nfindings; i++) {
		const nhg_gfinding *f = &v->findings[i];
		const char *fields[] = { f->tool, f->rule, f->title, f->path, f->commit, f->author,
					 f->date, f->job, f->step, f->message, f->redacted, f->help };
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (fields[k] && strstr(fields[k], needle))
				fail_msg("finding %zu field %zu holds \"%s\": %s", i, k, needle, fields[k]);
	}
}

static bool has_control(const nhg_gfinding *f, const char *id)
{
	for (size_t i = 0; i < f->controls.n; i++)
		if (!strcmp(f->controls.v[i], id))
			return true;
	return false;
}

/* ---- SARIF from other tools -------------------------------------------- */

static void test_zizmor(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "zizmor.sarif");
	/* the informational artipacked result (kind review) is not a finding */
	assert_int_equal(v.nfindings, 3);
	assert_int_equal(v.nskipped, 0);
	f = find(&v, "zizmor/template-injection", 21);
	assert_int_equal(f->origin, NHG_ORIGIN_EXTERNAL);
	assert_string_equal(f->tool, "zizmor");
	assert_string_equal(f->title, "template-injection");
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_string_equal(f->path, ".github/workflows/triage.yml");
	assert_int_equal(f->column, 16);
	assert_int_equal(f->end_column, 46);   /* SARIF's endColumn 47 is exclusive */
	assert_string_equal(f->message, "code injection via template expansion: may expand into "
			    "attacker-controllable code");
	assert_string_equal(f->help, "code injection via template expansion");
	assert_int_equal(f->controls.n, 0);
	assert_false(f->inline_allowed);
	assert_true(is_hex64(f->fingerprint));
	assert_string_equal(f->secret_sha256, "");
	assert_null(f->redacted);

	f = find(&v, "zizmor/excessive-permissions", 5);
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_string_equal(f->path, ".github/workflows/release.yml");
	f = find(&v, "zizmor/excessive-permissions", 12);
	assert_int_equal(f->severity, NHG_SEV_MEDIUM);
	assert_int_equal(f->end_column, 0);    /* the region ends on another line */
	for (size_t i = 0; i < v.nfindings; i++)
		assert_string_not_equal(v.findings[i].rule, "zizmor/artipacked");
	nhg_verdict_free(&v);
}

static void test_codeql(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "codeql.sarif");
	assert_int_equal(v.nfindings, 4);
	/* rule.toolComponent.index picks the extension; security-severity 9.8 beats level */
	f = find(&v, "js/hardcoded-credentials", 0);
	assert_string_equal(f->tool, "CodeQL");
	assert_string_equal(f->title, "Hard-coded credentials");
	assert_int_equal(f->severity, NHG_SEV_CRITICAL);
	assert_string_equal(f->path, "src/api/client.js");
	assert_int_equal(f->line, 14);
	assert_int_equal(f->column, 23);
	assert_int_equal(f->end_column, 61);
	/* tags that are our control ids, in canonical spelling; the others ignored */
	assert_int_equal(f->controls.n, 2);
	assert_true(has_control(f, "OWASP-NHI:NHI2"));
	assert_true(has_control(f, "NIST-CSF:PR.AA-01"));
	assert_string_equal(f->help, "# Hard-coded credentials Include credentials from a secret "
			    "store at run time; rotate the ones that were committed.");

	/* 6.1 is medium even though the rule's level is error; path via run.artifacts */
	f = find(&v, "js/reflected-xss", 31);
	assert_int_equal(f->severity, NHG_SEV_MEDIUM);
	assert_string_equal(f->path, "src/routes/search.js");
	assert_true(one_line(f->help));
	assert_int_equal(f->controls.n, 0);

	/* the rule's message string with its argument; the rule's default level note */
	f = find(&v, "js/unused-local-variable", 7);
	assert_string_equal(f->message, "Unused variable tmpToken.");
	assert_int_equal(f->severity, NHG_SEV_LOW);

	/* second run: ruleIndex only, numeric score, absolute URI under %SRCROOT% */
	f = find(&v, "py/clear-text-logging-sensitive-data", 42);
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_string_equal(f->path, "app/settings prod.py");
	assert_string_equal(f->title, "Clear-text logging of sensitive information");

	/* the file CodeQL could not extract is unscanned content */
	assert_int_equal(v.nskipped, 1);
	assert_string_equal(v.skipped[0].path, "src/legacy/broken.js");
	assert_non_null(strstr(v.skipped[0].reason, "CodeQL reported an error: Could not process"));
	for (size_t i = 0; i < v.nfindings; i++)
		for (size_t j = i + 1; j < v.nfindings; j++)
			assert_string_not_equal(v.findings[i].fingerprint, v.findings[j].fingerprint);
	nhg_verdict_free(&v);
}

static void test_gitleaks(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *a, *b, *g;
	(void)state;

	load(&v, DIR "gitleaks.sarif");
	assert_int_equal(v.nfindings, 3);
	a = find(&v, "github-pat", 5);
	b = find(&v, "github-pat", 9);
	g = find(&v, "generic-api-key", 12);
	assert_string_equal(a->tool, "gitleaks");
	assert_string_equal(a->path, "config/app.env");
	assert_int_equal(a->column, 14);
	assert_int_equal(a->end_column, 52);
	/* no level anywhere: SARIF's default, warning */
	assert_int_equal(a->severity, NHG_SEV_MEDIUM);
	assert_non_null(strstr(a->title, "GitHub Personal Access Token"));
	assert_string_equal(g->path, "deploy/values.yaml");
	/* same commit data in partialFingerprints, different secrets: different identities */
	assert_string_not_equal(a->fingerprint, b->fingerprint);
	assert_string_not_equal(a->fingerprint, g->fingerprint);
	/* the snippet is the secret: it is never kept */
	assert_nowhere(&v, "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");
	assert_nowhere(&v, "ghp_7Xk2mPq9Rt4Vw8Yz1Ab3Cd5Ef6Gh0Jk2Lm4N");
	assert_nowhere(&v, "9c4f1e7a2b8d3f6e0a5c7b9d1e3f5a7c");
	nhg_verdict_free(&v);
}

static void test_semgrep_and_trivy(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "semgrep.sarif");
	assert_int_equal(v.nfindings, 2);
	f = find(&v, "python.lang.security.audit.hardcoded-password-default-argument.hardcoded-password", 18);
	assert_string_equal(f->tool, "Semgrep OSS");
	assert_string_equal(f->path, "services/billing/db.py");
	assert_int_equal(f->severity, NHG_SEV_MEDIUM);
	assert_false(f->inline_allowed);
	assert_true(strlen(f->message) <= 503);
	assert_nowhere(&v, "Sf9uih4vmuGMGKAuWf");
	/* nosemgrep: a suppression without a status counts as accepted */
	f = find(&v, "python.lang.security.audit.hardcoded-password-default-argument.hardcoded-password", 7);
	assert_true(f->inline_allowed);
	nhg_verdict_free(&v);

	load(&v, DIR "trivy.sarif");
	assert_int_equal(v.nfindings, 2);
	f = find(&v, "AVD-DS-0002", 1);
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_string_equal(f->path, "Dockerfile");
	assert_string_equal(f->title, "Image user should not be 'root'");
	/* trivy's multi-line message, made one line */
	assert_string_equal(f->message, "Artifact: Dockerfile Type: dockerfile Vulnerability "
			    "AVD-DS-0002 Severity: HIGH Message: Specify at least 1 USER command in "
			    "Dockerfile with non-root user as argument Link: "
			    "[AVD-DS-0002](https://avd.aquasec.com/misconfig/ds002)");
	assert_true(one_line(f->help));
	/* relative bases resolved through their chain */
	f = find(&v, "aws-secret-access-key", 9);
	assert_int_equal(f->severity, NHG_SEV_CRITICAL);
	assert_string_equal(f->path, "deploy/terraform/main.tf");
	assert_string_equal(f->help, "See https://github.com/aquasecurity/trivy/blob/main/pkg/fanal/"
			    "secret/builtin-rules.go");
	nhg_verdict_free(&v);
}

static void test_suppressions_and_kinds(void **state)
{
	static const bool allowed[] = { true, false, false, true, false, false };
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "suppressions.sarif");
	assert_int_equal(v.nfindings, 6);
	for (uint32_t line = 1; line <= 6; line++) {
		f = find(&v, "ACME001", line);
		if (f->inline_allowed != allowed[line - 1])
			fail_msg("line %u: inline_allowed %d", line, f->inline_allowed);
		assert_int_equal(f->severity, NHG_SEV_HIGH);
	}
	nhg_verdict_free(&v);

	load(&v, DIR "kinds.sarif");
	/* pass, notApplicable, informational, open, review and absent are not findings */
	assert_int_equal(v.nfindings, 3);
	for (size_t i = 0; i < v.nfindings; i++) {
		f = &v.findings[i];
		assert_int_equal(f->severity, NHG_SEV_LOW);
		assert_int_equal(f->existing, !strcmp(f->message, "still there"));
		assert_null(strstr(f->message, "fixed since"));
	}
	nhg_verdict_free(&v);
}

static void test_missing_locations(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "missing-locations.sarif");
	assert_int_equal(v.nfindings, 5);
	f = find(&v, "repo/branch-protection", 0);
	assert_string_equal(f->path, "");
	assert_int_equal(f->line, 0);
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_string_equal(v.findings[1].path, "");
	assert_string_not_equal(v.findings[0].fingerprint, v.findings[1].fingerprint);
	assert_string_equal(v.findings[2].path, "");
	assert_string_equal(v.findings[2].message, "no region");
	assert_string_equal(v.findings[3].path, ".github/CODEOWNERS");
	assert_int_equal(v.findings[3].line, 0);
	f = find(&v, "repo/windows", 3);
	assert_string_equal(f->path, "src/win/setup.ps1");
	assert_int_equal(f->column, 7);
	assert_int_equal(f->end_column, 0);
	/* a run that did not complete leaves its content unscanned */
	assert_int_equal(v.nskipped, 1);
	assert_string_equal(v.skipped[0].path, "");
	assert_string_equal(v.skipped[0].reason, "crashy-scanner did not complete its run");
	nhg_verdict_free(&v);
}

static void test_long_message(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "long-message.sarif");
	assert_int_equal(v.nfindings, 2);
	f = &v.findings[0];
	assert_true(one_line(f->message));
	assert_true(strlen(f->message) <= 503);
	/* controls, separators and bidi overrides became single spaces; {0} substituted */
	assert_memory_equal(f->message, "line one line two reversed sep nel ARGARG", 41);
	assert_string_equal(f->message + strlen(f->message) - 3, "\xe2\x80\xa6");
	assert_true(one_line(f->title) && strlen(f->title) <= 503);
	assert_true(one_line(f->help) && strlen(f->help) <= 1003);
	/* cut at a character boundary */
	f = &v.findings[1];
	assert_true(nhg_text_is_utf8(f->message, strlen(f->message)));
	assert_true(strlen(f->message) <= 503);
	assert_string_equal(f->message + strlen(f->message) - 3, "\xe2\x80\xa6");
	nhg_verdict_free(&v);
}

/* A message of 4 MiB made at test time: read, and bounded. */
static void test_huge_message(void **state)
{
	size_t n = (size_t)4 << 20;
	char *big = malloc(n + 1), *text;
	json_t *doc;
	nhg_verdict v;
	(void)state;

	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 80 == 79 ? '\n' : 'a' + (char)(i % 26);
	big[n] = '\0';
	doc = json_pack("{s:s, s:[{s:{s:{s:s}}, s:[{s:s, s:{s:s}}]}]}", "version", "2.1.0", "runs",
			"tool", "driver", "name", "t", "results", "ruleId", "R1", "message", "text",
			big);
	assert_non_null(doc);
	text = json_dumps(doc, 0);
	assert_non_null(text);
	load_text(&v, text);
	assert_int_equal(v.nfindings, 1);
	assert_true(strlen(v.findings[0].message) <= 503);
	assert_true(one_line(v.findings[0].message));
	nhg_verdict_free(&v);
	json_decref(doc);
	free(text);

	/* 200,000 placeholders for a 1 MiB blank argument: bounded work, not 2e11 bytes */
	memset(big, ' ', (size_t)1 << 20);
	big[(size_t)1 << 20] = '\0';
	for (size_t i = 0; i < 200000; i++)
		memcpy(big + ((size_t)2 << 20) + 3 * i, "{0}", 3);
	big[((size_t)2 << 20) + 600000] = '\0';
	doc = json_pack("{s:s, s:[{s:{s:{s:s}}, s:[{s:s, s:{s:s, s:[s]}}]}]}", "version", "2.1.0",
			"runs", "tool", "driver", "name", "t", "results", "ruleId", "R1", "message",
			"text", big + ((size_t)2 << 20), "arguments", big);
	assert_non_null(doc);
	text = json_dumps(doc, 0);
	assert_non_null(text);
	load_text(&v, text);
	assert_string_equal(v.findings[0].message, "R1");   /* nothing but blanks: the rule */
	nhg_verdict_free(&v);
	json_decref(doc);
	free(text);
	free(big);
}

static void test_fingerprints(void **state)
{
	static const char *const fixtures[] = { DIR "zizmor.sarif", DIR "codeql.sarif",
						DIR "gitleaks.sarif", DIR "semgrep.sarif" };
	const char *tmpl = "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},"
			   "\"results\":[{\"ruleId\":\"R1\",\"message\":{\"text\":\"m\"},"
			   "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"%s\"},"
			   "\"region\":{\"startLine\":%d,\"snippet\":{\"text\":\"x = 1\"}}}}]}]}]}";
	char text[512];
	nhg_verdict a, b, c;
	(void)state;

	/* the same input gives the same fingerprints */
	for (size_t k = 0; k < sizeof(fixtures) / sizeof(fixtures[0]); k++) {
		load(&a, fixtures[k]);
		load(&b, fixtures[k]);
		assert_int_equal(a.nfindings, b.nfindings);
		for (size_t i = 0; i < a.nfindings; i++)
			assert_string_equal(a.findings[i].fingerprint, b.findings[i].fingerprint);
		nhg_verdict_free(&a);
		nhg_verdict_free(&b);
	}
	/* a finding that moves to another line keeps its identity; another file does not */
	snprintf(text, sizeof(text), tmpl, "src/a.c", 10);
	load_text(&a, text);
	snprintf(text, sizeof(text), tmpl, "src/a.c", 250);
	load_text(&b, text);
	snprintf(text, sizeof(text), tmpl, "src/b.c", 10);
	load_text(&c, text);
	assert_string_equal(a.findings[0].fingerprint, b.findings[0].fingerprint);
	assert_string_not_equal(a.findings[0].fingerprint, c.findings[0].fingerprint);
	nhg_verdict_free(&a);
	nhg_verdict_free(&b);
	nhg_verdict_free(&c);

	/* nhigate's own SARIF: its fingerprint is kept, so waivers still match */
	load_text(&a, "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"nhigate\"}},"
		  "\"results\":[{\"ruleId\":\"github-pat\",\"message\":{\"text\":\"m\"},"
		  "\"partialFingerprints\":{\"nhigate/v1\":"
		  "\"110DF3B0B7F471750BA79C9F6B06D21041505EC8CB9B6AEDCFE9563E291B1F68\"}}]}]}");
	assert_string_equal(a.findings[0].fingerprint,
			    "110df3b0b7f471750ba79c9f6b06d21041505ec8cb9b6aedcfe9563e291b1f68");
	nhg_verdict_free(&a);
}

/* ---- nhigate's own JSON -------------------------------------------------- */

/* Fingerprints, secret sha256s and secrets of an nhigate JSON file, in order. */
static json_t *findings_of(const char *file)
{
	json_error_t e;
	json_t *root = json_load_file(file, 0, &e), *f;
	assert_non_null(root);
	f = json_incref(json_object_get(root, "findings"));
	json_decref(root);
	return f;
}

static void test_nhigate_secrets(void **state)
{
	nhg_verdict v, w;
	const nhg_gfinding *f;
	json_t *src = findings_of(DIR "nhigate-secrets-noredact.json");
	(void)state;

	load(&v, DIR "nhigate-secrets.json");
	assert_int_equal(v.nfindings, 5);
	f = find(&v, "slack-bot-token", 15);
	assert_int_equal(f->origin, NHG_ORIGIN_SECRETS);
	assert_string_equal(f->tool, "nhigate");
	assert_string_equal(f->path, ".github/workflows/ci.yml");
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_int_equal(f->column, 24);
	assert_int_equal(f->end_column, 78);
	assert_string_equal(f->redacted, "xoxb\xe2\x80\xa6(55)");
	assert_string_equal(f->message, "Slack bot token: xoxb\xe2\x80\xa6(55)");
	assert_string_equal(f->author, "Dana Dev <dana@example.com>");
	assert_string_equal(f->date, "2026-11-20T10:00:00+01:00");
	assert_string_equal(f->commit, "8a892d3d9b509abfcec103d8b839084f0bf4fa68");
	assert_true(find(&v, "github-pat-classic", 8)->inline_allowed);
	assert_false(find(&v, "aws-access-key-id", 6)->inline_allowed);
	assert_int_equal(find(&v, "aws-access-key-id", 6)->severity, NHG_SEV_CRITICAL);
	assert_int_equal(v.nskipped, 1);
	assert_string_equal(v.skipped[0].path, "big.txt");
	assert_non_null(v.skipped[0].commit);
	assert_memory_equal(v.skipped[0].reason, "too large", 9);

	/* the --no-redact output: same findings, fingerprints and hashes, no secret */
	load(&w, DIR "nhigate-secrets-noredact.json");
	assert_int_equal(w.nfindings, json_array_size(src));
	for (size_t i = 0; i < w.nfindings; i++) {
		json_t *o = json_array_get(src, i);
		assert_string_equal(w.findings[i].fingerprint,
				    json_string_value(json_object_get(o, "fingerprint")));
		assert_string_equal(w.findings[i].secret_sha256,
				    json_string_value(json_object_get(o, "secret_sha256")));
		assert_string_equal(w.findings[i].fingerprint, v.findings[i].fingerprint);
		assert_string_equal(w.findings[i].redacted, v.findings[i].redacted);
		assert_nowhere(&w, json_string_value(json_object_get(o, "secret")));
	}
	nhg_verdict_free(&v);
	nhg_verdict_free(&w);
	json_decref(src);
}

static void test_nhigate_pipeline(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	json_t *src = findings_of(DIR "nhigate-pipeline.json");
	(void)state;

	load(&v, DIR "nhigate-pipeline.json");
	assert_int_equal(v.nfindings, 3);
	for (size_t i = 0; i < v.nfindings; i++) {
		assert_int_equal(v.findings[i].origin, NHG_ORIGIN_PIPELINE);
		assert_string_equal(v.findings[i].fingerprint, json_string_value(json_object_get(
			json_array_get(src, i), "fingerprint")));
	}
	f = find(&v, "GH-PERM-002", 3);
	assert_int_equal(f->severity, NHG_SEV_HIGH);
	assert_int_equal(f->column, 14);
	assert_false(f->existing);
	assert_null(f->job);
	assert_string_equal(f->title, "permissions write-all");
	f = find(&v, "GH-CRED-001", 8);
	assert_true(f->existing);
	assert_string_equal(f->job, "test");
	assert_string_equal(f->step, "#1");
	f = find(&v, "SECRET-001", 15);
	assert_non_null(strstr(f->message, "xoxb\xe2\x80\xa6(55)"));
	assert_nowhere(&v, "xoxb-63071310506");
	nhg_verdict_free(&v);
	json_decref(src);
}

static void test_nhigate_handmade(void **state)
{
	const char *secret = "xoxb-63071310506-7337336549440-1uvZwnZuDMjJxyZLLKcgTAOG";
	char sha[65], fp[65];
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "secrets-handmade.json");
	assert_int_equal(v.nfindings, 2);
	/* only the secret given: redacted form, sha256 and fingerprint made here */
	f = find(&v, "slack-bot-token", 4);
	nhg_sha256_hex(sha, secret, strlen(secret));
	nhg_fingerprint(fp, "slack-bot-token", "deploy/notify.sh", sha);
	assert_string_equal(f->secret_sha256, sha);
	assert_string_equal(f->fingerprint, fp);
	assert_string_equal(f->redacted, "xoxb\xe2\x80\xa6(55)");
	assert_null(f->commit);
	/* baselined by the scanner: still an ordinary finding for the gate */
	assert_false(f->inline_allowed);
	/* a "redacted" form too long to be one is redacted again */
	f = find(&v, "generic-password", 9);
	assert_string_equal(f->title, "generic-password");
	assert_non_null(strstr(f->message, "(fails the format's checksum)"));
	assert_true(is_hex64(f->fingerprint));
	assert_nowhere(&v, secret);
	assert_nowhere(&v, "correct-horse");
	assert_int_equal(v.nskipped, 1);
	assert_string_equal(v.skipped[0].path, "vendor/blob.bin");
	assert_string_equal(v.skipped[0].reason, "binary");
	assert_null(v.skipped[0].commit);
	nhg_verdict_free(&v);
}

static void test_nhigate_verdict(void **state)
{
	nhg_verdict v;
	const nhg_gfinding *f;
	(void)state;

	load(&v, DIR "verdict.json");
	assert_int_equal(v.nfindings, 3);
	f = find(&v, "aws-access-key-id", 6);
	assert_int_equal(f->origin, NHG_ORIGIN_SECRETS);
	assert_int_equal(f->severity, NHG_SEV_CRITICAL);
	assert_string_equal(f->fingerprint,
			    "6b260be4844de95881dac814046bc162d95a211be1eaef96082af464e1f37836");
	assert_string_equal(f->secret_sha256,
			    "35994c2b144b5b7eb3f2c9f58dcbc9c005f3851650d7bf781c0154db592b1409");
	assert_string_equal(f->help, "Deactivate the key in IAM, then use short-lived credentials (OIDC).");
	assert_int_equal(f->controls.n, 3);   /* the unknown id is dropped */
	assert_true(has_control(f, "OWASP-NHI:NHI7"));
	assert_int_equal(f->status, NHG_STATUS_BLOCKING);   /* decided anew, not read */
	f = find(&v, "GH-CRED-001", 8);
	assert_int_equal(f->origin, NHG_ORIGIN_PIPELINE);
	assert_true(f->existing);
	assert_string_equal(f->step, "#1");
	f = find(&v, "zizmor/template-injection", 21);
	assert_int_equal(f->origin, NHG_ORIGIN_EXTERNAL);
	assert_string_equal(f->tool, "zizmor");
	assert_true(f->inline_allowed);
	assert_null(f->redacted);
	assert_int_equal(v.nskipped, 1);
	assert_string_equal(v.skipped[0].commit, "829d4f99045e8bf3001cc27a6cb65c04d990a99a");
	nhg_verdict_free(&v);
}

/* The gate's own verdict (made by gen.sh with nhigate-gate) read back. */
static void test_nhigate_verdict_generated(void **state)
{
	json_t *src = findings_of(DIR "nhigate-verdict.json");
	nhg_verdict v, z;
	(void)state;

	load(&v, DIR "nhigate-verdict.json");
	load(&z, DIR "zizmor.sarif");
	assert_int_equal(v.nfindings, json_array_size(src));
	assert_true(v.nfindings > 0);
	for (size_t i = 0; i < v.nfindings; i++) {
		const nhg_gfinding *f = &v.findings[i];
		json_t *o = json_array_get(src, i), *sha = json_object_get(o, "secret_sha256");
		nhg_severity sev;
		assert_string_equal(nhg_origin_name(f->origin),
				    json_string_value(json_object_get(o, "origin")));
		assert_string_equal(f->tool, json_string_value(json_object_get(o, "tool")));
		assert_string_equal(f->rule, json_string_value(json_object_get(o, "rule")));
		assert_string_equal(f->path, json_string_value(json_object_get(o, "path")));
		assert_int_equal(f->line, json_integer_value(json_object_get(o, "line")));
		assert_int_equal(nhg_severity_parse(&sev, json_string_value(
			json_object_get(o, "severity"))), 0);
		assert_int_equal(f->severity, sev);
		assert_string_equal(f->fingerprint, json_string_value(json_object_get(o, "fingerprint")));
		assert_string_equal(f->secret_sha256, json_is_string(sha) ? json_string_value(sha) : "");
		assert_int_equal(f->controls.n, json_array_size(json_object_get(o, "controls")));
		assert_int_equal(f->inline_allowed, json_is_true(json_object_get(o, "inline_allowed")));
		assert_int_equal(f->existing, json_is_true(json_object_get(o, "existing")));
		/* zizmor's findings keep the identity a direct import gives them */
		if (f->origin == NHG_ORIGIN_EXTERNAL)
			assert_string_equal(f->fingerprint, find(&z, f->rule, f->line)->fingerprint);
	}
	nhg_verdict_free(&v);
	nhg_verdict_free(&z);
	json_decref(src);
}

/* ---- what is refused ----------------------------------------------------- */

static void test_refused(void **state)
{
	static const struct {
		const char *file;
		int code, line;
		const char *says;
	} cases[] = {
		{ DIR "bad-not-json.txt", NHG_EINPUT, 1, "invalid JSON" },
		{ DIR "bad-truncated.sarif", NHG_EINPUT, 3, "invalid JSON" },
		{ DIR "bad-duplicate-key.sarif", NHG_EINPUT, 1, "duplicate object key" },
		{ DIR "bad-nul.sarif", NHG_EINPUT, 1, "invalid JSON" },
		{ DIR "bad-not-sarif.json", NHG_EINPUT, 0, "neither a SARIF 2.1.0 log nor nhigate JSON" },
		{ DIR "bad-array-top.json", NHG_EINPUT, 0, "the top level is not an object" },
		{ DIR "bad-sarif-version.sarif", NHG_EINPUT, 0, "SARIF version \"2.0.0\" is not supported" },
		{ DIR "bad-runs-type.sarif", NHG_EINPUT, 0, "\"runs\" must be an array" },
		{ DIR "bad-line-type.sarif", NHG_EINPUT, 0,
		  "runs[0].results[1].locations[0].physicalLocation.region: \"startLine\" must be an integer" },
		{ DIR "bad-no-tool.sarif", NHG_EINPUT, 0, "runs[0]: the run names no tool" },
		{ DIR "bad-rule-index.sarif", NHG_EINPUT, 0, "rule index 5 is past the 1 rules" },
		{ DIR "bad-no-rule.sarif", NHG_EINPUT, 0, "runs[0].results[0]: the result names no rule" },
		{ DIR "bad-level.sarif", NHG_EINPUT, 0, "unknown level \"fatal\"" },
		{ DIR "bad-security-severity.sarif", NHG_EINPUT, 0, "\"security-severity\" is not a number" },
		{ DIR "bad-decision.json", NHG_EINPUT, 0, "nhigate.decision/v1" },
		{ DIR "bad-secrets-severity.json", NHG_EINPUT, 0, "findings[0]: \"severity\" must be" },
		{ DIR "bad-fingerprint.json", NHG_EINPUT, 0, "\"fingerprint\" must be 64 hex digits" },
	};
	nhg_verdict v;
	(void)state;

	load(&v, DIR "zizmor.sarif");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nhg_error err = NHG_ERROR_INIT;
		int rc = import_file(&v, cases[i].file, &err);
		if (rc != cases[i].code || !strstr(err.message, cases[i].says))
			fail_msg("%s: rc %d, \"%s\"", cases[i].file, rc, err.message);
		assert_string_equal(err.file, cases[i].file);
		if (cases[i].line)
			assert_int_equal(err.line, cases[i].line);
		/* a refused file adds nothing, even what it held before the bad part */
		assert_int_equal(v.nfindings, 3);
		assert_int_equal(v.nskipped, 0);
	}
	nhg_verdict_free(&v);
}

/* More results than the importer takes: NHG_ELIMIT, before reading any. */
static void test_limit(void **state)
{
	const char *head = "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},"
			   "\"results\":[";
	size_t count = NHG_IMPORT_MAX_ITEMS + 1, n = strlen(head) + 2 * count + 8, len;
	char *text = malloc(n);
	nhg_verdict v;
	nhg_error err = NHG_ERROR_INIT;
	(void)state;

	assert_non_null(text);
	len = strlen(head);
	memcpy(text, head, len);
	for (size_t i = 0; i < count; i++) {
		text[len++] = '0';
		text[len++] = i + 1 < count ? ',' : ']';
	}
	memcpy(text + len, "}]}", 3);
	len += 3;
	assert_int_equal(nhg_verdict_init(&v), 0);
	assert_int_equal(nhg_verdict_import(&v, text, len, "many.sarif", &err), NHG_ELIMIT);
	assert_string_equal(err.file, "many.sarif");
	assert_int_equal(v.nfindings, 0);
	nhg_verdict_free(&v);
	free(text);
}

/* Two inputs add up: the second import appends. */
static void test_two_inputs(void **state)
{
	nhg_verdict v;
	nhg_error err = NHG_ERROR_INIT;
	(void)state;

	load(&v, DIR "zizmor.sarif");
	assert_int_equal(import_file(&v, DIR "nhigate-pipeline.json", &err), 0);
	assert_int_equal(v.nfindings, 6);
	assert_string_equal(v.findings[0].tool, "zizmor");
	assert_int_equal(v.findings[5].origin, NHG_ORIGIN_PIPELINE);
	nhg_verdict_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zizmor),
		cmocka_unit_test(test_codeql),
		cmocka_unit_test(test_gitleaks),
		cmocka_unit_test(test_semgrep_and_trivy),
		cmocka_unit_test(test_suppressions_and_kinds),
		cmocka_unit_test(test_missing_locations),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_huge_message),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_nhigate_secrets),
		cmocka_unit_test(test_nhigate_pipeline),
		cmocka_unit_test(test_nhigate_handmade),
		cmocka_unit_test(test_nhigate_verdict),
		cmocka_unit_test(test_nhigate_verdict_generated),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_two_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
