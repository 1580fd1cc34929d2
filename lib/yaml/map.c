/* Mapping look-ups that honour YAML merge keys ("<<"). */
#include <string.h>

#include "nhigate/yaml.h"

static bool is_merge(const nhg_yaml_node *key)
{
	return nhg_yaml_is(key, "<<") && !key->quoted;
}

/*
 * Look-ups through merge keys visit each merged map once, in YAML's order
 * (own keys, then the merge sources in order, depth first): the same result
 * as following every path, without the exponential cost of merge lists that
 * repeat an alias (a "merge bomb") and without looping on a cycle.  A
 * look-up gives up after MERGE_MAPS distinct maps or MERGE_DEPTH levels.
 */
#define MERGE_DEPTH 16
#define MERGE_MAPS 256

typedef struct visit {
	const nhg_yaml_node *seen[MERGE_MAPS];
	size_t n;
} visit;

static bool first_visit(visit *v, const nhg_yaml_node *map)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->seen[i] == map)
			return false;
	if (v->n == MERGE_MAPS)
		return false;
	v->seen[v->n++] = map;
	return true;
}

static const nhg_yaml_node *get(const nhg_yaml_node *map, const char *key, int depth, visit *v)
{
	const nhg_yaml_node *merged = NULL;

	if (!map || map->kind != NHG_YAML_MAP || depth > MERGE_DEPTH || !first_visit(v, map))
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const nhg_yaml_node *k = map->items[2 * i];
		if (is_merge(k))
			merged = map->items[2 * i + 1];
		else if (nhg_yaml_is(k, key))
			return map->items[2 * i + 1];
	}
	if (!merged)
		return NULL;
	if (merged->kind == NHG_YAML_MAP)
		return get(merged, key, depth + 1, v);
	if (merged->kind == NHG_YAML_SEQ) {
		/* earlier maps in a merge list win */
		for (size_t i = 0; i < merged->n; i++) {
			const nhg_yaml_node *r = get(merged->items[i], key, depth + 1, v);
			if (r)
				return r;
		}
	}
	return NULL;
}

const nhg_yaml_node *nhg_yaml_map_get(const nhg_yaml_node *map, const char *key)
{
	visit v;
	v.n = 0;
	return get(map, key, 0, &v);
}

static const nhg_yaml_node *merge_source(const nhg_yaml_node *map, size_t *slot)
{
	/* the i-th map merged into map (flattening one merge list level) */
	const nhg_yaml_node *merged = NULL;
	for (size_t i = 0; i < map->n; i++)
		if (is_merge(map->items[2 * i]))
			merged = map->items[2 * i + 1];
	if (!merged)
		return NULL;
	if (merged->kind == NHG_YAML_MAP)
		return *slot == 0 ? merged : NULL;
	if (merged->kind == NHG_YAML_SEQ && *slot < merged->n)
		return merged->items[*slot];
	return NULL;
}

/*
 * *iter encodes (position in own pairs) then (merge slot, position in the
 * merged map) as own-count + slot * 2^20 + pos; merged keys already present
 * earlier are skipped, so each key is seen once.
 */
bool nhg_yaml_map_next(const nhg_yaml_node *map, size_t *iter,
		       const nhg_yaml_node **key, const nhg_yaml_node **value)
{
	if (!map || map->kind != NHG_YAML_MAP)
		return false;
	while (*iter < map->n) {
		size_t i = (*iter)++;
		if (is_merge(map->items[2 * i]))
			continue;
		*key = map->items[2 * i];
		*value = map->items[2 * i + 1];
		return true;
	}
	for (;;) {
		size_t rel = *iter - map->n;
		size_t slot = rel >> 20, pos = rel & 0xfffff;
		const nhg_yaml_node *src = merge_source(map, &slot);
		const nhg_yaml_node *k;
		if (!src || src->kind != NHG_YAML_MAP)
			return false;
		if (pos >= src->n) {
			*iter = map->n + ((slot + 1) << 20);
			continue;
		}
		(*iter)++;
		k = src->items[2 * pos];
		if (k->kind != NHG_YAML_SCALAR || is_merge(k))
			continue;
		/* shadowed by an own key or an earlier merge source? */
		if (nhg_yaml_map_get(map, k->str) != src->items[2 * pos + 1])
			continue;
		*key = k;
		*value = src->items[2 * pos + 1];
		return true;
	}
}

const char *nhg_yaml_str(const nhg_yaml_node *node)
{
	return node && node->kind == NHG_YAML_SCALAR ? node->str : NULL;
}

const nhg_yaml_node *nhg_yaml_map_key(const nhg_yaml_node *map, const char *key)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	while (nhg_yaml_map_next(map, &it, &k, &v))
		if (nhg_yaml_is(k, key))
			return k;
	return NULL;
}
