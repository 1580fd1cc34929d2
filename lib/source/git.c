/*
 * Git sources: open the repository (searching upwards from opts->repo, or
 * GIT_DIR; with a pre-receive hook's quarantined objects), set libgit2's
 * memory bounds, and run one mode.
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
#include <limits.h>
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

/*
 * The pushed objects of a pre-receive hook.  git keeps them in a quarantine
 * directory until every hook has accepted the push; no ref and no
 * alternates file names it, only the hook's environment: GIT_OBJECT_DIRECTORY
 * (the quarantine, which GIT_QUARANTINE_PATH repeats) and
 * GIT_ALTERNATE_OBJECT_DIRECTORIES (the repository's own objects).  libgit2
 * 1.5 reads these only under GIT_REPOSITORY_OPEN_FROM_ENV, which splits the
 * list at every ':' without undoing git's quoting of entries that contain
 * one, so we add each directory to the opened repository's object database
 * ourselves, as an alternate searched after its own objects.  The
 * repository's own object directory and repeats are left out.
 */
#define ENV_PATH_MAX PATH_MAX /* realpath(3) writes up to PATH_MAX bytes */

typedef struct env_dirs {
	char seen[8][ENV_PATH_MAX]; /* real paths already in the database */
	size_t nseen;
} env_dirs;

static int octal_digit(char ch)
{
	return ch >= '0' && ch <= '7';
}

/*
 * A double-quoted entry at s with C escapes (\\ \" \a \b \f \n \r \t \v
 * \ooo), as git writes an entry that contains the separator: 1 when it is
 * one (*end then points just past the closing quote), 0 when s is not
 * quoted that way, -1 when the entry does not fit in outlen or holds NUL.
 */
static int env_unquote(char *out, size_t outlen, const char *s, const char **end)
{
	static const char from[] = "abfnrtv\\\"", to[] = "\a\b\f\n\r\t\v\\\"";
	const char *q = s + 1;
	size_t n = 0;

	if (*s != '"')
		return 0;
	while (*q && *q != '"') {
		char ch = *q++;
		if (ch == '\\') {
			const char *hit = *q ? strchr(from, *q) : NULL;
			if (hit) {
				ch = to[hit - from];
				q++;
			} else if (q[0] >= '0' && q[0] <= '3' && octal_digit(q[1]) &&
				   octal_digit(q[2])) {
				ch = (char)(((q[0] - '0') << 6) | ((q[1] - '0') << 3) | (q[2] - '0'));
				q += 3;
			} else {
				return 0;
			}
		}
		if (!ch || n + 1 >= outlen)
			return -1;
		out[n++] = ch;
	}
	if (*q != '"' || (q[1] && q[1] != ':'))
		return 0;
	out[n] = '\0';
	*end = q + 1;
	return 1;
}

/*
 * One entry of a ':'-separated path list written by git, plain or quoted,
 * into out (NUL-terminated); *p moves past it and its separator.  Broken
 * quoting is read as a plain entry, as git reads it.  -1 when the entry
 * does not fit in outlen.
 */
static int env_list_entry(char *out, size_t outlen, const char **p)
{
	const char *end = NULL;
	int q = env_unquote(out, outlen, *p, &end);
	size_t n;

	if (q < 0)
		return -1;
	if (!q) {
		n = strcspn(*p, ":");
		if (n >= outlen)
			return -1;
		memcpy(out, *p, n);
		out[n] = '\0';
		end = *p + n;
	}
	*p = *end ? end + 1 : end;
	return 0;
}

/* Add dir as an alternate unless it is already in the database. */
static int env_add_dir(nhg_gitctx *c, env_dirs *d, const char *dir, const char *var)
{
	char real[ENV_PATH_MAX];
	int rc;

	if (!*dir || *dir == '#')  /* empty entries and comments, as git skips them */
		return 0;
	if (!realpath(dir, real))
		return nhg_error_set(c->err, NHG_EGIT,
				     "%s names %s, which cannot be opened", var, dir);
	for (size_t i = 0; i < d->nseen; i++)
		if (!strcmp(d->seen[i], real))
			return 0;
	if (d->nseen == sizeof(d->seen) / sizeof(d->seen[0]))
		return nhg_error_set(c->err, NHG_ELIMIT,
				     "more than %zu object directories in the environment",
				     sizeof(d->seen) / sizeof(d->seen[0]));
	memcpy(d->seen[d->nseen++], real, strlen(real) + 1);
	if ((rc = git_odb_add_disk_alternate(c->odb, real)) != 0)
		return nhg_gitsrc_fail(c, rc, "cannot add an object directory from the environment");
	return 0;
}

static int env_alternates(nhg_gitctx *c)
{
	const char *quarantine = getenv("GIT_QUARANTINE_PATH");
	const char *objdir = getenv("GIT_OBJECT_DIRECTORY");
	const char *alts = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	char own[ENV_PATH_MAX], entry[ENV_PATH_MAX];
	env_dirs *d;
	int rc = 0;

	if (!(quarantine && *quarantine) && !(objdir && *objdir) && !(alts && *alts))
		return 0;
	if (!(d = calloc(1, sizeof(*d))))
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	if (snprintf(own, sizeof(own), "%sobjects", git_repository_commondir(c->repo)) <
	    (int)sizeof(own) && realpath(own, d->seen[0]))
		d->nseen = 1;
	if (objdir && *objdir)
		rc = env_add_dir(c, d, objdir, "GIT_OBJECT_DIRECTORY");
	if (!rc && quarantine && *quarantine)
		rc = env_add_dir(c, d, quarantine, "GIT_QUARANTINE_PATH");
	for (const char *p = alts ? alts : ""; !rc && *p;) {
		if (env_list_entry(entry, sizeof(entry), &p) < 0)
			rc = nhg_error_set(c->err, NHG_EGIT,
					   "GIT_ALTERNATE_OBJECT_DIRECTORIES: an entry is too long "
					   "or badly quoted");
		else
			rc = env_add_dir(c, d, entry, "GIT_ALTERNATE_OBJECT_DIRECTORIES");
	}
	free(d);
	return rc;
}

/*
 * The directory to open: dir, except that the default "." yields to
 * GIT_DIR as git's own commands do (a hook on GitHub Enterprise Server runs
 * outside the repository and finds it through GIT_DIR).
 */
static const char *repo_dir(const char *dir, unsigned *flags)
{
	const char *gitdir = getenv("GIT_DIR");

	if (strcmp(dir, ".") || !gitdir || !*gitdir)
		return dir;
	*flags |= GIT_REPOSITORY_OPEN_NO_SEARCH;
	return gitdir;
}

int nhg_gitsrc_setup(nhg_gitctx *c, nhg_error *err)
{
	if (git_libgit2_init() < 0)
		return nhg_error_set(err, NHG_EINTERNAL, "cannot initialise libgit2");
	memset(c, 0, sizeof(*c));
	c->err = err;
	nhg_buf_init(&c->changes.paths, NHG_GITCHANGES_PATHS_MAX);
	return 0;
}

void nhg_gitsrc_close(nhg_gitctx *c)
{
	nhg_buf_free(&c->data);
	nhg_buf_free(&c->author);
	free(c->lines);
	free(c->ltab);
	nhg_oidset_free(&c->seen);
	nhg_oidset_free(&c->boundary);
	nhg_gitchanges_free(&c->changes);
	git_odb_free(c->odb);
	git_repository_free(c->repo);
	git_libgit2_shutdown();
}

int nhg_gitsrc_open(nhg_gitctx *c, const char *dir)
{
	unsigned flags = 0;
	const char *path = repo_dir(dir, &flags);
	int rc = git_repository_open_ext(&c->repo, path, flags, NULL);

	if (rc == GIT_ENOTFOUND)
		return nhg_error_set(c->err, NHG_EUSAGE,
				     "not a git repository (or any parent): %s", path);
	if (rc) {
		const git_error *e = git_error_last();
		/* libgit2 1.5 knows SHA-1 object names only: refuse, never guess */
		if (e && e->message && strstr(e->message, "objectformat"))
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "%s is a SHA-256 repository (extensions.objectformat); "
					     "this build's libgit2 reads SHA-1 repositories only",
					     path);
		return nhg_gitsrc_fail(c, rc, "cannot open the repository");
	}
	if ((rc = git_repository_odb(&c->odb, c->repo)) != 0)
		return nhg_gitsrc_fail(c, rc, "cannot open the object database");
	if ((rc = env_alternates(c)) != 0)
		return rc;
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
	if ((rc = nhg_gitsrc_setup(&c, err)) != 0)
		return rc;
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)CACHE_MAX_BYTES);
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, MWINDOW_MAPPED_LIMIT);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, MWINDOW_SIZE);
	/* Re-hashing every object read (SHA-1 with collision detection) costs a
	 * third of a history scan; git does not do it either outside fsck, and
	 * zlib's checksum still catches a damaged object. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);

	if (getrandom(&c.lseed, sizeof(c.lseed), 0) != (ssize_t)sizeof(c.lseed))
		c.lseed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x243f6a8885a308d3ull;
	c.opts = opts;
	c.sink = sink;
	c.stats = stats ? stats : &scratch;
	nhg_buf_init(&c.data, opts->max_file_size);
	nhg_buf_init(&c.author, AUTHOR_MAX_BYTES);

	rc = nhg_gitsrc_open(&c, opts->repo && *opts->repo ? opts->repo : ".");
	if (!rc)
		rc = mode == NHG_GIT_STAGED ? scan_staged(&c)
					    : nhg_gitsrc_walk(&c, mode, spec);
	nhg_gitsrc_close(&c);
	return rc;
}
