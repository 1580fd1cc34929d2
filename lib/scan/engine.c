/*
 * The matching engine.  For one unit: the prefilter reports keyword hits;
 * hits are grouped into segments (the whole line, or on a long line a window
 * around the hit); each segment runs the regexes of the rules whose keywords
 * it holds; matches pass the gates in check.c and are reduced to one per
 * span before they reach the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "scan/engine.h"

#define MAX_PENDING 4096

int nhg_scanner_new(nhg_scanner **out, const nhg_rulepack *pack,
		    const nhg_scan_opts *opts, nhg_error *err)
{
	static const nhg_scan_opts defaults = NHG_SCAN_OPTS_INIT;
	nhg_scanner *s = calloc(1, sizeof(*s));
	size_t n = nhg_rulepack_count(pack);
	uint32_t maxcap = 1;

	if (!s)
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	s->pack = pack;
	s->opts = opts ? *opts : defaults;
	if (s->opts.window < 256)
		s->opts.window = 256;
	s->nrules = n;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = 0;
		pcre2_pattern_info(nhg_rulepack__compiled(pack, i)->re, PCRE2_INFO_CAPTURECOUNT, &c);
		if (c > maxcap)
			maxcap = c;
	}
	s->words = (n + 63) / 64;
	if (nhg_prefilter_new(&s->pf, pack) ||
	    !(s->cand = calloc(s->words ? s->words : 1, sizeof(*s->cand))) ||
	    !(s->excluded = calloc(s->words ? s->words : 1, sizeof(*s->excluded))) ||
	    !(s->md = pcre2_match_data_create(maxcap + 1, NULL)) ||
	    !(s->mctx = pcre2_match_context_create(NULL)) ||
	    !(s->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL))) {
		nhg_scanner_free(s);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	pcre2_set_match_limit(s->mctx, s->opts.match_limit);
	pcre2_set_depth_limit(s->mctx, s->opts.depth_limit);
	pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
	nhg_buf_init(&s->lower, 1u << 20);
	*out = s;
	return 0;
}

void nhg_scanner_free(nhg_scanner *s)
{
	if (!s)
		return;
	nhg_prefilter_free(s->pf);
	free(s->cand);
	free(s->excluded);
	free(s->pending);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jit);
	nhg_buf_free(&s->lower);
	free(s);
}

/* Line number (1-based, in the new file) of the unit's line index idx. */
static uint32_t line_number(const nhg_unit *u, size_t idx)
{
	if (u->lines)
		return idx < u->nlines ? u->lines[idx] : 0;
	return (uint32_t)(idx + 1);
}

/*
 * Newlines in p[0, n), eight bytes at a time: each byte lane of acc counts
 * the newlines seen in that lane (at most 255 words between folds), and two
 * folds add the lanes up.  No popcount, which baseline x86-64 lacks.
 */
static size_t count_newlines(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = 0x7f * ones;
	size_t c = 0, i = 0;

	while (i + 8 <= n) {
		uint64_t acc = 0;
		for (int k = 0; k < 255 && i + 8 <= n; k++, i += 8) {
			uint64_t x, t;
			memcpy(&x, p + i, 8);
			x ^= 0x0a * ones;             /* '\n' bytes become zero */
			t = ((x & low7) + low7) | x;  /* high bit set: byte not zero */
			acc += (~t >> 7) & ones;      /* one per zero byte */
		}
		/* lanes hold at most 255: add pairs into 16-bit lanes, then those */
		acc = (acc & 0x00ff00ff00ff00ffull) + ((acc >> 8) & 0x00ff00ff00ff00ffull);
		c += (size_t)((acc * 0x0001000100010001ull) >> 48);
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/*
 * Index of the current line in the unit.  Counted lazily, only when a match
 * or a limit needs it: most lines with a keyword hold no finding.
 */
static size_t line_index(scan_state *st)
{
	if (st->count_pos < st->line_start) {
		st->count_idx += count_newlines(st->unit->data + st->count_pos,
						st->line_start - st->count_pos);
		st->count_pos = st->line_start;
	}
	return st->count_idx;
}

static bool has_allow_marker(const char *line, size_t len)
{
	static const char *const markers[] = {
		"nhigate:allow", "gitleaks:allow", "pragma: allowlist secret"
	};
	/* every marker holds "allow": one search rules out almost every line */
	if (!memmem(line, len, "allow", 5))
		return false;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (memmem(line, len, markers[i], strlen(markers[i])))
			return true;
	return false;
}

static int cmp_pending(const void *a, const void *b)
{
	const pending *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Does p win over q when their spans overlap? */
static bool wins(const nhg_scanner *s, const pending *p, const pending *q)
{
	const nhg_rule *a = nhg_rulepack_rule(s->pack, p->rule);
	const nhg_rule *b = nhg_rulepack_rule(s->pack, q->rule);
	if (a->generic != b->generic)
		return !a->generic;
	if (p->end - p->start != q->end - q->start)
		return p->end - p->start > q->end - q->start;
	if (p->start != q->start)
		return p->start < q->start;
	return p->rule < q->rule;
}

/* Report the segment's surviving matches: one per span, in column order. */
static int emit_pending(scan_state *st)
{
	nhg_scanner *s = st->s;
	const char *d = st->unit->data;
	size_t n = s->npending;
	int rc = 0;

	qsort(s->pending, n, sizeof(*s->pending), cmp_pending);
	for (size_t i = 0; i < n; i++) {
		pending *p = &s->pending[i];
		if (p->dead)
			continue;
		for (size_t j = i + 1; j < n && s->pending[j].start < p->end; j++) {
			pending *q = &s->pending[j];
			if (q->dead)
				continue;
			if (wins(s, p, q)) {
				q->dead = true;
			} else {
				p->dead = true;
				break;
			}
		}
	}
	for (size_t i = 0; i < n && !rc; i++) {
		pending *p = &s->pending[i];
		nhg_match m;
		/* a later duplicate of an already reported span (overlapping windows) */
		if (p->dead || (p->start < st->reported_end && p->line_idx == st->reported_line))
			continue;
		m.rule = nhg_rulepack_rule(s->pack, p->rule);
		m.line = line_number(st->unit, p->line_idx);
		m.column = (uint32_t)(p->start - p->line_start + 1);
		m.end_column = (uint32_t)(p->end - p->line_start);
		m.secret = d + p->start;
		m.secret_len = p->end - p->start;
		m.allowed_inline = p->allowed;
		m.checked = p->checked;
		st->reported_end = p->end;
		st->reported_line = p->line_idx;
		if (s->only || !st->cb->match)
			st->found = true;
		else
			rc = st->cb->match(st->unit, &m, st->cb->payload) ? NHG_ESTOP : 0;
	}
	s->npending = 0;
	return rc;
}

static int add_pending(scan_state *st, uint32_t rule, size_t start, size_t end, int checked)
{
	nhg_scanner *s = st->s;
	pending *p;
	if (s->npending >= MAX_PENDING)
		return 0; /* more than this on one segment is noise; keep the first */
	if (NHG_ARRAY_RESERVE(s->pending, s->npending, s->cappending, 16))
		return NHG_ENOMEM;
	p = &s->pending[s->npending++];
	p->rule = rule;
	p->start = start;
	p->end = end;
	p->line_idx = line_index(st);
	p->line_start = st->line_start;
	p->checked = checked;
	p->allowed = st->line_allowed;
	p->dead = false;
	return 0;
}

/* Gate one regex match and queue it; ovector in s->md. */
static int take_match(scan_state *st, uint32_t ri, size_t from)
{
	nhg_scanner *s = st->s;
	const nhg_compiled_rule *c = nhg_rulepack__compiled(s->pack, ri);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	size_t ss, se, ms = from + ov[0], me = from + ov[1];
	int checked = 0;

	/* read the spans first: the gates reuse the match data */
	if (ov[2 * c->secret_group] == PCRE2_UNSET)
		return 0;
	ss = from + ov[2 * c->secret_group];
	se = from + ov[2 * c->secret_group + 1];
	if (se <= ss || !nhg_engine_accept(s, nhg_rulepack_rule(s->pack, ri), c,
					   st->unit->data + ss, se - ss,
					   st->unit->data + ms, me - ms, &checked))
		return 0;
	return add_pending(st, ri, ss, se, checked) ? NHG_ENOMEM : 0;
}

/* A regex call failed on a bound: report the line as not fully scanned. */
static int hit_limit(scan_state *st, uint32_t ri)
{
	nhg_scanner *s = st->s;
	if (st->cb && st->cb->limit && !s->only) {
		uint32_t line = line_number(st->unit, line_index(st));
		/* once per rule and line, however many windows of it ran out */
		if (st->limit_reported && st->limit_rule == ri && st->limit_line == line)
			return 0;
		st->limit_reported = true;
		st->limit_rule = ri;
		st->limit_line = line;
		return st->cb->limit(st->unit, nhg_rulepack_rule(s->pack, ri), line,
				     st->cb->payload) ? NHG_ESTOP : 0;
	}
	st->limited = true;
	return 0;
}

/* Run rule over data[from, to): every non-overlapping match. */
static int run_rule(scan_state *st, uint32_t ri, size_t from, size_t to)
{
	nhg_scanner *s = st->s;
	const nhg_compiled_rule *c = nhg_rulepack__matcher(s->pack, ri);
	PCRE2_SPTR subject = (PCRE2_SPTR)(st->unit->data + from);
	size_t len = to - from, off = 0;
	int rc;

	while (off <= len) {
		int n = pcre2_match(c->re, subject, len, off, 0, s->md, s->mctx);
		PCRE2_SIZE *ov;
		if (n == PCRE2_ERROR_NOMATCH)
			return 0;
		if (n < 0)
			return hit_limit(st, ri);
		ov = pcre2_get_ovector_pointer(s->md);
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if ((rc = take_match(st, ri, from)) != 0)
			return rc;
	}
	return 0;
}

static bool ident_byte(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * anchor: identifier.  Try the pattern only at the start of each identifier
 * (or its opening quote) that holds a keyword hit: one anchored attempt per
 * name instead of one at every position of the line.
 */
static int run_anchored(scan_state *st, uint32_t ri, size_t from, size_t to)
{
	nhg_scanner *s = st->s;
	const nhg_compiled_rule *c = nhg_rulepack__matcher(s->pack, ri);
	const char *d = st->unit->data;
	size_t starts[MAX_SEG_HITS], n = 0, done = from;
	int rc;

	if (st->nhits > MAX_SEG_HITS)
		return run_rule(st, ri, from, to);
	for (size_t i = 0; i < st->nhits; i++) {
		size_t p = st->hits[i];
		if (p < from || p >= to)
			continue;
		while (p > from && ident_byte(d[p - 1]))
			p--;
		if (p > from && (d[p - 1] == '"' || d[p - 1] == '\''))
			p--;
		starts[n++] = p;
	}
	qsort(starts, n, sizeof(*starts), cmp_size);
	for (size_t i = 0; i < n; i++) {
		int m;
		if ((i && starts[i] == starts[i - 1]) || starts[i] < done)
			continue;
		m = pcre2_match(c->re_anchored, (PCRE2_SPTR)(d + from), to - from,
				starts[i] - from, 0, s->md, s->mctx);
		if (m == PCRE2_ERROR_NOMATCH)
			continue;
		if (m < 0)
			return hit_limit(st, ri);
		done = from + pcre2_get_ovector_pointer(s->md)[1];
		if ((rc = take_match(st, ri, from)) != 0)
			return rc;
	}
	return 0;
}

/* Run the candidate rules over the current segment, then clear them. */
static int flush(scan_state *st)
{
	nhg_scanner *s = st->s;
	int rc = 0;

	if (!st->have_seg)
		return 0;
	st->have_seg = false;
	for (size_t w = 0; w < s->words && !rc; w++) {
		uint64_t bits = s->cand[w] & ~s->excluded[w];
		s->cand[w] = 0;
		while (bits && !rc) {
			uint32_t ri = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
			bits &= bits - 1;
			if (s->only && ri != s->only->index)
				continue;
			rc = nhg_rulepack_rule(s->pack, ri)->anchor_identifier ?
				run_anchored(st, ri, st->seg_from, st->seg_to) :
				run_rule(st, ri, st->seg_from, st->seg_to);
		}
	}
	if (!rc && s->npending)
		rc = emit_pending(st);
	return rc;
}

static int on_hit(const nhg_keyword *kw, size_t pos, void *payload)
{
	scan_state *st = payload;
	nhg_scanner *s = st->s;
	const char *d = st->unit->data;
	size_t len = st->unit->len;
	int rc;

	if (st->have_seg && pos < st->seg_to && !st->long_line)
		goto add; /* same line as the open segment */
	if (st->have_seg && pos < st->seg_to) {
		/*
		 * Inside the open window of a long line: widen it instead of opening
		 * an overlapping one, so dense keywords cost one pass, not one each.
		 */
		size_t end = st->line_end, half = s->opts.window / 2;
		if (end > st->line_start && d[end - 1] == '\r')
			end--;
		if (end - pos > half && pos + half > st->seg_to)
			st->seg_to = pos + half;
		else if (end - pos <= half)
			st->seg_to = end;
		goto add;
	}
	if ((rc = flush(st)) != 0)
		return rc;
	if (!st->have_line || pos >= st->line_end) {
		/* a new line: its start is the newline nearest before pos */
		size_t floor = st->have_line ? st->line_end + 1 : 0;
		const char *nl = pos > floor ? memrchr(d + floor, '\n', pos - floor) : NULL;
		st->line_start = nl ? (size_t)(nl - d) + 1 : floor;
		st->have_line = true;
		nl = memchr(d + pos, '\n', len - pos);
		st->line_end = nl ? (size_t)(nl - d) : len;
		st->line_allowed = s->opts.inline_allow &&
			has_allow_marker(d + st->line_start, st->line_end - st->line_start);
	}
	{
		size_t end = st->line_end;
		if (end > st->line_start && d[end - 1] == '\r')
			end--;
		st->long_line = end - st->line_start > s->opts.window;
		if (!st->long_line) {
			st->seg_from = st->line_start;
			st->seg_to = end;
		} else {
			size_t half = s->opts.window / 2;
			st->seg_from = pos - st->line_start > half ? pos - half : st->line_start;
			st->seg_to = end - pos > half ? pos + half : end;
		}
	}
	st->have_seg = true;
	st->nhits = 0;
add:
	/* nhits == MAX_SEG_HITS + 1 marks an overflow: anchored rules scan it all */
	if (st->nhits < MAX_SEG_HITS)
		st->hits[st->nhits] = pos;
	if (st->nhits <= MAX_SEG_HITS)
		st->nhits++;
	for (size_t i = 0; i < kw->nrules; i++)
		s->cand[kw->rules[i] / 64] |= 1ull << (kw->rules[i] % 64);
	return 0;
}

static void exclude_rules(nhg_scanner *s, const char *path)
{
	memset(s->excluded, 0, s->words * sizeof(*s->excluded));
	for (size_t i = 0; i < s->nrules; i++) {
		const nhg_rule *r = nhg_rulepack_rule(s->pack, i);
		for (size_t j = 0; path && j < r->paths.n; j++)
			if (nhg_glob_match(r->paths.v[j], path)) {
				s->excluded[i / 64] |= 1ull << (i % 64);
				break;
			}
	}
}

static int scan_unit(nhg_scanner *s, const nhg_unit *u, const nhg_scan_cb *cb,
		     scan_state *st)
{
	int rc;
	memset(st, 0, sizeof(*st));
	st->s = s;
	st->unit = u;
	st->cb = cb;
	st->reported_line = (size_t)-1;
	s->npending = 0;
	memset(s->cand, 0, s->words * sizeof(*s->cand));
	exclude_rules(s, u->path);
	rc = nhg_prefilter_run(s->pf, u->data, u->len, on_hit, st);
	if (!rc)
		rc = flush(st);
	return rc;
}

int nhg_scanner_scan(nhg_scanner *s, const nhg_unit *unit, const nhg_scan_cb *cb,
		     nhg_error *err)
{
	scan_state st;
	int rc;
	s->only = NULL;
	rc = scan_unit(s, unit, cb, &st);
	if (rc == NHG_ENOMEM)
		return nhg_error_set(err, rc, "out of memory");
	if (rc == NHG_ESTOP)
		return nhg_error_set(err, rc, "stopped by the caller");
	return rc;
}

int nhg_scanner_test_rule(nhg_scanner *s, const nhg_rule *rule, const char *text,
			  size_t len, bool *found, nhg_error *err)
{
	nhg_unit u;
	scan_state st;
	int rc;

	memset(&u, 0, sizeof(u));
	u.path = "example";
	u.data = text;
	u.len = len;
	s->only = rule;
	rc = scan_unit(s, &u, NULL, &st);
	s->only = NULL;
	if (rc)
		return nhg_error_set(err, rc, "out of memory");
	if (st.limited)
		return nhg_error_set(err, NHG_ELIMIT, "rule %s hit the regex match limit",
				     rule->id);
	*found = st.found;
	return 0;
}
