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

/* True when the owner of uses is in def's trusted_owners list (case-insensitive). */
bool gh_owner_trusted(const nhg_check_def *def, const char *uses);

/*
 * True when uses names the action pattern, compared without case and
 * without the @ref: "owner/repo" matches owner/repo and owner/repo/sub;
 * "owner/" followed by an asterisk matches every action of owner.
 */
bool gh_action_is(const char *uses, const char *pattern);
/* The entry of def's list parameter name that the step's uses: matches, or NULL. */
const char *gh_step_action_in(const gh_step *st, const nhg_check_def *def, const char *name);

/*
 * A with: input of a step (input names are case-insensitive): the value,
 * and in *key (may be NULL) the key node for its position.  NULL if absent.
 */
const nhg_yaml_node *gh_input(const gh_step *st, const char *name, const nhg_yaml_node **key);

/*
 * Whether a job's GITHUB_TOKEN can mint OIDC tokens: id-token: write in the
 * job's permissions, or in the workflow's when the job has none.  *at gets
 * the job's id-token key, or NULL when the grant is inherited.  write-all is
 * not counted here (GH-PERM-002 reports it).
 */
bool gh_job_id_token(const nhg_yaml_node *root, const nhg_yaml_node *jobnode,
		     const nhg_yaml_node **at);

/*
 * Fill *st for item i of a steps: list (labelled as gh_each_step does);
 * false when there is no such item or it is not a mapping.
 */
bool gh_step_at(gh_step *st, const nhg_yaml_node *steps, size_t i, const char *job,
		const nhg_yaml_node *jobnode);

/* Call fn for each step of one job's steps: list. */
void gh_each_job_step(pctx *x, const nhg_check_def *def, const char *job,
		      const nhg_yaml_node *jobnode,
		      void (*fn)(pctx *, const nhg_check_def *, const gh_step *));

#endif
