/*
 * Fuzz-style robustness of the YAML model and the pipeline checks on
 * truncated and mangled input: the repository's own fixtures and rule packs,
 * cut at sampled points and mutated with a fixed-seed PRNG (deterministic),
 * plus hand-written hostile documents.  Whatever the bytes, nhg_yaml_parse
 * returns 0 with a well-formed tree or NHG_EINPUT with a position and a
 * one-line message, and nhg_pipeline_check returns 0, NHG_EINPUT or
 * NHG_ELIMIT (documented in check.c) with well-formed findings.  Hostile
 * cases run in a child process under alarm() so a hang fails instead of
 * stalling the suite.  Run from the repository root.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nhigate/pipeline.h"
#include "nhigate/yaml.h"

/* ---- deterministic PRNG (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* ---- growable byte buffer ---- */

typedef struct bytes {
	char *p;
	size_t len, cap;
} bytes;

static void b_reserve(bytes *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + extra + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
}

static void b_set(bytes *b, const char *s, size_t n)
{
	b->len = 0;
	b_reserve(b, n);
	if (n)
		memcpy(b->p, s, n);
	b->len = n;
	b->p[n] = '\0';
}

static void b_insert(bytes *b, size_t at, const char *s, size_t n)
{
	b_reserve(b, n);
	memmove(b->p + at + n, b->p + at, b->len - at);
	memcpy(b->p + at, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void b_erase(bytes *b, size_t at, size_t n)
{
	memmove(b->p + at, b->p + at + n, b->len - at - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

static void b_append(bytes *b, const char *s, size_t n)
{
	b_insert(b, b->len, s, n);
}

static void b_puts(bytes *b, const char *s)
{
	b_append(b, s, strlen(s));
}

static void b_appendf(bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void b_appendf(bytes *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	b_append(b, tmp, (size_t)n);
}

static void b_repeat(bytes *b, char c, size_t n)
{
	b_reserve(b, n);
	memset(b->p + b->len, c, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	bytes b = { NULL, 0, 0 };
	char chunk[4096];
	size_t n;
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		b_append(&b, chunk, n);
	fclose(f);
	b_puts(&b, ""); /* an empty file still gets a buffer */
	*len = b.len;
	return b.p;
}

/* ---- lines ---- */

/* Start of the line holding offset at (or the start of the buffer). */
static size_t line_start(const bytes *b, size_t at)
{
	while (at > 0 && b->p[at - 1] != '\n')
		at--;
	return at;
}

/* End of the line starting at s, newline included when present. */
static size_t line_end(const bytes *b, size_t s)
{
	while (s < b->len && b->p[s] != '\n')
		s++;
	return s < b->len ? s + 1 : s;
}

static size_t random_line(const bytes *b)
{
	return line_start(b, rnd_below(b->len + 1));
}

/* ---- the mutations ---- */

static const char significant[] = ":-[]{}&*!|>'\"#%@` \t\n\r";

static void mutate_once(bytes *b)
{
	size_t at = rnd_below(b->len + 1);
	switch (rnd_below(12)) {
	case 0: /* flip a bit */
		if (b->len)
			b->p[rnd_below(b->len)] ^= (char)(1u << rnd_below(8));
		break;
	case 1: { /* insert a YAML-significant character, or NUL */
		size_t k = rnd_below(sizeof(significant)); /* the terminating NUL too */
		b_insert(b, at, &significant[k], 1);
		break;
	}
	case 2: /* delete a byte */
		if (b->len)
			b_erase(b, rnd_below(b->len), 1);
		break;
	case 3: { /* duplicate a line */
		size_t s = random_line(b), e = line_end(b, s);
		char *copy = malloc(e - s + 2);
		assert_non_null(copy);
		memcpy(copy, b->p + s, e - s);
		if (e == s || copy[e - s - 1] != '\n')
			copy[e++ - s] = '\n';
		b_insert(b, s, copy, e - s);
		free(copy);
		break;
	}
	case 4: { /* swap two lines (take one out, put it before another) */
		size_t s = random_line(b), e = line_end(b, s), t;
		char *copy;
		if (e == s)
			break;
		copy = malloc(e - s + 1);
		assert_non_null(copy);
		memcpy(copy, b->p + s, e - s);
		b_erase(b, s, e - s);
		t = random_line(b);
		b_insert(b, t, copy, e - s);
		free(copy);
		break;
	}
	case 5: { /* indent a line */
		static const char *const ind[] = { " ", "  ", "    ", "\t" };
		const char *s = ind[rnd_below(4)];
		b_insert(b, random_line(b), s, strlen(s));
		break;
	}
	case 6: { /* dedent a line */
		size_t s = random_line(b), n = 0;
		while (n < 2 && s + n < b->len && b->p[s + n] == ' ')
			n++;
		b_erase(b, s, n);
		break;
	}
	case 7:
		b_insert(b, at, "&a ", 3);
		break;
	case 8: {
		const char *s = rnd_below(2) ? "*a" : " *a\n";
		b_insert(b, at, s, strlen(s));
		break;
	}
	case 9: { /* a merge key, indented like the line it precedes */
		size_t s = random_line(b), n = 0;
		char ind[64];
		while (s + n < b->len && b->p[s + n] == ' ')
			n++;
		n = n < sizeof(ind) ? n : sizeof(ind);
		memset(ind, ' ', n);
		b_insert(b, s, "<<: *a\n", 7);
		b_insert(b, s, ind, n); /* same indentation */
		break;
	}
	case 10: { /* a very long line */
		size_t n = 1000 + rnd_below(3000);
		bytes l = { NULL, 0, 0 };
		b_appendf(&l, "%s", rnd_below(2) ? "k: " : "");
		b_repeat(&l, "ax-{"[rnd_below(4)], n);
		b_append(&l, "\n", 1);
		b_insert(b, random_line(b), l.p, l.len);
		free(l.p);
		break;
	}
	default: { /* an anchor and its alias on fresh lines */
		static const char a[] = "x: &a {k: v}\n";
		static const char m[] = "y: {<<: *a}\n";
		b_insert(b, random_line(b), a, sizeof(a) - 1);
		b_insert(b, line_end(b, line_start(b, rnd_below(b->len + 1))), m, sizeof(m) - 1);
		break;
	}
	}
}

/* ---- invariants ---- */

/* Pointer set: a tree with aliases (even cyclic ones) is walked once per node. */
typedef struct ptrset {
	const void **slot;
	size_t cap, n;
} ptrset;

static bool ptrset_add(ptrset *s, const void *p)
{
	size_t i;
	if ((s->n + 1) * 2 > s->cap) {
		ptrset g = { NULL, s->cap ? s->cap * 2 : 1024, 0 };
		g.slot = calloc(g.cap, sizeof(*g.slot));
		assert_non_null(g.slot);
		for (i = 0; i < s->cap; i++)
			if (s->slot[i])
				ptrset_add(&g, s->slot[i]);
		free(s->slot);
		*s = g;
	}
	i = (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL) & (s->cap - 1);
	while (s->slot[i]) {
		if (s->slot[i] == p)
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = p;
	s->n++;
	return true;
}

typedef struct walk {
	ptrset seen;
	const nhg_yaml_node **stack;
	size_t n, cap;
} walk;

static void walk_push(walk *w, const nhg_yaml_node *node)
{
	assert_non_null(node);
	if (!ptrset_add(&w->seen, node))
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->stack = realloc(w->stack, w->cap * sizeof(*w->stack));
		assert_non_null(w->stack);
	}
	w->stack[w->n++] = node;
}

/* Every node reachable from the roots: position, kind, sizes, strings. */
static void check_tree(const nhg_yaml_doc *doc)
{
	walk w = { { NULL, 0, 0 }, NULL, 0, 0 };
	assert_non_null(nhg_yaml_doc_filename(doc));
	for (size_t d = 0; d < nhg_yaml_doc_count(doc); d++)
		if (nhg_yaml_doc_root(doc, d))
			walk_push(&w, nhg_yaml_doc_root(doc, d));
	assert_null(nhg_yaml_doc_root(doc, nhg_yaml_doc_count(doc)));
	while (w.n) {
		const nhg_yaml_node *n = w.stack[--w.n];
		size_t items = 0;
		assert_true(n->line >= 1);
		assert_true(n->column >= 1);
		switch (n->kind) {
		case NHG_YAML_SCALAR:
			assert_non_null(n->str);
			assert_int_equal(n->str[n->len], '\0');
			assert_int_equal(n->n, 0);
			continue;
		case NHG_YAML_SEQ:
			items = n->n;
			break;
		case NHG_YAML_MAP:
			items = 2 * n->n;
			break;
		default:
			fail_msg("node kind %d at %d:%d", (int)n->kind, n->line, n->column);
		}
		assert_true(items == 0 || n->items != NULL);
		/* reading the last item lets ASan catch a wrong n */
		for (size_t i = items; i-- > 0;)
			walk_push(&w, n->items[i]);
		if (n->kind == NHG_YAML_MAP) {
			/* the merge-aware look-ups terminate on whatever was parsed */
			const nhg_yaml_node *k, *v;
			size_t it = 0, seen = 0;
			while (nhg_yaml_map_next(n, &it, &k, &v)) {
				assert_non_null(k);
				assert_non_null(v);
				assert_true(++seen <= 1000000);
			}
			(void)nhg_yaml_map_get(n, "no-such-key");
			if (n->n && n->items[0]->kind == NHG_YAML_SCALAR)
				assert_non_null(nhg_yaml_map_get(n, n->items[0]->str) ||
						nhg_yaml_is(n->items[0], "<<") ||
						strlen(n->items[0]->str) != n->items[0]->len);
		}
	}
	free(w.seen.slot);
	free(w.stack);
}

static void check_message(const nhg_error *err, const char *what)
{
	if (!err->message[0] || strchr(err->message, '\n') || strchr(err->message, '\r'))
		fail_msg("%s: bad message '%s'", what, err->message);
}

static const char *cur_name = "?";
static unsigned long n_parsed, n_rejected, n_findings;

static void check_yaml(const char *data, size_t len)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_yaml_doc *doc = NULL;
	int rc = nhg_yaml_parse(&doc, data, len, cur_name, NULL, &err);
	if (rc == 0) {
		assert_non_null(doc);
		check_tree(doc);
		nhg_yaml_free(doc);
		n_parsed++;
		return;
	}
	if (rc != NHG_EINPUT)
		fail_msg("%s: nhg_yaml_parse returned %d: %s", cur_name, rc, err.message);
	assert_null(doc);
	assert_int_equal(err.code, NHG_EINPUT);
	assert_string_equal(err.file, cur_name);
	if (err.line < 1 || err.column < 1)
		fail_msg("%s: error at %d:%d: %s", cur_name, err.line, err.column, err.message);
	check_message(&err, cur_name);
	n_rejected++;
}

static nhg_catalogue *cat;
static pid_t parent_pid;

static void check_pipeline(const char *data, size_t len, nhg_platform platform)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_presult r;
	int rc;
	nhg_presult_init(&r);
	rc = nhg_pipeline_check(cat, platform, cur_name, data, len, &r, &err);
	if (rc != 0 && rc != NHG_EINPUT && rc != NHG_ELIMIT)
		fail_msg("%s (%s): nhg_pipeline_check returned %d: %s", cur_name,
			 nhg_platform_name(platform), rc, err.message);
	if (rc) {
		assert_int_equal(err.code, rc);
		assert_string_equal(err.file, cur_name);
		check_message(&err, cur_name);
	}
	for (size_t i = 0; i < r.n; i++) {
		const nhg_pfinding *f = &r.findings[i];
		assert_non_null(f->check);
		assert_non_null(f->path);
		if (f->line < 1 || f->column < 1 || !f->message || !f->message[0] ||
		    strchr(f->message, '\n'))
			fail_msg("%s (%s): finding %s at %u:%u: '%s'", cur_name,
				 nhg_platform_name(platform), f->check->id, (unsigned)f->line,
				 (unsigned)f->column, f->message ? f->message : "(null)");
		n_findings++;
	}
	nhg_presult_free(&r);
}

static void check_all(const char *data, size_t len)
{
	check_yaml(data, len);
	check_pipeline(data, len, NHG_PLATFORM_GITHUB);
	check_pipeline(data, len, NHG_PLATFORM_GITLAB);
}

/* ---- inputs ---- */

static const char *const inputs[] = {
	"fixtures/pipeline/github/hardened.yml",
	"fixtures/pipeline/github/lifetime.yml",
	"fixtures/pipeline/github/permissions.yml",
	"fixtures/pipeline/github/vulnerable.yml",
	"fixtures/pipeline/gitlab/hardened/.gitlab-ci.yml",
	"fixtures/pipeline/gitlab/hardened/ci/build.yml",
	"fixtures/pipeline/gitlab/vulnerable/.gitlab-ci.yml",
	"fixtures/pipeline/gitlab/vulnerable/ci/templates.yml",
	"rules/pipeline/github.yaml",
	"rules/pipeline/gitlab.yaml",
	"rules/secrets/00-allowlist.yaml",
	"rules/secrets/jfrog.yaml",
};

#define CUTS 64
#define MUTATIONS 200

static int setup(void **state)
{
	static const char *const rules[] = { "rules" };
	nhg_error err = NHG_ERROR_INIT;
	(void)state;
	parent_pid = getpid();
	if (nhg_catalogue_load(&cat, rules, 1, &err) != 0) {
		fprintf(stderr, "catalogue: %s:%d: %s\n", err.file, err.line, err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	nhg_catalogue_free(cat);
	fprintf(stderr, "mangled: %lu parsed, %lu rejected, %lu findings checked\n",
		n_parsed, n_rejected, n_findings);
	return 0;
}

static void test_truncations(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(inputs) / sizeof(*inputs); f++) {
		size_t len;
		char *data = read_all(inputs[f], &len);
		cur_name = inputs[f];
		check_all(data, len); /* the original must pass too */
		rng_state = 0x5eed0000u + f;
		for (size_t c = 0; c < CUTS; c++) {
			/* evenly spread cut points, jittered; the first is empty input */
			size_t cut = c == 0 ? 0 : (len * c) / CUTS + rnd_below(len / CUTS + 1);
			char *copy;
			if (cut > len)
				cut = len;
			/* an exact-size copy so ASan sees any read past the cut */
			copy = malloc(cut ? cut : 1);
			assert_non_null(copy);
			memcpy(copy, data, cut);
			check_all(copy, cut);
			free(copy);
		}
		free(data);
	}
}

static void test_mutations(void **state)
{
	bytes b = { NULL, 0, 0 };
	(void)state;
	for (size_t f = 0; f < sizeof(inputs) / sizeof(*inputs); f++) {
		size_t len;
		char *data = read_all(inputs[f], &len);
		cur_name = inputs[f];
		rng_state = 0xfeed0000u + f;
		for (size_t m = 0; m < MUTATIONS; m++) {
			char *copy;
			size_t k = 1 + rnd_below(3);
			b_set(&b, data, len);
			while (k--)
				mutate_once(&b);
			copy = malloc(b.len ? b.len : 1);
			assert_non_null(copy);
			memcpy(copy, b.p, b.len);
			check_all(copy, b.len);
			free(copy);
		}
		free(data);
	}
	free(b.p);
}

/* ---- hostile documents, each in a child under a time bound ---- */

#define HOSTILE_SECONDS 5

static unsigned hostile_failures;
static const char *volatile stage = "?";

static void on_alarm(int sig)
{
	static const char msg[] = "  hang in ";
	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	(void)!write(2, stage, strlen(stage));
	(void)!write(2, "\n", 1);
	_exit(3);
}

/* A failed assertion in a child returns to cmocka's runner there: end the child. */
static int end_child(void **state)
{
	(void)state;
	if (getpid() != parent_pid)
		_exit(2);
	return 0;
}

/*
 * Check one hostile document in a child process (a crash or a hang fails
 * this case only); the pipeline checks first, then the YAML model walk.
 * Failures are counted, so every case of a test runs; hostile_done asserts.
 */
static void run_bounded(const char *name, const bytes *b)
{
	pid_t pid;
	int st;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *data = b->p ? b->p : "";
		signal(SIGALRM, on_alarm);
		alarm(HOSTILE_SECONDS);
		cur_name = name;
		stage = "nhg_pipeline_check (github)";
		check_pipeline(data, b->len, NHG_PLATFORM_GITHUB);
		stage = "nhg_pipeline_check (gitlab)";
		check_pipeline(data, b->len, NHG_PLATFORM_GITLAB);
		stage = "nhg_yaml_parse and the tree walk (nhg_yaml_map_get/next)";
		check_yaml(data, b->len);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	hostile_failures++;
	if (WIFSIGNALED(st))
		fprintf(stderr, "FAIL hostile '%s': killed by %s\n", name, strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) == 3)
		fprintf(stderr, "FAIL hostile '%s': did not finish in %d s (above)\n", name,
			HOSTILE_SECONDS);
	else
		fprintf(stderr, "FAIL hostile '%s': exit status %d (above)\n", name,
			WEXITSTATUS(st));
}

static void hostile_done(void)
{
	unsigned n = hostile_failures;
	hostile_failures = 0;
	if (n)
		fail_msg("%u hostile case(s) failed", n);
}

static void hostile(const char *name, const char *text, size_t len)
{
	bytes b = { NULL, 0, 0 };
	b_set(&b, text, len);
	run_bounded(name, &b);
	free(b.p);
}

#define HOSTILE(name, lit) hostile(name, lit, sizeof(lit) - 1)

/* Odd but not explosive text: checked in this process (a fork costs more under ASan). */
static void odd(const char *name, const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1); /* exact size: ASan sees a read past the end */
	assert_non_null(copy);
	memcpy(copy, text, len);
	cur_name = name;
	check_all(copy, len);
	free(copy);
}

#define ODD(name, lit) odd(name, lit, sizeof(lit) - 1)

static void test_billion_laughs(void **state)
{
	bytes b = { NULL, 0, 0 };
	(void)state;
	b.len = 0;
	b_puts(&b, "on: push\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (char c = 'b'; c <= 'i'; c++) {
		b_appendf(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 9; i++)
			b_appendf(&b, "%s*%c", i ? ", " : "", c - 1);
		b_puts(&b, "]\n");
	}
	/* the laughs where checks look: env, steps, with, script, variables */
	b_puts(&b, "jobs:\n  j:\n    runs-on: *i\n    env: {X: *i}\n    steps: *i\n"
		      "    script: *i\n    variables: *i\n");
	run_bounded("billion laughs", &b);
	free(b.p);
	hostile_done();
}

static void test_billion_laughs_merge(void **state)
{
	/* nine levels of maps merging nine copies of the level below */
	bytes b = { NULL, 0, 0 };
	(void)state;
	b.len = 0;
	b_puts(&b, "m0: &m0 {k: v}\n");
	for (int l = 1; l <= 9; l++) {
		b_appendf(&b, "m%d: &m%d {<<: [", l, l);
		for (int i = 0; i < 9; i++)
			b_appendf(&b, "%s*m%d", i ? ", " : "", l - 1);
		b_puts(&b, "]}\n");
	}
	b_puts(&b, "on: push\njobs:\n  j: *m9\n  g:\n    <<: *m9\n    steps: [*m9]\n"
		      "job:\n  extends: [m9]\n  <<: *m9\n");
	run_bounded("billion laughs through merge keys", &b);
	free(b.p);
	hostile_done();
}

static void test_deep_nesting(void **state)
{
	bytes b = { NULL, 0, 0 };
	(void)state;
	b_repeat(&b, '[', 200000);
	run_bounded("200000 '['", &b);
	b.len = 0;
	b_repeat(&b, '[', 200000);
	b_repeat(&b, ']', 200000);
	run_bounded("200000 '[' closed", &b);
	b.len = 0;
	b_repeat(&b, '{', 200000);
	run_bounded("200000 '{'", &b);
	b.len = 0;
	for (int i = 0; i < 100000; i++)
		b_puts(&b, "{a: ");
	run_bounded("100000 '{a: '", &b);
	b.len = 0;
	for (int i = 0; i < 300; i++) {
		b_repeat(&b, ' ', (size_t)i);
		b_puts(&b, "- \n");
	}
	run_bounded("300 nested block sequences", &b);
	free(b.p);
	hostile_done();
}

static void test_huge_scalar(void **state)
{
	bytes b = { NULL, 0, 0 };
	(void)state;
	b.len = 0;
	b_puts(&b, "on: push\nk: ");
	b_repeat(&b, 'x', 2u << 20);
	b_puts(&b, "\n");
	run_bounded("2 MB plain scalar", &b);
	b.len = 0;
	b_puts(&b, "k: \"");
	b_repeat(&b, 'y', 2u << 20);
	b_puts(&b, "\"\n");
	run_bounded("2 MB quoted scalar", &b);
	b.len = 0;
	b_puts(&b, "k: |\n");
	for (int i = 0; i < 40000; i++)
		b_puts(&b, "  0123456789012345678901234567890123456789012345678\n");
	run_bounded("2 MB block scalar", &b);
	free(b.p);
	hostile_done();
}

static void test_many_aliases(void **state)
{
	bytes b = { NULL, 0, 0 };
	(void)state;
	b.len = 0;
	b_puts(&b, "on: push\na: &a {runs-on: x, steps: [{run: y}]}\nl:\n");
	for (int i = 0; i < 100000; i++)
		b_puts(&b, "- *a\n");
	run_bounded("100000 aliases", &b);
	b.len = 0;
	b_puts(&b, "on: push\na: &a {runs-on: x, steps: [{run: y}]}\njobs:\n");
	for (int i = 0; i < 2000; i++)
		b_appendf(&b, "  j%d: *a\n", i);
	run_bounded("2000 jobs aliasing one", &b);
	free(b.p);
	hostile_done();
}

static void test_alias_cycles(void **state)
{
	(void)state;
	HOSTILE("self merge", "a: &a {<<: *a}\n");
	HOSTILE("self merge, block", "a: &a\n  <<: *a\n  k: v\n");
	HOSTILE("self sequence", "a: &a [*a, *a]\n");
	HOSTILE("self merge list", "a: &a {<<: [*a, *a, *a, *a, *a, *a, *a, *a], k: v}\n");
	HOSTILE("mutual merge", "a: &a {<<: *b}\nb: &b {<<: *a}\n");
	HOSTILE("github job merging itself",
		"on: push\njobs:\n  j: &j\n    <<: *j\n    runs-on: x\n    steps: &s [*s, {uses: a/b@v1}]\n");
	HOSTILE("github job merging itself, wide",
		"on: push\njobs: &j\n  <<: [*j, *j, *j, *j, *j, *j, *j, *j]\n  j: {runs-on: x, permissions: write-all}\n");
	HOSTILE("gitlab job merging itself",
		"job: &j\n  <<: *j\n  script: *j\n  extends: job\n  image: alpine:latest\n");
	HOSTILE("gitlab job merging itself, wide",
		"job: &j\n  <<: [*j, *j, *j, *j, *j, *j, *j, *j]\n  script: [x]\n  variables: *j\n");
	HOSTILE("gitlab extends cycle",
		"a:\n  extends: b\n  script: [x]\nb:\n  extends: a\n");
	HOSTILE("gitlab !reference cycle",
		"a:\n  script: !reference [b, script]\nb:\n  script: !reference [a, script]\n");
	hostile_done();
}

static void test_odd_text(void **state)
{
	(void)state;
	ODD("empty", "");
	ODD("only comments", "# one\n# two\n   # three\n");
	ODD("only ---", "---\n");
	ODD("only --- many", "---\n---\n...\n---\n");
	ODD("only ...", "...\n");
	ODD("tabs in indentation", "on: push\njobs:\n\tj:\n\t\truns-on: x\n");
	ODD("tab after key", "on:\tpush\njobs:\n  j:\n    runs-on:\tx\n");
	ODD("BOM", "\xef\xbb\xbfon: push\njobs:\n  j:\n    permissions: write-all\n");
	ODD("BOM twice", "\xef\xbb\xbf\xef\xbb\xbfon: push\n");
	ODD("CRLF", "on: push\r\njobs:\r\n  j:\r\n    runs-on: x\r\n    steps:\r\n"
			"      - uses: a/b@v1\r\n      - run: echo ${{ github.event.issue.title }}\r\n");
	ODD("CR only", "on: push\rjobs:\r  j:\r    runs-on: x\r");
	ODD("NUL in plain", "on: push\njobs:\n  j\0:\n    runs-on: x\n");
	ODD("NUL at end", "on: push\n\0");
	ODD("escaped NUL", "\"a\\0b\": 1\nj: {image: \"x\\0:latest\", script: [\"\\0\"]}\n");
	ODD("NUL only", "\0\0\0");
	ODD("invalid UTF-8", "on: push\njobs:\n  j\xff:\n    runs-on: x\n");
	ODD("overlong UTF-8", "k: \xc0\xaf\n");
	ODD("surrogate UTF-8", "k: \xed\xa0\x80\n");
	ODD("truncated UTF-8", "k: \xe2\x82");
	ODD("UTF-16 BOM", "\xff\xfek\0:\0 \0v\0");
	ODD("directive", "%YAML 1.1\n%TAG ! tag:x,2000:\n---\non: push\n");
	ODD("bad directive", "%YAML 9.9\n---\na: 1\n");
	ODD("tags everywhere", "!!map\n!x on: !!seq [push]\njobs: !reference [a, b]\n");
	ODD("complex keys", "? [a, b]\n: c\n? {x: y}\n: z\njobs:\n  ? j\n  : runs-on: x\n");
	ODD("duplicate keys", "on: push\non: pull_request\njobs:\n  j: {}\n  j: {}\n");
	ODD("duplicate quoted multi-line key", "\"a\\nb\": 1\n\"a\\nb\": 2\n");
	ODD("duplicate key with CR", "\"a\\rb\": 1\n\"a\\rb\": 2\n");
	ODD("unknown alias", "a: *nope\n");
	ODD("anchors across documents", "a: &a 1\n---\nb: *a\n");
	ODD("scalar document", "just a string\n");
	ODD("sequence document", "- on\n- push\n");
	ODD("wrong types", "on: push\njobs: [1, 2]\npermissions: [write]\nenv: 3\n"
			       "stages: {a: b}\ninclude: 7\nvariables: [x]\ndefault: []\n");
	ODD("null everywhere", "on:\njobs:\n  j:\n    steps:\n      -\n      - uses:\n    env:\n");
}

/* Invalid UTF-8 is an input error for the pipeline checks, on both platforms. */
static void test_invalid_utf8_rejected(void **state)
{
	static const char *const bad[] = {
		"on: push\njobs:\n  j\xff:\n    runs-on: x\n",
		"k: \xc0\xaf\n",             /* overlong */
		"k: \xed\xa0\x80\n",         /* surrogate */
		"k: \xe2\x82",                /* truncated */
		"k: \xf4\x90\x80\x80\n",     /* beyond U+10FFFF */
		"job:\n  script: [\"\x80\"]\n", /* lone continuation byte */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		for (int p = NHG_PLATFORM_GITHUB; p <= NHG_PLATFORM_GITLAB; p++) {
			nhg_error err = NHG_ERROR_INIT;
			nhg_presult r;
			nhg_presult_init(&r);
			assert_int_equal(nhg_pipeline_check(cat, (nhg_platform)p, "u.yml", bad[i],
							    strlen(bad[i]), &r, &err),
					 NHG_EINPUT);
			assert_int_equal(r.n, 0);
			assert_string_equal(err.file, "u.yml");
			check_message(&err, "u.yml");
			nhg_presult_free(&r);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_billion_laughs, end_child),
		cmocka_unit_test_teardown(test_billion_laughs_merge, end_child),
		cmocka_unit_test_teardown(test_deep_nesting, end_child),
		cmocka_unit_test_teardown(test_huge_scalar, end_child),
		cmocka_unit_test_teardown(test_many_aliases, end_child),
		cmocka_unit_test_teardown(test_alias_cycles, end_child),
		cmocka_unit_test_teardown(test_odd_text, end_child),
		cmocka_unit_test_teardown(test_invalid_utf8_rejected, end_child),
		/* last: forks for the hostile cases are cheaper from a small heap */
		cmocka_unit_test_teardown(test_truncations, end_child),
		cmocka_unit_test_teardown(test_mutations, end_child),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
