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
	const char *uses = gh_scalar(nhg_yaml_map_get(st->node, "uses"));
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
		if ((s = gh_scalar(v)) != NULL && *s && !strstr(s, "${{"))
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

typedef struct gl_scan {
	names defined;
	const nhg_check_def *def;   /* INV-001, for the name words; may be NULL */
} gl_scan;

static gl_scan *scan_of(pctx *x)
{
	return ((gl_scan **)x->out->uses)[0] ? NULL : NULL;
}

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
