/*
 * Inside the SARIF reader (import_sarif.c, import_sarif_loc.c,
 * import_sarif_text.c): the state of the run being read and the steps one
 * file lends another.  Errors go through the nhg_import of the run and name
 * where in the document they are; strings put in a finding are malloc'd
 * copies the verdict owns.
 */
#ifndef NHG_GATE_IMPORT_SARIF_H
#define NHG_GATE_IMPORT_SARIF_H

#include "gate/import.h"

/* One run of the log while it is read; nhg_import_sarif frees tool, comps and ids. */
typedef struct run_ctx {
	nhg_import *x;
	size_t index;
	char *tool;             /* tool.driver.name, owned */
	json_t *comps;          /* [driver, extensions...], owned */
	json_t *ids;            /* "<component>\x1f<rule id>" -> descriptor, owned */
	json_t *artifacts;      /* run.artifacts, or NULL */
	json_t *bases;          /* run.originalUriBaseIds, or NULL */
} run_ctx;

/* o[key] as an index into *out: -1 when absent or null; else an integer >= -1. */
int nhg_sarif__get_index(nhg_import *x, const json_t *o, const char *key, long long *out,
			 const char *where);

/* f's path (a copy, "" if none), line and columns from res's first location; *snippet lent. */
int nhg_sarif__result_location(run_ctx *r, const json_t *res, const char *where,
			       nhg_gfinding *f, const char **snippet);

/* o[key] as a multiformat message string: *out lends its text, else its markdown, else NULL. */
int nhg_sarif__text_of(nhg_import *x, const json_t *o, const char *key, const char **out,
		       const char *where);

/* *out (malloc'd): res's message, else desc's messageStrings[id] or f's title, one line. */
int nhg_sarif__result_message(run_ctx *r, const json_t *res, const json_t *desc,
			      const nhg_gfinding *f, const char *where, const char *dwhere,
			      char **out);

/* f's title, help and controls from desc (may be NULL) and res's tags; f->rule must be set. */
int nhg_sarif__describe(run_ctx *r, const json_t *res, const json_t *desc, nhg_gfinding *f,
			const char *where, const char *dwhere);

/* f->fingerprint (see import_sarif.c); needs f's tool, rule, path and message set. */
int nhg_sarif__fingerprint(run_ctx *r, const json_t *res, nhg_gfinding *f, const char *snippet,
			   const char *where);

#endif
