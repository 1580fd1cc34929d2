/* GitLab CI configuration (nhg_pipeline_check), local includes unresolved. */
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
	fuzz_pipeline_one(NHG_PLATFORM_GITLAB, ".gitlab-ci.yml", data, size);
	return 0;
}
