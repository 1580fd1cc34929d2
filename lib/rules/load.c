/*
 * Reading one rule file: YAML schema checks with file:line:col, strings
 * copied into the pack, patterns compiled.  Unknown keys are errors.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/buf.h"
#include "nhigate/hash.h"
#include "nhigate/yaml.h"
#include "rules/pack.h"

#define MAX_RULE_FILE (8u << 20)

typedef struct loader {
	nhg_rulepack *pack;
	const char *file;
	nhg_error *err;
} loader;

static int bad(loader *l, const nhg_yaml_node *n, const char *fmt, const char *arg)
{
	return nhg_error_at(l->err, NHG_EINPUT, l->file, n ? n->line : 0,
			    n ? n->column : 0, fmt, arg);
}

static int want_str(loader *l, const nhg_yaml_node *v, const char *key, const char **out)
{
	if (v->kind != NHG_YAML_SCALAR)
		return bad(l, v, "'%s' must be a string", key);
	if (memchr(v->str, '\0', v->len))
		return bad(l, v, "'%s' contains a NUL byte", key);
	if (!(*out = nhg_pack__strndup(l->pack, v->str, v->len)))
		return nhg_error_set(l->err, NHG_ENOMEM, "out of memory");
	return 0;
}

static int want_list(loader *l, const nhg_yaml_node *v, const char *key, nhg_strlist *out,
		     bool lower)
{
	if (v->kind != NHG_YAML_SEQ)
		return bad(l, v, "'%s' must be a list of strings", key);
	for (size_t i = 0; i < v->n; i++) {
		const nhg_yaml_node *it = v->items[i];
		if (it->kind != NHG_YAML_SCALAR || memchr(it->str, '\0', it->len))
			return bad(l, it, "'%s' must be a list of strings", key);
		if (nhg_pack__strlist_add(l->pack, out, it->str, it->len))
			return nhg_error_set(l->err, NHG_ENOMEM, "out of memory");
		if (lower)
			for (char *p = (char *)out->v[out->n - 1]; *p; p++)
				*p = (char)tolower((unsigned char)*p);
	}
	return 0;
}

static int want_bool(loader *l, const nhg_yaml_node *v, const char *key, bool *out)
{
	if (nhg_yaml_is(v, "true"))
		*out = true;
	else if (nhg_yaml_is(v, "false"))
		*out = false;
	else
		return bad(l, v, "'%s' must be true or false", key);
	return 0;
}

static int want_number(loader *l, const nhg_yaml_node *v, const char *key, double *out)
{
	char *end;
	if (v->kind != NHG_YAML_SCALAR || !v->len)
		return bad(l, v, "'%s' must be a number", key);
	*out = strtod(v->str, &end);
	if (*end || *out < 0 || *out > 8)
		return bad(l, v, "'%s' must be a number from 0 to 8", key);
	return 0;
}

static bool valid_id(const char *s)
{
	if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int load_examples(loader *l, const nhg_yaml_node *v, nhg_rule *r)
{
	const nhg_yaml_node *k, *e;
	size_t it = 0;
	int rc;

	if (v->kind != NHG_YAML_MAP)
		return bad(l, v, "'%s' must be a mapping with match and nomatch", "examples");
	while (nhg_yaml_map_next(v, &it, &k, &e)) {
		if (nhg_yaml_is(k, "match"))
			rc = want_list(l, e, "match", &r->match, false);
		else if (nhg_yaml_is(k, "nomatch"))
			rc = want_list(l, e, "nomatch", &r->nomatch, false);
		else
			rc = bad(l, k, "unknown key '%s' in examples", k->str);
		if (rc)
			return rc;
	}
	return 0;
}

static int rule_field(loader *l, nhg_rule *r, const nhg_yaml_node *k, const nhg_yaml_node *v,
		      const nhg_yaml_node **pattern_node)
{
	const char *key = k->kind == NHG_YAML_SCALAR ? k->str : "?";
	const char *s;
	int rc;

	if (!strcmp(key, "id"))
		return want_str(l, v, key, &r->id);
	if (!strcmp(key, "title"))
		return want_str(l, v, key, &r->title);
	if (!strcmp(key, "remediation"))
		return want_str(l, v, key, &r->remediation);
	if (!strcmp(key, "pattern")) {
		*pattern_node = v;
		return want_str(l, v, key, &r->pattern);
	}
	if (!strcmp(key, "severity")) {
		if ((rc = want_str(l, v, key, &s)) != 0)
			return rc;
		if (nhg_severity_parse(&r->severity, s))
			return bad(l, v, "unknown severity '%s' (critical, high, medium, low)", s);
		return 0;
	}
	if (!strcmp(key, "validate")) {
		if ((rc = want_str(l, v, key, &r->validate)) != 0)
			return rc;
		return nhg_validator_known(r->validate) ? 0 :
			bad(l, v, "unknown validator '%s' (github-crc32)", r->validate);
	}
	if (!strcmp(key, "keywords")) {
		if ((rc = want_list(l, v, key, &r->keywords, true)) != 0)
			return rc;
		for (size_t i = 0; i < r->keywords.n; i++)
			if (strlen(r->keywords.v[i]) < 3)
				return bad(l, v->items[i], "keyword '%s' is shorter than 3 bytes",
					   r->keywords.v[i]);
		return 0;
	}
	if (!strcmp(key, "stopwords"))
		return want_list(l, v, key, &r->stopwords, true);
	if (!strcmp(key, "allow"))
		return want_list(l, v, key, &r->allow, false);
	if (!strcmp(key, "allow_match"))
		return want_list(l, v, key, &r->allow_match, false);
	if (!strcmp(key, "paths"))
		return want_list(l, v, key, &r->paths, false);
	if (!strcmp(key, "controls"))
		return want_list(l, v, key, &r->controls, false);
	if (!strcmp(key, "entropy"))
		return want_number(l, v, key, &r->entropy);
	if (!strcmp(key, "generic"))
		return want_bool(l, v, key, &r->generic);
	if (!strcmp(key, "anchor")) {
		if (!nhg_yaml_is(v, "identifier") && !nhg_yaml_is(v, "anywhere"))
			return bad(l, v, "'%s' must be identifier or anywhere", key);
		r->anchor_identifier = nhg_yaml_is(v, "identifier");
		return 0;
	}
	if (!strcmp(key, "examples"))
		return load_examples(l, v, r);
	return bad(l, k, "unknown key '%s' in rule", key);
}

/* Compile a rule's list of regexes; errors point at the list item. */
static int compile_list(loader *l, pcre2_code ***out, const nhg_strlist *res,
			const nhg_yaml_node *rule_node, const char *key)
{
	const nhg_yaml_node *list = nhg_yaml_map_get(rule_node, key);
	int rc;
	if (!res->n)
		return 0;
	if (!(*out = calloc(res->n, sizeof(**out))))
		return nhg_error_set(l->err, NHG_ENOMEM, "out of memory");
	for (size_t i = 0; i < res->n; i++) {
		const nhg_yaml_node *pos = list && i < list->n ? list->items[i] : rule_node;
		if ((rc = nhg_pack__compile(&(*out)[i], res->v[i], 0, l->file, pos->line,
					    pos->column, l->err)) != 0)
			return rc;
	}
	return 0;
}

static int compile_rule(loader *l, nhg_rule *r, nhg_compiled_rule *c,
			const nhg_yaml_node *pattern_node, const nhg_yaml_node *rule_node)
{
	int rc, num;

	if ((rc = nhg_pack__compile(&c->re, r->pattern, 0, l->file, pattern_node->line,
				    pattern_node->column, l->err)) != 0)
		return rc;
	if (r->anchor_identifier &&
	    (rc = nhg_pack__compile(&c->re_anchored, r->pattern, PCRE2_ANCHORED, l->file,
				    pattern_node->line, pattern_node->column, l->err)) != 0)
		return rc;
	num = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "secret");
	if (num <= 0)
		return bad(l, pattern_node, "pattern of rule '%s' has no (?<secret>...) group", r->id);
	c->secret_group = (uint32_t)num;
	if ((rc = compile_list(l, &c->allow, &r->allow, rule_node, "allow")) != 0)
		return rc;
	return compile_list(l, &c->allow_match, &r->allow_match, rule_node, "allow_match");
}

static int add_rule(loader *l, const nhg_yaml_node *node)
{
	static const char *const required[] = { "id", "title", "severity", "keywords", "pattern" };
	nhg_rulepack *pack = l->pack;
	const nhg_yaml_node *k, *v, *pattern_node = NULL;
	nhg_rule r;
	size_t it = 0;
	int rc;

	if (node->kind != NHG_YAML_MAP)
		return bad(l, node, "%s", "a rule must be a mapping");
	memset(&r, 0, sizeof(r));
	r.file = l->file;
	r.line = node->line;
	r.column = node->column;
	while (nhg_yaml_map_next(node, &it, &k, &v))
		if ((rc = rule_field(l, &r, k, v, &pattern_node)) != 0)
			return rc;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!nhg_yaml_map_get(node, required[i]))
			return bad(l, node, "rule is missing '%s'", required[i]);
	if (!valid_id(r.id))
		return bad(l, nhg_yaml_map_get(node, "id"),
			   "rule id '%s' must be lowercase letters, digits, '-', '_' or '.'", r.id);
	if (!r.keywords.n)
		return bad(l, nhg_yaml_map_get(node, "keywords"), "rule '%s' needs at least one keyword", r.id);
	for (size_t i = 0; i < pack->n; i++)
		if (!strcmp(pack->rules[i].id, r.id)) {
			char where[600];
			snprintf(where, sizeof(where), "duplicate rule id '%s' (first defined at %s:%d:%d)",
				 r.id, pack->rules[i].file, pack->rules[i].line, pack->rules[i].column);
			return bad(l, nhg_yaml_map_get(node, "id"), "%s", where);
		}
	if (pack->n >= NHG_MAX_RULES)
		return bad(l, node, "%s", "too many rules");
	if (pack->n == pack->cap) {
		size_t cap = pack->cap ? pack->cap * 2 : 64;
		nhg_rule *nr = realloc(pack->rules, cap * sizeof(*nr));
		nhg_compiled_rule *nc;
		if (!nr)
			return nhg_error_set(l->err, NHG_ENOMEM, "out of memory");
		pack->rules = nr;
		if (!(nc = realloc(pack->compiled, cap * sizeof(*nc))))
			return nhg_error_set(l->err, NHG_ENOMEM, "out of memory");
		pack->compiled = nc;
		pack->cap = cap;
	}
	r.index = (unsigned)pack->n;
	pack->rules[pack->n] = r;
	memset(&pack->compiled[pack->n], 0, sizeof(nhg_compiled_rule));
	pack->n++; /* counted now so that free releases a half-compiled rule */
	return compile_rule(l, &pack->rules[pack->n - 1], &pack->compiled[pack->n - 1],
			    pattern_node, node);
}

static int load_root(loader *l, const nhg_yaml_node *root)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	int rc = 0;

	if (!root)
		return 0;
	if (root->kind != NHG_YAML_MAP)
		return bad(l, root, "%s", "a rule file must be a mapping with 'rules:'");
	/* a pipeline check file given with --rules holds no secret rules */
	if (nhg_yaml_map_get(root, "checks") && !nhg_yaml_map_get(root, "rules"))
		return 0;
	while (!rc && nhg_yaml_map_next(root, &it, &k, &v)) {
		if (nhg_yaml_is(k, "rules")) {
			if (v->kind != NHG_YAML_SEQ)
				return bad(l, v, "%s", "'rules' must be a list");
			for (size_t i = 0; i < v->n && !rc; i++)
				rc = add_rule(l, v->items[i]);
		} else if (nhg_yaml_is(k, "allow")) {
			rc = want_list(l, v, "allow", &l->pack->allow, false);
		} else if (nhg_yaml_is(k, "stopwords")) {
			rc = want_list(l, v, "stopwords", &l->pack->stopwords, true);
		} else {
			rc = bad(l, k, "unknown key '%s' (rules, allow, stopwords)",
				 k->kind == NHG_YAML_SCALAR ? k->str : "?");
		}
	}
	return rc;
}

int nhg_pack__load_file(nhg_rulepack *pack, const char *path, void *hash, nhg_error *err)
{
	nhg_buf b = NHG_BUF_INIT(MAX_RULE_FILE);
	nhg_yaml_doc *doc = NULL;
	loader l = { pack, NULL, err };
	const char *base;
	int rc;

	if (!(l.file = nhg_pack__strndup(pack, path, strlen(path))))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if ((rc = nhg_yaml_load_file(&doc, path, MAX_RULE_FILE, &b, err)) != 0)
		goto out;
	/* the file's name, not where it is installed: one policy, one hash */
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	nhg_sha256_update(hash, base, strlen(base) + 1);
	nhg_sha256_update(hash, b.ptr, b.len);
	for (size_t i = 0; i < nhg_yaml_doc_count(doc) && !rc; i++)
		rc = load_root(&l, nhg_yaml_doc_root(doc, i));
out:
	nhg_yaml_free(doc);
	nhg_buf_free(&b);
	return rc;
}
