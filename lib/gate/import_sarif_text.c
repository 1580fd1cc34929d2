/*
 * What a SARIF result says and who it is (import_sarif.h): its message
 * with {N} arguments filled in, the title, help and controls its rule
 * describes, and the fingerprint that keeps it the same finding across runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/import_sarif.h"
#include "nhigate/hash.h"

/* ---- text ------------------------------------------------------------ */

/* A multiformat message string: its text, else its markdown. */
int nhg_sarif__text_of(nhg_import *x, const json_t *o, const char *key, const char **out,
		       const char *where)
{
	json_t *m;
	int rc;
	*out = NULL;
	if ((rc = nhg_import_obj(x, o, key, &m, where)) != 0 || !m)
		return rc;
	if ((rc = nhg_import_str(x, m, "text", out, where)) == 0 && !*out)
		rc = nhg_import_str(x, m, "markdown", out, where);
	return rc;
}

/* tmpl with {N} replaced by args[N] ({{ and }} are braces), as one line. */
static void substitute(nhg_line *l, const char *tmpl, const json_t *args)
{
	const char *p = tmpl;
	while (*p && !l->cut) {
		size_t n = strcspn(p, "{}");
		nhg_line_add(l, p, n);
		p += n;
		if (!*p)
			break;
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			nhg_line_add(l, p, 1);
			p += 2;
		} else if (p[0] == '{' && p[1] >= '0' && p[1] <= '9') {
			size_t d = strspn(p + 1, "0123456789");
			const json_t *a;
			if (d < 10 && p[1 + d] == '}' &&
			    (a = json_array_get(args, strtoul(p + 1, NULL, 10))) != NULL) {
				nhg_line_add(l, json_string_value(a), json_string_length(a));
				p += d + 2;
			} else {
				nhg_line_add(l, p, 1);
				p++;
			}
		} else {
			nhg_line_add(l, p, 1);
			p++;
		}
	}
}

int nhg_sarif__result_message(run_ctx *r, const json_t *res, const json_t *desc,
			      const nhg_gfinding *f, const char *where, const char *dwhere,
			      char **out)
{
	nhg_import *x = r->x;
	json_t *msg, *args = NULL, *strings;
	const char *text = NULL, *id = NULL;
	nhg_line l;
	char w[160];
	int rc;

	*out = NULL;
	snprintf(w, sizeof(w), "%s.message", where);
	if ((rc = nhg_import_obj(x, res, "message", &msg, where)) != 0)
		return rc;
	if (msg && ((rc = nhg_import_str(x, msg, "text", &text, w)) != 0 ||
		    (!text && (rc = nhg_import_str(x, msg, "markdown", &text, w)) != 0) ||
		    (rc = nhg_import_str(x, msg, "id", &id, w)) != 0 ||
		    (rc = nhg_import_arr(x, msg, "arguments", &args, w)) != 0))
		return rc;
	if (!text && id && desc) {
		if ((rc = nhg_import_obj(x, desc, "messageStrings", &strings, dwhere)) != 0 ||
		    (strings && json_object_get(strings, id) &&
		     (rc = nhg_sarif__text_of(x, strings, id, &text, dwhere)) != 0))
			return rc;
	}
	for (size_t i = 0; args && i < json_array_size(args); i++)
		if (!json_is_string(json_array_get(args, i)))
			return nhg_import_bad(x, w, "arguments[%zu] must be a string", i);
	if (!text)
		text = f->title ? f->title : f->rule;
	if (nhg_line_init(&l, NHG_IMPORT_MAX_MESSAGE))
		return nhg_import_nomem(x);
	substitute(&l, text, args);
	if (!(*out = nhg_line_take(&l)) && !(*out = strdup(f->rule)))
		return nhg_import_nomem(x);
	return 0;
}

/* Title, help and controls from the descriptor; controls also from the result's tags. */
int nhg_sarif__describe(run_ctx *r, const json_t *res, const json_t *desc, nhg_gfinding *f,
			const char *where, const char *dwhere)
{
	nhg_import *x = r->x;
	const char *title = NULL, *help = NULL, *uri = NULL;
	const json_t *bags[2] = { desc, res };
	const char *wheres[2] = { dwhere, where };
	int rc;

	if (desc && ((rc = nhg_sarif__text_of(x, desc, "shortDescription", &title, dwhere)) != 0 ||
		     (!title && (rc = nhg_import_str(x, desc, "name", &title, dwhere)) != 0) ||
		     (!title && (rc = nhg_sarif__text_of(x, desc, "fullDescription", &title,
							 dwhere)) != 0) ||
		     (rc = nhg_sarif__text_of(x, desc, "help", &help, dwhere)) != 0 ||
		     (rc = nhg_import_str(x, desc, "helpUri", &uri, dwhere)) != 0))
		return rc;
	if ((rc = nhg_import_line(x, title, NHG_IMPORT_MAX_MESSAGE, &f->title)) != 0 ||
	    (!f->title && (rc = nhg_import_dup(x, f->rule, &f->title)) != 0))
		return rc;
	if (help)
		rc = nhg_import_line(x, help, NHG_IMPORT_MAX_HELP, &f->help);
	else if (uri && strlen(uri) < NHG_IMPORT_MAX_HELP) {
		char see[NHG_IMPORT_MAX_HELP + 8];
		snprintf(see, sizeof(see), "See %s", uri);
		rc = nhg_import_line(x, see, NHG_IMPORT_MAX_HELP, &f->help);
	}
	for (size_t b = 0; !rc && b < 2; b++) {
		json_t *props, *tags;
		if (!bags[b])
			continue;
		if ((rc = nhg_import_obj(x, bags[b], "properties", &props, wheres[b])) != 0 ||
		    (rc = nhg_import_arr(x, props, "tags", &tags, wheres[b])) != 0)
			return rc;
		for (size_t i = 0; !rc && tags && i < json_array_size(tags); i++) {
			if (!json_is_string(json_array_get(tags, i)))
				return nhg_import_bad(x, wheres[b], "properties.tags[%zu] must be a "
						      "string", i);
			rc = nhg_import_control(x, f, json_string_value(json_array_get(tags, i)));
		}
	}
	return rc;
}

/* ---- identity -------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Hash the non-empty string entries of o in key order; *n how many there were. */
static int hash_entries(nhg_import *x, nhg_sha256_ctx *h, const json_t *o, const char *what,
			const char *where, size_t *n)
{
	const char **keys;
	const char *k;
	json_t *val;

	*n = 0;
	if (!o || !json_object_size(o))
		return 0;
	if (!(keys = calloc(json_object_size(o), sizeof(*keys))))
		return nhg_import_nomem(x);
	json_object_foreach((json_t *)o, k, val) {
		if (!json_is_string(val)) {
			free(keys);
			return nhg_import_bad(x, where, "%s[\"%.60s\"] must be a string", what, k);
		}
		if (json_string_length(val))
			keys[(*n)++] = k;
	}
	qsort(keys, *n, sizeof(*keys), cmp_str);
	for (size_t i = 0; i < *n; i++) {
		json_t *s = json_object_get(o, keys[i]);
		nhg_sha256_update(h, keys[i], strlen(keys[i]) + 1);
		nhg_sha256_update(h, json_string_value(s), json_string_length(s) + 1);
	}
	free(keys);
	return 0;
}

int nhg_sarif__fingerprint(run_ctx *r, const json_t *res, nhg_gfinding *f, const char *snippet,
			   const char *where)
{
	nhg_import *x = r->x;
	json_t *full, *partial;
	nhg_sha256_ctx *h;
	size_t n = 0;
	int rc;

	if ((rc = nhg_import_obj(x, res, "fingerprints", &full, where)) != 0 ||
	    (rc = nhg_import_obj(x, res, "partialFingerprints", &partial, where)) != 0)
		return rc;
	if (nhg_import_hex64(f->fingerprint, json_string_value(json_object_get(partial, "nhigate/v1"))))
		return 0;
	if (!(h = nhg_sha256_new()))
		return nhg_import_nomem(x);
	nhg_sha256_update(h, f->tool, strlen(f->tool) + 1);
	nhg_sha256_update(h, f->rule, strlen(f->rule) + 1);
	nhg_sha256_update(h, f->path, strlen(f->path) + 1);
	rc = hash_entries(x, h, full, "fingerprints", where, &n);
	if (!rc && !n) {
		nhg_sha256_update(h, "partial", 8);
		rc = hash_entries(x, h, partial, "partialFingerprints", where, &n);
		if (!n) {
			nhg_sha256_update(h, "message", 8);
			nhg_sha256_update(h, f->message, strlen(f->message) + 1);
		}
		if (snippet) {
			char sha[NHG_SHA256_HEXLEN + 1];
			nhg_sha256_hex(sha, snippet, strlen(snippet));
			nhg_sha256_update(h, sha, sizeof(sha));
		}
	}
	nhg_sha256_final_hex(h, f->fingerprint);
	return rc;
}
