/*
 * The lines a change adds: the lines of the new blob whose content does not
 * occur anywhere in the old blob, with their new-file line numbers.
 *
 * This is what a diff calls added, less the lines that only moved or were
 * duplicated: their content was already in the file, so a secret in them is
 * not new here.  It needs one hash set of the old lines and one pass over
 * the new ones, linear in the size of both, where running xdiff over every
 * modified file cost as much as all the rest of a history scan together.
 * Lines are compared by a 64-bit hash; a collision (about n^2 / 2^64) could
 * only hide a line, so the hash is keyed with the line length and with a
 * seed drawn at random for each scan, so that nobody can craft a line that
 * collides with one already in the file to slip a secret past the scan.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "source/git_internal.h"

static uint64_t line_hash(uint64_t seed, const char *s, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = seed ^ (n * k);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ (w * k)) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (i < n) {
		uint64_t w = 0;
		memcpy(&w, s + i, n - i);
		h = (h ^ (w * k)) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 29;
	return h ? h : 1; /* 0 marks an empty slot */
}

/* Size the table for n lines (at most half full) and empty it. */
static int table_reset(nhg_gitctx *c, size_t n)
{
	size_t cap = 64;

	while (cap < n * 2)
		cap *= 2;
	if (cap > c->ltabcap) {
		uint64_t *t = realloc(c->ltab, cap * sizeof(*t));
		if (!t)
			return NHG_ENOMEM;
		c->ltab = t;
		c->ltabcap = cap;
	}
	c->ltabused = cap;
	memset(c->ltab, 0, cap * sizeof(*c->ltab));
	return 0;
}

static void table_add(nhg_gitctx *c, uint64_t h)
{
	size_t mask = c->ltabused - 1, i = (size_t)h & mask;
	while (c->ltab[i] && c->ltab[i] != h)
		i = (i + 1) & mask;
	c->ltab[i] = h;
}

static bool table_has(const nhg_gitctx *c, uint64_t h)
{
	size_t mask = c->ltabused - 1, i = (size_t)h & mask;
	while (c->ltab[i]) {
		if (c->ltab[i] == h)
			return true;
		i = (i + 1) & mask;
	}
	return false;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t lines = 0;
	const char *end = s + n, *p = s;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines + 1;
}

static int add_line(nhg_gitctx *c, const char *s, size_t n, uint32_t lineno)
{
	int rc = 0;

	if (n && s[n - 1] == '\r')
		n--;
	if (NHG_ARRAY_RESERVE(c->lines, c->nlines, c->caplines, 256))
		return NHG_ENOMEM;
	if (c->nlines)
		rc = nhg_buf_putc(&c->data, '\n');
	if (!rc)
		rc = nhg_buf_put(&c->data, s, n);
	if (rc)
		return rc;
	c->lines[c->nlines++] = lineno;
	return 0;
}

int nhg_gitsrc_added_lines(nhg_gitctx *c, const char *old, size_t olen,
			   const char *cur, size_t len)
{
	const char *p, *end;
	uint32_t lineno = 1;
	int rc;

	nhg_buf_clear(&c->data);
	c->nlines = 0;
	if ((rc = table_reset(c, count_lines(old, olen))) != 0)
		return rc;
	for (p = old, end = old + olen; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		table_add(c, line_hash(c->lseed, p, n));
		p += n + 1;
	}
	for (p = cur, end = cur + len; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!table_has(c, line_hash(c->lseed, p, n)) &&
		    (rc = add_line(c, p, n, lineno)) != 0)
			return rc;
		p += n + 1;
	}
	return 0;
}
