/* GitLab CI model: includes, extends, !reference, default:, inheritance. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/buf.h"
#include "pipeline/gl_model.h"

#define GL_MAX_INCLUDE_SIZE (4u << 20)

/* Node -> file index: an open-addressing map of pointers. */
typedef struct ptrmap {
	const void **k;
	size_t *v;
	size_t cap, n;
} ptrmap;

/* A node or item array the model made (merged mappings, resolved sequences). */
typedef struct made {
	struct made *next;
	nhg_yaml_node node;
	nhg_yaml_node *items[];
} made;

typedef struct gl_impl {
	char **paths;               /* [0] is the main file's path */
	nhg_yaml_doc **docs;        /* parsed includes ([0] unused) */
	size_t nfiles;
	ptrmap where;               /* nodes of included files and made nodes */
	ptrmap resolved;            /* node -> the node !reference resolution made of it */
	made *made;
	size_t work;                /* merge and resolution steps, bounded */
	int rc;
} gl_impl;

/*
 * Aliases let a small file describe a huge tree; merging and resolving are
 * bounded in steps, and a pipeline beyond the bound is refused (NHG_ELIMIT),
 * never half-resolved.
 */
#define GL_MAX_WORK 2000000

static bool spend(gl_impl *g)
{
	if (!g->rc && ++g->work > GL_MAX_WORK)
		g->rc = NHG_ELIMIT;
	return !g->rc;
}

static const char *const keywords[] = {
	"default", "include", "stages", "variables", "workflow", "image", "services",
	"before_script", "after_script", "cache", "spec", NULL
};

/* Keywords default: hands to jobs that lack them (GitLab CI YAML reference). */
static const char *const default_keys[] = {
	"after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens",
	"image", "interruptible", "retry", "services", "tags", "timeout", NULL
};

/* Legacy global keywords that act as defaults. */
static const char *const global_defaults[] = {
	"image", "services", "before_script", "after_script", "cache", NULL
};

bool gl_is_keyword(const char *key)
{
	for (size_t i = 0; keywords[i]; i++)
		if (!strcmp(key, keywords[i]))
			return true;
	return false;
}

static bool in_list(const char *const *l, const char *s)
{
	for (size_t i = 0; l[i]; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}



/* --- node -> file ---------------------------------------------------------- */

static size_t slot(const ptrmap *m, const void *p)
{
	size_t i = ((uintptr_t)p >> 4) & (m->cap - 1);
	while (m->k[i] && m->k[i] != p)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* 1 when added, 0 when present, -1 out of memory. */
static int map_put(ptrmap *m, const void *p, size_t v)
{
	size_t i;
	if (2 * (m->n + 1) > m->cap) {
		ptrmap g = { NULL, NULL, m->cap ? m->cap * 2 : 256, 0 };
		g.k = calloc(g.cap, sizeof(*g.k));
		g.v = calloc(g.cap, sizeof(*g.v));
		if (!g.k || !g.v) {
			free(g.k);
			free(g.v);
			return -1;
		}
		for (size_t j = 0; j < m->cap; j++)
			if (m->k[j]) {
				i = slot(&g, m->k[j]);
				g.k[i] = m->k[j];
				g.v[i] = m->v[j];
				g.n++;
			}
		free(m->k);
		free(m->v);
		*m = g;
	}
	i = slot(m, p);
	if (m->k[i])
		return 0;
	m->k[i] = p;
	m->v[i] = v;
	m->n++;
	return 1;
}

static bool map_get(const ptrmap *m, const void *p, size_t *v)
{
	size_t i;
	if (!m->cap)
		return false;
	i = slot(m, p);
	if (!m->k[i])
		return false;
	*v = m->v[i];
	return true;
}

static void mark_file(gl_impl *g, const nhg_yaml_node *n, size_t file)
{
	int r;
	if (!n || g->rc)
		return;
	if ((r = map_put(&g->where, n, file)) <= 0) {
		if (r < 0)
			g->rc = NHG_ENOMEM;
		return; /* an alias already walked */
	}
	if (n->kind != NHG_YAML_SCALAR)
		for (size_t i = 0; i < (n->kind == NHG_YAML_MAP ? 2 * n->n : n->n); i++)
			mark_file(g, n->items[i], file);
}

static size_t file_of(const gl_impl *g, const nhg_yaml_node *n)
{
	size_t v;
	return map_get(&g->where, n, &v) ? v : 0;
}

const char *gl_model_path_of(const pctx *x, const nhg_yaml_node *node)
{
	const gl_model *m = x->model;
	if (!m || !node)
		return x->path;
	return m->impl->paths[file_of(m->impl, node)];
}

/* --- made nodes -------------------------------------------------------------- */

/* A new collection of kind with room for n items, positioned like at. */
static nhg_yaml_node *make(gl_impl *g, nhg_yaml_kind kind, size_t n, const nhg_yaml_node *at)
{
	made *d;
	if (g->rc)
		return NULL;
	if (!(d = calloc(1, sizeof(*d) + (n ? n : 1) * sizeof(nhg_yaml_node *)))) {
		g->rc = NHG_ENOMEM;
		return NULL;
	}
	d->next = g->made;
	g->made = d;
	d->node.kind = kind;
	d->node.line = at->line;
	d->node.column = at->column;
	d->node.items = d->items;
	d->node.n = 0;
	if (map_put(&g->where, &d->node, file_of(g, at)) < 0)
		g->rc = NHG_ENOMEM;
	return &d->node;
}

static size_t pairs(const nhg_yaml_node *map)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0, n = 0;
	while (nhg_yaml_map_next(map, &it, &k, &v))
		n++;
	return n;
}

/* Deep merge: over's keys win; mappings present on both sides are merged. */
static const nhg_yaml_node *merge(gl_impl *g, const nhg_yaml_node *base,
				  const nhg_yaml_node *over, size_t depth)
{
	const nhg_yaml_node *k, *v, *bv;
	nhg_yaml_node *m;
	size_t it = 0;
	if (!base || !over || base == over || base->kind != NHG_YAML_MAP ||
	    over->kind != NHG_YAML_MAP || depth > 64 || !spend(g))
		return over ? over : base;
	if (!(m = make(g, NHG_YAML_MAP, 2 * (pairs(base) + pairs(over)), over)))
		return over;
	while (nhg_yaml_map_next(base, &it, &k, &v))
		if (!k->str || !nhg_yaml_map_get(over, k->str)) {
			m->items[2 * m->n] = (nhg_yaml_node *)k;
			m->items[2 * m->n + 1] = (nhg_yaml_node *)v;
			m->n++;
		}
	it = 0;
	while (nhg_yaml_map_next(over, &it, &k, &v)) {
		bv = k->str ? nhg_yaml_map_get(base, k->str) : NULL;
		m->items[2 * m->n] = (nhg_yaml_node *)k;
		m->items[2 * m->n + 1] = (nhg_yaml_node *)(bv ? merge(g, bv, v, depth + 1) : v);
		m->n++;
	}
	return m;
}

/* A mapping made of map's pairs with key (an existing key node) set to value. */
static const nhg_yaml_node *with_key(gl_impl *g, const nhg_yaml_node *map,
				     const nhg_yaml_node *key, const nhg_yaml_node *value)
{
	const nhg_yaml_node *k, *v;
	nhg_yaml_node *m;
	size_t it = 0;
	if (!(m = make(g, NHG_YAML_MAP, 2 * (pairs(map) + 1), map)))
		return map;
	while (nhg_yaml_map_next(map, &it, &k, &v))
		if (!nhg_yaml_is(k, key->str)) {
			m->items[2 * m->n] = (nhg_yaml_node *)k;
			m->items[2 * m->n + 1] = (nhg_yaml_node *)v;
			m->n++;
		}
	m->items[2 * m->n] = (nhg_yaml_node *)key;
	m->items[2 * m->n + 1] = (nhg_yaml_node *)value;
	m->n++;
	return m;
}

/* --- !reference -------------------------------------------------------------- */

static const nhg_yaml_node *resolve_refs(gl_impl *g, const nhg_yaml_node *root,
					 const nhg_yaml_node *n, size_t depth);

static bool is_reference(const nhg_yaml_node *n)
{
	return n && n->tag && !strcmp(n->tag, "!reference") && n->kind == NHG_YAML_SEQ &&
	       n->n >= 1;
}

/* The node a !reference [job, key, ...] names, or NULL. */
static const nhg_yaml_node *deref(gl_impl *g, const nhg_yaml_node *root,
				  const nhg_yaml_node *ref, size_t depth)
{
	const nhg_yaml_node *t = root;
	for (size_t i = 0; t && i < ref->n; i++)
		t = nhg_yaml_str(ref->items[i]) ? nhg_yaml_map_get(t, ref->items[i]->str) : NULL;
	return t ? resolve_refs(g, root, t, depth + 1) : NULL;
}

/*
 * n with every !reference replaced by what it names; n itself when it holds
 * none.  A reference in a sequence that names a sequence is spliced into it,
 * as GitLab does for script lines.
 */
static const nhg_yaml_node *resolve_refs(gl_impl *g, const nhg_yaml_node *root,
					 const nhg_yaml_node *n, size_t depth)
{
	const nhg_yaml_node **tmp;
	nhg_yaml_node *m;
	bool changed = false;
	size_t cnt, total = 0;

	size_t memo;
	if (!n || n->kind == NHG_YAML_SCALAR || depth > GL_MAX_REFERENCE_DEPTH || !spend(g))
		return n;
	if (map_get(&g->resolved, n, &memo))
		return (const nhg_yaml_node *)(uintptr_t)memo;
	if (is_reference(n)) {
		const nhg_yaml_node *t = deref(g, root, n, depth);
		return t ? t : n;
	}
	cnt = n->kind == NHG_YAML_MAP ? 2 * n->n : n->n;
	if (!(tmp = calloc(cnt ? cnt : 1, sizeof(*tmp)))) {
		g->rc = NHG_ENOMEM;
		return n;
	}
	for (size_t i = 0; i < cnt; i++) {
		tmp[i] = resolve_refs(g, root, n->items[i], depth + 1);
		if (tmp[i] != n->items[i])
			changed = true;
		total += n->kind == NHG_YAML_SEQ && is_reference(n->items[i]) &&
				 tmp[i]->kind == NHG_YAML_SEQ ? tmp[i]->n : 1;
	}
	if (!changed || !(m = make(g, n->kind, total, n))) {
		free(tmp);
		if (!g->rc && map_put(&g->resolved, n, (uintptr_t)n) < 0)
			g->rc = NHG_ENOMEM;
		return n;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (n->kind == NHG_YAML_SEQ && is_reference(n->items[i]) &&
		    tmp[i]->kind == NHG_YAML_SEQ) {
			for (size_t j = 0; j < tmp[i]->n; j++)
				m->items[m->n++] = tmp[i]->items[j];
			continue;
		}
		m->items[n->kind == NHG_YAML_MAP ? i : m->n] = (nhg_yaml_node *)tmp[i];
		if (n->kind == NHG_YAML_SEQ)
			m->n++;
	}
	if (n->kind == NHG_YAML_MAP)
		m->n = n->n;
	free(tmp);
	if (map_put(&g->resolved, n, (uintptr_t)m) < 0)
		g->rc = NHG_ENOMEM;
	return m;
}

/* --- includes ---------------------------------------------------------------- */

typedef struct build {
	gl_impl *g;
	gl_model *m;
	const char *repo_root;
	const nhg_yaml_node **files; /* roots to merge, in include order */
	size_t nfiles, capfiles;
} build;

static int push(void *arrp, size_t *n, size_t *cap, size_t size)
{
	void **arr = arrp;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		void *p = realloc(*arr, c * size);
		if (!p)
			return -1;
		*arr = p;
		*cap = c;
	}
	return 0;
}

static void load_includes(build *b, const nhg_yaml_node *root, size_t depth);

/* Read the local file named by rel below the repository root and merge it in. */
static bool load_local(build *b, const char *rel, size_t depth)
{
	gl_impl *g = b->g;
	nhg_buf path = NHG_BUF_INIT(4096), data = NHG_BUF_INIT(GL_MAX_INCLUDE_SIZE);
	nhg_error err = NHG_ERROR_INIT;
	nhg_yaml_doc *doc = NULL;
	nhg_yaml_limits lim = NHG_YAML_LIMITS_INIT;
	const nhg_yaml_node *r = NULL;
	struct stat st;
	bool ok = false;
	void *p;
	int rc;

	lim.last_key_wins = true;
	while (*rel == '/')
		rel++;
	/* no globs, no climbing out of the repository, bounded */
	if (!b->repo_root || !*rel || strpbrk(rel, "*?$[") || strstr(rel, "..") ||
	    g->nfiles >= GL_MAX_INCLUDE_FILES || depth >= GL_MAX_INCLUDE_DEPTH)
		return false;
	if (strcmp(b->repo_root, "") && strcmp(b->repo_root, "."))
		nhg_buf_printf(&path, "%s%s", b->repo_root,
			       b->repo_root[strlen(b->repo_root) - 1] == '/' ? "" : "/");
	if (nhg_buf_puts(&path, rel))
		goto done;
	for (size_t i = 0; i < g->nfiles; i++)
		if (!strcmp(g->paths[i], path.ptr))
			goto done; /* included already (GitLab refuses that too) */
	/* a regular file, not a link that could lead out of the repository */
	if (lstat(path.ptr, &st) != 0 || !S_ISREG(st.st_mode))
		goto done;
	if ((rc = nhg_buf_read_file(&data, path.ptr, &err)) != 0 ||
	    (rc = nhg_yaml_parse(&doc, data.ptr, data.len, path.ptr, &lim, &err)) != 0) {
		if (rc == NHG_ENOMEM)
			g->rc = rc; /* anything else: the include is skipped */
		goto done;
	}
	for (size_t d = 0; d < nhg_yaml_doc_count(doc) && !r; d++) {
		const nhg_yaml_node *cand = nhg_yaml_doc_root(doc, d);
		/* a component's spec: header is its own document */
		if (cand && cand->kind == NHG_YAML_MAP &&
		    !(nhg_yaml_doc_count(doc) > 1 && d == 0 && nhg_yaml_map_get(cand, "spec")))
			r = cand;
	}
	if (!r)
		goto done;
	if ((p = realloc(g->paths, (g->nfiles + 1) * sizeof(*g->paths))) != NULL)
		g->paths = p;
	if (p && (p = realloc(g->docs, (g->nfiles + 1) * sizeof(*g->docs))) != NULL)
		g->docs = p;
	if (!p || !(g->paths[g->nfiles] = nhg_buf_detach(&path, NULL))) {
		g->rc = NHG_ENOMEM;
		goto done;
	}
	g->docs[g->nfiles] = doc;
	doc = NULL;
	mark_file(g, r, g->nfiles++);
	load_includes(b, r, depth + 1);
	if (push(&b->files, &b->nfiles, &b->capfiles, sizeof(*b->files))) {
		g->rc = NHG_ENOMEM;
		goto done;
	}
	b->files[b->nfiles++] = r;
	ok = true;
done:
	nhg_yaml_free(doc);
	nhg_buf_free(&path);
	nhg_buf_free(&data);
	return ok;
}

static void record(build *b, const nhg_yaml_node *entry, const char *kind, size_t depth)
{
	gl_model *m = b->m;
	size_t idx;
	void *p = realloc(m->includes, (m->nincludes + 1) * sizeof(*m->includes));
	if (!p) {
		b->g->rc = NHG_ENOMEM;
		return;
	}
	m->includes = p;
	idx = m->nincludes++;
	m->includes[idx].node = entry;
	m->includes[idx].kind = kind;
	m->includes[idx].loaded = false;
	if (!strcmp(kind, "local")) {
		const char *rel = nhg_yaml_str(entry->kind == NHG_YAML_MAP ? nhg_yaml_map_get(entry, "local")
								     : entry);
		bool ok = rel && load_local(b, rel, depth);
		b->m->includes[idx].loaded = ok;
	}
}

static void include_entry(build *b, const nhg_yaml_node *e, size_t depth)
{
	static const char *const kinds[] = { "local", "remote", "project", "component",
					     "template", NULL };
	const char *s = nhg_yaml_str(e);
	if (s) {
		record(b, e, !strncmp(s, "https://", 8) || !strncmp(s, "http://", 7) ? "remote"
										   : "local",
		       depth);
		return;
	}
	if (!e || e->kind != NHG_YAML_MAP)
		return;
	for (size_t i = 0; kinds[i]; i++)
		if (nhg_yaml_map_get(e, kinds[i])) {
			record(b, e, kinds[i], depth);
			return;
		}
}

static void load_includes(build *b, const nhg_yaml_node *root, size_t depth)
{
	const nhg_yaml_node *inc = nhg_yaml_map_get(root, "include");
	if (!inc)
		return;
	if (inc->kind == NHG_YAML_SEQ)
		for (size_t i = 0; i < inc->n && !b->g->rc; i++)
			include_entry(b, inc->items[i], depth);
	else
		include_entry(b, inc, depth);
}

/* --- jobs -------------------------------------------------------------------- */

/* job with its extends: applied; *missing set when a parent is not defined. */
static const nhg_yaml_node *extended(gl_impl *g, const nhg_yaml_node *root,
				     const nhg_yaml_node *job, size_t depth, bool *missing)
{
	const nhg_yaml_node *ext = nhg_yaml_map_get(job, "extends"), *acc = NULL;
	if (!ext || depth >= GL_MAX_EXTENDS_DEPTH)
		return job;
	for (size_t i = 0; i < (ext->kind == NHG_YAML_SEQ ? ext->n : 1); i++) {
		const nhg_yaml_node *name = ext->kind == NHG_YAML_SEQ ? ext->items[i] : ext;
		const nhg_yaml_node *parent = nhg_yaml_str(name) ? nhg_yaml_map_get(root, name->str) : NULL;
		if (!parent || parent->kind != NHG_YAML_MAP || parent == job) {
			*missing = true;
			continue;
		}
		parent = extended(g, root, parent, depth + 1, missing);
		acc = acc ? merge(g, acc, parent, 0) : parent;
	}
	return acc ? merge(g, acc, job, 0) : job;
}

/* True when the job inherits what (default or variables) keyword key. */
static bool inherits(const nhg_yaml_node *job, const char *what, const char *key)
{
	const nhg_yaml_node *v = nhg_yaml_map_get(nhg_yaml_map_get(job, "inherit"), what);
	if (!v)
		return true;
	if (v->kind == NHG_YAML_SEQ) {
		for (size_t i = 0; i < v->n; i++)
			if (key && nhg_yaml_is(v->items[i], key))
				return true;
		return false;
	}
	return !nhg_yaml_is(v, "false");
}

static const nhg_yaml_node *with_defaults(gl_impl *g, const gl_model *m,
					  const nhg_yaml_node *job)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(m->deflt, &it, &k, &v))
		if (nhg_yaml_str(k) && in_list(default_keys, k->str) && !nhg_yaml_map_get(job, k->str) &&
		    inherits(job, "default", k->str))
			job = with_key(g, job, k, v);
	for (size_t i = 0; global_defaults[i]; i++) {
		const nhg_yaml_node *gk = nhg_yaml_map_key(m->root, global_defaults[i]);
		if (gk && !nhg_yaml_map_get(job, gk->str) && inherits(job, "default", gk->str))
			job = with_key(g, job, gk, nhg_yaml_map_get(m->root, gk->str));
	}
	return job;
}

int gl_model_build(gl_model **out, const nhg_yaml_node *root, const char *path,
		   const char *repo_root)
{
	gl_model *m = calloc(1, sizeof(*m));
	gl_impl *g = calloc(1, sizeof(*g));
	build b = { g, m, repo_root, NULL, 0, 0 };
	const nhg_yaml_node *merged = NULL, *k, *v;
	size_t it = 0;

	if (!m || !g || !(g->paths = calloc(1, sizeof(*g->paths))) ||
	    !(g->docs = calloc(1, sizeof(*g->docs))) || !(g->paths[0] = strdup(path)) ||
	    !(m->roots = calloc(1, sizeof(*m->roots)))) {
		if (g) {
			if (g->paths)
				free(g->paths[0]);
			free(g->paths);
			free(g->docs);
		}
		free(g);
		free(m);
		return NHG_ENOMEM;
	}
	m->impl = g;
	g->nfiles = 1;
	m->roots[0] = root;
	m->nroots = 1;
	load_includes(&b, root, 0);
	/* included files in order, the main file over them */
	for (size_t i = 0; i < b.nfiles; i++)
		merged = merged ? merge(g, merged, b.files[i], 0) : b.files[i];
	merged = merged ? merge(g, merged, root, 0) : root;
	free(b.files);
	m->root = merged;
	m->deflt = nhg_yaml_map_get(merged, "default");
	if (m->deflt && m->deflt->kind != NHG_YAML_MAP)
		m->deflt = NULL;
	m->variables = nhg_yaml_map_get(merged, "variables");
	if (m->variables && m->variables->kind != NHG_YAML_MAP)
		m->variables = NULL;
	if (!(m->jobs = calloc(pairs(merged) + 1, sizeof(*m->jobs))))
		g->rc = NHG_ENOMEM;
	while (!g->rc && nhg_yaml_map_next(merged, &it, &k, &v)) {
		gl_job *j;
		if (!nhg_yaml_str(k) || v->kind != NHG_YAML_MAP || gl_is_keyword(k->str))
			continue;
		j = &m->jobs[m->njobs++];
		j->name = k->str;
		j->key = k;
		j->hidden = k->str[0] == '.';
		j->node = resolve_refs(g, merged, extended(g, merged, v, 0, &j->incomplete), 0);
		j->node = with_defaults(g, m, j->node);
		j->inherit_variables = inherits(j->node, "variables", NULL);
	}
	/* the roots of included files, for walks over everything written */
	if (!g->rc) {
		const nhg_yaml_node **r = realloc(m->roots, g->nfiles * sizeof(*r));
		if (!r)
			g->rc = NHG_ENOMEM;
		else {
			m->roots = r;
			for (size_t i = 1; i < g->nfiles; i++) {
				const nhg_yaml_node *found = NULL;
				for (size_t d = 0; d < nhg_yaml_doc_count(g->docs[i]); d++) {
					const nhg_yaml_node *c = nhg_yaml_doc_root(g->docs[i], d);
					if (c && c->kind == NHG_YAML_MAP && !nhg_yaml_map_get(c, "spec"))
						found = c;
				}
				if (found)
					r[m->nroots++] = found;
			}
		}
	}
	if (g->rc) {
		int rc = g->rc;
		gl_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void gl_model_free(gl_model *m)
{
	gl_impl *g;
	if (!m)
		return;
	if ((g = m->impl)) {
		for (size_t i = 0; i < g->nfiles; i++) {
			free(g->paths[i]);
			if (i)
				nhg_yaml_free(g->docs[i]);
		}
		free(g->paths);
		free(g->docs);
		free(g->where.k);
		free(g->where.v);
		free(g->resolved.k);
		free(g->resolved.v);
		while (g->made) {
			made *n = g->made->next;
			free(g->made);
			g->made = n;
		}
		free(g);
	}
	free(m->jobs);
	free(m->includes);
	free(m->roots);
	free(m);
}

/* --- walks and emission -------------------------------------------------------- */

/* Script lines nest up to 10 levels; *budget bounds what aliases can repeat. */
static void script_lines(pctx *x, const nhg_check_def *def, const gl_job *job,
			 const nhg_yaml_node *n, size_t depth, size_t *budget,
			 void (*fn)(pctx *, const nhg_check_def *, const gl_job *,
				    const nhg_yaml_node *))
{
	if (!n || depth > 10 || x->rc || !*budget)
		return;
	--*budget;
	if (n->kind == NHG_YAML_SCALAR) {
		fn(x, def, job, n);
		return;
	}
	if (n->kind == NHG_YAML_SEQ)
		for (size_t i = 0; i < n->n; i++)
			script_lines(x, def, job, n->items[i], depth + 1, budget, fn);
}

void gl_each_script(pctx *x, const nhg_check_def *def, const gl_job *job,
		    void (*fn)(pctx *, const nhg_check_def *, const gl_job *,
			       const nhg_yaml_node *line))
{
	static const char *const keys[] = { "before_script", "script", "after_script" };
	size_t budget = 100000;
	for (size_t i = 0; i < 3; i++)
		script_lines(x, def, job, nhg_yaml_map_get(job->node, keys[i]), 0, &budget, fn);
}

static void vars_of(pctx *x, const nhg_check_def *def, const char *job,
		    const nhg_yaml_node *vars,
		    void (*fn)(pctx *, const nhg_check_def *, const char *,
			       const nhg_yaml_node *, const nhg_yaml_node *))
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	while (!x->rc && nhg_yaml_map_next(vars, &it, &k, &v)) {
		if (!nhg_yaml_str(k))
			continue;
		if (v->kind == NHG_YAML_MAP)
			v = nhg_yaml_map_get(v, "value");
		if (v && v->kind == NHG_YAML_SCALAR)
			fn(x, def, job, k, v);
	}
}

void gl_each_variable(pctx *x, const nhg_check_def *def,
		      void (*fn)(pctx *, const nhg_check_def *, const char *job,
				 const nhg_yaml_node *key, const nhg_yaml_node *value))
{
	const gl_model *m = x->model;
	for (size_t r = 0; r < m->nroots; r++) {
		const nhg_yaml_node *k, *v;
		size_t it = 0;
		vars_of(x, def, NULL, nhg_yaml_map_get(m->roots[r], "variables"), fn);
		while (nhg_yaml_map_next(m->roots[r], &it, &k, &v))
			if (nhg_yaml_str(k) && v->kind == NHG_YAML_MAP && !gl_is_keyword(k->str))
				vars_of(x, def, k->str, nhg_yaml_map_get(v, "variables"), fn);
	}
}

static void walk(pctx *x, const nhg_check_def *def, const nhg_yaml_node *n, ptrmap *seen,
		 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *))
{
	int fresh;
	if (!n || x->rc)
		return;
	if (n->kind == NHG_YAML_SCALAR) {
		fn(x, def, n);
		return;
	}
	/* collections once each: an alias costs nothing the second time */
	if ((fresh = map_put(seen, n, 0)) <= 0) {
		if (fresh < 0)
			x->rc = NHG_ENOMEM;
		return;
	}
	for (size_t i = 0; i < (n->kind == NHG_YAML_MAP ? 2 * n->n : n->n); i++)
		walk(x, def, n->items[i], seen, fn);
}

void gl_each_scalar(pctx *x, const nhg_check_def *def,
		    void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *s))
{
	const gl_model *m = x->model;
	ptrmap seen = { NULL, NULL, 0, 0 };
	for (size_t r = 0; r < m->nroots; r++)
		walk(x, def, m->roots[r], &seen, fn);
	free(seen.k);
	free(seen.v);
}

void gl_emit(pctx *x, const nhg_check_def *def, nhg_severity sev, const nhg_yaml_node *at,
	     const char *job, const char *fmt, ...)
{
	nhg_buf msg = NHG_BUF_INIT(1024);
	const char *path = x->path_of ? x->path_of(x, at) : x->path;
	const gl_model *m = x->model;
	va_list ap;

	/* a template's key reported once, not once per job extending it */
	for (size_t i = m->first_finding; at && i < x->out->n; i++) {
		const nhg_pfinding *f = &x->out->findings[i];
		if (f->check == def && f->line == (uint32_t)at->line &&
		    f->column == (uint32_t)at->column && !strcmp(f->path, path))
			return;
	}
	va_start(ap, fmt);
	if (nhg_buf_vprintf(&msg, fmt, ap) == NHG_ELIMIT)
		nhg_buf_puts(&msg, "...");
	va_end(ap);
	if (!msg.ptr) {
		x->rc = NHG_ENOMEM;
		return;
	}
	nhg_pctx_emit(x, def, sev, at, job, NULL, "%s", msg.ptr);
	nhg_buf_free(&msg);
}
