/* Every built-in check, by id: the catalogue must define each of them. */
#include "pipeline/checks.h"

const check_impl nhg_pipeline__checks[] = {
	{ "GH-PERM-001", NHG_PLATFORM_GITHUB, gh_perm_001 },
	{ "GH-PERM-002", NHG_PLATFORM_GITHUB, gh_perm_002 },
	{ "GH-PERM-003", NHG_PLATFORM_GITHUB, gh_perm_003 },
	{ "GH-PERM-005", NHG_PLATFORM_GITHUB, gh_perm_005 },
	{ "GH-OIDC-001", NHG_PLATFORM_GITHUB, gh_oidc_001 },
	{ "GH-SEC-001", NHG_PLATFORM_GITHUB, gh_sec_001 },
	{ "GH-SEC-003", NHG_PLATFORM_GITHUB, gh_sec_003 },
	{ "GH-SEC-006", NHG_PLATFORM_GITHUB, gh_sec_006 },
	{ "GH-PIN-001", NHG_PLATFORM_GITHUB, gh_pin_001 },
	{ "GH-TRIG-001", NHG_PLATFORM_GITHUB, gh_trig_001 },
	{ "GH-CRED-001", NHG_PLATFORM_GITHUB, gh_cred_001 },
	{ "GH-CMD-001", NHG_PLATFORM_GITHUB, gh_cmd_001 },
	{ "GH-INJ-001", NHG_PLATFORM_GITHUB, gh_inj_001 },
	{ "GH-RUN-001", NHG_PLATFORM_GITHUB, gh_run_001 },
	{ "GH-DBG-001", NHG_PLATFORM_GITHUB, gh_dbg_001 },
	{ NULL, NHG_PLATFORM_UNKNOWN, NULL },
};
