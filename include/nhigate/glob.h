/*
 * Path globs as in .gitignore-style config: '*' matches within one path
 * segment, a double star across segments (e.g. "deploy/" + double star),
 * '?' one character, '[...]' a class.  A pattern without '/' matches the
 * base name at any depth; one ending in '/' matches everything below.
 * Matching takes polynomial time whatever the pattern; a pattern and path
 * whose lengths multiply past 2^26 do not match.
 */
#ifndef NHIGATE_GLOB_H
#define NHIGATE_GLOB_H

#include <stdbool.h>

bool nhg_glob_match(const char *pattern, const char *path);

#endif
