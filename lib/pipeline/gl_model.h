/*
 * GitLab CI semantics over the YAML model.
 *
 * gl_model_build reads a pipeline's root mapping, loads its local includes
 * (relative to the repository root, bounded in depth and count; remote,
 * project, component and template includes are only recorded), merges them
 * under the main file, and resolves every job: extends: (deep merge of
 * mappings, other values replaced, bounded depth so cycles end), !reference
 * tags, default: keywords and the legacy global ones.  Resolved values are
 * the original nodes wherever nothing was merged, so their positions are
 * exact; a merged mapping is a node made by the model whose pairs are the
 * original key and value nodes.  gl_model_path_of names the file a node was
 * written in.  Merging and resolution are bounded in steps: a pipeline past
 * the bound is refused with NHG_ELIMIT.  Everything is owned by the model;
 * nodes of x->root are lent.
 */
#ifndef NHG_PIPELINE_GL_MODEL_H
#define NHG_PIPELINE_GL_MODEL_H

#include "pipeline/internal.h"

#define GL_MAX_INCLUDE_FILES 64
#define GL_MAX_INCLUDE_DEPTH 8
#define GL_MAX_EXTENDS_DEPTH 11
#define GL_MAX_REFERENCE_DEPTH 10

typedef struct gl_job {
	const char *name;
	const nhg_yaml_node *key;    /* the job's key (in the file that defines it last) */
	const nhg_yaml_node *node;   /* resolved: extends, !reference and default: applied */
	bool hidden;                 /* starts with '.': a template, never run */
	bool inherit_variables;      /* global variables: apply to it */
	bool incomplete;             /* extends a template not found (an unread include) */
} gl_job;

typedef struct gl_include {
	const nhg_yaml_node *node;   /* the entry: a scalar or a mapping */
	const char *kind;            /* "local", "remote", "project", "component", "template" */
	bool loaded;                 /* a local file that was read and merged */
} gl_include;

typedef struct gl_model gl_model;
struct gl_model {
	const nhg_yaml_node *root;   /* merged root: includes under the main file */
	const nhg_yaml_node *variables; /* global variables mapping, or NULL */
	const nhg_yaml_node *deflt;  /* default: mapping, or NULL */
	gl_job *jobs;
	size_t njobs;
	gl_include *includes;
	size_t nincludes;
	const nhg_yaml_node **roots; /* every file's own root mapping, main first */
	size_t nroots;
	size_t first_finding;        /* findings of this model start there in the result */
	struct gl_impl *impl;
};

/*
 * Build the model of root (x->root, x->path) with local includes read below
 * repo_root (NULL: no include is read).  Fails with NHG_ENOMEM, or NHG_ELIMIT
 * past the resolution bound; an include that cannot be read is recorded and
 * skipped.
 */
int gl_model_build(gl_model **out, const nhg_yaml_node *root, const char *path,
		   const char *repo_root);
void gl_model_free(gl_model *m);

/* The path of the file node was written in (pctx path_of callback). */
const char *gl_model_path_of(const pctx *x, const nhg_yaml_node *node);

/* True for the top-level keywords that are not jobs. */
bool gl_is_keyword(const char *key);


/* Call fn for each script line of a job (before_script, script, after_script, flattened). */
void gl_each_script(pctx *x, const nhg_check_def *def, const gl_job *job,
		    void (*fn)(pctx *, const nhg_check_def *, const gl_job *,
			       const nhg_yaml_node *line));

/*
 * Call fn for each variable written in any file: top-level variables: and
 * those of every job or template (as written, before inheritance; job NULL at
 * top level).  value is the scalar, or the value: of the long form.
 */
void gl_each_variable(pctx *x, const nhg_check_def *def,
		      void (*fn)(pctx *, const nhg_check_def *, const char *job,
				 const nhg_yaml_node *key, const nhg_yaml_node *value));

/* Call fn for every scalar written in any file, once (aliases are not walked twice). */
void gl_each_scalar(pctx *x, const nhg_check_def *def,
		    void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *s));

/* Emit unless the same check already reported this node's place in this file. */
void gl_emit(pctx *x, const nhg_check_def *def, nhg_severity sev, const nhg_yaml_node *at,
	     const char *job, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
