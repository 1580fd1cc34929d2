/*
 * Secret-detection rule packs.
 *
 * A pack is loaded from YAML files (see README "Rule packs"), validated
 * strictly (unknown keys, duplicate ids, bad regexes are errors with
 * file:line:col) and compiled once.  A loaded pack is immutable and may be
 * shared between threads; rules and their strings are lent by the pack and
 * live until nhg_rulepack_free.
 */
#ifndef NHIGATE_RULES_H
#define NHIGATE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "nhigate/error.h"

typedef enum {
	NHG_SEV_LOW = 1,
	NHG_SEV_MEDIUM,
	NHG_SEV_HIGH,
	NHG_SEV_CRITICAL
} nhg_severity;

const char *nhg_severity_name(nhg_severity sev);
/* 0 and *out set, or NHG_EINPUT for an unknown name. */
int nhg_severity_parse(nhg_severity *out, const char *name);

typedef struct nhg_strlist {
	const char **v;
	size_t n;
} nhg_strlist;

typedef struct nhg_rule {
	const char *id;
	const char *title;
	nhg_severity severity;
	bool generic;          /* yields to any precise rule on the same span */
	bool anchor_identifier; /* try the pattern only where an identifier holding
				   a keyword starts (anchor: identifier) */
	nhg_strlist keywords;  /* lowercase literals for the prefilter */
	const char *pattern;   /* PCRE2, with a named group "secret" */
	double entropy;        /* minimum Shannon bits/byte of the secret, 0: none */
	const char *validate;  /* structural check name, or NULL */
	nhg_strlist allow;     /* regexes on the secret that make it a non-finding */
	nhg_strlist stopwords; /* case-insensitive substrings, same effect */
	nhg_strlist allow_match; /* regexes on the whole match (name, operator,
				    value) that make it a non-finding */
	nhg_strlist paths;     /* globs of paths the rule does not apply to */
	nhg_strlist controls;  /* "OWASP-NHI:NHI2", "NIST-CSF:PR.AA-05" */
	const char *remediation;
	nhg_strlist match;     /* examples that must be found */
	nhg_strlist nomatch;   /* examples that must not be */
	const char *file;      /* where the rule was defined */
	int line, column;
	unsigned index;        /* position in the pack */
} nhg_rule;

typedef struct nhg_rulepack nhg_rulepack;

/*
 * Load rule files.  Each path is a YAML file, or a directory whose
 * secrets/ subdirectory (or, lacking one, the directory itself) holds
 * *.yaml files, read in name order.
 */
int nhg_rulepack_load(nhg_rulepack **out, const char *const *paths, size_t npaths,
		      nhg_error *err);
void nhg_rulepack_free(nhg_rulepack *pack);

size_t nhg_rulepack_count(const nhg_rulepack *pack);
const nhg_rule *nhg_rulepack_rule(const nhg_rulepack *pack, size_t i);
const nhg_rule *nhg_rulepack_find(const nhg_rulepack *pack, const char *id);
/* sha256 over the files the pack was loaded from, in load order. */
const char *nhg_rulepack_sha256(const nhg_rulepack *pack);

/* Pack-wide allow regexes and stopwords (top-level "allow:"/"stopwords:"). */
const nhg_strlist *nhg_rulepack_allow(const nhg_rulepack *pack);
const nhg_strlist *nhg_rulepack_stopwords(const nhg_rulepack *pack);

/* Names of the structural checks a rule may ask for with "validate:". */
bool nhg_validator_known(const char *name);
/* Run the named check on a candidate secret: true when it passes. */
bool nhg_validator_run(const char *name, const char *s, size_t len);

#endif
