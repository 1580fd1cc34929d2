/*
 * Renderers for a gate verdict.  Each appends to the caller's buffer and
 * never touches git, rule files or the environment; a verdict holds no
 * secret, so neither does any report.
 */
#ifndef NHIGATE_GATE_REPORT_H
#define NHIGATE_GATE_REPORT_H

#include "nhigate/buf.h"
#include "nhigate/gate.h"

typedef enum {
	NHG_GREPORT_JSON = 0,            /* nhigate.verdict/v1 */
	NHG_GREPORT_SARIF,               /* SARIF 2.1.0 */
	NHG_GREPORT_GITLAB_SECRETS,      /* gitlab-secret-detection 15.2.1 */
	NHG_GREPORT_GITLAB_SAST,         /* gitlab-sast 15.2.1 */
	NHG_GREPORT_GITLAB_CODEQUALITY,  /* Code Climate subset GitLab reads */
	NHG_GREPORT_JUNIT,
	NHG_GREPORT_GITHUB,              /* workflow commands (annotations) */
	NHG_GREPORT_TEXT,
	NHG_GREPORT_HOOK                 /* one line per reason and finding, for a pusher */
} nhg_greport;

/* The format named name ("sarif", ...): 0, or NHG_EUSAGE. */
int nhg_greport_parse(nhg_greport *out, const char *name);
const char *nhg_greport_name(nhg_greport f);

/* Render v as format f; version is nhigate's. */
int nhg_report_gate(nhg_buf *out, const nhg_verdict *v, nhg_greport f, const char *version,
		    nhg_error *err);

/* Each format, as dispatched by nhg_report_gate. */
int nhg_report_gate_json(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err);
int nhg_report_gate_sarif(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err);
int nhg_report_gate_gitlab_secrets(nhg_buf *out, const nhg_verdict *v, const char *version,
				   nhg_error *err);
int nhg_report_gate_gitlab_sast(nhg_buf *out, const nhg_verdict *v, const char *version,
				nhg_error *err);
int nhg_report_gate_codequality(nhg_buf *out, const nhg_verdict *v, const char *version,
				nhg_error *err);
int nhg_report_gate_junit(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err);
int nhg_report_gate_github(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err);
int nhg_report_gate_text(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err);
int nhg_report_gate_hook(nhg_buf *out, const nhg_verdict *v, const char *version, nhg_error *err);

/* GitHub: the Markdown job summary (for $GITHUB_STEP_SUMMARY). */
int nhg_report_github_summary(nhg_buf *out, const nhg_verdict *v, nhg_error *err);

/*
 * The decision record of v: one JSON object on one line, no newline, no
 * "prev" (the log adds it): the verdict without finding details that could
 * carry a secret (see README "Decision log").
 */
int nhg_report_decision_record(nhg_buf *out, const nhg_verdict *v, const char *version,
			       nhg_error *err);

/*
 * Policy debt (nhigate-gate debt) from a verdict over the repository: every
 * waiver, expired and stale first, then by expiry; format "text", "json" or
 * "md".
 */
int nhg_report_debt(nhg_buf *out, const nhg_verdict *v, const char *format, nhg_error *err);

#endif
