/* Unit tests of the files-and-directories source (lib/source/paths.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nhigate/source.h"

#define MAXU 32
typedef struct collect {
	char path[MAXU][256], data[MAXU][64];
	int whole[MAXU];
	size_t n;
	char skip_path[MAXU][256], skip_reason[MAXU][128];
	size_t nskip;
} collect;

static int on_unit(const nhg_unit *u, void *payload)
{
	collect *c = payload;
	assert_true(c->n < MAXU);
	snprintf(c->path[c->n], sizeof(c->path[0]), "%s", u->path);
	snprintf(c->data[c->n], sizeof(c->data[0]), "%.*s", (int)u->len, u->data);
	c->whole[c->n] = u->lines == NULL && u->commit == NULL;
	c->n++;
	return 0;
}

static int on_skip(const char *path, const char *commit, const char *reason,
		   void *payload)
{
	collect *c = payload;
	assert_null(commit);
	assert_true(c->nskip < MAXU);
	snprintf(c->skip_path[c->nskip], sizeof(c->skip_path[0]), "%s", path);
	snprintf(c->skip_reason[c->nskip], sizeof(c->skip_reason[0]), "%s", reason);
	c->nskip++;
	return 0;
}

static collect C;
static nhg_stats S;
static nhg_error E;
static char dir[256], cwd[1024];

static void put(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(dir, sizeof(dir), "%s/nhg-paths.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("sub", 0755), 0);
	assert_int_equal(mkdir("sub/.git", 0755), 0);
	assert_int_equal(mkdir("z y", 0755), 0);
	put("a.txt", "alpha\n", 6);
	put("sub/b.txt", "beta\n", 5);
	put("sub/.git/config", "token\n", 6);
	put("bin.dat", "AKIA\0\1\2", 7);
	put("big.txt", "0123456789abcdefghij\n", 21);
	put("z y/\xc3\xa9.txt", "e\r\n", 3);
	put("skip.lock", "lock\n", 5);
	assert_int_equal(symlink("a.txt", "link"), 0);
	assert_int_equal(symlink("sub", "dirlink"), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	assert_int_equal(chdir(cwd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int run(const char *const *paths, size_t n, const char *const *ex,
	       size_t nex)
{
	nhg_source_opts o = NHG_SOURCE_OPTS_INIT;
	nhg_sink sink = { on_unit, on_skip, &C };
	o.max_file_size = 16;
	o.exclude = ex;
	o.nexclude = nex;
	memset(&C, 0, sizeof(C));
	memset(&S, 0, sizeof(S));
	memset(&E, 0, sizeof(E));
	return nhg_source_paths(paths, n, &o, &sink, &S, &E);
}

static void test_walk_dot(void **state)
{
	const char *paths[] = { "." };
	const char *ex[] = { "*.lock" };
	(void)state;
	assert_int_equal(run(paths, 1, ex, 1), 0);
	/* Sorted, .git skipped, symlinks skipped, binary counted, big skipped. */
	assert_int_equal(C.n, 3);
	assert_string_equal(C.path[0], "a.txt");
	assert_string_equal(C.data[0], "alpha\n");
	assert_true(C.whole[0]);
	assert_string_equal(C.path[1], "sub/b.txt");
	assert_string_equal(C.path[2], "z y/\xc3\xa9.txt");
	assert_string_equal(C.data[2], "e\r\n");
	assert_int_equal(C.nskip, 3);
	assert_string_equal(C.skip_path[0], "big.txt");
	assert_string_equal(C.skip_reason[0], "too large (21 bytes > 16)");
	assert_string_equal(C.skip_path[1], "dirlink");
	assert_string_equal(C.skip_reason[1], "symlink");
	assert_string_equal(C.skip_path[2], "link");
	assert_string_equal(C.skip_reason[2], "symlink");
	assert_int_equal(S.files, 3);
	assert_int_equal(S.bytes, 6 + 5 + 3);
	assert_int_equal(S.binary, 1);
}

static void test_explicit_paths(void **state)
{
	const char *paths[] = { "./sub/", "link", ".//a.txt", "sub//b.txt" };
	(void)state;
	assert_int_equal(run(paths, 4, NULL, 0), 0);
	assert_int_equal(C.n, 3);
	assert_string_equal(C.path[0], "sub/b.txt");
	assert_string_equal(C.path[1], "a.txt");
	assert_string_equal(C.path[2], "sub/b.txt");
	assert_int_equal(C.nskip, 1);
	assert_string_equal(C.skip_path[0], "link");
	assert_string_equal(C.skip_reason[0], "symlink");
}

static void test_absolute_dir(void **state)
{
	const char *paths[] = { dir };
	char want[300];
	(void)state;
	assert_int_equal(run(paths, 1, NULL, 0), 0);
	snprintf(want, sizeof(want), "%s/a.txt", dir);
	assert_true(C.n >= 1);
	assert_string_equal(C.path[0], want);
}

static void test_missing_and_unreadable(void **state)
{
	const char *missing[] = { "nope.txt" };
	const char *secret[] = { "a.txt" };
	(void)state;
	assert_int_equal(run(missing, 1, NULL, 0), NHG_EUSAGE);
	assert_non_null(strstr(E.message, "nope.txt"));
	if (geteuid() == 0)
		return; /* root reads anything */
	assert_int_equal(chmod("a.txt", 0), 0);
	assert_int_equal(run(secret, 1, NULL, 0), 0);
	assert_int_equal(chmod("a.txt", 0644), 0);
	assert_int_equal(C.n, 0);
	assert_int_equal(C.nskip, 1);
	assert_string_equal(C.skip_reason[0], "Permission denied");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_dot),
		cmocka_unit_test(test_explicit_paths),
		cmocka_unit_test(test_absolute_dir),
		cmocka_unit_test(test_missing_and_unreadable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
