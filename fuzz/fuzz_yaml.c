/*
 * The YAML model (nhg_yaml_parse): any bytes, with the default limits and
 * with GitLab's last-key-wins reading.  A parsed tree is walked (merge keys
 * included) and its invariants checked: positions are 1-based, scalars are
 * NUL-terminated at their length, mappings hold key/value pairs.
 */
#include <string.h>

#include "fuzz.h"
#include "nhigate/yaml.h"

/* Aliases make the tree a graph: the walk is bounded, not exhaustive. */
#define WALK_BUDGET 20000

/*
 * An alias inside the collection it names makes a cycle (YAML allows such
 * recursive data), and chains of aliases nest deeper than max_depth: the
 * walk stops at a node already on its path and at WALK_DEPTH.
 */
#define WALK_DEPTH 2048

static const nhg_yaml_node *path[WALK_DEPTH];

static void walk(const nhg_yaml_node *n, size_t depth, size_t *budget)
{
	if (!n || *budget == 0 || depth >= WALK_DEPTH)
		return;
	for (size_t i = 0; i < depth; i++)
		if (path[i] == n)
			return;
	path[depth] = n;
	(*budget)--;
	fuzz_require(n->line >= 1 && n->column >= 1, "node position is 1-based");
	switch (n->kind) {
	case NHG_YAML_SCALAR:
		fuzz_require(n->str != NULL && n->str[n->len] == '\0', "scalar NUL-terminated");
		fuzz_require(nhg_yaml_str(n) == n->str, "nhg_yaml_str of a scalar");
		break;
	case NHG_YAML_SEQ:
		for (size_t i = 0; i < n->n; i++)
			walk(n->items[i], depth + 1, budget);
		break;
	case NHG_YAML_MAP: {
		size_t iter = 0, seen = 0;
		const nhg_yaml_node *k, *v;
		for (size_t i = 0; i < 2 * n->n; i++)
			walk(n->items[i], depth + 1, budget);
		while (*budget && nhg_yaml_map_next(n, &iter, &k, &v)) {
			fuzz_require(k && v, "map_next gives a key and a value");
			(*budget)--;
			if (nhg_yaml_str(k)) {
				const nhg_yaml_node *got = nhg_yaml_map_get(n, nhg_yaml_str(k));
				fuzz_require(got != NULL, "a key map_next gave is found by map_get");
				fuzz_require(nhg_yaml_map_key(n, nhg_yaml_str(k)) != NULL,
					     "a key map_next gave is found by map_key");
			}
			fuzz_require(++seen <= 1000000, "map_next terminates");
		}
		break;
	}
	default:
		fuzz_require(0, "node kind");
	}
}

static void one(const uint8_t *data, size_t size, const nhg_yaml_limits *limits)
{
	nhg_yaml_doc *doc = NULL;
	nhg_error err = NHG_ERROR_INIT;
	int rc = nhg_yaml_parse(&doc, (const char *)data, size, "fuzz.yaml", limits, &err);

	fuzz_check_rc(rc, &err, "nhg_yaml_parse");
	if (rc == 0) {
		size_t budget = WALK_BUDGET;
		fuzz_require(doc != NULL, "a parsed stream has a document");
		fuzz_require(!strcmp(nhg_yaml_doc_filename(doc), "fuzz.yaml"), "doc filename");
		for (size_t i = 0; i < nhg_yaml_doc_count(doc); i++)
			walk(nhg_yaml_doc_root(doc, i), 0, &budget);
	}
	nhg_yaml_free(doc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nhg_yaml_limits gitlab = NHG_YAML_LIMITS_INIT;

	one(data, size, NULL);
	gitlab.last_key_wins = true;
	gitlab.max_depth = 64;
	one(data, size, &gitlab);
	return 0;
}
