/*
 * Unified diffs (nhg_source_diff): any bytes as `git diff`, `git log -p`,
 * format-patch or `diff -u` output.  Each unit handed to the sink must be
 * well formed: a path, data of whole lines, one new-file line number (from
 * 1) per line; skips carry a path and a reason.  An exclude
 * glob and a small size limit drive the skip paths too.
 */
#include <string.h>

#include "fuzz.h"
#include "nhigate/source.h"

static int on_unit(const nhg_unit *u, void *payload)
{
	size_t lines = 1;

	(void)payload;
	fuzz_require(u->path && *u->path, "a unit has a path");
	fuzz_require(u->data != NULL || u->len == 0, "a unit has data");
	for (size_t i = 0; i < u->len; i++)
		lines += u->data[i] == '\n';
	if (u->lines) {
		fuzz_require(u->nlines >= 1 && u->nlines <= lines,
			     "one line number per added line");
		/* hunks out of order are read as they come: numbers need not increase */
		for (size_t i = 0; i < u->nlines; i++)
			fuzz_require(u->lines[i] >= 1, "line numbers are 1-based");
	}
	if (u->commit)
		fuzz_require(strlen(u->commit) <= 64, "commit is an object id");
	return 0;
}

static int on_skip(const char *path, const char *commit, const char *reason, void *payload)
{
	(void)commit;
	(void)payload;
	fuzz_require(path != NULL && reason != NULL && *reason, "a skip has a path and a reason");
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const exclude[] = { "vendor/", "*.min.js" };
	nhg_sink sink = { on_unit, on_skip, NULL };
	nhg_source_opts opts = NHG_SOURCE_OPTS_INIT;
	nhg_stats st = { 0, 0, 0, 0 };
	nhg_error err = NHG_ERROR_INIT;
	int rc;

	rc = nhg_source_diff((const char *)data, size, NULL, &sink, &st, &err);
	fuzz_check_rc(rc, &err, "nhg_source_diff");
	opts.max_file_size = 64;
	opts.exclude = exclude;
	opts.nexclude = 2;
	memset(&err, 0, sizeof(err));
	rc = nhg_source_diff((const char *)data, size, &opts, &sink, &st, &err);
	fuzz_check_rc(rc, &err, "nhg_source_diff (limits)");
	return 0;
}
