/*
 * GitLab CI checks.  Each reads the pipeline through gl_model.h (includes
 * merged, extends/!reference/default: resolved) and reports the exact key or
 * value at fault, in the file it is written in.  Hidden jobs (templates) are
 * not run, so what they hold is judged through the jobs that use them; a
 * template's node is reported once however many jobs extend it.  Severities,
 * parameters and texts come from rules/pipeline/gitlab.yaml.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pipeline/checks.h"
#include "pipeline/gl_model.h"

#define MODEL(x) ((const gl_model *)(x)->model)

/* Call fn for every job that runs (not a template). */
static void each_job(pctx *x, const nhg_check_def *def,
		     void (*fn)(pctx *, const nhg_check_def *, const gl_job *))
{
	const gl_model *m = MODEL(x);
	for (size_t i = 0; i < m->njobs && !x->rc; i++)
		if (!m->jobs[i].hidden)
			fn(x, def, &m->jobs[i]);
}

/* True when a list parameter of def holds a glob matching s (case-insensitive). */
static bool param_glob(const nhg_check_def *def, const char *name, const char *s)
{
	const nhg_yaml_node *l = nhg_check_param(def, name);
	for (size_t i = 0; s && l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && !fnmatch(l->items[i]->str, s, FNM_CASEFOLD))
			return true;
	return false;
}

static double param_num(const nhg_check_def *def, const char *name, double dflt)
{
	const char *s = nhg_yaml_str(nhg_check_param(def, name));
	char *end;
	double v;
	if (!s)
		return dflt;
	v = strtod(s, &end);
	return end != s && !*end ? v : dflt;
}

/* The variable name ref (e.g. "CI_JOB_JWT") written in s as a whole word. */
static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = s; (p = strstr(p, word)) != NULL; p += n) {
		bool left = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
		if (left && right)
			return true;
	}
	return false;
}

/* True when word is a run of '_'-separated parts of name. */
static bool has_part(const char *name, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = name; (p = strstr(p, word)) != NULL; p++)
		if ((p == name || p[-1] == '_') && (p[n] == '\0' || p[n] == '_'))
			return true;
	return false;
}

/* Upper-cased name split at '_': true when a part (or run of parts) is in def's list. */
static bool credential_name(const nhg_check_def *def, const char *param, const char *name)
{
	const nhg_yaml_node *l = nhg_check_param(def, param);
	char up[256];
	size_t n = 0;
	for (; name[n] && n + 1 < sizeof(up); n++)
		up[n] = (char)toupper((unsigned char)name[n]);
	up[n] = '\0';
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++) {
		const char *w = nhg_yaml_str(l->items[i]);
		if (w && has_part(up, w))
			return true;
	}
	return false;
}

/* The image name of an image: or services: entry (scalar or name:), else NULL. */
static const nhg_yaml_node *image_name(const nhg_yaml_node *n)
{
	if (n && n->kind == NHG_YAML_MAP)
		n = nhg_yaml_map_get(n, "name");
	return nhg_yaml_str(n) ? n : NULL;
}

/* --- CI_JOB_TOKEN ------------------------------------------------------------- */

static const char *job_token_use(const char *s)
{
	const char *t = strstr(s, "CI_JOB_TOKEN");
	if (!t)
		return NULL;
	if (strstr(s, "://") && (strstr(t, "CI_JOB_TOKEN}@") || strstr(t, "CI_JOB_TOKEN@")))
		return "in a URL (it ends up in .git/config, logs and process lists)";
	if (strstr(s, ".netrc"))
		return "written to .netrc";
	if (strstr(s, "credential.helper") || strstr(s, "git credential") ||
	    strstr(s, "git-credentials") || strstr(s, "[credential"))
		return "stored by a git credential helper";
	if (strstr(t, "--password-stdin"))
		return NULL; /* the documented way to log in */
	if (strchr(t, '>') || strstr(t, "| tee") || strstr(t, "|tee"))
		return "written to a file";
	if (!strncmp(s, "echo", 4) || strstr(s, " echo ") || !strncmp(s, "printf", 6))
		return "printed to the job log";
	return NULL;
}

static bool has_artifacts(const gl_job *job)
{
	const nhg_yaml_node *a = nhg_yaml_map_get(job->node, "artifacts");
	return a && (nhg_yaml_map_get(a, "paths") || nhg_yaml_map_get(a, "untracked"));
}

static void jobtoken_line(pctx *x, const nhg_check_def *def, const gl_job *job,
			  const nhg_yaml_node *line)
{
	const char *why = job_token_use(line->str);
	bool file = why && (strstr(why, "file") || strstr(why, "netrc") || strstr(why, "helper"));
	if (why)
		gl_emit(x, def, file && has_artifacts(job) ? NHG_SEV_HIGH : 0, line, job->name,
			"CI_JOB_TOKEN %s in job '%s'", why, job->name);
}

static void jobtoken_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	gl_each_script(x, def, job, jobtoken_line);
}

static void jobtoken_var(pctx *x, const nhg_check_def *def, const char *job,
			 const nhg_yaml_node *key, const nhg_yaml_node *value)
{
	const char *why = job_token_use(value->str);
	(void)key;
	if (why && strstr(why, "URL"))
		gl_emit(x, def, 0, value, job, "CI_JOB_TOKEN %s in variable %s", why, key->str);
}

void gl_jobtoken_001(pctx *x, const nhg_check_def *def)
{
	each_job(x, def, jobtoken_job);
	gl_each_variable(x, def, jobtoken_var);
}

/* --- ID tokens ---------------------------------------------------------------- */

static void id_tokens(pctx *x, const nhg_check_def *def, const nhg_yaml_node *toks,
		      const char *job)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	size_t max = (size_t)param_num(def, "max_audiences", 1);
	while (nhg_yaml_map_next(toks, &it, &k, &v)) {
		const nhg_yaml_node *aud = nhg_yaml_map_get(v, "aud");
		if (!nhg_yaml_str(k))
			continue;
		if (!aud) {
			gl_emit(x, def, 0, k, job, "ID token %s has no aud: any service trusting "
				"GitLab's issuer accepts it", k->str);
			continue;
		}
		for (size_t i = 0; i < (aud->kind == NHG_YAML_SEQ ? aud->n : 1); i++) {
			const nhg_yaml_node *a = aud->kind == NHG_YAML_SEQ ? aud->items[i] : aud;
			if (nhg_yaml_str(a) && (strchr(a->str, '*') || !*a->str))
				gl_emit(x, def, 0, a, job, "ID token %s has a wildcard or empty "
					"audience", k->str);
		}
		if (aud->kind == NHG_YAML_SEQ && aud->n > max)
			gl_emit(x, def, 0, aud, job, "ID token %s names %zu audiences (more than %zu): "
				"one stolen token opens all of them", k->str, aud->n, max);
	}
}

static void idtoken_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	id_tokens(x, def, nhg_yaml_map_get(job->node, "id_tokens"), job->name);
}

void gl_idtoken_001(pctx *x, const nhg_check_def *def)
{
	const gl_model *m = MODEL(x);
	const nhg_yaml_node *k = nhg_yaml_map_key(m->deflt, "id_tokens");
	if (k)
		gl_emit(x, def, 0, k, NULL, "id_tokens in default: gives every job an ID token; "
			"define it on the jobs that exchange it");
	each_job(x, def, idtoken_job);
}

static void legacy_jwt(pctx *x, const nhg_check_def *def, const nhg_yaml_node *n)
{
	const nhg_yaml_node *l = nhg_check_param(def, "variables");
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && has_word(n->str, l->items[i]->str)) {
			gl_emit(x, def, 0, n, NULL, "legacy %s is used: it was handed to every job, "
				"with a fixed audience", l->items[i]->str);
			return;
		}
}

void gl_idtoken_002(pctx *x, const nhg_check_def *def)
{
	/* every file as written, so templates and unused fragments count too */
	gl_each_scalar(x, def, legacy_jwt);
}

/* --- variables ---------------------------------------------------------------- */

static double entropy(const char *s, size_t n)
{
	size_t count[256] = { 0 };
	double h = 0;
	for (size_t i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++)
		if (count[i]) {
			double p = (double)count[i] / (double)n;
			h -= p * log2(p);
		}
	return h;
}

static bool literal_secret(const nhg_check_def *def, const nhg_yaml_node *v)
{
	const char *s = v->str;
	char *end;
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off",
					     "null", "none", "changeme", NULL };
	if (!*s || strchr(s, '$') || strchr(s, ' ') || s[0] == '/' || !strncmp(s, "./", 2))
		return false;
	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return false;
	strtod(s, &end);
	if (!*end)
		return false;
	if (v->len < (size_t)param_num(def, "min_length", 8))
		return false;
	return entropy(s, v->len) >= param_num(def, "min_entropy", 3.0) ||
	       v->len >= (size_t)param_num(def, "long_length", 24);
}

static void var_secret(pctx *x, const nhg_check_def *def, const char *job,
		       const nhg_yaml_node *key, const nhg_yaml_node *value)
{
	if (credential_name(def, "name_words", key->str) &&
	    !credential_name(def, "ignore_name_words", key->str) && literal_secret(def, value))
		gl_emit(x, def, 0, value, job, "variable %s holds a literal credential in the "
			"pipeline file", key->str);
}

void gl_var_001(pctx *x, const nhg_check_def *def)
{
	gl_each_variable(x, def, var_secret);
}

static void var_debug(pctx *x, const nhg_check_def *def, const char *job,
		      const nhg_yaml_node *key, const nhg_yaml_node *value)
{
	if (nhg_param_has(def, "variables", key->str) && nhg_yaml_truthy(value))
		gl_emit(x, def, 0, value, job, "%s is on: the log shows every variable, masked "
			"ones included", key->str);
}

void gl_dbg_001(pctx *x, const nhg_check_def *def)
{
	gl_each_variable(x, def, var_debug);
}

/* --- protected refs ----------------------------------------------------------- */

/*
 * A production-like environment, secrets:, or ID tokens of its own (ones from
 * default: reach every job: GL-IDTOKEN-001 reports that instead).
 */
static bool deploy_like(const pctx *x, const nhg_check_def *def, const gl_job *job)
{
	const nhg_yaml_node *env = nhg_yaml_map_get(job->node, "environment");
	const nhg_yaml_node *tok = nhg_yaml_map_get(job->node, "id_tokens");
	if (env && env->kind == NHG_YAML_MAP)
		env = nhg_yaml_map_get(env, "name");
	return param_glob(def, "deploy_environments", nhg_yaml_str(env)) ||
	       nhg_yaml_map_get(job->node, "secrets") ||
	       (tok && tok != nhg_yaml_map_get(MODEL(x)->deflt, "id_tokens"));
}

/* s with blanks removed and quotes unified, into out. */
static void squeeze(const char *s, size_t n, char *out, size_t outlen)
{
	size_t j = 0;
	for (size_t i = 0; i < n && s[i] && j + 1 < outlen; i++)
		if (!isspace((unsigned char)s[i]))
			out[j++] = s[i] == '\'' ? '"' : s[i];
	out[j] = '\0';
}

/* A protected branch literal compared with the branch: "$CI_COMMIT_BRANCH==\"main\"". */
static bool protected_branch_cmp(const nhg_check_def *def, const char *c)
{
	static const char *const vars[] = { "$CI_COMMIT_BRANCH==\"", "$CI_COMMIT_REF_NAME==\"", NULL };
	for (size_t i = 0; vars[i]; i++) {
		const char *p = strstr(c, vars[i]), *q;
		char name[128];
		if (!p)
			continue;
		p += strlen(vars[i]);
		if (!(q = strchr(p, '"')) || (size_t)(q - p) >= sizeof(name))
			continue;
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		if (param_glob(def, "protected_branches", name))
			return true;
	}
	return false;
}

/* True when one ||-free part of an if: only holds on protected refs. */
static bool part_protected(const nhg_check_def *def, const char *c)
{
	if (strstr(c, "merge_request_event") && !strstr(c, "!=\"merge_request_event\""))
		return false;
	if (strstr(c, "$CI_COMMIT_REF_PROTECTED==\"true\"") ||
	    strstr(c, "$CI_COMMIT_REF_PROTECTED==true"))
		return true;
	if (strstr(c, "$CI_COMMIT_TAG") && !strstr(c, "$CI_COMMIT_TAG==null") &&
	    !strstr(c, "$CI_COMMIT_TAG==\"\"") && !strstr(c, "!$CI_COMMIT_TAG"))
		return true;
	if (strstr(c, "$CI_COMMIT_BRANCH==$CI_DEFAULT_BRANCH") ||
	    strstr(c, "$CI_DEFAULT_BRANCH==$CI_COMMIT_BRANCH") ||
	    strstr(c, "$CI_COMMIT_REF_NAME==$CI_DEFAULT_BRANCH") ||
	    strstr(c, "$CI_DEFAULT_BRANCH==$CI_COMMIT_REF_NAME"))
		return true;
	return protected_branch_cmp(def, c);
}

static bool if_protected(const nhg_check_def *def, const char *expr)
{
	char c[2048], *p, *save = NULL;
	squeeze(expr, strlen(expr), c, sizeof(c));
	if (strchr(c, '(')) /* grouping: judged as one part, conservatively */
		return !strstr(c, "||") && part_protected(def, c);
	for (p = c; ; p = NULL) {
		char *part = strtok_r(p, "|", &save);
		if (!part)
			return true;
		if (!part_protected(def, part))
			return false;
	}
}

/*
 * True when "if: expr, when: never" stops every unprotected ref: expr is a
 * negated protection ($CI_COMMIT_REF_PROTECTED != "true", $CI_COMMIT_BRANCH
 * != $CI_DEFAULT_BRANCH...), read by turning != into == and checking that.
 */
static bool never_unprotected(const nhg_check_def *def, const char *expr)
{
	char c[2048], *ne;
	squeeze(expr, strlen(expr), c, sizeof(c));
	if (strstr(c, "||") || strstr(c, "&&") || strchr(c, '(') || !(ne = strstr(c, "!=")))
		return false;
	ne[0] = '=';
	return strstr(c, "$CI_COMMIT_TAG") == NULL && part_protected(def, c);
}

/* The node of the first way the job can run on an unprotected ref, else NULL. */
static const nhg_yaml_node *unprotected_rule(const nhg_check_def *def, const gl_job *job,
					      const char **why)
{
	const nhg_yaml_node *rules = nhg_yaml_map_get(job->node, "rules");
	const nhg_yaml_node *only = nhg_yaml_map_get(job->node, "only");
	if (rules && rules->kind == NHG_YAML_SEQ) {
		for (size_t i = 0; i < rules->n; i++) {
			const nhg_yaml_node *r = rules->items[i], *cond;
			if (r->kind != NHG_YAML_MAP)
				continue;
			if (nhg_yaml_is(nhg_yaml_map_get(r, "when"), "never")) {
				/* rules match in order: "unprotected -> never" guards the rest */
				if (nhg_yaml_str(nhg_yaml_map_get(r, "if")) &&
				    never_unprotected(def, nhg_yaml_map_get(r, "if")->str))
					return NULL;
				continue;
			}
			if (!(cond = nhg_yaml_map_get(r, "if")) || !nhg_yaml_str(cond)) {
				*why = "a rule without if: runs on every ref";
				return r;
			}
			if (!if_protected(def, cond->str)) {
				*why = strstr(cond->str, "merge_request_event")
					       ? "a rule lets it run in merge request pipelines"
					       : "a rule lets it run on unprotected refs";
				return cond;
			}
		}
		return NULL;
	}
	if (only) {
		const nhg_yaml_node *refs = only->kind == NHG_YAML_MAP ? nhg_yaml_map_get(only, "refs")
								      : only;
		if (!refs)
			return NULL; /* only: variables/changes: not judged */
		for (size_t i = 0; i < (refs->kind == NHG_YAML_SEQ ? refs->n : 1); i++) {
			const nhg_yaml_node *r = refs->kind == NHG_YAML_SEQ ? refs->items[i] : refs;
			const char *s = nhg_yaml_str(r);
			if (!s || !strcmp(s, "tags") || s[0] == '/' ||
			    param_glob(def, "protected_branches", s))
				continue;
			*why = !strcmp(s, "merge_requests") ? "only: lets it run in merge request pipelines"
							     : "only: lets it run on unprotected refs";
			return r;
		}
		return NULL;
	}
	if (job->incomplete)
		return NULL; /* its rules may come from a template in an unread include */
	*why = "it has no rules: or only:, so it runs on every branch";
	return job->key;
}

static void prot_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	const char *why = NULL;
	const nhg_yaml_node *at;
	if (!deploy_like(x, def, job) || !(at = unprotected_rule(def, job, &why)))
		return;
	gl_emit(x, def, 0, at, job->name, "deploy job '%s' is not limited to protected refs: %s",
		job->name, why);
}

void gl_prot_001(pctx *x, const nhg_check_def *def)
{
	each_job(x, def, prot_job);
}

/* --- docker-in-docker --------------------------------------------------------- */

static bool job_has_credentials(const nhg_check_def *def, const gl_job *job)
{
	static const char *const keys[] = { "before_script", "script", "after_script" };
	const nhg_yaml_node *l = nhg_check_param(def, "credential_variables");
	if (nhg_yaml_map_get(job->node, "secrets") || nhg_yaml_map_get(job->node, "id_tokens"))
		return true;
	for (size_t k = 0; k < 3; k++) {
		const nhg_yaml_node *s = nhg_yaml_map_get(job->node, keys[k]);
		for (size_t i = 0; s && s->kind == NHG_YAML_SEQ && i < s->n; i++)
			for (size_t j = 0; nhg_yaml_str(s->items[i]) && l && l->kind == NHG_YAML_SEQ &&
					   j < l->n; j++)
				if (nhg_yaml_str(l->items[j]) && has_word(s->items[i]->str, l->items[j]->str))
					return true;
	}
	return false;
}

static void dind_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	const nhg_yaml_node *sv = nhg_yaml_map_get(job->node, "services");
	for (size_t i = 0; sv && sv->kind == NHG_YAML_SEQ && i < sv->n; i++) {
		const nhg_yaml_node *n = image_name(sv->items[i]);
		if (!n || !strstr(n->str, "dind"))
			continue;
		gl_emit(x, def, job_has_credentials(def, job) ? NHG_SEV_HIGH : 0, n, job->name,
			"job '%s' runs Docker-in-Docker (%s), which needs a privileged runner%s",
			job->name, n->str,
			job_has_credentials(def, job) ? ", and the job holds credentials" : "");
	}
}

void gl_dind_001(pctx *x, const nhg_check_def *def)
{
	each_job(x, def, dind_job);
}

/* --- includes ----------------------------------------------------------------- */

static bool pinned_ref(const char *s)
{
	size_t n = strlen(s);
	if (n == 40 && strspn(s, "0123456789abcdef") == 40)
		return true;
	if (*s == 'v')
		s++;
	return isdigit((unsigned char)*s) && strspn(s, "0123456789.") == strlen(s);
}

void gl_inc_001(pctx *x, const nhg_check_def *def)
{
	const gl_model *m = MODEL(x);
	for (size_t i = 0; i < m->nincludes && !x->rc; i++) {
		const gl_include *inc = &m->includes[i];
		const nhg_yaml_node *e = inc->node, *v;
		if (!strcmp(inc->kind, "remote")) {
			if (e->kind == NHG_YAML_MAP && nhg_yaml_map_get(e, "integrity"))
				continue;
			v = e->kind == NHG_YAML_MAP ? nhg_yaml_map_get(e, "remote") : e;
			gl_emit(x, def, NHG_SEV_HIGH, v, NULL, "remote include without integrity: "
				"whoever controls %s controls this pipeline",
				nhg_yaml_str(v) ? v->str : "the URL");
		} else if (!strcmp(inc->kind, "project")) {
			const nhg_yaml_node *ref = nhg_yaml_map_get(e, "ref");
			if (!ref)
				gl_emit(x, def, 0, nhg_yaml_map_key(e, "project"), NULL, "project include "
					"without ref: follows the default branch of %s",
					nhg_yaml_str(nhg_yaml_map_get(e, "project")) ? nhg_yaml_map_get(e, "project")->str : "the project");
			else if (nhg_yaml_str(ref) && !strchr(ref->str, '$') && !pinned_ref(ref->str))
				gl_emit(x, def, 0, ref, NULL, "project include at ref '%s', which "
					"can move; pin a commit or release tag", ref->str);
		} else if (!strcmp(inc->kind, "component")) {
			const nhg_yaml_node *c = nhg_yaml_map_get(e, "component");
			const char *s = nhg_yaml_str(c), *at;
			if (!s || strchr(s, '$'))
				continue;
			at = strrchr(s, '@');
			if (!at || !pinned_ref(at + 1))
				gl_emit(x, def, 0, c, NULL, "component %s is not pinned to a version "
					"or commit", s);
		}
	}
}

/* --- images ------------------------------------------------------------------- */

static void image_check(pctx *x, const nhg_check_def *def, const gl_job *job,
			const nhg_yaml_node *n)
{
	const char *s, *slash, *colon;
	if (!(n = image_name(n)) || !*(s = n->str) || strchr(s, '$') || strstr(s, "@sha256:"))
		return;
	if (param_glob(def, "trusted_images", s))
		return;
	slash = strrchr(s, '/');
	colon = strchr(slash ? slash : s, ':');
	gl_emit(x, def, !colon || !strcmp(colon, ":latest") ? NHG_SEV_MEDIUM : 0, n, job->name,
		"image %s is not pinned by digest: a pushed tag changes what runs with the "
		"job's credentials", s);
}

static void img_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	const nhg_yaml_node *sv = nhg_yaml_map_get(job->node, "services");
	image_check(x, def, job, nhg_yaml_map_get(job->node, "image"));
	for (size_t i = 0; sv && sv->kind == NHG_YAML_SEQ && i < sv->n; i++)
		image_check(x, def, job, sv->items[i]);
}

void gl_img_001(pctx *x, const nhg_check_def *def)
{
	each_job(x, def, img_job);
}

/* --- trigger ------------------------------------------------------------------ */

static const nhg_yaml_node *secret_var(const nhg_check_def *def, const nhg_yaml_node *vars)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(vars, &it, &k, &v))
		if (nhg_yaml_str(k) && credential_name(def, "name_words", k->str))
			return k;
	return NULL;
}

static void trig_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	const gl_model *m = MODEL(x);
	const nhg_yaml_node *trig = nhg_yaml_map_get(job->node, "trigger");
	const nhg_yaml_node *fwd = nhg_yaml_map_get(trig, "forward"), *pv, *yv, *sv;
	if (!trig)
		return;
	if ((pv = nhg_yaml_map_get(fwd, "pipeline_variables")) && nhg_yaml_truthy(pv))
		gl_emit(x, def, 0, pv, job->name, "trigger job '%s' forwards pipeline variables "
			"(manual, API and scheduled ones) to the downstream pipeline", job->name);
	yv = nhg_yaml_map_get(fwd, "yaml_variables");
	if (yv && !nhg_yaml_truthy(yv))
		return; /* forwarding of YAML variables is on by default */
	sv = secret_var(def, nhg_yaml_map_get(job->node, "variables"));
	if (!sv && job->inherit_variables)
		sv = secret_var(def, m->variables);
	if (sv)
		gl_emit(x, def, 0, sv, job->name, "trigger job '%s' forwards variable %s to the "
			"downstream pipeline", job->name, sv->str);
}

void gl_trig_001(pctx *x, const nhg_check_def *def)
{
	each_job(x, def, trig_job);
}

/* --- Vault and other secret providers ----------------------------------------- */

static void vault_job(pctx *x, const nhg_check_def *def, const gl_job *job)
{
	const nhg_yaml_node *secrets = nhg_yaml_map_get(job->node, "secrets"), *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(secrets, &it, &k, &v)) {
		if (!nhg_yaml_str(k) || v->kind != NHG_YAML_MAP || nhg_yaml_map_get(v, "token"))
			continue;
		gl_emit(x, def, 0, k, job->name, "secret %s is fetched without token: naming the "
			"ID token (and audience) it is fetched with", k->str);
	}
}

static void vault_var(pctx *x, const nhg_check_def *def, const char *job,
		      const nhg_yaml_node *key, const nhg_yaml_node *value)
{
	if (nhg_param_has(def, "static_token_variables", key->str) && *value->str)
		gl_emit(x, def, NHG_SEV_HIGH, key, job, "%s is set in the pipeline: a static "
			"token that lives until revoked", key->str);
}

void gl_vault_001(pctx *x, const nhg_check_def *def)
{
	each_job(x, def, vault_job);
	gl_each_variable(x, def, vault_var);
}
