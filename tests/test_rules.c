/* Rule-pack loading: the good pack, and every kind of bad pack with its position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "nhigate/rules.h"

static nhg_error load_err(const char *path)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	const char *paths[] = { path };
	int rc = nhg_rulepack_load(&pack, paths, 1, &err);
	assert_int_equal(rc, NHG_EINPUT);
	assert_null(pack);
	assert_int_equal(err.code, NHG_EINPUT);
	return err;
}

static void test_good_pack(void **state)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	const char *paths[] = { "fixtures/rules/good" };
	const nhg_rule *r;
	(void)state;

	assert_int_equal(nhg_rulepack_load(&pack, paths, 1, &err), 0);
	assert_int_equal(nhg_rulepack_count(pack), 2);
	r = nhg_rulepack_find(pack, "demo-token");
	assert_non_null(r);
	assert_string_equal(r->title, "Demo service token");
	assert_int_equal(r->severity, NHG_SEV_HIGH);
	assert_int_equal(r->keywords.n, 1);
	assert_string_equal(r->keywords.v[0], "dmo_");
	assert_int_equal(r->controls.n, 2);
	assert_int_equal(r->match.n, 2);
	assert_int_equal(r->nomatch.n, 2);
	assert_false(r->generic);
	assert_true(nhg_rulepack_find(pack, "demo-generic")->generic);
	assert_int_equal(r->line, 4);
	assert_int_equal(r->column, 5);
	assert_int_equal(nhg_rulepack_allow(pack)->n, 2);
	assert_int_equal(nhg_rulepack_stopwords(pack)->n, 1);
	assert_int_equal(strlen(nhg_rulepack_sha256(pack)), 64);
	assert_null(nhg_rulepack_find(pack, "nope"));
	nhg_rulepack_free(pack);
	nhg_rulepack_free(NULL);
}

static void test_malformed_yaml(void **state)
{
	nhg_error err = load_err("fixtures/rules/malformed.yaml");
	(void)state;
	assert_string_equal(err.file, "fixtures/rules/malformed.yaml");
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.message, "invalid YAML"));
}

static void test_duplicate_ids(void **state)
{
	nhg_error err = load_err("fixtures/rules/dup");
	(void)state;
	assert_string_equal(err.file, "fixtures/rules/dup/b.yaml");
	assert_int_equal(err.line, 7);
	assert_int_equal(err.column, 9);
	assert_non_null(strstr(err.message, "duplicate rule id 'same'"));
	assert_non_null(strstr(err.message, "fixtures/rules/dup/a.yaml:2:5"));
}

static void test_bad_regex(void **state)
{
	nhg_error err = load_err("fixtures/rules/bad-regex.yaml");
	(void)state;
	assert_int_equal(err.line, 6);
	assert_int_equal(err.column, 14);
	assert_non_null(strstr(err.message, "invalid regex"));
}

static void test_schema_errors(void **state)
{
	nhg_error err;
	(void)state;
	err = load_err("fixtures/rules/no-group.yaml");
	assert_non_null(strstr(err.message, "(?<secret>...)"));
	err = load_err("fixtures/rules/unknown-key.yaml");
	assert_int_equal(err.line, 7);
	assert_int_equal(err.column, 5);
	assert_non_null(strstr(err.message, "unknown key 'colour'"));
	err = load_err("fixtures/rules/bad-severity.yaml");
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.message, "unknown severity 'urgent'"));
	err = load_err("fixtures/rules/short-keyword.yaml");
	assert_non_null(strstr(err.message, "shorter than 3"));
	err = load_err("fixtures/rules/missing-keywords.yaml");
	assert_non_null(strstr(err.message, "missing 'keywords'"));
	err = load_err("fixtures/rules/not-utf8.yaml");
	assert_non_null(strstr(err.message, "UTF-8"));
}

static void test_missing_path(void **state)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	const char *paths[] = { "fixtures/rules/does-not-exist.yaml" };
	(void)state;
	assert_int_equal(nhg_rulepack_load(&pack, paths, 1, &err), NHG_EINPUT);
	assert_null(pack);
}

static void test_validator(void **state)
{
	/* body and checksum computed independently from GitHub's published scheme */
	const char *ok = "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";
	char bad[41];
	(void)state;
	assert_true(nhg_validator_known("github-crc32"));
	assert_false(nhg_validator_known("luhn"));
	assert_int_equal(strlen(ok), 40);
	assert_true(nhg_validator_run("github-crc32", ok, strlen(ok)));
	memcpy(bad, ok, sizeof(bad));
	bad[10] = bad[10] == 'x' ? 'y' : 'x';
	assert_false(nhg_validator_run("github-crc32", bad, strlen(bad)));
	assert_false(nhg_validator_run("github-crc32", ok, 39));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_pack),
		cmocka_unit_test(test_malformed_yaml),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_schema_errors),
		cmocka_unit_test(test_missing_path),
		cmocka_unit_test(test_validator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
