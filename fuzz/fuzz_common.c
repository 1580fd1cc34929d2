/* Helpers of the fuzz targets (see fuzz.h). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz.h"
#include "nhigate/buf.h"
#include "nhigate/gate.h"
#include "nhigate/gate_report.h"
#include "nhigate/scan.h"
#include "nhigate/text.h"

#ifndef NHG_FUZZ_RULES
#define NHG_FUZZ_RULES "rules"
#endif

void fuzz_require_(int ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
	abort();
}

void fuzz_check_rc(int rc, const nhg_error *err, const char *what)
{
	if (rc == 0)
		return;
	if (rc < NHG_ESTOP || rc > 0) {
		fprintf(stderr, "%s: returned %d, not an NHG_E* code\n", what, rc);
		abort();
	}
	if (!err->message[0] || memchr(err->message, '\n', sizeof(err->message)) ||
	    !memchr(err->message, '\0', sizeof(err->message))) {
		fprintf(stderr, "%s: failed (%d) without a one-line message\n", what, rc);
		abort();
	}
}

const char *fuzz_rules_dir(void)
{
	const char *env = getenv("NHIGATE_RULES");
	return env && *env ? env : NHG_FUZZ_RULES;
}

static char tmpdir[256];

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

const char *fuzz_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/nhg-fuzz.XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	if (!(f = fopen(path, "wb")))
		return NULL;
	bool short_write = size && fwrite(data, 1, size, f) != size;
	if (fclose(f) != 0 || short_write)
		return NULL;
	return path;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void render_one(const nhg_verdict *v, nhg_greport f)
{
	nhg_buf b = NHG_BUF_INIT(256u << 20);
	nhg_error err = NHG_ERROR_INIT;
	int rc = nhg_report_gate(&b, v, f, "0", &err);

	fuzz_check_rc(rc, &err, nhg_greport_name(f));
	if (rc == 0) {
		switch (f) {
		case NHG_GREPORT_JSON:
		case NHG_GREPORT_SARIF:
		case NHG_GREPORT_GITLAB_SECRETS:
		case NHG_GREPORT_GITLAB_SAST:
		case NHG_GREPORT_GITLAB_CODEQUALITY: {
			json_error_t jerr;
			json_t *j = json_loadb(b.ptr, b.len, 0, &jerr);
			if (!j)
				fprintf(stderr, "%s: %s\n", nhg_greport_name(f), jerr.text);
			fuzz_require(j != NULL, "a JSON report parses");
			json_decref(j);
			break;
		}
		case NHG_GREPORT_GITHUB:
			for (const char *p = b.ptr; *p; p = strchr(p, '\n') + 1) {
				fuzz_require(!strncmp(p, "::", 2), "GitHub output is workflow commands only");
				fuzz_require(strchr(p, '\n') != NULL, "GitHub output ends in a newline");
			}
			/* fall through */
		case NHG_GREPORT_TEXT:
		case NHG_GREPORT_HOOK:
			fuzz_require(memchr(b.ptr, 0x1b, b.len) == NULL, "no escape byte in text output");
			break;
		case NHG_GREPORT_JUNIT:
			for (size_t i = 0; i < b.len; i++) {
				unsigned char c = (unsigned char)b.ptr[i];
				fuzz_require(c >= 0x20 || c == '\t' || c == '\n' || c == '\r',
					     "JUnit XML holds no control character");
			}
			fuzz_require(nhg_text_is_utf8(b.ptr, b.len), "JUnit XML is UTF-8");
			break;
		}
	}
	nhg_buf_free(&b);
}

void fuzz_render_verdict(const nhg_verdict *v)
{
	static const nhg_greport all[] = {
		NHG_GREPORT_JSON, NHG_GREPORT_SARIF, NHG_GREPORT_GITLAB_SECRETS,
		NHG_GREPORT_GITLAB_SAST, NHG_GREPORT_GITLAB_CODEQUALITY, NHG_GREPORT_JUNIT,
		NHG_GREPORT_GITHUB, NHG_GREPORT_TEXT
	};
	nhg_buf b = NHG_BUF_INIT(256u << 20);
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		render_one(v, all[i]);
	rc = nhg_report_github_summary(&b, v, &err);
	fuzz_check_rc(rc, &err, "nhg_report_github_summary");
	fuzz_require(rc || memchr(b.ptr, 0x1b, b.len) == NULL, "no escape byte in the summary");
	nhg_buf_clear(&b);
	rc = nhg_report_decision_record(&b, v, "0", &err);
	fuzz_check_rc(rc, &err, "nhg_report_decision_record");
	if (rc == 0) {
		json_t *j = json_loadb(b.ptr, b.len, 0, NULL);
		fuzz_require(j != NULL && json_is_object(j), "the decision record is a JSON object");
		fuzz_require(memchr(b.ptr, '\n', b.len) == NULL, "the decision record is one line");
		json_decref(j);
	}
	nhg_buf_free(&b);
}

int fuzz_on_limit(const nhg_unit *u, const nhg_rule *r, uint32_t line, void *payload)
{
	(void)u;
	(void)payload;
	fuzz_require(r != NULL && line >= 1, "limit names a rule and a line");
	return 0;
}
