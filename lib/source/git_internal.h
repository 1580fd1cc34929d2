/*
 * Git sources, internal to lib/source: git.c opens the repository and picks
 * the mode, git_walk.c turns a range, a commit or every ref into commits,
 * git_diff.c turns one commit's diff (or the index's) into units, and
 * git_tree.c and git_rename.c find what a commit changed, git_lines.c what
 * a modified file added, git_oidset.c
 * remembers which blobs have already been covered, and git_shallow.c walks
 * shallow clones, which libgit2 1.5 cannot.
 */
#ifndef NHG_SOURCE_GIT_INTERNAL_H
#define NHG_SOURCE_GIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <git2.h>

#include "nhigate/buf.h"
#include "nhigate/source.h"

/* A set of object ids with a few flag bits each (open addressing). */
typedef struct nhg_oidset {
	struct nhg_oidset_entry {
		git_oid id;
		unsigned char flags; /* 0: empty slot */
	} *slots;
	size_t cap, count; /* cap is 0 or a power of two */
} nhg_oidset;

enum {
	NHG_OID_USED = 1,    /* the slot holds an id */
	NHG_OID_WHOLE = 2,   /* scanned (or skipped) as a whole blob */
	NHG_OID_CHANGED = 4  /* the new side of a change already scanned */
};

/* The flags of id, 0 when absent. */
unsigned nhg_oidset_get(const nhg_oidset *s, const git_oid *id);
/* Add flags to id (inserting it); NHG_ENOMEM on failure. */
int nhg_oidset_add(nhg_oidset *s, const git_oid *id, unsigned flags);
void nhg_oidset_free(nhg_oidset *s);

/*
 * One changed path between two trees (or a tree and the index).  status:
 * 'A' added, 'M' modified, 'R' renamed or copied (old_id is the source),
 * 'D' deleted, 'd' deleted and used as a rename source, 'U' unmerged.
 */
typedef struct nhg_gitchange {
	size_t path;             /* offset of its NUL-terminated path in paths */
	git_oid old_id, new_id;
	uint32_t old_mode, new_mode; /* git_filemode_t, 0 on a missing side */
	char status;
} nhg_gitchange;

typedef struct nhg_gitchanges {
	nhg_gitchange *v;
	size_t n, cap;
	nhg_buf paths;
} nhg_gitchanges;

#define NHG_GITCHANGES_PATHS_MAX ((size_t)64 << 20)

void nhg_gitchanges_clear(nhg_gitchanges *ch);
void nhg_gitchanges_free(nhg_gitchanges *ch);

/* Everything one nhg_source_git call works with. */
typedef struct nhg_gitctx {
	git_repository *repo;
	git_odb *odb;
	bool shallow;
	nhg_oidset boundary; /* a shallow clone's boundary commits */
	const nhg_source_opts *opts;
	const nhg_sink *sink;
	nhg_stats *stats;
	nhg_error *err;

	nhg_oidset seen;   /* blobs already covered in this call */
	nhg_gitchanges changes; /* of the commit being diffed */
	nhg_buf data;      /* added lines of one delta, joined by '\n' */
	uint32_t *lines;   /* their new-file line numbers */
	size_t nlines, caplines;
	uint64_t *ltab;    /* hash set of the old side's lines */
	uint64_t lseed;    /* random per scan: line collisions cannot be planned */
	size_t ltabcap, ltabused;

	/* The commit being diffed; commit[0] == '\0' for the index. */
	char commit[GIT_OID_HEXSZ + 1];
	nhg_buf author;
	int64_t time;
	int time_offset;
} nhg_gitctx;

/*
 * Record a libgit2 failure (git_error_last) as NHG_EGIT, saying what we were
 * doing; a missing object in a shallow clone says how to deepen it.
 */
int nhg_gitsrc_fail(nhg_gitctx *c, int gitrc, const char *what);
/*
 * Set libgit2 up for one call and zero c, failures going to err; pair every
 * successful setup with nhg_gitsrc_close, which frees whatever c then holds.
 */
int nhg_gitsrc_setup(nhg_gitctx *c, nhg_error *err);
void nhg_gitsrc_close(nhg_gitctx *c);
/* Open the repository at or above dir (and a shallow clone's boundary). */
int nhg_gitsrc_open(nhg_gitctx *c, const char *dir);
/* Resolve name ("" means HEAD) to a commit id; unknown names are NHG_EUSAGE. */
int nhg_gitsrc_resolve(nhg_gitctx *c, git_oid *out, const char *name);
/*
 * Pre-receive input ("OLD NEW REF" lines): fn for each ref the push creates
 * or updates (old NULL when created); deletions are skipped.  Malformed
 * lines are NHG_EINPUT with the line number.
 */
int nhg_gitsrc_push_lines(nhg_gitctx *c, const char *spec,
			  int (*fn)(nhg_gitctx *c, const git_oid *old, const git_oid *new_id,
				    void *payload),
			  void *payload);

/*
 * The changes from old to new_tree (NULL: the empty tree) into out, which is
 * cleared first; unchanged subtrees are not read.
 */
int nhg_gitsrc_tree_changes(nhg_gitctx *c, nhg_gitchanges *out, git_tree *old,
			    git_tree *new_tree);
/*
 * Into c->data and c->lines: the lines of cur whose content is nowhere in
 * old, and their line numbers.  NHG_ENOMEM, or NHG_ELIMIT past c->data's max.
 */
int nhg_gitsrc_added_lines(nhg_gitctx *c, const char *old, size_t olen,
			   const char *cur, size_t len);
/* Pair deleted and added files of ch into renames ('R'). */
int nhg_gitsrc_find_renames(nhg_gitctx *c, nhg_gitchanges *ch);

/* Diff old (NULL: the empty tree) against new and emit the units. */
int nhg_gitsrc_diff_trees(nhg_gitctx *c, git_tree *old, git_tree *new_tree);
/* Diff the index against head (NULL: unborn) and emit the units. */
int nhg_gitsrc_diff_index(nhg_gitctx *c, git_tree *head, git_index *index);

/* Walk the commits of mode/spec, oldest first, diffing each. */
int nhg_gitsrc_walk(nhg_gitctx *c, nhg_git_mode mode, const char *spec);
/* Diff one commit against its first parent (none at a root or boundary). */
int nhg_gitsrc_commit(nhg_gitctx *c, const git_oid *id);

/* Read the boundary of a shallow clone into c->boundary. */
int nhg_gitsrc_load_shallow(nhg_gitctx *c);
/* The parents of commit this clone has: 0 at a shallow boundary. */
unsigned nhg_gitsrc_parentcount(const nhg_gitctx *c, const git_commit *commit);
/*
 * In a shallow clone: diff the commits reachable from tips and not from hide
 * (NULL: none), parents before children.
 */
int nhg_gitsrc_walk_shallow(nhg_gitctx *c, const git_oid *tips, size_t ntips,
			    const git_oid *hide);

#endif
