/*
 * Renderers for nhigate-secrets results.  They append to a caller's buffer
 * and never touch git or rule files; secrets appear only when the result
 * kept them (--no-redact).
 */
#ifndef NHIGATE_REPORT_H
#define NHIGATE_REPORT_H

#include "nhigate/buf.h"
#include "nhigate/finding.h"
#include "nhigate/pipeline.h"

/* JSON document: tool, version, scanned, skipped, findings. */
int nhg_report_secrets_json(nhg_buf *out, const nhg_result *r, const char *version,
			    nhg_error *err);

/* Human-readable text grouped by file, then a summary line. */
int nhg_report_secrets_text(nhg_buf *out, const nhg_result *r, nhg_error *err);

/* nhigate-pipeline: JSON (tool, version, scanned, skipped, findings) and text. */
int nhg_report_pipeline_json(nhg_buf *out, const nhg_presult *r, const char *version,
			     nhg_error *err);
int nhg_report_pipeline_text(nhg_buf *out, const nhg_presult *r, nhg_error *err);

#endif
