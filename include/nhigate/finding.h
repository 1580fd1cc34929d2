/*
 * Findings of nhigate-secrets: what the engine matched, made self-contained
 * (owned copies), redacted, hashed and fingerprinted, plus what could not be
 * scanned.  A result owns everything in it; free it with nhg_result_free.
 */
#ifndef NHIGATE_FINDING_H
#define NHIGATE_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/error.h"
#include "nhigate/hash.h"
#include "nhigate/scan.h"

typedef struct nhg_finding {
	const nhg_rule *rule;   /* lent by the rule pack */
	nhg_severity severity;  /* the rule's, lowered to low when a check failed */
	int checked;            /* structural check: 1 passed, -1 failed, 0 none */
	char *path;
	char *commit;           /* NULL outside git modes */
	char *author;
	char *date;             /* ISO 8601 with offset, or NULL */
	uint32_t line, column, end_column;
	char *redacted;         /* e.g. "ghp_…(40)" */
	char *secret;           /* the secret itself; NULL unless kept */
	char secret_sha256[NHG_SHA256_HEXLEN + 1];
	char fingerprint[NHG_SHA256_HEXLEN + 1];
	bool allowed_inline;
	bool baselined;
} nhg_finding;

typedef struct nhg_skip {
	char *path;
	char *commit;           /* NULL outside git modes */
	char *reason;           /* "too large (20971520 bytes > 16777216)" */
} nhg_skip;

typedef struct nhg_stats {
	uint64_t commits, files, bytes, binary;
} nhg_stats;

typedef struct nhg_result {
	nhg_finding *findings;
	size_t nfindings, capfindings;
	nhg_skip *skipped;
	size_t nskipped, capskipped;
	nhg_stats stats;
	bool keep_secrets;      /* copy the secret into findings (--no-redact) */
} nhg_result;

void nhg_result_init(nhg_result *r, bool keep_secrets);
void nhg_result_free(nhg_result *r);

/* Add the engine's match m in unit u as a finding (copies everything). */
int nhg_result_add_match(nhg_result *r, const nhg_unit *u, const nhg_match *m);
int nhg_result_add_skip(nhg_result *r, const char *path, const char *commit,
			const char *reason);
/* Sort findings by path, line, column, rule; skips by path. */
void nhg_result_sort(nhg_result *r);
/* Findings that are neither allowed inline nor in the baseline. */
size_t nhg_result_active(const nhg_result *r);

/* "ghp_…(40)": a short prefix of s and its length, malloc'd. */
char *nhg_redact(const char *s, size_t len);
/* sha256 over rule id, path and the secret's sha256: survives line moves. */
void nhg_fingerprint(char out[NHG_SHA256_HEXLEN + 1], const char *rule_id,
		     const char *path, const char *secret_sha256);

/* A baseline: a set of fingerprints read from / written to a JSON file. */
typedef struct nhg_baseline nhg_baseline;
int nhg_baseline_load(nhg_baseline **out, const char *path, nhg_error *err);
void nhg_baseline_free(nhg_baseline *b);
bool nhg_baseline_has(const nhg_baseline *b, const char *fingerprint);
/* Mark findings whose fingerprint the baseline holds. */
void nhg_baseline_apply(const nhg_baseline *b, nhg_result *r);
/* Write every active finding's fingerprint (no secrets) to path. */
int nhg_baseline_write(const nhg_result *r, const char *path, nhg_error *err);

#endif
