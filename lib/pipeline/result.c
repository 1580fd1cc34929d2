#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/hash.h"
#include "pipeline/internal.h"

void nhg_presult_init(nhg_presult *r)
{
	memset(r, 0, sizeof(*r));
}

void nhg_presult_free(nhg_presult *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].path);
		free(r->findings[i].job);
		free(r->findings[i].step);
		free(r->findings[i].message);
	}
	for (size_t i = 0; i < r->nskipped; i++) {
		free(r->skipped[i].path);
		free(r->skipped[i].reason);
	}
	free(r->findings);
	free(r->skipped);
	nhg_presult_init(r);
}

int nhg_presult_add_skip(nhg_presult *r, const char *path, const char *reason)
{
	nhg_pskip *s;
	if (NHG_ARRAY_RESERVE(r->skipped, r->nskipped, r->capskipped, 8))
		return NHG_ENOMEM;
	s = &r->skipped[r->nskipped];
	s->path = strdup(path);
	s->reason = strdup(reason);
	if (!s->path || !s->reason) {
		free(s->path);
		free(s->reason);
		return NHG_ENOMEM;
	}
	r->nskipped++;
	return 0;
}

static int cmp_pfinding(const void *a, const void *b)
{
	const nhg_pfinding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return strcmp(x->check->id, y->check->id);
}

void nhg_presult_sort(nhg_presult *r)
{
	if (r->n)
		qsort(r->findings, r->n, sizeof(*r->findings), cmp_pfinding);
}

static bool same_place(const nhg_pfinding *a, const nhg_pfinding *b)
{
	return a->check == b->check && a->line == b->line && a->column == b->column &&
	       !strcmp(a->path, b->path);
}

/* a before b among repeats: the least job (none first), then message */
static bool preferred(const nhg_pfinding *a, const nhg_pfinding *b)
{
	int c;
	if (!a->job != !b->job)
		return !a->job;
	if (a->job && (c = strcmp(a->job, b->job)) != 0)
		return c < 0;
	return strcmp(a->message, b->message) < 0;
}

static void pfinding_free(nhg_pfinding *f)
{
	free(f->path);
	free(f->job);
	free(f->step);
	free(f->message);
}

void nhg_presult_dedupe(nhg_presult *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (k && same_place(&r->findings[k - 1], &r->findings[i])) {
			nhg_pfinding *kept = &r->findings[k - 1], *f = &r->findings[i];
			if (preferred(f, kept)) {
				nhg_pfinding t = *kept;
				*kept = *f;
				*f = t;
			}
			pfinding_free(f);
			continue;
		}
		r->findings[k++] = r->findings[i];
	}
	r->n = k;
}

static void fingerprint(nhg_pfinding *f)
{
	const char *parts[] = { f->check->id, f->path, f->job ? f->job : "",
				f->step ? f->step : "", f->message ? f->message : "" };
	nhg_sha256_ctx *h = nhg_sha256_new();
	if (!h) {
		f->fingerprint[0] = '\0';
		return;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		nhg_sha256_update(h, parts[i], strlen(parts[i]) + 1);
	nhg_sha256_final_hex(h, f->fingerprint);
}

void nhg_pctx_emit(pctx *x, const nhg_check_def *def, nhg_severity sev,
		   const nhg_yaml_node *at, const char *job, const char *step,
		   const char *fmt, ...)
{
	nhg_buf msg = NHG_BUF_INIT(1024);
	nhg_pfinding *f;
	va_list ap;

	if (!def->enabled || x->rc)
		return;
	if (NHG_ARRAY_RESERVE(x->out->findings, x->out->n, x->out->cap, 16)) {
		x->rc = NHG_ENOMEM;
		return;
	}
	va_start(ap, fmt);
	/* an over-long message is cut at the buffer's bound, never an error */
	if (nhg_buf_vprintf(&msg, fmt, ap) == NHG_ELIMIT)
		nhg_buf_puts(&msg, "...");
	va_end(ap);
	f = &x->out->findings[x->out->n];
	memset(f, 0, sizeof(*f));
	f->check = def;
	f->severity = sev ? sev : def->severity;
	f->line = at ? (uint32_t)at->line : 0;
	f->column = at ? (uint32_t)at->column : 0;
	f->path = strdup(x->path_of && at ? x->path_of(x, at) : x->path);
	f->job = job ? strdup(job) : NULL;
	f->step = step ? strdup(step) : NULL;
	/* one line: a quoted expression or script may span lines */
	for (size_t i = 0; i < msg.len; i++)
		if (msg.ptr[i] == '\n' || msg.ptr[i] == '\r')
			msg.ptr[i] = ' ';
	f->message = nhg_buf_detach(&msg, NULL);
	f->existing = -1;
	fingerprint(f);
	if (!f->path || !f->message || (job && !f->job) || (step && !f->step)) {
		free(f->path);
		free(f->job);
		free(f->step);
		free(f->message);
		x->rc = NHG_ENOMEM;
		return;
	}
	x->out->n++;
}

bool nhg_yaml_truthy(const nhg_yaml_node *n)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	if (!n || n->kind != NHG_YAML_SCALAR)
		return false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcasecmp(n->str, yes[i]))
			return true;
	return false;
}
