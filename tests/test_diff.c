/* Unit tests of the unified diff source (lib/source/diff.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nhigate/source.h"

/* A sink that keeps copies of what it is given. */
#define MAXU 16
typedef struct got_unit {
	char path[256], commit[80], author[128], data[512];
	int64_t time;
	int offset;
	uint32_t lines[64];
	size_t nlines;
	int whole;
} got_unit;

typedef struct collect {
	got_unit u[MAXU];
	size_t n;
	char skip_path[MAXU][256], skip_reason[MAXU][128];
	size_t nskip;
	int stop_after; /* stop after this many units (0: never) */
} collect;

static int on_unit(const nhg_unit *u, void *payload)
{
	collect *c = payload;
	got_unit *g;

	assert_true(c->n < MAXU);
	assert_true(u->len < sizeof(g->data));
	g = &c->u[c->n++];
	memset(g, 0, sizeof(*g));
	strcpy(g->path, u->path);
	if (u->commit)
		strcpy(g->commit, u->commit);
	if (u->author)
		strcpy(g->author, u->author);
	memcpy(g->data, u->data, u->len);
	g->time = u->time;
	g->offset = u->time_offset;
	g->whole = u->lines == NULL;
	assert_true(u->nlines <= 64);
	if (u->lines)
		memcpy(g->lines, u->lines, u->nlines * sizeof(uint32_t));
	g->nlines = u->nlines;
	return c->stop_after && c->n >= (size_t)c->stop_after;
}

static int on_skip(const char *path, const char *commit, const char *reason,
		   void *payload)
{
	collect *c = payload;
	(void)commit;
	assert_true(c->nskip < MAXU);
	strcpy(c->skip_path[c->nskip], path);
	strcpy(c->skip_reason[c->nskip], reason);
	c->nskip++;
	return 0;
}

static collect C;
static nhg_stats S;
static nhg_error E;

static int run_opts(const char *diff, const nhg_source_opts *o)
{
	nhg_sink sink = { on_unit, on_skip, &C };
	int stop = C.stop_after;
	memset(&C, 0, sizeof(C));
	C.stop_after = stop;
	memset(&S, 0, sizeof(S));
	memset(&E, 0, sizeof(E));
	return nhg_source_diff(diff, strlen(diff), o, &sink, &S, &E);
}

static int run(const char *diff)
{
	nhg_source_opts o = NHG_SOURCE_OPTS_INIT;
	return run_opts(diff, &o);
}

static void expect_lines(const got_unit *g, const uint32_t *want, size_t n)
{
	assert_int_equal(g->nlines, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(g->lines[i], want[i]);
}

static void test_new_file(void **state)
{
	static const uint32_t want[] = { 1, 2 };
	(void)state;
	assert_int_equal(run("diff --git a/new.txt b/new.txt\n"
			     "new file mode 100644\n"
			     "index 0000000..814f4a4\n"
			     "--- /dev/null\n"
			     "+++ b/new.txt\n"
			     "@@ -0,0 +1,2 @@\n"
			     "+one\n"
			     "+two\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "new.txt");
	assert_string_equal(C.u[0].data, "one\ntwo");
	assert_string_equal(C.u[0].commit, "");
	expect_lines(&C.u[0], want, 2);
	assert_int_equal(S.files, 1);
	assert_int_equal(S.bytes, 7);
}

static void test_two_hunks(void **state)
{
	static const uint32_t want[] = { 2, 3, 21 };
	(void)state;
	/* The removed line "-- x" looks like a header; the counts say it is not. */
	assert_int_equal(run("diff --git a/src/m.c b/src/m.c\n"
			     "index 1..2 100644\n"
			     "--- a/src/m.c\n"
			     "+++ b/src/m.c\n"
			     "@@ -1,3 +1,4 @@ int main(void)\n"
			     " a\n"
			     "--- x\n"
			     "+B\n"
			     "+C\n"
			     " d\n"
			     "@@ -20 +21 @@\n"
			     "-old\n"
			     "+new\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "src/m.c");
	assert_string_equal(C.u[0].data, "B\nC\nnew");
	expect_lines(&C.u[0], want, 3);
}

static void test_rename(void **state)
{
	static const uint32_t want[] = { 2 };
	(void)state;
	assert_int_equal(run("diff --git a/old name.txt b/new name.txt\n"
			     "similarity index 80%\n"
			     "rename from old name.txt\n"
			     "rename to new name.txt\n"
			     "index 1..2 100644\n"
			     "--- a/old name.txt\t\n"
			     "+++ b/new name.txt\t\n"
			     "@@ -1,2 +1,2 @@\n"
			     " keep\n"
			     "-was\n"
			     "+now\n"
			     "diff --git a/x b/y\n"
			     "similarity index 100%\n"
			     "rename from x\n"
			     "rename to y\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "new name.txt");
	assert_string_equal(C.u[0].data, "now");
	expect_lines(&C.u[0], want, 1);
}

static void test_quoted_path(void **state)
{
	(void)state;
	assert_int_equal(run("diff --git \"a/sp\\303\\251 cial.txt\" \"b/sp\\303\\251 cial.txt\"\n"
			     "new file mode 100644\n"
			     "--- /dev/null\n"
			     "+++ \"b/sp\\303\\251 cial.txt\"\t\n"
			     "@@ -0,0 +1 @@\n"
			     "+x\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "sp\xc3\xa9 cial.txt");
	assert_int_equal(run("--- /dev/null\n+++ \"b/bad\\q\"\n@@ -0,0 +1 @@\n+x\n"),
			 NHG_EINPUT);
	assert_int_equal(E.line, 2);
}

static void test_binary(void **state)
{
	(void)state;
	assert_int_equal(run("diff --git a/img.png b/img.png\n"
			     "new file mode 100644\n"
			     "index 0000000..1234567\n"
			     "Binary files /dev/null and b/img.png differ\n"
			     "diff --git a/k.bin b/k.bin\n"
			     "index 1..2 100644\n"
			     "GIT binary patch\n"
			     "literal 12\n"
			     "TcmZQzWMXDuWn^Y%W@ZLH01N;E\n"
			     "\n"
			     "literal 0\n"
			     "HcmV?d00001\n"
			     "\n"), 0);
	assert_int_equal(C.n, 0);
	assert_int_equal(S.binary, 2);
}

static void test_crlf(void **state)
{
	static const uint32_t want[] = { 2 };
	(void)state;
	assert_int_equal(run("diff --git a/w.txt b/w.txt\r\n"
			     "--- a/w.txt\r\n"
			     "+++ b/w.txt\r\n"
			     "@@ -1,2 +1,2 @@\r\n"
			     " a\r\n"
			     "-b\r\n"
			     "+token=abc\r\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "w.txt");
	assert_string_equal(C.u[0].data, "token=abc");
	expect_lines(&C.u[0], want, 1);
}

static void test_no_newline(void **state)
{
	static const uint32_t want[] = { 1, 2 };
	(void)state;
	assert_int_equal(run("--- a/f\n"
			     "+++ b/f\n"
			     "@@ -1 +1,2 @@\n"
			     "-x\n"
			     "\\ No newline at end of file\n"
			     "+x\n"
			     "+y\n"
			     "\\ No newline at end of file\n"
			     "--- a/g\n"
			     "+++ b/g\n"
			     "@@ -0,0 +1 @@\n"
			     "+z\n"), 0);
	assert_int_equal(C.n, 2);
	assert_string_equal(C.u[0].path, "f");
	assert_string_equal(C.u[0].data, "x\ny");
	expect_lines(&C.u[0], want, 2);
	assert_string_equal(C.u[1].path, "g");
}

static void test_git_log(void **state)
{
	static const uint32_t want[] = { 2, 3 };
	(void)state;
	assert_int_equal(run("commit dbd2bfc6f2121ed55ce23672c8f7648d0a86de30\n"
			     "Author: A U Thor <a@example.org>\n"
			     "Date:   Fri Jan 2 03:04:05 2026 +0100\n"
			     "\n"
			     "    second\n"
			     "    +not a line\n"
			     "\n"
			     "diff --git a/a.txt b/a.txt\n"
			     "index 814f4a4..ddc897f 100644\n"
			     "--- a/a.txt\n"
			     "+++ b/a.txt\n"
			     "@@ -1,2 +1,3 @@\n"
			     " one\n"
			     "-two\n"
			     "+TWO\n"
			     "+three\n"
			     "\n"
			     "commit 63afb87f5898fbcd2c345a1e642051b6b5b2a26c\n"
			     "Author: Other <o@example.org>\n"
			     "Date:   Thu Jan 1 00:00:00 1970 +0000\n"
			     "\n"
			     "    first\n"
			     "\n"
			     "diff --git a/a.txt b/a.txt\n"
			     "new file mode 100644\n"
			     "--- /dev/null\n"
			     "+++ b/a.txt\n"
			     "@@ -0,0 +1,2 @@\n"
			     "+one\n"
			     "+two\n"), 0);
	assert_int_equal(C.n, 2);
	assert_int_equal(S.commits, 2);
	assert_string_equal(C.u[0].commit, "dbd2bfc6f2121ed55ce23672c8f7648d0a86de30");
	assert_string_equal(C.u[0].author, "A U Thor <a@example.org>");
	assert_int_equal(C.u[0].time, 1767319445);
	assert_int_equal(C.u[0].offset, 60);
	assert_string_equal(C.u[0].data, "TWO\nthree");
	expect_lines(&C.u[0], want, 2);
	assert_string_equal(C.u[1].commit, "63afb87f5898fbcd2c345a1e642051b6b5b2a26c");
	assert_string_equal(C.u[1].author, "Other <o@example.org>");
	assert_string_equal(C.u[1].data, "one\ntwo");
}

static void test_format_patch(void **state)
{
	(void)state;
	assert_int_equal(run("From dbd2bfc6f2121ed55ce23672c8f7648d0a86de30 Mon Sep 17 00:00:00 2001\n"
			     "From: A U Thor <a@example.org>\n"
			     "Date: Fri, 2 Jan 2026 03:04:05 +0100\n"
			     "Subject: [PATCH] second\n"
			     "\n"
			     "---\n"
			     " a.txt | 1 +\n"
			     "\n"
			     "diff --git a/a.txt b/a.txt\n"
			     "--- a/a.txt\n"
			     "+++ b/a.txt\n"
			     "@@ -1 +1,2 @@\n"
			     " one\n"
			     "+two\n"
			     "-- \n"
			     "2.39.5\n"
			     "\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].commit, "dbd2bfc6f2121ed55ce23672c8f7648d0a86de30");
	assert_string_equal(C.u[0].author, "A U Thor <a@example.org>");
	assert_int_equal(C.u[0].time, 1767319445);
	assert_string_equal(C.u[0].data, "two");
}

static void test_plain_diff_u(void **state)
{
	static const uint32_t want[] = { 2 };
	(void)state;
	assert_int_equal(run("--- conf.ini.orig\t2024-01-01 10:00:00.000000000 +0000\n"
			     "+++ conf.ini\t2024-01-01 10:01:00.000000000 +0000\n"
			     "@@ -1 +1,2 @@\n"
			     " [db]\n"
			     "+password=x\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "conf.ini");
	expect_lines(&C.u[0], want, 1);
}

static void test_malformed(void **state)
{
	(void)state;
	assert_int_equal(run("--- a/f\n+++ b/f\n@@ -1,x +1 @@\n+a\n"), NHG_EINPUT);
	assert_int_equal(E.line, 3);
	assert_string_equal(E.file, "<diff>");
	/* The header counts two new lines but the hunk has one. */
	assert_int_equal(run("--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-a\n+b\ndiff --git a/g b/g\n"),
			 NHG_EINPUT);
	assert_int_equal(E.line, 6);
	/* The header counts one new line but the hunk has two. */
	assert_int_equal(run("--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n+b\n"), NHG_EINPUT);
	assert_int_equal(E.line, 5);
	/* Ends inside a hunk. */
	assert_int_equal(run("--- a/f\n+++ b/f\n@@ -0,0 +1,3 @@\n+a\n"), NHG_EINPUT);
	assert_int_equal(E.line, 5);
	/* A hunk with no file. */
	assert_int_equal(run("@@ -0,0 +1 @@\n+a\n"), NHG_EINPUT);
	assert_int_equal(E.line, 1);
}

static void test_combined(void **state)
{
	static const uint32_t want[] = { 2, 3 };
	(void)state;
	/* git show of a merge whose conflict was resolved by new lines. */
	assert_int_equal(run("commit 1111111111111111111111111111111111111111\n"
			     "Merge: 2222222 3333333\n"
			     "Author: A <a@x>\n"
			     "\n"
			     "diff --cc f\n"
			     "index dcc8a00,7144f92..2eec221\n"
			     "--- a/f\n"
			     "+++ b/f\n"
			     "@@@ -1,3 -1,3 +1,4 @@@\n"
			     "  a\n"
			     "- main\n"
			     " -side\n"
			     "++resolved\n"
			     "++key\n"
			     "  c\n"), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "f");
	assert_string_equal(C.u[0].data, "resolved\nkey");
	expect_lines(&C.u[0], want, 2);
	assert_int_equal(run("--- a/f\n+++ b/f\n@@@ -1,1 -1,1 +1,1 @@@\n  a\n+ b\n"),
			 NHG_EINPUT);
	assert_int_equal(E.line, 5);
}

static void test_limits_and_excludes(void **state)
{
	nhg_source_opts o = NHG_SOURCE_OPTS_INIT;
	const char *ex[] = { "*.lock" };
	(void)state;
	o.max_file_size = 5;
	assert_int_equal(run_opts("--- a/big\n+++ b/big\n@@ -0,0 +1,2 @@\n+abc\n+def\n"
				  "--- a/ok\n+++ b/ok\n@@ -0,0 +1 @@\n+abc\n", &o), 0);
	assert_int_equal(C.n, 1);
	assert_string_equal(C.u[0].path, "ok");
	assert_int_equal(C.nskip, 1);
	assert_string_equal(C.skip_path[0], "big");
	assert_string_equal(C.skip_reason[0], "too large (7 bytes > 5)");
	o.max_file_size = 1000;
	o.exclude = ex;
	o.nexclude = 1;
	assert_int_equal(run_opts("--- a/y.lock\n+++ b/y.lock\n@@ -0,0 +1 @@\n+abc\n", &o), 0);
	assert_int_equal(C.n, 0);
	assert_int_equal(C.nskip, 0);
}

static void test_stop(void **state)
{
	(void)state;
	C.stop_after = 1;
	assert_int_equal(run("--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"
			     "--- a/g\n+++ b/g\n@@ -0,0 +1 @@\n+b\n"), NHG_ESTOP);
	assert_int_equal(C.n, 1);
	C.stop_after = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_two_hunks),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_quoted_path),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_git_log),
		cmocka_unit_test(test_format_patch),
		cmocka_unit_test(test_plain_diff_u),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_combined),
		cmocka_unit_test(test_limits_and_excludes),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
