/*
 * One diff (a commit against its first parent, or the index against HEAD)
 * turned into units.
 *
 * The tree diff only lists deltas; contents are read per delta.  A file
 * added whole is read straight from its blob, with no patch.  A modified
 * file is diffed blob against blob with no context, and only its added lines
 * are kept, in one reused buffer.  Every blob id is looked up in c->seen
 * first, so a blob is scanned once per call however many commits carry it;
 * this is also why a merge, diffed against its first parent only, does not
 * report again what its side branch added.  Sizes are read from object
 * headers before any blob is inflated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/glob.h"
#include "nhigate/text.h"
#include "source/git_internal.h"

static int stopped(nhg_gitctx *c)
{
	return nhg_error_set(c->err, NHG_ESTOP, "stopped by the sink");
}

static const char *commit_of(const nhg_gitctx *c)
{
	return c->commit[0] ? c->commit : NULL;
}

static int skip(nhg_gitctx *c, const char *path, const char *reason)
{
	if (c->sink->skip &&
	    c->sink->skip(path, commit_of(c), reason, c->sink->payload))
		return stopped(c);
	return 0;
}

static int skip_too_large(nhg_gitctx *c, const char *path, size_t size)
{
	char reason[96];
	snprintf(reason, sizeof(reason), "too large (%zu bytes > %zu)", size,
		 c->opts->max_file_size);
	return skip(c, path, reason);
}

static int emit(nhg_gitctx *c, const char *path, const char *data, size_t len,
		const uint32_t *lines, size_t nlines)
{
	nhg_unit u;

	memset(&u, 0, sizeof(u));
	u.path = path;
	u.commit = commit_of(c);
	u.author = c->author.len ? c->author.ptr : NULL;
	u.time = c->time;
	u.time_offset = c->time_offset;
	u.data = data;
	u.len = len;
	u.lines = lines;
	u.nlines = nlines;
	c->stats->files++;
	c->stats->bytes += len;
	return c->sink->unit(&u, c->sink->payload) ? stopped(c) : 0;
}

static int mark(nhg_gitctx *c, const git_oid *id, unsigned flags)
{
	if (nhg_oidset_add(&c->seen, id, flags) != 0)
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	return 0;
}

static int blob_size(nhg_gitctx *c, const git_oid *id, size_t *size)
{
	git_object_t type;
	int rc = git_odb_read_header(size, &type, c->odb, id);
	if (rc) {
		char hex[GIT_OID_HEXSZ + 1];
		char what[80];
		git_oid_tostr(hex, sizeof(hex), id);
		snprintf(what, sizeof(what), "cannot read blob %s", hex);
		return nhg_gitsrc_fail(c, rc, what);
	}
	return 0;
}

static int lookup_blob(nhg_gitctx *c, git_blob **out, const git_oid *id)
{
	int rc = git_blob_lookup(out, c->repo, id);
	if (rc) {
		char hex[GIT_OID_HEXSZ + 1];
		char what[80];
		git_oid_tostr(hex, sizeof(hex), id);
		snprintf(what, sizeof(what), "cannot read blob %s", hex);
		return nhg_gitsrc_fail(c, rc, what);
	}
	return 0;
}

/* The new side of d as one whole-file unit. */
static int scan_whole(nhg_gitctx *c, const git_diff_delta *d)
{
	const git_oid *id = &d->new_file.id;
	const char *path = d->new_file.path;
	git_blob *blob;
	const char *data;
	size_t size, len;
	int rc;

	if (nhg_oidset_get(&c->seen, id) & NHG_OID_WHOLE)
		return 0;
	if ((rc = mark(c, id, NHG_OID_WHOLE)) != 0)
		return rc;
	if ((rc = blob_size(c, id, &size)) != 0)
		return rc;
	if (size > c->opts->max_file_size)
		return skip_too_large(c, path, size);
	if ((rc = lookup_blob(c, &blob, id)) != 0)
		return rc;
	data = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	if (nhg_text_is_binary(data, len))
		c->stats->binary++;
	else
		rc = emit(c, path, data, len, NULL, 0);
	git_blob_free(blob);
	return rc;
}

static int on_line(const git_diff_delta *d, const git_diff_hunk *h,
		   const git_diff_line *l, void *payload)
{
	nhg_gitctx *c = payload;
	size_t n = l->content_len;
	int rc = 0;

	(void)d, (void)h;
	if (l->origin != GIT_DIFF_LINE_ADDITION || c->too_large)
		return 0;
	if (n && l->content[n - 1] == '\n')
		n--;
	if (n && l->content[n - 1] == '\r')
		n--;
	if (c->nlines == c->caplines) {
		size_t cap = c->caplines ? c->caplines * 2 : 256;
		uint32_t *grown = realloc(c->lines, cap * sizeof(*grown));
		if (!grown)
			return GIT_EUSER;
		c->lines = grown;
		c->caplines = cap;
	}
	if (c->nlines)
		rc = nhg_buf_putc(&c->data, '\n');
	if (!rc)
		rc = nhg_buf_put(&c->data, l->content, n);
	if (rc == NHG_ELIMIT) {
		c->too_large = true; /* cannot happen: added lines fit the blob */
		return 0;
	}
	if (rc)
		return GIT_EUSER;
	c->lines[c->nlines++] = l->new_lineno > 0 ? (uint32_t)l->new_lineno : 0;
	return 0;
}

/* The lines d adds to its old side, as one unit. */
static int scan_changed(nhg_gitctx *c, const git_diff_delta *d)
{
	const git_oid *id = &d->new_file.id;
	const char *path = d->new_file.path;
	git_diff_options o;
	git_blob *old = NULL, *cur = NULL;
	size_t size, old_size;
	int rc;

	if (nhg_oidset_get(&c->seen, id) & (NHG_OID_WHOLE | NHG_OID_CHANGED))
		return 0;
	if ((rc = blob_size(c, id, &size)) != 0)
		return rc;
	if (size > c->opts->max_file_size) {
		if ((rc = mark(c, id, NHG_OID_WHOLE)) != 0)
			return rc;
		return skip_too_large(c, path, size);
	}
	if ((rc = blob_size(c, &d->old_file.id, &old_size)) != 0)
		return rc;
	if (old_size > c->opts->max_file_size)
		return scan_whole(c, d); /* do not diff against a huge blob */
	if ((rc = mark(c, id, NHG_OID_CHANGED)) != 0)
		return rc;
	if ((rc = lookup_blob(c, &cur, id)) != 0)
		return rc;
	if (nhg_text_is_binary(git_blob_rawcontent(cur), (size_t)git_blob_rawsize(cur))) {
		c->stats->binary++;
		git_blob_free(cur);
		return 0;
	}
	if ((rc = lookup_blob(c, &old, &d->old_file.id)) != 0) {
		git_blob_free(cur);
		return rc;
	}
	if (nhg_text_is_binary(git_blob_rawcontent(old), (size_t)git_blob_rawsize(old))) {
		git_blob_free(old);
		git_blob_free(cur);
		return scan_whole(c, d); /* binary became text: all of it is new */
	}
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.interhunk_lines = 0;
	o.flags = GIT_DIFF_FORCE_TEXT;
	nhg_buf_clear(&c->data);
	c->nlines = 0;
	c->too_large = false;
	rc = git_diff_blobs(old, NULL, cur, NULL, &o, NULL, NULL, NULL, on_line, c);
	if (rc == GIT_EUSER)
		rc = nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	else if (rc)
		rc = nhg_gitsrc_fail(c, rc, "cannot diff blobs");
	else if (c->too_large)
		rc = skip_too_large(c, path, size);
	else if (c->nlines)
		rc = emit(c, path, c->data.ptr, c->data.len, c->lines, c->nlines);
	git_blob_free(old);
	git_blob_free(cur);
	return rc;
}

static bool excluded(const nhg_gitctx *c, const char *path)
{
	for (size_t i = 0; i < c->opts->nexclude; i++)
		if (c->opts->exclude[i] && nhg_glob_match(c->opts->exclude[i], path))
			return true;
	return false;
}

static int scan_delta(nhg_gitctx *c, const git_diff_delta *d)
{
	switch (d->status) {
	case GIT_DELTA_ADDED:
	case GIT_DELTA_MODIFIED:
	case GIT_DELTA_RENAMED:
	case GIT_DELTA_COPIED:
	case GIT_DELTA_TYPECHANGE:
		break;
	case GIT_DELTA_CONFLICTED:
		return skip(c, d->new_file.path ? d->new_file.path : d->old_file.path,
			    "unmerged");
	default: /* deleted, unmodified, ignored, untracked, unreadable */
		return 0;
	}
	if (d->new_file.mode == GIT_FILEMODE_COMMIT)
		return skip(c, d->new_file.path, "submodule");
	if (d->new_file.mode == GIT_FILEMODE_TREE || excluded(c, d->new_file.path))
		return 0;
	if (git_oid_equal(&d->old_file.id, &d->new_file.id))
		return 0; /* a pure rename or a mode change: nothing added */
	if (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_TYPECHANGE ||
	    d->old_file.mode == GIT_FILEMODE_COMMIT ||
	    d->old_file.mode == GIT_FILEMODE_LINK ||
	    d->new_file.mode == GIT_FILEMODE_LINK)
		return scan_whole(c, d);
	return scan_changed(c, d);
}

static int scan_diff(nhg_gitctx *c, git_diff *diff)
{
	git_diff_find_options fo;
	size_t n;
	int rc;

	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;
	if ((rc = git_diff_find_similar(diff, &fo)) != 0)
		return nhg_gitsrc_fail(c, rc, "cannot detect renames");
	n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && !rc; i++)
		rc = scan_delta(c, git_diff_get_delta(diff, i));
	return rc;
}

static void tree_diff_options(git_diff_options *o)
{
	git_diff_options_init(o, GIT_DIFF_OPTIONS_VERSION);
	o->context_lines = 0;
	o->interhunk_lines = 0;
	o->flags = GIT_DIFF_NORMAL | GIT_DIFF_SKIP_BINARY_CHECK;
}

int nhg_gitsrc_diff_trees(nhg_gitctx *c, git_tree *old, git_tree *new_tree)
{
	git_diff_options o;
	git_diff *diff = NULL;
	int rc;

	tree_diff_options(&o);
	rc = git_diff_tree_to_tree(&diff, c->repo, old, new_tree, &o);
	if (rc)
		return nhg_gitsrc_fail(c, rc, "cannot diff trees");
	rc = scan_diff(c, diff);
	git_diff_free(diff);
	return rc;
}

int nhg_gitsrc_diff_index(nhg_gitctx *c, git_tree *head, git_index *index)
{
	git_diff_options o;
	git_diff *diff = NULL;
	int rc;

	tree_diff_options(&o);
	rc = git_diff_tree_to_index(&diff, c->repo, head, index, &o);
	if (rc)
		return nhg_gitsrc_fail(c, rc, "cannot diff the index");
	rc = scan_diff(c, diff);
	git_diff_free(diff);
	return rc;
}
