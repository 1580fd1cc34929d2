/* The matching engine over bytes: positions, gates, overlaps, bounds. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nhigate/scan.h"

#define TOKEN "dmo_Ab3dEf6hIj9kLm2nOp5q"

typedef struct hits {
	nhg_match m[16];
	char secret[16][128];
	size_t n, limits;
} hits;

static int on_match(const nhg_unit *u, const nhg_match *m, void *payload)
{
	hits *h = payload;
	(void)u;
	if (h->n < 16) {
		h->m[h->n] = *m;
		snprintf(h->secret[h->n], sizeof(h->secret[0]), "%.*s", (int)m->secret_len, m->secret);
		h->n++;
	}
	return 0;
}

static int on_limit(const nhg_unit *u, const nhg_rule *r, uint32_t line, void *payload)
{
	(void)u, (void)r, (void)line;
	((hits *)payload)->limits++;
	return 0;
}

static nhg_rulepack *load(const char *path)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	const char *paths[] = { path };
	assert_int_equal(nhg_rulepack_load(&pack, paths, 1, &err), 0);
	return pack;
}

/* A pack from inline YAML, written to a temporary file. */
static nhg_rulepack *load_text(const char *yaml)
{
	char path[] = "/tmp/nhg-test-rules-XXXXXX";
	int fd = mkstemp(path);
	nhg_rulepack *pack;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	pack = load(path);
	unlink(path);
	return pack;
}

static hits scan_with(const nhg_rulepack *pack, const nhg_scan_opts *opts, const char *path,
		      const char *text, size_t len, const uint32_t *lines, size_t nlines)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_scanner *s = NULL;
	hits h;
	nhg_scan_cb cb = { on_match, on_limit, &h };
	nhg_unit u;

	memset(&h, 0, sizeof(h));
	memset(&u, 0, sizeof(u));
	u.path = path;
	u.data = text;
	u.len = len;
	u.lines = lines;
	u.nlines = nlines;
	assert_int_equal(nhg_scanner_new(&s, pack, opts, &err), 0);
	assert_int_equal(nhg_scanner_scan(s, &u, &cb, &err), 0);
	nhg_scanner_free(s);
	return h;
}

static hits scan(const nhg_rulepack *pack, const char *text)
{
	return scan_with(pack, NULL, "src/app.py", text, strlen(text), NULL, 0);
}

static void test_positions(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	hits h = scan(pack, "first line\n\n  key = " TOKEN " tail\nlast");
	(void)state;
	assert_int_equal(h.n, 1);
	assert_string_equal(h.m[0].rule->id, "demo-token");
	assert_int_equal(h.m[0].line, 3);
	assert_int_equal(h.m[0].column, 9);
	assert_int_equal(h.m[0].end_column, 9 + strlen(TOKEN) - 1);
	assert_string_equal(h.secret[0], TOKEN);
	assert_false(h.m[0].allowed_inline);
	nhg_rulepack_free(pack);
}

static void test_line_counting(void **state)
{
	/* 5,000 empty lines: newline counting must stay exact when lines are dense */
	nhg_rulepack *pack = load("fixtures/rules/good");
	size_t blank = 5000, len = blank + strlen("key = " TOKEN "\n");
	char *text = malloc(len + 1);
	hits h;
	(void)state;
	memset(text, '\n', blank);
	strcpy(text + blank, "key = " TOKEN "\n");
	h = scan_with(pack, NULL, "blank.txt", text, len, NULL, 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.m[0].line, blank + 1);
	free(text);
	nhg_rulepack_free(pack);
}

static void test_diff_line_numbers(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	const char *text = "added one\nadded " TOKEN "\n";
	const uint32_t lines[] = { 17, 42 };
	hits h = scan_with(pack, NULL, "a.txt", text, strlen(text), lines, 2);
	(void)state;
	assert_int_equal(h.n, 1);
	assert_int_equal(h.m[0].line, 42);
	assert_int_equal(h.m[0].column, 7);
	nhg_rulepack_free(pack);
}

static void test_crlf(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	hits h = scan(pack, "a\r\nsecret = Qw3rTy7uIo9pAs\r\nb\r\n");
	(void)state;
	assert_int_equal(h.n, 1);
	assert_string_equal(h.secret[0], "Qw3rTy7uIo9pAs");
	assert_int_equal(h.m[0].line, 2);
	assert_int_equal(h.m[0].end_column, 23);
	nhg_rulepack_free(pack);
}

static void test_gates(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	(void)state;
	/* rule stopword, rule allow regex, entropy, pack-wide allow and stopword */
	assert_int_equal(scan(pack, "x dmo_fakeAb3dEf6hIj9kLm2n").n, 0);
	assert_int_equal(scan(pack, "x dmo_00000000000000000000").n, 0);
	assert_int_equal(scan(pack, "secret = abababababab").n, 0);
	assert_int_equal(scan(pack, "secret: ${{ secrets.DEPLOY }}").n, 0);
	assert_int_equal(scan(pack, "secret = $DEPLOY_SECRET_VALUE").n, 0);
	assert_int_equal(scan(pack, "secret = myplaceholder123").n, 0);
	assert_int_equal(scan(pack, "secret = Zx8cVb6nM4lKj").n, 1);
	nhg_rulepack_free(pack);
}

static void test_path_exclusion(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	const char *t = "x " TOKEN;
	(void)state;
	assert_int_equal(scan_with(pack, NULL, "deps/Cargo.lock", t, strlen(t), NULL, 0).n, 0);
	assert_int_equal(scan_with(pack, NULL, "deps/Cargo.toml", t, strlen(t), NULL, 0).n, 1);
	nhg_rulepack_free(pack);
}

static void test_precise_wins_over_generic(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	hits h = scan(pack, "secret = " TOKEN);
	(void)state;
	assert_int_equal(h.n, 1);
	assert_string_equal(h.m[0].rule->id, "demo-token");
	nhg_rulepack_free(pack);
}

static void test_inline_markers(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	nhg_scan_opts off = NHG_SCAN_OPTS_INIT;
	const char *t = "key = " TOKEN " # nhigate:allow\nk2 = " TOKEN " // gitleaks:allow\n"
			"k3 = " TOKEN " # pragma: allowlist secret\nk4 = " TOKEN;
	hits h = scan(pack, t);
	(void)state;
	assert_int_equal(h.n, 4);
	assert_true(h.m[0].allowed_inline);
	assert_true(h.m[1].allowed_inline);
	assert_true(h.m[2].allowed_inline);
	assert_false(h.m[3].allowed_inline);
	off.inline_allow = false;
	h = scan_with(pack, &off, "a", t, strlen(t), NULL, 0);
	assert_int_equal(h.n, 4);
	assert_false(h.m[0].allowed_inline);
	nhg_rulepack_free(pack);
}

static const char keyword_rule[] =
	"rules:\n"
	"  - id: digits\n"
	"    title: Digits after zzz\n"
	"    severity: low\n"
	"    keywords: [zzz]\n"
	"    pattern: '(?<secret>[0-9]{6})'\n";

static void test_prefilter_scopes_to_line(void **state)
{
	nhg_rulepack *pack = load_text(keyword_rule);
	(void)state;
	/* the regex alone would match; without the keyword on the line it never runs */
	assert_int_equal(scan(pack, "123456\n").n, 0);
	assert_int_equal(scan(pack, "zzz\n123456\n").n, 0);
	assert_int_equal(scan(pack, "ZZZ 123456\n").n, 1);
	assert_int_equal(scan(pack, "123456 zZz 654321\n").n, 2);
	nhg_rulepack_free(pack);
}

static void test_match_limit_is_reported(void **state)
{
	nhg_rulepack *pack = load_text(
		"rules:\n"
		"  - id: slow\n"
		"    title: Backtracks\n"
		"    severity: low\n"
		"    keywords: [aaa]\n"
		"    pattern: '(?<secret>(a+)+b)'\n");
	char line[2000];
	hits h;
	(void)state;
	/* a 'b' after the run defeats PCRE2's required-byte shortcut */
	memset(line, 'a', sizeof(line) - 3);
	line[sizeof(line) - 3] = 'c';
	line[sizeof(line) - 2] = 'b';
	line[sizeof(line) - 1] = '\0';
	h = scan(pack, line);
	assert_int_equal(h.n, 0);
	assert_int_equal(h.limits, 1);
	/* run alone (rule tests, lint), the limit is an error, not "no finding" */
	{
		nhg_error err = NHG_ERROR_INIT;
		nhg_scanner *s = NULL;
		bool found = false;
		assert_int_equal(nhg_scanner_new(&s, pack, NULL, &err), 0);
		assert_int_equal(nhg_scanner_test_rule(s, nhg_rulepack_rule(pack, 0), line,
						       strlen(line), &found, &err), NHG_ELIMIT);
		nhg_scanner_free(s);
	}
	nhg_rulepack_free(pack);
}

static void test_long_line(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	size_t len = 1u << 20, at = 700001;
	char *text = malloc(len + 1);
	hits h;
	(void)state;
	memset(text, 'q', len);
	text[len] = '\0';
	text[at - 1] = ' ';
	memcpy(text + at, TOKEN, strlen(TOKEN));
	text[at + strlen(TOKEN)] = ' ';
	h = scan_with(pack, NULL, "min.js", text, len, NULL, 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.m[0].line, 1);
	assert_int_equal(h.m[0].column, at + 1);
	assert_int_equal(h.limits, 0);
	free(text);
	nhg_rulepack_free(pack);
}

static void test_rule_examples_api(void **state)
{
	nhg_rulepack *pack = load("fixtures/rules/good");
	nhg_error err = NHG_ERROR_INIT;
	nhg_scanner *s = NULL;
	const nhg_rule *generic = nhg_rulepack_find(pack, "demo-generic");
	bool found = true;
	const char *t = "secret = " TOKEN;
	(void)state;
	assert_int_equal(nhg_scanner_new(&s, pack, NULL, &err), 0);
	/* alone, the generic rule does find the value a precise rule would take */
	assert_int_equal(nhg_scanner_test_rule(s, generic, t, strlen(t), &found, &err), 0);
	assert_true(found);
	assert_int_equal(nhg_scanner_test_rule(s, generic, "nothing", 7, &found, &err), 0);
	assert_false(found);
	nhg_scanner_free(s);
	nhg_scanner_free(NULL);
	nhg_rulepack_free(pack);
}

/*
 * One pack shared by scanners on several threads: each rule is JIT-compiled
 * on first use by whichever thread gets there, and every thread finds what
 * a scan on its own finds.
 */
#define SHARED_TEXT "aws_access_key_id = AKIAQ3EGUNPZJ7XWTM4K\n" \
		    "db_password = \"Zq8vN3xR7tL2mK9pW4sB\"\n"

typedef struct shared_job {
	const nhg_rulepack *pack;
	hits h;
	int rc;
} shared_job;

static void *shared_scan(void *arg)
{
	shared_job *j = arg;
	nhg_error err = NHG_ERROR_INIT;
	nhg_scanner *s = NULL;
	nhg_scan_cb cb = { on_match, on_limit, &j->h };
	nhg_unit u;

	memset(&u, 0, sizeof(u));
	u.path = "app.env";
	u.data = SHARED_TEXT;
	u.len = strlen(SHARED_TEXT);
	j->rc = nhg_scanner_new(&s, j->pack, NULL, &err);
	if (!j->rc)
		j->rc = nhg_scanner_scan(s, &u, &cb, &err);
	nhg_scanner_free(s);
	return NULL;
}

static void test_pack_shared_by_threads(void **state)
{
	nhg_rulepack *alone = load("rules"), *shared = load("rules");
	shared_job one = { alone, { .n = 0 }, 0 }, jobs[4];
	pthread_t t[4];
	(void)state;

	shared_scan(&one);
	assert_int_equal(one.rc, 0);
	assert_int_equal(one.h.n, 2);
	for (size_t i = 0; i < 4; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].pack = shared;
		assert_int_equal(pthread_create(&t[i], NULL, shared_scan, &jobs[i]), 0);
	}
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_int_equal(jobs[i].h.n, one.h.n);
		for (size_t k = 0; k < one.h.n; k++) {
			assert_string_equal(jobs[i].h.m[k].rule->id, one.h.m[k].rule->id);
			assert_string_equal(jobs[i].h.secret[k], one.h.secret[k]);
		}
	}
	nhg_rulepack_free(alone);
	nhg_rulepack_free(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_line_counting),
		cmocka_unit_test(test_diff_line_numbers),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_gates),
		cmocka_unit_test(test_path_exclusion),
		cmocka_unit_test(test_precise_wins_over_generic),
		cmocka_unit_test(test_inline_markers),
		cmocka_unit_test(test_prefilter_scopes_to_line),
		cmocka_unit_test(test_match_limit_is_reported),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_rule_examples_api),
		cmocka_unit_test(test_pack_shared_by_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
