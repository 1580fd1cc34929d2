/*
 * The audit's tallies: name -> count maps with a bound on how many names
 * they keep (audit.h), found through an open-addressing hash index while
 * the log is read, then sorted by count for the report.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "nhigate/array.h"

static uint64_t name_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/*
 * The item named p/n in t, added (count 0) when missing and t has room;
 * NULL when t is full (the caller counts t->other) or memory ran out
 * (*oom set).
 */
nhg_audit_item *nhg_audit__tally_get(nhg_audit_tally *t, const char *p, size_t n, bool *oom)
{
	char cut[NHG_AUDIT_MAX_NAME + 4];
	uint64_t h;
	size_t i;

	if (n > NHG_AUDIT_MAX_NAME) {   /* cut at a character, marked */
		n = NHG_AUDIT_MAX_NAME;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;
		memcpy(cut, p, n);
		memcpy(cut + n, "\xe2\x80\xa6", 3);
		p = cut;
		n += 3;
	}
	h = name_hash(p, n);
	for (i = h & (t->nslots - 1); t->nslots && t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
		nhg_audit_item *it = &t->v[t->slots[i] - 1];
		if (!strncmp(it->name, p, n) && it->name[n] == '\0')
			return it;
	}
	if (t->n >= NHG_AUDIT_MAX_KEYS)
		return NULL;
	if (2 * (t->n + 1) > t->nslots) {
		size_t ns = t->nslots ? 2 * t->nslots : 64;
		uint32_t *slots = calloc(ns, sizeof(*slots));
		if (!slots)
			goto oom;
		for (size_t k = 0; k < t->n; k++) {
			size_t j = name_hash(t->v[k].name, strlen(t->v[k].name)) & (ns - 1);
			while (slots[j])
				j = (j + 1) & (ns - 1);
			slots[j] = (uint32_t)k + 1;
		}
		free(t->slots);
		t->slots = slots;
		t->nslots = ns;
	}
	if (NHG_ARRAY_RESERVE(t->v, t->n, t->cap, 16))
		goto oom;
	if (!(t->v[t->n].name = strndup(p, n)))
		goto oom;
	t->v[t->n].n = 0;
	for (i = h & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
		;
	t->slots[i] = (uint32_t)++t->n;
	return &t->v[t->n - 1];
oom:
	*oom = true;
	return NULL;
}

/* Add by to the count of the name in s (escapes decoded). */
void nhg_audit__tally_add(nhg_audit_tally *t, const nhg_jstr *s, uint64_t by, bool *oom)
{
	nhg_audit_item *it;
	if (s->esc) {
		char *d = nhg_js_decode(s, NHG_AUDIT_MAX_NAME);
		if (!d) {
			*oom = true;
			return;
		}
		it = nhg_audit__tally_get(t, d, strlen(d), oom);
		free(d);
	} else {
		it = nhg_audit__tally_get(t, s->p, s->n, oom);
	}
	if (it)
		it->n += by;
	else
		t->other += by;
}

static int by_count(const void *a, const void *b)
{
	const nhg_audit_item *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

void nhg_audit__tally_finish(nhg_audit_tally *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), by_count);
}

void nhg_audit__tally_free(nhg_audit_tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->slots);
}
