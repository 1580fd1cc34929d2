/* The gates between a regex match and a finding. */
#include <ctype.h>
#include <string.h>

#include "nhigate/text.h"
#include "scan/engine.h"

static bool has_stopword(const nhg_strlist *words, const char *lower, size_t len)
{
	for (size_t i = 0; i < words->n; i++)
		if (memmem(lower, len, words->v[i], strlen(words->v[i])))
			return true;
	return false;
}

static bool allowed_by(nhg_scanner *s, pcre2_code *const *res, size_t n,
		       const char *secret, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		int rc = pcre2_match(res[i], (PCRE2_SPTR)secret, len, 0, 0, s->md, s->mctx);
		/* an allow regex that hits a limit does not allow: fail closed */
		if (rc >= 0)
			return true;
	}
	return false;
}

bool nhg_engine_accept(nhg_scanner *s, const nhg_rule *r, const nhg_compiled_rule *c,
		       const char *secret, size_t len, const char *match, size_t mlen,
		       int *checked)
{
	const nhg_strlist *pstop = nhg_rulepack_stopwords(s->pack);
	const nhg_strlist *pallow = nhg_rulepack_allow(s->pack);

	if (r->entropy > 0 && nhg_text_entropy(secret, len) < r->entropy)
		return false;
	if (r->stopwords.n || pstop->n) {
		nhg_buf_clear(&s->lower);
		if (nhg_buf_put(&s->lower, secret, len) == 0) {
			for (size_t i = 0; i < len; i++)
				s->lower.ptr[i] = (char)tolower((unsigned char)s->lower.ptr[i]);
			if (has_stopword(&r->stopwords, s->lower.ptr, len) ||
			    has_stopword(pstop, s->lower.ptr, len))
				return false;
		}
	}
	if (r->allow.n && allowed_by(s, c->allow, r->allow.n, secret, len))
		return false;
	if (pallow->n && allowed_by(s, nhg_rulepack__allow(s->pack), pallow->n, secret, len))
		return false;
	if (r->allow_match.n && allowed_by(s, c->allow_match, r->allow_match.n, match, mlen))
		return false;
	*checked = 0;
	if (r->validate)
		*checked = nhg_validator_run(r->validate, secret, len) ? 1 : -1;
	return true;
}
