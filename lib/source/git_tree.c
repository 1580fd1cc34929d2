/*
 * The files that differ between two trees.
 *
 * libgit2 1.5's git_diff_tree_to_tree walks every file of both trees even
 * where a whole subtree is unchanged (about 0.5 ms per commit on a tree of
 * 6,000 files), which alone costs more than `git log -p`.  Like git's
 * tree-diff.c we merge the two sorted entry lists and skip a subtree whose
 * id is the same on both sides, so the cost follows the change, not the
 * tree.  Changes land in a reusable list; paths live in one arena.
 */
#include <string.h>

#include "nhigate/array.h"
#include "source/git_internal.h"

#define MAX_DEPTH 512 /* nested directories we follow */

static bool is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_filemode(e) == GIT_FILEMODE_TREE;
}

static int add_change(nhg_gitctx *c, nhg_gitchanges *out, nhg_buf *path,
		      const git_tree_entry *o, const git_tree_entry *n)
{
	nhg_gitchange *ch;
	size_t base = path->len, off;
	const char *name = git_tree_entry_name(n ? n : o);
	int rc;

	if (NHG_ARRAY_RESERVE(out->v, out->n, out->cap, 64))
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	off = out->paths.len;
	if ((rc = nhg_buf_put(&out->paths, path->ptr, base)) != 0 ||
	    (rc = nhg_buf_puts(&out->paths, name)) != 0 ||
	    (rc = nhg_buf_putc(&out->paths, '\0')) != 0)
		return nhg_error_set(c->err, rc, rc == NHG_ELIMIT ?
				     "a commit changes too many paths" : "out of memory");
	ch = &out->v[out->n++];
	memset(ch, 0, sizeof(*ch));
	ch->path = off;
	if (o) {
		git_oid_cpy(&ch->old_id, git_tree_entry_id(o));
		ch->old_mode = (uint32_t)git_tree_entry_filemode(o);
	}
	if (n) {
		git_oid_cpy(&ch->new_id, git_tree_entry_id(n));
		ch->new_mode = (uint32_t)git_tree_entry_filemode(n);
	}
	ch->status = !o ? 'A' : !n ? 'D' : 'M';
	return 0;
}

static int diff_trees(nhg_gitctx *c, nhg_gitchanges *out, nhg_buf *path,
		      git_tree *old, git_tree *new_tree, int depth);

/* Descend into the subtree(s) named by o and/or n. */
static int descend(nhg_gitctx *c, nhg_gitchanges *out, nhg_buf *path,
		   const git_tree_entry *o, const git_tree_entry *n, int depth)
{
	git_tree *ot = NULL, *nt = NULL;
	size_t base = path->len;
	int rc = 0, grc = 0;

	if (depth >= MAX_DEPTH)
		return nhg_error_set(c->err, NHG_ELIMIT,
				     "trees nested deeper than %d levels", MAX_DEPTH);
	if (o)
		grc = git_tree_lookup(&ot, c->repo, git_tree_entry_id(o));
	if (!grc && n)
		grc = git_tree_lookup(&nt, c->repo, git_tree_entry_id(n));
	if (grc)
		rc = nhg_gitsrc_fail(c, grc, "cannot read a tree");
	else if ((rc = nhg_buf_puts(path, git_tree_entry_name(n ? n : o))) == 0 &&
		 (rc = nhg_buf_putc(path, '/')) == 0)
		rc = diff_trees(c, out, path, ot, nt, depth + 1);
	else
		rc = nhg_error_set(c->err, rc, "path too long");
	if (path->cap) {
		path->len = base;
		path->ptr[base] = '\0';
	}
	git_tree_free(ot);
	git_tree_free(nt);
	return rc;
}

/* Both sides have an entry of this name. */
static int diff_pair(nhg_gitctx *c, nhg_gitchanges *out, nhg_buf *path,
		     const git_tree_entry *o, const git_tree_entry *n, int depth)
{
	bool same = git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(n));

	if (is_tree(o) && is_tree(n))
		return same ? 0 : descend(c, out, path, o, n, depth);
	if (same && git_tree_entry_filemode(o) == git_tree_entry_filemode(n))
		return 0;
	return add_change(c, out, path, o, n);
}

static int diff_trees(nhg_gitctx *c, nhg_gitchanges *out, nhg_buf *path,
		      git_tree *old, git_tree *new_tree, int depth)
{
	size_t no = old ? git_tree_entrycount(old) : 0;
	size_t nn = new_tree ? git_tree_entrycount(new_tree) : 0;
	size_t i = 0, j = 0;
	int rc = 0;

	while (!rc && (i < no || j < nn)) {
		const git_tree_entry *o = i < no ? git_tree_entry_byindex(old, i) : NULL;
		const git_tree_entry *n = j < nn ? git_tree_entry_byindex(new_tree, j) : NULL;
		int cmp = !o ? 1 : !n ? -1 : git_tree_entry_cmp(o, n);

		if (cmp == 0) {
			rc = diff_pair(c, out, path, o, n, depth);
			i++, j++;
		} else if (cmp < 0) { /* only in old */
			rc = is_tree(o) ? descend(c, out, path, o, NULL, depth)
					: add_change(c, out, path, o, NULL);
			i++;
		} else { /* only in new */
			rc = is_tree(n) ? descend(c, out, path, NULL, n, depth)
					: add_change(c, out, path, NULL, n);
			j++;
		}
	}
	return rc;
}

void nhg_gitchanges_clear(nhg_gitchanges *ch)
{
	ch->n = 0;
	nhg_buf_clear(&ch->paths);
}

void nhg_gitchanges_free(nhg_gitchanges *ch)
{
	free(ch->v);
	ch->v = NULL;
	ch->n = ch->cap = 0;
	nhg_buf_free(&ch->paths);
}

int nhg_gitsrc_tree_changes(nhg_gitctx *c, nhg_gitchanges *out, git_tree *old,
			    git_tree *new_tree)
{
	nhg_buf path = NHG_BUF_INIT(4096);
	int rc;

	nhg_gitchanges_clear(out);
	rc = diff_trees(c, out, &path, old, new_tree, 0);
	nhg_buf_free(&path);
	return rc;
}
