/*
 * The repository's .nhigate.yaml.  Strict: unknown keys are errors with
 * file:line:col.  Sections so far:
 *   secrets:
 *     exclude: ["vendor/", "*.min.js"]     # globs of paths not scanned
 *     max_file_size: 16777216              # bytes; larger files are skipped
 */
#ifndef NHIGATE_CONFIG_H
#define NHIGATE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "nhigate/error.h"
#include "nhigate/rules.h"

typedef struct nhg_config {
	char *path;             /* the file read, or NULL when there was none */
	nhg_strlist exclude;
	size_t max_file_size;   /* 0: not set */
} nhg_config;

/*
 * Read path into a new config.  When optional is true a missing file gives
 * an empty config; any other problem is an error.
 */
int nhg_config_load(nhg_config **out, const char *path, bool optional, nhg_error *err);
void nhg_config_free(nhg_config *cfg);

#endif
