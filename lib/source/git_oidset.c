/*
 * A set of git object ids with flags: open addressing with linear probing,
 * kept at most half full.  Object ids are uniformly distributed already, so
 * their first bytes serve as the hash.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/error.h"
#include "source/git_internal.h"

static size_t slot_of(const nhg_oidset *s, const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof(h));
	return h & (s->cap - 1);
}

unsigned nhg_oidset_get(const nhg_oidset *s, const git_oid *id)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = slot_of(s, id); s->slots[i].flags; i = (i + 1) & (s->cap - 1))
		if (!git_oid_cmp(&s->slots[i].id, id))
			return s->slots[i].flags;
	return 0;
}

static int grow(nhg_oidset *s)
{
	nhg_oidset bigger = { NULL, s->cap ? s->cap * 2 : 1024, 0 };

	if (bigger.cap > SIZE_MAX / 2 / sizeof(*bigger.slots))
		return NHG_ENOMEM;
	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return NHG_ENOMEM;
	for (size_t i = 0; i < s->cap; i++) {
		const struct nhg_oidset_entry *e = &s->slots[i];
		size_t j;
		if (!e->flags)
			continue;
		for (j = slot_of(&bigger, &e->id); bigger.slots[j].flags;
		     j = (j + 1) & (bigger.cap - 1))
			;
		bigger.slots[j] = *e;
		bigger.count++;
	}
	free(s->slots);
	*s = bigger;
	return 0;
}

int nhg_oidset_add(nhg_oidset *s, const git_oid *id, unsigned flags)
{
	size_t i;

	if ((s->count + 1) * 2 > s->cap && grow(s) != 0)
		return NHG_ENOMEM;
	for (i = slot_of(s, id); s->slots[i].flags; i = (i + 1) & (s->cap - 1)) {
		if (!git_oid_cmp(&s->slots[i].id, id)) {
			s->slots[i].flags |= (unsigned char)flags;
			return 0;
		}
	}
	git_oid_cpy(&s->slots[i].id, id);
	s->slots[i].flags = (unsigned char)(flags | NHG_OID_USED);
	s->count++;
	return 0;
}

void nhg_oidset_free(nhg_oidset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->count = 0;
}
