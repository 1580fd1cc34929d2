#include "report/summary.h"

int nhg_report__count(nhg_buf *out, size_t n, const size_t bysev[NHG_SEV_CRITICAL + 1])
{
	const char *sep = " (";
	int rc = nhg_buf_printf(out, "%zu finding%s", n, n == 1 ? "" : "s");
	if (rc || !n)
		return rc;
	for (int s = NHG_SEV_CRITICAL; s >= NHG_SEV_LOW && !rc; s--)
		if (bysev[s]) {
			rc = nhg_buf_printf(out, "%s%zu %s", sep, bysev[s],
					    nhg_severity_name((nhg_severity)s));
			sep = ", ";
		}
	return rc ? rc : nhg_buf_putc(out, ')');
}
