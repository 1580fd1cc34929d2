/*
 * The repository's .nhigate.yaml.  Strict: unknown keys are errors with
 * file:line:col.  Sections so far:
 *   secrets:
 *     exclude: ["vendor/", "*.min.js"]     # globs of paths not scanned
 *     max_file_size: 16777216              # bytes; larger files are skipped
 *   pipeline:
 *     checks:                              # per check id (nhg_catalogue_override)
 *       GH-PIN-001: {severity: high, params: {trusted_owners: [actions, my-org]}}
 *   extends: strict                        # a built-in policy profile (gate.h)
 *   policy: {block_on: high, ...}           # the gate's policy (nhg_policy_load)
 */
#ifndef NHIGATE_CONFIG_H
#define NHIGATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "nhigate/error.h"
#include "nhigate/rules.h"

typedef struct nhg_yaml_doc nhg_yaml_doc;
typedef struct nhg_yaml_node nhg_yaml_node;

typedef struct nhg_config {
	char *path;             /* the file read, or NULL when there was none */
	nhg_strlist exclude;
	size_t max_file_size;   /* 0: not set */
	/* pipeline: checks: {ID: {enabled, severity, params}}, or NULL; lent by doc */
	const nhg_yaml_node *pipeline_checks;
	/* policy: and extends: for the gate (nhg_policy_load), or NULL; lent by doc */
	const nhg_yaml_node *policy;
	const nhg_yaml_node *extends;
	char sha256[65];        /* of the file's bytes, "" when there was none */
	nhg_yaml_doc *doc;      /* kept while the config lives */
} nhg_config;

/*
 * Read path into a new config.  When optional is true a missing file gives
 * an empty config; any other problem is an error.
 */
int nhg_config_load(nhg_config **out, const char *path, bool optional, nhg_error *err);
/* The same from bytes already read (e.g. a blob of the base commit). */
int nhg_config_parse(nhg_config **out, const char *data, size_t len, const char *name,
		     nhg_error *err);
void nhg_config_free(nhg_config *cfg);

#endif
