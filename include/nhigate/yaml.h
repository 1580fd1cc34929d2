/*
 * A YAML model that keeps positions.
 *
 * nhg_yaml_parse reads every document of a stream with libyaml into a tree
 * of nodes owned by the returned nhg_yaml_doc; every node carries the
 * 1-based line and column where it starts.  Aliases point at the anchored
 * node (nothing is copied, so a "billion laughs" file costs what its text
 * costs); merge keys ("<<") are honoured by nhg_yaml_map_get and
 * nhg_yaml_map_next.  Depth, node count, alias count and scalar size are
 * bounded; a stream beyond a bound, or malformed, fails with NHG_EINPUT and
 * file:line:col in err.  Nodes are lent: they live until nhg_yaml_free.
 */
#ifndef NHIGATE_YAML_H
#define NHIGATE_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "nhigate/error.h"

typedef enum { NHG_YAML_SCALAR = 1, NHG_YAML_SEQ, NHG_YAML_MAP } nhg_yaml_kind;

typedef struct nhg_yaml_node nhg_yaml_node;
struct nhg_yaml_node {
	nhg_yaml_kind kind;
	int line, column;
	const char *tag;      /* explicit tag ("!reference", "!!str") or NULL */
	const char *anchor;   /* anchor name or NULL */
	/* scalars: value (NUL-terminated; may contain NULs within len) */
	const char *str;
	size_t len;
	bool quoted;          /* written with quotes or as a block scalar */
	/* sequences: n items; mappings: n pairs as items[2i] (key), items[2i+1] */
	nhg_yaml_node **items;
	size_t n;
};

typedef struct nhg_yaml_limits {
	unsigned version;
	size_t max_depth;      /* nesting of collections */
	size_t max_nodes;      /* nodes created, aliases included */
	size_t max_scalar;     /* bytes in one scalar */
	size_t max_aliases;
	/*
	 * A key repeated in one mapping replaces the earlier pair, as GitLab
	 * (Ruby's YAML) reads it, instead of failing; false by default.
	 */
	bool last_key_wins;
} nhg_yaml_limits;

#define NHG_YAML_LIMITS_VERSION 1
#define NHG_YAML_LIMITS_INIT { NHG_YAML_LIMITS_VERSION, 256, 1000000, 1u << 20, 10000, false }

typedef struct nhg_yaml_doc nhg_yaml_doc;

/* Parse data (len bytes) named filename for messages; limits may be NULL. */
int nhg_yaml_parse(nhg_yaml_doc **out, const char *data, size_t len,
		   const char *filename, const nhg_yaml_limits *limits,
		   nhg_error *err);
void nhg_yaml_free(nhg_yaml_doc *doc);

struct nhg_buf;
/*
 * Read a YAML file of at most max bytes, reject it unless it is UTF-8, and
 * parse it with the default limits.  When text is not NULL it receives the
 * file's bytes (the caller frees it, also on failure).
 */
int nhg_yaml_load_file(nhg_yaml_doc **out, const char *path, size_t max,
		       struct nhg_buf *text, nhg_error *err);

size_t nhg_yaml_doc_count(const nhg_yaml_doc *doc);
/* Root of document i, NULL for an empty document. */
const nhg_yaml_node *nhg_yaml_doc_root(const nhg_yaml_doc *doc, size_t i);
const char *nhg_yaml_doc_filename(const nhg_yaml_doc *doc);

/* The value for key in a mapping (own keys first, then merged ones). */
const nhg_yaml_node *nhg_yaml_map_get(const nhg_yaml_node *map, const char *key);

/*
 * Iterate a mapping's pairs, merged ones included (own keys win); *iter
 * starts at 0.  Returns false when done.
 */
bool nhg_yaml_map_next(const nhg_yaml_node *map, size_t *iter,
		       const nhg_yaml_node **key, const nhg_yaml_node **value);

/* True when node is a scalar equal to s. */
bool nhg_yaml_is(const nhg_yaml_node *node, const char *s);

/* A scalar's string, or NULL for NULL or any other kind of node. */
const char *nhg_yaml_str(const nhg_yaml_node *node);

/* The key node of key in a mapping (for its position), merged keys included. */
const nhg_yaml_node *nhg_yaml_map_key(const nhg_yaml_node *map, const char *key);

#endif
