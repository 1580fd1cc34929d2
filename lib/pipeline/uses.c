/*
 * Which identities a pipeline uses.
 *
 * GitHub: secrets.NAME in any scalar (GITHUB_TOKEN is minted per job and
 * not listed), and the cloud roles handed to the usual broker actions when
 * written literally.  GitLab: id_tokens audiences, the names under a job's
 * secrets:, and credential-like $NAME / ${NAME} in scripts that the YAML
 * itself never defines, so they come from CI/CD settings.  Uses are
 * recorded at their scalar's position.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pipeline/gh_model.h"
#include "pipeline/gl_model.h"
#include "pipeline/uses.h"

#define MAX_NAME 256

static void record(pctx *x, const char *name, size_t len, const nhg_yaml_node *at)
{
	char buf[MAX_NAME];
	const char *path = x->path_of ? x->path_of(x, at) : x->path;
	int rc;

	if (x->rc || !len || len >= sizeof(buf))
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if ((rc = nhg_idusage_add(x->out->uses, buf, path, (uint32_t)at->line,
				  (uint32_t)at->column)) != 0)
		x->rc = rc;
}

static bool ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* ---- GitHub ---- */

static void gh_secret_refs(pctx *x, const nhg_check_def *def, const nhg_yaml_node *s)
{
	static const char key[] = "secrets.";
	const char *p = s->str;
	(void)def;
	while ((p = strstr(p, key)) != NULL) {
		const char *name = p + sizeof(key) - 1, *e = name;
		bool bounded = p == s->str || !(ident_char((unsigned char)p[-1]) || p[-1] == '.');
		while (ident_char((unsigned char)*e))
			e++;
		if (bounded && ident_start((unsigned char)*name) &&
		    !((size_t)(e - name) == 12 && !strncasecmp(name, "GITHUB_TOKEN", 12)))
			record(x, name, (size_t)(e - name), s);
		p = e > name ? e : name;
	}
}

/* Role inputs of the broker actions, recorded when written literally. */
static void gh_role_inputs(pctx *x, const nhg_check_def *def, const gh_step *st)
{
	static const struct { const char *action, *input; } roles[] = {
		{ "aws-actions/configure-aws-credentials", "role-to-assume" },
		{ "google-github-actions/auth", "workload_identity_provider" },
		{ "google-github-actions/auth", "service_account" },
		{ "azure/login", "client-id" },
	};
	const char *uses = nhg_yaml_str(nhg_yaml_map_get(st->node, "uses"));
	(void)def;
	if (!uses)
		return;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		const nhg_yaml_node *v;
		const char *s;
		if (!gh_action_is(uses, roles[i].action))
			continue;
		v = gh_input(st, roles[i].input, NULL);
		/* an expression is judged by what it names (secrets.X above) */
		if ((s = nhg_yaml_str(v)) != NULL && *s && !strstr(s, "${{"))
			record(x, s, strlen(s), v);
	}
}

/* ---- GitLab ---- */

typedef struct names {
	const char **v;
	size_t n, cap;
} names;

static bool names_has(const names *ns, const char *s, size_t len)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strlen(ns->v[i]) == len && !strncmp(ns->v[i], s, len))
			return true;
	return false;
}

/* The walkers' callbacks see only the pctx: it is the first member here. */
typedef struct gl_scan {
	pctx x;
	names defined;
	const nhg_check_def *def;   /* INV-001, for its name words; may be NULL */
} gl_scan;

/* The name words that make a variable credential-like (INV-001 param name_words). */
static bool credential_like(const nhg_check_def *def, const char *s, size_t len)
{
	static const char *const dflt[] = { "TOKEN", "PASSWORD", "PASSWD", "SECRET", "KEY",
					     "CREDENTIAL", "CREDENTIALS", "PAT", "APIKEY" };
	const nhg_yaml_node *words = def ? nhg_check_param(def, "name_words") : NULL;
	const char *w = s, *end = s + len;

	if ((len > 3 && !strncmp(s, "CI_", 3)) || (len > 7 && !strncmp(s, "GITLAB_", 7)))
		return false; /* predefined by GitLab */
	while (w < end) {
		const char *e = w;
		size_t wl;
		while (e < end && *e != '_')
			e++;
		wl = (size_t)(e - w);
		if (words && words->kind == NHG_YAML_SEQ) {
			for (size_t i = 0; i < words->n; i++)
				if (words->items[i]->kind == NHG_YAML_SCALAR &&
				    words->items[i]->len == wl && !strncasecmp(words->items[i]->str, w, wl))
					return true;
		} else {
			for (size_t i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
				if (strlen(dflt[i]) == wl && !strncasecmp(dflt[i], w, wl))
					return true;
		}
		w = e < end ? e + 1 : e;
	}
	return false;
}

static void define_all(gl_scan *g, const nhg_yaml_node *vars)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	if (!vars || vars->kind != NHG_YAML_MAP)
		return;
	while (nhg_yaml_map_next(vars, &it, &k, &v)) {
		if (k->kind != NHG_YAML_SCALAR)
			continue;
		if (g->defined.n == g->defined.cap) {
			size_t cap = g->defined.cap ? 2 * g->defined.cap : 32;
			const char **nv = realloc(g->defined.v, cap * sizeof(*nv));
			if (!nv) {
				g->x.rc = NHG_ENOMEM;
				return;
			}
			g->defined.v = nv;
			g->defined.cap = cap;
		}
		g->defined.v[g->defined.n++] = k->str;
	}
}

/* Every variables: written in any file, top level or under any job or template. */
static void gl_defined(gl_scan *g, const gl_model *m)
{
	for (size_t r = 0; r < m->nroots; r++) {
		const nhg_yaml_node *root = m->roots[r], *k, *v;
		size_t it = 0;
		if (!root || root->kind != NHG_YAML_MAP)
			continue;
		define_all(g, nhg_yaml_map_get(root, "variables"));
		while (nhg_yaml_map_next(root, &it, &k, &v))
			if (v->kind == NHG_YAML_MAP) {
				define_all(g, nhg_yaml_map_get(v, "variables"));
				/* tokens minted per job, not stored identities */
				define_all(g, nhg_yaml_map_get(v, "id_tokens"));
			}
	}
}

static void gl_script_refs(pctx *x, const nhg_check_def *def, const gl_job *job,
			   const nhg_yaml_node *line)
{
	gl_scan *g = (gl_scan *)x;   /* x is g->x, the first member */
	const char *p = line->str;
	(void)def;
	(void)job;
	if (line->kind != NHG_YAML_SCALAR)
		return;
	while ((p = strchr(p, '$')) != NULL) {
		const char *name, *e;
		if (p[1] == '$') {           /* $$ is a literal dollar in GitLab */
			p += 2;
			continue;
		}
		name = p + 1 + (p[1] == '{');
		for (e = name; ident_char((unsigned char)*e); e++)
			;
		if (ident_start((unsigned char)*name) &&
		    !names_has(&g->defined, name, (size_t)(e - name)) &&
		    credential_like(g->def, name, (size_t)(e - name)))
			record(x, name, (size_t)(e - name), line);
		p = e > name ? e : name;
	}
}

static void gl_job_uses(pctx *x, const gl_job *job)
{
	const nhg_yaml_node *ids = nhg_yaml_map_get(job->node, "id_tokens");
	const nhg_yaml_node *secrets = nhg_yaml_map_get(job->node, "secrets");
	const nhg_yaml_node *k, *v;
	size_t it = 0;

	if (ids && ids->kind == NHG_YAML_MAP) {
		while (nhg_yaml_map_next(ids, &it, &k, &v)) {
			const nhg_yaml_node *aud = v->kind == NHG_YAML_MAP ?
						   nhg_yaml_map_get(v, "aud") : NULL;
			if (aud && aud->kind == NHG_YAML_SCALAR)
				record(x, aud->str, aud->len, aud);
			else if (aud && aud->kind == NHG_YAML_SEQ)
				for (size_t i = 0; i < aud->n; i++)
					if (aud->items[i]->kind == NHG_YAML_SCALAR)
						record(x, aud->items[i]->str, aud->items[i]->len,
						       aud->items[i]);
		}
	}
	it = 0;
	if (secrets && secrets->kind == NHG_YAML_MAP)
		while (nhg_yaml_map_next(secrets, &it, &k, &v))
			if (k->kind == NHG_YAML_SCALAR)
				record(x, k->str, k->len, k);
}

static void gl_collect(pctx *x)
{
	const gl_model *m = x->model;
	gl_scan g;

	memset(&g, 0, sizeof(g));
	g.x = *x;
	g.def = nhg_catalogue_find(x->cat, "INV-001");
	gl_defined(&g, m);
	for (size_t j = 0; j < m->njobs && !g.x.rc; j++) {
		if (m->jobs[j].hidden)
			continue;
		gl_job_uses(&g.x, &m->jobs[j]);
		gl_each_script(&g.x, g.def, &m->jobs[j], gl_script_refs);
	}
	x->rc = g.x.rc;
	free(g.defined.v);
}

void nhg_uses__collect(pctx *x, nhg_platform p)
{
	if (!x->out->uses || x->rc)
		return;
	if (p == NHG_PLATFORM_GITLAB) {
		if (x->model)
			gl_collect(x);
		return;
	}
	gh_each_scalar(x, NULL, gh_secret_refs);
	gh_each_step(x, NULL, gh_role_inputs);
}
