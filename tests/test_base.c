/* Base helpers: bounded buffers, globs, entropy, terminal-safe escaping, hashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nhigate/array.h"
#include "nhigate/buf.h"
#include "nhigate/glob.h"
#include "nhigate/hash.h"
#include "nhigate/text.h"

static void test_buf_limit(void **state)
{
	nhg_buf b = NHG_BUF_INIT(8);
	(void)state;
	assert_string_equal(b.ptr, "");
	assert_int_equal(nhg_buf_puts(&b, "abcd"), 0);
	assert_int_equal(nhg_buf_printf(&b, "%d", 123), 0);
	assert_string_equal(b.ptr, "abcd123");
	/* the write that would pass the maximum fails and changes nothing */
	assert_int_equal(nhg_buf_puts(&b, "xy"), NHG_ELIMIT);
	assert_string_equal(b.ptr, "abcd123");
	assert_int_equal(b.len, 7);
	assert_int_equal(nhg_buf_putc(&b, 'z'), 0);
	nhg_buf_free(&b);
	assert_string_equal(b.ptr, "");
}

static void test_array_reserve(void **state)
{
	int *v = NULL;
	size_t n = 0, cap = 0;
	(void)state;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(NHG_ARRAY_RESERVE(v, n, cap, 4), 0);
		assert_true(cap > n);
		v[n++] = i;
	}
	assert_int_equal(cap, 128); /* 4, 8, ... doubling */
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], i);
	free(v);
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(nhg_glob_match("*.lock", "a/b/Cargo.lock"));
	assert_false(nhg_glob_match("*.lock", "a/b/Cargo.locks"));
	assert_true(nhg_glob_match("deploy/**", "deploy/x/y.yaml"));
	assert_false(nhg_glob_match("deploy/**", "src/deploy/x"));
	assert_true(nhg_glob_match("**/fixtures/*.json", "a/b/fixtures/k.json"));
	assert_true(nhg_glob_match("**/fixtures/*.json", "fixtures/k.json"));
	assert_false(nhg_glob_match("**/fixtures/*.json", "fixtures/sub/k.json"));
	assert_true(nhg_glob_match("src/*.c", "src/main.c"));
	assert_false(nhg_glob_match("src/*.c", "src/x/main.c"));
	assert_true(nhg_glob_match("vendor/", "vendor/a/b.go"));
	assert_true(nhg_glob_match("f?le.[ch]", "dir/file.h"));
	assert_false(nhg_glob_match("f?le.[ch]", "dir/file.o"));
	assert_true(nhg_glob_match("test[!0-9].txt", "testa.txt"));
	assert_false(nhg_glob_match("test[!0-9].txt", "test1.txt"));
}

/*
 * Patterns that backtrack without end in a naive matcher (the fuzzer found
 * a run of 116 stars in a rule's paths): the answers, in polynomial time.
 */
static void test_glob_hostile(void **state)
{
	char stars[256], path[1100], alt[200];
	size_t n = 0;
	(void)state;

	memset(stars, '*', 116);
	memcpy(stars + 116, "/*.snap", sizeof("/*.snap"));
	assert_false(nhg_glob_match(stars, "pack.yaml"));
	assert_true(nhg_glob_match(stars, "a/b/c.snap"));
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(alt + n, sizeof(alt) - n, "*a");
	snprintf(alt + n, sizeof(alt) - n, "*b");
	memset(path, 'a', 1000);
	path[1000] = '\0';
	assert_false(nhg_glob_match(alt, path));
	path[999] = 'b';
	assert_true(nhg_glob_match(alt, path));
	n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(alt + n, sizeof(alt) - n, "**/");
	snprintf(alt + n, sizeof(alt) - n, "x");
	for (size_t i = 0; i < 998; i += 2)
		path[i] = 'd', path[i + 1] = '/';
	path[998] = 'y';
	path[999] = '\0';
	assert_false(nhg_glob_match(alt, path));
	path[998] = 'x';
	assert_true(nhg_glob_match(alt, path));
}

static void test_entropy(void **state)
{
	(void)state;
	assert_true(nhg_text_entropy("aaaaaaaa", 8) == 0.0);
	assert_true(nhg_text_entropy("abababab", 8) == 1.0);
	assert_true(nhg_text_entropy("0123456789abcdef", 16) == 4.0);
	assert_true(nhg_text_entropy("", 0) == 0.0);
}

static void test_escape(void **state)
{
	nhg_buf b = NHG_BUF_INIT(1024);
	const char hostile[] = "a\x1b[31mred\n\tb\xff\xc3\xa9\xc2\x9b\\";
	(void)state;
	assert_int_equal(nhg_text_escape(&b, hostile, sizeof(hostile) - 1), 0);
	/* ESC, newline, tab, invalid byte, C1 CSI and backslash escaped; é kept */
	assert_string_equal(b.ptr, "a\\x1b[31mred\\n\\tb\\xff\xc3\xa9\\xc2\\x9b\\\\");
	nhg_buf_free(&b);
	assert_true(nhg_text_is_utf8("caf\xc3\xa9", 5));
	assert_false(nhg_text_is_utf8("caf\xe9", 4));
	assert_false(nhg_text_is_utf8("\xed\xa0\x80", 3)); /* a surrogate */
	assert_true(nhg_text_is_binary("ab\0cd", 5));
	assert_false(nhg_text_is_binary("abcd", 4));
}

static void test_hashes(void **state)
{
	char hex[65];
	nhg_sha256_ctx *c;
	(void)state;
	nhg_sha256_hex(hex, "abc", 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	c = nhg_sha256_new();
	nhg_sha256_update(c, "a", 1);
	nhg_sha256_update(c, "bc", 2);
	nhg_sha256_final_hex(c, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(nhg_crc32("123456789", 9), 0xCBF43926u);
}

static void test_error_format(void **state)
{
	nhg_error err = NHG_ERROR_INIT;
	char line[256];
	(void)state;
	assert_int_equal(nhg_error_at(&err, NHG_EINPUT, "r.yaml", 3, 7, "bad %s\nthing", "key"),
			 NHG_EINPUT);
	nhg_error_format(&err, line, sizeof(line));
	assert_string_equal(line, "r.yaml:3:7: bad key thing");
	assert_int_equal(nhg_error_set(NULL, NHG_EIO, "ignored"), NHG_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_array_reserve),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_glob_hostile),
		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_error_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
