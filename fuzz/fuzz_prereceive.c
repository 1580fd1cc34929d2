/*
 * Pre-receive input ("OLD NEW REF" lines) over a small repository made at
 * start-up: two commits on main (the second adds a credential) and a side
 * branch.  Since a fuzzer cannot guess object ids, the tokens $0, $1, $2
 * and $3 in the input stand for the zero id and the three commits.  Each
 * input runs through the three readers of a push: the scan
 * (nhg_source_git), the sides the policy is read from
 * (nhg_source_git_sides) and the changed files (nhg_source_git_files).
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nhigate/buf.h"
#include "nhigate/source.h"

static char repo[600];
static char oid[4][GIT_OID_HEXSZ + 1];

static void die(const char *what)
{
	const git_error *e = git_error_last();
	fprintf(stderr, "fuzz_prereceive: %s: %s\n", what, e ? e->message : "?");
	exit(2);
}

/* A commit of one file on refname, with parent (or none); fixed dates. */
static void commit(git_repository *r, git_oid *out, const char *refname, const char *file,
		   const char *text, const git_oid *parent, int64_t when)
{
	git_oid blob, tree_id;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_commit *p = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[1];

	if (git_blob_create_from_buffer(&blob, r, text, strlen(text)) ||
	    git_treebuilder_new(&tb, r, NULL) ||
	    git_treebuilder_insert(NULL, tb, file, &blob, GIT_FILEMODE_BLOB) ||
	    git_treebuilder_write(&tree_id, tb) || git_tree_lookup(&tree, r, &tree_id) ||
	    git_signature_new(&sig, "Fuzz", "fuzz@example.org", when, 0) ||
	    (parent && git_commit_lookup(&p, r, parent)))
		die("make a commit");
	parents[0] = p;
	if (git_commit_create(out, r, refname, sig, sig, NULL, "change", tree, p ? 1 : 0, parents))
		die("write a commit");
	git_commit_free(p);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	git_repository *r = NULL;
	git_oid a, b, c;

	(void)argc;
	(void)argv;
	unsetenv("GIT_DIR");
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_QUARANTINE_PATH");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	nhg_source_git_global_init();
	snprintf(repo, sizeof(repo), "%s/repo", fuzz_tmpdir());
	if (git_repository_init(&r, repo, 0))
		die("init");
	commit(r, &a, "refs/heads/main", "README", "hello\n", NULL, 1767323045);
	commit(r, &b, "refs/heads/main", "app.py",
	       /* a fake key, split so that this source holds none */
	       "key = 'AKIA" "QYLPMN5HHHFPZAM2'\n",
	       &a, 1767323105);
	commit(r, &c, "refs/heads/side", "ci.yml",
	       "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
	       &a, 1767323165);
	git_repository_free(r);
	memset(oid[0], '0', GIT_OID_HEXSZ);
	git_oid_tostr(oid[1], sizeof(oid[1]), &a);
	git_oid_tostr(oid[2], sizeof(oid[2]), &b);
	git_oid_tostr(oid[3], sizeof(oid[3]), &c);
	return 0;
}

/* The input with $0..$3 replaced by object ids. */
static char *expand(const uint8_t *data, size_t size)
{
	nhg_buf b = NHG_BUF_INIT(64u << 20);
	char *s;

	for (size_t i = 0; i < size; i++) {
		int rc;
		if (data[i] == '$' && i + 1 < size && data[i + 1] >= '0' && data[i + 1] <= '3')
			rc = nhg_buf_puts(&b, oid[data[++i] - '0']);
		else
			rc = nhg_buf_putc(&b, (char)data[i]);
		fuzz_require(rc == 0, "expand the input");
	}
	s = nhg_buf_detach(&b, NULL);
	fuzz_require(s != NULL, "expand the input");
	return s;
}

static int on_unit(const nhg_unit *u, void *payload)
{
	(void)payload;
	fuzz_require(u->path && u->commit && strlen(u->commit) == GIT_OID_HEXSZ,
		     "a pushed unit names its path and commit");
	return 0;
}

static int on_skip(const char *path, const char *commit, const char *reason, void *payload)
{
	(void)commit;
	(void)payload;
	fuzz_require(path && reason && *reason, "a skip has a path and a reason");
	return 0;
}

static bool want_all(const char *path, void *payload)
{
	(void)payload;
	return path != NULL;
}

static int on_file(const nhg_changed_file *f, void *payload)
{
	(void)payload;
	fuzz_require(f->path && (f->data || !f->len || f->skip), "a changed file");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = expand(data, size);
	nhg_source_opts opts = NHG_SOURCE_OPTS_INIT;
	nhg_sink sink = { on_unit, on_skip, NULL };
	nhg_stats st = { 0, 0, 0, 0 };
	nhg_git_sides sides;
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	opts.repo = repo;
	rc = nhg_source_git(NHG_GIT_PUSH, spec, &opts, &sink, &st, &err);
	fuzz_check_rc(rc, &err, "nhg_source_git (push)");
	memset(&err, 0, sizeof(err));
	rc = nhg_source_git_sides(&sides, NHG_GIT_PUSH, spec, repo, &err);
	fuzz_check_rc(rc, &err, "nhg_source_git_sides (push)");
	if (rc == 0)
		fuzz_require(strlen(sides.base) <= NHG_GIT_HEXLEN && strlen(sides.head) <= NHG_GIT_HEXLEN,
			     "sides are object ids");
	memset(&err, 0, sizeof(err));
	rc = nhg_source_git_files(NHG_GIT_PUSH, spec, &opts, want_all, on_file, NULL, &err);
	fuzz_check_rc(rc, &err, "nhg_source_git_files (push)");
	free(spec);
	return 0;
}
