/* What the pipeline checks share: the context of one file, emission, the registry. */
#ifndef NHG_PIPELINE_INTERNAL_H
#define NHG_PIPELINE_INTERNAL_H

#include "nhigate/pipeline.h"

typedef struct pctx {
	const nhg_catalogue *cat;
	const char *path;
	const nhg_yaml_node *root;  /* the document's root mapping */
	nhg_presult *out;
	int rc;                     /* first emission failure (NHG_ENOMEM) */
	/* the file a node was written in when it may not be path (includes), or NULL */
	const char *(*path_of)(const struct pctx *x, const nhg_yaml_node *at);
	void *model;                /* the platform model checks read (GitLab), or NULL */
} pctx;

/* A check: looks at x->root and emits findings for def. */
typedef void (*check_fn)(pctx *x, const nhg_check_def *def);

typedef struct check_impl {
	const char *id;
	nhg_platform platform;
	check_fn run;         /* NULL: not a per-file check (see its own pass) */
} check_impl;

/* Every check the library implements, terminated by a NULL id. */
extern const check_impl nhg_pipeline__checks[];

/*
 * Record a finding of def at node (its line and column); job and step may
 * be NULL.  sev 0 uses the check's severity.  Disabled checks record nothing.
 */
void nhg_pctx_emit(pctx *x, const nhg_check_def *def, nhg_severity sev,
		   const nhg_yaml_node *at, const char *job, const char *step,
		   const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Case-insensitive scalar test, and "is this scalar true" (true/yes/on/1). */
bool nhg_yaml_truthy(const nhg_yaml_node *n);

/* True when a parameter list of def holds s (exact match). */
bool nhg_param_has(const nhg_check_def *def, const char *name, const char *s);

#endif
