/* The gate: dates, waivers, policy, and how a verdict is decided. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nhigate/gate.h"
#include "nhigate/yaml.h"

static void test_dates(void **state)
{
	(void)state;
	assert_int_equal(nhg_date_diff("2026-11-01", "2026-12-01"), 30);
	assert_int_equal(nhg_date_diff("2026-12-01", "2026-11-01"), -30);
	assert_int_equal(nhg_date_diff("2024-02-28", "2024-03-01"), 2);   /* leap year */
	assert_int_equal(nhg_date_diff("2026-02-28", "2026-03-01"), 1);
	assert_int_equal(nhg_date_diff("1999-12-31", "2000-03-01"), 61);  /* 2000 is leap */
	assert_true(nhg_date_ok("2024-02-29"));
	assert_false(nhg_date_ok("2026-02-29"));
	assert_false(nhg_date_ok("2100-02-29"));
	assert_false(nhg_date_ok("2026-13-01"));
	assert_false(nhg_date_ok("2026-1-01"));
	assert_false(nhg_date_ok("2026-01-01x"));
	assert_int_equal(nhg_date_diff("soon", "2026-01-01"), INT32_MIN);
}

/* One waiver, with field key replaced by line (or dropped when line is ""). */
static int parse_one(nhg_waivers *w, const char *key, const char *line, nhg_error *err)
{
	static const char *const fields[][2] = {
		{ "rule", "rule: aws-*" }, { "paths", "paths: [\"deploy/**\"]" },
		{ "owner", "owner: team-a" }, { "approved_by", "approved_by: lead" },
		{ "reason", "reason: rotation tracked in the ticket below" },
		{ "ticket", "ticket: SEC-1" }, { "created", "created: 2026-11-01" },
		{ "expires", "expires: 2026-12-01" },
	};
	char text[2048];
	size_t n = (size_t)snprintf(text, sizeof(text), "waivers:\n  - id: W-1\n");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *l = key && !strcmp(key, fields[i][0]) ? line : fields[i][1];
		if (*l)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "    %s\n", l);
	}
	return nhg_waivers_parse(w, text, n, "w.yaml", 90, err);
}

static void expect_bad(const char *key, const char *line, const char *msg)
{
	nhg_waivers w;
	nhg_error err = NHG_ERROR_INIT;
	assert_int_equal(parse_one(&w, key, line, &err), NHG_EINPUT);
	if (!strstr(err.message, msg) || !strstr(err.message, "W-1"))
		fail_msg("for %s: got '%s', want '%s' naming W-1", key, err.message, msg);
	assert_string_equal(err.file, "w.yaml");
	assert_true(err.line > 0);
}

static void test_waivers(void **state)
{
	nhg_waivers w;
	nhg_error err = NHG_ERROR_INIT;
	(void)state;
	assert_int_equal(parse_one(&w, NULL, NULL, &err), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.v[0].id, "W-1");
	assert_string_equal(w.v[0].expires, "2026-12-01");
	assert_int_equal(strlen(w.sha256), 64);
	nhg_waivers_free(&w);

	expect_bad("owner", "", "missing 'owner'");
	expect_bad("ticket", "", "missing 'ticket'");
	expect_bad("expires", "", "missing 'expires'");
	expect_bad("paths", "", "narrow scope");
	expect_bad("approved_by", "approved_by: team-a", "approved by its own owner");
	expect_bad("reason", "reason: because", "at least 20 characters");
	expect_bad("expires", "expires: 2027-06-01", "max_waiver_days");
	expect_bad("expires", "expires: 2026-10-01", "after 'created'");
	expect_bad("created", "created: 2026-02-30", "date YYYY-MM-DD");
	expect_bad("ticket", "colour: red", "unknown key");

	/* an id used twice */
	{
		static const char two[] =
			"waivers:\n"
			"  - {id: W-1, rule: r, fingerprint: abc, owner: a, approved_by: b,"
			" reason: aaaaaaaaaaaaaaaaaaaaaaaa, ticket: T, created: 2026-11-01,"
			" expires: 2026-11-02}\n"
			"  - {id: W-1, rule: r, fingerprint: abc, owner: a, approved_by: b,"
			" reason: aaaaaaaaaaaaaaaaaaaaaaaa, ticket: T, created: 2026-11-01,"
			" expires: 2026-11-02}\n";
		assert_int_equal(nhg_waivers_parse(&w, two, strlen(two), "w.yaml", 90, &err),
				 NHG_EINPUT);
		assert_non_null(strstr(err.message, "id used twice"));
	}
	/* an empty file and an empty list are no waivers */
	assert_int_equal(nhg_waivers_parse(&w, "", 0, "w.yaml", 90, &err), 0);
	assert_int_equal(w.n, 0);
	nhg_waivers_free(&w);
	assert_int_equal(nhg_waivers_parse(&w, "waivers:\n", 9, "w.yaml", 90, &err), 0);
	assert_int_equal(w.n, 0);
	nhg_waivers_free(&w);
}

/* Load a policy from YAML text: extends at top level and/or policy:. */
static int load_policy(nhg_policy *p, const char *text, nhg_error *err)
{
	nhg_yaml_doc *doc = NULL;
	const nhg_yaml_node *root;
	int rc = nhg_yaml_parse(&doc, text, strlen(text), "cfg.yaml", NULL, err);
	nhg_policy_init(p);
	if (!rc) {
		root = nhg_yaml_doc_root(doc, 0);
		rc = nhg_policy_load(p, nhg_yaml_map_get(root, "extends"),
				     nhg_yaml_map_get(root, "policy"), "cfg.yaml", err);
	}
	nhg_yaml_free(doc);
	return rc;
}

static void test_policy(void **state)
{
	nhg_policy p;
	nhg_error err = NHG_ERROR_INIT;
	(void)state;

	nhg_policy_init(&p);
	assert_int_equal(p.block_on, NHG_SEV_HIGH);
	assert_true(p.skipped_block && p.inline_allow && p.enforce && p.timeout_block);
	assert_int_equal(p.max_waiver_days, 90);
	nhg_policy_free(&p);

	assert_int_equal(load_policy(&p, "extends: strict\npolicy: {block_on: high}\n", &err), 0);
	assert_string_equal(p.profile, "strict");
	assert_int_equal(p.block_on, NHG_SEV_HIGH);   /* the file refines the profile */
	assert_false(p.inline_allow);
	nhg_policy_free(&p);

	assert_int_equal(load_policy(&p, "policy:\n  extends: baseline\n  overrides:\n"
				     "    - {rule: \"generic-*\", severity: low}\n"
				     "    - {rule: generic-password, severity: critical}\n", &err), 0);
	assert_int_equal(p.block_on, NHG_SEV_CRITICAL);
	assert_int_equal(nhg_policy_severity(&p, "generic-password", NHG_SEV_MEDIUM),
			 NHG_SEV_CRITICAL);                   /* the last match wins */
	assert_int_equal(nhg_policy_severity(&p, "generic-api-key", NHG_SEV_HIGH), NHG_SEV_LOW);
	assert_int_equal(nhg_policy_severity(&p, "aws-access-key-id", NHG_SEV_HIGH), NHG_SEV_HIGH);
	nhg_policy_free(&p);

	assert_int_equal(load_policy(&p, "policy:\n  block_on: severe\n", &err), NHG_EINPUT);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 13);
	nhg_policy_free(&p);
	assert_int_equal(load_policy(&p, "extends: lax\n", &err), NHG_EINPUT);
	nhg_policy_free(&p);
	assert_int_equal(load_policy(&p, "extends: strict\npolicy: {extends: strict}\n", &err),
			 NHG_EINPUT);
	nhg_policy_free(&p);
	assert_int_equal(load_policy(&p, "policy: {breakglass: {reason_pattern: \"(\"}}\n", &err),
			 NHG_EINPUT);
	assert_non_null(strstr(err.message, "reason_pattern"));
	nhg_policy_free(&p);
	assert_int_equal(load_policy(&p, "policy: {blockon: high}\n", &err), NHG_EINPUT);
	nhg_policy_free(&p);
}

static nhg_gfinding *add(nhg_verdict *v, const char *rule, nhg_severity sev, const char *path)
{
	nhg_gfinding *f;
	assert_int_equal(nhg_verdict_new_finding(v, &f), 0);
	f->rule = strdup(rule);
	f->path = strdup(path);
	f->message = strdup("m");
	f->severity = sev;
	snprintf(f->fingerprint, sizeof(f->fingerprint), "%s:%s", rule, path);
	return f;
}

static const nhg_gfinding *find(const nhg_verdict *v, const char *rule, const char *path)
{
	for (size_t i = 0; i < v->nfindings; i++)
		if (!strcmp(v->findings[i].rule, rule) && !strcmp(v->findings[i].path, path))
			return &v->findings[i];
	fail_msg("no finding %s at %s", rule, path);
	return NULL;
}

static void test_decide(void **state)
{
	static const char wtext[] =
		"waivers:\n"
		"  - {id: W-OK, rule: \"aws-*\", paths: [\"deploy/**\"], owner: a, approved_by: b,"
		" reason: tracked in the ticket named here, ticket: T-1, created: 2026-11-01,"
		" expires: 2026-11-30}\n"
		"  - {id: W-OLD, rule: slack-bot-token, paths: [\"**\"], owner: a, approved_by: b,"
		" reason: tracked in the ticket named here, ticket: T-2, created: 2026-10-01,"
		" expires: 2026-11-20}\n"
		"  - {id: W-STALE, rule: nothing, paths: [\"**\"], owner: a, approved_by: b,"
		" reason: tracked in the ticket named here, ticket: T-3, created: 2026-11-01,"
		" expires: 2026-12-30}\n";
	nhg_waivers w;
	nhg_policy p;
	nhg_verdict v;
	nhg_gfinding *f;
	nhg_error err = NHG_ERROR_INIT;
	(void)state;

	assert_int_equal(nhg_waivers_parse(&w, wtext, strlen(wtext), "w.yaml", 90, &err), 0);
	nhg_policy_init(&p);
	assert_int_equal(nhg_verdict_init(&v), 0);
	memcpy(v.today, "2026-11-23", 11);
	add(&v, "aws-access-key-id", NHG_SEV_CRITICAL, "deploy/app.env");   /* waived */
	add(&v, "slack-bot-token", NHG_SEV_HIGH, "src/a.py");               /* expired waiver */
	add(&v, "generic-password", NHG_SEV_MEDIUM, "src/b.py");            /* below block_on */
	f = add(&v, "github-pat", NHG_SEV_CRITICAL, "src/c.py");
	f->inline_allowed = true;                                            /* marker */
	f = add(&v, "GH-PERM-002", NHG_SEV_HIGH, ".github/workflows/ci.yml");
	f->existing = true;                                                  /* in the base */
	f = add(&v, "aws-access-key-id", NHG_SEV_CRITICAL, "deploy/app.env"); /* a repeat */
	assert_int_equal(nhg_verdict_decide(&v, &p, &w), 0);

	assert_int_equal(v.nfindings, 5);                   /* the repeat counts once */
	assert_int_equal(find(&v, "aws-access-key-id", "deploy/app.env")->status, NHG_STATUS_WAIVED);
	assert_string_equal(find(&v, "aws-access-key-id", "deploy/app.env")->waiver->id, "W-OK");
	assert_int_equal(find(&v, "slack-bot-token", "src/a.py")->status, NHG_STATUS_BLOCKING);
	assert_int_equal(find(&v, "generic-password", "src/b.py")->status, NHG_STATUS_ADVISORY);
	assert_int_equal(find(&v, "github-pat", "src/c.py")->status, NHG_STATUS_ADVISORY);
	assert_int_equal(find(&v, "GH-PERM-002", ".github/workflows/ci.yml")->status,
			 NHG_STATUS_ADVISORY);
	assert_int_equal(v.findings[0].status, NHG_STATUS_BLOCKING);   /* blocking first */
	assert_int_equal(v.decision, NHG_DECISION_BLOCK);
	assert_int_equal(v.waivers[0].state, NHG_WAIVER_APPLIED);
	assert_true(v.waivers[0].expiring);                 /* 7 days left */
	assert_int_equal(v.waivers[1].state, NHG_WAIVER_EXPIRED);
	assert_int_equal(v.waivers[1].matched, 1);
	assert_int_equal(v.waivers[2].state, NHG_WAIVER_UNUSED);
	assert_true(nhg_verdict_control_fails(&v, "NIST-CSF:ID.RA-07"));  /* overdue exception */

	/* break-glass: refused without an allowed actor, granted with one */
	assert_int_equal(nhg_verdict_request_breakglass(&v, "INC-1", NULL), 0);
	assert_int_equal(nhg_verdict_decide(&v, &p, &w), 0);
	assert_int_equal(v.decision, NHG_DECISION_BLOCK);
	assert_string_equal(v.breakglass.refused, "the policy allows nobody to break glass");
	p.breakglass_allowed.v = calloc(1, sizeof(char *));
	p.breakglass_allowed.v[p.breakglass_allowed.n++] = strdup("ops-*");
	v.subject.actor = strdup("ops-anna");
	assert_int_equal(nhg_verdict_decide(&v, &p, &w), 0);
	assert_int_equal(v.decision, NHG_DECISION_BREAKGLASS);
	assert_true(v.breakglass.accepted);

	/* report-only: the same findings pass, and say they would block */
	p.enforce = false;
	free(v.breakglass.reason);
	v.breakglass.reason = NULL;
	assert_int_equal(nhg_verdict_decide(&v, &p, &w), 0);
	assert_int_equal(v.decision, NHG_DECISION_PASS);
	assert_true(v.would_block);

	nhg_verdict_free(&v);
	nhg_policy_free(&p);
	nhg_waivers_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_waivers),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_decide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
