#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/buf.h"
#include "nhigate/config.h"
#include "nhigate/hash.h"
#include "nhigate/yaml.h"

#define MAX_CONFIG (1u << 20)

static int bad(const char *file, const nhg_yaml_node *n, nhg_error *err, const char *fmt,
	       const char *arg)
{
	return nhg_error_at(err, NHG_EINPUT, file, n->line, n->column, fmt, arg);
}

static int load_secrets(nhg_config *cfg, const char *file, const nhg_yaml_node *m,
			nhg_error *err)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;

	if (m->kind != NHG_YAML_MAP)
		return bad(file, m, err, "%s", "'secrets' must be a mapping");
	while (nhg_yaml_map_next(m, &it, &k, &v)) {
		if (nhg_yaml_is(k, "exclude")) {
			if (v->kind != NHG_YAML_SEQ)
				return bad(file, v, err, "%s", "'exclude' must be a list of globs");
			cfg->exclude.v = calloc(v->n + 1, sizeof(char *));
			if (!cfg->exclude.v)
				return nhg_error_set(err, NHG_ENOMEM, "out of memory");
			for (size_t i = 0; i < v->n; i++) {
				if (v->items[i]->kind != NHG_YAML_SCALAR)
					return bad(file, v->items[i], err, "%s",
						   "'exclude' must be a list of globs");
				if (!(cfg->exclude.v[cfg->exclude.n++] = strdup(v->items[i]->str)))
					return nhg_error_set(err, NHG_ENOMEM, "out of memory");
			}
		} else if (nhg_yaml_is(k, "max_file_size")) {
			char *end;
			unsigned long long n;
			errno = 0;
			n = v->kind == NHG_YAML_SCALAR ? strtoull(v->str, &end, 10) : 0;
			if (v->kind != NHG_YAML_SCALAR || !v->len || *end || errno || n == 0)
				return bad(file, v, err, "%s", "'max_file_size' must be a positive number of bytes");
			cfg->max_file_size = (size_t)n;
		} else {
			return bad(file, k, err, "unknown key '%s' in secrets (exclude, max_file_size)",
				   k->kind == NHG_YAML_SCALAR ? k->str : "?");
		}
	}
	return 0;
}

static int load_pipeline(nhg_config *cfg, const char *file, const nhg_yaml_node *m,
			 nhg_error *err)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;

	if (m->kind != NHG_YAML_MAP)
		return bad(file, m, err, "%s", "'pipeline' must be a mapping");
	while (nhg_yaml_map_next(m, &it, &k, &v)) {
		if (!nhg_yaml_is(k, "checks"))
			return bad(file, k, err, "unknown key '%s' in pipeline (checks)",
				   k->kind == NHG_YAML_SCALAR ? k->str : "?");
		if (v->kind != NHG_YAML_MAP)
			return bad(file, v, err, "%s", "'checks' must map check ids to settings");
		cfg->pipeline_checks = v;
	}
	return 0;
}

/* Read the top-level keys of a parsed configuration into cfg. */
static int load_root(nhg_config *cfg, const char *name, const nhg_yaml_node *root,
		     nhg_error *err)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	int rc = 0;

	if (root && root->kind != NHG_YAML_MAP)
		return bad(name, root, err, "%s", "the configuration must be a mapping");
	while (root && nhg_yaml_map_next(root, &it, &k, &v) && !rc) {
		if (nhg_yaml_is(k, "secrets"))
			rc = load_secrets(cfg, name, v, err);
		else if (nhg_yaml_is(k, "pipeline"))
			rc = load_pipeline(cfg, name, v, err);
		else if (nhg_yaml_is(k, "policy"))
			cfg->policy = v;     /* read by the gate (nhg_policy_load) */
		else if (nhg_yaml_is(k, "extends"))
			cfg->extends = v;
		else
			rc = bad(name, k, err, "unknown key '%s' (secrets, pipeline, policy, extends)",
				 k->kind == NHG_YAML_SCALAR ? k->str : "?");
	}
	return rc;
}

int nhg_config_parse(nhg_config **out, const char *data, size_t len, const char *name,
		     nhg_error *err)
{
	nhg_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	if (!cfg)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if (len > MAX_CONFIG)
		rc = nhg_error_at(err, NHG_EINPUT, name, 0, 0, "larger than %u bytes", MAX_CONFIG);
	else if (!(cfg->path = strdup(name)))
		rc = nhg_error_set(err, NHG_ENOMEM, "out of memory");
	else if ((rc = nhg_yaml_parse(&cfg->doc, data, len, name, NULL, err)) == 0)
		rc = load_root(cfg, name, nhg_yaml_doc_root(cfg->doc, 0), err);
	if (!rc)
		nhg_sha256_hex(cfg->sha256, data, len);
	if (rc) {
		nhg_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int nhg_config_load(nhg_config **out, const char *path, bool optional, nhg_error *err)
{
	nhg_buf text = NHG_BUF_INIT(MAX_CONFIG);
	struct stat st;
	int rc;

	if (optional && stat(path, &st) != 0 && errno == ENOENT) {
		if (!(*out = calloc(1, sizeof(**out))))
			return nhg_error_set(err, NHG_ENOMEM, "out of memory");
		return 0;
	}
	if ((rc = nhg_buf_read_file(&text, path, err)) == NHG_ELIMIT)
		rc = nhg_error_at(err, NHG_EINPUT, path, 0, 0, "larger than %u bytes", MAX_CONFIG);
	if (!rc)
		rc = nhg_config_parse(out, text.ptr, text.len, path, err);
	nhg_buf_free(&text);
	return rc;
}

void nhg_config_free(nhg_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->exclude.n; i++)
		free((char *)cfg->exclude.v[i]);
	free(cfg->exclude.v);
	free(cfg->path);
	nhg_yaml_free(cfg->doc);
	free(cfg);
}
