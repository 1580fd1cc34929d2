/* The decision log: appends under a lock, the chain, and what breaks it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "gate/log_internal.h"
#include "nhigate/audit.h"
#include "nhigate/decision_log.h"
#include "nhigate/hash.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nhg-test-log.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *path_of(const char *name)
{
	static char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* A record as the gate writes one (without prev); i makes each distinct. */
static const char *record(int i, const char *decision)
{
	static char r[512];
	snprintf(r, sizeof(r), "{\"schema\":\"nhigate.decision/v1\",\"decision_id\":\"id-%d\","
		 "\"timestamp\":\"2026-03-%02dT10:00:00Z\",\"decision\":\"%s\",\"enforce\":true,"
		 "\"controls\":{\"OWASP-NHI:NHI2\":\"pass\"}}", i, 1 + i % 28, decision);
	return r;
}

/* Lines of a file, malloc'd; *n set. */
static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **v = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	*n = 0;
	assert_non_null(f);
	while ((len = getline(&line, &cap, f)) > 0) {
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return v;
}

static void write_lines(const char *path, char **v, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputs(v[i], f);
	fclose(f);
}

static void free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* n chained records written directly (appends fsync; this is for volume). */
static void make_log(const char *path, int n, char head[65])
{
	FILE *f = fopen(path, "w");
	char prev[65] = NHG_LOG_GENESIS;
	assert_non_null(f);
	for (int i = 1; i <= n; i++) {
		char line[700];
		int len = snprintf(line, sizeof(line), "{\"prev\":\"%s\",%s", prev,
				   record(i, i % 5 ? "pass" : "block") + 1);
		nhg_sha256_hex(prev, line, (size_t)len);
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	if (head)
		memcpy(head, prev, 65);
}

static nhg_log_report verify(const char *path, const char *anchor)
{
	nhg_log_report r;
	nhg_error err = NHG_ERROR_INIT;
	int rc = nhg_log_verify(&r, path, anchor, &err);
	if (rc)
		fail_msg("verify %s: %s", path, err.message);
	return r;
}

static void test_append_chain(void **state)
{
	const char *p = path_of("chain.log");
	char head[65], heads[31][65];
	nhg_error err = NHG_ERROR_INIT;
	nhg_log_report r;
	struct stat st;
	(void)state;

	for (int i = 1; i <= 30; i++) {
		const char *rec = record(i, "pass");
		assert_int_equal(nhg_log_append(p, rec, strlen(rec), heads[i], &err), 0);
	}
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777 & ~0640, 0);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INTACT);
	assert_int_equal(r.records, 30);
	assert_string_equal(r.head, heads[30]);
	/* each line starts with the hash of the one before */
	{
		size_t n;
		char **v = read_lines(p, &n);
		assert_int_equal(n, 30);
		static const char start[] = "{\"prev\":\"" NHG_LOG_GENESIS "\",\"schema\"";
		assert_memory_equal(v[0], start, sizeof(start) - 1);
		nhg_sha256_hex(head, v[0], strlen(v[0]) - 1);
		assert_memory_equal(v[1] + 9, head, 64);
		assert_string_equal(head, heads[1]);
		free_lines(v, n);
	}
	/* an anchor taken at record 12 is still passed through */
	r = verify(p, heads[12]);
	assert_int_equal(r.kind, NHG_LOG_INTACT);
	assert_true(r.anchor_found);
	assert_int_equal(r.anchor_record, 12);
}

/* Records longer than the tail block: the last line is found and hashed whole. */
static void test_append_long(void **state)
{
	const char *p = path_of("long.log");
	size_t big = 300 * 1024;
	char *rec = malloc(big + 64), head[65], expect[65];
	nhg_error err = NHG_ERROR_INIT;
	nhg_log_report r;
	size_t n;
	char **v;
	(void)state;

	assert_non_null(rec);
	n = (size_t)snprintf(rec, 64, "{\"schema\":\"x\",\"pad\":\"");
	memset(rec + n, 'p', big);
	memcpy(rec + n + big, "\"}", 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(nhg_log_append(p, rec, strlen(rec), head, &err), 0);
	free(rec);
	rec = NULL;
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INTACT);
	assert_int_equal(r.records, 3);
	assert_string_equal(r.head, head);
	v = read_lines(p, &n);
	nhg_sha256_hex(expect, v[1], strlen(v[1]) - 1);
	assert_memory_equal(v[2] + 9, expect, 64);
	free_lines(v, n);
	/* a record that would pass the longest line is refused */
	big = NHG_LOG_MAX_LINE;
	rec = malloc(big + 64);
	assert_non_null(rec);
	n = (size_t)snprintf(rec, 64, "{\"pad\":\"");
	memset(rec + n, 'p', big);
	memcpy(rec + n + big, "\"}", 3);
	assert_int_equal(nhg_log_append(p, rec, strlen(rec), NULL, &err), NHG_ELIMIT);
	free(rec);
	assert_int_equal(verify(p, NULL).records, 3);
}

static void test_append_refuses(void **state)
{
	static const char *const bad[] = {
		"[1,2]", "{}", " {\"a\":1}", "{\"a\":1}\n{\"b\":2}", "{\"prev\":\"x\",\"a\":1}",
		"{\"a\":1,}", "{\"a\":\"\xff\"}", "not json",
	};
	const char *p = path_of("refuse.log");
	nhg_error err = NHG_ERROR_INIT;
	struct stat st;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nhg_log_append(p, bad[i], strlen(bad[i]), NULL, &err), NHG_EUSAGE);
	assert_int_equal(stat(p, &st) == 0 ? st.st_size : 0, 0);
}

static void test_empty_and_missing(void **state)
{
	const char *p = path_of("empty.log");
	nhg_log_report r;
	nhg_error err = NHG_ERROR_INIT;
	FILE *f = fopen(p, "w");
	(void)state;
	fclose(f);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INTACT);
	assert_int_equal(r.records, 0);
	assert_string_equal(r.head, NHG_LOG_GENESIS);
	assert_int_equal(nhg_log_verify(&r, path_of("nothing.log"), NULL, &err), NHG_EIO);
	assert_int_equal(nhg_log_verify(&r, p, "abc", &err), NHG_EUSAGE);
}

/* One byte of record 4 changed: the break shows at record 5 and names 4. */
static void test_tampered(void **state)
{
	const char *p = path_of("tampered.log");
	char head[65];
	size_t n;
	char **v;
	nhg_log_report r;
	(void)state;

	make_log(p, 10, head);
	v = read_lines(p, &n);
	*strstr(v[3], "\"pass\"") = '\'';   /* "pass" -> 'pass" */
	write_lines(p, v, n);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_MALFORMED);   /* no longer JSON */
	assert_int_equal(r.record, 4);

	memcpy(strstr(v[3], "'pass\""), "\"fail\"", 6);    /* valid JSON, different bytes */
	write_lines(p, v, n);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_ALTERED_OR_REMOVED);
	assert_int_equal(r.record, 4);
	assert_int_equal(r.line, 5);
	assert_non_null(strstr(r.message, "record 4 was altered"));

	/* its prev edited as well: record 4 itself no longer fits */
	v[3][9] = v[3][9] == 'a' ? 'b' : 'a';
	write_lines(p, v, n);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_ALTERED);
	assert_int_equal(r.record, 4);

	/* the last record changed: only an anchor catches it */
	free_lines(v, n);
	make_log(p, 10, head);
	v = read_lines(p, &n);
	memcpy(strstr(v[9], "\"pass\""), "\"fail\"", 6);
	write_lines(p, v, n);
	assert_int_equal(verify(p, NULL).kind, NHG_LOG_INTACT);
	r = verify(p, head);
	assert_int_equal(r.kind, NHG_LOG_ANCHOR_MISSING);
	free_lines(v, n);
}

static void test_deleted(void **state)
{
	const char *p = path_of("deleted.log");
	size_t n;
	char **v;
	nhg_log_report r;
	(void)state;

	make_log(p, 10, NULL);
	v = read_lines(p, &n);
	free(v[3]);
	memmove(&v[3], &v[4], (n - 4) * sizeof(*v));   /* record 4 removed */
	write_lines(p, v, n - 1);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_ALTERED_OR_REMOVED);
	assert_int_equal(r.record, 3);   /* the gap is after record 3 */
	assert_int_equal(r.line, 4);
	assert_non_null(strstr(r.message, "removed"));
	assert_int_equal(r.records, 9);

	/* the first record removed: the log no longer starts the chain */
	write_lines(p, v + 1, n - 2);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_REMOVED);
	assert_int_equal(r.record, 1);
	free_lines(v, n - 1);
}

static void test_inserted(void **state)
{
	const char *p = path_of("inserted.log");
	static char made_up[] = "{\"prev\":\"" NHG_LOG_GENESIS "\",\"decision\":\"pass\"}\n";
	static char garbage[] = "garbage\n";
	char forged[700], second[700], h[65];
	size_t n;
	char **v, *w[16];
	nhg_log_report r;
	(void)state;

	make_log(p, 10, NULL);
	v = read_lines(p, &n);
	/* a forged record chained properly onto record 4, put after it */
	nhg_sha256_hex(h, v[3], strlen(v[3]) - 1);
	snprintf(forged, sizeof(forged), "{\"prev\":\"%s\",%s\n", h, record(99, "pass") + 1);
	memcpy(w, v, 4 * sizeof(*w));
	w[4] = forged;
	memcpy(w + 5, v + 4, 6 * sizeof(*w));
	write_lines(p, w, 11);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INSERTED);
	assert_int_equal(r.record, 5);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.line, 6);

	/* two of them, chained to each other */
	nhg_sha256_hex(h, forged, strlen(forged) - 1);
	snprintf(second, sizeof(second), "{\"prev\":\"%s\",%s\n", h, record(98, "pass") + 1);
	w[5] = second;
	memcpy(w + 6, v + 4, 6 * sizeof(*w));
	write_lines(p, w, 12);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INSERTED);
	assert_int_equal(r.record, 5);
	assert_int_equal(r.count, 2);
	assert_non_null(strstr(r.message, "records 5..6"));

	/* one with a made-up prev (the start of the chain) */
	w[4] = made_up;
	memcpy(w + 5, v + 4, 6 * sizeof(*w));
	write_lines(p, w, 11);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INSERTED);
	assert_int_equal(r.record, 5);

	/* a line that is not a record at all */
	w[4] = garbage;
	write_lines(p, w, 11);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INSERTED);
	assert_int_equal(r.record, 5);
	free_lines(v, n);
}

static void test_truncated(void **state)
{
	const char *p = path_of("truncated.log");
	char head[65], early[65];
	size_t n;
	char **v;
	nhg_log_report r;
	(void)state;

	make_log(p, 6, early);
	make_log(p, 10, head);
	v = read_lines(p, &n);
	write_lines(p, v, 8);   /* the last two records cut off */
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_INTACT);   /* a hash chain alone cannot tell */
	r = verify(p, head);
	assert_int_equal(r.kind, NHG_LOG_ANCHOR_MISSING);
	assert_false(r.anchor_found);
	assert_non_null(strstr(r.message, "anchor"));
	r = verify(p, early);   /* an older anchor is still there */
	assert_int_equal(r.kind, NHG_LOG_INTACT);
	assert_int_equal(r.anchor_record, 6);
	/* anchors are read in either case */
	for (char *c = early; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(verify(p, early).kind, NHG_LOG_INTACT);
	free_lines(v, n);
}

static void test_torn(void **state)
{
	const char *p = path_of("torn.log");
	nhg_error err = NHG_ERROR_INIT;
	const char *rec = record(1, "pass");
	nhg_log_report r;
	FILE *f;
	(void)state;

	make_log(p, 3, NULL);
	f = fopen(p, "a");
	fputs("{\"prev\":\"0123", f);   /* a write cut short */
	fclose(f);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_TORN);
	assert_int_equal(r.record, 4);
	assert_int_equal(r.records, 4);
	assert_int_equal(nhg_log_append(p, rec, strlen(rec), NULL, &err), NHG_EINPUT);
	assert_non_null(strstr(err.message, "torn"));

	/* nor is anything chained onto a file that is not a log */
	f = fopen(p, "w");
	fputs("just some text\n", f);
	fclose(f);
	assert_int_equal(nhg_log_append(p, rec, strlen(rec), NULL, &err), NHG_EINPUT);
}

static void test_malformed_and_long(void **state)
{
	const char *p = path_of("malformed.log");
	char prev[65] = NHG_LOG_GENESIS, line[200];
	nhg_error err = NHG_ERROR_INIT;
	nhg_log_report r;
	FILE *f = fopen(p, "w");
	(void)state;

	/* chained correctly, but record 2 is not JSON */
	for (int i = 0; i < 3; i++) {
		int len = snprintf(line, sizeof(line), "{\"prev\":\"%s\",\"a\":%s}", prev,
				   i == 1 ? "tru" : "true");
		nhg_sha256_hex(prev, line, (size_t)len);
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_MALFORMED);
	assert_int_equal(r.record, 2);
	assert_non_null(strstr(r.message, "byte"));

	/* a line past the bound is an input error naming it */
	f = fopen(p, "w");
	fputs("{\"prev\":\"" NHG_LOG_GENESIS "\",\"a\":1}\n", f);
	for (int i = 0; i < NHG_LOG_MAX_LINE + 10; i++)
		fputc('x', f);
	fputs("\n", f);
	fclose(f);
	assert_int_equal(nhg_log_verify(&r, p, NULL, &err), NHG_EINPUT);
	assert_int_equal(err.line, 2);
}

/* Lines spread over many read rounds; a change deep inside is still found. */
static void test_many_rounds(void **state)
{
	const char *p = path_of("many.log");
	char head[65];
	size_t n;
	char **v;
	nhg_log_report r;
	(void)state;

	make_log(p, 20000, head);
	r = verify(p, head);
	assert_int_equal(r.kind, NHG_LOG_INTACT);
	assert_int_equal(r.records, 20000);
	assert_int_equal(r.anchor_record, 20000);
	v = read_lines(p, &n);
	memcpy(strstr(v[16383], "\"pass\""), "\"fail\"", 6);   /* record 16384 */
	write_lines(p, v, n);
	r = verify(p, NULL);
	assert_int_equal(r.kind, NHG_LOG_ALTERED_OR_REMOVED);
	assert_int_equal(r.record, 16384);
	free_lines(v, n);
}

/* 20 processes append at once: 20 whole records, chained. */
static void test_concurrent(void **state)
{
	const char *p = path_of("concurrent.log");
	pid_t pids[20];
	size_t n;
	char **v;
	(void)state;

	for (int i = 0; i < 20; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			nhg_error err = NHG_ERROR_INIT;
			const char *rec = record(i, "pass");
			_exit(nhg_log_append(p, rec, strlen(rec), NULL, &err) ? 1 : 0);
		}
	}
	for (int i = 0; i < 20; i++) {
		int st;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(verify(p, NULL).kind, NHG_LOG_INTACT);
	assert_int_equal(verify(p, NULL).records, 20);
	v = read_lines(p, &n);
	for (int i = 0; i < 20; i++) {
		char id[32];
		int seen = 0;
		snprintf(id, sizeof(id), "\"id-%d\"", i);
		for (size_t j = 0; j < n; j++)
			seen += strstr(v[j], id) != NULL;
		assert_int_equal(seen, 1);
	}
	free_lines(v, n);
}

/*
 * Every line is hashed by nhg_sha256_hex (which may take a faster path
 * than the incremental hash): both agree, whatever the length.
 */
static void test_line_hash(void **state)
{
	unsigned char data[1100];
	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 7);
	for (size_t len = 0; len <= sizeof(data); len++) {
		char one[65], inc[65];
		nhg_sha256_ctx *c = nhg_sha256_new();
		assert_non_null(c);
		nhg_sha256_update(c, data, len / 3);
		nhg_sha256_update(c, data + len / 3, len - len / 3);
		nhg_sha256_final_hex(c, inc);
		nhg_sha256_hex(one, data, len);
		if (strcmp(one, inc))
			fail_msg("sha256 of %zu bytes: %s, incremental %s", len, one, inc);
	}
}

/* The scanner agrees with jansson on what is JSON. */
static void test_scanner(void **state)
{
	static const char *const cases[] = {
		"{}", "{\"a\":1}", " {\"a\" : [1, -2.5e3, true, false, null, \"x\"]} ", "{\"a\":{}}",
		"{\"a\":[]}", "{\"a\":[{}]}", "{\"\\u00e9\\n\":\"\\\"\"}", "{\"a\":\"\xc3\xa9\"}",
		"{\"a\":0}", "{\"a\":-0.0E+1}",
		"{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":[1,]}", "{\"a\":01}",
		"{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12\"}", "{\"a\":\"\x01\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
		"{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":1}x", "[1]", "\"s\"", "{\"a\":[1 2]}",
		"{\"a\":1 \"b\":2}", "{1:2}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":\"unterminated}",
	};
	char buf[256];
	srand(11);
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) + 4000; i++) {
		const char *t;
		size_t len;
		json_error_t e;
		json_t *j;
		bool ours, theirs;
		if (i < sizeof(cases) / sizeof(cases[0])) {
			t = cases[i];
			len = strlen(t);
		} else {   /* mutations of a record: one byte changed, dropped or doubled */
			const char *base = record((int)i, "block");
			size_t at;
			len = strlen(base);
			memcpy(buf, base, len);
			at = (size_t)rand() % len;
			switch (rand() % 3) {
			case 0: buf[at] = "{}[]\",:\\ 0-e.tn\x80\x01"[rand() % 18]; break;
			case 1: memmove(buf + at, buf + at + 1, len - at - 1); len--; break;
			default: memmove(buf + at + 1, buf + at, len - at); len++; break;
			}
			t = buf;
		}
		ours = nhg_js_object_ok(t, len, NULL, NULL);
		j = json_loadb(t, len, JSON_ALLOW_NUL, &e);
		theirs = j && json_is_object(j);
		json_decref(j);
		if (ours != theirs)
			fail_msg("case %zu: scanner %d, jansson %d: %.*s", i, ours, theirs, (int)len, t);
	}
}

/* The audit over a small log: sums, the period, break-glass, waivers. */
static void test_audit(void **state)
{
	static const char *const recs[] = {
		"{\"schema\":\"nhigate.decision/v1\",\"timestamp\":\"2026-02-01T00:00:00Z\","
		"\"decision\":\"pass\",\"subject\":{\"repository\":\"r\"},\"controls\":"
		"{\"OWASP-NHI:NHI2\":\"pass\"},\"waivers\":{\"applied\":[],\"expired\":[\"W-0\"]}}",
		"{\"schema\":\"nhigate.decision/v1\",\"timestamp\":\"2026-03-01T00:00:00Z\","
		"\"decision\":\"block\",\"subject\":{\"repository\":\"r\"},\"blocking\":[{\"rule\":"
		"\"github-pat\",\"controls\":[\"OWASP-NHI:NHI2\"]}],\"controls\":"
		"{\"OWASP-NHI:NHI2\":\"fail\"},\"waivers\":{\"applied\":[],\"expired\":[\"W-0\"]}}",
		"{\"schema\":\"nhigate.decision/v1\",\"timestamp\":\"2026-03-02T00:00:00Z\","
		"\"decision\":\"breakglass\",\"subject\":{\"repository\":\"r\"},\"blocking\":[{\"rule\":"
		"\"aws-access-key\",\"controls\":[\"OWASP-NHI:NHI2\"]}],\"breakglass\":{\"actor\":"
		"\"al|ce\",\"reason\":\"INC-1\",\"accepted\":true},\"controls\":"
		"{\"OWASP-NHI:NHI2\":\"fail\"},\"waivers\":{\"applied\":[],\"expired\":[]}}",
		"{\"schema\":\"nhigate.decision/v1\",\"timestamp\":\"2026-04-01T00:00:00Z\","
		"\"decision\":\"pass\"}",
	};
	const char *p = path_of("audit.log");
	nhg_error err = NHG_ERROR_INIT;
	nhg_audit *a = NULL;
	nhg_buf md = NHG_BUF_INIT(1u << 20);
	(void)state;

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(nhg_log_append(p, recs[i], strlen(recs[i]), NULL, &err), 0);
	assert_int_equal(nhg_audit_run(&a, p, "2026-03-01", "2026-03-31", NULL, &err), 0);
	assert_int_equal(a->verify.kind, NHG_LOG_INTACT);
	assert_int_equal(a->lines, 4);
	assert_int_equal(a->records, 2);
	assert_int_equal(a->outside, 2);
	assert_int_equal(a->decisions[1], 1);
	assert_int_equal(a->decisions[3], 1);
	assert_int_equal(a->controls[1].fail, 2);
	assert_int_equal(a->controls[1].blocks, 1);
	assert_int_equal(a->controls[1].blocked, 1);
	assert_string_equal(a->controls[1].blocked_rules.v[0].name, "github-pat");
	assert_int_equal(a->controls[1].let_through, 1);
	assert_int_equal(a->nbg, 1);
	assert_string_equal(a->bg[0].actor, "al|ce");
	assert_string_equal(a->bg[0].let[0].rule, "aws-access-key");
	/* W-0 was listed expired in March, but not in r's last decision of it */
	assert_int_equal(a->nwaivers, 1);
	assert_int_equal(a->waivers[0].expired, 1);
	assert_false(a->waivers[0].overdue);
	assert_int_equal(nhg_report_audit_md(&md, a, "test", &err), 0);
	assert_non_null(strstr(md.ptr, "al\\|ce"));   /* a pipe cannot break the table */
	nhg_audit_free(a);
	nhg_buf_free(&md);

	assert_int_equal(nhg_audit_run(&a, p, "2026-02-01", "2026-03-01", NULL, &err), 0);
	assert_true(a->waivers[0].overdue);   /* still expired in r's last decision */
	nhg_audit_free(a);
	assert_int_equal(nhg_audit_run(&a, p, "2026-13-01", NULL, NULL, &err), NHG_EUSAGE);
	assert_int_equal(nhg_audit_run(&a, p, "2026-03-02", "2026-03-01", NULL, &err), NHG_EUSAGE);
}

/* What passes a bound is counted, not kept: distinct rules, long names. */
static void test_audit_bounds(void **state)
{
	const char *p = path_of("bounds.log");
	nhg_buf rec = NHG_BUF_INIT(1u << 20);
	nhg_error err = NHG_ERROR_INIT;
	nhg_audit *a = NULL;
	const nhg_audit_tally *t;
	(void)state;

	nhg_buf_puts(&rec, "{\"schema\":\"nhigate.decision/v1\",\"timestamp\":"
		     "\"2026-03-01T00:00:00Z\",\"decision\":\"block\",\"blocking\":[");
	for (int i = 0; i < NHG_AUDIT_MAX_KEYS + 5; i++)
		nhg_buf_printf(&rec, "%s{\"rule\":\"r%d\",\"controls\":[\"OWASP-NHI:NHI2\"]}",
			       i ? "," : "", i);
	nhg_buf_puts(&rec, ",{\"rule\":\"");
	for (int i = 0; i < 300; i++)
		nhg_buf_puts(&rec, "\xc3\xa9");   /* a 600-byte name */
	nhg_buf_puts(&rec, "\",\"controls\":[\"OWASP-NHI:NHI9\"]}]}");
	assert_int_equal(nhg_log_append(p, rec.ptr, rec.len, NULL, &err), 0);
	assert_int_equal(nhg_audit_run(&a, p, NULL, NULL, NULL, &err), 0);
	t = &a->controls[1].blocked_rules;
	assert_int_equal(a->controls[1].blocked, NHG_AUDIT_MAX_KEYS + 5);
	assert_int_equal(t->n, NHG_AUDIT_MAX_KEYS);
	assert_int_equal(t->other, 5);
	t = &a->controls[8].blocked_rules;
	assert_int_equal(t->n, 1);
	assert_true(strlen(t->v[0].name) <= NHG_AUDIT_MAX_NAME + 3);
	assert_non_null(strstr(t->v[0].name, "\xc3\xa9\xe2\x80\xa6"));   /* cut whole, marked */
	nhg_audit_free(a);
	nhg_buf_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_chain),
		cmocka_unit_test(test_append_long),
		cmocka_unit_test(test_append_refuses),
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_deleted),
		cmocka_unit_test(test_inserted),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_torn),
		cmocka_unit_test(test_malformed_and_long),
		cmocka_unit_test(test_many_rounds),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_line_hash),
		cmocka_unit_test(test_scanner),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_audit_bounds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
