/*
 * The two sides of a change and reading files from a revision: the gate
 * reads its policy and waivers from the base side, never from the change.
 */
#include <stdio.h>
#include <string.h>

#include "source/git_internal.h"

static void oid_hex(char out[NHG_GIT_HEXLEN + 1], const git_oid *id)
{
	git_oid_tostr(out, NHG_GIT_HEXLEN + 1, id);
}

/* base and head of "A..B" (or "A...B"): A and B, HEAD when one is empty. */
static int range_sides(nhg_gitctx *c, nhg_git_sides *out, const char *spec)
{
	const char *dots = strstr(spec, "..");
	char left[1024];
	git_oid a, b;
	size_t n;
	int rc;

	if (!dots)
		return nhg_error_set(c->err, NHG_EUSAGE, "expected a range A..B, got '%s'", spec);
	n = (size_t)(dots - spec);
	if (n >= sizeof(left))
		return nhg_error_set(c->err, NHG_EUSAGE, "revision too long");
	memcpy(left, spec, n);
	left[n] = '\0';
	dots += dots[2] == '.' ? 3 : 2;
	if ((rc = nhg_gitsrc_resolve(c, &a, left)) || (rc = nhg_gitsrc_resolve(c, &b, dots)))
		return rc;
	oid_hex(out->base, &a);
	oid_hex(out->head, &b);
	return 0;
}

static int commit_sides(nhg_gitctx *c, nhg_git_sides *out, const char *spec)
{
	git_commit *commit = NULL;
	git_oid id;
	int rc = nhg_gitsrc_resolve(c, &id, spec);

	if (rc)
		return rc;
	oid_hex(out->head, &id);
	if ((rc = git_commit_lookup(&commit, c->repo, &id)) != 0)
		return nhg_gitsrc_fail(c, rc, "cannot read the commit");
	if (git_commit_parentcount(commit) > 0)
		oid_hex(out->base, git_commit_parent_id(commit, 0));
	git_commit_free(commit);
	return 0;
}

/* HEAD as hex into out, or "" when the repository has no commit yet. */
static void head_hex(nhg_gitctx *c, char out[NHG_GIT_HEXLEN + 1])
{
	git_oid id;
	out[0] = '\0';
	if (git_reference_name_to_id(&id, c->repo, "HEAD") == 0)
		oid_hex(out, &id);
}

/*
 * A push: the first ref update that moves an existing ref gives the base
 * (its old tip); lacking one, the repository's HEAD, the default branch.
 */
static int push_sides(nhg_gitctx *c, nhg_git_sides *out, const char *spec)
{
	const char *p = spec ? spec : "";
	bool found = false;

	while (*p) {
		char oldhex[NHG_GIT_HEXLEN + 1], newhex[NHG_GIT_HEXLEN + 1], ref[sizeof(out->ref)];
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len < 600 && sscanf(p, "%64s %64s %255s", oldhex, newhex, ref) == 3) {
			bool created = strspn(oldhex, "0") == strlen(oldhex);
			bool deleted = strspn(newhex, "0") == strlen(newhex);
			if (!deleted && (!found || (!created && !out->base[0]))) {
				snprintf(out->head, sizeof(out->head), "%s", newhex);
				snprintf(out->ref, sizeof(out->ref), "%s", ref);
				if (!created)
					snprintf(out->base, sizeof(out->base), "%s", oldhex);
				found = true;
			}
		}
		p += len + (end ? 1 : 0);
	}
	if (!out->base[0])
		head_hex(c, out->base);
	return 0;
}

int nhg_source_git_sides(nhg_git_sides *out, nhg_git_mode mode, const char *spec,
			 const char *repo, nhg_error *err)
{
	nhg_gitctx c;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = nhg_gitsrc_setup(&c, err)) != 0)
		return rc;
	if ((rc = nhg_gitsrc_open(&c, repo && *repo ? repo : ".")) == 0) {
		switch (mode) {
		case NHG_GIT_RANGE: rc = range_sides(&c, out, spec ? spec : ""); break;
		case NHG_GIT_COMMIT: rc = commit_sides(&c, out, spec ? spec : ""); break;
		case NHG_GIT_PUSH: rc = push_sides(&c, out, spec); break;
		default: head_hex(&c, out->base); break;  /* staged, all: HEAD */
		}
	}
	nhg_gitsrc_close(&c);
	return rc;
}

int nhg_source_git_read(nhg_buf *out, bool *found, const char *repo, const char *rev,
			const char *path, nhg_error *err)
{
	nhg_gitctx c;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	git_oid id;
	int rc;

	*found = false;
	if ((rc = nhg_gitsrc_setup(&c, err)) != 0)
		return rc;
	if ((rc = nhg_gitsrc_open(&c, repo && *repo ? repo : ".")) != 0 ||
	    (rc = nhg_gitsrc_resolve(&c, &id, rev)) != 0)
		goto out;
	if ((rc = git_commit_lookup(&commit, c.repo, &id)) != 0 ||
	    (rc = git_commit_tree(&tree, commit)) != 0) {
		rc = nhg_gitsrc_fail(&c, rc, "cannot read the commit");
		goto out;
	}
	if ((rc = git_tree_entry_bypath(&entry, tree, path)) == GIT_ENOTFOUND) {
		rc = 0;
		goto out;
	}
	if (rc) {
		rc = nhg_gitsrc_fail(&c, rc, "cannot read the tree");
		goto out;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = nhg_error_set(err, NHG_EINPUT, "%s at %.12s is not a file", path, rev);
		goto out;
	}
	if ((rc = git_blob_lookup(&blob, c.repo, git_tree_entry_id(entry))) != 0) {
		rc = nhg_gitsrc_fail(&c, rc, "cannot read the blob");
		goto out;
	}
	*found = true;
	nhg_buf_clear(out);
	if ((rc = nhg_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) ==
	    NHG_ELIMIT)
		rc = nhg_error_set(err, NHG_EINPUT, "%s at %.12s is larger than %zu bytes", path,
				   rev, out->max);
	else if (rc)
		rc = nhg_error_set(err, rc, "out of memory");
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	nhg_gitsrc_close(&c);
	return rc;
}

int nhg_source_git_global_init(void)
{
	return git_libgit2_init() < 0 ? NHG_EINTERNAL : 0;
}
