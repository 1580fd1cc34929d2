/*
 * Git sources: open the repository (searching upwards from opts->repo), set
 * libgit2's memory bounds, and run one mode.
 *
 * libgit2's options are process-wide; we set the same bounded values on
 * every call.  The object cache is turned off: a history scan reads each
 * commit, tree and blob about once, and measured over 20,000 commits the
 * cache made it 35% slower and tripled its memory (160 MB at a 32 MiB
 * limit, which counts raw sizes only) against 60 MB without it.  Should
 * someone turn caching back on, its limit stays at 32 MiB.  Mapped pack
 * windows are capped at 256 MiB.  We also skip the re-hashing of objects
 * read, as git itself does.  Nothing of ours is global: all state lives in
 * the nhg_gitctx of the call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "source/git_internal.h"

#define CACHE_MAX_BYTES (32 << 20)
/*
 * Pack windows: libgit2 maps packs in windows of up to 1 GiB by default, and
 * mapped pages count in the resident set.  Bounding them keeps memory flat
 * whatever the pack size (82 MB peak on the 20,000-commit benchmark instead
 * of 168 MB) for about 40% more time on a full-history scan (BENCHMARKS.md).
 */
#define MWINDOW_MAPPED_LIMIT ((size_t)48 << 20)
#define MWINDOW_SIZE ((size_t)16 << 20)
#define AUTHOR_MAX_BYTES 1024

int nhg_gitsrc_fail(nhg_gitctx *c, int gitrc, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown libgit2 error";

	/* a shallow clone lacks history the user asked for: theirs to fix (exit 2) */
	if (gitrc == GIT_ENOTFOUND && c->shallow)
		return nhg_error_set(c->err, NHG_EUSAGE,
				     "%s: %s; the clone is shallow, deepen it "
				     "(git fetch --unshallow, or fetch-depth: 0 in "
				     "actions/checkout)", what, msg);
	return nhg_error_set(c->err, NHG_EGIT, "%s: %s", what, msg);
}

static int scan_staged(nhg_gitctx *c)
{
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_index *index = NULL;
	int rc;

	if (git_repository_is_bare(c->repo))
		return nhg_error_set(c->err, NHG_EUSAGE,
				     "--staged needs a work tree; the repository is bare");
	rc = git_revparse_single(&head, c->repo, "HEAD^{tree}");
	if (rc == 0) {
		tree = (git_tree *)head;
	} else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) {
		return nhg_gitsrc_fail(c, rc, "cannot read HEAD");
	}
	if ((rc = git_repository_index(&index, c->repo)) != 0) {
		git_tree_free(tree);
		return nhg_gitsrc_fail(c, rc, "cannot read the index");
	}
	c->commit[0] = '\0';
	rc = nhg_gitsrc_diff_index(c, tree, index);
	git_index_free(index);
	git_tree_free(tree);
	return rc;
}

int nhg_gitsrc_open(nhg_gitctx *c, const char *dir)
{
	int rc = git_repository_open_ext(&c->repo, dir, 0, NULL);

	if (rc == GIT_ENOTFOUND)
		return nhg_error_set(c->err, NHG_EUSAGE,
				     "not a git repository (or any parent): %s", dir);
	if (rc)
		return nhg_gitsrc_fail(c, rc, "cannot open the repository");
	if ((rc = git_repository_odb(&c->odb, c->repo)) != 0)
		return nhg_gitsrc_fail(c, rc, "cannot open the object database");
	c->shallow = git_repository_is_shallow(c->repo) == 1;
	return c->shallow ? nhg_gitsrc_load_shallow(c) : 0;
}

int nhg_source_git(nhg_git_mode mode, const char *spec,
		   const nhg_source_opts *opts, const nhg_sink *sink,
		   nhg_stats *stats, nhg_error *err)
{
	nhg_source_opts defaults = NHG_SOURCE_OPTS_INIT;
	nhg_stats scratch = { 0, 0, 0, 0 };
	nhg_gitctx c;
	int rc;

	if (!sink || !sink->unit)
		return nhg_error_set(err, NHG_EUSAGE, "no sink");
	if (mode < NHG_GIT_RANGE || mode > NHG_GIT_PUSH)
		return nhg_error_set(err, NHG_EUSAGE, "unknown git mode %d", (int)mode);
	if (!opts)
		opts = &defaults;
	if (git_libgit2_init() < 0)
		return nhg_error_set(err, NHG_EINTERNAL, "cannot initialise libgit2");
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)CACHE_MAX_BYTES);
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, MWINDOW_MAPPED_LIMIT);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, MWINDOW_SIZE);
	/* Re-hashing every object read (SHA-1 with collision detection) costs a
	 * third of a history scan; git does not do it either outside fsck, and
	 * zlib's checksum still catches a damaged object. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);

	memset(&c, 0, sizeof(c));
	if (getrandom(&c.lseed, sizeof(c.lseed), 0) != (ssize_t)sizeof(c.lseed))
		c.lseed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x243f6a8885a308d3ull;
	c.opts = opts;
	c.sink = sink;
	c.stats = stats ? stats : &scratch;
	c.err = err;
	nhg_buf_init(&c.data, opts->max_file_size);
	nhg_buf_init(&c.author, AUTHOR_MAX_BYTES);
	nhg_buf_init(&c.changes.paths, NHG_GITCHANGES_PATHS_MAX);

	rc = nhg_gitsrc_open(&c, opts->repo && *opts->repo ? opts->repo : ".");
	if (!rc)
		rc = mode == NHG_GIT_STAGED ? scan_staged(&c)
					    : nhg_gitsrc_walk(&c, mode, spec);

	nhg_buf_free(&c.data);
	nhg_buf_free(&c.author);
	free(c.lines);
	free(c.ltab);
	nhg_oidset_free(&c.seen);
	nhg_oidset_free(&c.boundary);
	nhg_gitchanges_free(&c.changes);
	git_odb_free(c.odb);
	git_repository_free(c.repo);
	git_libgit2_shutdown();
	return rc;
}
