/*
 * What the fuzz targets share.  Each fuzz_<name>.c defines the libFuzzer
 * entry points; the same object links either with libFuzzer (make fuzz,
 * clang) or with replay.c (make build, any compiler), which feeds it every
 * file of a corpus so the corpora run as ordinary tests.
 *
 * A target aborts (through fuzz_require) when the library breaks one of its
 * own contracts on an input: a sanitizer report, a leak or an abort is a
 * finding; an input the library refuses cleanly is not.
 */
#ifndef NHG_FUZZ_H
#define NHG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "nhigate/error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message naming the broken contract when cond is false. */
#define fuzz_require(cond, what) fuzz_require_((cond) != 0, (what), __FILE__, __LINE__)
void fuzz_require_(int ok, const char *what, const char *file, int line);

/*
 * The contract of a fallible call: rc is 0 or a negative NHG_E* code, and
 * a failure leaves a one-line message in err.
 */
void fuzz_check_rc(int rc, const nhg_error *err, const char *what);

/* The rule pack directory: $NHIGATE_RULES, else the source tree's rules/. */
const char *fuzz_rules_dir(void);

/* A private temporary directory, made on first use and removed at exit. */
const char *fuzz_tmpdir(void);

/*
 * Write data to the file name under fuzz_tmpdir() and return its path
 * (static storage, valid until the next call); NULL when it failed.
 */
const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (malloc'd; the caller frees it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

struct nhg_unit;
struct nhg_rule;
/* An nhg_scan_cb limit callback that checks a limit names its rule and line. */
int fuzz_on_limit(const struct nhg_unit *u, const struct nhg_rule *r, uint32_t line,
		  void *payload);

struct nhg_verdict;
/*
 * Render v in every gate report format, the GitHub summary and the
 * decision record, and check what a reader relies on: the JSON formats
 * parse, the GitHub output is workflow commands only, and no text output
 * holds an escape byte (terminal injection).
 */
void fuzz_render_verdict(const struct nhg_verdict *v);

#endif
