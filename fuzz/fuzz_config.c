/*
 * The repository configuration (.nhigate.yaml, nhg_config_parse) and what
 * the gate builds from it: the policy (extends: and policy:), the pipeline
 * check overrides (over a fresh default catalogue), and a decision with
 * that policy on a small verdict, break-glass requested, then rendered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nhigate/config.h"
#include "nhigate/gate.h"
#include "nhigate/pipeline.h"

static nhg_catalogue *cat;

static void load_catalogue(void)
{
	const char *dir = fuzz_rules_dir();
	nhg_error err = NHG_ERROR_INIT;

	nhg_catalogue_free(cat);
	cat = NULL;
	if (nhg_catalogue_load(&cat, &dir, 1, &err)) {
		fprintf(stderr, "fuzz_config: %s: %s\n", dir, err.message);
		exit(2);
	}
}

static char *dup(const char *s)
{
	return fuzz_strndup((const uint8_t *)s, strlen(s));
}

static void add_finding(nhg_verdict *v, const char *rule, nhg_severity sev, const char *path,
			nhg_origin origin)
{
	nhg_gfinding *f;
	fuzz_require(nhg_verdict_new_finding(v, &f) == 0, "nhg_verdict_new_finding");
	f->origin = origin;
	f->tool = dup("nhigate");
	f->rule = dup(rule);
	f->title = dup("a finding");
	f->severity = sev;
	f->path = dup(path);
	f->line = 3;
	f->column = 7;
	f->message = dup("something to fix");
	memset(f->fingerprint, 'a', 64);
}

/* A verdict of a few findings decided under p, then rendered. */
static void decide(const nhg_policy *p)
{
	nhg_verdict v;
	int rc;

	fuzz_require(nhg_verdict_init(&v) == 0, "nhg_verdict_init");
	add_finding(&v, "aws-access-key-id", NHG_SEV_CRITICAL, "app/config.py", NHG_ORIGIN_SECRETS);
	add_finding(&v, "GH-PIN-001", NHG_SEV_MEDIUM, ".github/workflows/ci.yml",
		    NHG_ORIGIN_PIPELINE);
	add_finding(&v, "generic-api-key", NHG_SEV_LOW, "docs/readme.md", NHG_ORIGIN_SECRETS);
	v.findings[2].inline_allowed = true;
	fuzz_require(nhg_verdict_add_skip(&v, "big.bin", NULL, "too large") == 0, "add_skip");
	v.subject.actor = dup("octocat");
	fuzz_require(nhg_verdict_request_breakglass(&v, "INC-1234 production is down",
						    "NHIGATE_BREAKGLASS") == 0,
		     "request_breakglass");
	rc = nhg_verdict_decide(&v, p, NULL);
	fuzz_require(rc == 0 || rc == NHG_ENOMEM, "nhg_verdict_decide");
	if (rc == 0)
		fuzz_render_verdict(&v);
	nhg_verdict_free(&v);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	load_catalogue();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nhg_config *cfg = NULL;
	nhg_policy p;
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	rc = nhg_config_parse(&cfg, (const char *)data, size, ".nhigate.yaml", &err);
	fuzz_check_rc(rc, &err, "nhg_config_parse");
	if (rc)
		return 0;
	nhg_policy_init(&p);
	rc = nhg_policy_load(&p, cfg->extends, cfg->policy, ".nhigate.yaml", &err);
	fuzz_check_rc(rc, &err, "nhg_policy_load");
	if (rc == 0) {
		fuzz_require(p.block_on >= NHG_SEV_LOW && p.block_on <= NHG_SEV_CRITICAL,
			     "block_on is a severity");
		decide(&p);
	}
	nhg_policy_free(&p);
	if (cfg->pipeline_checks) {
		/* the override keeps pointers into cfg: a fresh catalogue each time */
		rc = nhg_catalogue_override(cat, cfg->pipeline_checks, ".nhigate.yaml", &err);
		fuzz_check_rc(rc, &err, "nhg_catalogue_override");
		for (size_t i = 0; rc == 0 && i < nhg_catalogue_count(cat); i++) {
			const nhg_check_def *c = nhg_catalogue_check(cat, i);
			fuzz_require(c->severity >= NHG_SEV_LOW && c->severity <= NHG_SEV_CRITICAL,
				     "a check's severity");
		}
		load_catalogue();
	}
	nhg_config_free(cfg);
	return 0;
}
