/*
 * One diff (a commit against its first parent, or the index against HEAD)
 * turned into units.
 *
 * git_tree.c lists the changed paths; contents are read per change.  A file
 * added whole is read straight from its blob, with no patch.  Of a modified
 * file only the lines it adds are kept (git_lines.c), in one reused buffer.  Every blob id is looked up in c->seen
 * first, so a blob is scanned once per call however many commits carry it;
 * this is also why a merge, diffed against its first parent only, does not
 * report again what its side branch added.  Sizes are read from object
 * headers before any blob is inflated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
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

static int blob_fail(nhg_gitctx *c, int rc, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	char what[80];
	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(what, sizeof(what), "cannot read blob %s", hex);
	return nhg_gitsrc_fail(c, rc, what);
}

static int blob_size(nhg_gitctx *c, const git_oid *id, size_t *size)
{
	git_object_t type;
	int rc = git_odb_read_header(size, &type, c->odb, id);
	return rc ? blob_fail(c, rc, id) : 0;
}

static int lookup_blob(nhg_gitctx *c, git_blob **out, const git_oid *id)
{
	int rc = git_blob_lookup(out, c->repo, id);
	return rc ? blob_fail(c, rc, id) : 0;
}

/* The new side of a change as one whole-file unit. */
static int scan_whole(nhg_gitctx *c, const char *path, const git_oid *id)
{
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

/* The lines blob id adds to blob old_id, as one unit. */
static int scan_changed(nhg_gitctx *c, const char *path, const git_oid *old_id,
			const git_oid *id)
{
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
	if ((rc = blob_size(c, old_id, &old_size)) != 0)
		return rc;
	if (old_size > c->opts->max_file_size)
		return scan_whole(c, path, id); /* do not diff against a huge blob */
	if ((rc = mark(c, id, NHG_OID_CHANGED)) != 0)
		return rc;
	if ((rc = lookup_blob(c, &cur, id)) != 0)
		return rc;
	if (nhg_text_is_binary(git_blob_rawcontent(cur), (size_t)git_blob_rawsize(cur))) {
		c->stats->binary++;
		git_blob_free(cur);
		return 0;
	}
	if ((rc = lookup_blob(c, &old, old_id)) != 0) {
		git_blob_free(cur);
		return rc;
	}
	if (nhg_text_is_binary(git_blob_rawcontent(old), (size_t)git_blob_rawsize(old))) {
		git_blob_free(old);
		git_blob_free(cur);
		return scan_whole(c, path, id); /* binary became text: all new */
	}
	rc = nhg_gitsrc_added_lines(c, git_blob_rawcontent(old),
				    (size_t)git_blob_rawsize(old),
				    git_blob_rawcontent(cur), (size_t)git_blob_rawsize(cur));
	if (rc == NHG_ELIMIT)
		rc = skip_too_large(c, path, size);
	else if (rc)
		rc = nhg_error_set(c->err, rc, "out of memory");
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

static bool is_blob(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
	       mode == GIT_FILEMODE_LINK;
}

static int scan_change(nhg_gitctx *c, const nhg_gitchange *ch, const char *path)
{
	switch (ch->status) {
	case 'A': case 'M': case 'R':
		break;
	case 'U':
		return skip(c, path, "unmerged");
	default: /* deleted */
		return 0;
	}
	if (ch->new_mode == GIT_FILEMODE_COMMIT)
		return skip(c, path, "submodule");
	if (!is_blob(ch->new_mode) || excluded(c, path))
		return 0;
	if (ch->status != 'A' && git_oid_equal(&ch->old_id, &ch->new_id))
		return 0; /* a pure rename or a mode change: nothing added */
	if (ch->status == 'A' || !is_blob(ch->old_mode) ||
	    (ch->old_mode == GIT_FILEMODE_LINK) != (ch->new_mode == GIT_FILEMODE_LINK))
		return scan_whole(c, path, &ch->new_id); /* all of it is new */
	return scan_changed(c, path, &ch->old_id, &ch->new_id);
}

static int scan_changes(nhg_gitctx *c, const nhg_gitchanges *chs)
{
	int rc = 0;
	for (size_t i = 0; i < chs->n && !rc; i++)
		rc = scan_change(c, &chs->v[i], chs->paths.ptr + chs->v[i].path);
	return rc;
}

int nhg_gitsrc_diff_trees(nhg_gitctx *c, git_tree *old, git_tree *new_tree)
{
	int rc = nhg_gitsrc_tree_changes(c, &c->changes, old, new_tree);
	if (!rc)
		rc = nhg_gitsrc_find_renames(c, &c->changes);
	if (!rc)
		rc = scan_changes(c, &c->changes);
	return rc;
}

/* A libgit2 delta as one of our changes. */
static int add_delta(nhg_gitctx *c, nhg_gitchanges *out, const git_diff_delta *d)
{
	nhg_gitchange *ch;
	const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
	size_t off = out->paths.len;
	int rc;

	if (NHG_ARRAY_RESERVE(out->v, out->n, out->cap, 64))
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	if ((rc = nhg_buf_put(&out->paths, path, strlen(path) + 1)) != 0)
		return nhg_error_set(c->err, rc, "too many staged paths");
	ch = &out->v[out->n++];
	memset(ch, 0, sizeof(*ch));
	ch->path = off;
	git_oid_cpy(&ch->old_id, &d->old_file.id);
	git_oid_cpy(&ch->new_id, &d->new_file.id);
	ch->old_mode = d->old_file.mode;
	ch->new_mode = d->new_file.mode;
	switch (d->status) {
	case GIT_DELTA_ADDED: ch->status = 'A'; break;
	case GIT_DELTA_MODIFIED: ch->status = 'M'; break;
	case GIT_DELTA_RENAMED: case GIT_DELTA_COPIED: ch->status = 'R'; break;
	case GIT_DELTA_TYPECHANGE: ch->status = 'A'; break;
	case GIT_DELTA_CONFLICTED: ch->status = 'U'; break;
	default: ch->status = 'D'; break;
	}
	return 0;
}

int nhg_gitsrc_diff_index(nhg_gitctx *c, git_tree *head, git_index *index)
{
	git_diff_options o;
	git_diff_find_options fo;
	git_diff *diff = NULL;
	int rc, grc;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.interhunk_lines = 0;
	o.flags = GIT_DIFF_NORMAL | GIT_DIFF_SKIP_BINARY_CHECK;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;
	grc = git_diff_tree_to_index(&diff, c->repo, head, index, &o);
	if (!grc)
		grc = git_diff_find_similar(diff, &fo);
	if (grc) {
		git_diff_free(diff);
		return nhg_gitsrc_fail(c, grc, "cannot diff the index");
	}
	nhg_gitchanges_clear(&c->changes);
	rc = 0;
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !rc; i++)
		rc = add_delta(c, &c->changes, git_diff_get_delta(diff, i));
	git_diff_free(diff);
	return rc ? rc : scan_changes(c, &c->changes);
}
