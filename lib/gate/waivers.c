/*
 * Waivers: explicit, time-bound policy debt read from .nhigate/waivers.yaml.
 *
 *   waivers:
 *     - {id, rule, paths|fingerprint (and refs), owner, approved_by, reason,
 *        ticket, created, expires}
 *
 * Everything is checked when the file is read, so a waiver that is
 * incomplete, self-approved or too long never reaches a verdict.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "nhigate/date.h"
#include "nhigate/gate.h"
#include "nhigate/hash.h"
#include "nhigate/yaml.h"

#define MAX_WAIVERS 10000
#define MAX_WAIVERS_FILE (4u << 20)
#define MIN_REASON 20

static void strlist_free(nhg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->v[i]);
	free(l->v);
}

void nhg_waivers_free(nhg_waivers *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		nhg_waiver *x = &w->v[i];
		free(x->id);
		free(x->rule);
		strlist_free(&x->paths);
		strlist_free(&x->refs);
		free(x->fingerprint);
		free(x->owner);
		free(x->approved_by);
		free(x->reason);
		free(x->ticket);
	}
	free(w->v);
	free(w->file);
	memset(w, 0, sizeof(*w));
}

typedef struct wctx {
	const char *file;
	unsigned max_days;
	nhg_error *err;
} wctx;

static int at(const wctx *c, const nhg_yaml_node *n, const char *id, const char *msg)
{
	if (id)
		return nhg_error_at(c->err, NHG_EINPUT, c->file, n->line, n->column,
				    "waiver %s: %s", id, msg);
	return nhg_error_at(c->err, NHG_EINPUT, c->file, n->line, n->column, "waiver: %s", msg);
}

static int get_str(const wctx *c, char **out, const nhg_yaml_node *v, const char *id,
		   const char *key)
{
	const char *s = nhg_yaml_str(v);
	char msg[96];
	if (!s || !*s || strlen(s) != v->len) {
		snprintf(msg, sizeof(msg), "'%s' must be a non-empty string", key);
		return at(c, v, id, msg);
	}
	return (*out = strdup(s)) ? 0 : nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
}

static int get_list(const wctx *c, nhg_strlist *out, const nhg_yaml_node *v, const char *id,
		    const char *key)
{
	char msg[96];
	if (v->kind != NHG_YAML_SEQ || v->n == 0) {
		snprintf(msg, sizeof(msg), "'%s' must be a non-empty list of globs", key);
		return at(c, v, id, msg);
	}
	if (!(out->v = calloc(v->n, sizeof(char *))))
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		char *s = NULL;
		int rc = get_str(c, &s, v->items[i], id, key);
		if (rc)
			return rc;
		out->v[out->n++] = s;
	}
	return 0;
}

/* The value of key k of waiver map m into w (fields are checked later). */
static int load_field(const wctx *c, nhg_waiver *w, const nhg_yaml_node *k,
		      const nhg_yaml_node *v)
{
	static const char *const dates[] = { "created", "expires" };
	struct { const char *key; char **dst; } strs[] = {
		{ "rule", &w->rule }, { "fingerprint", &w->fingerprint },
		{ "owner", &w->owner }, { "approved_by", &w->approved_by },
		{ "reason", &w->reason }, { "ticket", &w->ticket },
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (nhg_yaml_is(k, strs[i].key)) {
			if (*strs[i].dst)
				return at(c, k, w->id, "key given twice");
			return get_str(c, strs[i].dst, v, w->id, strs[i].key);
		}
	for (size_t i = 0; i < 2; i++)
		if (nhg_yaml_is(k, dates[i])) {
			char *dst = i ? w->expires : w->created;
			const char *s = nhg_yaml_str(v);
			char msg[96];
			if (!nhg_date_ok(s)) {
				snprintf(msg, sizeof(msg), "'%s' must be a date YYYY-MM-DD", dates[i]);
				return at(c, v, w->id, msg);
			}
			memcpy(dst, s, 11);
			return 0;
		}
	if (nhg_yaml_is(k, "paths"))
		return get_list(c, &w->paths, v, w->id, "paths");
	if (nhg_yaml_is(k, "refs"))
		return get_list(c, &w->refs, v, w->id, "refs");
	if (nhg_yaml_is(k, "id"))
		return 0;
	return at(c, k, w->id, "unknown key (id, rule, paths, refs, fingerprint, owner, "
		  "approved_by, reason, ticket, created, expires)");
}

/* Everything a waiver must have, and the bounds on it. */
static int check_waiver(const wctx *c, const nhg_waiver *w, const nhg_yaml_node *m)
{
	static const char *const required[] = { "rule", "owner", "approved_by", "reason",
						"ticket", "created", "expires" };
	const char *have[] = { w->rule, w->owner, w->approved_by, w->reason, w->ticket,
			       w->created[0] ? w->created : NULL,
			       w->expires[0] ? w->expires : NULL };
	char msg[160];
	int32_t days;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!have[i]) {
			snprintf(msg, sizeof(msg), "missing '%s'", required[i]);
			return at(c, m, w->id, msg);
		}
	if (!w->fingerprint && !w->paths.n)
		return at(c, m, w->id, "needs a narrow scope: 'fingerprint' and/or 'paths'");
	if (!strcmp(w->owner, w->approved_by))
		return at(c, m, w->id, "approved by its own owner: 'approved_by' must differ from 'owner'");
	if (strlen(w->reason) < MIN_REASON)
		return at(c, m, w->id, "'reason' must say why in at least 20 characters");
	days = nhg_date_diff(w->created, w->expires);
	if (days <= 0)
		return at(c, m, w->id, "'expires' must come after 'created'");
	if ((unsigned)days > c->max_days) {
		snprintf(msg, sizeof(msg), "lasts %d days, more than the policy's max_waiver_days (%u)",
			 (int)days, c->max_days);
		return at(c, m, w->id, msg);
	}
	return 0;
}

static int load_waiver(const wctx *c, nhg_waivers *out, const nhg_yaml_node *m)
{
	const nhg_yaml_node *k, *v, *idn;
	nhg_waiver *w;
	size_t it = 0;
	int rc;

	if (m->kind != NHG_YAML_MAP)
		return at(c, m, NULL, "each waiver must be a mapping");
	if (!(idn = nhg_yaml_map_get(m, "id")))
		return at(c, m, NULL, "missing 'id'");
	if (NHG_ARRAY_RESERVE(out->v, out->n, out->cap, 8))
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	w = &out->v[out->n];
	memset(w, 0, sizeof(*w));
	w->line = m->line;
	w->column = m->column;
	out->n++; /* owned by out from here: freed with it on failure */
	if ((rc = get_str(c, &w->id, idn, NULL, "id")) != 0)
		return rc;
	for (size_t i = 0; i + 1 < out->n; i++)
		if (!strcmp(out->v[i].id, w->id))
			return at(c, idn, w->id, "id used twice");
	while (nhg_yaml_map_next(m, &it, &k, &v))
		if ((rc = load_field(c, w, k, v)) != 0)
			return rc;
	return check_waiver(c, w, m);
}

int nhg_waivers_parse(nhg_waivers *out, const char *data, size_t len, const char *name,
		      unsigned max_days, nhg_error *err)
{
	wctx c = { name, max_days, err };
	nhg_yaml_doc *doc = NULL;
	const nhg_yaml_node *root, *list = NULL, *k, *v;
	size_t it = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > MAX_WAIVERS_FILE)
		return nhg_error_at(err, NHG_EINPUT, name, 0, 0, "larger than %u bytes",
				    MAX_WAIVERS_FILE);
	if ((rc = nhg_yaml_parse(&doc, data, len, name, NULL, err)) != 0)
		return rc;
	root = nhg_yaml_doc_root(doc, 0);
	if (root && root->kind != NHG_YAML_MAP) {
		rc = nhg_error_at(err, NHG_EINPUT, name, root->line, root->column,
				  "the waivers file must be a mapping with 'waivers:'");
		goto out;
	}
	while (root && nhg_yaml_map_next(root, &it, &k, &v)) {
		if (!nhg_yaml_is(k, "waivers")) {
			rc = nhg_error_at(err, NHG_EINPUT, name, k->line, k->column,
					  "unknown key (waivers)");
			goto out;
		}
		list = v;
	}
	if (list && list->kind == NHG_YAML_SCALAR && list->len == 0)
		list = NULL; /* "waivers:" with nothing under it */
	if (list && list->kind != NHG_YAML_SEQ) {
		rc = nhg_error_at(err, NHG_EINPUT, name, list->line, list->column,
				  "'waivers' must be a list");
		goto out;
	}
	if (list && list->n > MAX_WAIVERS) {
		rc = nhg_error_at(err, NHG_EINPUT, name, list->line, list->column,
				  "more than %d waivers", MAX_WAIVERS);
		goto out;
	}
	for (size_t i = 0; list && !rc && i < list->n; i++)
		rc = load_waiver(&c, out, list->items[i]);
	if (!rc && !(out->file = strdup(name)))
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if (!rc)
		nhg_sha256_hex(out->sha256, data, len);
out:
	nhg_yaml_free(doc);
	if (rc)
		nhg_waivers_free(out);
	return rc;
}
