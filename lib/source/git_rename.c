/*
 * Rename detection over a change list, as git_diff_find_similar does it
 * (libgit2's own similarity signatures, a 50% threshold), for the changes
 * our tree diff finds.  A deleted file and an added file with the same blob
 * are an exact rename: nothing was added.  Otherwise each pair of a deleted
 * and an added text file is scored, best pairs first, each file used once;
 * a pair at 50% or more becomes a rename, scanned by its added lines.  As in
 * git, inexact detection is skipped when there are too many candidates.
 */
#include <stdlib.h>
#include <string.h>

#include <git2/sys/hashsig.h>

#include "nhigate/text.h"
#include "source/git_internal.h"

#define RENAME_LIMIT 200   /* at most this many sources and targets */
#define THRESHOLD 50       /* similarity percentage of a rename */

typedef struct pair {
	int score;
	uint32_t del, add; /* indices into the change list */
} pair;

static bool is_file(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* Make add a rename of del. */
static void pair_up(nhg_gitchanges *ch, size_t del, size_t add)
{
	git_oid_cpy(&ch->v[add].old_id, &ch->v[del].old_id);
	ch->v[add].old_mode = ch->v[del].old_mode;
	ch->v[add].status = 'R';
	ch->v[del].status = 'd'; /* consumed as a rename source */
}

/* The similarity signature of a text blob, or NULL (too large, binary). */
static int signature(nhg_gitctx *c, git_hashsig **out, const git_oid *id)
{
	git_blob *blob = NULL;
	git_object_t type;
	size_t size;
	int grc;

	*out = NULL;
	if ((grc = git_odb_read_header(&size, &type, c->odb, id)) != 0)
		return nhg_gitsrc_fail(c, grc, "cannot read a blob");
	if (size > c->opts->max_file_size || size == 0)
		return 0;
	if ((grc = git_blob_lookup(&blob, c->repo, id)) != 0)
		return nhg_gitsrc_fail(c, grc, "cannot read a blob");
	if (!nhg_text_is_binary(git_blob_rawcontent(blob), size)) {
		grc = git_hashsig_create(out, git_blob_rawcontent(blob), size,
					 GIT_HASHSIG_SMART_WHITESPACE |
					 GIT_HASHSIG_ALLOW_SMALL_FILES);
		if (grc)
			*out = NULL; /* no signature: never a rename */
	}
	git_blob_free(blob);
	return 0;
}

static int cmp_pairs(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	if (x->add != y->add)
		return x->add < y->add ? -1 : 1;
	return x->del < y->del ? -1 : x->del > y->del;
}

static int inexact(nhg_gitctx *c, nhg_gitchanges *ch, const uint32_t *dels,
		   size_t nd, const uint32_t *adds, size_t na)
{
	git_hashsig **sd = calloc(nd, sizeof(*sd)), **sa = calloc(na, sizeof(*sa));
	pair *pairs = malloc(nd * na * sizeof(*pairs));
	size_t np = 0;
	int rc = 0;

	if (!sd || !sa || !pairs) {
		rc = nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nd && !rc; i++)
		rc = signature(c, &sd[i], &ch->v[dels[i]].old_id);
	for (size_t j = 0; j < na && !rc; j++)
		rc = signature(c, &sa[j], &ch->v[adds[j]].new_id);
	for (size_t i = 0; i < nd && !rc; i++) {
		for (size_t j = 0; j < na && sd[i]; j++) {
			int score = sa[j] ? git_hashsig_compare(sd[i], sa[j]) : -1;
			if (score >= THRESHOLD)
				pairs[np++] = (pair){ score, dels[i], adds[j] };
		}
	}
	qsort(pairs, np, sizeof(*pairs), cmp_pairs);
	for (size_t k = 0; k < np && !rc; k++)
		if (ch->v[pairs[k].del].status == 'D' && ch->v[pairs[k].add].status == 'A')
			pair_up(ch, pairs[k].del, pairs[k].add);
out:
	for (size_t i = 0; sd && i < nd; i++)
		git_hashsig_free(sd[i]);
	for (size_t j = 0; sa && j < na; j++)
		git_hashsig_free(sa[j]);
	free(sd);
	free(sa);
	free(pairs);
	return rc;
}

typedef struct keyed {
	git_oid id;
	uint32_t idx;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	return git_oid_cmp(&((const keyed *)a)->id, &((const keyed *)b)->id);
}

/*
 * An added blob that was deleted elsewhere in the same change adds nothing
 * (a rename, or a copy of it).  Sorting the deleted ids keeps this n log n.
 */
static int exact(nhg_gitctx *c, nhg_gitchanges *ch, size_t ndel)
{
	keyed *del = malloc(ndel * sizeof(*del));
	size_t n = 0;

	if (!del)
		return nhg_error_set(c->err, NHG_ENOMEM, "out of memory");
	for (size_t k = 0; k < ch->n; k++) {
		if (ch->v[k].status == 'D' && is_file(ch->v[k].old_mode)) {
			git_oid_cpy(&del[n].id, &ch->v[k].old_id);
			del[n++].idx = (uint32_t)k;
		}
	}
	qsort(del, n, sizeof(*del), cmp_keyed);
	for (size_t i = 0; i < ch->n; i++) {
		keyed key, *hit;
		if (ch->v[i].status != 'A' || !is_file(ch->v[i].new_mode))
			continue;
		git_oid_cpy(&key.id, &ch->v[i].new_id);
		if (!(hit = bsearch(&key, del, n, sizeof(*del), cmp_keyed)))
			continue;
		if (ch->v[hit->idx].status == 'D')
			pair_up(ch, hit->idx, i);
		else /* a second copy of the same deleted blob */
			ch->v[i].status = 'R', git_oid_cpy(&ch->v[i].old_id, &key.id);
	}
	free(del);
	return 0;
}

int nhg_gitsrc_find_renames(nhg_gitctx *c, nhg_gitchanges *ch)
{
	uint32_t dels[RENAME_LIMIT], adds[RENAME_LIMIT];
	size_t nd = 0, na = 0;
	int rc;

	for (size_t i = 0; i < ch->n; i++) {
		if (ch->v[i].status == 'D' && is_file(ch->v[i].old_mode))
			nd++;
		else if (ch->v[i].status == 'A' && is_file(ch->v[i].new_mode))
			na++;
	}
	if (!nd || !na)
		return 0;
	if ((rc = exact(c, ch, nd)) != 0)
		return rc;
	nd = na = 0;
	for (size_t i = 0; i < ch->n; i++) {
		if (ch->v[i].status == 'D' && is_file(ch->v[i].old_mode)) {
			if (nd < RENAME_LIMIT)
				dels[nd] = (uint32_t)i;
			nd++;
		} else if (ch->v[i].status == 'A' && is_file(ch->v[i].new_mode)) {
			if (na < RENAME_LIMIT)
				adds[na] = (uint32_t)i;
			na++;
		}
	}
	if (!nd || !na || nd > RENAME_LIMIT || na > RENAME_LIMIT)
		return 0; /* nothing left, or too many: adds are scanned whole */
	return inexact(c, ch, dels, nd, adds, na);
}
