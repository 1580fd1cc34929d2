/*
 * Reviewing a policy change before it is rolled out.
 *
 * nhg_rules_diff_run judges the same input twice with the gate, once with
 * the OLD rule packs and once with the NEW ones (same configuration, same
 * waivers, same day), and says what changes: findings that appear,
 * disappear, or change severity or status, the verdict before and after,
 * and the rule and check definitions that differ.  Findings are matched by
 * rule id and fingerprint; a secret finding's fingerprint includes its rule
 * id, so a renamed rule shows its findings disappear under the old name and
 * appear under the new one (they are not newly blocking when OLD blocked the
 * same secret at the same place).  A diff owns everything in it; its entries lend
 * from its two verdicts.
 *
 * nhg_report_controls renders the matrix of control ids against the rules
 * and checks that evidence them (nhigate-rules controls).
 */
#ifndef NHIGATE_GATE_DIFF_H
#define NHIGATE_GATE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "nhigate/buf.h"
#include "nhigate/gate.h"
#include "nhigate/pipeline.h"
#include "nhigate/rules.h"

typedef enum {
	NHG_RDIFF_APPEARS = 0,   /* found with NEW only */
	NHG_RDIFF_DISAPPEARS,    /* found with OLD only */
	NHG_RDIFF_CHANGES        /* found with both; severity or status differs */
} nhg_rdiff_kind;

typedef struct nhg_rdiff_finding {
	nhg_rdiff_kind kind;
	const nhg_gfinding *old_f;   /* in the OLD verdict, NULL when it appears */
	const nhg_gfinding *new_f;   /* in the NEW verdict, NULL when it disappears */
	/*
	 * Blocks with NEW, and OLD blocked neither it nor (for a secret) the
	 * same secret at the same path, line and commit under another rule id.
	 */
	bool newly_blocking;
} nhg_rdiff_finding;

/* Content the gate could not scan with one side only (a rule's regex limits). */
typedef struct nhg_rdiff_skip {
	const nhg_gskip *skip;       /* lent by the verdict of its side */
	bool in_new;                 /* true: NEW only; false: OLD only */
} nhg_rdiff_skip;

typedef enum {
	NHG_RDEF_ADDED = 0,
	NHG_RDEF_REMOVED,
	NHG_RDEF_CHANGED
} nhg_rdef_kind;

#define NHG_RDEF_MAX_FIELDS 16

/* A rule or check whose definition differs between the packs. */
typedef struct nhg_rdiff_def {
	char *id;                    /* rule or check id; "allow" for the pack-wide list */
	const char *what;            /* "rule", "check" or "pack" */
	nhg_rdef_kind kind;
	const char *fields[NHG_RDEF_MAX_FIELDS];   /* changed: the keys that differ */
	size_t nfields;
} nhg_rdiff_def;

typedef struct nhg_rules_diff {
	nhg_verdict old_v, new_v;
	nhg_policy old_policy, new_policy;
	nhg_waivers old_waivers, new_waivers;
	nhg_rdiff_finding *findings; /* by rule id, then path, line, column */
	size_t nfindings, capfindings;
	nhg_rdiff_skip *skips;
	size_t nskips, capskips;
	nhg_rdiff_def *defs;         /* by id */
	size_t ndefs, capdefs;
	size_t unchanged;            /* findings the same with both */
	bool newly_blocks;           /* a finding newly blocks, or pass turns to block */
} nhg_rules_diff;

/*
 * Run the gate over input (paths or a git mode, repository, configuration
 * and waivers; its rules and findings files are ignored) with old_rules and
 * then with new_rules, and compare.  A run that fails (a rule pack or
 * configuration that does not load, an unknown revision) fails the diff
 * with its error; an error of a rule pack (which does not load, or lacks a
 * pipeline check's definition) has its message begin "OLD: " or "NEW: ".
 * *d is the caller's to free with nhg_rules_diff_free, also on failure.
 */
int nhg_rules_diff_run(nhg_rules_diff *d, const nhg_gate_opts *input,
		       const char *const *old_rules, size_t nold,
		       const char *const *new_rules, size_t nnew, nhg_error *err);
void nhg_rules_diff_free(nhg_rules_diff *d);

/* True when v blocks, or would block under a report-only policy. */
bool nhg_rules_diff_blocks(const nhg_verdict *v);

/*
 * Render a diff ("text" or "json", schema nhigate.rules-diff/v1); old_name
 * and new_name say where each side's rules came from ("rules",
 * "main:rules").  Never a secret: findings show their redacted form.
 */
int nhg_report_rules_diff(nhg_buf *out, const nhg_rules_diff *d, const char *old_name,
			  const char *new_name, const char *format, nhg_error *err);

/*
 * The control matrix of pack and cat: every control id the gate reports on
 * (nhg_control_id), then any other id the packs use, each with the secret
 * rules and pipeline checks mapped to it, and the controls nothing enabled
 * covers.  format "text", "json" (nhigate.controls/v1) or "md".
 */
int nhg_report_controls(nhg_buf *out, const nhg_rulepack *pack, const nhg_catalogue *cat,
			const char *format, nhg_error *err);

#endif
