/*
 * Inside the decision log: a strict JSON scanner that reads a record in
 * place without allocating, for checking and summarising a million lines
 * quickly.  It accepts exactly RFC 8259 JSON (UTF-8 checked, nesting
 * bounded) and leaves decoding escapes to jansson (nhg_js_decode), which
 * only strings holding a backslash need.
 */
#ifndef NHG_GATE_LOG_INTERNAL_H
#define NHG_GATE_LOG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nhigate/decision_log.h"
#include "nhigate/error.h"

#define NHG_JS_MAX_DEPTH 64

/* A string's raw bytes between its quotes; esc: it holds a backslash. */
typedef struct nhg_jstr {
	const char *p;
	size_t n;
	bool esc;
} nhg_jstr;

typedef struct nhg_jscan {
	const char *p, *start, *end;
	unsigned depth;
	const char *why;        /* the first error, static text; NULL while fine */
	size_t at;              /* its byte offset in the text */
} nhg_jscan;

void nhg_js_init(nhg_jscan *s, const char *text, size_t len);

/*
 * Each returns false on malformed input (s->why and s->at say what and
 * where; later calls keep failing).  Whitespace before a token is skipped.
 */
bool nhg_js_string(nhg_jscan *s, nhg_jstr *out);
bool nhg_js_skip(nhg_jscan *s);                 /* any one value */
bool nhg_js_bool(nhg_jscan *s, bool *out);
/* A number; *out gets it when it is a whole number that fits, else false'd. */
bool nhg_js_number(nhg_jscan *s, uint64_t *out, bool *whole);
/* The next value is null: consumes it and returns true. */
bool nhg_js_null(nhg_jscan *s);
/* The next non-blank character, '\0' at the end (does not consume). */
static inline char nhg_js_peek(nhg_jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
	return s->p < s->end ? *s->p : '\0';
}

/*
 * Objects and arrays: call nhg_js_open(s, '{') (false when the value is
 * not an object), then nhg_js_key repeatedly: 1 with key set and the ':'
 * consumed (read or skip the value next), 0 at the closing '}' (consumed),
 * -1 on malformed input.  Arrays alike with nhg_js_item (1: a value
 * follows).  first is the caller's, set to true before the first call.
 */
bool nhg_js_open(nhg_jscan *s, char bracket);
/* Open the object or array at s if that is what is there; else skip the value, false. */
bool nhg_js_enter(nhg_jscan *s, char bracket);
int nhg_js_key(nhg_jscan *s, bool *first, nhg_jstr *key);
int nhg_js_item(nhg_jscan *s, bool *first);

/* Only whitespace is left. */
bool nhg_js_end(nhg_jscan *s);

/* The whole of text is one JSON object; why/at as in nhg_jscan. */
bool nhg_js_object_ok(const char *text, size_t len, const char **why, size_t *at);

/* s equals the literal lit (escapes decoded when s has any). */
bool nhg_js_eq(const nhg_jstr *s, const char *lit);
/* The same for a string literal, without a call in the common case. */
#define NHG_JS_IS(s, lit) \
	((s)->esc ? nhg_js_eq((s), (lit)) \
		  : (s)->n == sizeof(lit) - 1 && !memcmp((s)->p, (lit), sizeof(lit) - 1))

/*
 * The decoded string as a NUL-terminated copy (malloc'd; a NUL inside it
 * becomes U+FFFD), at most max bytes of it: a longer value is cut at a
 * character boundary and ends in "…".  NULL on allocation failure.
 */
char *nhg_js_decode(const nhg_jstr *s, size_t max);

/*
 * Reading every line of a log while its chain is checked (log_verify.c).
 * parse runs on either of two threads, lines in any order; it may write
 * only its slot (slot_size bytes, zeroed first) and returns 0, or 1 when
 * the line is not a JSON object (the chain check then counts the line as
 * malformed).  consume then runs on the calling thread for each line in
 * order, with the same slot; a negative return stops the walk and is
 * returned.  Lines are lent (not NUL-terminated) for the round: slots may
 * point into them until consume returns.  Either function may be NULL.
 */
typedef struct nhg_log_reader {
	size_t slot_size;
	int (*parse)(const void *ctx, const char *line, size_t len, void *slot);
	int (*consume)(void *ctx, uint64_t lineno, const char *line, size_t len, void *slot,
		       nhg_error *err);
	void *ctx;
} nhg_log_reader;

/* What the chain check is handed, line by line in order, hashes made. */
typedef struct nhg_log_sink {
	void (*line)(void *ctx, const char *line, size_t len, const char *hash, bool notjson);
	void (*torn)(void *ctx);     /* the last line has no newline */
	void *ctx;
} nhg_log_sink;

/*
 * Read the log at path (log_walk.c): rd (may be NULL) sees every line, the
 * sink each whole one.  The size is taken under a shared lock, so appends
 * made meanwhile are left for the next reader.  NHG_EIO, NHG_ENOMEM,
 * NHG_EINPUT (a line past NHG_LOG_MAX_LINE, err->line names it), or what
 * consume returned.
 */
int nhg_log_read(const char *path, const nhg_log_reader *rd, const nhg_log_sink *sink,
		 nhg_error *err);

/* nhg_log_verify with rd reading each line (a torn last one too). */
int nhg_log_walk(nhg_log_report *out, const char *path, const char *anchor,
		 const nhg_log_reader *rd, nhg_error *err);

#endif
