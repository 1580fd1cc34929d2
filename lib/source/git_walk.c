/*
 * From a mode and a spec to the commits to diff: "A..B" (and "A...B", taken
 * as merge-base..B, as a pull request shows it), one commit, or every commit
 * reachable from any ref.  Commits are visited oldest first (topological,
 * reversed), so a side branch's commits come before the merge that brings
 * them in, and each is diffed against its first parent only.
 */
#include <stdio.h>
#include <string.h>

#include "source/git_internal.h"

int nhg_gitsrc_resolve(nhg_gitctx *c, git_oid *out, const char *name)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc;

	if (!*name)
		name = "HEAD";
	rc = git_revparse_single(&obj, c->repo, name);
	if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC ||
	    rc == GIT_EUNBORNBRANCH) {
		size_t n = strlen(name);
		bool hexlike = n >= 7 && strspn(name, "0123456789abcdefABCDEF") == n;
		if (c->shallow && rc == GIT_ENOTFOUND &&
		    (hexlike || strpbrk(name, "~^")))
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "revision '%s' is not in this shallow clone; "
					     "deepen it (git fetch --unshallow, or "
					     "fetch-depth: 0 in actions/checkout)", name);
		if (rc == GIT_EAMBIGUOUS)
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "ambiguous revision '%s'", name);
		/* a ref that names a missing object: the repository is damaged */
		if (rc == GIT_ENOTFOUND && !hexlike && git_error_last() &&
		    git_error_last()->klass == GIT_ERROR_ODB)
			return nhg_gitsrc_fail(c, rc, "the repository is damaged: cannot read "
					       "an object the revision names");
		return nhg_error_set(c->err, NHG_EUSAGE, "unknown revision '%s'", name);
	}
	if (rc)
		return nhg_gitsrc_fail(c, rc, "cannot resolve revision");
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc)
		return nhg_error_set(c->err, NHG_EUSAGE, "'%s' is not a commit", name);
	git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	return 0;
}

int nhg_gitsrc_commit(nhg_gitctx *c, const git_oid *id)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	const git_signature *a;
	int rc;

	git_oid_tostr(c->commit, sizeof(c->commit), id);
	if ((rc = git_commit_lookup(&commit, c->repo, id)) != 0) {
		char what[96];
		snprintf(what, sizeof(what), "cannot read commit %s", c->commit);
		return nhg_gitsrc_fail(c, rc, what);
	}
	c->stats->commits++;
	nhg_buf_clear(&c->author);
	c->time = 0;
	c->time_offset = 0;
	if ((a = git_commit_author(commit)) != NULL) {
		if (nhg_buf_printf(&c->author, "%s <%s>", a->name ? a->name : "",
				   a->email ? a->email : "") != 0)
			nhg_buf_clear(&c->author); /* absurdly long: leave it out */
		c->time = a->when.time;
		c->time_offset = a->when.offset;
	}
	rc = git_commit_tree(&tree, commit);
	if (!rc && nhg_gitsrc_parentcount(c, commit) > 0) {
		rc = git_commit_parent(&parent, commit, 0);
		if (!rc)
			rc = git_commit_tree(&ptree, parent);
	}
	if (rc) {
		char what[96];
		snprintf(what, sizeof(what), "cannot read the trees of commit %s",
			 c->commit);
		rc = nhg_gitsrc_fail(c, rc, what);
	} else {
		rc = nhg_gitsrc_diff_trees(c, ptree, tree);
	}
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(commit);
	return rc;
}

/* A growable array of commit ids: the tips to walk from. */
typedef struct tips {
	git_oid *v;
	size_t n, cap;
} tips;

static int add_tip(nhg_gitctx *c, tips *t, const git_oid *id)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		git_oid *grown = realloc(t->v, cap * sizeof(*grown));
		if (!grown)
			return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
		t->v = grown;
		t->cap = cap;
	}
	git_oid_cpy(&t->v[t->n++], id);
	return 0;
}

/* "A..B": tip B, hide A ("A...B": hide merge-base(A, B)). */
static int parse_range(nhg_gitctx *c, tips *t, git_oid *hide, const char *spec)
{
	char left[1024];
	const char *dots = spec ? strstr(spec, "..") : NULL;
	const char *right;
	bool three;
	git_oid b, base;
	size_t n;
	int rc;

	if (!spec || !*spec)
		return nhg_error_set(c->err, NHG_EUSAGE, "no range given");
	if (!dots)
		return nhg_error_set(c->err, NHG_EUSAGE,
				     "'%s' is not a range (A..B); use --commit %s "
				     "for one commit", spec, spec);
	three = dots[2] == '.';
	right = dots + (three ? 3 : 2);
	n = (size_t)(dots - spec);
	if (n >= sizeof(left))
		return nhg_error_set(c->err, NHG_EUSAGE, "revision too long");
	memcpy(left, spec, n);
	left[n] = '\0';
	if ((rc = nhg_gitsrc_resolve(c, hide, left)) != 0 || (rc = nhg_gitsrc_resolve(c, &b, right)) != 0)
		return rc;
	if (three) {
		rc = git_merge_base(&base, c->repo, hide, &b);
		if (rc == GIT_ENOTFOUND)
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "'%s' and '%s' have no common ancestor",
					     left[0] ? left : "HEAD",
					     right[0] ? right : "HEAD");
		if (rc)
			return nhg_gitsrc_fail(c, rc, "cannot find the merge base");
		git_oid_cpy(hide, &base);
	}
	return add_tip(c, t, &b);
}

/* Every ref that peels to a commit, and HEAD. */
static int all_tips(nhg_gitctx *c, tips *t)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	git_oid head;
	int rc, grc;

	if ((grc = git_reference_iterator_new(&it, c->repo)) != 0)
		return nhg_gitsrc_fail(c, grc, "cannot list refs");
	rc = 0;
	while (!rc && (grc = git_reference_next(&ref, it)) == 0) {
		git_object *obj = NULL;
		if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
			rc = add_tip(c, t, git_object_id(obj));
			git_object_free(obj);
		}
		/* else: a tag of a tree or blob, or a dangling symref */
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc)
		return rc;
	if (grc != GIT_ITEROVER)
		return nhg_gitsrc_fail(c, grc, "cannot list refs");
	grc = git_reference_name_to_id(&head, c->repo, "HEAD");
	if (grc == 0)
		return add_tip(c, t, &head);
	if (grc != GIT_ENOTFOUND && grc != GIT_EUNBORNBRANCH)
		return nhg_gitsrc_fail(c, grc, "cannot read HEAD");
	return 0;
}

static bool all_zero(const char *hex, size_t n)
{
	return strspn(hex, "0") >= n;
}

/*
 * The commit a pushed object stands for: a commit itself, or what an
 * annotated tag (or a chain of them) names.  A tree or a blob (or a tag of one)
 * brings content no commit walk covers: refused, never skipped.
 */
static int peel_pushed(nhg_gitctx *c, git_oid *id, const char *ref)
{
	git_object *obj = NULL, *commit = NULL;
	int grc = git_object_lookup(&obj, c->repo, id, GIT_OBJECT_ANY);

	if (grc)
		return nhg_gitsrc_fail(c, grc, "cannot read a pushed object");
	if (git_object_type(obj) == GIT_OBJECT_COMMIT) {
		git_object_free(obj);
		return 0;
	}
	grc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (grc)
		return nhg_error_set(c->err, NHG_EUSAGE,
				     "%s: the push points it at a tree or a blob (or a tag of one), "
				     "which cannot be judged as commits", ref);
	git_oid_cpy(id, git_object_id(commit));
	git_object_free(commit);
	return 0;
}

int nhg_gitsrc_push_lines(nhg_gitctx *c, const char *spec,
			  int (*fn)(nhg_gitctx *c, const git_oid *old, const git_oid *new_id,
				    void *payload),
			  void *payload)
{
	const char *p = spec ? spec : "";
	size_t lineno = 0;
	int rc = 0;

	while (*p && !rc) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char oldhex[72], newhex[72], ref[1024];
		git_oid o, n;
		lineno++;
		if (!len || strspn(p, " \t\r") >= len) {
			p += len + (end ? 1 : 0);
			continue;
		}
		if (len >= sizeof(ref) || sscanf(p, "%71s %71s %1023s", oldhex, newhex, ref) != 3)
			return nhg_error_at(c->err, NHG_EINPUT, "<pre-receive>", (int)lineno, 0,
					    "expected 'OLD NEW REF'");
		len = strlen(newhex);
		if ((len != 40 && len != 64) || strlen(oldhex) != len ||
		    strspn(newhex, "0123456789abcdef") != len ||
		    strspn(oldhex, "0123456789abcdef") != len)
			return nhg_error_at(c->err, NHG_EINPUT, "<pre-receive>", (int)lineno, 0,
					    "expected 40 or 64 hex digits");
		if (len == 64)
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "SHA-256 repositories cannot be read by this build "
					     "(libgit2 without SHA-256 support)");
		/* a NEW of zeros deletes the ref: nothing arrives */
		if (!all_zero(newhex, len)) {
			bool created = all_zero(oldhex, len);
			if ((!created && git_oid_fromstr(&o, oldhex) < 0) || git_oid_fromstr(&n, newhex) < 0)
				return nhg_error_at(c->err, NHG_EINPUT, "<pre-receive>", (int)lineno, 0,
						    "invalid object id");
			rc = peel_pushed(c, &n, ref);
			if (!rc && !created)
				rc = peel_pushed(c, &o, ref);
			if (!rc)
				rc = fn(c, created ? NULL : &o, &n, payload);
		}
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	}
	return rc;
}

static int push_tip(nhg_gitctx *c, const git_oid *old, const git_oid *new_id, void *payload)
{
	(void)old;
	return add_tip(c, payload, new_id);
}

/* libgit2's walker, for complete clones. */
static int walk_full(nhg_gitctx *c, const tips *t, const git_oid *hide, const tips *hides)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int rc = 0, grc;

	if ((grc = git_revwalk_new(&walk, c->repo)) != 0)
		return nhg_gitsrc_fail(c, grc, "cannot walk the history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	for (size_t i = 0; i < t->n && !grc; i++)
		grc = git_revwalk_push(walk, &t->v[i]);
	if (!grc && hide)
		grc = git_revwalk_hide(walk, hide);
	for (size_t i = 0; hides && i < hides->n && !grc; i++)
		grc = git_revwalk_hide(walk, &hides->v[i]);
	while (!rc && !grc) {
		grc = git_revwalk_next(&id, walk);
		if (!grc)
			rc = nhg_gitsrc_commit(c, &id);
	}
	if (!rc && grc != GIT_ITEROVER)
		rc = nhg_gitsrc_fail(c, grc, "cannot walk the history");
	git_revwalk_free(walk);
	return rc;
}

int nhg_gitsrc_walk(nhg_gitctx *c, nhg_git_mode mode, const char *spec)
{
	tips t = { NULL, 0, 0 };
	git_oid id, hide;
	int rc;

	if (mode == NHG_GIT_COMMIT) {
		if (!spec || !*spec)
			return nhg_error_set(c->err, NHG_EUSAGE, "no commit given");
		if ((rc = nhg_gitsrc_resolve(c, &id, spec)) != 0)
			return rc;
		return nhg_gitsrc_commit(c, &id);
	}
	if (mode == NHG_GIT_PUSH) {
		/* the commits a push brings: reachable from a new tip, from no existing ref */
		tips existing = { NULL, 0, 0 };
		if (c->shallow)
			return nhg_error_set(c->err, NHG_EUSAGE,
					     "pre-receive needs a complete repository, not a shallow clone");
		rc = nhg_gitsrc_push_lines(c, spec, push_tip, &t);
		if (!rc && t.n)
			rc = all_tips(c, &existing);
		if (!rc && t.n)
			rc = walk_full(c, &t, NULL, &existing);
		free(existing.v);
		free(t.v);
		return rc;
	}
	rc = mode == NHG_GIT_RANGE ? parse_range(c, &t, &hide, spec) : all_tips(c, &t);
	if (!rc && t.n)
		rc = c->shallow ? nhg_gitsrc_walk_shallow(c, t.v, t.n,
							  mode == NHG_GIT_RANGE ? &hide : NULL)
				: walk_full(c, &t, mode == NHG_GIT_RANGE ? &hide : NULL, NULL);
	free(t.v);
	return rc;
}
