/* Gate report formats: their names and the dispatcher to each renderer. */
#include <string.h>

#include "nhigate/gate_report.h"

static const char *const names[] = {
	[NHG_GREPORT_JSON] = "json",
	[NHG_GREPORT_SARIF] = "sarif",
	[NHG_GREPORT_GITLAB_SECRETS] = "gitlab-secret-detection",
	[NHG_GREPORT_GITLAB_SAST] = "gitlab-sast",
	[NHG_GREPORT_GITLAB_CODEQUALITY] = "gitlab-codequality",
	[NHG_GREPORT_JUNIT] = "junit",
	[NHG_GREPORT_GITHUB] = "github",
	[NHG_GREPORT_TEXT] = "text",
	[NHG_GREPORT_HOOK] = "hook",
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

int nhg_greport_parse(nhg_greport *out, const char *name)
{
	for (size_t i = 0; name && i < NNAMES; i++)
		if (!strcmp(names[i], name)) {
			*out = (nhg_greport)i;
			return 0;
		}
	return NHG_EUSAGE;
}

const char *nhg_greport_name(nhg_greport f)
{
	return (unsigned)f < NNAMES ? names[f] : "unknown";
}

int nhg_report_gate(nhg_buf *out, const nhg_verdict *v, nhg_greport f, const char *version,
		    nhg_error *err)
{
	switch (f) {
	case NHG_GREPORT_JSON: return nhg_report_gate_json(out, v, version, err);
	case NHG_GREPORT_SARIF: return nhg_report_gate_sarif(out, v, version, err);
	case NHG_GREPORT_GITLAB_SECRETS: return nhg_report_gate_gitlab_secrets(out, v, version, err);
	case NHG_GREPORT_GITLAB_SAST: return nhg_report_gate_gitlab_sast(out, v, version, err);
	case NHG_GREPORT_GITLAB_CODEQUALITY: return nhg_report_gate_codequality(out, v, version, err);
	case NHG_GREPORT_JUNIT: return nhg_report_gate_junit(out, v, version, err);
	case NHG_GREPORT_GITHUB: return nhg_report_gate_github(out, v, version, err);
	case NHG_GREPORT_TEXT: return nhg_report_gate_text(out, v, version, err);
	case NHG_GREPORT_HOOK: return nhg_report_gate_hook(out, v, version, err);
	}
	return nhg_error_set(err, NHG_EUSAGE, "unknown report format %d", (int)f);
}
