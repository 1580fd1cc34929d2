/*
 * The check catalogue: definitions read from the YAML files of rules/pipeline/, held
 * against the checks the library implements (an undefined check or a
 * definition of an unknown id is an error, so the two cannot drift apart).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/dir.h"
#include "pipeline/internal.h"

#define MAX_CATALOGUE_FILE (4u << 20)

struct nhg_catalogue {
	nhg_check_def *v;
	size_t n, cap;
	nhg_yaml_doc **docs;       /* definitions point into these */
	size_t ndocs, capdocs;
	char **files;
	size_t nfiles, capfiles;
	nhg_sha256_ctx *hash;      /* over each file's name and bytes, while loading */
	char sha256[NHG_SHA256_HEXLEN + 1];
};

const char *nhg_platform_name(nhg_platform p)
{
	return p == NHG_PLATFORM_GITHUB ? "github" : p == NHG_PLATFORM_GITLAB ? "gitlab" :
	       p == NHG_PLATFORM_ANY ? "any" : "unknown";
}

static int bad(const char *file, const nhg_yaml_node *n, nhg_error *err, const char *fmt,
	       const char *arg)
{
	return nhg_error_at(err, NHG_EINPUT, file, n ? n->line : 0, n ? n->column : 0, fmt, arg);
}

static int def_field(nhg_check_def *d, const char *file, const nhg_yaml_node *k,
		     const nhg_yaml_node *v, nhg_error *err)
{
	const char *key = nhg_yaml_str(k) ? k->str : "?";
	if (!strcmp(key, "params")) {
		if (v->kind != NHG_YAML_MAP)
			return bad(file, v, err, "%s", "'params' must be a mapping");
		d->params = v;
		return 0;
	}
	if (!strcmp(key, "controls")) {
		if (v->kind != NHG_YAML_SEQ)
			return bad(file, v, err, "%s", "'controls' must be a list");
		/* the list's strings live in the document; keep an array of pointers */
		d->controls.v = calloc(v->n ? v->n : 1, sizeof(char *));
		if (!d->controls.v)
			return nhg_error_set(err, NHG_ENOMEM, "out of memory");
		for (size_t i = 0; i < v->n; i++) {
			if (!nhg_yaml_str(v->items[i]))
				return bad(file, v->items[i], err, "%s", "a control must be a string");
			d->controls.v[d->controls.n++] = v->items[i]->str;
		}
		return 0;
	}
	if (v->kind != NHG_YAML_SCALAR)
		return bad(file, v, err, "'%s' must be a scalar", key);
	if (!strcmp(key, "id"))
		d->id = v->str;
	else if (!strcmp(key, "title"))
		d->title = v->str;
	else if (!strcmp(key, "rationale"))
		d->rationale = v->str;
	else if (!strcmp(key, "fix"))
		d->fix = v->str;
	else if (!strcmp(key, "platform")) {
		d->platform = !strcmp(v->str, "github") ? NHG_PLATFORM_GITHUB :
			      !strcmp(v->str, "gitlab") ? NHG_PLATFORM_GITLAB :
			      !strcmp(v->str, "any") ? NHG_PLATFORM_ANY : NHG_PLATFORM_UNKNOWN;
		if (!d->platform)
			return bad(file, v, err, "unknown platform '%s' (github, gitlab, any)", v->str);
	} else if (!strcmp(key, "severity")) {
		if (nhg_severity_parse(&d->severity, v->str))
			return bad(file, v, err, "unknown severity '%s'", v->str);
	} else if (!strcmp(key, "enabled")) {
		if (!nhg_yaml_is(v, "true") && !nhg_yaml_is(v, "false"))
			return bad(file, v, err, "%s", "'enabled' must be true or false");
		d->enabled = nhg_yaml_is(v, "true");
	} else
		return bad(file, k, err, "unknown key '%s' in check", key);
	return 0;
}

static const check_impl *impl_of(const char *id)
{
	for (const check_impl *c = nhg_pipeline__checks; c->id; c++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

static int add_def(nhg_catalogue *cat, const char *file, const nhg_yaml_node *node,
		   nhg_error *err)
{
	static const char *const required[] = { "id", "platform", "title", "severity",
						"rationale", "fix", "controls" };
	nhg_check_def d;
	const nhg_yaml_node *k, *v;
	const check_impl *impl;
	size_t it = 0;
	int rc;

	if (node->kind != NHG_YAML_MAP)
		return bad(file, node, err, "%s", "a check must be a mapping");
	memset(&d, 0, sizeof(d));
	d.enabled = true;
	d.file = file;
	d.line = node->line;
	d.column = node->column;
	while (nhg_yaml_map_next(node, &it, &k, &v))
		if ((rc = def_field(&d, file, k, v, err)) != 0) {
			free(d.controls.v);
			return rc;
		}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!nhg_yaml_map_get(node, required[i])) {
			free(d.controls.v);
			return bad(file, node, err, "check is missing '%s'", required[i]);
		}
	if (!(impl = impl_of(d.id)) || impl->platform != d.platform) {
		free(d.controls.v);
		return bad(file, nhg_yaml_map_get(node, "id"), err,
			   "'%s' is not a check of that platform that nhigate implements", d.id);
	}
	if (nhg_catalogue_find(cat, d.id)) {
		free(d.controls.v);
		return bad(file, nhg_yaml_map_get(node, "id"), err, "check '%s' defined twice", d.id);
	}
	if (NHG_ARRAY_RESERVE(cat->v, cat->n, cat->cap, 32)) {
		free(d.controls.v);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	cat->v[cat->n++] = d;
	return 0;
}

const char *nhg_catalogue_sha256(const nhg_catalogue *cat)
{
	return cat->sha256;
}

static int load_file(nhg_catalogue *cat, const char *path, nhg_error *err)
{
	nhg_buf text = NHG_BUF_INIT(MAX_CATALOGUE_FILE);
	nhg_yaml_doc *doc = NULL;
	const nhg_yaml_node *root, *k, *v;
	const char *base;
	char *file;
	size_t it = 0;
	int rc;

	if (NHG_ARRAY_RESERVE(cat->files, cat->nfiles, cat->capfiles, 8) ||
	    NHG_ARRAY_RESERVE(cat->docs, cat->ndocs, cat->capdocs, 8) ||
	    !(file = strdup(path)))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	cat->files[cat->nfiles++] = file;
	if ((rc = nhg_yaml_load_file(&doc, path, MAX_CATALOGUE_FILE, &text, err)) != 0)
		goto out;
	cat->docs[cat->ndocs++] = doc;
	/* the file's name, not where it is installed, as for rule packs */
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	nhg_sha256_update(cat->hash, base, strlen(base) + 1);
	nhg_sha256_update(cat->hash, text.ptr, text.len);
	root = nhg_yaml_doc_root(doc, 0);
	if (!root || root->kind != NHG_YAML_MAP) {
		rc = bad(file, root, err, "%s", "a check file must be a mapping with 'checks:'");
		goto out;
	}
	/* a secrets rule file given with --rules holds no checks: not ours */
	if (!nhg_yaml_map_get(root, "checks") && (nhg_yaml_map_get(root, "rules") ||
						   nhg_yaml_map_get(root, "allow")))
		goto out;
	while (!rc && nhg_yaml_map_next(root, &it, &k, &v)) {
		if (!nhg_yaml_is(k, "checks")) {
			rc = bad(file, k, err, "unknown key '%s' (checks)", nhg_yaml_str(k) ? k->str : "?");
		} else if (v->kind != NHG_YAML_SEQ) {
			rc = bad(file, v, err, "%s", "'checks' must be a list");
		} else {
			for (size_t i = 0; i < v->n && !rc; i++)
				rc = add_def(cat, file, v->items[i], err);
		}
	}
out:
	nhg_buf_free(&text);
	return rc;
}

static int load_dir(nhg_catalogue *cat, const char *dir, nhg_error *err)
{
	char **names;
	size_t n;
	int rc = nhg_dir_yaml_files(&names, &n, dir, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = load_file(cat, names[i], err);
	nhg_dir_free(names, n);
	return rc;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int nhg_catalogue_complete(const nhg_catalogue *cat, nhg_error *err)
{
	for (const check_impl *c = nhg_pipeline__checks; c->id; c++)
		if (!nhg_catalogue_find(cat, c->id))
			return nhg_error_set(err, NHG_EINPUT,
					     "no definition for pipeline check %s in the rule packs",
					     c->id);
	return 0;
}

int nhg_catalogue_load(nhg_catalogue **out, const char *const *paths, size_t npaths,
		       nhg_error *err)
{
	nhg_catalogue *cat = calloc(1, sizeof(*cat));
	int rc = 0;

	if (!cat || !(cat->hash = nhg_sha256_new())) {
		free(cat);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < npaths && !rc; i++) {
		if (is_dir(paths[i])) {
			/* a rules root: its pipeline/ part, nothing if it has only secrets/ */
			nhg_buf sub = NHG_BUF_INIT(4096);
			if (nhg_buf_printf(&sub, "%s/pipeline", paths[i]))
				rc = nhg_error_set(err, NHG_ELIMIT, "path too long");
			else if (is_dir(sub.ptr))
				rc = load_dir(cat, sub.ptr, err);
			else {
				nhg_buf_clear(&sub);
				if (nhg_buf_printf(&sub, "%s/secrets", paths[i]) == 0 && !is_dir(sub.ptr))
					rc = load_dir(cat, paths[i], err);
			}
			nhg_buf_free(&sub);
		} else {
			rc = load_file(cat, paths[i], err);
		}
	}
	nhg_sha256_final_hex(cat->hash, cat->sha256);
	cat->hash = NULL;
	if (rc) {
		nhg_catalogue_free(cat);
		return rc;
	}
	*out = cat;
	return 0;
}

void nhg_catalogue_free(nhg_catalogue *cat)
{
	if (!cat)
		return;
	for (size_t i = 0; i < cat->n; i++)
		free(cat->v[i].controls.v);
	for (size_t i = 0; i < cat->ndocs; i++)
		nhg_yaml_free(cat->docs[i]);
	for (size_t i = 0; i < cat->nfiles; i++)
		free(cat->files[i]);
	free(cat->v);
	free(cat->docs);
	free(cat->files);
	free(cat);
}

size_t nhg_catalogue_count(const nhg_catalogue *cat)
{
	return cat->n;
}

const nhg_check_def *nhg_catalogue_check(const nhg_catalogue *cat, size_t i)
{
	return i < cat->n ? &cat->v[i] : NULL;
}

const nhg_check_def *nhg_catalogue_find(const nhg_catalogue *cat, const char *id)
{
	for (size_t i = 0; i < cat->n; i++)
		if (!strcmp(cat->v[i].id, id))
			return &cat->v[i];
	return NULL;
}

const nhg_yaml_node *nhg_check_param(const nhg_check_def *c, const char *name)
{
	const nhg_yaml_node *v = c->override_params ? nhg_yaml_map_get(c->override_params, name)
						    : NULL;
	return v ? v : c->params ? nhg_yaml_map_get(c->params, name) : NULL;
}

int nhg_catalogue_override(nhg_catalogue *cat, const nhg_yaml_node *checks, const char *file,
			   nhg_error *err)
{
	const nhg_yaml_node *id, *set, *k, *v;
	size_t it = 0;

	while (nhg_yaml_map_next(checks, &it, &id, &set)) {
		nhg_check_def *d = NULL;
		size_t jt = 0;
		for (size_t i = 0; nhg_yaml_str(id) && i < cat->n; i++)
			if (!strcmp(cat->v[i].id, id->str))
				d = &cat->v[i];
		if (!d)
			return bad(file, id, err, "unknown check '%s'", nhg_yaml_str(id) ? id->str : "?");
		if (set->kind != NHG_YAML_MAP)
			return bad(file, set, err, "settings of %s must be a mapping", d->id);
		while (nhg_yaml_map_next(set, &jt, &k, &v)) {
			if (nhg_yaml_is(k, "enabled")) {
				if (!nhg_yaml_is(v, "true") && !nhg_yaml_is(v, "false"))
					return bad(file, v, err, "%s", "'enabled' must be true or false");
				d->enabled = nhg_yaml_is(v, "true");
			} else if (nhg_yaml_is(k, "severity")) {
				if (!nhg_yaml_str(v) || nhg_severity_parse(&d->severity, v->str))
					return bad(file, v, err, "unknown severity '%s'",
						   nhg_yaml_str(v) ? v->str : "?");
			} else if (nhg_yaml_is(k, "params")) {
				const nhg_yaml_node *pk, *pv;
				size_t pt = 0;
				if (v->kind != NHG_YAML_MAP)
					return bad(file, v, err, "%s", "'params' must be a mapping");
				/* only parameters the check has: a typo must not pass silently */
				while (nhg_yaml_map_next(v, &pt, &pk, &pv))
					if (!nhg_yaml_str(pk) || !d->params || !nhg_yaml_map_get(d->params, pk->str))
						return bad(file, pk, err, "check has no parameter '%s'",
							   nhg_yaml_str(pk) ? pk->str : "?");
				d->override_params = v;
			} else {
				return bad(file, k, err, "unknown key '%s' (enabled, severity, params)",
					   nhg_yaml_str(k) ? k->str : "?");
			}
		}
	}
	return 0;
}

bool nhg_param_has(const nhg_check_def *def, const char *name, const char *s)
{
	const nhg_yaml_node *l = nhg_check_param(def, name);
	if (!l)
		return false;
	if (l->kind == NHG_YAML_SCALAR)
		return nhg_yaml_is(l, s);
	for (size_t i = 0; l->kind == NHG_YAML_SEQ && i < l->n; i++)
		if (nhg_yaml_is(l->items[i], s))
			return true;
	return false;
}
