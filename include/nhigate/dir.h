/* Directory listings for rule and check packs. */
#ifndef NHIGATE_DIR_H
#define NHIGATE_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "nhigate/error.h"

/*
 * The *.yaml and *.yml files of dir (not hidden), as "dir/name" paths in
 * name order.  *out (and each string) belongs to the caller: nhg_dir_free.
 */
/* True when a file name ends in .yaml or .yml (with something before it). */
bool nhg_dir_is_yaml(const char *name);

int nhg_dir_yaml_files(char ***out, size_t *n, const char *dir, nhg_error *err);
void nhg_dir_free(char **v, size_t n);

#endif
