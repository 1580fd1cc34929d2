/*
 * Path globs (glob.h).  Matching backtracks over '*' and double stars; to
 * stay polynomial on hostile patterns (a run of a hundred stars), each
 * (pattern position, path position) pair that failed once is remembered in
 * a bitmap and never tried again, so a match costs at most about
 * |pattern| x |path| tries.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/glob.h"

/* Bitmaps past this many bits (8 MiB) are not made: such a glob does not match. */
#define MAX_STATES ((size_t)1 << 26)

typedef struct glob_run {
	const char *p0, *s0;  /* where the pattern and the path begin */
	size_t width;          /* strlen(path) + 1: positions a path has */
	unsigned char *failed; /* bit pi * width + si: (p0 + pi, s0 + si) cannot match */
} glob_run;

/* Match one class "[...]" at *pp against c; advances *pp past it. */
static bool class_match(const char **pp, char c, bool *ok)
{
	const char *p = *pp + 1;
	bool neg = false, hit = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	if (*p == ']') { /* a leading ']' is literal */
		hit = c == ']';
		p++;
	}
	while (*p && *p != ']') {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (c >= p[0] && c <= p[2])
				hit = true;
			p += 3;
		} else {
			if (c == *p)
				hit = true;
			p++;
		}
	}
	*ok = *p == ']';
	if (*ok)
		*pp = p + 1;
	return hit != neg;
}

static bool match_here(glob_run *g, const char *p, const char *s);

static bool match_from(glob_run *g, const char *p, const char *s)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			const char *rest = p + 2;
			if (*rest == '/') {
				/* a double star and slash: zero or more whole segments */
				rest++;
				if (match_here(g, rest, s))
					return true;
				for (const char *q = s; *q; q++)
					if (*q == '/' && match_here(g, rest, q + 1))
						return true;
				return false;
			}
			/* trailing or embedded "**": anything, across '/' */
			for (const char *q = s;; q++) {
				if (match_here(g, rest, q))
					return true;
				if (!*q)
					return false;
			}
		}
		if (*p == '*') {
			for (const char *q = s;; q++) {
				if (match_here(g, p + 1, q))
					return true;
				if (!*q || *q == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
			p++;
			s++;
			continue;
		}
		if (*p == '[') {
			bool ok;
			const char *pp = p;
			bool hit = class_match(&pp, *s, &ok);
			if (ok) {
				if (!hit || *s == '/')
					return false;
				p = pp;
				s++;
				continue;
			}
		}
		if (*p == '\\' && p[1])
			p++;
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

static bool match_here(glob_run *g, const char *p, const char *s)
{
	size_t bit = (size_t)(p - g->p0) * g->width + (size_t)(s - g->s0);

	if (g->failed[bit >> 3] & (1u << (bit & 7)))
		return false;
	if (match_from(g, p, s))
		return true;
	g->failed[bit >> 3] |= (unsigned char)(1u << (bit & 7));
	return false;
}

/* Match pattern (from p) against the whole of path. */
static bool run(const char *p, const char *path)
{
	unsigned char small[512];
	glob_run g = { p, path, strlen(path) + 1, small };
	size_t plen = strlen(p) + 1, bytes;
	bool hit;

	if (plen > MAX_STATES / g.width)
		return false;
	bytes = (plen * g.width + 7) / 8;
	if (bytes > sizeof(small) && !(g.failed = malloc(bytes)))
		return false;
	memset(g.failed, 0, bytes);
	hit = match_here(&g, p, path);
	if (g.failed != small)
		free(g.failed);
	return hit;
}

bool nhg_glob_match(const char *pattern, const char *path)
{
	if (pattern[0] == '/')
		return run(pattern + 1, path);
	if (!strchr(pattern, '/')) {
		/* no slash: the base name at any depth */
		const char *base = strrchr(path, '/');
		return run(pattern, base ? base + 1 : path);
	}
	/* "dir/" matches everything below dir */
	size_t n = strlen(pattern);
	if (pattern[n - 1] == '/') {
		if (strncmp(path, pattern, n) == 0)
			return true;
		return run(pattern, path) ||
		       (strlen(path) == n - 1 && strncmp(path, pattern, n - 1) == 0);
	}
	return run(pattern, path);
}
