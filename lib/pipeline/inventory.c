/*
 * The identity inventory (.nhigate/identities.yaml) and its cross-file pass.
 *
 *   identities:
 *     - name: AWS_DEPLOY_ROLE
 *       kind: oidc-role
 *       owner: team-platform
 *       purpose: deploys the API
 *       renew_by: 2027-01-31
 *       revoke: https://runbooks.example/revoke-aws-deploy
 *
 * name is required; kind, when given, is one of a fixed list; the other
 * fields may be missing (INV-002 reports that) but not unknown.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/date.h"
#include "nhigate/inventory.h"
#include "pipeline/internal.h"

#define MAX_INVENTORY_FILE (4u << 20)
#define MAX_IDENTITIES 10000

typedef struct identity {
	const nhg_yaml_node *node;   /* the entry mapping */
	const nhg_yaml_node *name;   /* value nodes, NULL when absent */
	const nhg_yaml_node *owner, *purpose, *renew_by, *revoke, *kind;
} identity;

struct nhg_inventory {
	char *path;
	nhg_yaml_doc *doc;
	identity *v;
	size_t n;
};

/* ---- uses ---- */

void nhg_idusage_init(nhg_idusage *u)
{
	memset(u, 0, sizeof(*u));
}

void nhg_idusage_free(nhg_idusage *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].name);
		free(u->v[i].path);
	}
	free(u->v);
	nhg_idusage_init(u);
}

int nhg_idusage_add(nhg_idusage *u, const char *name, const char *path, uint32_t line,
		    uint32_t column)
{
	nhg_iduse *e;
	/* the same scalar is seen once per job that inherits it: keep one */
	for (size_t i = u->n; i-- > 0;) {
		e = &u->v[i];
		if (e->line == line && e->column == column && !strcmp(e->name, name) &&
		    !strcmp(e->path, path))
			return 0;
	}
	if (NHG_ARRAY_RESERVE(u->v, u->n, u->cap, 32))
		return u->rc = NHG_ENOMEM;
	e = &u->v[u->n];
	e->name = strdup(name);
	e->path = strdup(path);
	e->line = line;
	e->column = column;
	if (!e->name || !e->path) {
		free(e->name);
		free(e->path);
		return u->rc = NHG_ENOMEM;
	}
	u->n++;
	return 0;
}

/* ---- loading ---- */

static bool kind_ok(const char *s)
{
	static const char *const kinds[] = { "static-secret", "oidc-role", "oidc-audience",
					     "app-token", "deploy-key", "ssh-key", "api-token",
					     "service-account", "other" };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(s, kinds[i]))
			return true;
	return false;
}

static int bad(const char *file, const nhg_yaml_node *at, nhg_error *err, const char *msg,
	       const char *arg)
{
	return nhg_error_at(err, NHG_EINPUT, file, at ? at->line : 0, at ? at->column : 0, msg,
			    arg);
}

static int load_entry(identity *id, const char *file, const nhg_yaml_node *node,
		      nhg_error *err)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;

	if (node->kind != NHG_YAML_MAP)
		return bad(file, node, err, "%s", "an identity must be a mapping");
	memset(id, 0, sizeof(*id));
	id->node = node;
	while (nhg_yaml_map_next(node, &it, &k, &v)) {
		const nhg_yaml_node **slot;
		const char *key = k->kind == NHG_YAML_SCALAR ? k->str : "";
		slot = !strcmp(key, "name") ? &id->name : !strcmp(key, "kind") ? &id->kind :
		       !strcmp(key, "owner") ? &id->owner : !strcmp(key, "purpose") ? &id->purpose :
		       !strcmp(key, "renew_by") ? &id->renew_by :
		       !strcmp(key, "revoke") ? &id->revoke : NULL;
		if (!slot)
			return bad(file, k, err,
				   "unknown key '%s' in identity (name, kind, owner, purpose, "
				   "renew_by, revoke)", key);
		if (v->kind != NHG_YAML_SCALAR)
			return bad(file, v, err, "'%s' must be a scalar", key);
		*slot = v;
	}
	if (!id->name || !*id->name->str)
		return bad(file, id->name ? id->name : node, err, "%s", "identity has no name");
	if (id->kind && !kind_ok(id->kind->str))
		return bad(file, id->kind, err,
			   "unknown kind '%s' (static-secret, oidc-role, oidc-audience, app-token, "
			   "deploy-key, ssh-key, api-token, service-account, other)", id->kind->str);
	if (id->renew_by && *id->renew_by->str && !nhg_date_ok(id->renew_by->str))
		return bad(file, id->renew_by, err, "renew_by '%s' is not a date YYYY-MM-DD",
			   id->renew_by->str);
	return 0;
}

static int load_doc(nhg_inventory *inv, nhg_error *err)
{
	const char *file = inv->path;
	const nhg_yaml_node *root = nhg_yaml_doc_root(inv->doc, 0), *k, *v, *list = NULL;
	size_t it = 0;
	int rc;

	if (nhg_yaml_doc_count(inv->doc) > 1)
		return bad(file, nhg_yaml_doc_root(inv->doc, 1), err, "%s",
			   "an inventory is one YAML document");
	if (!root || root->kind != NHG_YAML_MAP)
		return bad(file, root, err, "%s", "an inventory must be a mapping with 'identities:'");
	while (nhg_yaml_map_next(root, &it, &k, &v)) {
		if (!nhg_yaml_is(k, "identities"))
			return bad(file, k, err, "unknown key '%s' (identities)",
				   k->kind == NHG_YAML_SCALAR ? k->str : "");
		list = v;
	}
	if (!list || (list->kind != NHG_YAML_SEQ &&
		      !(list->kind == NHG_YAML_SCALAR && !list->quoted && !*list->str)))
		return bad(file, list ? list : root, err, "%s", "'identities' must be a list");
	if (list->kind != NHG_YAML_SEQ)
		return 0;   /* identities: (empty) */
	if (list->n > MAX_IDENTITIES)
		return nhg_error_at(err, NHG_ELIMIT, file, list->line, list->column,
				    "more than %d identities", MAX_IDENTITIES);
	if (list->n && !(inv->v = calloc(list->n, sizeof(*inv->v))))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	for (size_t i = 0; i < list->n; i++) {
		identity *id = &inv->v[inv->n];
		if ((rc = load_entry(id, file, list->items[i], err)) != 0)
			return rc;
		for (size_t j = 0; j < inv->n; j++)
			if (!strcasecmp(inv->v[j].name->str, id->name->str))
				return nhg_error_at(err, NHG_EINPUT, file, id->name->line,
						    id->name->column,
						    "identity '%s' listed twice (first at line %d)",
						    id->name->str, inv->v[j].name->line);
		inv->n++;
	}
	return 0;
}

int nhg_inventory_load(nhg_inventory **out, const char *path, nhg_error *err)
{
	nhg_inventory *inv;
	int rc;

	if (!(inv = calloc(1, sizeof(*inv))) || !(inv->path = strdup(path))) {
		free(inv);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	if ((rc = nhg_yaml_load_file(&inv->doc, path, MAX_INVENTORY_FILE, NULL, err)) == 0)
		rc = load_doc(inv, err);
	if (rc) {
		nhg_inventory_free(inv);
		return rc;
	}
	*out = inv;
	return 0;
}

void nhg_inventory_free(nhg_inventory *inv)
{
	if (!inv)
		return;
	nhg_yaml_free(inv->doc);
	free(inv->v);
	free(inv->path);
	free(inv);
}

size_t nhg_inventory_count(const nhg_inventory *inv)
{
	return inv ? inv->n : 0;
}

/* ---- the pass ---- */

static bool present(const nhg_yaml_node *v)
{
	return v && v->kind == NHG_YAML_SCALAR && *v->str;
}

static bool listed(const nhg_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->n; i++)
		if (!strcasecmp(inv->v[i].name->str, name))
			return true;
	return false;
}

static bool used(const nhg_idusage *uses, const char *name)
{
	for (size_t i = 0; uses && i < uses->n; i++)
		if (!strcasecmp(uses->v[i].name, name))
			return true;
	return false;
}

static int cmp_use(const void *a, const void *b)
{
	const nhg_iduse *x = *(const nhg_iduse *const *)a, *y = *(const nhg_iduse *const *)b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * INV-001: one finding per place (the report keeps one per check and
 * position), naming every undeclared identity used there.
 */
static void undeclared(pctx *x, const nhg_check_def *def, const nhg_inventory *inv,
		       const nhg_idusage *uses)
{
	const nhg_iduse **v;
	size_t n = 0;

	if (!uses || !uses->n)
		return;
	if (!(v = calloc(uses->n, sizeof(*v)))) {
		x->rc = NHG_ENOMEM;
		return;
	}
	for (size_t i = 0; i < uses->n; i++)
		if (!listed(inv, uses->v[i].name))
			v[n++] = &uses->v[i];
	qsort(v, n, sizeof(*v), cmp_use);
	for (size_t i = 0; i < n && !x->rc;) {
		nhg_buf names = NHG_BUF_INIT(900);
		nhg_yaml_node at;
		size_t j, k = 0;
		memset(&at, 0, sizeof(at));
		at.line = (int)v[i]->line;
		at.column = (int)v[i]->column;
		for (j = i; j < n && !strcmp(v[j]->path, v[i]->path) && v[j]->line == v[i]->line &&
			    v[j]->column == v[i]->column; j++) {
			if (j > i && !strcmp(v[j]->name, v[j - 1]->name))
				continue;
			if (nhg_buf_printf(&names, "%s%s", k++ ? ", " : "", v[j]->name) == NHG_ELIMIT)
				nhg_buf_puts(&names, "...");
		}
		x->path = v[i]->path;
		nhg_pctx_emit(x, def, 0, &at, NULL, NULL,
			      "%s %s used here but not listed in the identity inventory",
			      names.ptr, k > 1 ? "are" : "is");
		nhg_buf_free(&names);
		i = j;
	}
	free(v);
}

static void incomplete(pctx *x, const nhg_check_def *def, const identity *id)
{
	const struct { const nhg_yaml_node *v; const char *key; } f[] = {
		{ id->owner, "owner" }, { id->purpose, "purpose" },
		{ id->renew_by, "renew_by" }, { id->revoke, "revoke" },
	};
	nhg_buf missing = NHG_BUF_INIT(64);
	size_t k = 0;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!present(f[i].v) && nhg_buf_printf(&missing, "%s%s", k++ ? ", " : "", f[i].key))
			x->rc = NHG_ENOMEM;
	if (k)
		nhg_pctx_emit(x, def, 0, id->node, NULL, NULL, "identity %s has no %s",
			      id->name->str, missing.ptr);
	nhg_buf_free(&missing);
}

int nhg_inventory_check(const nhg_catalogue *cat, const nhg_inventory *inv,
			const nhg_idusage *uses, const char *today, nhg_presult *out,
			nhg_error *err)
{
	const nhg_check_def *d1 = nhg_catalogue_find(cat, "INV-001");
	const nhg_check_def *d2 = nhg_catalogue_find(cat, "INV-002");
	const nhg_check_def *d3 = nhg_catalogue_find(cat, "INV-003");
	const nhg_check_def *d4 = nhg_catalogue_find(cat, "INV-004");
	pctx x;

	if (!today || !nhg_date_ok(today))
		return nhg_error_set(err, NHG_EUSAGE, "today '%s' is not a date YYYY-MM-DD",
				     today ? today : "");
	memset(&x, 0, sizeof(x));
	x.cat = cat;
	x.out = out;
	if (d1)
		undeclared(&x, d1, inv, uses);
	x.path = inv->path;
	for (size_t i = 0; i < inv->n && !x.rc; i++) {
		const identity *id = &inv->v[i];
		if (d2)
			incomplete(&x, d2, id);
		if (d3 && present(id->renew_by) && strcmp(id->renew_by->str, today) < 0)
			nhg_pctx_emit(&x, d3, 0, id->renew_by, NULL, NULL,
				      "identity %s was due for rotation or review on %s",
				      id->name->str, id->renew_by->str);
		if (d4 && !used(uses, id->name->str))
			nhg_pctx_emit(&x, d4, 0, id->name, NULL, NULL,
				      "identity %s is listed but no pipeline uses it: offboard it",
				      id->name->str);
	}
	if (x.rc)
		return nhg_error_set(err, x.rc, "out of memory");
	return 0;
}
