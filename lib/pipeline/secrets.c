/*
 * Hard-coded credentials in pipeline files: the secrets engine over the
 * file's bytes (every scalar is in them), reported as SECRET-001 findings
 * that name the rule and never hold the secret.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/finding.h"
#include "pipeline/internal.h"

typedef struct secrets_ctx {
	pctx *x;
	const nhg_check_def *def;
} secrets_ctx;

static int on_match(const nhg_unit *u, const nhg_match *m, void *payload)
{
	secrets_ctx *s = payload;
	nhg_yaml_node at;
	char *redacted;
	(void)u;
	if (m->allowed_inline)
		return 0;
	if (!(redacted = nhg_redact(m->secret, m->secret_len)))
		return NHG_ENOMEM;
	memset(&at, 0, sizeof(at));
	at.line = (int)m->line;
	at.column = (int)m->column;
	nhg_pctx_emit(s->x, s->def, m->checked < 0 ? NHG_SEV_LOW : m->rule->severity, &at, NULL,
		      NULL, "%s (%s, rule %s) is written in the pipeline file", m->rule->title,
		      redacted, m->rule->id);
	free(redacted);
	return s->x->rc;
}

static int on_limit(const nhg_unit *u, const nhg_rule *r, uint32_t line, void *payload)
{
	(void)u, (void)r, (void)line, (void)payload;
	return NHG_ELIMIT;
}

int nhg_pipeline_secrets(const nhg_catalogue *cat, nhg_scanner *scanner, const char *path,
			 const char *data, size_t len, nhg_presult *out, nhg_error *err)
{
	const nhg_check_def *def = nhg_catalogue_find(cat, "SECRET-001");
	nhg_unit u;
	pctx x;
	secrets_ctx s = { &x, def };
	nhg_scan_cb cb = { on_match, on_limit, &s };
	int rc;

	if (!def || !def->enabled || !scanner)
		return 0;
	memset(&x, 0, sizeof(x));
	x.cat = cat;
	x.path = path;
	x.out = out;
	memset(&u, 0, sizeof(u));
	u.path = path;
	u.data = data;
	u.len = len;
	rc = nhg_scanner_scan(scanner, &u, &cb, err);
	if (rc == NHG_ESTOP && x.rc == 0)
		return nhg_error_at(err, NHG_ELIMIT, path, 0, 0,
				    "a secret rule hit the regex limit in this file");
	if (rc || x.rc)
		return nhg_error_set(err, x.rc ? x.rc : rc, "out of memory");
	return 0;
}
