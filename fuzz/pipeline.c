/*
 * The body of the pipeline fuzz targets: a file checked as GitHub or
 * GitLab configuration over the default catalogue (every check, SECRET-001
 * with the default rule pack), then the result sorted, deduplicated and
 * rendered.  Findings must point into the file (1-based line and column),
 * carry a check and a one-line message; GitLab local includes resolve under
 * an empty directory, so only the file itself is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nhigate/buf.h"
#include "nhigate/report.h"
#include "nhigate/rules.h"
#include "nhigate/scan.h"
#include "pipeline.h"

static nhg_catalogue *cat;
static nhg_rulepack *pack;
static nhg_scanner *scanner;

void fuzz_pipeline_init(void)
{
	const char *dir = fuzz_rules_dir();
	nhg_error err = NHG_ERROR_INIT;

	if (nhg_catalogue_load(&cat, &dir, 1, &err) || nhg_rulepack_load(&pack, &dir, 1, &err) ||
	    nhg_scanner_new(&scanner, pack, NULL, &err)) {
		fprintf(stderr, "fuzz: %s: %s: %s\n", dir, err.file, err.message);
		exit(2);
	}
	fuzz_tmpdir();
}

void fuzz_pipeline_one(nhg_platform p, const char *path, const uint8_t *data, size_t size)
{
	nhg_presult r;
	nhg_error err = NHG_ERROR_INIT;
	nhg_buf json = NHG_BUF_INIT(64u << 20), text = NHG_BUF_INIT(64u << 20);
	size_t lines = 1;
	int rc;

	/* YAML breaks lines at CR, LF, NEL, LS and PS: count every byte that may end one */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 || data[i] == 0xa8 ||
			 data[i] == 0xa9;
	nhg_presult_init(&r);
	rc = nhg_pipeline_check_in(cat, p, fuzz_tmpdir(), path, (const char *)data, size, &r, &err);
	fuzz_check_rc(rc, &err, "nhg_pipeline_check_in");
	if (rc == 0) {
		rc = nhg_pipeline_secrets(cat, scanner, path, (const char *)data, size, &r, &err);
		fuzz_check_rc(rc, &err, "nhg_pipeline_secrets");
	}
	nhg_presult_sort(&r);
	nhg_presult_dedupe(&r);
	for (size_t i = 0; i < r.n; i++) {
		const nhg_pfinding *f = &r.findings[i];
		fuzz_require(f->check && f->path && f->message, "a finding names its check and path");
		fuzz_require(!strchr(f->message, '\n'), "a finding's message is one line");
		fuzz_require(f->line >= 1 && f->line <= lines && f->column >= 1,
			     "a finding points into the file");
		fuzz_require(strlen(f->fingerprint) == 64, "a finding has a fingerprint");
	}
	rc = nhg_report_pipeline_json(&json, &r, "0", &err);
	fuzz_check_rc(rc, &err, "nhg_report_pipeline_json");
	rc = nhg_report_pipeline_text(&text, &r, &err);
	fuzz_check_rc(rc, &err, "nhg_report_pipeline_text");
	fuzz_require(memchr(text.ptr, 0x1b, text.len) == NULL, "no escape byte in text output");
	nhg_buf_free(&json);
	nhg_buf_free(&text);
	nhg_presult_free(&r);
}
