/*
 * The audit: a period's decisions read back from the decision log and
 * summed per control id, with the log's chain verified in the same pass.
 *
 * nhg_audit_run streams the log one record at a time; an nhg_audit holds
 * only sums and bounded lists (break-glass events, rule and waiver tallies;
 * what passes a bound is counted, never silently dropped), so its size
 * does not grow with the log.  The renderers (lib/report/audit.c) turn an
 * nhg_audit into Markdown or JSON and touch no file.  Everything in an
 * nhg_audit belongs to it; strings are NUL-terminated UTF-8 copies.
 */
#ifndef NHIGATE_AUDIT_H
#define NHIGATE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/buf.h"
#include "nhigate/decision_log.h"
#include "nhigate/error.h"

#define NHG_AUDIT_CONTROLS 17
#define NHG_AUDIT_MAX_KEYS 2000        /* distinct names one tally keeps */
#define NHG_AUDIT_MAX_BREAKGLASS 10000 /* break-glass events listed */
#define NHG_AUDIT_MAX_LET_THROUGH 20   /* findings listed per break-glass event */
#define NHG_AUDIT_MAX_TEXT 512         /* bytes kept of an actor, reason, path */
#define NHG_AUDIT_MAX_NAME 128         /* bytes kept of a rule or waiver id */
#define NHG_AUDIT_MAX_BG_BYTES (16u << 20)   /* text kept for break-glass events */

/*
 * A bounded count of names: rules, waivers (a name past NHG_AUDIT_MAX_NAME
 * bytes is kept cut, ending in "…").  Sorted by count when the run ends.
 */
typedef struct nhg_audit_item {
	char *name;
	uint64_t n;
} nhg_audit_item;

typedef struct nhg_audit_tally {
	nhg_audit_item *v;
	size_t n, cap;
	uint64_t other;         /* counts of names past NHG_AUDIT_MAX_KEYS */
	uint32_t *slots;        /* hash index into v (private) */
	size_t nslots;
} nhg_audit_tally;

typedef struct nhg_audit_control {
	const char *id, *title;          /* static */
	uint64_t reported;               /* decisions that report this control */
	uint64_t fail;                   /* ... as failing */
	uint64_t blocks;                 /* block decisions it failed in */
	uint64_t breakglass;             /* break-glass decisions it failed in */
	uint64_t would_block;            /* report-only decisions that would have blocked */
	uint64_t blocked;                /* blocking findings of block decisions */
	uint64_t let_through;            /* blocking findings passed by break-glass */
	uint64_t waived;                 /* waived findings */
	nhg_audit_tally blocked_rules;   /* rule -> blocking findings in block decisions */
	nhg_audit_tally let_rules;       /* rule -> findings break-glass let through */
	nhg_audit_tally waivers;         /* waiver id -> findings it waived */
} nhg_audit_control;

typedef struct nhg_audit_finding {
	char *rule, *fingerprint, *severity, *path;
} nhg_audit_finding;

typedef struct nhg_audit_breakglass {
	uint64_t record;                 /* line in the log */
	char *timestamp, *decision_id, *decision;
	char *actor, *reason, *source, *refused;   /* each may be NULL */
	char *repository, *ref, *head;   /* each may be NULL */
	bool accepted;
	nhg_audit_finding *let;          /* blocking findings of the record, at most */
	size_t nlet;                     /* NHG_AUDIT_MAX_LET_THROUGH of them */
	uint64_t let_total;
} nhg_audit_breakglass;

typedef struct nhg_audit_waiver {
	char *repository;                /* "" when the records name none */
	char *id;
	uint64_t applied;                /* decisions that applied it */
	uint64_t findings;               /* findings it waived */
	uint64_t expired;                /* decisions that listed it as expired */
	char first_expired[21], last_expired[21];   /* timestamps, "" when never */
	uint64_t last_expired_record;
	bool overdue;   /* still expired in the repository's last decision of the period */
} nhg_audit_waiver;

typedef struct nhg_audit {
	char *log;                       /* the file read */
	char since[11], until[11];       /* YYYY-MM-DD, "" when open */
	char first[21], last[21];        /* first and last timestamp in the period */
	uint64_t lines;                  /* records in the log */
	uint64_t records;                /* in the period */
	uint64_t outside;                /* readable, outside the period */
	uint64_t unreadable;             /* lines that are not decision records */
	uint64_t first_unreadable;       /* its line, 0 when none */
	char unreadable_why[160];
	uint64_t decisions[4];           /* pass, block, error, breakglass (nhg_decision) */
	uint64_t would_block;            /* report-only decisions that would have blocked */
	uint64_t findings[3][4];         /* blocking/waived/advisory x critical..low */
	nhg_audit_control controls[NHG_AUDIT_CONTROLS];
	nhg_audit_breakglass *bg;        /* break-glass requests, accepted or refused: the
					    first NHG_AUDIT_MAX_BREAKGLASS, while their text
					    fits NHG_AUDIT_MAX_BG_BYTES */
	size_t nbg, capbg;
	uint64_t bg_total, bg_accepted, bg_refused;
	nhg_audit_waiver *waivers;       /* by repository and id */
	size_t nwaivers, capwaivers;
	uint64_t waivers_other;          /* sightings past NHG_AUDIT_MAX_KEYS waivers */
	nhg_audit_tally blocked_rules;   /* all controls together */
	nhg_log_report verify;           /* the chain, checked in the same pass */
} nhg_audit;

/*
 * Read the log at path and sum the records whose timestamp falls in
 * [since, until] (dates YYYY-MM-DD, both inclusive, either NULL for open),
 * checking the chain (and anchor, may be NULL) on the way.  *out is the
 * caller's (nhg_audit_free).  A broken chain or unreadable lines are
 * reported in the audit, not as errors.  NHG_EUSAGE: bad date or anchor;
 * NHG_EIO: unreadable file; NHG_EINPUT: a line longer than the log allows.
 */
int nhg_audit_run(nhg_audit **out, const char *path, const char *since, const char *until,
		  const char *anchor, nhg_error *err);
void nhg_audit_free(nhg_audit *a);

/* ---- rendering (lib/report/audit.c) ---------------------------------- */

/* The audit as a Markdown document (title, period, summary, per control). */
int nhg_report_audit_md(nhg_buf *out, const nhg_audit *a, const char *version,
			nhg_error *err);
/* The audit as JSON, schema nhigate.audit/v1; version is nhigate's. */
int nhg_report_audit_json(nhg_buf *out, const nhg_audit *a, const char *version,
			  nhg_error *err);

#endif
