/* The verdict: its findings, skips and reasons, and how they are copied in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/gate.h"

const char *nhg_decision_name(nhg_decision d)
{
	static const char *const names[] = { "pass", "block", "error", "breakglass" };
	return (unsigned)d < 4 ? names[d] : "error";
}

const char *nhg_status_name(nhg_status s)
{
	static const char *const names[] = { "blocking", "waived", "advisory" };
	return (unsigned)s < 3 ? names[s] : "blocking";
}

const char *nhg_origin_name(nhg_origin o)
{
	static const char *const names[] = { "secrets", "pipeline", "external" };
	return (unsigned)o < 3 ? names[o] : "external";
}

/* A random (version 4) UUID. */
static int make_uuid(char out[37])
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return NHG_EINTERNAL;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
	return 0;
}

int nhg_verdict_init(nhg_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->enforce = true;
	v->block_on = NHG_SEV_HIGH;
	if (nhg_date_now(v->timestamp))
		return NHG_EINTERNAL;
	memcpy(v->today, v->timestamp, 10);   /* the same instant */
	return make_uuid(v->decision_id);
}

void nhg_gfinding_clear(nhg_gfinding *f)
{
	free(f->tool);
	free(f->rule);
	free(f->title);
	free(f->path);
	free(f->commit);
	free(f->author);
	free(f->date);
	free(f->job);
	free(f->step);
	free(f->message);
	free(f->redacted);
	free(f->help);
	for (size_t i = 0; i < f->controls.n; i++)
		free((char *)f->controls.v[i]);
	free(f->controls.v);
}

void nhg_verdict_free(nhg_verdict *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nreasons; i++)
		free(v->reasons[i]);
	free(v->reasons);
	for (size_t i = 0; i < v->nfindings; i++)
		nhg_gfinding_clear(&v->findings[i]);
	free(v->findings);
	for (size_t i = 0; i < v->nskipped; i++) {
		free(v->skipped[i].path);
		free(v->skipped[i].commit);
		free(v->skipped[i].reason);
	}
	free(v->skipped);
	free(v->waivers);
	free(v->subject.repository);
	free(v->subject.ref);
	free(v->subject.base);
	free(v->subject.head);
	free(v->subject.actor);
	free(v->profile);
	free(v->breakglass.reason);
	free(v->breakglass.source);
	free(v->breakglass.refused);
	free(v->waivers_file);
	memset(v, 0, sizeof(*v));
}

int nhg_verdict_add_reason(nhg_verdict *v, const char *fmt, ...)
{
	nhg_buf b = NHG_BUF_INIT(4096);
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = nhg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc || NHG_ARRAY_RESERVE(v->reasons, v->nreasons, v->capreasons, 4)) {
		nhg_buf_free(&b);
		return NHG_ENOMEM;
	}
	if (!(v->reasons[v->nreasons] = nhg_buf_detach(&b, NULL)))
		return NHG_ENOMEM;
	v->nreasons++;
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int nhg_verdict_add_skip(nhg_verdict *v, const char *path, const char *commit,
			 const char *reason)
{
	nhg_gskip *s;
	/* both scanners may fail on one file: it is listed once, with the first reason */
	for (size_t i = 0; path && i < v->nskipped && i < 4096; i++)
		if (!strcmp(v->skipped[i].path, path) &&
		    !strcmp(v->skipped[i].commit ? v->skipped[i].commit : "", commit ? commit : ""))
			return 0;
	if (NHG_ARRAY_RESERVE(v->skipped, v->nskipped, v->capskipped, 8))
		return NHG_ENOMEM;
	s = &v->skipped[v->nskipped];
	s->path = strdup(path ? path : "");
	s->commit = dup_or_null(commit);
	s->reason = strdup(reason ? reason : "not scanned");
	if (!s->path || !s->reason || (commit && !s->commit)) {
		free(s->path);
		free(s->commit);
		free(s->reason);
		return NHG_ENOMEM;
	}
	v->nskipped++;
	return 0;
}

int nhg_verdict_new_finding(nhg_verdict *v, nhg_gfinding **out)
{
	if (NHG_ARRAY_RESERVE(v->findings, v->nfindings, v->capfindings, 16))
		return NHG_ENOMEM;
	*out = &v->findings[v->nfindings++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* Copy a list of strings into f->controls. */
static int copy_controls(nhg_gfinding *f, const nhg_strlist *l)
{
	if (!l->n)
		return 0;
	if (!(f->controls.v = calloc(l->n, sizeof(char *))))
		return NHG_ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		if (!(f->controls.v[f->controls.n++] = strdup(l->v[i])))
			return NHG_ENOMEM;
	return 0;
}

static int add_secret(nhg_verdict *v, const nhg_finding *s)
{
	nhg_gfinding *f;
	nhg_buf msg = NHG_BUF_INIT(2048);
	int rc = nhg_verdict_new_finding(v, &f);

	if (rc)
		return rc;
	f->origin = NHG_ORIGIN_SECRETS;
	f->severity = s->severity;
	f->line = s->line;
	f->column = s->column;
	f->end_column = s->end_column;
	f->inline_allowed = s->allowed_inline;
	memcpy(f->secret_sha256, s->secret_sha256, sizeof(f->secret_sha256));
	memcpy(f->fingerprint, s->fingerprint, sizeof(f->fingerprint));
	if (nhg_buf_printf(&msg, "%s: %s", s->rule->title, s->redacted) ||
	    (s->checked < 0 && nhg_buf_puts(&msg, " (fails the format's checksum)")))
		rc = NHG_ENOMEM;
	f->message = nhg_buf_detach(&msg, NULL);
	f->tool = strdup("nhigate");
	f->rule = strdup(s->rule->id);
	f->title = strdup(s->rule->title);
	f->path = strdup(s->path);
	f->commit = dup_or_null(s->commit);
	f->author = dup_or_null(s->author);
	f->date = dup_or_null(s->date);
	f->redacted = strdup(s->redacted);
	f->help = dup_or_null(s->rule->remediation);
	if (rc || !f->message || !f->tool || !f->rule || !f->title || !f->path ||
	    !f->redacted || (s->commit && !f->commit) || (s->author && !f->author) ||
	    (s->date && !f->date) || (s->rule->remediation && !f->help))
		return NHG_ENOMEM;
	return copy_controls(f, &s->rule->controls);
}

int nhg_verdict_add_secrets(nhg_verdict *v, const nhg_result *r)
{
	int rc;
	for (size_t i = 0; i < r->nfindings; i++)
		if ((rc = add_secret(v, &r->findings[i])) != 0)
			return rc;
	for (size_t i = 0; i < r->nskipped; i++)
		if ((rc = nhg_verdict_add_skip(v, r->skipped[i].path, r->skipped[i].commit,
					       r->skipped[i].reason)) != 0)
			return rc;
	v->stats.commits += r->stats.commits;
	v->stats.files += r->stats.files;
	v->stats.bytes += r->stats.bytes;
	v->stats.binary += r->stats.binary;
	return 0;
}

static int add_check(nhg_verdict *v, const nhg_pfinding *p)
{
	nhg_gfinding *f;
	int rc = nhg_verdict_new_finding(v, &f);

	if (rc)
		return rc;
	f->origin = NHG_ORIGIN_PIPELINE;
	f->severity = p->severity;
	f->line = p->line;
	f->column = p->column;
	f->existing = p->existing == 1;
	memcpy(f->fingerprint, p->fingerprint, sizeof(f->fingerprint));
	f->tool = strdup("nhigate");
	f->rule = strdup(p->check->id);
	f->title = strdup(p->check->title);
	f->path = strdup(p->path);
	f->job = dup_or_null(p->job);
	f->step = dup_or_null(p->step);
	f->message = strdup(p->message);
	f->help = dup_or_null(p->check->fix);
	if (!f->tool || !f->rule || !f->title || !f->path || !f->message ||
	    (p->job && !f->job) || (p->step && !f->step) || (p->check->fix && !f->help))
		return NHG_ENOMEM;
	return copy_controls(f, &p->check->controls);
}

int nhg_verdict_add_pipeline(nhg_verdict *v, const nhg_presult *r)
{
	int rc;
	for (size_t i = 0; i < r->n; i++)
		if ((rc = add_check(v, &r->findings[i])) != 0)
			return rc;
	for (size_t i = 0; i < r->nskipped; i++)
		if ((rc = nhg_verdict_add_skip(v, r->skipped[i].path, NULL,
					       r->skipped[i].reason)) != 0)
			return rc;
	v->pipeline_files += r->files;
	return 0;
}

int nhg_verdict_request_breakglass(nhg_verdict *v, const char *reason, const char *source)
{
	free(v->breakglass.reason);
	free(v->breakglass.source);
	v->breakglass.reason = strdup(reason ? reason : "");
	v->breakglass.source = strdup(source ? source : "NHIGATE_BREAKGLASS");
	return v->breakglass.reason && v->breakglass.source ? 0 : NHG_ENOMEM;
}

size_t nhg_verdict_count(const nhg_verdict *v, nhg_status s)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nfindings; i++)
		n += v->findings[i].status == s;
	return n;
}

int nhg_verdict_fail(nhg_verdict *v, const nhg_error *err)
{
	char msg[1200];
	nhg_error_format(err, msg, sizeof(msg));
	v->decision = NHG_DECISION_ERROR;
	return nhg_verdict_add_reason(v, "%s", msg);
}
