/*
 * GitHub Actions checks.  Each looks at the workflow (or composite action)
 * through gh_model.h and reports the exact key or value at fault.  Their
 * severities, parameters and texts come from rules/pipeline/github.yaml.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pipeline/checks.h"
#include "pipeline/gh_model.h"

static bool is_expression(const char *s)
{
	return s && strstr(s, "${{") != NULL;
}

/* --- permissions --------------------------------------------------------- */

/* GH-PERM-001: no permissions anywhere: the token gets the repository default. */
static void perm_default(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			 const char *job, const nhg_yaml_node *jobnode)
{
	if (nhg_yaml_map_get(jobnode, "permissions"))
		return;
	nhg_pctx_emit(x, def, gh_has_trigger_in(x->root, def, "risky_triggers") ? NHG_SEV_HIGH : 0,
		      key, job, NULL,
		      "job '%s' has no permissions: and neither has the workflow, so its "
		      "GITHUB_TOKEN gets the repository's default scopes", job);
}

void gh_perm_001(pctx *x, const nhg_check_def *def)
{
	if (nhg_yaml_map_get(x->root, "jobs") && !nhg_yaml_map_get(x->root, "permissions"))
		gh_each_job(x, def, perm_default);
}

/* GH-PERM-002: write-all, at workflow or job level. */
static void write_all(pctx *x, const nhg_check_def *def, const nhg_yaml_node *perms,
		      const char *job)
{
	if (nhg_yaml_is(perms, "write-all"))
		nhg_pctx_emit(x, def, 0, perms, job, NULL,
			      "permissions: write-all grants every scope, write, to every step%s%s",
			      job ? " of job " : "", job ? job : "");
}

static void perm_write_all_job(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			       const char *job, const nhg_yaml_node *jobnode)
{
	(void)key;
	write_all(x, def, nhg_yaml_map_get(jobnode, "permissions"), job);
}

void gh_perm_002(pctx *x, const nhg_check_def *def)
{
	write_all(x, def, nhg_yaml_map_get(x->root, "permissions"), NULL);
	gh_each_job(x, def, perm_write_all_job);
}

/* GH-PERM-003: write scopes (and read-all) granted at workflow level to every job. */
void gh_perm_003(pctx *x, const nhg_check_def *def)
{
	const nhg_yaml_node *perms = nhg_yaml_map_get(x->root, "permissions"), *k, *v;
	size_t it = 0;
	if (!nhg_yaml_map_get(x->root, "jobs"))
		return;
	if (nhg_yaml_is(perms, "read-all")) {
		nhg_pctx_emit(x, def, NHG_SEV_MEDIUM, perms, NULL, NULL,
			      "permissions: read-all at workflow level gives every job read "
			      "access to every scope");
		return;
	}
	while (nhg_yaml_map_next(perms, &it, &k, &v)) {
		if (!nhg_yaml_str(k) || !nhg_yaml_is(v, "write") || nhg_yaml_is(k, "id-token"))
			continue; /* id-token is GH-OIDC-001's */
		nhg_pctx_emit(x, def,
			      nhg_param_has(def, "privileged_scopes", k->str) ? NHG_SEV_HIGH : 0, k,
			      NULL, NULL,
			      "%s: write at workflow level is granted to every job; grant it on "
			      "the jobs that need it", k->str);
	}
}

/* GH-PERM-005: unknown scopes and invalid values. */
static void perm_valid(pctx *x, const nhg_check_def *def, const nhg_yaml_node *perms,
		       const char *job)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	if (!perms)
		return;
	if (perms->kind == NHG_YAML_SCALAR) {
		if (!nhg_yaml_is(perms, "read-all") && !nhg_yaml_is(perms, "write-all"))
			nhg_pctx_emit(x, def, 0, perms, job, NULL,
				      "'%s' is not a permissions value (read-all, write-all, "
				      "or a mapping of scopes)", perms->str);
		return;
	}
	if (perms->kind != NHG_YAML_MAP) {
		nhg_pctx_emit(x, def, 0, perms, job, NULL, "permissions must be a mapping of scopes");
		return;
	}
	while (nhg_yaml_map_next(perms, &it, &k, &v)) {
		const char *val = nhg_yaml_str(v);
		if (!nhg_yaml_str(k) || !nhg_param_has(def, "scopes", k->str)) {
			nhg_pctx_emit(x, def, 0, k, job, NULL, "unknown permission scope '%s'",
				      nhg_yaml_str(k) ? k->str : "?");
			continue;
		}
		if (!val || (strcmp(val, "read") && strcmp(val, "write") && strcmp(val, "none")) ||
		    (!strcmp(k->str, "id-token") && !strcmp(val, "read")))
			nhg_pctx_emit(x, def, 0, v, job, NULL, "'%s' is not a valid level for %s",
				      val ? val : "?", k->str);
	}
}

static void perm_valid_job(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			   const char *job, const nhg_yaml_node *jobnode)
{
	(void)key;
	perm_valid(x, def, nhg_yaml_map_get(jobnode, "permissions"), job);
}

void gh_perm_005(pctx *x, const nhg_check_def *def)
{
	perm_valid(x, def, nhg_yaml_map_get(x->root, "permissions"), NULL);
	gh_each_job(x, def, perm_valid_job);
}

/* GH-OIDC-001: id-token: write at workflow level. */
void gh_oidc_001(pctx *x, const nhg_check_def *def)
{
	const nhg_yaml_node *perms = nhg_yaml_map_get(x->root, "permissions");
	const nhg_yaml_node *k = nhg_yaml_map_key(perms, "id-token");
	if (k && nhg_yaml_is(nhg_yaml_map_get(perms, "id-token"), "write"))
		nhg_pctx_emit(x, def, 0, k, NULL, NULL,
			      "id-token: write at workflow level lets every job mint an OIDC "
			      "token; grant it to the deploy job only");
}

/* --- environment switches ------------------------------------------------ */

static void env_flag(pctx *x, const nhg_check_def *def, const nhg_yaml_node *env,
		     const char *job, const char *step)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(env, &it, &k, &v))
		if (nhg_yaml_str(k) && nhg_param_has(def, "variables", k->str) &&
		    (nhg_yaml_truthy(v) || is_expression(nhg_yaml_str(v))))
			nhg_pctx_emit(x, def, 0, k, job, step, "%s is set%s", k->str,
				      nhg_yaml_truthy(v) ? " to true" : " from an expression");
}

void gh_cmd_001(pctx *x, const nhg_check_def *def)
{
	gh_each_env(x, def, env_flag);
}

void gh_dbg_001(pctx *x, const nhg_check_def *def)
{
	gh_each_env(x, def, env_flag);
}

/* --- actions and reusable workflows -------------------------------------- */

static bool mentions_secrets(const nhg_yaml_node *map)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(map, &it, &k, &v))
		if (nhg_yaml_str(v) && strstr(v->str, "secrets."))
			return true;
	return false;
}

static void pin_check(pctx *x, const nhg_check_def *def, const nhg_yaml_node *uses,
		      const char *job, const char *step, bool handles_secrets)
{
	const char *u = nhg_yaml_str(uses);
	if (!u || !gh_uses_remote(u) || gh_uses_pinned(u) || gh_owner_trusted(def, u))
		return;
	nhg_pctx_emit(x, def, handles_secrets ? NHG_SEV_HIGH : 0, uses, job, step,
		      "%s is not pinned to a full commit SHA%s", u,
		      handles_secrets ? " and is handed secrets" : "");
}

static void pin_step(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	pin_check(x, def, nhg_yaml_map_get(st->node, "uses"), st->job, st->label,
		  mentions_secrets(nhg_yaml_map_get(st->node, "with")) ||
		  mentions_secrets(nhg_yaml_map_get(st->node, "env")));
}

static void pin_job(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
		    const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *secrets = nhg_yaml_map_get(jobnode, "secrets");
	(void)key;
	pin_check(x, def, nhg_yaml_map_get(jobnode, "uses"), job, NULL, secrets != NULL);
}

void gh_pin_001(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, pin_step);
	gh_each_job(x, def, pin_job);
}

/* GH-SEC-001: secrets: inherit hands every secret to the called workflow. */
static void sec_inherit(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *s = nhg_yaml_map_get(jobnode, "secrets");
	const char *uses = nhg_yaml_str(nhg_yaml_map_get(jobnode, "uses"));
	(void)key;
	if (!nhg_yaml_is(s, "inherit"))
		return;
	nhg_pctx_emit(x, def,
		      uses && gh_uses_remote(uses) && !gh_uses_pinned(uses) ? NHG_SEV_HIGH : 0, s,
		      job, NULL, "secrets: inherit passes every secret to %s; pass the ones it needs",
		      uses ? uses : "the called workflow");
}

void gh_sec_001(pctx *x, const nhg_check_def *def)
{
	gh_each_job(x, def, sec_inherit);
}

/* GH-SEC-003: the whole secrets context: toJSON(secrets), secrets[...]. */
static void sec_whole(pctx *x, const nhg_check_def *def, const nhg_yaml_node *s)
{
	const char *p = s->str;
	while ((p = strstr(p, "${{")) != NULL) {
		const char *end = strstr(p, "}}");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		for (const char *q = p; q + 7 <= p + n; q++) {
			const char *r = q + 7;
			/* the word "secrets" on its own, not part of a longer name */
			if (strncasecmp(q, "secrets", 7) || (q > p && (q[-1] == '.' || q[-1] == '_' ||
								    isalnum((unsigned char)q[-1]))))
				continue;
			while (*r == ' ')
				r++;
			if (*r == '[' || *r == ')') {
				nhg_pctx_emit(x, def, 0, s, NULL, NULL,
					      "the whole secrets context is used (%s), so every "
					      "secret is loaded into the job",
					      *r == '[' ? "secrets[...]" : "toJSON(secrets)");
				return;
			}
		}
		p += n;
	}
}

void gh_sec_003(pctx *x, const nhg_check_def *def)
{
	gh_each_scalar(x, def, sec_whole);
}

/* GH-SEC-006: literal passwords for container registries. */
static void cred_literal(pctx *x, const nhg_check_def *def, const nhg_yaml_node *container,
			 const char *job, const char *what)
{
	const nhg_yaml_node *pw = nhg_yaml_map_get(nhg_yaml_map_get(container, "credentials"),
						   "password");
	if (nhg_yaml_str(pw) && *pw->str && !is_expression(pw->str))
		nhg_pctx_emit(x, def, 0, pw, job, NULL,
			      "the %s registry password is written in the workflow; use a secret",
			      what);
}

static void cred_job(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
		     const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *services = nhg_yaml_map_get(jobnode, "services"), *k, *v;
	size_t it = 0;
	(void)key;
	cred_literal(x, def, nhg_yaml_map_get(jobnode, "container"), job, "container");
	while (nhg_yaml_map_next(services, &it, &k, &v))
		cred_literal(x, def, v, job, "service");
}

void gh_sec_006(pctx *x, const nhg_check_def *def)
{
	gh_each_job(x, def, cred_job);
}

/* --- checkout and untrusted code ----------------------------------------- */

static bool is_checkout(const gh_step *st)
{
	const char *u = nhg_yaml_str(nhg_yaml_map_get(st->node, "uses"));
	return u && !strncasecmp(u, "actions/checkout@", 17);
}

/* GH-CRED-001: checkout leaves the token in .git/config unless told not to. */
static void cred_persist(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *pc;
	if (!is_checkout(st))
		return;
	pc = nhg_yaml_map_get(nhg_yaml_map_get(st->node, "with"), "persist-credentials");
	if (pc && nhg_yaml_is(pc, "false"))
		return;
	nhg_pctx_emit(x, def, 0, nhg_yaml_map_get(st->node, "uses"), st->job, st->label,
		      "actions/checkout keeps the GITHUB_TOKEN in the checkout for later steps; "
		      "set persist-credentials: false");
}

void gh_cred_001(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, cred_persist);
}

static bool has_untrusted(const nhg_check_def *def, const char *param, const char *text)
{
	const nhg_yaml_node *l = nhg_check_param(def, param);
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && strstr(text, l->items[i]->str))
			return true;
	return false;
}

/* GH-TRIG-001: a privileged trigger checking out the pull request's code. */
static void trig_checkout(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *ref;
	if (!is_checkout(st))
		return;
	ref = nhg_yaml_map_get(nhg_yaml_map_get(st->node, "with"), "ref");
	if (nhg_yaml_str(ref) && has_untrusted(def, "untrusted_refs", ref->str))
		nhg_pctx_emit(x, def, 0, ref, st->job, st->label,
			      "a privileged trigger checks out the pull request's code (%s), "
			      "which then runs with this workflow's token and secrets", ref->str);
}

void gh_trig_001(pctx *x, const nhg_check_def *def)
{
	if (gh_has_trigger_in(x->root, def, "privileged_triggers"))
		gh_each_step(x, def, trig_checkout);
}

/* GH-INJ-001: attacker-controlled expressions expanded into scripts. */
static void inj_step(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *script = nhg_yaml_map_get(st->node, "run");
	const char *u = nhg_yaml_str(nhg_yaml_map_get(st->node, "uses"));
	if (!script && u && !strncasecmp(u, "actions/github-script@", 22))
		script = nhg_yaml_map_get(nhg_yaml_map_get(st->node, "with"), "script");
	if (!nhg_yaml_str(script))
		return;
	for (const char *p = script->str; (p = strstr(p, "${{")) != NULL; p += 3) {
		const char *end = strstr(p, "}}");
		char expr[512];
		size_t n = end ? (size_t)(end - p) : strlen(p);
		snprintf(expr, sizeof(expr), "%.*s", (int)(n < sizeof(expr) - 1 ? n : sizeof(expr) - 1), p);
		if (has_untrusted(def, "untrusted_contexts", expr)) {
			nhg_pctx_emit(x, def, 0, script, st->job, st->label,
				      "attacker-controlled %s}} is expanded into a script; pass it "
				      "through env: and quote the variable", expr);
			return;
		}
	}
}

void gh_inj_001(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, inj_step);
}

/* GH-RUN-001: pull-request workflows on self-hosted runners. */
static void run_job(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
		    const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *ro = nhg_yaml_map_get(jobnode, "runs-on");
	bool self = nhg_yaml_is(ro, "self-hosted");
	(void)key;
	for (size_t i = 0; ro && ro->kind == NHG_YAML_SEQ && i < ro->n; i++)
		self |= nhg_yaml_is(ro->items[i], "self-hosted");
	if (self)
		nhg_pctx_emit(x, def, 0, ro, job, NULL,
			      "job '%s' runs pull-request code on a self-hosted runner, which "
			      "keeps state (and credentials) between jobs", job);
}

void gh_run_001(pctx *x, const nhg_check_def *def)
{
	if (gh_has_trigger_in(x->root, def, "pr_triggers"))
		gh_each_job(x, def, run_job);
}
