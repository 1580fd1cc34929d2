#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/finding.h"

void nhg_result_init(nhg_result *r, bool keep_secrets)
{
	memset(r, 0, sizeof(*r));
	r->keep_secrets = keep_secrets;
}

static void finding_free(nhg_finding *f)
{
	free(f->path);
	free(f->commit);
	free(f->author);
	free(f->date);
	free(f->redacted);
	free(f->secret);
}

void nhg_result_free(nhg_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		finding_free(&r->findings[i]);
	for (size_t i = 0; i < r->nskipped; i++) {
		free(r->skipped[i].path);
		free(r->skipped[i].commit);
		free(r->skipped[i].reason);
	}
	free(r->findings);
	free(r->skipped);
	nhg_result_init(r, r->keep_secrets);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *format_date(int64_t t, int offset_min)
{
	char buf[96];
	time_t local = (time_t)(t + (int64_t)offset_min * 60);
	struct tm tm;
	int off = offset_min < 0 ? -offset_min : offset_min;

	if (!gmtime_r(&local, &tm))
		return NULL;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, offset_min < 0 ? '-' : '+', off / 60, off % 60);
	return strdup(buf);
}

char *nhg_redact(const char *s, size_t len)
{
	/* show at most 4 bytes and never more than a quarter of the secret */
	size_t show = len / 4 < 4 ? len / 4 : 4;
	nhg_buf b = NHG_BUF_INIT(256);
	/* do not cut a UTF-8 sequence in half */
	while (show > 0 && ((unsigned char)s[show] & 0xc0) == 0x80)
		show--;
	/* nor carry a NUL, which would end the string before "…(len)" */
	if (memchr(s, '\0', show))
		show = (size_t)((const char *)memchr(s, '\0', show) - s);
	if (nhg_buf_put(&b, s, show) || nhg_buf_printf(&b, "\xe2\x80\xa6(%zu)", len)) {
		nhg_buf_free(&b);
		return NULL;
	}
	return nhg_buf_detach(&b, NULL);
}

void nhg_fingerprint(char out[NHG_SHA256_HEXLEN + 1], const char *rule_id,
		     const char *path, const char *secret_sha256)
{
	nhg_sha256_ctx *h = nhg_sha256_new();
	if (!h) {
		out[0] = '\0';
		return;
	}
	nhg_sha256_update(h, rule_id, strlen(rule_id) + 1);
	nhg_sha256_update(h, path, strlen(path) + 1);
	nhg_sha256_update(h, secret_sha256, strlen(secret_sha256));
	nhg_sha256_final_hex(h, out);
}

int nhg_result_add_match(nhg_result *r, const nhg_unit *u, const nhg_match *m)
{
	nhg_finding *f;

	if (NHG_ARRAY_RESERVE(r->findings, r->nfindings, r->capfindings, 32))
		return NHG_ENOMEM;
	f = &r->findings[r->nfindings];
	memset(f, 0, sizeof(*f));
	f->rule = m->rule;
	f->severity = m->checked < 0 ? NHG_SEV_LOW : m->rule->severity;
	f->checked = m->checked;
	f->path = strdup(u->path ? u->path : "");
	f->commit = dup_or_null(u->commit);
	f->author = dup_or_null(u->author);
	f->date = u->time ? format_date(u->time, u->time_offset) : NULL;
	f->line = m->line;
	f->column = m->column;
	f->end_column = m->end_column;
	f->redacted = nhg_redact(m->secret, m->secret_len);
	f->allowed_inline = m->allowed_inline;
	if (r->keep_secrets && (f->secret = malloc(m->secret_len + 1)) != NULL) {
		memcpy(f->secret, m->secret, m->secret_len);
		f->secret[m->secret_len] = '\0';
	}
	nhg_sha256_hex(f->secret_sha256, m->secret, m->secret_len);
	nhg_fingerprint(f->fingerprint, m->rule->id, f->path, f->secret_sha256);
	if (!f->path || !f->redacted || (u->commit && !f->commit) ||
	    (u->author && !f->author) || (r->keep_secrets && !f->secret)) {
		finding_free(f);
		return NHG_ENOMEM;
	}
	r->nfindings++;
	return 0;
}

int nhg_result_add_skip(nhg_result *r, const char *path, const char *commit,
			const char *reason)
{
	nhg_skip *s;
	if (NHG_ARRAY_RESERVE(r->skipped, r->nskipped, r->capskipped, 16))
		return NHG_ENOMEM;
	s = &r->skipped[r->nskipped];
	s->path = strdup(path ? path : "");
	s->commit = dup_or_null(commit);
	s->reason = strdup(reason ? reason : "");
	if (!s->path || !s->reason || (commit && !s->commit)) {
		free(s->path);
		free(s->commit);
		free(s->reason);
		return NHG_ENOMEM;
	}
	r->nskipped++;
	return 0;
}

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_finding(const void *a, const void *b)
{
	const nhg_finding *x = a, *y = b;
	int c;
	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if ((c = strcmp(x->rule->id, y->rule->id)) != 0)
		return c;
	return cmp_opt(x->commit, y->commit);
}

static int cmp_skip(const void *a, const void *b)
{
	const nhg_skip *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : cmp_opt(x->commit, y->commit);
}

void nhg_result_sort(nhg_result *r)
{
	if (r->nfindings)
		qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_finding);
	if (r->nskipped)
		qsort(r->skipped, r->nskipped, sizeof(*r->skipped), cmp_skip);
}

size_t nhg_result_active(const nhg_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfindings; i++)
		n += !r->findings[i].allowed_inline && !r->findings[i].baselined;
	return n;
}
