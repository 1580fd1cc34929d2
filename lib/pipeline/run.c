/*
 * Running the pipeline checks over what a command names: paths (pipeline
 * files found below them) or the pipeline files a git change touches, each
 * new-version finding marked existing when the base version has it too.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nhigate/buf.h"
#include "nhigate/clock.h"
#include "nhigate/dir.h"
#include "nhigate/pipeline.h"
#include "nhigate/source.h"

typedef struct run_ctx {
	const nhg_pipeline_run *run;
	nhg_presult *result;
	nhg_error *err;
	const char *repo_root;   /* where GitLab local includes are read from */
} run_ctx;

/* Check one file's bytes (named path) into r: the checks, then SECRET-001. */
static int check_bytes(const run_ctx *x, nhg_platform p, const char *path, const char *data,
		       size_t len, nhg_presult *r, nhg_error *err)
{
	int rc;
	if (nhg_clock_passed(x->run->deadline))
		return nhg_error_set(err, NHG_ESTOP, "the time budget ran out");
	rc = nhg_pipeline_check_in(x->run->cat, p, x->repo_root, path, data, len, r, err);
	if (!rc && x->run->scanner)
		rc = nhg_pipeline_secrets(x->run->cat, x->run->scanner, path, data, len, r, err);
	return rc;
}

static int check_one(const char *path, nhg_platform platform, void *payload)
{
	run_ctx *x = payload;
	nhg_buf b = NHG_BUF_INIT(NHG_PIPELINE_MAX_FILE);
	const char *shown = strncmp(path, "./", 2) ? path : path + 2;
	int rc;

	if ((rc = nhg_buf_read_file(&b, path, x->err)) == NHG_ELIMIT) {
		nhg_buf_free(&b);
		return nhg_presult_add_skip(x->result, shown, "too large");
	}
	/* found but unreadable: listed, so the run is incomplete (fail closed) */
	if (rc == NHG_EINPUT || rc == NHG_EIO) {
		nhg_buf_free(&b);
		return nhg_presult_add_skip(x->result, shown, x->err->message[0] ? x->err->message
									: "cannot be read");
	}
	if (rc == 0)
		rc = check_bytes(x, platform, shown, b.ptr, b.len, x->result, x->err);
	nhg_buf_free(&b);
	/* a bound met while checking (a secret rule's regex limit): its own reason */
	if (rc == NHG_ELIMIT)
		return nhg_presult_add_skip(x->result, shown, x->err && x->err->message[0]
								      ? x->err->message
								      : "a limit was reached");
	return rc;
}

/*
 * The repository root of a path given on the command line: the directory
 * itself, or a file's directory; "./" dropped as in the paths shown.
 */
static char *repo_root_of(const char *arg)
{
	struct stat st;
	const char *slash;
	while (!strncmp(arg, "./", 2))
		arg += 2;
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return strdup(*arg ? arg : ".");
	slash = strrchr(arg, '/');
	return slash ? strndup(arg, (size_t)(slash - arg + (slash == arg))) : strdup(".");
}

int nhg_pipeline_run_paths(nhg_presult *out, const nhg_pipeline_run *run,
			   const char *const *paths, size_t npaths, nhg_error *err)
{
	run_ctx x = { run, out, err, NULL };
	int rc = 0;

	for (size_t i = 0; i < npaths && !rc; i++) {
		struct stat st;
		char *root;
		/* a file named outside the usual places needs a platform: never ignore it */
		if (!run->platform && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    !nhg_pipeline_platform_of(paths[i]))
			return nhg_error_set(err, NHG_EUSAGE,
					     "%s is not in a place pipelines live; give --platform "
					     "github or --platform gitlab", paths[i]);
		if (!(root = repo_root_of(paths[i])))
			return nhg_error_set(err, NHG_ENOMEM, "out of memory");
		x.repo_root = root;
		rc = nhg_pipeline_discover(paths[i], run->platform, check_one, &x, err);
		free(root);
	}
	return rc;
}

static bool want_file(const char *path, void *payload)
{
	run_ctx *x = payload;
	return x->run->platform ? nhg_dir_is_yaml(path)
				: nhg_pipeline_platform_of(path) != NHG_PLATFORM_UNKNOWN;
}

static bool fingerprint_in(const nhg_presult *r, const char *fp)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->findings[i].fingerprint, fp))
			return true;
	return false;
}

/*
 * One file of the change: check its base version, then its new version, and
 * mark each new-version finding existing when the base has its fingerprint.
 */
static int check_changed(const nhg_changed_file *f, void *payload)
{
	run_ctx *x = payload;
	nhg_platform p = x->run->platform ? x->run->platform : nhg_pipeline_platform_of(f->path);
	nhg_presult base;
	nhg_error ignored = NHG_ERROR_INIT;
	size_t first = x->result->n;
	int rc;

	if (f->skip)
		return nhg_presult_add_skip(x->result, f->path, f->skip);
	nhg_presult_init(&base);
	/* a base version that does not parse has no findings to compare with */
	if (f->base)
		check_bytes(x, p, f->path, f->base, f->base_len, &base, &ignored);
	rc = check_bytes(x, p, f->path, f->data, f->len, x->result, x->err);
	for (size_t i = first; !rc && i < x->result->n; i++)
		x->result->findings[i].existing = fingerprint_in(&base, x->result->findings[i].fingerprint);
	nhg_presult_free(&base);
	return rc;
}

int nhg_pipeline_run_git(nhg_presult *out, const nhg_pipeline_run *run, nhg_git_mode mode,
			 const char *spec, const char *repo, nhg_error *err)
{
	nhg_source_opts so = NHG_SOURCE_OPTS_INIT;
	run_ctx x = { run, out, err, repo };

	so.repo = repo;
	so.max_file_size = NHG_PIPELINE_MAX_FILE;
	return nhg_source_git_files(mode, spec, &so, want_file, check_changed, &x, err);
}
