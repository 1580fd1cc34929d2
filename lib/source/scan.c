/* Running the secrets engine over a source into a result. */
#include <stdio.h>
#include <string.h>

#include "nhigate/buf.h"
#include "nhigate/clock.h"
#include "nhigate/source.h"

typedef struct scan_ctx {
	nhg_scanner *scanner;
	nhg_result *result;
	const nhg_scan_source *src;
	nhg_error *err;
} scan_ctx;

static int on_match(const nhg_unit *u, const nhg_match *m, void *payload)
{
	scan_ctx *x = payload;
	return nhg_result_add_match(x->result, u, m);
}

static int on_limit(const nhg_unit *u, const nhg_rule *r, uint32_t line, void *payload)
{
	scan_ctx *x = payload;
	char reason[300];
	snprintf(reason, sizeof(reason), "rule %s hit the regex match limit on line %u",
		 r->id, line);
	return nhg_result_add_skip(x->result, u->path, u->commit, reason);
}

static int on_unit(const nhg_unit *u, void *payload)
{
	scan_ctx *x = payload;
	nhg_scan_cb cb = { on_match, on_limit, x };
	if (nhg_clock_passed(x->src->deadline))
		return nhg_error_set(x->err, NHG_ESTOP, "the time budget ran out");
	if (x->src->progress)
		x->src->progress(&x->result->stats, x->result->nfindings, x->src->payload);
	return nhg_scanner_scan(x->scanner, u, &cb, x->err);
}

static int on_skip(const char *path, const char *commit, const char *reason, void *payload)
{
	scan_ctx *x = payload;
	return nhg_result_add_skip(x->result, path, commit, reason);
}

int nhg_source_scan(nhg_result *out, nhg_scanner *scanner, const nhg_scan_source *src,
		    nhg_error *err)
{
	scan_ctx x = { scanner, out, src, err };
	nhg_sink sink = { on_unit, on_skip, &x };

	if (src->git)
		return nhg_source_git(src->git, src->spec, src->opts, &sink, &out->stats, err);
	if (src->diff) {
		nhg_buf b = NHG_BUF_INIT((size_t)1 << 32);
		int rc = nhg_buf_read_file(&b, src->diff, err);
		if (!rc)
			rc = nhg_source_diff(b.ptr, b.len, src->opts, &sink, &out->stats, err);
		nhg_buf_free(&b);
		return rc;
	}
	return nhg_source_paths(src->paths, src->npaths, src->opts, &sink, &out->stats, err);
}
