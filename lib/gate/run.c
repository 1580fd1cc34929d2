/*
 * One gate run: read the policy in force (from the base side in git modes),
 * run the secrets engine and the pipeline checks over the same change, read
 * other tools' findings, and decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/buf.h"
#include "nhigate/clock.h"
#include "nhigate/config.h"
#include "nhigate/gate.h"
#include "nhigate/hash.h"
#include "nhigate/scan.h"
#include "nhigate/source.h"

#define MAX_FINDINGS_FILE ((size_t)64 << 20)

/* sha256 over everything that decided: rule packs, checks, config, waivers. */
static void policy_hash(nhg_verdict *v, const nhg_rulepack *pack, const nhg_catalogue *cat,
			const nhg_config *cfg, const nhg_waivers *w)
{
	nhg_buf b = NHG_BUF_INIT(4096);
	nhg_buf_printf(&b, "nhigate.policy/v1\nrules %s\nchecks %s\nconfig %s\nwaivers %s\n",
		       nhg_rulepack_sha256(pack), nhg_catalogue_sha256(cat), cfg->sha256, w->sha256);
	nhg_sha256_hex(v->policy_sha256, b.ptr, b.len);
	nhg_buf_free(&b);
}

/* Pipeline files among the paths: directories, and files where pipelines live. */
static int pipeline_paths(const nhg_gate_opts *o, const char ***out, size_t *n)
{
	*n = 0;
	if (!(*out = calloc(o->npaths + 1, sizeof(char *))))
		return NHG_ENOMEM;
	for (size_t i = 0; i < o->npaths; i++) {
		struct stat st;
		if (stat(o->paths[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    !nhg_pipeline_platform_of(o->paths[i]))
			continue;   /* not a pipeline: the secrets engine covers it */
		(*out)[(*n)++] = o->paths[i];
	}
	return 0;
}

static int scan(nhg_verdict *v, const nhg_gate_opts *o, const nhg_config *cfg,
		const nhg_rulepack *pack, const nhg_catalogue *cat, nhg_error *err)
{
	nhg_source_opts so = NHG_SOURCE_OPTS_INIT;
	nhg_scan_opts sco = NHG_SCAN_OPTS_INIT;
	nhg_scanner *scanner = NULL;
	nhg_scan_source src = { o->git, o->spec, NULL, o->paths, o->npaths, &so, o->progress,
				o->payload, o->deadline };
	nhg_pipeline_run run = { cat, NULL, NHG_PLATFORM_UNKNOWN, o->deadline };
	nhg_result sr;
	nhg_presult pr;
	int rc;

	so.repo = o->repo;
	so.exclude = cfg->exclude.v;
	so.nexclude = cfg->exclude.n;
	if (cfg->max_file_size)
		so.max_file_size = cfg->max_file_size;
	sco.inline_allow = true;   /* markers are kept; the policy decides what they mean */
	nhg_result_init(&sr, false);
	nhg_presult_init(&pr);
	if ((rc = nhg_scanner_new(&scanner, pack, &sco, err)) == 0 &&
	    (rc = nhg_source_scan(&sr, scanner, &src, err)) == 0) {
		/* SECRET-001 is left out: the secrets engine has seen those files */
		if (o->git) {
			rc = nhg_pipeline_run_git(&pr, &run, o->git, o->spec, o->repo, err);
		} else {
			const char **pp = NULL;
			size_t n;
			if ((rc = pipeline_paths(o, &pp, &n)) != 0)
				rc = nhg_error_set(err, rc, "out of memory");
			else
				rc = nhg_pipeline_run_paths(&pr, &run, pp, n, err);
			free(pp);
		}
	}
	/* out of time: keep what was found, and say the rest was not scanned */
	if (rc == NHG_ESTOP && nhg_clock_passed(o->deadline)) {
		v->timed_out = true;
		rc = nhg_verdict_add_skip(v, "", NULL, "the time budget (--deadline) ran out before "
					  "the scan finished");
		if (rc)
			rc = nhg_error_set(err, rc, "out of memory");
	}
	if (!rc) {
		nhg_result_sort(&sr);
		nhg_presult_sort(&pr);
		nhg_presult_dedupe(&pr);
		if ((rc = nhg_verdict_add_secrets(v, &sr)) != 0 ||
		    (rc = nhg_verdict_add_pipeline(v, &pr)) != 0)
			rc = nhg_error_set(err, rc, "out of memory");
	}
	nhg_scanner_free(scanner);
	nhg_result_free(&sr);
	nhg_presult_free(&pr);
	return rc;
}

static int import_all(nhg_verdict *v, const nhg_gate_opts *o, nhg_error *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < o->nfindings; i++) {
		nhg_buf b = NHG_BUF_INIT(MAX_FINDINGS_FILE);
		if ((rc = nhg_buf_read_file(&b, o->findings[i], err)) == NHG_ELIMIT)
			rc = nhg_error_at(err, NHG_EINPUT, o->findings[i], 0, 0,
					  "larger than %zu bytes", MAX_FINDINGS_FILE);
		if (!rc)
			rc = nhg_verdict_import(v, b.ptr, b.len, o->findings[i], err);
		nhg_buf_free(&b);
	}
	return rc;
}

/* The side of the change policy comes from: NULL for files, a revision in git modes. */
static int policy_side(nhg_verdict *v, const nhg_gate_opts *o, nhg_git_sides *sides,
		       nhg_error *err)
{
	int rc;
	if (!o->git)
		return 0;
	if ((rc = nhg_source_git_sides(sides, o->git, o->spec, o->repo, err)) != 0)
		return rc;
	if ((!v->subject.base && sides->base[0] && !(v->subject.base = strdup(sides->base))) ||
	    (!v->subject.head && sides->head[0] && !(v->subject.head = strdup(sides->head))) ||
	    (!v->subject.ref && sides->ref[0] && !(v->subject.ref = strdup(sides->ref))))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	return 0;
}

int nhg_gate_run(nhg_verdict *v, nhg_policy *policy, nhg_waivers *waivers,
		 const nhg_gate_opts *o, nhg_error *err)
{
	nhg_git_sides sides;
	nhg_config *cfg = NULL;
	nhg_rulepack *pack = NULL;
	nhg_catalogue *cat = NULL;
	const char *rev;
	int rc;

	nhg_policy_init(policy);
	memset(waivers, 0, sizeof(*waivers));
	if ((rc = policy_side(v, o, &sides, err)) != 0)
		return rc;
	rev = o->git ? sides.base : NULL;
	if ((rc = nhg_gate_read_config(&cfg, o->repo, rev, o->config, err)) != 0 ||
	    (rc = nhg_policy_load(policy, cfg->extends, cfg->policy, cfg->path, err)) != 0 ||
	    (rc = nhg_gate_read_waivers(waivers, o->repo, rev, o->waivers,
					policy->max_waiver_days, err)) != 0)
		goto out;
	if (waivers->file && !(v->waivers_file = strdup(waivers->file))) {
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = nhg_rulepack_load(&pack, o->rules, o->nrules, err)) != 0 ||
	    (rc = nhg_catalogue_load(&cat, o->rules, o->nrules, err)) != 0 ||
	    (rc = nhg_catalogue_complete(cat, err)) != 0 ||
	    (cfg->pipeline_checks &&
	     (rc = nhg_catalogue_override(cat, cfg->pipeline_checks, cfg->path, err)) != 0))
		goto out;
	policy_hash(v, pack, cat, cfg, waivers);
	if ((o->git || o->npaths) && (rc = scan(v, o, cfg, pack, cat, err)) != 0)
		goto out;
	if ((rc = import_all(v, o, err)) != 0)
		goto out;
	rc = nhg_verdict_decide(v, policy, waivers);
	if (rc)
		rc = nhg_error_set(err, rc, "out of memory");
out:
	nhg_catalogue_free(cat);
	nhg_rulepack_free(pack);
	nhg_config_free(cfg);
	return rc;
}
