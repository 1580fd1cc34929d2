/*
 * GitHub Actions checks on credential lifetime and hand-off: OIDC grants
 * nobody uses or that a privileged trigger reaches, secrets given to mutable
 * third-party actions, static cloud keys, over-long sessions and the inputs
 * of the cloud, Vault and GitHub App authentication actions.  Action names
 * and their lists of inputs come from the parameters of each check in
 * rules/pipeline/github.yaml.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pipeline/checks.h"
#include "pipeline/gh_model.h"

#define AWS_CREDS "aws-actions/configure-aws-credentials"
#define GCP_AUTH "google-github-actions/auth"
#define AZURE_LOGIN "azure/login"
#define VAULT "hashicorp/vault-action"

static bool uses_is(const gh_step *st, const char *action)
{
	const char *u = nhg_yaml_str(nhg_yaml_map_get(st->node, "uses"));
	return u && gh_action_is(u, action);
}

static const nhg_yaml_node *uses_node(const gh_step *st)
{
	return nhg_yaml_map_get(st->node, "uses");
}

/* True when an input is given (a scalar that is not empty). */
static bool input_set(const nhg_yaml_node *v)
{
	return nhg_yaml_str(v) && *v->str;
}

static bool input_false(const nhg_yaml_node *v)
{
	return nhg_yaml_str(v) && (!strcasecmp(v->str, "false") || !strcasecmp(v->str, "no") ||
				!strcasecmp(v->str, "off") || !strcmp(v->str, "0"));
}

/*
 * The name of the first secret an expression in s refers to (secrets.NAME
 * inside ${{ }}), copied into name; false when there is none.
 */
static bool secret_ref(const char *s, char *name, size_t cap)
{
	for (const char *p = s; p && (p = strstr(p, "${{")) != NULL; p += 3) {
		const char *end = strstr(p, "}}");
		for (const char *q = p + 3; *q && (!end || q < end); q++) {
			size_t n;
			if (strncasecmp(q, "secrets.", 8) ||
			    isalnum((unsigned char)q[-1]) || q[-1] == '_' || q[-1] == '.')
				continue;
			n = strspn(q + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					  "0123456789_-");
			snprintf(name, cap, "%.*s", (int)(n < cap ? n : cap - 1), q + 8);
			/* secret names are case-insensitive; GitHub shows them upper-case */
			for (char *c = name; *c; c++)
				*c = (char)toupper((unsigned char)*c);
			return true;
		}
	}
	return false;
}

/*
 * Seconds in a duration: a plain number, or numbers with h, m and s units
 * ("3600s", "1h30m").  False for an expression or anything else.
 */
static bool duration_seconds(const char *s, long *out)
{
	long total = 0;
	bool any = false;
	while (*s == ' ')
		s++;
	while (isdigit((unsigned char)*s)) {
		long v = 0, unit = 1;
		while (isdigit((unsigned char)*s)) {
			if (v > LONG_MAX / 10 - 10)
				return false;
			v = v * 10 + (*s++ - '0');
		}
		if (*s == 'h' || *s == 'H')
			unit = 3600, s++;
		else if (*s == 'm' || *s == 'M')
			unit = 60, s++;
		else if (*s == 's' || *s == 'S')
			s++;
		else if (any)
			return false; /* "1h30" */
		if (v > (LONG_MAX - total) / unit)
			return false;
		total += v * unit;
		any = true;
	}
	while (*s == ' ')
		s++;
	if (!any || *s)
		return false;
	*out = total;
	return true;
}

static long param_long(const nhg_check_def *def, const char *name, long dflt)
{
	long v;
	const char *s = nhg_yaml_str(nhg_check_param(def, name));
	return s && duration_seconds(s, &v) ? v : dflt;
}

/* A value above the parameter name (seconds); emits nothing itself. */
static bool over(const nhg_check_def *def, const nhg_yaml_node *v, const char *name,
		 long dflt, long *secs)
{
	return nhg_yaml_str(v) && duration_seconds(v->str, secs) && *secs > param_long(def, name, dflt);
}

/* --- OIDC ---------------------------------------------------------------- */

/* A consumer entry: "owner/repo", "owner/repo:input" or "owner/repo:input=value". */
static bool step_matches_entry(const gh_step *st, const char *entry)
{
	char action[256], input[128];
	const char *colon = strchr(entry, ':'), *eq;
	const nhg_yaml_node *v;
	size_t n = colon ? (size_t)(colon - entry) : strlen(entry);
	if (n >= sizeof(action))
		return false;
	memcpy(action, entry, n);
	action[n] = '\0';
	if (!uses_is(st, action))
		return false;
	if (!colon)
		return true;
	eq = strchr(colon + 1, '=');
	n = eq ? (size_t)(eq - colon - 1) : strlen(colon + 1);
	if (n >= sizeof(input))
		return false;
	memcpy(input, colon + 1, n);
	input[n] = '\0';
	v = gh_input(st, input, NULL);
	if (!input_set(v))
		return false;
	return !eq || !strcasecmp(v->str, eq + 1);
}

/* True when the step's action is named by an entry (whatever the entry's input condition). */
static bool step_action_listed(const gh_step *st, const nhg_check_def *def, const char *param)
{
	const nhg_yaml_node *l = nhg_check_param(def, param);
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++) {
		const char *e = nhg_yaml_str(l->items[i]);
		char action[256];
		if (!e)
			continue;
		snprintf(action, sizeof(action), "%.*s", (int)strcspn(e, ":"), e);
		if (uses_is(st, action))
			return true;
	}
	return false;
}

/* True when the repository part of an unlisted remote action contains a hint. */
static bool step_name_hints(const gh_step *st, const nhg_check_def *def, const char *param)
{
	const char *u = nhg_yaml_str(uses_node(st)), *repo;
	const nhg_yaml_node *l = nhg_check_param(def, param);
	char name[256];
	if (!u || !gh_uses_remote(u) || step_action_listed(st, def, "consumers"))
		return false;
	repo = strchr(u, '/') + 1;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(repo, "@"), repo);
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && strcasestr(name, l->items[i]->str))
			return true;
	return false;
}

static bool step_in_entries(const gh_step *st, const nhg_check_def *def, const char *param)
{
	const nhg_yaml_node *l = nhg_check_param(def, param);
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && step_matches_entry(st, l->items[i]->str))
			return true;
	return false;
}

static bool text_has_any(const char *text, const nhg_check_def *def, const char *param)
{
	const nhg_yaml_node *l = nhg_check_param(def, param);
	for (size_t i = 0; text && l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && strstr(text, l->items[i]->str))
			return true;
	return false;
}

/*
 * Whether a job uses its OIDC grant, or may: a consumer step, a script
 * asking for the token, or something we cannot see into (a local action).
 */
static bool job_may_use_oidc(const nhg_check_def *def, const char *job,
			     const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *steps = nhg_yaml_map_get(jobnode, "steps");
	gh_step st;
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++) {
		const char *u;
		if (!gh_step_at(&st, steps, i, job, jobnode))
			continue;
		u = nhg_yaml_str(uses_node(&st));
		if ((u && !strncmp(u, "./", 2)) || step_in_entries(&st, def, "consumers") ||
		    step_name_hints(&st, def, "consumer_name_hints") ||
		    text_has_any(nhg_yaml_str(nhg_yaml_map_get(st.node, "run")), def, "script_markers") ||
		    text_has_any(nhg_yaml_str(gh_input(&st, "script", NULL)), def, "script_markers"))
			return true;
	}
	return false;
}

/* GH-OIDC-002: id-token: write on a job that never exchanges the token. */
static void oidc_unused(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *at;
	if (!gh_job_id_token(x->root, jobnode, &at) || nhg_yaml_map_get(jobnode, "uses") ||
	    job_may_use_oidc(def, job, jobnode))
		return;
	nhg_pctx_emit(x, def, 0, at ? at : key, job, NULL,
		      "job '%s' %s id-token: write but no step exchanges an OIDC token; "
		      "remove the grant", job, at ? "is granted" : "inherits");
}

void gh_oidc_002(pctx *x, const nhg_check_def *def)
{
	gh_each_job(x, def, oidc_unused);
}

static bool job_checks_out_untrusted(const nhg_check_def *def, const char *job,
				     const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *steps = nhg_yaml_map_get(jobnode, "steps");
	gh_step st;
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++)
		if (gh_step_at(&st, steps, i, job, jobnode) && uses_is(&st, "actions/checkout") &&
		    text_has_any(nhg_yaml_str(gh_input(&st, "ref", NULL)), def, "untrusted_refs"))
			return true;
	return false;
}

/* GH-OIDC-003: OIDC grants and cloud logins reachable from privileged triggers. */
static void oidc_privileged(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			    const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *at, *steps = nhg_yaml_map_get(jobnode, "steps");
	nhg_severity sev = job_checks_out_untrusted(def, job, jobnode) ? NHG_SEV_CRITICAL : 0;
	const char *why = sev ? ", and the job checks out the pull request's code" : "";
	gh_step st;
	if (input_false(nhg_yaml_map_get(jobnode, "if")))
		return; /* a switched-off job cannot be started */
	if (gh_job_id_token(x->root, jobnode, &at)) {
		nhg_pctx_emit(x, def, sev, at ? at : key, job, NULL,
			      "job '%s' can mint OIDC tokens in a workflow run by a privileged "
			      "trigger that outsiders can start%s", job, why);
		return;
	}
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++) {
		const char *a;
		if (!gh_step_at(&st, steps, i, job, jobnode) ||
		    !(a = gh_step_action_in(&st, def, "cloud_auth_actions")))
			continue;
		nhg_pctx_emit(x, def, sev, uses_node(&st), job, st.label,
			      "%s logs in to a cloud or Vault in a workflow run by a privileged "
			      "trigger that outsiders can start%s", a, why);
	}
}

void gh_oidc_003(pctx *x, const nhg_check_def *def)
{
	if (gh_has_trigger_in(x->root, def, "privileged_triggers"))
		gh_each_job(x, def, oidc_privileged);
}

/* --- secrets handed to mutable third-party code --------------------------- */

static void sec_handoff(pctx *x, const nhg_check_def *def, const char *job, const char *step,
			const nhg_yaml_node *map, const char *uses, const char *via)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	char name[128];
	if (!uses || !gh_uses_remote(uses) || gh_uses_pinned(uses) || gh_owner_trusted(def, uses))
		return;
	while (nhg_yaml_map_next(map, &it, &k, &v)) {
		if (!nhg_yaml_str(k) || !nhg_yaml_str(v) || !secret_ref(v->str, name, sizeof(name)))
			continue;
		nhg_pctx_emit(x, def,
			      nhg_param_has(def, "job_token_secrets", name) ? NHG_SEV_MEDIUM : 0, k,
			      job, step,
			      "secret %s is handed (%s %s) to %s, which is not pinned to a commit",
			      name, via, k->str, uses);
	}
}

/* GH-SEC-002: secrets in with:/env: of an unpinned third-party action... */
static void sec_unpinned(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const char *u = nhg_yaml_str(uses_node(st));
	sec_handoff(x, def, st->job, st->label, nhg_yaml_map_get(st->node, "with"), u, "with:");
	sec_handoff(x, def, st->job, st->label, nhg_yaml_map_get(st->node, "env"), u, "env:");
}

/* ...or under secrets: of a call to an unpinned external reusable workflow. */
static void sec_unpinned_call(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
			      const char *job, const nhg_yaml_node *jobnode)
{
	(void)key;
	sec_handoff(x, def, job, NULL, nhg_yaml_map_get(jobnode, "secrets"),
		    nhg_yaml_str(nhg_yaml_map_get(jobnode, "uses")), "secrets:");
}

void gh_sec_002(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, sec_unpinned);
	gh_each_job(x, def, sec_unpinned_call);
}

/* --- credentials written to files, outputs and the environment ------------ */

/* True when one of the path lines of an upload or cache covers the workspace root. */
static bool path_covers_workspace(const nhg_check_def *def, const char *paths)
{
	const nhg_yaml_node *l = nhg_check_param(def, "workspace_paths");
	while (paths && *paths) {
		size_t n = strcspn(paths, "\n");
		const char *p = paths;
		size_t m = n;
		while (m && (*p == ' ' || *p == '\t'))
			p++, m--;
		while (m && (p[m - 1] == ' ' || p[m - 1] == '\t' || p[m - 1] == '\r'))
			m--;
		for (size_t i = 0; m && *p != '!' && l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
			if (nhg_yaml_str(l->items[i]) && strlen(l->items[i]->str) == m &&
			    !strncmp(p, l->items[i]->str, m))
				return true;
		if (m && memmem(p, m, "gha-creds", 9))
			return true;
		paths += n + (paths[n] == '\n');
	}
	return false;
}

/* True when a step after item i of the job uploads or caches the workspace. */
static bool later_upload(const nhg_check_def *def, const gh_step *st, const nhg_yaml_node *steps,
			 size_t i)
{
	gh_step later;
	for (size_t j = i + 1; steps && j < steps->n; j++)
		if (gh_step_at(&later, steps, j, st->job, st->jobnode) &&
		    gh_step_action_in(&later, def, "upload_actions") &&
		    path_covers_workspace(def, nhg_yaml_str(gh_input(&later, "path", NULL))))
			return true;
	return false;
}

static void cred_emit(pctx *x, const nhg_check_def *def, const gh_step *st, bool upload,
		      const nhg_yaml_node *at, const char *what)
{
	nhg_pctx_emit(x, def, upload ? 0 : NHG_SEV_LOW, at, st->job, st->label, "%s%s", what,
		      upload ? ", and a later step uploads or caches the workspace" : "");
}

/* GH-CRED-002, for one step (item i of the job's steps). */
static void cred_materialised(pctx *x, const nhg_check_def *def, const gh_step *st,
			      const nhg_yaml_node *steps, size_t i)
{
	const nhg_yaml_node *v;
	bool up = later_upload(def, st, steps, i);
	if (uses_is(st, GCP_AUTH)) {
		v = gh_input(st, "create_credentials_file", NULL);
		if (!input_false(v))
			cred_emit(x, def, st, up, v ? v : uses_node(st),
				  "google-github-actions/auth writes a gha-creds-*.json credentials "
				  "file into the workspace (create_credentials_file is not false)");
	} else if (uses_is(st, AWS_CREDS)) {
		v = gh_input(st, "output-credentials", NULL);
		if (nhg_yaml_truthy(v))
			cred_emit(x, def, st, up, v,
				  "output-credentials: true puts the AWS keys in step outputs");
	} else if (uses_is(st, VAULT)) {
		if (nhg_yaml_truthy(v = gh_input(st, "exportToken", NULL)))
			cred_emit(x, def, st, up, v,
				  "exportToken: true puts the Vault token in VAULT_TOKEN for every "
				  "later step");
		if (nhg_yaml_truthy(v = gh_input(st, "outputToken", NULL)))
			cred_emit(x, def, st, up, v,
				  "outputToken: true puts the Vault token in a step output");
	}
}

static void cred_job(pctx *x, const nhg_check_def *def, const nhg_yaml_node *key,
		     const char *job, const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *steps = nhg_yaml_map_get(jobnode, "steps");
	gh_step st;
	(void)key;
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++)
		if (gh_step_at(&st, steps, i, job, jobnode))
			cred_materialised(x, def, &st, steps, i);
}

void gh_cred_002(pctx *x, const nhg_check_def *def)
{
	const nhg_yaml_node *steps = nhg_yaml_map_get(nhg_yaml_map_get(x->root, "runs"), "steps");
	gh_step st;
	gh_each_job(x, def, cred_job);
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++)
		if (gh_step_at(&st, steps, i, NULL, NULL))
			cred_materialised(x, def, &st, steps, i);
}

/* --- static cloud credentials --------------------------------------------- */

/* The Vault token input when vault-action logs in with a static token. */
static const nhg_yaml_node *vault_static_token(const gh_step *st)
{
	const nhg_yaml_node *k = NULL, *method = gh_input(st, "method", NULL);
	if (method && !(nhg_yaml_str(method) && !strcasecmp(method->str, "token")))
		return NULL;
	return input_set(gh_input(st, "token", &k)) ? k : NULL;
}

static bool workflow_uses_oidc(const nhg_yaml_node *root)
{
	const nhg_yaml_node *jobs = nhg_yaml_map_get(root, "jobs"), *k, *v, *at;
	size_t it = 0;
	if (nhg_yaml_is(nhg_yaml_map_get(nhg_yaml_map_get(root, "permissions"), "id-token"), "write"))
		return true;
	while (nhg_yaml_map_next(jobs, &it, &k, &v))
		if (gh_job_id_token(root, v, &at))
			return true;
	return false;
}

static nhg_severity cloud_sev(pctx *x)
{
	return workflow_uses_oidc(x->root) ? NHG_SEV_MEDIUM : 0;
}

static void cloud_step(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *k = NULL, *at = NULL;
	const char *what = NULL;
	if (uses_is(st, AWS_CREDS)) {
		if (input_set(gh_input(st, "aws-access-key-id", &k)) ||
		    input_set(gh_input(st, "aws-secret-access-key", &k)))
			at = k, what = "an AWS access key (aws-access-key-id)";
	} else if (uses_is(st, GCP_AUTH)) {
		if (input_set(gh_input(st, "credentials_json", &k)))
			at = k, what = "a Google service account key (credentials_json)";
	} else if (uses_is(st, AZURE_LOGIN)) {
		if (input_set(gh_input(st, "creds", &k)))
			at = k, what = "an Azure service principal secret (creds)";
	} else if (uses_is(st, VAULT)) {
		if ((at = vault_static_token(st)) != NULL)
			what = "a static Vault token (method: token)";
	}
	if (at)
		nhg_pctx_emit(x, def, cloud_sev(x), at, st->job, st->label,
			      "the step logs in with %s, a long-lived credential; use OIDC "
			      "federation instead", what);
}

static void cloud_env(pctx *x, const nhg_check_def *def, const nhg_yaml_node *env,
		      const char *job, const char *step)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	char name[128];
	while (nhg_yaml_map_next(env, &it, &k, &v))
		if (nhg_yaml_str(k) && nhg_param_has(def, "static_env", k->str) && nhg_yaml_str(v) &&
		    secret_ref(v->str, name, sizeof(name))) {
			nhg_pctx_emit(x, def, cloud_sev(x), k, job, step,
				      "%s is set from secret %s, a long-lived cloud key; use OIDC "
				      "federation instead", k->str, name);
			return; /* one finding per env: block */
		}
}

/* GH-CLOUD-001: long-lived cloud keys where the provider offers OIDC. */
void gh_cloud_001(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, cloud_step);
	gh_each_env(x, def, cloud_env);
}

/* --- session lifetimes and authentication options ------------------------- */

/* GH-LIFE-001: AWS role sessions longer than policy. */
static void life_aws(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *v;
	long secs;
	if (!uses_is(st, AWS_CREDS))
		return;
	v = gh_input(st, "role-duration-seconds", NULL);
	if (over(def, v, "max_seconds", 3600, &secs))
		nhg_pctx_emit(x, def,
			      secs > param_long(def, "high_seconds", 21600) ? NHG_SEV_HIGH : 0, v,
			      st->job, st->label,
			      "AWS role session of %ld s outlives the job; keep it at %ld s or less",
			      secs, param_long(def, "max_seconds", 3600));
}

void gh_life_001(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, life_aws);
}

/* True when a scope (a URL or a bare name) ends in one of def's broad_scopes. */
static bool scope_broad(const nhg_check_def *def, const char *s, size_t n)
{
	const nhg_yaml_node *l = nhg_check_param(def, "broad_scopes");
	const char *last = s;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			last = s + i + 1;
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && strlen(l->items[i]->str) == (size_t)(s + n - last) &&
		    !strncmp(last, l->items[i]->str, (size_t)(s + n - last)))
			return true;
	return false;
}

/* GH-LIFE-002: Google access tokens: lifetime and scopes. */
static void life_gcp(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *v, *fmt, *scopes;
	long secs;
	if (!uses_is(st, GCP_AUTH))
		return;
	v = gh_input(st, "access_token_lifetime", NULL);
	if (over(def, v, "max_seconds", 3600, &secs))
		nhg_pctx_emit(x, def, 0, v, st->job, st->label,
			      "Google access token lives %ld s; keep it at %ld s or less", secs,
			      param_long(def, "max_seconds", 3600));
	fmt = gh_input(st, "token_format", NULL);
	if (!nhg_yaml_is(fmt, "access_token"))
		return;
	scopes = gh_input(st, "access_token_scopes", NULL);
	if (!scopes) {
		nhg_pctx_emit(x, def, NHG_SEV_LOW, fmt, st->job, st->label,
			      "the access token gets the default cloud-platform scope (every "
			      "Google Cloud API); set access_token_scopes");
		return;
	}
	for (const char *p = nhg_yaml_str(scopes); p && *p;) {
		size_t n;
		p += strspn(p, ", \t\r\n");
		n = strcspn(p, ", \t\r\n");
		if (n && scope_broad(def, p, n)) {
			nhg_pctx_emit(x, def, NHG_SEV_LOW, scopes, st->job, st->label,
				      "access_token_scopes grants %.*s, which covers every Google "
				      "Cloud API", (int)n, p);
			return;
		}
		p += n;
	}
}

void gh_life_002(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, life_gcp);
}

/* GH-LIFE-003: azure/login with a service principal secret. */
static void life_azure(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *k = NULL;
	if (uses_is(st, AZURE_LOGIN) && input_set(gh_input(st, "creds", &k)))
		nhg_pctx_emit(x, def, 0, k, st->job, st->label,
			      "azure/login signs in with a service principal secret (creds:); use "
			      "client-id, tenant-id and subscription-id with OIDC");
}

void gh_life_003(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, life_azure);
}

/* GH-LIFE-004: hashicorp/vault-action options that lengthen or widen the token. */
static void life_vault(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *v;
	long secs;
	if (!uses_is(st, VAULT))
		return;
	if ((v = vault_static_token(st)) != NULL)
		nhg_pctx_emit(x, def, 0, v, st->job, st->label,
			      "vault-action logs in with a static token; use method: jwt with the "
			      "job's OIDC token");
	v = gh_input(st, "jwtTtl", NULL);
	if (over(def, v, "max_jwt_ttl", 3600, &secs))
		nhg_pctx_emit(x, def, 0, v, st->job, st->label,
			      "jwtTtl of %ld s is above %ld s", secs,
			      param_long(def, "max_jwt_ttl", 3600));
	if (nhg_yaml_truthy(v = gh_input(st, "exportToken", NULL)))
		nhg_pctx_emit(x, def, 0, v, st->job, st->label,
			      "exportToken: true gives the Vault token to every later step");
	if (nhg_yaml_truthy(v = gh_input(st, "tlsSkipVerify", NULL)))
		nhg_pctx_emit(x, def, NHG_SEV_HIGH, v, st->job, st->label,
			      "tlsSkipVerify: true sends the Vault login over unverified TLS");
}

void gh_life_004(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, life_vault);
}

/* True when the step has an input whose name starts with one of def's list param. */
static bool has_input_prefixed(const gh_step *st, const nhg_check_def *def, const char *param)
{
	const nhg_yaml_node *with = nhg_yaml_map_get(st->node, "with"), *k, *v;
	const nhg_yaml_node *l = nhg_check_param(def, param);
	size_t it = 0;
	while (nhg_yaml_map_next(with, &it, &k, &v))
		for (size_t i = 0; nhg_yaml_str(k) && l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
			if (nhg_yaml_str(l->items[i]) &&
			    !strncasecmp(k->str, l->items[i]->str, strlen(l->items[i]->str)))
				return true;
	return false;
}

/* The first input of the step named in def's list param (its key in *key). */
static const nhg_yaml_node *input_in(const gh_step *st, const nhg_check_def *def,
				     const char *param, const nhg_yaml_node **key)
{
	const nhg_yaml_node *l = nhg_check_param(def, param), *v;
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && (v = gh_input(st, l->items[i]->str, key)) != NULL)
			return v;
	return NULL;
}

/* GH-LIFE-005: GitHub App installation tokens wider or longer-lived than needed. */
static void life_app(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	const nhg_yaml_node *l = nhg_check_param(def, "no_revoke"), *k = NULL, *v;
	const char *a = gh_step_action_in(st, def, "actions");
	if (!a)
		return;
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++) {
		const char *e = nhg_yaml_str(l->items[i]), *eq;
		char input[128];
		if (!e || !(eq = strchr(e, '=')) || (size_t)(eq - e) >= sizeof(input))
			continue;
		snprintf(input, sizeof(input), "%.*s", (int)(eq - e), e);
		v = gh_input(st, input, NULL);
		if (nhg_yaml_str(v) && !strcasecmp(v->str, eq + 1))
			nhg_pctx_emit(x, def, 0, v, st->job, st->label,
				      "%s: %s leaves the app token valid for up to an hour after "
				      "the job", input, v->str);
	}
	if (input_set(input_in(st, def, "owner_inputs", &k)) &&
	    !input_in(st, def, "repository_inputs", NULL))
		nhg_pctx_emit(x, def, 0, k, st->job, st->label,
			      "%s without repositories: gives a token for every repository of "
			      "the installation", k->str);
	if (!has_input_prefixed(st, def, "permission_inputs"))
		nhg_pctx_emit(x, def, NHG_SEV_MEDIUM, uses_node(st), st->job, st->label,
			      "%s is given no permission inputs, so the token carries every "
			      "permission of the installation", a);
}

void gh_life_005(pctx *x, const nhg_check_def *def)
{
	gh_each_step(x, def, life_app);
}
