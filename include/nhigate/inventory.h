/*
 * The identity inventory: which non-human identities a repository's
 * pipelines use, who owns each, and when it is renewed or revoked.
 *
 * nhg_inventory_load reads .nhigate/identities.yaml strictly (unknown keys,
 * bad kinds, bad dates and repeated names fail with NHG_EINPUT and
 * file:line:col).  While pipeline files are checked, the identities they use
 * are recorded in an nhg_idusage the caller lends through nhg_presult.uses;
 * nhg_inventory_check then compares both and appends INV-00x findings.
 * Everything an inventory or usage list holds is owned by it.
 */
#ifndef NHIGATE_INVENTORY_H
#define NHIGATE_INVENTORY_H

#include <stdint.h>

#include "nhigate/error.h"
#include "nhigate/pipeline.h"

/* One place a pipeline uses an identity. */
typedef struct nhg_iduse {
	char *name;                /* secret or variable name, role, audience */
	char *path;                /* the pipeline file it is written in */
	uint32_t line, column;
} nhg_iduse;

struct nhg_idusage {
	nhg_iduse *v;
	size_t n, cap;
	int rc;                    /* first recording failure (NHG_ENOMEM), else 0 */
};

void nhg_idusage_init(nhg_idusage *u);
void nhg_idusage_free(nhg_idusage *u);
/* Record a use (copies name and path); a repeat of name at the same place is kept once. */
int nhg_idusage_add(nhg_idusage *u, const char *name, const char *path, uint32_t line,
		    uint32_t column);

typedef struct nhg_inventory nhg_inventory;

/* Load the inventory file at path (identities: list of entries). */
int nhg_inventory_load(nhg_inventory **out, const char *path, nhg_error *err);
void nhg_inventory_free(nhg_inventory *inv);
size_t nhg_inventory_count(const nhg_inventory *inv);


/*
 * Compare inv with the uses recorded over all pipelines of the repository,
 * as of today (YYYY-MM-DD), and append to out: INV-001 for each place an
 * identity not listed is used, INV-002 for entries missing owner, purpose,
 * renew_by or revoke, INV-003 for renew_by before today, INV-004 for entries
 * no pipeline uses.  Names compare without case.  Checks missing from cat or
 * disabled report nothing.
 */
int nhg_inventory_check(const nhg_catalogue *cat, const nhg_inventory *inv,
			const nhg_idusage *uses, const char *today, nhg_presult *out,
			nhg_error *err);

#endif
