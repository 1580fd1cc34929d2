#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pipeline/gh_model.h"

bool gh_has_trigger(const nhg_yaml_node *root, const char *event)
{
	const nhg_yaml_node *on = nhg_yaml_map_get(root, "on");
	if (!on)
		return false;
	if (on->kind == NHG_YAML_SCALAR)
		return nhg_yaml_is(on, event);
	if (on->kind == NHG_YAML_SEQ) {
		for (size_t i = 0; i < on->n; i++)
			if (nhg_yaml_is(on->items[i], event))
				return true;
		return false;
	}
	return nhg_yaml_map_get(on, event) != NULL;
}

bool gh_has_trigger_in(const nhg_yaml_node *root, const nhg_check_def *def, const char *name)
{
	const nhg_yaml_node *l = nhg_check_param(def, name);
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (l->items[i]->kind == NHG_YAML_SCALAR && gh_has_trigger(root, l->items[i]->str))
			return true;
	return false;
}

void gh_each_job(pctx *x, const nhg_check_def *def,
		 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *key,
			    const char *job, const nhg_yaml_node *jobnode))
{
	const nhg_yaml_node *jobs = nhg_yaml_map_get(x->root, "jobs"), *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(jobs, &it, &k, &v))
		if (k->kind == NHG_YAML_SCALAR && v->kind == NHG_YAML_MAP)
			fn(x, def, k, k->str, v);
}

bool gh_step_at(gh_step *st, const nhg_yaml_node *steps, size_t i, const char *job,
		const nhg_yaml_node *jobnode)
{
	const nhg_yaml_node *s, *name;
	if (!steps || steps->kind != NHG_YAML_SEQ || i >= steps->n ||
	    steps->items[i]->kind != NHG_YAML_MAP)
		return false;
	s = steps->items[i];
	st->node = s;
	st->job = job;
	st->jobnode = jobnode;
	name = nhg_yaml_map_get(s, "name");
	if (!name || name->kind != NHG_YAML_SCALAR)
		name = nhg_yaml_map_get(s, "id");
	if (name && name->kind == NHG_YAML_SCALAR)
		snprintf(st->label, sizeof(st->label), "%s", name->str);
	else
		snprintf(st->label, sizeof(st->label), "#%zu", i + 1);
	return true;
}

static void steps_of(pctx *x, const nhg_check_def *def, const nhg_yaml_node *steps,
		     const char *job, const nhg_yaml_node *jobnode,
		     void (*fn)(pctx *, const nhg_check_def *, const gh_step *))
{
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++) {
		gh_step st;
		if (gh_step_at(&st, steps, i, job, jobnode))
			fn(x, def, &st);
	}
}

void gh_each_job_step(pctx *x, const nhg_check_def *def, const char *job,
		      const nhg_yaml_node *jobnode,
		      void (*fn)(pctx *, const nhg_check_def *, const gh_step *))
{
	steps_of(x, def, nhg_yaml_map_get(jobnode, "steps"), job, jobnode, fn);
}

void gh_each_step(pctx *x, const nhg_check_def *def,
		  void (*fn)(pctx *, const nhg_check_def *, const gh_step *))
{
	const nhg_yaml_node *jobs = nhg_yaml_map_get(x->root, "jobs"), *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(jobs, &it, &k, &v))
		if (k->kind == NHG_YAML_SCALAR && v->kind == NHG_YAML_MAP)
			steps_of(x, def, nhg_yaml_map_get(v, "steps"), k->str, v, fn);
	/* a composite action (action.yml) */
	steps_of(x, def, nhg_yaml_map_get(nhg_yaml_map_get(x->root, "runs"), "steps"), NULL,
		 NULL, fn);
}

static void env_of(pctx *x, const nhg_check_def *def, const nhg_yaml_node *owner,
		   const char *job, const char *step,
		   void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *, const char *,
			      const char *))
{
	const nhg_yaml_node *env = nhg_yaml_map_get(owner, "env");
	if (env && env->kind == NHG_YAML_MAP)
		fn(x, def, env, job, step);
}

static void env_of_steps(pctx *x, const nhg_check_def *def, const nhg_yaml_node *steps,
			 const char *job,
			 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *,
				    const char *, const char *))
{
	for (size_t i = 0; steps && steps->kind == NHG_YAML_SEQ && i < steps->n; i++) {
		char label[32];
		snprintf(label, sizeof(label), "#%zu", i + 1);
		env_of(x, def, steps->items[i], job, label, fn);
	}
}

void gh_each_env(pctx *x, const nhg_check_def *def,
		 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *env,
			    const char *job, const char *step))
{
	const nhg_yaml_node *jobs = nhg_yaml_map_get(x->root, "jobs"), *k, *v;
	size_t it = 0;
	env_of(x, def, x->root, NULL, NULL, fn);
	while (nhg_yaml_map_next(jobs, &it, &k, &v)) {
		if (k->kind != NHG_YAML_SCALAR || v->kind != NHG_YAML_MAP)
			continue;
		env_of(x, def, v, k->str, NULL, fn);
		env_of_steps(x, def, nhg_yaml_map_get(v, "steps"), k->str, fn);
	}
	env_of_steps(x, def, nhg_yaml_map_get(nhg_yaml_map_get(x->root, "runs"), "steps"), NULL,
		     fn);
}

/* Nodes already walked: an open-addressing set of pointers. */
typedef struct seen_set {
	const void **v;
	size_t cap, n;
} seen_set;

/* 1 when p is new, 0 when already seen, -1 when out of memory. */
static int seen_add(seen_set *s, const void *p)
{
	size_t i;
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		const void **nv = calloc(cap, sizeof(*nv));
		if (!nv)
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->v[j])
				continue;
			for (i = ((uintptr_t)s->v[j] >> 4) & (cap - 1); nv[i]; i = (i + 1) & (cap - 1))
				;
			nv[i] = s->v[j];
		}
		free(s->v);
		s->v = nv;
		s->cap = cap;
	}
	for (i = ((uintptr_t)p >> 4) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == p)
			return 0;
	s->v[i] = p;
	s->n++;
	return 1;
}

static void walk(pctx *x, const nhg_check_def *def, const nhg_yaml_node *n, seen_set *seen,
		 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *))
{
	int fresh;
	/* collections are visited once, so an alias costs nothing a second time */
	if (!n || x->rc)
		return;
	if (n->kind != NHG_YAML_SCALAR && (fresh = seen_add(seen, n)) <= 0) {
		if (fresh < 0)
			x->rc = NHG_ENOMEM;
		return;
	}
	if (n->kind == NHG_YAML_SCALAR) {
		fn(x, def, n);
		return;
	}
	for (size_t i = 0; i < (n->kind == NHG_YAML_MAP ? 2 * n->n : n->n); i++)
		walk(x, def, n->items[i], seen, fn);
}

void gh_each_scalar(pctx *x, const nhg_check_def *def,
		    void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *s))
{
	seen_set seen = { NULL, 0, 0 };
	walk(x, def, x->root, &seen, fn);
	free(seen.v);
}

bool gh_uses_remote(const char *uses)
{
	return strncmp(uses, "./", 2) && strncmp(uses, "docker://", 9) && strchr(uses, '/');
}

bool gh_uses_pinned(const char *uses)
{
	const char *at = strrchr(uses, '@');
	if (!at || strlen(at + 1) != 40)
		return false;
	return strspn(at + 1, "0123456789abcdef") == 40;
}



bool gh_owner_trusted(const nhg_check_def *def, const char *uses)
{
	const nhg_yaml_node *l = nhg_check_param(def, "trusted_owners");
	size_t n = strcspn(uses, "/");
	for (size_t i = 0; l && l->kind == NHG_YAML_SEQ && i < l->n; i++) {
		const char *o = nhg_yaml_str(l->items[i]);
		if (o && strlen(o) == n && !strncasecmp(o, uses, n))
			return true;
	}
	return false;
}

bool gh_action_is(const char *uses, const char *pattern)
{
	size_t name = strcspn(uses, "@"), owner = strcspn(pattern, "/"), plen = strlen(pattern);
	if (owner >= plen || owner >= name || uses[owner] != '/' || strncasecmp(uses, pattern, owner))
		return false;
	if (!strcmp(pattern + owner, "/*"))
		return true;
	/* owner/repo itself, or a sub-action below it */
	return name >= plen && !strncasecmp(uses, pattern, plen) &&
	       (name == plen || uses[plen] == '/');
}

const char *gh_step_action_in(const gh_step *st, const nhg_check_def *def, const char *name)
{
	const char *uses = nhg_yaml_str(nhg_yaml_map_get(st->node, "uses"));
	const nhg_yaml_node *l = nhg_check_param(def, name);
	for (size_t i = 0; uses && l && l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_str(l->items[i]) && gh_action_is(uses, l->items[i]->str))
			return l->items[i]->str;
	return NULL;
}

const nhg_yaml_node *gh_input(const gh_step *st, const char *name, const nhg_yaml_node **key)
{
	const nhg_yaml_node *with = nhg_yaml_map_get(st->node, "with"), *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(with, &it, &k, &v))
		if (nhg_yaml_str(k) && !strcasecmp(k->str, name)) {
			if (key)
				*key = k;
			return v;
		}
	return NULL;
}

bool gh_job_id_token(const nhg_yaml_node *root, const nhg_yaml_node *jobnode,
		     const nhg_yaml_node **at)
{
	const nhg_yaml_node *perms = nhg_yaml_map_get(jobnode, "permissions");
	*at = NULL;
	if (perms) {
		*at = nhg_yaml_map_key(perms, "id-token");
		return nhg_yaml_is(nhg_yaml_map_get(perms, "id-token"), "write");
	}
	/* no job-level block: the workflow's permissions apply */
	return nhg_yaml_is(nhg_yaml_map_get(nhg_yaml_map_get(root, "permissions"), "id-token"),
			   "write");
}
