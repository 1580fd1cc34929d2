/*
 * The gate: policy, waivers and the verdict they give on one change.
 *
 * A verdict collects findings from the secrets engine, the pipeline checks
 * and other tools (SARIF), each copied into an nhg_gfinding that never holds
 * a secret (only its redacted form and sha256).  nhg_verdict_decide applies
 * a policy and waivers: each finding gets a status, the waivers a state, and
 * the verdict a decision with its reasons.  A verdict owns everything in it
 * except the policy and waivers, which are lent to nhg_verdict_decide and
 * must outlive the verdict.  Renderers live in report/ (gate_report.h).
 */
#ifndef NHIGATE_GATE_H
#define NHIGATE_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nhigate/date.h"
#include "nhigate/error.h"
#include "nhigate/finding.h"
#include "nhigate/pipeline.h"
#include "nhigate/rules.h"
#include "nhigate/source.h"

typedef struct nhg_yaml_node nhg_yaml_node;

/* ---- policy ---------------------------------------------------------- */

typedef struct nhg_policy_override {
	char *rule;             /* a rule or check id, or a glob of ids */
	nhg_severity severity;
} nhg_policy_override;

typedef struct nhg_policy {
	char *profile;          /* "baseline", "strict", or NULL */
	nhg_severity block_on;  /* lowest severity that blocks */
	bool block_existing;    /* pipeline findings already in the base block too */
	bool skipped_block;     /* content that could not be scanned blocks */
	bool inline_allow;      /* nhigate:allow markers make a finding advisory */
	unsigned max_waiver_days;
	bool enforce;           /* false: report-only, a block exits 0 */
	bool timeout_block;     /* on_timeout: block (default) or allow */
	nhg_strlist breakglass_allowed;   /* globs of actors; empty: nobody */
	char *breakglass_pattern;         /* PCRE2 the reason must match, or NULL */
	void *breakglass_re;              /* it compiled (pcre2_code), owned */
	nhg_policy_override *overrides;
	size_t noverrides;
	char *decision_log;     /* log file named by the policy, or NULL */
} nhg_policy;

/* The defaults when no policy is written: block on high, fail closed. */
void nhg_policy_init(nhg_policy *p);
void nhg_policy_free(nhg_policy *p);

/*
 * Read a policy: the built-in profile named by extends (NULL for none;
 * "baseline" or "strict"), refined by the mapping node (policy: in
 * .nhigate.yaml, or NULL).  Unknown keys, bad values and a reason_pattern
 * that does not compile are NHG_EINPUT with file:line:col.
 */
int nhg_policy_load(nhg_policy *p, const nhg_yaml_node *extends, const nhg_yaml_node *node,
		    const char *file, nhg_error *err);

/* The severity a finding of rule id has under the policy's overrides. */
nhg_severity nhg_policy_severity(const nhg_policy *p, const char *rule, nhg_severity sev);

/* ---- waivers --------------------------------------------------------- */

typedef struct nhg_waiver {
	char *id;
	char *rule;             /* a rule or check id, or a glob of ids */
	nhg_strlist paths;      /* globs; empty: any path */
	nhg_strlist refs;       /* globs of refs; empty: any ref */
	char *fingerprint;      /* or NULL */
	char *owner, *approved_by, *reason, *ticket;
	char created[11], expires[11];   /* YYYY-MM-DD; valid while today < expires */
	int line, column;       /* where it is written */
} nhg_waiver;

typedef struct nhg_waivers {
	char *file;             /* the file read, or NULL when there was none */
	char sha256[65];        /* of its bytes, "" when none */
	nhg_waiver *v;
	size_t n, cap;
} nhg_waivers;

void nhg_waivers_free(nhg_waivers *w);

/*
 * Parse a waivers file (data, len; name used in errors).  A waiver missing
 * a field, without a scope (fingerprint or paths), approved by its owner,
 * with a reason under 20 characters, a bad date, expiring before it is
 * created or more than max_days after, or a repeated id is NHG_EINPUT
 * naming the waiver with file:line:col.
 */
int nhg_waivers_parse(nhg_waivers *out, const char *data, size_t len, const char *name,
		      unsigned max_days, nhg_error *err);


/* ---- where policy comes from ----------------------------------------- */

struct nhg_config;
/*
 * The configuration in force: the file path when given; else .nhigate.yaml
 * at revision rev of repo (git modes: the base side; "" for a change without
 * a base, which gets the defaults); else, rev NULL, repo/.nhigate.yaml in
 * the file system.  A missing default file gives an empty configuration.
 */
int nhg_gate_read_config(struct nhg_config **out, const char *repo, const char *rev,
			 const char *path, nhg_error *err);
/* The waivers in force, from path or .nhigate/waivers.yaml, read the same way. */
int nhg_gate_read_waivers(nhg_waivers *out, const char *repo, const char *rev,
			  const char *path, unsigned max_days, nhg_error *err);

/* ---- verdict --------------------------------------------------------- */

typedef enum {
	NHG_DECISION_PASS = 0,
	NHG_DECISION_BLOCK,
	NHG_DECISION_ERROR,
	NHG_DECISION_BREAKGLASS
} nhg_decision;

typedef enum {
	NHG_STATUS_BLOCKING = 0,
	NHG_STATUS_WAIVED,
	NHG_STATUS_ADVISORY
} nhg_status;

typedef enum {
	NHG_ORIGIN_SECRETS = 0,  /* nhigate's secrets engine */
	NHG_ORIGIN_PIPELINE,     /* nhigate's pipeline checks */
	NHG_ORIGIN_EXTERNAL      /* read with --findings */
} nhg_origin;

const char *nhg_decision_name(nhg_decision d);
const char *nhg_status_name(nhg_status s);
const char *nhg_origin_name(nhg_origin o);

typedef struct nhg_gfinding {
	nhg_origin origin;
	char *tool;             /* "nhigate", or the tool named by the SARIF run */
	char *rule;             /* rule or check id */
	char *title;            /* what the rule finds, one line */
	nhg_severity severity;  /* after the policy's overrides */
	char *path;             /* repository-relative, '/' separators */
	uint32_t line, column, end_column;   /* 1-based; 0 when unknown */
	char *commit, *author, *date;        /* git modes, or NULL */
	char *job, *step;       /* pipeline findings, or NULL */
	char *message;          /* one line, never the secret */
	char *redacted;         /* secrets: "ghp_…(40)", else NULL */
	char secret_sha256[65]; /* secrets: sha256 of the secret, else "" */
	char fingerprint[65];   /* stable identity: survives line moves */
	char *help;             /* what to do (remediation / fix), or NULL */
	nhg_strlist controls;   /* control ids this finding is evidence for */
	bool existing;          /* the base version has it too (pipeline) */
	bool inline_allowed;    /* the line carries an allow marker */
	/* set by nhg_verdict_decide */
	nhg_status status;
	const char *why;        /* for advisory: why it does not block (static) */
	const nhg_waiver *waiver;   /* for waived: the waiver that applies */
} nhg_gfinding;

typedef struct nhg_gskip {
	char *path;
	char *commit;           /* or NULL */
	char *reason;
} nhg_gskip;

typedef enum {
	NHG_WAIVER_APPLIED = 0,  /* waives at least one finding of this change */
	NHG_WAIVER_UNUSED,       /* valid, but nothing in this change matched */
	NHG_WAIVER_EXPIRED       /* past its expiry: waives nothing */
} nhg_waiver_state;

typedef struct nhg_wstatus {
	const nhg_waiver *waiver;
	nhg_waiver_state state;
	size_t matched;          /* findings it waives (or would, if expired) */
	int32_t days_left;       /* expires - today; <= 0 when expired */
	bool expiring;           /* valid, expires within 14 days */
} nhg_wstatus;

typedef struct nhg_breakglass {
	char *reason;            /* NULL: not requested */
	char *source;            /* "NHIGATE_BREAKGLASS" or "push-option" */
	bool accepted;           /* it turned a block into breakglass */
	char *refused;           /* why it was refused, or NULL */
} nhg_breakglass;

typedef struct nhg_subject {
	char *repository, *ref, *base, *head, *actor;   /* each may be NULL */
} nhg_subject;

typedef struct nhg_verdict {
	char decision_id[37];    /* random UUID */
	char timestamp[21];      /* 2026-11-23T06:30:00Z */
	char today[11];          /* the date waivers are judged on */
	nhg_decision decision;
	bool enforce;            /* copy of the policy's */
	bool would_block;        /* report-only: the policy would have blocked */
	bool timed_out;          /* the time budget ran out: not everything was scanned */
	char **reasons;
	size_t nreasons, capreasons;
	/* reasons[listed_from, listed_to) name the blocking findings one by one
	 * (for the decision log); a report that lists the findings skips them */
	size_t listed_from, listed_to;
	nhg_subject subject;
	char policy_sha256[65];
	char *profile;           /* copy of the policy's, or NULL */
	nhg_severity block_on;   /* copy of the policy's */
	nhg_gfinding *findings;
	size_t nfindings, capfindings;
	nhg_gskip *skipped;
	size_t nskipped, capskipped;
	nhg_wstatus *waivers;
	size_t nwaivers;
	nhg_breakglass breakglass;
	nhg_stats stats;         /* commits, files, bytes of the secrets scan */
	size_t pipeline_files;
	char *waivers_file;      /* where waivers were read from, or NULL */
} nhg_verdict;

/* Fills decision_id, timestamp and today (UTC now); 0 or NHG_ENOMEM. */
int nhg_verdict_init(nhg_verdict *v);
void nhg_verdict_free(nhg_verdict *v);

int nhg_verdict_add_reason(nhg_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int nhg_verdict_add_skip(nhg_verdict *v, const char *path, const char *commit,
			 const char *reason);
/* Free what a finding holds (not the finding itself). */
void nhg_gfinding_clear(nhg_gfinding *f);
/* Append a zeroed finding; the caller fills it with malloc'd strings. */
int nhg_verdict_new_finding(nhg_verdict *v, nhg_gfinding **out);

/* Copy the findings and skips of a secrets scan (never the secrets). */
int nhg_verdict_add_secrets(nhg_verdict *v, const nhg_result *r);
/* Copy the findings and skips of the pipeline checks. */
int nhg_verdict_add_pipeline(nhg_verdict *v, const nhg_presult *r);

/*
 * Read findings made elsewhere (data, len; name used in errors): nhigate's
 * JSON (from nhigate-secrets, nhigate-pipeline or nhigate-gate) or a SARIF
 * 2.1.0 log from any tool.  Anything else is NHG_EINPUT.
 */
int nhg_verdict_import(nhg_verdict *v, const char *data, size_t len, const char *name,
		       nhg_error *err);

/* A break-glass request: reason (NULL: none) and where it came from. */
int nhg_verdict_request_breakglass(nhg_verdict *v, const char *reason, const char *source);

/*
 * Decide: apply overrides, statuses (blocking/waived/advisory), waiver
 * states, skipped content, break-glass and report-only, and set decision
 * and reasons.  policy and waivers (may be NULL) are lent and must outlive
 * v.  Sorts findings (blocking first, then severity, path, line).  Deciding
 * again (another policy) starts afresh; an error verdict keeps its reason.
 */
int nhg_verdict_decide(nhg_verdict *v, const nhg_policy *policy, const nhg_waivers *waivers);

/* Count of findings with the given status. */
size_t nhg_verdict_count(const nhg_verdict *v, nhg_status s);

/* Set the decision to error with one reason (the message of err). */
int nhg_verdict_fail(nhg_verdict *v, const nhg_error *err);

/* ---- controls -------------------------------------------------------- */

/* The control ids every verdict reports on, in order. */
size_t nhg_controls_count(void);
const char *nhg_control_id(size_t i);
const char *nhg_control_title(size_t i);
/* True when finding f is evidence for control id. */
bool nhg_gfinding_has_control(const nhg_gfinding *f, const char *id);
/* A control fails when one of its findings blocks (breakglass included). */
/*
 * A control fails when one of its findings blocks (break-glass included);
 * NIST-CSF:ID.RA-07 (exceptions tracked) also when an expired waiver still
 * matches findings.
 */
bool nhg_verdict_control_fails(const nhg_verdict *v, const char *id);

/* ---- a whole run ----------------------------------------------------- */

typedef struct nhg_gate_opts {
	unsigned version;
	nhg_git_mode git;             /* 0: paths (or only imported findings) */
	const char *spec;             /* the git mode's argument (push: its input) */
	const char *const *paths;
	size_t npaths;
	const char *repo;             /* repository directory */
	const char *config;           /* explicit configuration file, or NULL */
	const char *waivers;          /* explicit waivers file, or NULL */
	const char *const *rules;     /* rule pack directories or files */
	size_t nrules;
	const char *const *findings;  /* --findings files */
	size_t nfindings;
	uint64_t deadline;            /* nhg_clock_ns() value the scan stops at; 0: none */
	/* progress of the secrets scan; may be NULL */
	void (*progress)(const nhg_stats *stats, size_t nfindings, void *payload);
	void *payload;
} nhg_gate_opts;

#define NHG_GATE_OPTS_VERSION 1

/*
 * Run the gate into v (initialised, with its subject, today and any
 * break-glass request already set): read the configuration and waivers (the
 * base side in git modes), load the rule packs, scan, import the findings
 * files, and decide.  policy and waivers receive what was in force; they are
 * the caller's to free, after v.  On failure v is left for nhg_verdict_fail.
 */
int nhg_gate_run(nhg_verdict *v, nhg_policy *policy, nhg_waivers *waivers,
		 const nhg_gate_opts *o, nhg_error *err);

#endif
