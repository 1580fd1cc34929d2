/*
 * Sources: produce the bytes to scan as nhg_unit values, pushed to a sink.
 *
 * Whole files (paths, and files added whole in git modes) arrive as one unit
 * with lines == NULL.  Modified files in diff modes arrive as the added lines
 * only, with their new-file line numbers.  Anything that cannot be scanned
 * (too large, unreadable, a submodule) is reported to the sink's skip
 * callback with a reason; binary content is counted in stats->binary.  A
 * sink callback returning non-zero stops the source with NHG_ESTOP.
 */
#ifndef NHIGATE_SOURCE_H
#define NHIGATE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/buf.h"
#include "nhigate/error.h"
#include "nhigate/finding.h"
#include "nhigate/scan.h"

typedef struct nhg_sink {
	int (*unit)(const nhg_unit *unit, void *payload);
	int (*skip)(const char *path, const char *commit, const char *reason,
		    void *payload);
	void *payload;
} nhg_sink;

typedef struct nhg_source_opts {
	unsigned version;
	size_t max_file_size;        /* larger blobs/files are skipped */
	const char *const *exclude;  /* globs of paths not to scan */
	size_t nexclude;
	const char *repo;            /* repository directory (git modes) */
} nhg_source_opts;

#define NHG_SOURCE_OPTS_VERSION 1
#define NHG_SOURCE_OPTS_INIT { NHG_SOURCE_OPTS_VERSION, 16u << 20, NULL, 0, "." }

/* Files and directories (recursively; symlinks are not followed). */
int nhg_source_paths(const char *const *paths, size_t npaths,
		     const nhg_source_opts *opts, const nhg_sink *sink,
		     nhg_stats *stats, nhg_error *err);

/* A unified diff (git diff, diff -u): the added lines of each file. */
int nhg_source_diff(const char *data, size_t len, const nhg_source_opts *opts,
		    const nhg_sink *sink, nhg_stats *stats, nhg_error *err);

typedef enum {
	NHG_GIT_RANGE = 1,  /* spec "A..B": commits in B not in A */
	NHG_GIT_COMMIT,     /* spec REV: that commit against its first parent */
	NHG_GIT_STAGED,     /* the index against HEAD */
	NHG_GIT_ALL,        /* every commit reachable from any ref */
	NHG_GIT_PUSH        /* spec: pre-receive input, "OLD NEW REF" lines: the
			       commits no existing ref reaches; deletions skipped */
} nhg_git_mode;

/*
 * Each commit is diffed against its first parent (a root commit against the
 * empty tree).  A blob added whole is scanned once per call, however many
 * commits carry it.  Unknown revisions fail with NHG_EUSAGE.
 */
int nhg_source_git(nhg_git_mode mode, const char *spec,
		   const nhg_source_opts *opts, const nhg_sink *sink,
		   nhg_stats *stats, nhg_error *err);

/*
 * A file that a change leaves in place: its new content and its content
 * before the change (base NULL when the change adds it).  Lent for the call.
 */
typedef struct nhg_changed_file {
	const char *path;
	const char *data;
	size_t len;
	const char *base;
	size_t base_len;
	const char *skip;     /* why it cannot be checked (too large), else NULL */
} nhg_changed_file;

/*
 * The files a change touches and leaves in place, for which want(path) is
 * true, each handed to fn.  The base is the merge base of A and B for
 * NHG_GIT_RANGE, the first parent for NHG_GIT_COMMIT, HEAD for
 * NHG_GIT_STAGED (the new side is then the index); NHG_GIT_ALL is a usage
 * error.  A callback returning non-zero stops with NHG_ESTOP.
 */
int nhg_source_git_files(nhg_git_mode mode, const char *spec, const nhg_source_opts *opts,
			 bool (*want)(const char *path, void *payload),
			 int (*fn)(const nhg_changed_file *file, void *payload),
			 void *payload, nhg_error *err);

/* What nhg_source_scan reads: one of a git mode, a diff file, or paths. */
typedef struct nhg_scan_source {
	nhg_git_mode git;            /* 0: not a git mode */
	const char *spec;            /* the git mode's argument (push: the input) */
	const char *diff;            /* unified diff file, "-" for stdin, or NULL */
	const char *const *paths;    /* otherwise: files and directories */
	size_t npaths;
	const nhg_source_opts *opts;
	/* called before each unit, e.g. to show progress; may be NULL */
	void (*progress)(const nhg_stats *stats, size_t nfindings, void *payload);
	void *payload;
	uint64_t deadline;           /* nhg_clock_ns() value to stop at; 0: none */
} nhg_scan_source;

/*
 * Scan src with scanner into out: every match a finding, every skip and
 * every line a rule could not finish (regex limits) a skipped entry.  When
 * the deadline passes the scan stops with NHG_ESTOP (what was found is kept).
 */
int nhg_source_scan(nhg_result *out, nhg_scanner *scanner, const nhg_scan_source *src,
		    nhg_error *err);

#define NHG_GIT_HEXLEN 64

/* The sides of a change as hex object ids ("" when there is none). */
typedef struct nhg_git_sides {
	char base[NHG_GIT_HEXLEN + 1];  /* where policy is read from */
	char head[NHG_GIT_HEXLEN + 1];  /* the new tip ("" for the index) */
	char ref[256];                  /* push: the ref updated, else "" */
} nhg_git_sides;

/*
 * The base and head of a change: A and B of a range "A..B" (the target
 * branch and the change), a commit and its first parent, HEAD for staged
 * changes; for a push the old tip of the first ref it moves, or the
 * repository's HEAD when it only creates refs.
 */
int nhg_source_git_sides(nhg_git_sides *out, nhg_git_mode mode, const char *spec,
			 const char *repo, nhg_error *err);

/*
 * Read the file at path in revision rev into out (bounded by out->max).
 * *found is false, and 0 returned, when rev's tree has no such path.
 */
int nhg_source_git_read(struct nhg_buf *out, bool *found, const char *repo, const char *rev,
			const char *path, nhg_error *err);

/*
 * Keep libgit2 set up for the life of the process.  Each git function here
 * sets it up and tears it down again, and the set-up reads the system's CA
 * certificates (some milliseconds); a binary making several git calls calls
 * this once first.  Never undone: the process exit ends it.
 */
int nhg_source_git_global_init(void);

/*
 * Write the directory dir of revision rev ("" or NULL: the whole tree) of
 * the repository at or above repo into a new private directory (mkdtemp,
 * mode 0700, under $TMPDIR or /tmp) and set *out to its path (malloc'd),
 * which the caller removes with nhg_source_git_export_remove.  Only files
 * and directories are written: a symbolic link or a submodule in dir is
 * NHG_EINPUT, as are more than 10,000 entries, 64 MiB or 16 levels.  An
 * unknown revision, or one without dir as a directory, is NHG_EUSAGE.  On
 * failure nothing is left on disk and *out is untouched.
 */
int nhg_source_git_export(char **out, const char *repo, const char *rev, const char *dir,
			  nhg_error *err);
/* Remove a directory made by nhg_source_git_export, then free path; NULL is harmless. */
void nhg_source_git_export_remove(char *path);

#endif
