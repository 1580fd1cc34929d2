/*
 * A strict, allocation-free JSON scanner for decision records (see
 * log_internal.h).  Most of a record is plain ASCII inside strings, so the
 * string loop is the hot path: 16 bytes at a time where SSE2 is there.
 */
#include <string.h>

#include <jansson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "log_internal.h"

static bool fail(nhg_jscan *s, const char *why)
{
	if (!s->why) {
		s->why = why;
		s->at = (size_t)(s->p - s->start);
	}
	s->p = s->end;
	return false;
}

void nhg_js_init(nhg_jscan *s, const char *text, size_t len)
{
	s->p = s->start = text;
	s->end = text + len;
	s->depth = 0;
	s->why = NULL;
	s->at = 0;
}

static inline void blanks(nhg_jscan *s)
{
	while (s->p < s->end &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Length of the valid UTF-8 sequence at p (before end), 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	/* the second byte's range rules out overlong forms, surrogates, > U+10FFFF */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

static inline bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The value of four hex digits (checked by the caller). */
static unsigned hex4(const char *p)
{
	unsigned u = 0;
	for (int i = 0; i < 4; i++)
		u = u * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10);
	return u;
}

/*
 * The closing quote of the string whose content starts at p, or NULL with
 * *bad at the offending byte and *why set.  *esc: a backslash was seen.
 */
static inline const char *string_end(const char *p, const char *end, bool *esc,
				     const char **bad, const char **why)
{
	for (;;) {
#if defined(__SSE2__)
		/* skip 16 plain bytes at a time: not '"', '\\', control or non-ASCII */
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i m = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
			int bits = _mm_movemask_epi8(m);
			if (bits) {
				p += __builtin_ctz((unsigned)bits);
				break;
			}
			p += 16;
		}
#endif
		while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 &&
		       *p != '"' && *p != '\\')
			p++;
		if (p >= end) {
			*bad = p;
			*why = "unterminated string";
			return NULL;
		}
		if (*p == '"')
			return p;
		if (*p == '\\') {
			*esc = true;
			if (end - p >= 2 && p[1] && strchr("\"\\/bfnrt", p[1])) {
				p += 2;
				continue;
			}
			if (end - p >= 6 && p[1] == 'u' && is_hex(p[2]) && is_hex(p[3]) &&
			    is_hex(p[4]) && is_hex(p[5])) {
				/* a surrogate only as a high-low pair, as jansson decodes them */
				unsigned u = hex4(p + 2);
				if (u >= 0xd800 && u <= 0xdbff && end - p >= 12 && p[6] == '\\' &&
				    p[7] == 'u' && is_hex(p[8]) && is_hex(p[9]) && is_hex(p[10]) &&
				    is_hex(p[11])) {
					unsigned lo = hex4(p + 8);
					if (lo >= 0xdc00 && lo <= 0xdfff) {
						p += 12;
						continue;
					}
				}
				if (u < 0xd800 || u > 0xdfff) {
					p += 6;
					continue;
				}
				*bad = p;
				*why = "unpaired surrogate escape in a string";
				return NULL;
			}
			*bad = p;
			*why = "invalid escape in a string";
			return NULL;
		}
		if ((unsigned char)*p < 0x20) {
			*bad = p;
			*why = "control character in a string";
			return NULL;
		}
		{
			size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
			if (!n) {
				*bad = p;
				*why = "invalid UTF-8 in a string";
				return NULL;
			}
			p += n;
		}
	}
}

bool nhg_js_string(nhg_jscan *s, nhg_jstr *out)
{
	const char *q, *bad, *why;
	bool esc = false;

	blanks(s);
	if (s->p >= s->end || *s->p != '"')
		return fail(s, "expected a string");
	if (!(q = string_end(s->p + 1, s->end, &esc, &bad, &why))) {
		s->p = bad;
		return fail(s, why);
	}
	if (out) {
		out->p = s->p + 1;
		out->n = (size_t)(q - out->p);
		out->esc = esc;
	}
	s->p = q + 1;
	return true;
}

bool nhg_js_number(nhg_jscan *s, uint64_t *out, bool *whole)
{
	const char *p;
	uint64_t v = 0;
	bool ok = true, neg = false;

	blanks(s);
	p = s->p;
	if (p < s->end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= s->end || *p < '0' || *p > '9')
		return fail(s, "expected a value");
	if (*p == '0') {
		p++;
	} else {
		for (; p < s->end && *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - 9) / 10)
				ok = false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
	}
	if (p < s->end && *p == '.') {
		ok = false;
		if (++p >= s->end || *p < '0' || *p > '9')
			goto bad;
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		ok = false;
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= s->end || *p < '0' || *p > '9')
			goto bad;
		while (p < s->end && *p >= '0' && *p <= '9')
			p++;
	}
	s->p = p;
	if (neg && v)
		ok = false;
	if (out)
		*out = ok ? v : 0;
	if (whole)
		*whole = ok;
	return true;
bad:
	s->p = p;
	return fail(s, "malformed number");
}

static bool word(nhg_jscan *s, const char *w, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
		return fail(s, "expected a value");
	s->p += n;
	return true;
}

bool nhg_js_bool(nhg_jscan *s, bool *out)
{
	char c = nhg_js_peek(s);
	if (c == 't') {
		*out = true;
		return word(s, "true", 4);
	}
	if (c == 'f') {
		*out = false;
		return word(s, "false", 5);
	}
	return fail(s, "expected true or false");
}

bool nhg_js_null(nhg_jscan *s)
{
	if (nhg_js_peek(s) != 'n')
		return false;
	return word(s, "null", 4);
}

bool nhg_js_open(nhg_jscan *s, char bracket)
{
	if (nhg_js_peek(s) != bracket)
		return fail(s, bracket == '{' ? "expected an object" : "expected an array");
	if (++s->depth > NHG_JS_MAX_DEPTH)
		return fail(s, "nested too deeply");
	s->p++;
	return true;
}

bool nhg_js_enter(nhg_jscan *s, char bracket)
{
	if (nhg_js_peek(s) != bracket) {
		nhg_js_skip(s);
		return false;
	}
	return nhg_js_open(s, bracket);
}

/* After a member or item: ',' continues (1), close ends (0). */
static int next(nhg_jscan *s, bool *first, char close)
{
	char c = nhg_js_peek(s);
	if (c == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	if (!*first) {
		if (c != ',')
			return fail(s, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'"),
			       -1;
		s->p++;
		if (nhg_js_peek(s) == close)
			return fail(s, "trailing comma"), -1;
	}
	*first = false;
	return 1;
}

int nhg_js_key(nhg_jscan *s, bool *first, nhg_jstr *key)
{
	int r = next(s, first, '}');
	if (r <= 0)
		return r;
	if (!nhg_js_string(s, key))
		return -1;
	if (nhg_js_peek(s) != ':')
		return fail(s, "expected ':'"), -1;
	s->p++;
	return 1;
}

int nhg_js_item(nhg_jscan *s, bool *first)
{
	return next(s, first, ']');
}

bool nhg_js_skip(nhg_jscan *s)
{
	bool first = true, b;
	int r;

	switch (nhg_js_peek(s)) {
	case '"':
		return nhg_js_string(s, NULL);
	case '{':
		if (!nhg_js_open(s, '{'))
			return false;
		while ((r = nhg_js_key(s, &first, NULL)) == 1)
			if (!nhg_js_skip(s))
				return false;
		return r == 0;
	case '[':
		if (!nhg_js_open(s, '['))
			return false;
		while ((r = nhg_js_item(s, &first)) == 1)
			if (!nhg_js_skip(s))
				return false;
		return r == 0;
	case 't':
	case 'f':
		return nhg_js_bool(s, &b);
	case 'n':
		return nhg_js_null(s);
	default:
		return nhg_js_number(s, NULL, NULL);
	}
}

bool nhg_js_end(nhg_jscan *s)
{
	if (s->why)
		return false;
	blanks(s);
	return s->p == s->end ? true : fail(s, "text after the value");
}

/*
 * The check of a whole line, as one loop: the containers open are a stack
 * of bits (1: object), so no call is made per value.
 */
bool nhg_js_object_ok(const char *text, size_t len, const char **why, size_t *at)
{
	const char *p = text, *end = text + len, *bad = NULL, *what = NULL;
	uint64_t stack = 0;   /* bit i: the container at depth i+1 is an object */
	unsigned depth = 0;
	bool esc;
	nhg_jscan s;

#define WS() while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++
#define FAIL(w) do { bad = p; what = (w); goto failed; } while (0)
	WS();
	if (p >= end || *p != '{')
		FAIL("not a JSON object");
value:
	WS();
	if (p >= end)
		FAIL("expected a value");
	switch (*p) {
	case '{':
	case '[':
		if (depth == NHG_JS_MAX_DEPTH)
			FAIL("nested too deeply");
		stack = (stack & ~(1ull << depth)) | ((uint64_t)(*p == '{') << depth);
		depth++;
		p++;
		WS();
		if (p < end && *p == (stack >> (depth - 1) & 1 ? '}' : ']')) {
			p++;
			depth--;
			goto after;
		}
		if (stack >> (depth - 1) & 1)
			goto key;
		goto value;
	case '"':
		if (!(p = string_end(p + 1, end, &esc, &bad, &what)))
			goto failed;
		p++;
		goto after;
	default:
		/* numbers and literals are rare in a record: the general scanner */
		nhg_js_init(&s, text, len);
		s.p = p;
		if (!nhg_js_skip(&s)) {
			bad = text + s.at;
			what = s.why;
			goto failed;
		}
		p = s.p;
		goto after;
	}
key:
	WS();
	if (p >= end || *p != '"')
		FAIL("expected a string");
	if (!(p = string_end(p + 1, end, &esc, &bad, &what)))
		goto failed;
	p++;
	WS();
	if (p >= end || *p != ':')
		FAIL("expected ':'");
	p++;
	goto value;
after:
	if (!depth) {
		WS();
		if (p != end)
			FAIL("text after the value");
		return true;
	}
	WS();
	if (p < end && *p == ',') {
		p++;
		if (stack >> (depth - 1) & 1)
			goto key;
		goto value;
	}
	if (p < end && *p == (stack >> (depth - 1) & 1 ? '}' : ']')) {
		p++;
		depth--;
		goto after;
	}
	FAIL(stack >> (depth - 1) & 1 ? "expected ',' or '}'" : "expected ',' or ']'");
failed:
	if (why)
		*why = what;
	if (at)
		*at = (size_t)(bad - text);
	return false;
#undef WS
#undef FAIL
}

/* The decoded value of a string holding escapes, through jansson. */
static json_t *decode(const nhg_jstr *s)
{
	json_error_t e;
	/* the quotes around the raw bytes are part of the scanned text */
	json_t *j = json_loadb(s->p - 1, s->n + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (j && !json_is_string(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

bool nhg_js_eq(const nhg_jstr *s, const char *lit)
{
	size_t n = strlen(lit);
	json_t *j;
	bool eq;

	if (!s->esc)
		return s->n == n && !memcmp(s->p, lit, n);
	if (!(j = decode(s)))
		return false;
	eq = json_string_length(j) == n && !memcmp(json_string_value(j), lit, n);
	json_decref(j);
	return eq;
}

/* Append c..c+n to out at *len (room for it is there). */
static void put(char *out, size_t *len, const char *c, size_t n)
{
	memcpy(out + *len, c, n);
	*len += n;
}

char *nhg_js_decode(const nhg_jstr *s, size_t max)
{
	static const char ell[] = "\xe2\x80\xa6", repl[] = "\xef\xbf\xbd";
	json_t *j = NULL;
	const char *v = s->p;
	size_t n = s->n, len = 0, cut;
	char *out;

	if (s->esc) {
		if (!(j = decode(s)))
			return NULL;
		v = json_string_value(j);
		n = json_string_length(j);
	}
	if (max < 8)
		max = 8;
	/* worst case: every byte a NUL, each becoming three */
	cut = n;
	if (cut > max) {
		cut = max - (sizeof(ell) - 1);
		while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
			cut--;
	}
	out = malloc(3 * cut + sizeof(ell));
	if (out) {
		for (size_t i = 0; i < cut; i++) {
			if (v[i])
				out[len++] = v[i];
			else
				put(out, &len, repl, sizeof(repl) - 1);
		}
		if (cut < n)
			put(out, &len, ell, sizeof(ell) - 1);
		out[len] = '\0';
	}
	json_decref(j);
	return out;
}
