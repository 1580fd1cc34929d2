/* The pipeline fuzz targets (fuzz_github.c, fuzz_gitlab.c): one body. */
#ifndef NHG_FUZZ_PIPELINE_H
#define NHG_FUZZ_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "nhigate/pipeline.h"

/* Load the default catalogue, a scanner and an empty repository root once. */
void fuzz_pipeline_init(void);
/* Check data as a pipeline file of platform p at path, with every check. */
void fuzz_pipeline_one(nhg_platform p, const char *path, const uint8_t *data, size_t size);

#endif
