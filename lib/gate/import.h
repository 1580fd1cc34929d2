/*
 * Internal to the importer (import.c, import_sarif.c, import_nhigate.c):
 * reading findings made elsewhere into a verdict.
 *
 * The readers fill a private staging verdict; nhg_verdict_import moves its
 * findings and skips into the caller's verdict only when the whole input was
 * read, so a bad file adds nothing.  Every string put in a finding is a
 * malloc'd copy the verdict owns.  Type errors name the place in the
 * document ("runs[0].results[3].level") since jansson keeps no positions
 * for values.
 */
#ifndef NHIGATE_GATE_IMPORT_H
#define NHIGATE_GATE_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "nhigate/gate.h"

/* Results (SARIF) or findings and skips (nhigate) one input may hold. */
#define NHG_IMPORT_MAX_ITEMS 100000u
/* Bytes of an imported message and title, and of help text (then "…"). */
#define NHG_IMPORT_MAX_MESSAGE 500u
#define NHG_IMPORT_MAX_HELP 1000u
/* originalUriBaseIds one run may define. */
#define NHG_IMPORT_MAX_BASES 100u
/* Longest tool name or rule id accepted, and longest path. */
#define NHG_IMPORT_MAX_ID 256u
#define NHG_IMPORT_MAX_PATH 4096u

typedef struct nhg_import {
	nhg_verdict *v;         /* the staging verdict */
	const char *name;       /* the input, for errors */
	nhg_error *err;
	size_t items;           /* counted against NHG_IMPORT_MAX_ITEMS */
} nhg_import;

/* NHG_EINPUT naming the input and where in it ("runs[0].tool: ..."). */
int nhg_import_bad(nhg_import *x, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int nhg_import_nomem(nhg_import *x);
/* Count one more item; NHG_ELIMIT past NHG_IMPORT_MAX_ITEMS. */
int nhg_import_count(nhg_import *x);
/* NHG_ELIMIT when n more items would pass NHG_IMPORT_MAX_ITEMS (counts nothing). */
int nhg_import_room(nhg_import *x, size_t n);

/*
 * Typed look-ups of o[key] (o an object).  An absent key or a JSON null
 * leaves the default (NULL, or *out unchanged for numbers and booleans);
 * a value of another type is NHG_EINPUT at where.
 */
int nhg_import_str(nhg_import *x, const json_t *o, const char *key, const char **out,
		   const char *where);
int nhg_import_obj(nhg_import *x, const json_t *o, const char *key, json_t **out,
		   const char *where);
int nhg_import_arr(nhg_import *x, const json_t *o, const char *key, json_t **out,
		   const char *where);
int nhg_import_bool(nhg_import *x, const json_t *o, const char *key, bool *out,
		    const char *where);
/* An integer in [min, UINT32_MAX]. */
int nhg_import_u32(nhg_import *x, const json_t *o, const char *key, uint32_t min,
		   uint32_t *out, const char *where);

/*
 * One line built from pieces: control characters, line and paragraph
 * separators and bidirectional overrides become spaces, runs of spaces one
 * space, no space at either end; past max bytes it is cut at a character
 * boundary and ends with "…".
 */
typedef struct nhg_line {
	char *p;
	size_t len, max;
	size_t read;            /* input bytes looked at: at most 64 KiB + 64 * max */
	bool space;             /* a space is pending before the next character */
	bool cut;
} nhg_line;

int nhg_line_init(nhg_line *l, size_t max);
void nhg_line_add(nhg_line *l, const char *s, size_t n);
/* The line (malloc'd, owned by the caller), or NULL when it is empty. */
char *nhg_line_take(nhg_line *l);
void nhg_line_free(nhg_line *l);

/* s made one line of at most max bytes (see nhg_line), malloc'd. s may be NULL. */
int nhg_import_line(nhg_import *x, const char *s, size_t max, char **out);
/* A copy of s (NULL stays NULL). */
int nhg_import_dup(nhg_import *x, const char *s, char **out);
/* A tool name or rule id: one line, 1..NHG_IMPORT_MAX_ID bytes, copied. */
int nhg_import_id(nhg_import *x, const char *s, char **out, const char *what,
		  const char *where);

/* True when s is 64 hex digits; out gets them lowercased. */
bool nhg_import_hex64(char out[65], const char *s);

/* Add the canonical control id matching s (any case) to f, once; else nothing. */
int nhg_import_control(nhg_import *x, nhg_gfinding *f, const char *s);

/* The two readers: root is the parsed document, already recognised. */
int nhg_import_sarif(nhg_import *x, const json_t *root);
int nhg_import_nhigate(nhg_import *x, const json_t *root, const char *kind);

#endif
