/*
 * YAML model with positions, built from libyaml's event stream.  Nodes live
 * in one arena owned by the document; aliases share the anchored node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/text.h"
#include "nhigate/yaml.h"

typedef struct anchor {
	char *name;
	nhg_yaml_node *node;
} anchor;

struct nhg_yaml_doc {
	char *filename;
	nhg_yaml_node **roots;
	size_t nroots;
	/* every allocation of the document, freed together */
	void **allocs;
	size_t nallocs, capallocs;
};

typedef struct parser {
	nhg_yaml_doc *doc;
	yaml_parser_t yp;
	nhg_yaml_limits lim;
	size_t nodes, aliases;
	anchor *anchors;
	size_t nanchors, capanchors;
	nhg_error *err;
} parser;

static void *doc_alloc(nhg_yaml_doc *doc, size_t size)
{
	void *p;
	if (NHG_ARRAY_RESERVE(doc->allocs, doc->nallocs, doc->capallocs, 64))
		return NULL;
	if (!(p = calloc(1, size ? size : 1)))
		return NULL;
	doc->allocs[doc->nallocs++] = p;
	return p;
}

static char *doc_strdup(nhg_yaml_doc *doc, const char *s, size_t len)
{
	char *p = doc_alloc(doc, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static int fail_at(parser *p, const yaml_mark_t *m, int code, const char *msg)
{
	return nhg_error_at(p->err, code, p->doc->filename, (int)m->line + 1,
			    (int)m->column + 1, "%s", msg);
}

static int parse_error(parser *p)
{
	const yaml_mark_t *m = p->yp.problem ? &p->yp.problem_mark : &p->yp.mark;
	char msg[400];
	if (p->yp.error == YAML_MEMORY_ERROR)
		return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
	snprintf(msg, sizeof(msg), "invalid YAML: %s%s%s",
		 p->yp.problem ? p->yp.problem : "parse error",
		 p->yp.context ? " " : "", p->yp.context ? p->yp.context : "");
	return fail_at(p, m, NHG_EINPUT, msg);
}

static int next_event(parser *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->yp, ev))
		return parse_error(p);
	return 0;
}

static nhg_yaml_node *new_node(parser *p, nhg_yaml_kind kind, const yaml_mark_t *m)
{
	nhg_yaml_node *n;
	if (++p->nodes > p->lim.max_nodes) {
		fail_at(p, m, NHG_EINPUT, "too many YAML nodes");
		return NULL;
	}
	if (!(n = doc_alloc(p->doc, sizeof(*n)))) {
		nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->line = (int)m->line + 1;
	n->column = (int)m->column + 1;
	return n;
}

static int set_props(parser *p, nhg_yaml_node *n, const yaml_char_t *anc,
		     const yaml_char_t *tag, int implicit)
{
	if (tag && !implicit && !(n->tag = doc_strdup(p->doc, (const char *)tag,
						       strlen((const char *)tag))))
		return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
	if (anc) {
		anchor *a;
		if (NHG_ARRAY_RESERVE(p->anchors, p->nanchors, p->capanchors, 16))
			return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
		a = &p->anchors[p->nanchors++];
		a->node = n;
		if (!(a->name = doc_strdup(p->doc, (const char *)anc, strlen((const char *)anc))))
			return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
		n->anchor = a->name;
	}
	return 0;
}

/* Append child to a collection under construction (items grow by doubling). */
static int push_item(parser *p, nhg_yaml_node *coll, size_t *cap, nhg_yaml_node *child)
{
	if (NHG_ARRAY_RESERVE(coll->items, coll->n, *cap, 4))
		return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
	coll->items[coll->n++] = child;
	return 0;
}

/* Move a finished collection's item array into the arena. */
static int seal(parser *p, nhg_yaml_node *coll)
{
	nhg_yaml_node **items;
	if (!coll->n) {
		free(coll->items);
		coll->items = NULL;
		return 0;
	}
	if (!(items = doc_alloc(p->doc, coll->n * sizeof(*items)))) {
		free(coll->items);
		coll->items = NULL;
		return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
	}
	memcpy(items, coll->items, coll->n * sizeof(*items));
	free(coll->items);
	coll->items = items;
	return 0;
}

static int parse_node(parser *p, yaml_event_t *ev, size_t depth, nhg_yaml_node **out);

/*
 * A key given twice in one mapping is an error (YAML says keys are unique;
 * a silent last-one-wins would hide half of a rule or a policy), unless the
 * caller reads a format whose tool keeps the last pair (last_key_wins).  Merge
 * keys are exempt.  Quadratic, but mappings are small and bounded by max_nodes.
 */
static int check_duplicate_keys(parser *p, nhg_yaml_node *map)
{
	/* items holds key, value, key, value... while the mapping is built */
	for (size_t i = 2; i < map->n; i += 2) {
		const nhg_yaml_node *k = map->items[i];
		if (k->kind != NHG_YAML_SCALAR || nhg_yaml_is(k, "<<"))
			continue;
		for (size_t j = 0; j < i; j += 2) {
			const nhg_yaml_node *o = map->items[j];
			if (o->kind == NHG_YAML_SCALAR && o->len == k->len &&
			    memcmp(o->str, k->str, k->len) == 0) {
				char msg[300];
				if (p->lim.last_key_wins) {
					/* drop the earlier pair; its nodes stay in the arena */
					memmove(&map->items[j], &map->items[j + 2],
						(map->n - j - 2) * sizeof(*map->items));
					map->n -= 2;
					i -= 2;
					break;
				}
				yaml_mark_t m = { 0, (size_t)k->line - 1, (size_t)k->column - 1 };
				snprintf(msg, sizeof(msg), "duplicate key '%.200s' (first at line %d)",
					 k->str, o->line);
				return fail_at(p, &m, NHG_EINPUT, msg);
			}
		}
	}
	return 0;
}

static int parse_collection(parser *p, nhg_yaml_node *coll, yaml_event_type_t end,
			    size_t depth)
{
	size_t cap = 0;
	int rc = 0;

	if (depth > p->lim.max_depth) {
		yaml_mark_t m = { 0, (size_t)coll->line - 1, (size_t)coll->column - 1 };
		return fail_at(p, &m, NHG_EINPUT, "YAML nested too deeply");
	}
	for (;;) {
		yaml_event_t ev;
		nhg_yaml_node *child = NULL;
		if ((rc = next_event(p, &ev)) != 0)
			break;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		rc = parse_node(p, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (rc || (rc = push_item(p, coll, &cap, child)) != 0)
			break;
	}
	if (!rc && coll->kind == NHG_YAML_MAP)
		rc = check_duplicate_keys(p, coll);
	if (rc) {
		free(coll->items);
		coll->items = NULL;
		coll->n = 0;
		return rc;
	}
	if ((rc = seal(p, coll)) != 0)
		return rc;
	if (coll->kind == NHG_YAML_MAP)
		coll->n /= 2;
	return 0;
}

static int parse_node(parser *p, yaml_event_t *ev, size_t depth, nhg_yaml_node **out)
{
	nhg_yaml_node *n;
	int rc;

	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		if (++p->aliases > p->lim.max_aliases || ++p->nodes > p->lim.max_nodes)
			return fail_at(p, &ev->start_mark, NHG_EINPUT, "too many YAML aliases");
		/* the latest definition of a name wins, as YAML says */
		for (size_t i = p->nanchors; i-- > 0;)
			if (strcmp(p->anchors[i].name, name) == 0) {
				*out = p->anchors[i].node;
				return 0;
			}
		return fail_at(p, &ev->start_mark, NHG_EINPUT, "unknown YAML alias");
	}
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.length > p->lim.max_scalar)
			return fail_at(p, &ev->start_mark, NHG_EINPUT, "YAML scalar too large");
		if (!(n = new_node(p, NHG_YAML_SCALAR, &ev->start_mark)))
			return p->err ? p->err->code : NHG_EINPUT;
		if (!(n->str = doc_strdup(p->doc, (const char *)ev->data.scalar.value,
					  ev->data.scalar.length)))
			return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
		n->len = ev->data.scalar.length;
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
			    ev->data.scalar.style != YAML_ANY_SCALAR_STYLE;
		if ((rc = set_props(p, n, ev->data.scalar.anchor, ev->data.scalar.tag,
				    ev->data.scalar.plain_implicit ||
				    ev->data.scalar.quoted_implicit)) != 0)
			return rc;
		*out = n;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		if (!(n = new_node(p, NHG_YAML_SEQ, &ev->start_mark)))
			return p->err ? p->err->code : NHG_EINPUT;
		if ((rc = set_props(p, n, ev->data.sequence_start.anchor,
				    ev->data.sequence_start.tag,
				    ev->data.sequence_start.implicit)) != 0)
			return rc;
		if ((rc = parse_collection(p, n, YAML_SEQUENCE_END_EVENT, depth)) != 0)
			return rc;
		*out = n;
		return 0;
	case YAML_MAPPING_START_EVENT:
		if (!(n = new_node(p, NHG_YAML_MAP, &ev->start_mark)))
			return p->err ? p->err->code : NHG_EINPUT;
		if ((rc = set_props(p, n, ev->data.mapping_start.anchor,
				    ev->data.mapping_start.tag,
				    ev->data.mapping_start.implicit)) != 0)
			return rc;
		if ((rc = parse_collection(p, n, YAML_MAPPING_END_EVENT, depth)) != 0)
			return rc;
		*out = n;
		return 0;
	default:
		return fail_at(p, &ev->start_mark, NHG_EINPUT, "unexpected YAML event");
	}
}

static int add_root(parser *p, nhg_yaml_node *root)
{
	nhg_yaml_node **r = realloc(p->doc->roots, (p->doc->nroots + 1) * sizeof(*r));
	if (!r)
		return nhg_error_set(p->err, NHG_ENOMEM, "out of memory");
	r[p->doc->nroots++] = root;
	p->doc->roots = r;
	return 0;
}

static int parse_stream(parser *p)
{
	yaml_event_t ev;
	int rc;

	for (;;) {
		if ((rc = next_event(p, &ev)) != 0)
			return rc;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			nhg_yaml_node *root = NULL;
			yaml_event_delete(&ev);
			if ((rc = next_event(p, &ev)) != 0)
				return rc;
			if (ev.type != YAML_DOCUMENT_END_EVENT) {
				rc = parse_node(p, &ev, 0, &root);
				yaml_event_delete(&ev);
				if (rc || (rc = next_event(p, &ev)) != 0)
					return rc;
			}
			yaml_event_delete(&ev); /* DOCUMENT_END */
			/* a document holding nothing is null, not an empty string */
			if (root && root->kind == NHG_YAML_SCALAR && !root->len && !root->quoted &&
			    !root->tag)
				root = NULL;
			/* anchors do not cross documents */
			p->nanchors = 0;
			if ((rc = add_root(p, root)) != 0)
				return rc;
			continue;
		}
		yaml_event_delete(&ev);
	}
}

int nhg_yaml_parse(nhg_yaml_doc **out, const char *data, size_t len,
		   const char *filename, const nhg_yaml_limits *limits,
		   nhg_error *err)
{
	static const nhg_yaml_limits defaults = NHG_YAML_LIMITS_INIT;
	parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.lim = limits ? *limits : defaults;
	p.err = err;
	if (!(p.doc = calloc(1, sizeof(*p.doc))) ||
	    !(p.doc->filename = strdup(filename ? filename : "<yaml>"))) {
		free(p.doc);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	if (!yaml_parser_initialize(&p.yp)) {
		nhg_yaml_free(p.doc);
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)data, len);
	rc = parse_stream(&p);
	yaml_parser_delete(&p.yp);
	free(p.anchors);
	if (rc) {
		nhg_yaml_free(p.doc);
		return rc;
	}
	*out = p.doc;
	return 0;
}

void nhg_yaml_free(nhg_yaml_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nallocs; i++)
		free(doc->allocs[i]);
	free(doc->allocs);
	free(doc->roots);
	free(doc->filename);
	free(doc);
}

size_t nhg_yaml_doc_count(const nhg_yaml_doc *doc)
{
	return doc->nroots;
}

const nhg_yaml_node *nhg_yaml_doc_root(const nhg_yaml_doc *doc, size_t i)
{
	return i < doc->nroots ? doc->roots[i] : NULL;
}

const char *nhg_yaml_doc_filename(const nhg_yaml_doc *doc)
{
	return doc->filename;
}

bool nhg_yaml_is(const nhg_yaml_node *node, const char *s)
{
	return node && node->kind == NHG_YAML_SCALAR && strlen(s) == node->len &&
	       memcmp(node->str, s, node->len) == 0;
}

int nhg_yaml_load_file(nhg_yaml_doc **out, const char *path, size_t max, nhg_buf *text,
		       nhg_error *err)
{
	nhg_buf own = NHG_BUF_INIT(max);
	nhg_buf *b = text ? text : &own;
	int rc;

	b->max = max;
	if ((rc = nhg_buf_read_file(b, path, err)) == 0) {
		if (!nhg_text_is_utf8(b->ptr, b->len))
			rc = nhg_error_at(err, NHG_EINPUT, path, 0, 0, "not valid UTF-8");
		else
			rc = nhg_yaml_parse(out, b->ptr, b->len, path, NULL, err);
	}
	nhg_buf_free(&own);
	return rc;
}
