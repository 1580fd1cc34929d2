/* The control ids every verdict reports on, and how findings evidence them. */
#include <string.h>

#include "nhigate/gate.h"

static const struct {
	const char *id, *title;
} controls[] = {
	{ "OWASP-NHI:NHI1", "Improper offboarding" },
	{ "OWASP-NHI:NHI2", "Secret leakage" },
	{ "OWASP-NHI:NHI3", "Vulnerable third-party NHI" },
	{ "OWASP-NHI:NHI4", "Insecure authentication" },
	{ "OWASP-NHI:NHI5", "Overprivileged NHI" },
	{ "OWASP-NHI:NHI6", "Insecure cloud deployment configurations" },
	{ "OWASP-NHI:NHI7", "Long-lived secrets" },
	{ "OWASP-NHI:NHI8", "Environment isolation" },
	{ "OWASP-NHI:NHI9", "NHI reuse" },
	{ "OWASP-NHI:NHI10", "Human use of NHI" },
	{ "NIST-CSF:PR.AA-01", "Identities and credentials are managed" },
	{ "NIST-CSF:PR.AA-02", "Identities are proofed and bound to credentials" },
	{ "NIST-CSF:PR.AA-03", "Users, services and hardware are authenticated" },
	{ "NIST-CSF:PR.AA-04", "Identity assertions are protected and verified" },
	{ "NIST-CSF:PR.AA-05", "Access permissions follow least privilege" },
	{ "NIST-CSF:PR.AA-06", "Physical access is managed" },
	{ "NIST-CSF:ID.RA-07", "Changes and exceptions are managed and tracked" },
};

#define NCONTROLS (sizeof(controls) / sizeof(controls[0]))

size_t nhg_controls_count(void)
{
	return NCONTROLS;
}

const char *nhg_control_id(size_t i)
{
	return i < NCONTROLS ? controls[i].id : NULL;
}

const char *nhg_control_title(size_t i)
{
	return i < NCONTROLS ? controls[i].title : NULL;
}

bool nhg_gfinding_has_control(const nhg_gfinding *f, const char *id)
{
	/* a waiver is an exception managed and tracked: its findings evidence it */
	if (f->status == NHG_STATUS_WAIVED && !strcmp(id, "NIST-CSF:ID.RA-07"))
		return true;
	for (size_t i = 0; i < f->controls.n; i++)
		if (!strcmp(f->controls.v[i], id))
			return true;
	return false;
}

bool nhg_verdict_control_fails(const nhg_verdict *v, const char *id)
{
	/* exceptions are tracked: an expired waiver still matching is overdue */
	if (!strcmp(id, "NIST-CSF:ID.RA-07"))
		for (size_t i = 0; i < v->nwaivers; i++)
			if (v->waivers[i].state == NHG_WAIVER_EXPIRED && v->waivers[i].matched)
				return true;
	for (size_t i = 0; i < v->nfindings; i++)
		if (v->findings[i].status == NHG_STATUS_BLOCKING &&
		    nhg_gfinding_has_control(&v->findings[i], id))
			return true;
	return false;
}
