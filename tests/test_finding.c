/* Findings: redaction, fingerprints, baselines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nhigate/finding.h"

static void test_redact(void **state)
{
	char *r;
	(void)state;
	r = nhg_redact("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", 40);
	assert_string_equal(r, "ghp_\xe2\x80\xa6(40)");
	free(r);
	/* short secrets show at most a quarter */
	r = nhg_redact("hunter2!", 8);
	assert_string_equal(r, "hu\xe2\x80\xa6(8)");
	free(r);
	r = nhg_redact("abc", 3);
	assert_string_equal(r, "\xe2\x80\xa6(3)");
	free(r);
}

static void test_fingerprint(void **state)
{
	char a[65], b[65], c[65], d[65];
	(void)state;
	nhg_fingerprint(a, "rule", "src/a.py", "00ff");
	nhg_fingerprint(b, "rule", "src/a.py", "00ff");
	nhg_fingerprint(c, "rule", "src/b.py", "00ff");
	nhg_fingerprint(d, "other", "src/a.py", "00ff");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), 64);
}

static const nhg_rule rule = { .id = "demo", .title = "Demo", .severity = NHG_SEV_HIGH };

static void add(nhg_result *r, const char *path, uint32_t line, const char *secret,
		int checked)
{
	nhg_unit u = { .path = path, .commit = "abc", .author = "A <a@x>", .time = 86400,
		       .time_offset = -90, .data = secret, .len = strlen(secret) };
	nhg_match m = { .rule = &rule, .line = line, .column = 1,
			.end_column = (uint32_t)strlen(secret), .secret = secret,
			.secret_len = strlen(secret), .checked = checked };
	assert_int_equal(nhg_result_add_match(r, &u, &m), 0);
}

static void test_result_and_baseline(void **state)
{
	nhg_result r;
	nhg_baseline *b = NULL;
	nhg_error err = NHG_ERROR_INIT;
	char path[] = "/tmp/nhg-baseline-XXXXXX";
	FILE *f;
	char text[4096];
	size_t n;
	(void)state;

	close(mkstemp(path));
	nhg_result_init(&r, false);
	add(&r, "b.txt", 3, "s3cr3t-one-value", 0);
	add(&r, "a.txt", 9, "s3cr3t-two-value", -1);
	nhg_result_sort(&r);
	assert_string_equal(r.findings[0].path, "a.txt");
	assert_int_equal(r.findings[0].severity, NHG_SEV_LOW); /* failed check lowers */
	assert_int_equal(r.findings[1].severity, NHG_SEV_HIGH);
	assert_null(r.findings[0].secret);
	assert_string_equal(r.findings[0].date, "1970-01-01T22:30:00-01:30");
	assert_int_equal(nhg_result_active(&r), 2);
	assert_int_equal(nhg_baseline_write(&r, path, &err), 0);

	/* the baseline holds fingerprints only, never the secret */
	f = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_null(strstr(text, "s3cr3t"));
	assert_non_null(strstr(text, r.findings[0].fingerprint));

	/* the same secret on another line of the same file stays baselined */
	nhg_result_free(&r);
	add(&r, "a.txt", 120, "s3cr3t-two-value", 0);
	add(&r, "a.txt", 121, "a-new-secret-value", 0);
	assert_int_equal(nhg_baseline_load(&b, path, &err), 0);
	nhg_baseline_apply(b, &r);
	assert_true(r.findings[0].baselined);
	assert_false(r.findings[1].baselined);
	assert_int_equal(nhg_result_active(&r), 1);
	nhg_baseline_free(b);
	nhg_result_free(&r);
	unlink(path);
}

static void test_bad_baseline(void **state)
{
	nhg_baseline *b = NULL;
	nhg_error err = NHG_ERROR_INIT;
	char path[] = "/tmp/nhg-baseline-XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_int_equal(write(fd, "{\"baseline\": [{\"fingerprint\": \"x\"}]}", 36), 36);
	close(fd);
	assert_int_equal(nhg_baseline_load(&b, path, &err), NHG_EINPUT);
	assert_null(b);
	assert_non_null(strstr(err.message, "fingerprint"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_result_and_baseline),
		cmocka_unit_test(test_bad_baseline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
