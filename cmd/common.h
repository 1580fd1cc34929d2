/* What the nhigate binaries share: exit codes, rule lookup, output. */
#ifndef NHG_CMD_COMMON_H
#define NHG_CMD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "nhigate/buf.h"
#include "nhigate/error.h"
#include "nhigate/finding.h"
#include "nhigate/pipeline.h"
#include "nhigate/rules.h"

/* Exit codes of every binary (SPEC "Common behaviour"). */
enum {
	EXIT_PASS = 0,     /* nothing found / merge allowed */
	EXIT_FOUND = 1,    /* findings / merge blocked */
	EXIT_INPUT = 2,    /* usage or input error */
	EXIT_INTERNAL = 3  /* internal error or incomplete scan */
};

#define MAX_RULE_DIRS 32

typedef struct cli_common {
	const char *prog;
	const char *rules[MAX_RULE_DIRS];
	size_t nrules;
	const char *config;
	const char *format;
	const char *output;
	bool quiet;
} cli_common;

/* The exit code for a library error code. */
int cli_exit_for(int code);
/* Print "prog: file:line:col: message" on stderr; returns cli_exit_for(err->code). */
int cli_fail(const char *prog, const nhg_error *err);
/* Print "prog: message" on stderr and return EXIT_INPUT. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * 0 when format is one of choices ("text, json"), else a usage error naming
 * them (exit code EXIT_INPUT).
 */
int cli_check_format(const char *prog, const char *format, const char *choices);

/*
 * The rule packs named by --rules, or the default ones: $NHIGATE_RULES, the
 * installed share/nhigate/rules, or share/nhigate/rules or rules/ relative
 * to the binary.  The loaders below resolve them first.
 */
int cli_resolve_rules(cli_common *c, nhg_error *err);
/* Add a --rules PATH; a usage error (printed) past MAX_RULE_DIRS. */
int cli_add_rules(cli_common *c, const char *path);
/* The secret-detection rules of those packs. */
int cli_load_rules(nhg_rulepack **out, cli_common *c, nhg_error *err);
/* The pipeline check definitions of those packs. */
int cli_load_catalogue(nhg_catalogue **out, cli_common *c, nhg_error *err);

/* Write buf to path (or stdout when path is NULL or "-"). */
int cli_write(const char *path, const nhg_buf *b, nhg_error *err);

/*
 * Read a pre-receive hook's input ("OLD NEW REF" lines) from stdin into b,
 * which the caller frees; bounded at 1 MiB.
 */
int cli_read_push_input(nhg_buf *b, nhg_error *err);

/* True when stderr is a terminal and progress was not silenced. */
bool cli_progress_enabled(const cli_common *c);

/* Progress of a scan on stderr, at most four times a second. */
typedef struct cli_progress {
	struct timespec last;
	bool shown;
} cli_progress;

/* An nhg_scan_source progress callback; payload is a cli_progress. */
void cli_show_progress(const nhg_stats *st, size_t nfindings, void *payload);
/* Clear the progress line, if one was shown. */
void cli_progress_done(cli_progress *p);

#endif
