/* The rule pack's private layout, shared by pack.c and load.c. */
#ifndef NHG_RULES_PACK_H
#define NHG_RULES_PACK_H

#include "rules/internal.h"

#define NHG_MAX_RULES 4096

struct nhg_rulepack {
	nhg_rule *rules;
	nhg_compiled_rule *compiled;
	size_t n, cap;
	nhg_strlist allow, stopwords;
	pcre2_code **allow_re;
	char sha256[65];
	/* every string and array the pack owns */
	void **owned;
	size_t nowned, capowned;
};

/* Take ownership of p (freed with the pack); returns p, or NULL on OOM. */
void *nhg_pack__own(nhg_rulepack *pack, void *p);
char *nhg_pack__strndup(nhg_rulepack *pack, const char *s, size_t len);
/* Append a string to a list owned by the pack. */
int nhg_pack__strlist_add(nhg_rulepack *pack, nhg_strlist *l, const char *s, size_t len);
/* Compile re (byte mode; JIT comes on first use); error with the pattern's position. */
int nhg_pack__compile(pcre2_code **out, const char *re, uint32_t options,
		      const char *file, int line, int col, nhg_error *err);

int nhg_pack__load_file(nhg_rulepack *pack, const char *path, void *hash, nhg_error *err);

#endif
