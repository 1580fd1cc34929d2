#include <stdlib.h>
#include <string.h>

#include "scan/prefilter.h"

#define BITMAP_BITS 15
#define FOLD_BITS 16

struct nhg_prefilter {
	/* byte pairs 0-1 and 1-2 of every keyword, folded with | 0x20 */
	uint64_t pairs[65536 / 64];
	/* first three bytes of every keyword, folded with | 0x20, hashed */
	uint64_t folded[(1u << FOLD_BITS) / 64];
	/* first three bytes of 3-byte keywords; first four of longer ones */
	uint64_t bitmap3[(1u << BITMAP_BITS) / 64];
	uint64_t bitmap4[(1u << BITMAP_BITS) / 64];
	nhg_keyword *kw;           /* sorted by tri */
	size_t nkw;
	uint32_t *table;           /* open addressing: tri -> first kw index + 1 */
	size_t mask;
	uint32_t *rule_ids;        /* backing store of every kw->rules */
};

static const unsigned char lower[256] = {
#define L(c) (unsigned char)((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define R4(b) L(b), L(b + 1), L(b + 2), L(b + 3)
#define R16(b) R4(b), R4(b + 4), R4(b + 8), R4(b + 12)
	R16(0), R16(16), R16(32), R16(48), R16(64), R16(80), R16(96), R16(112),
	R16(128), R16(144), R16(160), R16(176), R16(192), R16(208), R16(224), R16(240)
#undef R16
#undef R4
#undef L
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define le32(x) __builtin_bswap32(x)
#define le16(x) __builtin_bswap16(x)
#else
#define le32(x) (x)
#define le16(x) (x)
#endif

static inline uint32_t bit_of(uint32_t gram)
{
	return (gram * 0x9E3779B1u) >> (32 - BITMAP_BITS);
}

/*
 * Three bytes folded with | 0x20 and hashed: exact case folding for
 * letters; other bytes may collide (e.g. '[' and '{'), which only lets more
 * positions through to the exact test.
 */
static inline uint32_t fold_of(const unsigned char *q)
{
	uint32_t w = ((uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16) | 0x202020u;
	return (w * 0x9E3779B1u) >> (32 - FOLD_BITS);
}

/* fold_of for a position with at least four readable bytes: one load. */
static inline uint32_t fold_of4(const unsigned char *q)
{
	uint32_t w;
	memcpy(&w, q, 4);
	w = le32(w);
	w = (w | 0x202020u) & 0xffffffu;
	return (w * 0x9E3779B1u) >> (32 - FOLD_BITS);
}

static inline uint32_t pair_of(const unsigned char *q)
{
	return ((uint32_t)q[0] | (uint32_t)q[1] << 8) | 0x2020u;
}

static inline uint32_t pair_of2(const unsigned char *q)
{
	uint16_t w;
	memcpy(&w, q, 2);
	return ((uint32_t)le16(w)) | 0x2020u;
}

static inline void set_bit(uint64_t *bm, uint32_t b)
{
	bm[b >> 6] |= 1ull << (b & 63);
}

static inline bool test_bit(const uint64_t *bm, uint32_t b)
{
	return (bm[b >> 6] >> (b & 63)) & 1;
}

static inline uint32_t slot_of(uint32_t tri, size_t mask)
{
	return (uint32_t)((tri * 0x85EBCA6Bu) & mask);
}

static uint32_t tri_of(const char *s)
{
	return (uint32_t)lower[(unsigned char)s[0]] |
	       (uint32_t)lower[(unsigned char)s[1]] << 8 |
	       (uint32_t)lower[(unsigned char)s[2]] << 16;
}

static int cmp_kw(const void *a, const void *b)
{
	const nhg_keyword *x = a, *y = b;
	if (x->tri != y->tri)
		return x->tri < y->tri ? -1 : 1;
	return strcmp(x->s, y->s);
}

int nhg_prefilter_new(nhg_prefilter **out, const nhg_rulepack *pack)
{
	nhg_prefilter *pf = calloc(1, sizeof(*pf));
	size_t total = 0, n = nhg_rulepack_count(pack), k = 0, w = 0;
	nhg_keyword *all;

	if (!pf)
		return NHG_ENOMEM;
	for (size_t i = 0; i < n; i++)
		total += nhg_rulepack_rule(pack, i)->keywords.n;
	all = calloc(total ? total : 1, sizeof(*all));
	pf->rule_ids = calloc(total ? total : 1, sizeof(*pf->rule_ids));
	if (!all || !pf->rule_ids) {
		free(all);
		nhg_prefilter_free(pf);
		return NHG_ENOMEM;
	}
	/* one entry per (keyword, rule); merged below into one per keyword */
	for (size_t i = 0; i < n; i++) {
		const nhg_rule *r = nhg_rulepack_rule(pack, i);
		for (size_t j = 0; j < r->keywords.n; j++, k++) {
			all[k].s = r->keywords.v[j];
			all[k].len = strlen(all[k].s);
			all[k].tri = tri_of(all[k].s);
			pf->rule_ids[k] = (uint32_t)i;
			all[k].rules = &pf->rule_ids[k];
			all[k].nrules = 1;
		}
	}
	qsort(all, total, sizeof(*all), cmp_kw);
	/* merge duplicates: rewrite rule_ids so each keyword's rules are contiguous */
	{
		uint32_t *ids = calloc(total ? total : 1, sizeof(*ids));
		size_t m = 0;
		if (!ids) {
			free(all);
			nhg_prefilter_free(pf);
			return NHG_ENOMEM;
		}
		for (size_t i = 0; i < total; i++) {
			uint32_t rid = all[i].rules[0];
			if (w && !strcmp(all[w - 1].s, all[i].s)) {
				bool seen = false;
				for (size_t q = 0; q < all[w - 1].nrules; q++)
					seen |= all[w - 1].rules[q] == rid;
				if (!seen) {
					ids[m++] = rid;
					all[w - 1].nrules++;
				}
				continue;
			}
			all[w] = all[i];
			all[w].rules = &ids[m];
			ids[m++] = rid;
			all[w].nrules = 1;
			w++;
		}
		free(pf->rule_ids);
		pf->rule_ids = ids;
	}
	pf->kw = all;
	pf->nkw = w;
	for (pf->mask = 15; pf->mask < 4 * w; pf->mask = pf->mask * 2 + 1)
		;
	if (!(pf->table = calloc(pf->mask + 1, sizeof(*pf->table)))) {
		nhg_prefilter_free(pf);
		return NHG_ENOMEM;
	}
	for (size_t i = 0; i < w; i++) {
		uint32_t s;
		set_bit(pf->folded, fold_of((const unsigned char *)all[i].s));
		set_bit(pf->pairs, pair_of((const unsigned char *)all[i].s));
		set_bit(pf->pairs, pair_of((const unsigned char *)all[i].s + 1));
		if (all[i].len == 3)
			set_bit(pf->bitmap3, bit_of(all[i].tri));
		else
			set_bit(pf->bitmap4, bit_of(all[i].tri |
				(uint32_t)lower[(unsigned char)all[i].s[3]] << 24));
		if (i && all[i - 1].tri == all[i].tri)
			continue; /* the table points at the first of a run */
		for (s = slot_of(all[i].tri, pf->mask); pf->table[s]; s = (s + 1) & pf->mask)
			;
		pf->table[s] = (uint32_t)i + 1;
	}
	*out = pf;
	return 0;
}

void nhg_prefilter_free(nhg_prefilter *pf)
{
	if (!pf)
		return;
	free(pf->kw);
	free(pf->table);
	free(pf->rule_ids);
	free(pf);
}

static int verify(const nhg_prefilter *pf, uint32_t tri, const char *data, size_t len,
		  size_t pos, int (*hit)(const nhg_keyword *, size_t, void *), void *payload)
{
	uint32_t s = slot_of(tri, pf->mask), e;
	while ((e = pf->table[s]) != 0) {
		if (pf->kw[e - 1].tri == tri)
			break;
		s = (s + 1) & pf->mask;
	}
	if (!e)
		return 0;
	for (size_t i = e - 1; i < pf->nkw && pf->kw[i].tri == tri; i++) {
		const nhg_keyword *kw = &pf->kw[i];
		int rc;
		size_t k = 3;
		if (kw->len > len - pos)
			continue;
		while (k < kw->len && (unsigned char)kw->s[k] == lower[(unsigned char)data[pos + k]])
			k++;
		if (k < kw->len)
			continue;
		if ((rc = hit(kw, pos, payload)) != 0)
			return rc;
	}
	return 0;
}

int nhg_prefilter_run(const nhg_prefilter *pf, const char *data, size_t len,
		      int (*hit)(const nhg_keyword *kw, size_t pos, void *payload),
		      void *payload)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;
	int rc;

	if (len < 3 || !pf->nkw)
		return 0;
/*
 * Each window is computed from its own loads, not rolled from the previous
 * one, so consecutive positions do not wait on each other.  A position
 * passes a cheap first stage when its first three bytes, folded, may start
 * some keyword,
 * then a second when its first three bytes start a 3-byte keyword or its
 * first four a longer one; only then is the keyword table consulted.
 */
#define TRI(q) ((uint32_t)lower[(q)[0]] | (uint32_t)lower[(q)[1]] << 8 | \
		(uint32_t)lower[(q)[2]] << 16)
#define TEST(k, fold) do {                                                    \
		if (test_bit(pf->folded, fold(p + i + (k)))) {                  \
			uint32_t t = TRI(p + i + (k));                          \
			uint32_t q = i + (k) + 3 < len ? lower[p[i + (k) + 3]] : 0; \
			if (test_bit(pf->bitmap3, bit_of(t)) ||                 \
			    test_bit(pf->bitmap4, bit_of(t | q << 24))) {       \
				rc = verify(pf, t, data, len, i + (k), hit, payload); \
				if (rc)                                         \
					return rc;                              \
			}                                                       \
		}                                                               \
	} while (0)
	/*
	 * The pair at i+1 is the second and third byte of a keyword starting at
	 * i, or the first and second of one starting at i+1: one look rules out
	 * two positions.
	 */
	for (; i + 4 <= len; i += 2) {
		if (!test_bit(pf->pairs, pair_of2(p + i + 1)))
			continue;
		TEST(0, fold_of4);
		TEST(1, fold_of);
	}
	for (; i + 2 < len; i++)
		TEST(0, fold_of);
#undef TEST
#undef TRI
	return 0;
}
