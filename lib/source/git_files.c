/*
 * The files a change touches, with their new and base contents: what a
 * pipeline check needs to tell the findings a change introduces from those
 * already in the base version.
 */
#include <string.h>

#include "source/git_internal.h"

typedef struct files_ctx {
	nhg_gitctx *c;
	bool (*want)(const char *path, void *payload);
	int (*fn)(const nhg_changed_file *file, void *payload);
	void *payload;
	bool staged;
} files_ctx;

static int read_blob(nhg_gitctx *c, git_blob **out, const git_oid *id)
{
	int rc = git_blob_lookup(out, c->repo, id);
	return rc ? nhg_gitsrc_fail(c, rc, "cannot read a blob of the change") : 0;
}

/* Hand over one changed file: its new content and, when it had one, its old. */
static int each_file(files_ctx *x, const char *path, const git_oid *new_id,
		     const git_oid *old_id)
{
	nhg_gitctx *c = x->c;
	git_blob *now = NULL, *before = NULL;
	nhg_changed_file f;
	int rc;

	if (!x->want(path, x->payload))
		return 0;
	memset(&f, 0, sizeof(f));
	f.path = path;
	if ((rc = read_blob(c, &now, new_id)) != 0)
		return rc;
	if (old_id && !git_oid_is_zero(old_id) && (rc = read_blob(c, &before, old_id)) != 0) {
		git_blob_free(now);
		return rc;
	}
	if ((size_t)git_blob_rawsize(now) > c->opts->max_file_size) {
		f.skip = "too large";
	} else {
		f.data = git_blob_rawcontent(now);
		f.len = (size_t)git_blob_rawsize(now);
		if (before && (size_t)git_blob_rawsize(before) <= c->opts->max_file_size) {
			f.base = git_blob_rawcontent(before);
			f.base_len = (size_t)git_blob_rawsize(before);
		}
	}
	rc = x->fn(&f, x->payload) ? nhg_error_set(c->err, NHG_ESTOP, "stopped by the caller") : 0;
	git_blob_free(before);
	git_blob_free(now);
	return rc;
}

static int tree_of(nhg_gitctx *c, git_tree **out, const git_oid *commit_id)
{
	git_commit *commit = NULL;
	int rc = git_commit_lookup(&commit, c->repo, commit_id);
	if (!rc)
		rc = git_commit_tree(out, commit);
	git_commit_free(commit);
	return rc ? nhg_gitsrc_fail(c, rc, "cannot read a commit of the change") : 0;
}

/* The base and new trees of the change (base NULL: the empty tree). */
static int trees(nhg_gitctx *c, nhg_git_mode mode, const char *spec, git_tree **base,
		 git_tree **now)
{
	git_oid a, b, mb;
	int rc;

	if (mode == NHG_GIT_RANGE) {
		const char *dots = strstr(spec, "..");
		char left[512];
		size_t n = dots ? (size_t)(dots - spec) : 0;
		if (!dots || n >= sizeof(left))
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "a range is A..B (for one commit use --commit)");
		memcpy(left, spec, n);
		left[n] = '\0';
		spec = dots[2] == '.' ? dots + 3 : dots + 2;
		if ((rc = nhg_gitsrc_resolve(c, &a, left)) != 0 ||
		    (rc = nhg_gitsrc_resolve(c, &b, spec)) != 0)
			return rc;
		rc = git_merge_base(&mb, c->repo, &a, &b);
		/* past a shallow boundary, unrelated and cut-off histories look alike */
		if (rc && c->shallow)
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "the merge base of the range is not in this shallow "
					     "clone; deepen it (git fetch --unshallow, or "
					     "fetch-depth: 0 in actions/checkout)");
		if (rc == GIT_ENOTFOUND)
			return tree_of(c, now, &b); /* unrelated histories: all of B is new */
		if (rc)
			return nhg_gitsrc_fail(c, rc, "cannot find the merge base of the range");
		if ((rc = tree_of(c, base, &mb)) != 0)
			return rc;
		return tree_of(c, now, &b);
	}
	if ((rc = nhg_gitsrc_resolve(c, &b, mode == NHG_GIT_COMMIT ? spec : "")) != 0) {
		/* staged changes in a repository without commits: all is new */
		if (mode == NHG_GIT_STAGED && git_repository_head_unborn(c->repo) == 1)
			return 0;
		return rc;
	}
	if (mode == NHG_GIT_STAGED)
		return tree_of(c, base, &b);
	{
		git_commit *commit = NULL;
		if ((rc = git_commit_lookup(&commit, c->repo, &b)) != 0)
			return nhg_gitsrc_fail(c, rc, "cannot read the commit");
		if (git_commit_parentcount(commit) > 0) {
			a = *git_commit_parent_id(commit, 0);
			rc = tree_of(c, base, &a);
		}
		git_commit_free(commit);
		return rc ? rc : tree_of(c, now, &b);
	}
}

/* The staged changes, through libgit2's diff of the index and its renames. */
static int diff_index(files_ctx *x, git_tree *base, git_index *index)
{
	nhg_gitctx *c = x->c;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_diff_find_options fopts;
	int rc;

	/* the _INIT macros leave fields out, which -Wextra rejects: use the functions */
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	fopts.flags = GIT_DIFF_FIND_RENAMES;
	rc = git_diff_tree_to_index(&diff, c->repo, base, index, &dopts);
	if (!rc)
		rc = git_diff_find_similar(diff, &fopts);
	if (rc) {
		git_diff_free(diff);
		return nhg_gitsrc_fail(c, rc, "cannot diff the change");
	}
	for (size_t i = 0; !rc && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_DELETED && d->new_file.mode != GIT_FILEMODE_COMMIT)
			rc = each_file(x, d->new_file.path, &d->new_file.id,
				       d->status == GIT_DELTA_ADDED ? NULL : &d->old_file.id);
	}
	git_diff_free(diff);
	return rc;
}

/*
 * Two trees (base NULL: the empty tree), with the tree diff and the rename
 * detection the secret scan uses: only the subtrees that differ are read.
 */
static int diff_trees(files_ctx *x, git_tree *base, git_tree *now)
{
	nhg_gitctx *c = x->c;
	nhg_gitchanges *chs = &c->changes;
	int rc = nhg_gitsrc_tree_changes(c, chs, base, now);

	if (!rc)
		rc = nhg_gitsrc_find_renames(c, chs);
	/* the list holds files only (subtrees are descended); a submodule has no content */
	for (size_t i = 0; !rc && i < chs->n; i++) {
		const nhg_gitchange *ch = &chs->v[i];
		if ((ch->status == 'A' || ch->status == 'M' || ch->status == 'R') &&
		    ch->new_mode != GIT_FILEMODE_COMMIT)
			rc = each_file(x, chs->paths.ptr + ch->path, &ch->new_id,
				       ch->status != 'A' && ch->old_mode != GIT_FILEMODE_COMMIT
				       ? &ch->old_id : NULL);
	}
	return rc;
}

/*
 * One ref of a push: against its old tip, or for a new ref against where it
 * leaves the default branch (HEAD), or the empty tree in an empty repository.
 */
static int push_ref(nhg_gitctx *c, const git_oid *old, const git_oid *new_id, void *payload)
{
	files_ctx *x = payload;
	git_tree *base = NULL, *now = NULL;
	git_oid head, mb;
	int rc = tree_of(c, &now, new_id);

	if (!rc && old)
		rc = tree_of(c, &base, old);
	else if (!rc && git_reference_name_to_id(&head, c->repo, "HEAD") == 0 &&
		 git_merge_base(&mb, c->repo, &head, new_id) == 0)
		rc = tree_of(c, &base, &mb);
	if (!rc)
		rc = diff_trees(x, base, now);
	git_tree_free(base);
	git_tree_free(now);
	return rc;
}

int nhg_source_git_files(nhg_git_mode mode, const char *spec, const nhg_source_opts *opts,
			 bool (*want)(const char *path, void *payload),
			 int (*fn)(const nhg_changed_file *file, void *payload),
			 void *payload, nhg_error *err)
{
	static const nhg_source_opts defaults = NHG_SOURCE_OPTS_INIT;
	nhg_gitctx c;
	files_ctx x;
	git_tree *base = NULL, *now = NULL;
	git_index *index = NULL;
	int rc;

	if (mode == NHG_GIT_ALL)
		return nhg_error_set(err, NHG_EUSAGE, "--all has no base to compare with; use --range");
	if ((rc = nhg_gitsrc_setup(&c, err)) != 0)
		return rc;
	c.opts = opts ? opts : &defaults;
	x.c = &c;
	x.want = want;
	x.fn = fn;
	x.payload = payload;
	x.staged = mode == NHG_GIT_STAGED;
	rc = nhg_gitsrc_open(&c, c.opts->repo && *c.opts->repo ? c.opts->repo : ".");
	if (!rc && mode == NHG_GIT_PUSH)
		rc = nhg_gitsrc_push_lines(&c, spec, push_ref, &x);
	else if (!rc)
		rc = trees(&c, mode, spec ? spec : "", &base, &now);
	if (!rc && mode != NHG_GIT_PUSH) {
		if (x.staged && (rc = git_repository_index(&index, c.repo)) != 0)
			rc = nhg_gitsrc_fail(&c, rc, "cannot read the index");
		if (!rc)
			rc = index ? diff_index(&x, base, index) : diff_trees(&x, base, now);
	}
	git_index_free(index);
	git_tree_free(base);
	git_tree_free(now);
	nhg_gitsrc_close(&c);
	return rc;
}
