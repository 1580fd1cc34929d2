/* Compiled forms of a rule pack, shared by lib/rules and lib/scan only. */
#ifndef NHG_RULES_INTERNAL_H
#define NHG_RULES_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "nhigate/rules.h"

typedef struct nhg_compiled_rule {
	pcre2_code *re;
	pcre2_code *re_anchored; /* anchor: identifier rules (JIT needs it at compile time) */
	uint32_t secret_group;  /* capture number of (?<secret>...) */
	pcre2_code **allow;     /* rule->allow.n compiled regexes */
	pcre2_code **allow_match; /* rule->allow_match.n compiled regexes */
	atomic_bool jitted;      /* the regexes above are JIT-compiled */
} nhg_compiled_rule;

/* Rule i as compiled, JIT or not: for its metadata. */
const nhg_compiled_rule *nhg_rulepack__compiled(const nhg_rulepack *pack, size_t i);
/*
 * Rule i ready to match: its regexes are JIT-compiled on first use, once,
 * whichever thread comes first, so a scan pays only for the rules its input
 * wakes (compiling all 150 default rules is about a third of a small scan).
 */
const nhg_compiled_rule *nhg_rulepack__matcher(const nhg_rulepack *pack, size_t i);
/* Pack-wide allow regexes (nhg_rulepack_allow(pack)->n of them). */
pcre2_code *const *nhg_rulepack__allow(const nhg_rulepack *pack);

#endif
