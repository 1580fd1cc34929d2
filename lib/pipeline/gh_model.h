/* GitHub Actions structure over the YAML model: triggers, jobs, steps, env. */
#ifndef NHG_PIPELINE_GH_MODEL_H
#define NHG_PIPELINE_GH_MODEL_H

#include "pipeline/internal.h"

typedef struct gh_step {
	const nhg_yaml_node *node;   /* the step mapping */
	const char *job;             /* job id, NULL in a composite action */
	const nhg_yaml_node *jobnode;
	char label[128];             /* the step's name or id, else "#N" */
} gh_step;

/* True when the workflow is triggered by event (on: scalar, list or mapping). */
bool gh_has_trigger(const nhg_yaml_node *root, const char *event);
/* True when any trigger of the workflow is listed in def's parameter name. */
bool gh_has_trigger_in(const nhg_yaml_node *root, const nhg_check_def *def, const char *name);

/* Call fn for each job (key node for positions, id, job mapping). */
void gh_each_job(pctx *x, const nhg_check_def *def,
		 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *key,
			    const char *job, const nhg_yaml_node *jobnode));

/* Call fn for each step of every job, or of a composite action's runs.steps. */
void gh_each_step(pctx *x, const nhg_check_def *def,
		  void (*fn)(pctx *, const nhg_check_def *, const gh_step *));

/* Call fn for each env mapping: workflow, jobs, steps (job/step NULL where n/a). */
void gh_each_env(pctx *x, const nhg_check_def *def,
		 void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *env,
			    const char *job, const char *step));

/* Call fn for every scalar of the document once (aliases are not walked twice). */
void gh_each_scalar(pctx *x, const nhg_check_def *def,
		    void (*fn)(pctx *, const nhg_check_def *, const nhg_yaml_node *s));

/* "owner/repo/path@ref": true when uses names a remote action or workflow. */
bool gh_uses_remote(const char *uses);
/* True when the ref after '@' is a full 40-hex commit id. */
bool gh_uses_pinned(const char *uses);

#endif
