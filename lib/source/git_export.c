/*
 * A directory of a revision written out to a private temporary directory,
 * so that code reading files (the rule pack loaders) can read a version of
 * the rules that is not checked out.  Only regular files and directories
 * are written, below a directory made by mkdtemp, each with openat and
 * O_EXCL|O_NOFOLLOW relative to its parent: a crafted tree cannot write
 * outside it.  Sizes, entry counts and depth are bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/git_internal.h"

#define EXPORT_MAX_BYTES ((size_t)64 << 20)
#define EXPORT_MAX_ENTRIES 10000
#define EXPORT_MAX_DEPTH 16

typedef struct export_ctx {
	nhg_gitctx *c;
	const char *rev;
	nhg_buf where;       /* "rev:dir/sub/name" of the entry being written */
	size_t bytes, entries;
} export_ctx;

/* A name that stays inside its directory when joined to it. */
static bool safe_name(const char *name)
{
	return *name && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_blob(export_ctx *x, int dfd, const char *name, const git_oid *id)
{
	git_blob *blob = NULL;
	size_t len;
	int fd, rc;

	if ((rc = git_blob_lookup(&blob, x->c->repo, id)) != 0)
		return nhg_gitsrc_fail(x->c, rc, "cannot read a blob");
	len = (size_t)git_blob_rawsize(blob);
	if (len > EXPORT_MAX_BYTES - x->bytes) {
		git_blob_free(blob);
		return nhg_error_set(x->c->err, NHG_EINPUT, "%s: more than %zu bytes to export",
				     x->where.ptr, EXPORT_MAX_BYTES);
	}
	x->bytes += len;
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		git_blob_free(blob);
		return nhg_error_set(x->c->err, NHG_EIO, "%s: cannot write: %s", x->where.ptr,
				     strerror(errno));
	}
	rc = write_all(fd, git_blob_rawcontent(blob), len);
	if (close(fd) != 0)
		rc = -1;
	git_blob_free(blob);
	return rc ? nhg_error_set(x->c->err, NHG_EIO, "%s: write failed: %s", x->where.ptr,
				  strerror(errno))
		  : 0;
}

static int write_tree(export_ctx *x, int dfd, const git_tree *tree, unsigned depth);

static int write_subtree(export_ctx *x, int dfd, const char *name, const git_oid *id,
			 unsigned depth)
{
	git_tree *sub = NULL;
	int sfd, rc;

	if (depth >= EXPORT_MAX_DEPTH)
		return nhg_error_set(x->c->err, NHG_EINPUT, "%s: deeper than %d directories",
				     x->where.ptr, EXPORT_MAX_DEPTH);
	if ((rc = git_tree_lookup(&sub, x->c->repo, id)) != 0)
		return nhg_gitsrc_fail(x->c, rc, "cannot read a tree");
	if (mkdirat(dfd, name, 0700) != 0 ||
	    (sfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		git_tree_free(sub);
		return nhg_error_set(x->c->err, NHG_EIO, "%s: cannot create: %s", x->where.ptr,
				     strerror(errno));
	}
	rc = write_tree(x, sfd, sub, depth + 1);
	close(sfd);
	git_tree_free(sub);
	return rc;
}

static int write_entry(export_ctx *x, int dfd, const git_tree_entry *e, unsigned depth)
{
	const char *name = git_tree_entry_name(e);
	size_t mark = x->where.len;
	int rc;

	if (nhg_buf_printf(&x->where, "%s%s", x->where.ptr[mark - 1] == ':' ? "" : "/", name))
		return nhg_error_set(x->c->err, NHG_ELIMIT, "path too long in %s", x->rev);
	if (++x->entries > EXPORT_MAX_ENTRIES)
		rc = nhg_error_set(x->c->err, NHG_EINPUT, "%s: more than %d entries to export",
				   x->where.ptr, EXPORT_MAX_ENTRIES);
	else if (!safe_name(name))
		rc = nhg_error_set(x->c->err, NHG_EINPUT, "%s: a tree entry named '%s'",
				   x->where.ptr, name);
	else if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		rc = write_subtree(x, dfd, name, git_tree_entry_id(e), depth);
	else if (git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB ||
		 git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE)
		rc = write_blob(x, dfd, name, git_tree_entry_id(e));
	else   /* a link could point anywhere, a submodule has no content here */
		rc = nhg_error_set(x->c->err, NHG_EINPUT,
				   "%s is a %s; a rule pack holds only files and directories",
				   x->where.ptr,
				   git_tree_entry_filemode(e) == GIT_FILEMODE_LINK ? "symbolic link"
										  : "submodule");
	x->where.len = mark;
	x->where.ptr[mark] = '\0';
	return rc;
}

static int write_tree(export_ctx *x, int dfd, const git_tree *tree, unsigned depth)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < git_tree_entrycount(tree); i++)
		rc = write_entry(x, dfd, git_tree_entry_byindex(tree, i), depth);
	return rc;
}

/* The tree of dir ("" for the root) at commit id, into *out. */
static int find_tree(nhg_gitctx *c, git_tree **out, const git_oid *id, const char *rev,
		     const char *dir)
{
	git_commit *commit = NULL;
	git_tree *root = NULL;
	git_tree_entry *entry = NULL;
	int rc;

	if ((rc = git_commit_lookup(&commit, c->repo, id)) != 0 ||
	    (rc = git_commit_tree(&root, commit)) != 0) {
		git_commit_free(commit);
		return nhg_gitsrc_fail(c, rc, "cannot read the commit");
	}
	git_commit_free(commit);
	if (!*dir) {
		*out = root;
		return 0;
	}
	rc = git_tree_entry_bypath(&entry, root, dir);
	git_tree_free(root);
	if (rc == GIT_ENOTFOUND)
		return nhg_error_set(c->err, NHG_EUSAGE, "%s has no directory '%s'", rev, dir);
	if (rc)
		return nhg_gitsrc_fail(c, rc, "cannot read the tree");
	if (git_tree_entry_type(entry) != GIT_OBJECT_TREE)
		rc = nhg_error_set(c->err, NHG_EUSAGE, "'%s' at %s is not a directory", dir, rev);
	else if ((rc = git_tree_lookup(out, c->repo, git_tree_entry_id(entry))) != 0)
		rc = nhg_gitsrc_fail(c, rc, "cannot read the tree");
	git_tree_entry_free(entry);
	return rc;
}

/* A fresh directory for the export: $TMPDIR or /tmp, mode 0700. */
static char *make_tempdir(nhg_error *err)
{
	const char *tmp = getenv("TMPDIR");
	nhg_buf b = NHG_BUF_INIT(4096);
	char *path;

	if (!tmp || *tmp != '/')
		tmp = "/tmp";
	if (nhg_buf_printf(&b, "%s/nhigate-rules.XXXXXX", tmp) || !(path = nhg_buf_detach(&b, NULL))) {
		nhg_buf_free(&b);
		nhg_error_set(err, NHG_ENOMEM, "TMPDIR too long or out of memory");
		return NULL;
	}
	if (!mkdtemp(path)) {
		nhg_error_set(err, NHG_EIO, "cannot create a temporary directory in %s: %s", tmp,
			      strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

int nhg_source_git_export(char **out, const char *repo, const char *rev, const char *dir,
			  nhg_error *err)
{
	nhg_gitctx c;
	export_ctx x;
	git_tree *tree = NULL;
	git_oid id;
	char *path = NULL, sub[1024];
	size_t n = dir ? strlen(dir) : 0;
	int dfd = -1, rc;

	while (n && dir[n - 1] == '/')   /* "rules/" is "rules" */
		n--;
	if (n >= sizeof(sub))
		return nhg_error_set(err, NHG_EUSAGE, "directory name too long");
	memcpy(sub, n ? dir : "", n);
	sub[n] = '\0';
	dir = sub;
	if ((rc = nhg_gitsrc_setup(&c, err)) != 0)
		return rc;
	memset(&x, 0, sizeof(x));
	x.c = &c;
	x.rev = rev;
	nhg_buf_init(&x.where, 4096);
	if ((rc = nhg_gitsrc_open(&c, repo && *repo ? repo : ".")) != 0 ||
	    (rc = nhg_gitsrc_resolve(&c, &id, rev)) != 0 ||
	    (rc = find_tree(&c, &tree, &id, rev, dir)) != 0)
		goto out;
	if (nhg_buf_printf(&x.where, "%s:%s", rev, dir)) {
		rc = nhg_error_set(err, NHG_EUSAGE, "revision or directory name too long");
		goto out;
	}
	if (!(path = make_tempdir(err))) {
		rc = err ? err->code : NHG_EIO;
		goto out;
	}
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		rc = nhg_error_set(err, NHG_EIO, "cannot open %s: %s", path, strerror(errno));
	else
		rc = write_tree(&x, dfd, tree, 0);
out:
	if (dfd >= 0)
		close(dfd);
	if (rc) {
		nhg_source_git_export_remove(path);
	} else {
		*out = path;
	}
	nhg_buf_free(&x.where);
	git_tree_free(tree);
	nhg_gitsrc_close(&c);
	return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);   /* best effort: whatever cannot go, the rest still does */
	return 0;
}

void nhg_source_git_export_remove(char *path)
{
	if (!path)
		return;
	/* depth first, never following links: only what the export wrote */
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(path);
}
