/*
 * nhigate's own JSON read back into a verdict: the outputs of
 * `nhigate-secrets --format json` and `nhigate-pipeline --format json`, and
 * the gate's verdict (nhigate.verdict/v1).
 *
 * Findings keep their origin (secrets, pipeline; a verdict's may also be
 * external), fingerprint and secret_sha256, so waivers written against the
 * first run still match.  A secret in clear (`--no-redact` output has
 * "secret") is never kept: it only serves to make the redacted form and the
 * sha256 when those are missing.  A finding the secrets scan reports as
 * baselined is imported as an ordinary finding: the gate's exceptions are
 * waivers, not the scanner's baseline.  The gate's "status" is not read:
 * the importing gate decides anew.  Skipped entries stay skipped.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/import.h"
#include "nhigate/buf.h"
#include "nhigate/finding.h"
#include "nhigate/hash.h"

/* Longest redacted form accepted as is; anything longer is redacted again. */
#define MAX_REDACTED 40u

typedef struct src {
	nhg_import *x;
	const char *kind;       /* "secrets", "pipeline", "verdict" */
} src;

static int origin_of(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	const char *name;
	int rc;

	if (!strcmp(s->kind, "secrets")) {
		f->origin = NHG_ORIGIN_SECRETS;
		return 0;
	}
	if (!strcmp(s->kind, "pipeline")) {
		f->origin = NHG_ORIGIN_PIPELINE;
		return 0;
	}
	if ((rc = nhg_import_str(s->x, o, "origin", &name, where)) != 0)
		return rc;
	for (int i = NHG_ORIGIN_SECRETS; name && i <= NHG_ORIGIN_EXTERNAL; i++)
		if (!strcmp(name, nhg_origin_name((nhg_origin)i))) {
			f->origin = (nhg_origin)i;
			return 0;
		}
	return nhg_import_bad(s->x, where, "\"origin\" must be secrets, pipeline or external");
}

/* The secret's redacted form and sha256; the secret itself is dropped. */
static int secret_fields(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	nhg_import *x = s->x;
	const char *secret, *redacted, *sha;
	int rc;

	if ((rc = nhg_import_str(x, o, "secret", &secret, where)) != 0 ||
	    (rc = nhg_import_str(x, o, "redacted", &redacted, where)) != 0 ||
	    (rc = nhg_import_str(x, o, "secret_sha256", &sha, where)) != 0)
		return rc;
	if (sha && *sha && !nhg_import_hex64(f->secret_sha256, sha))
		return nhg_import_bad(x, where, "\"secret_sha256\" must be 64 hex digits");
	if (secret && !f->secret_sha256[0])
		nhg_sha256_hex(f->secret_sha256, secret, strlen(secret));
	if (redacted && *redacted && strlen(redacted) <= MAX_REDACTED)
		return nhg_import_line(x, redacted, MAX_REDACTED, &f->redacted);
	/* no redacted form, or one too long to be one: make it */
	if (redacted && *redacted)
		secret = redacted;
	if (secret && !(f->redacted = nhg_redact(secret, strlen(secret))))
		return nhg_import_nomem(x);
	return 0;
}

/* Strings of a finding, each made one line. */
static int text_fields(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	static const struct {
		const char *key;
		size_t off, max;
	} keys[] = {
		{ "commit", offsetof(nhg_gfinding, commit), NHG_IMPORT_MAX_ID },
		{ "author", offsetof(nhg_gfinding, author), NHG_IMPORT_MAX_MESSAGE },
		{ "date", offsetof(nhg_gfinding, date), NHG_IMPORT_MAX_ID },
		{ "job", offsetof(nhg_gfinding, job), NHG_IMPORT_MAX_MESSAGE },
		{ "step", offsetof(nhg_gfinding, step), NHG_IMPORT_MAX_MESSAGE },
		{ "message", offsetof(nhg_gfinding, message), NHG_IMPORT_MAX_MESSAGE },
		{ "help", offsetof(nhg_gfinding, help), NHG_IMPORT_MAX_HELP },
	};
	const char *v;
	int rc;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char **field = (char **)((char *)f + keys[i].off);
		if ((rc = nhg_import_str(s->x, o, keys[i].key, &v, where)) != 0 ||
		    (rc = nhg_import_line(s->x, v, keys[i].max, field)) != 0)
			return rc;
	}
	return 0;
}

/* "title: redacted", as the gate writes secrets findings it makes itself. */
static int secrets_message(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	nhg_buf b = NHG_BUF_INIT(NHG_IMPORT_MAX_MESSAGE + 128);
	const char *structure;
	int rc;

	if ((rc = nhg_import_str(s->x, o, "structure", &structure, where)) != 0)
		return rc;
	rc = nhg_buf_printf(&b, "%s: %s", f->title, f->redacted ? f->redacted : "(redacted)");
	if (!rc && structure && !strcmp(structure, "invalid"))
		rc = nhg_buf_puts(&b, " (fails the format's checksum)");
	if (!rc)
		rc = nhg_import_line(s->x, b.ptr, NHG_IMPORT_MAX_MESSAGE + 64, &f->message);
	nhg_buf_free(&b);
	return rc == NHG_ENOMEM ? nhg_import_nomem(s->x) : rc;
}

/* Whether the finding is marked existing and inline allowed, per format. */
static int flags(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	nhg_import *x = s->x;
	const char *v;
	int rc;

	if (!strcmp(s->kind, "verdict")) {
		if ((rc = nhg_import_bool(x, o, "existing", &f->existing, where)) == 0)
			rc = nhg_import_bool(x, o, "inline_allowed", &f->inline_allowed, where);
		return rc;
	}
	if (!strcmp(s->kind, "pipeline")) {
		if ((rc = nhg_import_str(x, o, "status", &v, where)) != 0)
			return rc;
		if (v && strcmp(v, "existing") && strcmp(v, "new"))
			return nhg_import_bad(x, where, "\"status\" must be new, existing or null");
		f->existing = v && !strcmp(v, "existing");
		return 0;
	}
	if ((rc = nhg_import_str(x, o, "suppressed", &v, where)) != 0)
		return rc;
	if (v && strcmp(v, "inline") && strcmp(v, "baseline"))
		return nhg_import_bad(x, where, "\"suppressed\" must be inline, baseline or null");
	f->inline_allowed = v && !strcmp(v, "inline");
	return 0;
}

static int controls(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	json_t *l;
	int rc = nhg_import_arr(s->x, o, "controls", &l, where);
	for (size_t i = 0; !rc && l && i < json_array_size(l); i++) {
		if (!json_is_string(json_array_get(l, i)))
			return nhg_import_bad(s->x, where, "controls[%zu] must be a string", i);
		rc = nhg_import_control(s->x, f, json_string_value(json_array_get(l, i)));
	}
	return rc;
}

/* The finding's own fingerprint, else one made as nhigate makes them. */
static int fingerprint(src *s, const json_t *o, nhg_gfinding *f, const char *where)
{
	const char *fp;
	nhg_sha256_ctx *h;
	const char *parts[6];
	int rc;

	if ((rc = nhg_import_str(s->x, o, "fingerprint", &fp, where)) != 0)
		return rc;
	if (fp && *fp) {
		if (!nhg_import_hex64(f->fingerprint, fp))
			return nhg_import_bad(s->x, where, "\"fingerprint\" must be 64 hex digits");
		return 0;
	}
	if (f->origin == NHG_ORIGIN_SECRETS && f->secret_sha256[0]) {
		nhg_fingerprint(f->fingerprint, f->rule, f->path, f->secret_sha256);
		return 0;
	}
	if (!(h = nhg_sha256_new()))
		return nhg_import_nomem(s->x);
	parts[0] = f->tool;
	parts[1] = f->rule;
	parts[2] = f->path;
	parts[3] = f->job ? f->job : "";
	parts[4] = f->step ? f->step : "";
	parts[5] = f->message ? f->message : "";
	for (size_t i = 0; i < 6; i++)
		nhg_sha256_update(h, parts[i], strlen(parts[i]) + 1);
	nhg_sha256_final_hex(h, f->fingerprint);
	return 0;
}

static int import_finding(src *s, const json_t *o, const char *where)
{
	nhg_import *x = s->x;
	const char *tool = "nhigate", *rule, *title, *sev, *path;
	nhg_gfinding *f;
	nhg_severity severity;
	int rc;

	if (!json_is_object(o))
		return nhg_import_bad(x, where, "a finding must be an object");
	if ((rc = nhg_import_str(x, o, "rule", &rule, where)) != 0 ||
	    (!rule && (rc = nhg_import_str(x, o, "check", &rule, where)) != 0) ||
	    (rc = nhg_import_str(x, o, "title", &title, where)) != 0 ||
	    (rc = nhg_import_str(x, o, "severity", &sev, where)) != 0 ||
	    (rc = nhg_import_str(x, o, "path", &path, where)) != 0)
		return rc;
	if (!strcmp(s->kind, "verdict") && (rc = nhg_import_str(x, o, "tool", &tool, where)) != 0)
		return rc;
	if (!sev || nhg_severity_parse(&severity, sev))
		return nhg_import_bad(x, where, "\"severity\" must be critical, high, medium or low");
	if (path && strlen(path) > NHG_IMPORT_MAX_PATH)
		return nhg_import_bad(x, where, "path longer than %u bytes", NHG_IMPORT_MAX_PATH);
	if ((rc = nhg_verdict_new_finding(x->v, &f)) != 0)
		return nhg_import_nomem(x);
	f->severity = severity;
	if ((rc = origin_of(s, o, f, where)) != 0 ||
	    (rc = nhg_import_id(x, tool ? tool : "nhigate", &f->tool, "the tool", where)) != 0 ||
	    (rc = nhg_import_id(x, rule, &f->rule, "the rule id", where)) != 0 ||
	    (rc = nhg_import_line(x, title ? title : rule, NHG_IMPORT_MAX_MESSAGE, &f->title)) != 0 ||
	    (rc = nhg_import_dup(x, path ? path : "", &f->path)) != 0 ||
	    (rc = nhg_import_u32(x, o, "line", 0, &f->line, where)) != 0 ||
	    (rc = nhg_import_u32(x, o, "column", 0, &f->column, where)) != 0 ||
	    (rc = nhg_import_u32(x, o, "end_column", 0, &f->end_column, where)) != 0 ||
	    (rc = text_fields(s, o, f, where)) != 0 ||
	    (rc = secret_fields(s, o, f, where)) != 0 ||
	    (rc = flags(s, o, f, where)) != 0 ||
	    (rc = controls(s, o, f, where)) != 0)
		return rc;
	if (!f->title && (rc = nhg_import_dup(x, f->rule, &f->title)) != 0)
		return rc;
	if (!f->message && f->origin == NHG_ORIGIN_SECRETS)
		rc = secrets_message(s, o, f, where);
	else if (!f->message)
		rc = nhg_import_dup(x, f->title, &f->message);
	return rc ? rc : fingerprint(s, o, f, where);
}

static int import_skip(src *s, const json_t *o, const char *where)
{
	nhg_import *x = s->x;
	const char *path, *commit, *reason;
	char *line = NULL;
	int rc;

	if (!json_is_object(o))
		return nhg_import_bad(x, where, "a skipped entry must be an object");
	if ((rc = nhg_import_str(x, o, "path", &path, where)) != 0 ||
	    (rc = nhg_import_str(x, o, "commit", &commit, where)) != 0 ||
	    (rc = nhg_import_str(x, o, "reason", &reason, where)) != 0 ||
	    (rc = nhg_import_line(x, reason, NHG_IMPORT_MAX_MESSAGE, &line)) != 0)
		return rc;
	if (path && strlen(path) > NHG_IMPORT_MAX_PATH) {
		free(line);
		return nhg_import_bad(x, where, "path longer than %u bytes", NHG_IMPORT_MAX_PATH);
	}
	if (commit && strlen(commit) > NHG_IMPORT_MAX_ID) {
		free(line);
		return nhg_import_bad(x, where, "commit longer than %u bytes", NHG_IMPORT_MAX_ID);
	}
	rc = nhg_verdict_add_skip(x->v, path ? path : "", commit, line ? line : "not scanned");
	free(line);
	return rc ? nhg_import_nomem(x) : 0;
}

int nhg_import_nhigate(nhg_import *x, const json_t *root, const char *kind)
{
	src s = { x, kind };
	json_t *findings, *skipped;
	char where[48];
	int rc;

	if ((rc = nhg_import_arr(x, root, "findings", &findings, NULL)) != 0 ||
	    (rc = nhg_import_arr(x, root, "skipped", &skipped, NULL)) != 0)
		return rc;
	if (!findings)
		return nhg_import_bad(x, NULL, "\"findings\" is missing");
	if ((rc = nhg_import_room(x, json_array_size(findings))) != 0 ||
	    (rc = nhg_import_room(x, json_array_size(findings) + json_array_size(skipped))) != 0)
		return rc;
	for (size_t i = 0; i < json_array_size(findings); i++) {
		snprintf(where, sizeof(where), "findings[%zu]", i);
		if ((rc = nhg_import_count(x)) != 0 ||
		    (rc = import_finding(&s, json_array_get(findings, i), where)) != 0)
			return rc;
	}
	for (size_t i = 0; skipped && i < json_array_size(skipped); i++) {
		snprintf(where, sizeof(where), "skipped[%zu]", i);
		if ((rc = nhg_import_count(x)) != 0 ||
		    (rc = import_skip(&s, json_array_get(skipped, i), where)) != 0)
			return rc;
	}
	return 0;
}
