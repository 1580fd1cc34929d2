/* Recording the identities a pipeline file uses (for the inventory pass). */
#ifndef NHG_PIPELINE_USES_H
#define NHG_PIPELINE_USES_H

#include "nhigate/inventory.h"
#include "pipeline/internal.h"

/*
 * Record into x->out->uses (which must be set) the identities the document
 * x->root uses as platform p; GitLab needs x->model built.  A recording
 * failure sets x->rc.
 */
void nhg_uses__collect(pctx *x, nhg_platform p);

#endif
