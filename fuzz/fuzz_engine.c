/*
 * The matching engine on arbitrary text with the default rule pack: the
 * input is scanned as a whole file and as the added lines of a diff.  Every
 * match must lie in the text; every finding is redacted (at most four bytes
 * and a quarter of the secret shown), and neither the JSON nor the text
 * report of the findings may hold a secret of 12 bytes or more in full.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nhigate/finding.h"
#include "nhigate/report.h"
#include "nhigate/rules.h"
#include "nhigate/scan.h"

static nhg_rulepack *pack;
static nhg_scanner *scanner;

#define MAX_KEPT 64
#define COMMIT "0123456789abcdef0123456789abcdef01234567"
#define AUTHOR "Fuzz <fuzz@example.org>"
#define PATH "src/fuzz.txt"

typedef struct collect {
	nhg_result r;
	int stop;
	/* copies of the secrets found, to look for in the reports */
	char *secret[MAX_KEPT];
	size_t len[MAX_KEPT], n;
} collect;

static bool contains(const char *hay, size_t n, const char *needle, size_t len)
{
	return hay && len && memmem(hay, n, needle, len) != NULL;
}

/* A secret that fixed strings of the report (rule, path, commit) also hold. */
static bool in_fixed_text(const nhg_rule *r, const char *s, size_t len)
{
	const char *fixed[] = { COMMIT, AUTHOR, PATH, r->id, r->title, r->remediation };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i] && contains(fixed[i], strlen(fixed[i]), s, len))
			return true;
	return false;
}

static int on_match(const nhg_unit *u, const nhg_match *m, void *payload)
{
	collect *c = payload;
	char *red;
	const char *dots;

	fuzz_require(m->rule != NULL, "a match names its rule");
	fuzz_require(m->line >= 1 && m->column >= 1 && m->end_column + 1 >= m->column,
		     "match position");
	fuzz_require(m->secret >= u->data && m->secret + m->secret_len <= u->data + u->len,
		     "the secret lies in the unit");
	red = nhg_redact(m->secret, m->secret_len);
	fuzz_require(red != NULL, "nhg_redact");
	dots = strstr(red, "\xe2\x80\xa6(");
	fuzz_require(dots != NULL, "redacted form ends in …(LEN)");
	fuzz_require((size_t)(dots - red) <= 4 && (size_t)(dots - red) <= m->secret_len / 4,
		     "redaction shows at most 4 bytes and a quarter of the secret");
	free(red);
	if (m->secret_len >= 12 && c->n < MAX_KEPT && !in_fixed_text(m->rule, m->secret, m->secret_len)) {
		c->secret[c->n] = fuzz_strndup((const uint8_t *)m->secret, m->secret_len);
		c->len[c->n++] = m->secret_len;
	}
	if (nhg_result_add_match(&c->r, u, m) != 0)
		c->stop = 1;
	return 0;
}

/* No report of a redacted result holds a secret of 12 bytes or more. */
static void no_leak(const nhg_result *r, const collect *c)
{
	nhg_buf json = NHG_BUF_INIT(64u << 20), text = NHG_BUF_INIT(64u << 20);
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	rc = nhg_report_secrets_json(&json, r, "0", &err);
	fuzz_check_rc(rc, &err, "nhg_report_secrets_json");
	rc = nhg_report_secrets_text(&text, r, &err);
	fuzz_check_rc(rc, &err, "nhg_report_secrets_text");
	for (size_t i = 0; i < r->nfindings; i++)
		fuzz_require(r->findings[i].secret == NULL, "secret not kept without --no-redact");
	for (size_t i = 0; i < c->n; i++) {
		fuzz_require(!contains(json.ptr, json.len, c->secret[i], c->len[i]),
			     "the JSON report holds no secret");
		fuzz_require(!contains(text.ptr, text.len, c->secret[i], c->len[i]),
			     "the text report holds no secret");
	}
	nhg_buf_free(&json);
	nhg_buf_free(&text);
}

static void scan(const char *data, size_t len, const uint32_t *lines, size_t nlines)
{
	collect c;
	nhg_unit u;
	nhg_error err = NHG_ERROR_INIT;
	nhg_scan_cb cb = { on_match, fuzz_on_limit, &c };
	int rc;

	nhg_result_init(&c.r, false);
	c.stop = 0;
	c.n = 0;
	memset(&u, 0, sizeof(u));
	u.path = PATH;
	u.commit = lines ? COMMIT : NULL;
	u.author = lines ? AUTHOR : NULL;
	u.time = lines ? 1767323045 : 0;
	u.data = data;
	u.len = len;
	u.lines = lines;
	u.nlines = nlines;
	rc = nhg_scanner_scan(scanner, &u, &cb, &err);
	fuzz_check_rc(rc, &err, "nhg_scanner_scan");
	nhg_result_sort(&c.r);
	no_leak(&c.r, &c);
	for (size_t i = 0; i < c.n; i++)
		free(c.secret[i]);
	nhg_result_free(&c.r);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_rules_dir();
	nhg_error err = NHG_ERROR_INIT;

	(void)argc;
	(void)argv;
	if (nhg_rulepack_load(&pack, &dir, 1, &err) || nhg_scanner_new(&scanner, pack, NULL, &err)) {
		fprintf(stderr, "fuzz_engine: %s: %s\n", dir, err.message);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t *lines;
	size_t n = 1;

	scan((const char *)data, size, NULL, 0);
	/* the same bytes as the added lines of a diff, at lines 10, 13, 16, ... */
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	lines = malloc(n * sizeof(*lines));
	fuzz_require(lines != NULL, "malloc");
	for (size_t i = 0; i < n; i++)
		lines[i] = (uint32_t)(10 + 3 * i);
	scan((const char *)data, size, lines, n);
	free(lines);
	return 0;
}
