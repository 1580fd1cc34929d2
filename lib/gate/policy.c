/*
 * The gate's policy: built-in profiles refined by the policy: section of
 * .nhigate.yaml.  Strict like the rest of the configuration: unknown keys
 * and bad values are errors with file:line:col.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "nhigate/array.h"
#include "nhigate/gate.h"
#include "nhigate/yaml.h"

#define MAX_OVERRIDES 1024
#define MAX_WAIVER_DAYS 3650

void nhg_policy_init(nhg_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->block_on = NHG_SEV_HIGH;
	p->skipped_block = true;
	p->inline_allow = true;
	p->max_waiver_days = 90;
	p->enforce = true;
	p->timeout_block = true;
}

static void strlist_free(nhg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((char *)l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void nhg_policy_free(nhg_policy *p)
{
	if (!p)
		return;
	free(p->profile);
	strlist_free(&p->breakglass_allowed);
	free(p->breakglass_pattern);
	pcre2_code_free(p->breakglass_re);
	for (size_t i = 0; i < p->noverrides; i++)
		free(p->overrides[i].rule);
	free(p->overrides);
	free(p->decision_log);
	nhg_policy_init(p);
}

static int bad(const char *file, const nhg_yaml_node *n, nhg_error *err, const char *msg)
{
	return nhg_error_at(err, NHG_EINPUT, file, n->line, n->column, "%s", msg);
}

static int get_bool(bool *out, const nhg_yaml_node *v, const char *file, const char *what,
		    nhg_error *err)
{
	if (nhg_yaml_is(v, "true")) {
		*out = true;
		return 0;
	}
	if (nhg_yaml_is(v, "false")) {
		*out = false;
		return 0;
	}
	return nhg_error_at(err, NHG_EINPUT, file, v->line, v->column,
			    "'%s' must be true or false", what);
}

static int get_severity(nhg_severity *out, const nhg_yaml_node *v, const char *file,
			const char *what, nhg_error *err)
{
	const char *s = nhg_yaml_str(v);
	if (!s || nhg_severity_parse(out, s))
		return nhg_error_at(err, NHG_EINPUT, file, v->line, v->column,
				    "'%s' must be critical, high, medium or low", what);
	return 0;
}

static int replace_str(char **out, const nhg_yaml_node *v, const char *file, const char *what,
		       nhg_error *err)
{
	const char *s = nhg_yaml_str(v);
	if (!s || !*s || strlen(s) != v->len)
		return nhg_error_at(err, NHG_EINPUT, file, v->line, v->column,
				    "'%s' must be a non-empty string", what);
	free(*out);
	if (!(*out = strdup(s)))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	return 0;
}

static int load_breakglass(nhg_policy *p, const nhg_yaml_node *m, const char *file,
			   nhg_error *err)
{
	const nhg_yaml_node *k, *v;
	size_t it = 0;
	int rc = 0;

	if (m->kind != NHG_YAML_MAP)
		return bad(file, m, err, "'breakglass' must be a mapping (allowed, reason_pattern)");
	while (!rc && nhg_yaml_map_next(m, &it, &k, &v)) {
		if (nhg_yaml_is(k, "allowed")) {
			if (v->kind != NHG_YAML_SEQ)
				return bad(file, v, err, "'allowed' must be a list of actors (globs)");
			strlist_free(&p->breakglass_allowed);
			if (v->n && !(p->breakglass_allowed.v = calloc(v->n, sizeof(char *))))
				return nhg_error_set(err, NHG_ENOMEM, "out of memory");
			for (size_t i = 0; !rc && i < v->n; i++) {
				char *s = NULL;
				if (!(rc = replace_str(&s, v->items[i], file, "allowed", err)))
					p->breakglass_allowed.v[p->breakglass_allowed.n++] = s;
			}
		} else if (nhg_yaml_is(k, "reason_pattern")) {
			int ecode;
			PCRE2_SIZE off;
			if ((rc = replace_str(&p->breakglass_pattern, v, file, "reason_pattern", err)))
				break;
			pcre2_code_free(p->breakglass_re);
			p->breakglass_re = pcre2_compile((PCRE2_SPTR)v->str, v->len, PCRE2_UTF, &ecode,
							 &off, NULL);
			if (!p->breakglass_re) {
				PCRE2_UCHAR msg[160];
				pcre2_get_error_message(ecode, msg, sizeof(msg));
				return nhg_error_at(err, NHG_EINPUT, file, v->line, v->column,
						    "reason_pattern: %s at offset %zu", (char *)msg,
						    (size_t)off);
			}
		} else {
			rc = bad(file, k, err, "unknown key in breakglass (allowed, reason_pattern)");
		}
	}
	return rc;
}

static int load_overrides(nhg_policy *p, const nhg_yaml_node *seq, const char *file,
			  nhg_error *err)
{
	size_t cap = p->noverrides;
	if (seq->kind != NHG_YAML_SEQ)
		return bad(file, seq, err, "'overrides' must be a list of {rule, severity}");
	if (seq->n > MAX_OVERRIDES)
		return bad(file, seq, err, "too many overrides (at most 1024)");
	for (size_t i = 0; i < seq->n; i++) {
		const nhg_yaml_node *o = seq->items[i], *k, *v, *rule = NULL, *sev = NULL;
		nhg_policy_override *ov;
		size_t it = 0;
		int rc;

		if (o->kind != NHG_YAML_MAP)
			return bad(file, o, err, "an override must be a mapping {rule, severity}");
		while (nhg_yaml_map_next(o, &it, &k, &v)) {
			if (nhg_yaml_is(k, "rule"))
				rule = v;
			else if (nhg_yaml_is(k, "severity"))
				sev = v;
			else
				return bad(file, k, err, "unknown key in override (rule, severity)");
		}
		if (!rule || !sev)
			return bad(file, o, err, "an override needs both 'rule' and 'severity'");
		if (NHG_ARRAY_RESERVE(p->overrides, p->noverrides, cap, 8))
			return nhg_error_set(err, NHG_ENOMEM, "out of memory");
		ov = &p->overrides[p->noverrides];
		ov->rule = NULL;
		if ((rc = get_severity(&ov->severity, sev, file, "severity", err)) ||
		    (rc = replace_str(&ov->rule, rule, file, "rule", err)))
			return rc;
		p->noverrides++;
	}
	return 0;
}

/* Apply a built-in profile on top of the defaults. */
static int apply_profile(nhg_policy *p, const nhg_yaml_node *ext, const char *file,
			 nhg_error *err)
{
	const char *name = nhg_yaml_str(ext);
	if (nhg_yaml_is(ext, "baseline")) {
		/* low-risk internal services: only critical blocks, the rest warns */
		p->block_on = NHG_SEV_CRITICAL;
	} else if (nhg_yaml_is(ext, "strict")) {
		/* privileged and externally facing: medium blocks, no inline allow */
		p->block_on = NHG_SEV_MEDIUM;
		p->inline_allow = false;
		p->skipped_block = true;
	} else {
		return nhg_error_at(err, NHG_EINPUT, file, ext->line, ext->column,
				    "unknown profile '%s' (baseline, strict)", name ? name : "?");
	}
	free(p->profile);
	return (p->profile = strdup(name)) ? 0 : nhg_error_set(err, NHG_ENOMEM, "out of memory");
}

static int load_key(nhg_policy *p, const nhg_yaml_node *k, const nhg_yaml_node *v,
		    const char *file, nhg_error *err)
{
	if (nhg_yaml_is(k, "block_on"))
		return get_severity(&p->block_on, v, file, "block_on", err);
	if (nhg_yaml_is(k, "block_existing"))
		return get_bool(&p->block_existing, v, file, "block_existing", err);
	if (nhg_yaml_is(k, "inline_allow"))
		return get_bool(&p->inline_allow, v, file, "inline_allow", err);
	if (nhg_yaml_is(k, "enforce"))
		return get_bool(&p->enforce, v, file, "enforce", err);
	if (nhg_yaml_is(k, "skipped")) {
		if (nhg_yaml_is(v, "block") || nhg_yaml_is(v, "warn")) {
			p->skipped_block = nhg_yaml_is(v, "block");
			return 0;
		}
		return bad(file, v, err, "'skipped' must be block or warn");
	}
	if (nhg_yaml_is(k, "on_timeout")) {
		if (nhg_yaml_is(v, "block") || nhg_yaml_is(v, "allow")) {
			p->timeout_block = nhg_yaml_is(v, "block");
			return 0;
		}
		return bad(file, v, err, "'on_timeout' must be block or allow");
	}
	if (nhg_yaml_is(k, "max_waiver_days")) {
		const char *s = nhg_yaml_str(v);
		char *end;
		unsigned long n;
		errno = 0;
		n = s ? strtoul(s, &end, 10) : 0;
		if (!s || !*s || *end || errno || n == 0 || n > MAX_WAIVER_DAYS)
			return bad(file, v, err, "'max_waiver_days' must be a number of days (1-3650)");
		p->max_waiver_days = (unsigned)n;
		return 0;
	}
	if (nhg_yaml_is(k, "breakglass"))
		return load_breakglass(p, v, file, err);
	if (nhg_yaml_is(k, "overrides"))
		return load_overrides(p, v, file, err);
	if (nhg_yaml_is(k, "decision_log"))
		return replace_str(&p->decision_log, v, file, "decision_log", err);
	return bad(file, k, err, "unknown key in policy (extends, block_on, block_existing, "
		   "skipped, on_timeout, inline_allow, max_waiver_days, enforce, breakglass, "
		   "overrides, decision_log)");
}

int nhg_policy_load(nhg_policy *p, const nhg_yaml_node *extends, const nhg_yaml_node *node,
		    const char *file, nhg_error *err)
{
	const nhg_yaml_node *k, *v, *inner = node ? nhg_yaml_map_get(node, "extends") : NULL;
	size_t it = 0;
	int rc = 0;

	if (node && node->kind != NHG_YAML_MAP)
		return bad(file, node, err, "'policy' must be a mapping");
	if (extends && inner)
		return bad(file, inner, err, "'extends' given twice (top level and in policy)");
	if ((extends || inner) && (rc = apply_profile(p, extends ? extends : inner, file, err)))
		return rc;
	while (node && !rc && nhg_yaml_map_next(node, &it, &k, &v))
		if (!nhg_yaml_is(k, "extends"))
			rc = load_key(p, k, v, file, err);
	return rc;
}

nhg_severity nhg_policy_severity(const nhg_policy *p, const char *rule, nhg_severity sev)
{
	/* the last matching override wins, as later lines refine earlier ones */
	for (size_t i = p->noverrides; i-- > 0;)
		if (fnmatch(p->overrides[i].rule, rule, 0) == 0)
			return p->overrides[i].severity;
	return sev;
}
