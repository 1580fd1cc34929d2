/*
 * Pipeline checks: credential scope and lifetime in CI configuration.
 *
 * The catalogue (what each check is, its severity, rationale, fix, control
 * mapping and parameters) is data, loaded from the YAML files of rules/pipeline/; the
 * logic of each check is built in and keyed by its id.  nhg_pipeline_check
 * reads one pipeline file and appends its findings to a result.  Everything
 * a result holds is owned by it; check definitions are lent by the catalogue.
 */
#ifndef NHIGATE_PIPELINE_H
#define NHIGATE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/error.h"
#include "nhigate/rules.h"
#include "nhigate/source.h"
#include "nhigate/yaml.h"

typedef enum {
	NHG_PLATFORM_UNKNOWN = 0,
	NHG_PLATFORM_GITHUB,   /* GitHub Actions workflows and action.yml */
	NHG_PLATFORM_GITLAB,   /* .gitlab-ci.yml and its includes */
	NHG_PLATFORM_ANY       /* checks over all pipelines of a repository */
} nhg_platform;

const char *nhg_platform_name(nhg_platform p);

typedef struct nhg_check_def {
	const char *id;            /* "GH-PERM-001" */
	nhg_platform platform;
	const char *title;
	nhg_severity severity;
	bool enabled;
	const char *rationale;
	const char *fix;
	nhg_strlist controls;
	const nhg_yaml_node *params; /* mapping of thresholds and switches, or NULL */
	const nhg_yaml_node *override_params; /* from .nhigate.yaml; wins per key */
	const char *file;
	int line, column;
} nhg_check_def;

typedef struct nhg_catalogue nhg_catalogue;

/*
 * Load check definitions: each path is a YAML file, or a directory whose
 * pipeline/ subdirectory holds *.yaml files (a directory with only a
 * secrets/ subdirectory holds none; any other directory is read itself).
 * Every definition must name a check the library implements.
 */
int nhg_catalogue_load(nhg_catalogue **out, const char *const *paths, size_t npaths,
		       nhg_error *err);
/*
 * Apply a repository's settings (the value of pipeline: checks: in
 * .nhigate.yaml, read from file) to the loaded definitions: per check id,
 * enabled, severity and params (each parameter given replaces the pack's).
 * Unknown ids or keys are NHG_EINPUT with file:line:col.  The nodes are
 * lent: the configuration must outlive the catalogue's use.
 */
int nhg_catalogue_override(nhg_catalogue *cat, const nhg_yaml_node *checks, const char *file,
			   nhg_error *err);

/* 0 when every implemented check has a definition, else NHG_EINPUT naming one. */
int nhg_catalogue_complete(const nhg_catalogue *cat, nhg_error *err);
void nhg_catalogue_free(nhg_catalogue *cat);
size_t nhg_catalogue_count(const nhg_catalogue *cat);
/* sha256 over the names and contents of the files the definitions came from (lent). */
const char *nhg_catalogue_sha256(const nhg_catalogue *cat);
const nhg_check_def *nhg_catalogue_check(const nhg_catalogue *cat, size_t i);
const nhg_check_def *nhg_catalogue_find(const nhg_catalogue *cat, const char *id);

/* A parameter of a check: a scalar, or a list of scalars (NULL if unset). */
const nhg_yaml_node *nhg_check_param(const nhg_check_def *c, const char *name);

typedef struct nhg_pfinding {
	const nhg_check_def *check;
	nhg_severity severity;
	char *path;
	uint32_t line, column;     /* of the offending key or value */
	char *job;                 /* job id, or NULL at workflow level */
	char *step;                /* step name or "#N" (1-based), or NULL */
	char *message;             /* one line, no secret */
	/* sha256 of check, path, job, step and message: survives line moves */
	char fingerprint[65];
	/* git modes: 1 when the base version has the same finding, 0 when new, -1 n/a */
	int existing;
} nhg_pfinding;

typedef struct nhg_pskip {
	char *path;
	char *reason;
} nhg_pskip;

typedef struct nhg_idusage nhg_idusage;   /* inventory.h */

typedef struct nhg_presult {
	nhg_pfinding *findings;
	size_t n, cap;
	nhg_pskip *skipped;        /* files that could not be checked, with why */
	size_t nskipped, capskipped;
	size_t files;
	/*
	 * Lent by the caller, or NULL: when set, checking a file also records
	 * the identities it uses there (see inventory.h).  Not freed here.
	 */
	nhg_idusage *uses;
} nhg_presult;

void nhg_presult_init(nhg_presult *r);
void nhg_presult_free(nhg_presult *r);
void nhg_presult_sort(nhg_presult *r);
/*
 * After nhg_presult_sort: keep one finding per check, path, line and column
 * (a GitLab file included by a pipeline and also checked on its own is
 * reported once); of repeats the one with the least job, then message, stays.
 */
void nhg_presult_dedupe(nhg_presult *r);
int nhg_presult_add_skip(nhg_presult *r, const char *path, const char *reason);

/*
 * Find pipeline files under root (a file or a directory; .git and symlinks
 * are not entered): GitHub workflows and actions, .gitlab-ci.yml.  With
 * platform set, every *.yml / *.yaml file counts as that platform.
 */
int nhg_pipeline_discover(const char *root, nhg_platform platform,
			  int (*fn)(const char *path, nhg_platform p, void *payload),
			  void *payload, nhg_error *err);

/* The platform a repository-relative path implies, or NHG_PLATFORM_UNKNOWN. */
nhg_platform nhg_pipeline_platform_of(const char *path);

/*
 * Check one pipeline file (data, len bytes, named path in findings) as the
 * given platform.  Malformed YAML fails with NHG_EINPUT and file:line:col.
 */
int nhg_pipeline_check(const nhg_catalogue *cat, nhg_platform platform,
		       const char *path, const char *data, size_t len,
		       nhg_presult *out, nhg_error *err);

/*
 * nhg_pipeline_check with the repository root that GitLab local includes are
 * read below (NULL: the directory of path).  Findings in an included file
 * name that file (repo_root/include).  Includes that cannot be read are
 * skipped silently; remote, project, component and template includes are
 * never fetched.
 */
int nhg_pipeline_check_in(const nhg_catalogue *cat, nhg_platform platform,
			  const char *repo_root, const char *path, const char *data,
			  size_t len, nhg_presult *out, nhg_error *err);

/*
 * Hard-coded credentials in a pipeline file, found by the secrets engine
 * (scanner, from nhg_scanner_new over a rule pack) and reported as the
 * catalogue's SECRET-001 with the rule named and the secret redacted.  A
 * NULL scanner or a disabled SECRET-001 does nothing.
 */
struct nhg_scanner;
int nhg_pipeline_secrets(const nhg_catalogue *cat, struct nhg_scanner *scanner,
			 const char *path, const char *data, size_t len, nhg_presult *out,
			 nhg_error *err);

/* Pipeline files larger than this are skipped (and reported). */
#define NHG_PIPELINE_MAX_FILE (8u << 20)

/* What to run: the catalogue, the secrets engine for SECRET-001 (or NULL). */
typedef struct nhg_pipeline_run {
	const nhg_catalogue *cat;
	struct nhg_scanner *scanner;
	nhg_platform platform;       /* every YAML file is this platform, or UNKNOWN */
	uint64_t deadline;           /* nhg_clock_ns() value to stop at (NHG_ESTOP); 0: none */
} nhg_pipeline_run;

/*
 * Check the pipeline files found below each path (nhg_pipeline_discover),
 * GitLab local includes read below the path.  A regular file outside the
 * places pipelines live is NHG_EUSAGE unless a platform is given.
 */
int nhg_pipeline_run_paths(nhg_presult *out, const nhg_pipeline_run *run,
			   const char *const *paths, size_t npaths, nhg_error *err);

/*
 * Check the pipeline files a change touches (nhg_source_git_files), marking
 * each finding existing (1) when the base version has its fingerprint, new
 * (0) otherwise.
 */
int nhg_pipeline_run_git(nhg_presult *out, const nhg_pipeline_run *run, nhg_git_mode mode,
			 const char *spec, const char *repo, nhg_error *err);

#endif
