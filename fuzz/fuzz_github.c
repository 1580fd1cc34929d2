/* GitHub Actions workflows and composite actions (nhg_pipeline_check). */
#include <string.h>

#include "fuzz.h"
#include "pipeline.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_pipeline_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_pipeline_one(NHG_PLATFORM_GITHUB, ".github/workflows/ci.yml", data, size);
	/* a composite action too, when it could be one */
	if (memmem(data, size, "runs:", 5))
		fuzz_pipeline_one(NHG_PLATFORM_GITHUB, "action.yml", data, size);
	return 0;
}
