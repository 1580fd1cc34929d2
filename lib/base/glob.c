#include <string.h>

#include "nhigate/glob.h"

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

static bool match_here(const char *p, const char *s)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			const char *rest = p + 2;
			if (*rest == '/') {
				/* a double star and slash: zero or more whole segments */
				rest++;
				if (match_here(rest, s))
					return true;
				for (const char *q = s; *q; q++)
					if (*q == '/' && match_here(rest, q + 1))
						return true;
				return false;
			}
			/* trailing or embedded "**": anything, across '/' */
			for (const char *q = s;; q++) {
				if (match_here(rest, q))
					return true;
				if (!*q)
					return false;
			}
		}
		if (*p == '*') {
			for (const char *q = s;; q++) {
				if (match_here(p + 1, q))
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

bool nhg_glob_match(const char *pattern, const char *path)
{
	if (pattern[0] == '/')
		return match_here(pattern + 1, path);
	if (!strchr(pattern, '/')) {
		/* no slash: the base name at any depth */
		const char *base = strrchr(path, '/');
		return match_here(pattern, base ? base + 1 : path);
	}
	/* "dir/" matches everything below dir */
	size_t n = strlen(pattern);
	if (pattern[n - 1] == '/') {
		if (strncmp(path, pattern, n) == 0)
			return true;
		return match_here(pattern, path) ||
		       (strlen(path) == n - 1 && strncmp(path, pattern, n - 1) == 0);
	}
	return match_here(pattern, path);
}
