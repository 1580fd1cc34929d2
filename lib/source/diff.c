/*
 * A unified diff as a source: the added lines of each file.
 *
 * One pass over the input, one line at a time, in two states.  Outside a
 * hunk we read headers (commit, author, date, the ---/+++ pair, renames,
 * binary markers) and ignore anything else, such as commit messages.  Inside
 * a hunk the counts of its "@@ -a,b +c,d @@" header say how many lines
 * belong to it, so a removed line that looks like a header ("--- x") is still
 * content.  Counts that do not add up are an input error: a '+' line outside
 * a hunk could be a secret we would otherwise miss.  Combined diffs of
 * merges (git show, "diff --cc") are read too, with one marker column per
 * parent.  The added lines of a file are gathered in one reused buffer and
 * emitted as one unit when the file ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/buf.h"
#include "nhigate/glob.h"
#include "nhigate/source.h"
#include "source/diff_parse.h"

#define ERR_FILE "<diff>"
#define PATH_MAX_BYTES 4096
#define AUTHOR_MAX_BYTES 1024
#define HEX_MAX 64

#define STARTS(s, n, lit) \
	((n) >= sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

typedef struct parser {
	const nhg_source_opts *opts;
	const nhg_sink *sink;
	nhg_stats *stats;
	nhg_error *err;
	long lineno;

	/* The commit being read (git log -p, format-patch), if any. */
	char commit[HEX_MAX + 1];
	nhg_buf author;
	int64_t time;
	int time_offset;
	bool commit_header; /* after "commit X"/"From X", before a file */

	/* The file being read. */
	bool in_file, git, have_old, have_new, in_hunks, binary, excluded;
	nhg_buf old_path, new_path; /* empty when /dev/null */
	nhg_buf data;                 /* added lines, joined by '\n' */
	uint32_t *lines;
	size_t nlines, caplines;
	uint64_t added_bytes; /* also counted past the size limit */
	bool too_large;

	/* The hunk being read. */
	unsigned nparents; /* 1, or more in a combined diff */
	uint32_t old_left[NHG_DIFF_MAX_PARENTS], new_left, new_line;
	bool in_hunk;      /* some count above is not 0 */
} parser;

static int input_error(parser *p, int col, const char *msg)
{
	return nhg_error_at(p->err, NHG_EINPUT, ERR_FILE, (int)p->lineno, col,
			    "%s", msg);
}

static int stopped(parser *p)
{
	return nhg_error_set(p->err, NHG_ESTOP, "stopped by the sink");
}

/* Emit the current file, if it has added lines, and forget it. */
static int end_file(parser *p)
{
	int rc = 0;

	if (p->in_file && p->have_new && p->new_path.len && p->nlines &&
	    !p->excluded) {
		const char *commit = p->commit[0] ? p->commit : NULL;
		if (p->too_large) {
			char reason[96];
			snprintf(reason, sizeof(reason),
				 "too large (%llu bytes > %zu)",
				 (unsigned long long)p->added_bytes,
				 p->opts->max_file_size);
			if (p->sink->skip &&
			    p->sink->skip(p->new_path.ptr, commit, reason,
					  p->sink->payload))
				rc = stopped(p);
		} else {
			nhg_unit u;
			memset(&u, 0, sizeof(u));
			u.path = p->new_path.ptr;
			u.commit = commit;
			u.author = p->author.len ? p->author.ptr : NULL;
			u.time = p->time;
			u.time_offset = p->time_offset;
			u.data = p->data.ptr;
			u.len = p->data.len;
			u.lines = p->lines;
			u.nlines = p->nlines;
			p->stats->files++;
			p->stats->bytes += p->data.len;
			if (p->sink->unit(&u, p->sink->payload))
				rc = stopped(p);
		}
	}
	p->in_file = p->git = p->have_old = p->have_new = false;
	p->in_hunks = p->binary = p->excluded = p->too_large = false;
	nhg_buf_clear(&p->old_path);
	nhg_buf_clear(&p->new_path);
	nhg_buf_clear(&p->data);
	p->nlines = 0;
	p->added_bytes = 0;
	return rc;
}

static int begin_file(parser *p, bool git)
{
	int rc = end_file(p);
	p->in_file = true;
	p->git = git;
	p->commit_header = false;
	return rc;
}

static int begin_commit(parser *p, const char *hex, size_t n)
{
	int rc = end_file(p);
	memcpy(p->commit, hex, n);
	p->commit[n] = '\0';
	nhg_buf_clear(&p->author);
	p->time = 0;
	p->time_offset = 0;
	p->commit_header = true;
	p->stats->commits++;
	return rc;
}

/* Length of the run of lowercase hex digits at s. */
static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
		i++;
	return i;
}

/*
 * "commit <hex>[ (refs)]" of git log, "From <hex> <date>" of format-patch.
 * Full object ids only, so that a commit message line is not taken for one.
 */
static bool commit_line(const char *s, size_t n, const char **hex, size_t *hn)
{
	size_t skip, h;

	if (STARTS(s, n, "commit "))
		skip = 7;
	else if (STARTS(s, n, "From "))
		skip = 5;
	else
		return false;
	h = hex_run(s + skip, n - skip);
	if (h != 40 && h != 64)
		return false;
	if (skip + h < n && s[skip + h] != ' ')
		return false;
	if (skip == 5 && skip + h == n)
		return false;
	*hex = s + skip;
	*hn = h;
	return true;
}

/*
 * git diffs name files "a/x" and "b/x" (or with mnemonic prefixes such as
 * "i/" and "w/"); drop the prefix when every named side carries one.
 */
static size_t prefix_len(const parser *p)
{
	const nhg_buf *side[2] = { &p->old_path, &p->new_path };
	bool any = false;

	for (int i = 0; i < 2; i++) {
		const nhg_buf *b = side[i];
		if (!b->len)
			continue;
		if (b->len < 3 || b->ptr[1] != '/' || !strchr("abciwo", b->ptr[0]))
			return 0;
		any = true;
	}
	return any ? 2 : 0;
}

/* Parse the operand of a path header into b; "/dev/null" leaves b empty. */
static int header_path(parser *p, nhg_buf *b, const char *s, size_t n, int col)
{
	int rc;

	nhg_buf_clear(b);
	if ((n == 9 || (n > 9 && s[9] == '\t')) && !memcmp(s, "/dev/null", 9))
		return 0;
	rc = nhg_diff_parse_path(b, s, n);
	if (rc == NHG_ELIMIT)
		return input_error(p, col, "path too long");
	if (rc)
		return input_error(p, col, "malformed path");
	return 0;
}

/* Make new_path the path as reported: no a/ b/ prefix, no leading "./". */
static int settle_path(parser *p, size_t strip)
{
	nhg_buf *b = &p->new_path;

	while (b->len >= strip + 2 && b->ptr[strip] == '.' && b->ptr[strip + 1] == '/')
		strip += 2;
	if (strip && b->len) {
		memmove(b->ptr, b->ptr + strip, b->len - strip + 1);
		b->len -= strip;
	}
	p->have_new = true;
	for (size_t i = 0; i < p->opts->nexclude; i++)
		if (p->opts->exclude[i] && nhg_glob_match(p->opts->exclude[i], b->ptr))
			p->excluded = true;
	return 0;
}

static int add_line(parser *p, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	p->added_bytes += n + (p->nlines ? 1 : 0);
	if (!p->too_large && p->nlines == p->caplines) {
		size_t cap = p->caplines ? p->caplines * 2 : 256;
		uint32_t *grown = realloc(p->lines, cap * sizeof(*grown));
		if (!grown)
			return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
		p->lines = grown;
		p->caplines = cap;
	}
	if (!p->too_large) {
		int rc = 0;
		if (p->nlines)
			rc = nhg_buf_putc(&p->data, '\n');
		if (!rc)
			rc = nhg_buf_put(&p->data, s, n);
		if (rc == NHG_ELIMIT)
			p->too_large = true;
		else if (rc)
			return nhg_error_set(p->err, rc, "out of memory");
	}
	if (!p->too_large)
		p->lines[p->nlines] = p->new_line;
	p->nlines++; /* counted even past the limit: end_file reports it */
	return 0;
}

static bool counts_left(const parser *p)
{
	if (p->new_left)
		return true;
	for (unsigned i = 0; i < p->nparents; i++)
		if (p->old_left[i])
			return true;
	return false;
}

static int count_error(parser *p, const char *what)
{
	char msg[200];
	unsigned old = 0;
	for (unsigned i = 0; i < p->nparents; i++)
		old += p->old_left[i];
	snprintf(msg, sizeof(msg), "%s: %u old and %u new lines missing", what,
		 old, (unsigned)p->new_left);
	return input_error(p, 1, msg);
}

/*
 * One line inside a hunk (s without its '\n').  A combined diff has one
 * marker column per parent: '-' where the line is in that parent but not in
 * the result, '+' where it is in the result but not in that parent.  A line
 * belongs to a parent's count when it is in that parent, and to the new
 * count when it is in the result; it is added when it is in the result and
 * missing from some parent.
 */
static int hunk_line(parser *p, const char *s, size_t n)
{
	unsigned np = p->nparents;
	bool minus = false, plus = false;

	if (n && s[0] == '\\') /* "\ No newline at end of file" */
		return 0;
	if (n && n < np)
		return count_error(p, "hunk does not match its header");
	for (unsigned i = 0; i < np; i++) {
		char c = n ? s[i] : ' '; /* an empty line is a context line */
		if (c == '-')
			minus = true;
		else if (c == '+')
			plus = true;
		else if (c != ' ')
			return count_error(p, "hunk does not match its header");
	}
	if (minus && plus)
		return input_error(p, 1, "line both added and removed");
	for (unsigned i = 0; i < np; i++) {
		char c = n ? s[i] : ' ';
		if (minus ? c != '-' : c != ' ')
			continue;
		if (!p->old_left[i])
			return count_error(p, "hunk does not match its header");
		p->old_left[i]--;
	}
	if (!minus) {
		if (!p->new_left)
			return count_error(p, "hunk does not match its header");
		p->new_left--;
		if (plus && !p->excluded && p->have_new && p->new_path.len) {
			int rc = add_line(p, s + np, n - np);
			if (rc)
				return rc;
		}
		p->new_line++;
	}
	p->in_hunk = counts_left(p);
	return 0;
}

static int hunk_header(parser *p, const char *s, size_t n)
{
	nhg_hunk_range r;
	int col;

	if (!p->in_file || (!p->have_new && !p->have_old))
		return input_error(p, 1, "hunk header before a ---/+++ file header");
	if (nhg_diff_parse_hunk(&r, s, n, &col) != 0)
		return input_error(p, col, "malformed hunk header");
	p->in_hunks = true;
	p->nparents = r.nparents;
	memcpy(p->old_left, r.old_count, sizeof(p->old_left));
	p->new_left = r.new_count;
	p->new_line = r.new_start ? r.new_start : 1;
	p->in_hunk = counts_left(p);
	return 0;
}

/* One line outside a hunk (s without "\r\n"). */
static int header_line(parser *p, const char *s, size_t n)
{
	const char *hex;
	size_t hn;
	int rc;

	if (STARTS(s, n, "diff --git ") || STARTS(s, n, "diff --cc ") ||
	    STARTS(s, n, "diff --combined "))
		return begin_file(p, true);
	if (commit_line(s, n, &hex, &hn))
		return begin_commit(p, hex, hn);
	if (p->commit_header && !p->author.len &&
	    (STARTS(s, n, "Author: ") || STARTS(s, n, "From: "))) {
		size_t k = s[0] == 'A' ? 8 : 6;
		while (k < n && s[k] == ' ')
			k++;
		if (nhg_buf_put(&p->author, s + k, n - k) != 0)
			nhg_buf_clear(&p->author); /* too long: leave it out */
		return 0;
	}
	if (p->commit_header && (STARTS(s, n, "Date: ") || STARTS(s, n, "AuthorDate: "))) {
		if (!nhg_diff_parse_date(&p->time, &p->time_offset, s, n))
			p->time = 0, p->time_offset = 0;
		return 0;
	}
	if (STARTS(s, n, "--- ")) {
		if (!p->in_file || !p->git || p->have_old || p->in_hunks)
			if ((rc = begin_file(p, false)) != 0)
				return rc;
		p->have_old = true;
		return header_path(p, &p->old_path, s + 4, n - 4, 5);
	}
	if (STARTS(s, n, "+++ ") && !p->in_hunks) {
		if (!p->in_file && (rc = begin_file(p, false)) != 0)
			return rc;
		if ((rc = header_path(p, &p->new_path, s + 4, n - 4, 5)) != 0)
			return rc;
		return settle_path(p, prefix_len(p));
	}
	if (p->in_file && !p->in_hunks &&
	    (STARTS(s, n, "rename to ") || STARTS(s, n, "copy to "))) {
		size_t k = s[0] == 'r' ? 10 : 8;
		if ((rc = header_path(p, &p->new_path, s + k, n - k, (int)k + 1)) != 0)
			return rc;
		return settle_path(p, 0);
	}
	if ((!p->in_file || !p->binary) &&
	    ((STARTS(s, n, "Binary files ") && n > 7 &&
	      !memcmp(s + n - 7, " differ", 7)) ||
	     STARTS(s, n, "GIT binary patch"))) {
		p->binary = p->in_file; /* count a file once */
		p->stats->binary++;
		return 0;
	}
	if (STARTS(s, n, "@@ ") || STARTS(s, n, "@@@"))
		return hunk_header(p, s, n);
	if (n && s[0] == '+' && p->in_hunks)
		return input_error(p, 1, "added line outside a hunk "
					 "(the hunk header counts too few lines)");
	if (n && s[0] == '+' && p->in_file && p->have_new)
		return input_error(p, 1, "added line before the file's first hunk header");
	return 0;
}

static int parse(parser *p, const char *data, size_t len)
{
	size_t pos = 0;
	int rc = 0;

	while (pos < len && !rc) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		p->lineno++;
		if (p->in_hunk) {
			rc = hunk_line(p, s, n);
			continue;
		}
		if (n && s[n - 1] == '\r')
			n--;
		rc = header_line(p, s, n);
	}
	if (!rc && p->in_hunk) {
		p->lineno++;
		rc = count_error(p, "diff ends inside a hunk");
	}
	if (!rc)
		rc = end_file(p);
	return rc;
}

int nhg_source_diff(const char *data, size_t len, const nhg_source_opts *opts,
		    const nhg_sink *sink, nhg_stats *stats, nhg_error *err)
{
	nhg_source_opts defaults = NHG_SOURCE_OPTS_INIT;
	nhg_stats scratch = { 0, 0, 0, 0 };
	parser p;
	int rc;

	if (!sink || !sink->unit || (len && !data))
		return nhg_error_set(err, NHG_EUSAGE, "no sink or no diff");
	memset(&p, 0, sizeof(p));
	p.opts = opts ? opts : &defaults;
	p.sink = sink;
	p.stats = stats ? stats : &scratch;
	p.err = err;
	nhg_buf_init(&p.author, AUTHOR_MAX_BYTES);
	nhg_buf_init(&p.old_path, PATH_MAX_BYTES);
	nhg_buf_init(&p.new_path, PATH_MAX_BYTES);
	nhg_buf_init(&p.data, p.opts->max_file_size);
	rc = parse(&p, data, len);
	nhg_buf_free(&p.author);
	nhg_buf_free(&p.old_path);
	nhg_buf_free(&p.new_path);
	nhg_buf_free(&p.data);
	free(p.lines);
	return rc;
}
