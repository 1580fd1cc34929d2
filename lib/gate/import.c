/*
 * nhg_verdict_import: recognise the input (SARIF 2.1.0, or one of nhigate's
 * JSON outputs), read it into a staging verdict, and only when all of it was
 * read move the findings and skips into the caller's verdict.  Also the
 * helpers both readers share: typed look-ups and one-line text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gate/import.h"

/* The most bytes one input may have; jansson needs several times as much memory. */
#define MAX_INPUT ((size_t)256 << 20)

int nhg_import_bad(nhg_import *x, const char *where, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nhg_error_at(x->err, NHG_EINPUT, x->name, 0, 0, "%s%s%s", where ? where : "",
			    where && *where ? ": " : "", msg);
}

int nhg_import_nomem(nhg_import *x)
{
	return nhg_error_set(x->err, NHG_ENOMEM, "out of memory reading %s", x->name);
}

int nhg_import_count(nhg_import *x)
{
	if (++x->items > NHG_IMPORT_MAX_ITEMS)
		return nhg_error_at(x->err, NHG_ELIMIT, x->name, 0, 0,
				    "more than %u results or findings", NHG_IMPORT_MAX_ITEMS);
	return 0;
}

int nhg_import_room(nhg_import *x, size_t n)
{
	if (n > NHG_IMPORT_MAX_ITEMS - x->items)
		return nhg_error_at(x->err, NHG_ELIMIT, x->name, 0, 0,
				    "more than %u results or findings", NHG_IMPORT_MAX_ITEMS);
	return 0;
}

/* o[key], or NULL when o is not an object, the key is absent or the value null. */
static json_t *member(const json_t *o, const char *key)
{
	json_t *m = json_is_object(o) ? json_object_get(o, key) : NULL;
	return json_is_null(m) ? NULL : m;
}

int nhg_import_str(nhg_import *x, const json_t *o, const char *key, const char **out,
		   const char *where)
{
	json_t *m = member(o, key);
	*out = NULL;
	if (!m)
		return 0;
	if (!json_is_string(m))
		return nhg_import_bad(x, where, "\"%s\" must be a string", key);
	*out = json_string_value(m);
	return 0;
}

int nhg_import_obj(nhg_import *x, const json_t *o, const char *key, json_t **out,
		   const char *where)
{
	json_t *m = member(o, key);
	*out = NULL;
	if (!m)
		return 0;
	if (!json_is_object(m))
		return nhg_import_bad(x, where, "\"%s\" must be an object", key);
	*out = m;
	return 0;
}

int nhg_import_arr(nhg_import *x, const json_t *o, const char *key, json_t **out,
		   const char *where)
{
	json_t *m = member(o, key);
	*out = NULL;
	if (!m)
		return 0;
	if (!json_is_array(m))
		return nhg_import_bad(x, where, "\"%s\" must be an array", key);
	*out = m;
	return 0;
}

int nhg_import_bool(nhg_import *x, const json_t *o, const char *key, bool *out,
		    const char *where)
{
	json_t *m = member(o, key);
	if (!m)
		return 0;
	if (!json_is_boolean(m))
		return nhg_import_bad(x, where, "\"%s\" must be true or false", key);
	*out = json_is_true(m);
	return 0;
}

int nhg_import_u32(nhg_import *x, const json_t *o, const char *key, uint32_t min,
		   uint32_t *out, const char *where)
{
	json_t *m = member(o, key);
	json_int_t n;
	if (!m)
		return 0;
	if (!json_is_integer(m))
		return nhg_import_bad(x, where, "\"%s\" must be an integer", key);
	n = json_integer_value(m);
	if (n < (json_int_t)min || n > (json_int_t)UINT32_MAX)
		return nhg_import_bad(x, where, "\"%s\" is out of range (%lld)", key, (long long)n);
	*out = (uint32_t)n;
	return 0;
}

/* ---- one-line text ----------------------------------------------------- */

int nhg_line_init(nhg_line *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
	l->p = malloc(max + 4);   /* room for "…" and the NUL */
	return l->p ? 0 : NHG_ENOMEM;
}

void nhg_line_free(nhg_line *l)
{
	free(l->p);
	l->p = NULL;
}

/* Bytes in the UTF-8 sequence starting with c; 0 for a byte that cannot start one. */
static size_t seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3
	     : c >= 0xf0 && c < 0xf5 ? 4 : 0;
}

/* Characters shown as a space: controls, NEL, line/paragraph separators, bidi overrides. */
static bool blank(const unsigned char *s, size_t n)
{
	if (n == 1)
		return *s <= 0x20 || *s == 0x7f;
	if (n == 2)
		return s[0] == 0xc2 && s[1] < 0xa0;   /* C1 controls, NBSP excluded */
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x80)
		return s[2] == 0xa8 || s[2] == 0xa9 || (s[2] >= 0xaa && s[2] <= 0xae);
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x81)
		return s[2] >= 0xa6 && s[2] <= 0xa9;
	return false;
}

void nhg_line_add(nhg_line *l, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t budget = ((size_t)64 << 10) + 64 * l->max;
	bool over = n > budget - l->read;

	/* blanks produce nothing: bound the input looked at, not only the output */
	if (over) {
		n = budget - l->read;
		while (n && (u[n] & 0xc0) == 0x80)   /* end on a character boundary */
			n--;
	}
	l->read += n;
	for (size_t i = 0, step; i < n && !l->cut; i += step) {
		const unsigned char *c = u + i;
		size_t k = seq_len(*c);
		bool ok = k && k <= n - i;
		for (size_t j = 1; ok && j < k; j++)
			ok = (c[j] & 0xc0) == 0x80;
		step = ok ? k : 1;
		if (!ok) {   /* not UTF-8 (jansson's strings always are) */
			c = (const unsigned char *)"?";
			k = 1;
		}
		if (blank(c, k)) {
			l->space = l->len > 0;
			continue;
		}
		if (l->len + k + (l->space ? 1 : 0) > l->max) {
			l->cut = true;
			break;
		}
		if (l->space)
			l->p[l->len++] = ' ';
		memcpy(l->p + l->len, c, k);
		l->len += k;
		l->space = false;
	}
	if (over)
		l->cut = true;
}

char *nhg_line_take(nhg_line *l)
{
	char *p = l->p;
	if (!l->len) {
		nhg_line_free(l);
		return NULL;
	}
	if (l->cut) {
		memcpy(p + l->len, "\xe2\x80\xa6", 3);
		l->len += 3;
	}
	p[l->len] = '\0';
	l->p = NULL;
	return p;
}

int nhg_import_line(nhg_import *x, const char *s, size_t max, char **out)
{
	nhg_line l;
	*out = NULL;
	if (!s)
		return 0;
	if (nhg_line_init(&l, max))
		return nhg_import_nomem(x);
	nhg_line_add(&l, s, strlen(s));
	*out = nhg_line_take(&l);
	return 0;
}

int nhg_import_dup(nhg_import *x, const char *s, char **out)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return nhg_import_nomem(x);
	return 0;
}

int nhg_import_id(nhg_import *x, const char *s, char **out, const char *what,
		  const char *where)
{
	size_t n = s ? strlen(s) : 0;
	*out = NULL;
	if (!n)
		return nhg_import_bad(x, where, "%s is missing or empty", what);
	if (n > NHG_IMPORT_MAX_ID)
		return nhg_import_bad(x, where, "%s is longer than %u bytes", what,
				      NHG_IMPORT_MAX_ID);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return nhg_import_bad(x, where, "%s holds a control character", what);
	return nhg_import_dup(x, s, out);
}

bool nhg_import_hex64(char out[65], const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		out[i] = c;
	}
	out[64] = '\0';
	return true;
}

int nhg_import_control(nhg_import *x, nhg_gfinding *f, const char *s)
{
	const char *id = NULL;
	const char **v;
	char *copy;

	for (size_t i = 0; s && !id && i < nhg_controls_count(); i++)
		if (!strcasecmp(s, nhg_control_id(i)))
			id = nhg_control_id(i);
	if (!id)
		return 0;
	for (size_t i = 0; i < f->controls.n; i++)
		if (!strcmp(f->controls.v[i], id))
			return 0;
	/* at most the 17 known ids: grow one by one */
	if (!(v = realloc(f->controls.v, (f->controls.n + 1) * sizeof(*v))))
		return nhg_import_nomem(x);
	f->controls.v = v;
	if (!(copy = strdup(id)))
		return nhg_import_nomem(x);
	f->controls.v[f->controls.n++] = copy;
	return 0;
}

/* ---- the entry point ---------------------------------------------------- */

/* Move the staging verdict's findings and skips to the end of v's (all or none). */
static int move_into(nhg_verdict *v, nhg_verdict *s)
{
	if (s->nfindings && v->capfindings - v->nfindings < s->nfindings) {
		nhg_gfinding *p = realloc(v->findings, (v->nfindings + s->nfindings) * sizeof(*p));
		if (!p)
			return NHG_ENOMEM;
		v->findings = p;
		v->capfindings = v->nfindings + s->nfindings;
	}
	if (s->nskipped && v->capskipped - v->nskipped < s->nskipped) {
		nhg_gskip *p = realloc(v->skipped, (v->nskipped + s->nskipped) * sizeof(*p));
		if (!p)
			return NHG_ENOMEM;
		v->skipped = p;
		v->capskipped = v->nskipped + s->nskipped;
	}
	if (s->nfindings)
		memcpy(v->findings + v->nfindings, s->findings, s->nfindings * sizeof(*s->findings));
	if (s->nskipped)
		memcpy(v->skipped + v->nskipped, s->skipped, s->nskipped * sizeof(*s->skipped));
	v->nfindings += s->nfindings;
	v->nskipped += s->nskipped;
	s->nfindings = s->nskipped = 0;   /* the strings now belong to v */
	return 0;
}

/* Which reader: "sarif", "verdict", "secrets", "pipeline"; NULL with err set. */
static const char *recognise(nhg_import *x, const json_t *root)
{
	const json_t *schema = json_object_get(root, "schema");
	const json_t *version = json_object_get(root, "version");
	const json_t *tool = json_object_get(root, "tool");

	if (json_is_string(schema)) {
		if (!strcmp(json_string_value(schema), "nhigate.verdict/v1"))
			return "verdict";
		nhg_import_bad(x, NULL, "schema \"%.100s\" holds no findings to import (expected "
			       "nhigate.verdict/v1, nhigate-secrets or nhigate-pipeline JSON, or "
			       "SARIF 2.1.0)", json_string_value(schema));
		return NULL;
	}
	if (json_object_get(root, "runs")) {
		if (json_is_string(version) && !strcmp(json_string_value(version), "2.1.0"))
			return "sarif";
		if (json_is_string(version))
			nhg_import_bad(x, NULL, "SARIF version \"%.40s\" is not supported (2.1.0 only)",
				       json_string_value(version));
		else
			nhg_import_bad(x, NULL, "a SARIF log needs \"version\": \"2.1.0\"");
		return NULL;
	}
	if (json_is_string(tool) && !strcmp(json_string_value(tool), "nhigate-secrets"))
		return "secrets";
	if (json_is_string(tool) && !strcmp(json_string_value(tool), "nhigate-pipeline"))
		return "pipeline";
	nhg_import_bad(x, NULL, "neither a SARIF 2.1.0 log nor nhigate JSON (no \"runs\", no "
		       "\"schema\", no \"tool\" of nhigate-secrets or nhigate-pipeline)");
	return NULL;
}

int nhg_verdict_import(nhg_verdict *v, const char *data, size_t len, const char *name,
		       nhg_error *err)
{
	nhg_verdict staging;
	nhg_import x = { &staging, name ? name : "findings", err, 0 };
	json_error_t jerr;
	json_t *root;
	const char *kind;
	int rc;

	if (len > MAX_INPUT)
		return nhg_error_at(err, NHG_ELIMIT, x.name, 0, 0,
				    "larger than %zu MiB", MAX_INPUT >> 20);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return nhg_error_at(err, NHG_EINPUT, x.name, jerr.line > 0 ? jerr.line : 0,
				    jerr.column > 0 ? jerr.column : 0, "invalid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return nhg_import_bad(&x, NULL, "neither a SARIF 2.1.0 log nor nhigate JSON "
				      "(the top level is not an object)");
	}
	memset(&staging, 0, sizeof(staging));
	if (!(kind = recognise(&x, root)))
		rc = NHG_EINPUT;
	else if (!strcmp(kind, "sarif"))
		rc = nhg_import_sarif(&x, root);
	else
		rc = nhg_import_nhigate(&x, root, kind);
	json_decref(root);
	if (!rc && (rc = move_into(v, &staging)) != 0)
		nhg_import_nomem(&x);
	nhg_verdict_free(&staging);
	return rc;
}
