/* Entry point: parse one pipeline file and run its platform's checks. */
#include <string.h>

#include "nhigate/text.h"
#include "pipeline/internal.h"

nhg_platform nhg_pipeline_platform_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(path);
	base = base ? base + 1 : path;
	if (!strcmp(base, ".gitlab-ci.yml"))
		return NHG_PLATFORM_GITLAB;
	if (!strcmp(base, "action.yml") || !strcmp(base, "action.yaml"))
		return NHG_PLATFORM_GITHUB;
	if ((n > 4 && !strcmp(path + n - 4, ".yml")) || (n > 5 && !strcmp(path + n - 5, ".yaml"))) {
		const char *wf = strstr(path, ".github/workflows/");
		/* directly in the workflows directory, not below it */
		if (wf && (wf == path || wf[-1] == '/') &&
		    !strchr(wf + strlen(".github/workflows/"), '/'))
			return NHG_PLATFORM_GITHUB;
	}
	return NHG_PLATFORM_UNKNOWN;
}

int nhg_pipeline_check(const nhg_catalogue *cat, nhg_platform platform,
		       const char *path, const char *data, size_t len,
		       nhg_presult *out, nhg_error *err)
{
	nhg_yaml_doc *doc = NULL;
	pctx x;
	int rc;

	if (platform != NHG_PLATFORM_GITHUB)
		return nhg_error_at(err, NHG_EUSAGE, path, 0, 0,
				    "%s pipelines are not checked by this version",
				    nhg_platform_name(platform));
	if (!nhg_text_is_utf8(data, len))
		return nhg_error_at(err, NHG_EINPUT, path, 0, 0, "not valid UTF-8");
	if ((rc = nhg_yaml_parse(&doc, data, len, path, NULL, err)) != 0)
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
		for (const check_impl *c = nhg_pipeline__checks; c->id && !x.rc; c++) {
			const nhg_check_def *def = nhg_catalogue_find(cat, c->id);
			if (c->platform == platform && def && def->enabled)
				c->run(&x, def);
		}
	}
	nhg_yaml_free(doc);
	if (x.rc)
		return nhg_error_set(err, x.rc, "out of memory");
	return 0;
}
