/*
 * Where a SARIF result points (import_sarif.h): artifact URIs made
 * repository-relative paths (%XX decoded, file: and uriBaseIds resolved,
 * absolute bases of the run stripped), and the first physical location
 * read into a finding's path, line and columns.
 */
#include <stdio.h>
#include <string.h>

#include "gate/import_sarif.h"
#include "nhigate/buf.h"
#include "nhigate/text.h"

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode %XX escapes unless that gives a NUL or bytes that are not UTF-8. */
static int decode_uri(nhg_buf *b, const char *s)
{
	size_t start = b->len;
	int rc = 0;
	for (const char *p = s; *p && !rc; p++) {
		int hi = p[0] == '%' ? hex_digit(p[1]) : -1;
		int lo = hi >= 0 ? hex_digit(p[2]) : -1;
		if (lo >= 0 && (hi || lo)) {
			rc = nhg_buf_putc(b, (char)(hi << 4 | lo));
			p += 2;
		} else {
			rc = nhg_buf_putc(b, *p);
		}
	}
	if (!rc && !nhg_text_is_utf8(b->ptr + start, b->len - start)) {
		b->len = start;
		b->ptr[start] = '\0';
		rc = nhg_buf_puts(b, s);
	}
	return rc;
}

/* "file:///a/b" -> "/a/b", "file://host/a" -> "/a", "file:a" -> "a"; else s. */
static const char *strip_file(const char *s)
{
	if (strncmp(s, "file:", 5))
		return s;
	s += 5;
	if (!strncmp(s, "//", 2)) {
		const char *slash = strchr(s + 2, '/');
		return slash ? slash : "";
	}
	return s;
}

static bool has_scheme(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
	return n > 1 && s[n] == ':';   /* "C:" is a drive, not a scheme */
}

/*
 * Append the relative prefix a uriBaseId stands for: its uri when that is
 * relative (after its own base, up to 8 levels); nothing when it is
 * absolute or undefined (the uri is then taken relative to the checkout).
 */
static int base_prefix(run_ctx *r, const char *id, nhg_buf *b, int depth, const char *where)
{
	json_t *e = r->bases ? json_object_get(r->bases, id) : NULL;
	const char *uri = NULL, *up = NULL;
	int rc;

	if (!e)
		return 0;
	if (depth > 8)
		return nhg_import_bad(r->x, where, "uriBaseId \"%.60s\" nests too deep", id);
	if (!json_is_object(e))
		return nhg_import_bad(r->x, where, "originalUriBaseIds[\"%.60s\"] must be an object", id);
	if ((rc = nhg_import_str(r->x, e, "uri", &uri, where)) != 0 ||
	    (rc = nhg_import_str(r->x, e, "uriBaseId", &up, where)) != 0)
		return rc;
	if (!uri || *uri == '/' || has_scheme(uri))
		return 0;
	if (up && (rc = base_prefix(r, up, b, depth + 1, where)) != 0)
		return rc;
	if ((rc = decode_uri(b, uri)) == 0 && b->len && b->ptr[b->len - 1] != '/')
		rc = nhg_buf_putc(b, '/');
	return rc ? nhg_import_bad(r->x, where, "path too long") : 0;
}

/* Strip the longest absolute file: base of the run that path starts with. */
static void strip_absolute_base(const run_ctx *r, nhg_buf *b)
{
	const char *key;
	json_t *e;
	size_t best = 0;

	json_object_foreach(r->bases, key, e) {
		const char *uri = json_string_value(json_object_get(e, "uri"));
		nhg_buf d = NHG_BUF_INIT(NHG_IMPORT_MAX_PATH);
		if (uri && !strncmp(uri, "file:", 5) && !decode_uri(&d, strip_file(uri))) {
			size_t n = d.len;
			while (n && d.ptr[n - 1] == '/')
				n--;
			if (n > best && b->len > n && b->ptr[n] == '/' && !strncmp(b->ptr, d.ptr, n))
				best = n + 1;
		}
		nhg_buf_free(&d);
	}
	if (best) {
		memmove(b->ptr, b->ptr + best, b->len - best + 1);
		b->len -= best;
	}
}

/* A repository-relative path ('/' separators) for an artifactLocation; "" when unknown. */
static int artifact_path(run_ctx *r, const json_t *al, const char *where, char **out)
{
	nhg_import *x = r->x;
	nhg_buf b = NHG_BUF_INIT(NHG_IMPORT_MAX_PATH * 2);
	const char *uri, *base, *p;
	long long idx;
	int rc;

	*out = NULL;
	if ((rc = nhg_import_str(x, al, "uri", &uri, where)) != 0 ||
	    (rc = nhg_import_str(x, al, "uriBaseId", &base, where)) != 0 ||
	    (rc = nhg_sarif__get_index(x, al, "index", &idx, where)) != 0)
		return rc;
	if (!uri && idx >= 0) {   /* described once in run.artifacts */
		json_t *art = json_array_get(r->artifacts, (size_t)idx), *loc;
		if (!json_is_object(art))
			return nhg_import_bad(x, where, "artifact index %lld names no artifact", idx);
		if ((rc = nhg_import_obj(x, art, "location", &loc, where)) != 0 ||
		    (rc = nhg_import_str(x, loc, "uri", &uri, where)) != 0 ||
		    (!base && (rc = nhg_import_str(x, loc, "uriBaseId", &base, where)) != 0))
			return rc;
	}
	if (uri) {
		const char *u = strip_file(uri);
		bool relative = *u != '/' && !has_scheme(u);
		if (relative && base && (rc = base_prefix(r, base, &b, 0, where)) != 0) {
			nhg_buf_free(&b);
			return rc;
		}
		if (decode_uri(&b, u)) {
			nhg_buf_free(&b);
			return nhg_import_bad(x, where, "path longer than %u bytes", NHG_IMPORT_MAX_PATH);
		}
		/* '/' separators, one at a time (not in "scheme://") */
		if (b.len) {
			bool scheme = has_scheme(b.ptr);
			size_t j = 0;
			for (size_t i = 0; i < b.len; i++) {
				char c = b.ptr[i] == '\\' ? '/' : b.ptr[i];
				if (!(c == '/' && j && b.ptr[j - 1] == '/' && !scheme))
					b.ptr[j++] = c;
			}
			b.ptr[b.len = j] = '\0';
		}
		if (!relative && r->bases)
			strip_absolute_base(r, &b);
	}
	for (p = b.ptr; !strncmp(p, "./", 2);)
		for (p += 2; *p == '/'; p++)
			;
	if (strlen(p) > NHG_IMPORT_MAX_PATH) {
		nhg_buf_free(&b);
		return nhg_import_bad(x, where, "path longer than %u bytes", NHG_IMPORT_MAX_PATH);
	}
	rc = nhg_import_dup(x, p, out);
	nhg_buf_free(&b);
	return rc;
}

/* Path and region of the first location with a physicalLocation; *snippet lent. */
int nhg_sarif__result_location(run_ctx *r, const json_t *res, const char *where,
			       nhg_gfinding *f, const char **snippet)
{
	nhg_import *x = r->x;
	json_t *locs, *phys = NULL, *al, *region, *snip;
	uint32_t sl = 0, sc = 0, el = 0, ec = 0;
	char w[160];
	int rc;

	*snippet = NULL;
	if ((rc = nhg_import_arr(x, res, "locations", &locs, where)) != 0)
		return rc;
	for (size_t i = 0; locs && !phys && i < json_array_size(locs); i++) {
		snprintf(w, sizeof(w), "%s.locations[%zu]", where, i);
		if (!json_is_object(json_array_get(locs, i)))
			return nhg_import_bad(x, w, "a location must be an object");
		if ((rc = nhg_import_obj(x, json_array_get(locs, i), "physicalLocation", &phys, w)) != 0)
			return rc;
	}
	if (!phys)   /* no place in a file: a finding about the whole change */
		return nhg_import_dup(x, "", &f->path);
	snprintf(w + strlen(w), sizeof(w) - strlen(w), ".physicalLocation");
	if ((rc = nhg_import_obj(x, phys, "artifactLocation", &al, w)) != 0 ||
	    (rc = artifact_path(r, al, w, &f->path)) != 0 ||
	    (rc = nhg_import_obj(x, phys, "region", &region, w)) != 0)
		return rc;
	if (!region)
		return 0;
	snprintf(w + strlen(w), sizeof(w) - strlen(w), ".region");
	if ((rc = nhg_import_u32(x, region, "startLine", 0, &sl, w)) != 0 ||
	    (rc = nhg_import_u32(x, region, "startColumn", 0, &sc, w)) != 0 ||
	    (rc = nhg_import_u32(x, region, "endLine", 0, &el, w)) != 0 ||
	    (rc = nhg_import_u32(x, region, "endColumn", 0, &ec, w)) != 0 ||
	    (rc = nhg_import_obj(x, region, "snippet", &snip, w)) != 0 ||
	    (rc = nhg_import_str(x, snip, "text", snippet, w)) != 0)
		return rc;
	f->line = sl;
	f->column = sl ? sc : 0;
	/* SARIF's endColumn is exclusive, ours inclusive; only on the same line */
	if (f->column && ec > sc && (!el || el == sl))
		f->end_column = ec - 1;
	return 0;
}
