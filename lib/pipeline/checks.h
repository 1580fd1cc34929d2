/* The built-in checks, one function each; registry.c maps ids to them. */
#ifndef NHG_PIPELINE_CHECKS_H
#define NHG_PIPELINE_CHECKS_H

#include "pipeline/internal.h"

/* GitHub Actions (gh_checks.c) */
void gh_perm_001(pctx *x, const nhg_check_def *def);
void gh_perm_002(pctx *x, const nhg_check_def *def);
void gh_perm_003(pctx *x, const nhg_check_def *def);
void gh_perm_005(pctx *x, const nhg_check_def *def);
void gh_oidc_001(pctx *x, const nhg_check_def *def);
void gh_sec_001(pctx *x, const nhg_check_def *def);
void gh_sec_003(pctx *x, const nhg_check_def *def);
void gh_sec_006(pctx *x, const nhg_check_def *def);
void gh_pin_001(pctx *x, const nhg_check_def *def);
void gh_trig_001(pctx *x, const nhg_check_def *def);
void gh_cred_001(pctx *x, const nhg_check_def *def);
void gh_cmd_001(pctx *x, const nhg_check_def *def);
void gh_inj_001(pctx *x, const nhg_check_def *def);
void gh_run_001(pctx *x, const nhg_check_def *def);
void gh_dbg_001(pctx *x, const nhg_check_def *def);

/* GitHub Actions, credential lifetime and hand-off (gh_lifetime.c) */
void gh_oidc_002(pctx *x, const nhg_check_def *def);
void gh_oidc_003(pctx *x, const nhg_check_def *def);
void gh_sec_002(pctx *x, const nhg_check_def *def);
void gh_cred_002(pctx *x, const nhg_check_def *def);
void gh_cloud_001(pctx *x, const nhg_check_def *def);
void gh_life_001(pctx *x, const nhg_check_def *def);
void gh_life_002(pctx *x, const nhg_check_def *def);
void gh_life_003(pctx *x, const nhg_check_def *def);
void gh_life_004(pctx *x, const nhg_check_def *def);
void gh_life_005(pctx *x, const nhg_check_def *def);

/* GitLab CI (gl_checks.c) */
void gl_jobtoken_001(pctx *x, const nhg_check_def *def);
void gl_idtoken_001(pctx *x, const nhg_check_def *def);
void gl_idtoken_002(pctx *x, const nhg_check_def *def);
void gl_var_001(pctx *x, const nhg_check_def *def);
void gl_prot_001(pctx *x, const nhg_check_def *def);
void gl_dbg_001(pctx *x, const nhg_check_def *def);
void gl_dind_001(pctx *x, const nhg_check_def *def);
void gl_inc_001(pctx *x, const nhg_check_def *def);
void gl_img_001(pctx *x, const nhg_check_def *def);
void gl_trig_001(pctx *x, const nhg_check_def *def);
void gl_vault_001(pctx *x, const nhg_check_def *def);

#endif
