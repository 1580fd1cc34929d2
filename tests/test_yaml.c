/* The YAML model: positions, aliases without copies, merge keys, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nhigate/buf.h"
#include "nhigate/yaml.h"

static nhg_yaml_doc *parse(const char *text)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_yaml_doc *doc = NULL;
	assert_int_equal(nhg_yaml_parse(&doc, text, strlen(text), "t.yaml", NULL, &err), 0);
	return doc;
}

static nhg_error parse_fail(const char *text, size_t len, const nhg_yaml_limits *lim)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_yaml_doc *doc = NULL;
	assert_int_equal(nhg_yaml_parse(&doc, text, len, "t.yaml", lim, &err), NHG_EINPUT);
	assert_null(doc);
	return err;
}

static void test_positions(void **state)
{
	nhg_yaml_doc *doc = parse("a: 1\nlist:\n  - x\n  - \"y z\"\n");
	const nhg_yaml_node *root = nhg_yaml_doc_root(doc, 0), *list;
	(void)state;
	assert_int_equal(root->kind, NHG_YAML_MAP);
	assert_int_equal(root->n, 2);
	list = nhg_yaml_map_get(root, "list");
	assert_int_equal(list->kind, NHG_YAML_SEQ);
	assert_int_equal(list->n, 2);
	assert_int_equal(list->items[1]->line, 4);
	assert_int_equal(list->items[1]->column, 5);
	assert_true(list->items[1]->quoted);
	assert_string_equal(list->items[1]->str, "y z");
	assert_true(nhg_yaml_is(nhg_yaml_map_get(root, "a"), "1"));
	assert_null(nhg_yaml_map_get(root, "missing"));
	nhg_yaml_free(doc);
}

static void test_anchors_and_merge(void **state)
{
	nhg_yaml_doc *doc = parse("base: &b\n  image: alpine\n  tags: [x]\n"
				  "job:\n  <<: *b\n  image: debian\n  script: run\n");
	const nhg_yaml_node *root = nhg_yaml_doc_root(doc, 0);
	const nhg_yaml_node *job = nhg_yaml_map_get(root, "job"), *k, *v;
	size_t it = 0, n = 0;
	(void)state;
	assert_true(nhg_yaml_is(nhg_yaml_map_get(job, "image"), "debian"));
	assert_true(nhg_yaml_map_get(job, "tags") == nhg_yaml_map_get(nhg_yaml_map_get(root, "base"), "tags"));
	while (nhg_yaml_map_next(job, &it, &k, &v))
		n++;
	assert_int_equal(n, 3); /* image, script, tags: each once */
	nhg_yaml_free(doc);
}

static void test_billion_laughs_is_cheap(void **state)
{
	nhg_yaml_doc *doc = parse(
		"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n");
	const nhg_yaml_node *i = nhg_yaml_map_get(nhg_yaml_doc_root(doc, 0), "i");
	(void)state;
	assert_int_equal(i->n, 9);
	assert_true(i->items[0] == i->items[8]); /* shared, not copied */
	nhg_yaml_free(doc);
}

static void test_bounds_and_errors(void **state)
{
	nhg_yaml_limits lim = NHG_YAML_LIMITS_INIT;
	size_t depth = 200000;
	char *deep = malloc(depth + 1);
	nhg_error err;
	(void)state;
	memset(deep, '[', depth);
	deep[depth] = '\0';
	err = parse_fail(deep, depth, NULL);
	assert_non_null(strstr(err.message, "nested too deeply"));
	free(deep);
	lim.max_scalar = 4;
	err = parse_fail("key: toolong\n", 13, &lim);
	assert_non_null(strstr(err.message, "scalar too large"));
	err = parse_fail("a: [1, 2\nb: 3\n", 14, NULL);
	assert_string_equal(err.file, "t.yaml");
	assert_true(err.line >= 1);
	assert_non_null(strstr(err.message, "invalid YAML"));
	err = parse_fail("a: 1\nb: 2\na: 3\n", 15, NULL);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "duplicate key 'a' (first at line 1)"));
	err = parse_fail("a: *nope\n", 9, NULL);
	assert_non_null(strstr(err.message, "alias"));
}

static void test_multi_document(void **state)
{
	nhg_yaml_doc *doc = parse("a: 1\n---\nb: 2\n---\n");
	(void)state;
	assert_int_equal(nhg_yaml_doc_count(doc), 3);
	assert_true(nhg_yaml_is(nhg_yaml_map_get(nhg_yaml_doc_root(doc, 1), "b"), "2"));
	assert_null(nhg_yaml_doc_root(doc, 2));
	nhg_yaml_free(doc);
}

static void test_last_key_wins(void **state)
{
	nhg_yaml_limits lim = NHG_YAML_LIMITS_INIT;
	nhg_error err = NHG_ERROR_INIT;
	nhg_yaml_doc *doc = NULL;
	const nhg_yaml_node *r;
	static const char text[] = "a: 1\nb: 2\na: 3\nc: {x: 1, x: 2}\na: 4\n";
	(void)state;
	lim.last_key_wins = true;
	assert_int_equal(nhg_yaml_parse(&doc, text, sizeof(text) - 1, "t.yaml", &lim, &err), 0);
	r = nhg_yaml_doc_root(doc, 0);
	assert_int_equal(r->n, 3);
	assert_true(nhg_yaml_is(r->items[0], "b"));
	assert_true(nhg_yaml_is(nhg_yaml_map_get(r, "a"), "4"));
	assert_int_equal(nhg_yaml_map_get(r, "a")->line, 5);
	assert_true(nhg_yaml_is(nhg_yaml_map_get(nhg_yaml_map_get(r, "c"), "x"), "2"));
	nhg_yaml_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_anchors_and_merge),
		cmocka_unit_test(test_billion_laughs_is_cheap),
		cmocka_unit_test(test_bounds_and_errors),
		cmocka_unit_test(test_multi_document),
		cmocka_unit_test(test_last_key_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
