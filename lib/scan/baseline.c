/*
 * Baselines: accepted findings, identified by fingerprint only (rule, path
 * and secret hash), so a baseline survives line moves and unrelated edits
 * and never holds a secret.  File format (JSON):
 *   {"tool": "nhigate", "baseline": [{"fingerprint": "...", "rule": "...",
 *     "path": "..."}, ...]}
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nhigate/finding.h"

struct nhg_baseline {
	char (*fp)[NHG_SHA256_HEXLEN + 1];
	size_t n;
};

static int cmp_fp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int nhg_baseline_load(nhg_baseline **out, const char *path, nhg_error *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *list;
	nhg_baseline *b;
	size_t i;
	json_t *item;

	if (!root)
		return nhg_error_at(err, NHG_EINPUT, path, je.line, je.column,
				    "invalid baseline: %s", je.text);
	list = json_object_get(root, "baseline");
	if (!json_is_array(list)) {
		json_decref(root);
		return nhg_error_at(err, NHG_EINPUT, path, 0, 0,
				    "invalid baseline: no \"baseline\" array");
	}
	if (!(b = calloc(1, sizeof(*b))) ||
	    !(b->fp = calloc(json_array_size(list) + 1, sizeof(*b->fp)))) {
		free(b);
		json_decref(root);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	json_array_foreach(list, i, item) {
		const char *fp = json_string_value(json_object_get(item, "fingerprint"));
		if (!fp || strlen(fp) != NHG_SHA256_HEXLEN) {
			nhg_baseline_free(b);
			json_decref(root);
			return nhg_error_at(err, NHG_EINPUT, path, 0, 0,
					    "invalid baseline: entry %zu has no 64-hex fingerprint", i + 1);
		}
		memcpy(b->fp[b->n++], fp, NHG_SHA256_HEXLEN + 1);
	}
	json_decref(root);
	qsort(b->fp, b->n, sizeof(*b->fp), cmp_fp);
	*out = b;
	return 0;
}

void nhg_baseline_free(nhg_baseline *b)
{
	if (!b)
		return;
	free(b->fp);
	free(b);
}

bool nhg_baseline_has(const nhg_baseline *b, const char *fingerprint)
{
	return b->n && bsearch(fingerprint, b->fp, b->n, sizeof(*b->fp), cmp_fp) != NULL;
}

void nhg_baseline_apply(const nhg_baseline *b, nhg_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (nhg_baseline_has(b, r->findings[i].fingerprint))
			r->findings[i].baselined = true;
}

int nhg_baseline_write(const nhg_result *r, const char *path, nhg_error *err)
{
	json_t *root = json_object(), *list = json_array();
	int rc = 0;

	if (!root || !list) {
		json_decref(root);
		json_decref(list);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	json_object_set_new(root, "tool", json_string("nhigate"));
	json_object_set_new(root, "baseline", list);
	for (size_t i = 0; i < r->nfindings; i++) {
		const nhg_finding *f = &r->findings[i];
		bool dup = false;
		if (f->allowed_inline)
			continue;
		/* one entry per fingerprint: the same secret in many commits */
		for (size_t j = 0; j < i && !dup; j++)
			dup = !r->findings[j].allowed_inline &&
			      !strcmp(r->findings[j].fingerprint, f->fingerprint);
		if (dup)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "fingerprint",
						      f->fingerprint, "rule", f->rule->id,
						      "path", f->path));
	}
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
		rc = nhg_error_at(err, NHG_EIO, path, 0, 0, "cannot write baseline");
	json_decref(root);
	return rc;
}
