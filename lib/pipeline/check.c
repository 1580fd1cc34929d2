/* Entry point: parse one pipeline file and run its platform's checks. */
#include <stdlib.h>
#include <string.h>

#include "nhigate/dir.h"
#include "nhigate/text.h"
#include "pipeline/gl_model.h"
#include "pipeline/internal.h"
#include "pipeline/uses.h"

nhg_platform nhg_pipeline_platform_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!strcmp(base, ".gitlab-ci.yml"))
		return NHG_PLATFORM_GITLAB;
	if (!strcmp(base, "action.yml") || !strcmp(base, "action.yaml"))
		return NHG_PLATFORM_GITHUB;
	if (nhg_dir_is_yaml(path)) {
		const char *wf = strstr(path, ".github/workflows/");
		/* directly in the workflows directory, not below it */
		if (wf && (wf == path || wf[-1] == '/') &&
		    !strchr(wf + strlen(".github/workflows/"), '/'))
			return NHG_PLATFORM_GITHUB;
	}
	return NHG_PLATFORM_UNKNOWN;
}

static void run_checks(pctx *x, nhg_platform platform)
{
	for (const check_impl *c = nhg_pipeline__checks; c->id && !x->rc; c++) {
		const nhg_check_def *def = nhg_catalogue_find(x->cat, c->id);
		if (c->run && c->platform == platform && def && def->enabled)
			c->run(x, def);
	}
}

/* GitLab: a model (includes, extends, defaults) per document, then the checks. */
static void run_gitlab(pctx *x, const char *repo_root)
{
	char *dir = NULL;
	gl_model *m = NULL;
	const char *slash = strrchr(x->path, '/');
	int rc;

	if (!repo_root) {
		if (!(dir = slash ? strndup(x->path, (size_t)(slash - x->path)) : strdup("."))) {
			x->rc = NHG_ENOMEM;
			return;
		}
		repo_root = dir;
	}
	if ((rc = gl_model_build(&m, x->root, x->path, repo_root)) != 0) {
		x->rc = rc;
		free(dir);
		return;
	}
	m->first_finding = x->out->n;
	x->model = m;
	x->path_of = gl_model_path_of;
	run_checks(x, NHG_PLATFORM_GITLAB);
	nhg_uses__collect(x, NHG_PLATFORM_GITLAB);
	x->model = NULL;
	x->path_of = NULL;
	gl_model_free(m);
	free(dir);
}

int nhg_pipeline_check(const nhg_catalogue *cat, nhg_platform platform,
		       const char *path, const char *data, size_t len,
		       nhg_presult *out, nhg_error *err)
{
	return nhg_pipeline_check_in(cat, platform, NULL, path, data, len, out, err);
}

int nhg_pipeline_check_in(const nhg_catalogue *cat, nhg_platform platform,
			  const char *repo_root, const char *path, const char *data,
			  size_t len, nhg_presult *out, nhg_error *err)
{
	nhg_yaml_doc *doc = NULL;
	nhg_yaml_limits lim = NHG_YAML_LIMITS_INIT;
	pctx x;
	int rc;

	if (platform != NHG_PLATFORM_GITHUB && platform != NHG_PLATFORM_GITLAB)
		return nhg_error_at(err, NHG_EUSAGE, path, 0, 0,
				    "%s pipelines are not checked by this version",
				    nhg_platform_name(platform));
	if (!nhg_text_is_utf8(data, len))
		return nhg_error_at(err, NHG_EINPUT, path, 0, 0, "not valid UTF-8");
	/* GitLab reads a repeated key as the last one given; so does the model */
	lim.last_key_wins = platform == NHG_PLATFORM_GITLAB;
	if ((rc = nhg_yaml_parse(&doc, data, len, path, &lim, err)) != 0)
		return rc;
	out->files++;
	memset(&x, 0, sizeof(x));
	x.cat = cat;
	x.path = path;
	x.out = out;
	for (size_t d = 0; d < nhg_yaml_doc_count(doc); d++) {
		x.root = nhg_yaml_doc_root(doc, d);
		if (!x.root || x.root->kind != NHG_YAML_MAP)
			continue;
		if (platform == NHG_PLATFORM_GITLAB) {
			/* a component's spec: header is a document of its own */
			if (nhg_yaml_doc_count(doc) > 1 && nhg_yaml_map_get(x.root, "spec") &&
			    x.root->n == 1)
				continue;
			run_gitlab(&x, repo_root);
		} else {
			run_checks(&x, platform);
			nhg_uses__collect(&x, platform);
		}
	}
	nhg_yaml_free(doc);
	if (x.rc == NHG_ELIMIT)
		return nhg_error_at(err, x.rc, path, 0, 0,
				    "too large to resolve (extends, !reference and includes)");
	if (x.rc)
		return nhg_error_set(err, x.rc, "out of memory");
	return 0;
}
