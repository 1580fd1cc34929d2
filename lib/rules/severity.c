#include <string.h>

#include "nhigate/rules.h"

static const char *const names[] = { NULL, "low", "medium", "high", "critical" };

const char *nhg_severity_name(nhg_severity sev)
{
	return sev >= NHG_SEV_LOW && sev <= NHG_SEV_CRITICAL ? names[sev] : "unknown";
}

int nhg_severity_parse(nhg_severity *out, const char *name)
{
	for (int i = NHG_SEV_LOW; i <= NHG_SEV_CRITICAL; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (nhg_severity)i;
			return 0;
		}
	return NHG_EINPUT;
}
