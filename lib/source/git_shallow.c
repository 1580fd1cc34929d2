/*
 * Shallow clones (CI checkouts with a fetch depth).  libgit2 1.5 does not
 * read $GIT_DIR/shallow: its revision walker follows the parents of the
 * boundary commits and fails on the missing objects.  Here we read the
 * boundary ourselves and walk as git does, taking a boundary commit as a
 * root (so it is diffed against the empty tree, like `git log -p` shows it).
 *
 * The walk is exact and simple rather than clever: every ancestor of the
 * hidden side is marked first, then a depth-first walk from the tips emits
 * each commit after its parents (a topological order, oldest first).  Both
 * are linear in the history the clone holds, which is short by definition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/git_internal.h"

enum { HIDDEN = 2, VISITED = 4 }; /* flags in the walk's own oid set */

int nhg_gitsrc_load_shallow(nhg_gitctx *c)
{
	char path[4096], line[128];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%sshallow", git_repository_commondir(c->repo));
	if (!(f = fopen(path, "r")))
		return 0; /* not shallow after all */
	while (!rc && fgets(line, sizeof(line), f)) {
		git_oid id;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (git_oid_fromstr(&id, line) != 0)
			rc = nhg_error_set(c->err, NHG_EGIT, "%s: not an object id: %.64s",
					   path, line);
		else if (nhg_oidset_add(&c->boundary, &id, NHG_OID_USED) != 0)
			rc = nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	}
	fclose(f);
	return rc;
}

unsigned nhg_gitsrc_parentcount(const nhg_gitctx *c, const git_commit *commit)
{
	if (c->boundary.count && nhg_oidset_get(&c->boundary, git_commit_id(commit)))
		return 0;
	return git_commit_parentcount(commit);
}

static int lookup(nhg_gitctx *c, git_commit **out, const git_oid *id)
{
	int rc = git_commit_lookup(out, c->repo, id);
	if (rc) {
		char hex[GIT_OID_HEXSZ + 1], what[96];
		git_oid_tostr(hex, sizeof(hex), id);
		snprintf(what, sizeof(what), "cannot read commit %s", hex);
		return nhg_gitsrc_fail(c, rc, what);
	}
	return 0;
}

/* A growable array of object ids. */
typedef struct oidvec {
	git_oid *v;
	size_t n, cap;
} oidvec;

static int push(nhg_gitctx *c, oidvec *a, const git_oid *id)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		git_oid *grown = realloc(a->v, cap * sizeof(*grown));
		if (!grown)
			return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
		a->v = grown;
		a->cap = cap;
	}
	git_oid_cpy(&a->v[a->n++], id);
	return 0;
}

static int mark(nhg_gitctx *c, nhg_oidset *s, const git_oid *id, unsigned f)
{
	if (nhg_oidset_add(s, id, f) != 0)
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	return 0;
}

/* Mark hide and all its ancestors HIDDEN (breadth first). */
static int hide_ancestors(nhg_gitctx *c, nhg_oidset *s, const git_oid *hide)
{
	oidvec queue = { NULL, 0, 0 };
	size_t head = 0;
	int rc;

	if ((rc = mark(c, s, hide, HIDDEN)) != 0 || (rc = push(c, &queue, hide)) != 0)
		goto out;
	while (!rc && head < queue.n) {
		git_commit *commit;
		unsigned n;
		if ((rc = lookup(c, &commit, &queue.v[head++])) != 0)
			break;
		n = nhg_gitsrc_parentcount(c, commit);
		for (unsigned i = 0; i < n && !rc; i++) {
			const git_oid *p = git_commit_parent_id(commit, i);
			if (nhg_oidset_get(s, p) & HIDDEN)
				continue;
			if ((rc = mark(c, s, p, HIDDEN)) == 0)
				rc = push(c, &queue, p);
		}
		git_commit_free(commit);
	}
out:
	free(queue.v);
	return rc;
}

/* Append to order, parents first, the commits reachable from tip. */
static int post_order(nhg_gitctx *c, nhg_oidset *s, const git_oid *tip,
		      oidvec *order)
{
	oidvec stack = { NULL, 0, 0 };
	unsigned *next = NULL; /* next parent to look at, per stack frame */
	size_t capnext = 0;
	int rc;

	if (nhg_oidset_get(s, tip) & (HIDDEN | VISITED))
		return 0;
	if ((rc = mark(c, s, tip, VISITED)) != 0 || (rc = push(c, &stack, tip)) != 0)
		goto out;
	while (!rc && stack.n) {
		size_t top = stack.n - 1;
		git_commit *commit;
		unsigned n;
		bool descended = false;

		if (capnext < stack.cap) {
			unsigned *grown = realloc(next, stack.cap * sizeof(*grown));
			if (!grown) {
				rc = nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
				break;
			}
			for (size_t i = capnext; i < stack.cap; i++)
				grown[i] = 0;
			next = grown;
			capnext = stack.cap;
		}
		if ((rc = lookup(c, &commit, &stack.v[top])) != 0)
			break;
		n = nhg_gitsrc_parentcount(c, commit);
		while (next[top] < n && !descended) {
			const git_oid *p = git_commit_parent_id(commit, next[top]++);
			if (nhg_oidset_get(s, p) & (HIDDEN | VISITED))
				continue;
			if ((rc = mark(c, s, p, VISITED)) == 0)
				rc = push(c, &stack, p);
			descended = true;
		}
		git_commit_free(commit);
		if (rc || descended)
			continue; /* the new frame's next[] is 0 already */
		rc = push(c, order, &stack.v[top]);
		next[top] = 0;
		stack.n--;
	}
out:
	free(stack.v);
	free(next);
	return rc;
}

int nhg_gitsrc_walk_shallow(nhg_gitctx *c, const git_oid *tips, size_t ntips,
			    const git_oid *hide)
{
	nhg_oidset s = { NULL, 0, 0 };
	oidvec order = { NULL, 0, 0 };
	int rc = 0;

	if (hide)
		rc = hide_ancestors(c, &s, hide);
	for (size_t i = 0; i < ntips && !rc; i++)
		rc = post_order(c, &s, &tips[i], &order);
	nhg_oidset_free(&s);
	/*
	 * A range that reaches a boundary commit with parents goes on past what
	 * the clone holds: the commits beyond could bring anything, so refuse.
	 */
	for (size_t i = 0; i < order.n && !rc && hide; i++) {
		git_commit *commit;
		if (!nhg_oidset_get(&c->boundary, &order.v[i]))
			continue;
		if ((rc = lookup(c, &commit, &order.v[i])) != 0)
			break;
		if (git_commit_parentcount(commit) > 0) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), &order.v[i]);
			rc = nhg_error_set(c->err, NHG_EUSAGE,
					   "the range goes past commit %.12s, where this shallow "
					   "clone ends; deepen it (git fetch --unshallow, or "
					   "fetch-depth: 0 in actions/checkout)", hex);
		}
		git_commit_free(commit);
	}
	for (size_t i = 0; i < order.n && !rc; i++)
		rc = nhg_gitsrc_commit(c, &order.v[i]);
	free(order.v);
	return rc;
}
