/*
 * The control matrix (nhigate-rules controls): for each control id, the
 * secret rules and pipeline checks whose findings are its evidence, and the
 * controls that nothing enabled evidences.  The controls every verdict
 * reports on come first, in the gate's order, then any other id the packs
 * name, sorted.  Rendered from the loaded packs; nothing is read here.
 */
#include <stdlib.h>
#include <string.h>

#include "nhigate/gate_diff.h"
#include "report/json_util.h"

#define WRAP 96
#define RA07 "NIST-CSF:ID.RA-07"
#define OTHER "(named by the packs; not among the controls a verdict reports on)"

typedef struct matrix {
	const char **ids;            /* lent by the gate's table and the packs */
	size_t n, nreported;
	const nhg_rulepack *pack;
	const nhg_catalogue *cat;
} matrix;

static bool has(const nhg_strlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], id))
			return true;
	return false;
}

static bool reported(const char *id)
{
	for (size_t i = 0; i < nhg_controls_count(); i++)
		if (!strcmp(nhg_control_id(i), id))
			return true;
	return false;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Add the ids of l that are not reported on and not yet in extra. */
static void add_extra(const char **extra, size_t *n, const nhg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		bool seen = reported(l->v[i]);
		for (size_t j = 0; j < *n && !seen; j++)
			seen = !strcmp(extra[j], l->v[i]);
		if (!seen)
			extra[(*n)++] = l->v[i];
	}
}

static int matrix_build(matrix *m, const nhg_rulepack *pack, const nhg_catalogue *cat)
{
	size_t most = nhg_controls_count();
	m->pack = pack;
	m->cat = cat;
	for (size_t i = 0; i < nhg_rulepack_count(pack); i++)
		most += nhg_rulepack_rule(pack, i)->controls.n;
	for (size_t i = 0; i < nhg_catalogue_count(cat); i++)
		most += nhg_catalogue_check(cat, i)->controls.n;
	if (!(m->ids = calloc(most + 1, sizeof(*m->ids))))
		return NHG_ENOMEM;
	for (size_t i = 0; i < nhg_controls_count(); i++)
		m->ids[m->n++] = nhg_control_id(i);
	m->nreported = m->n;
	{
		size_t nextra = 0;
		const char **extra = m->ids + m->n;
		for (size_t i = 0; i < nhg_rulepack_count(pack); i++)
			add_extra(extra, &nextra, &nhg_rulepack_rule(pack, i)->controls);
		for (size_t i = 0; i < nhg_catalogue_count(cat); i++)
			add_extra(extra, &nextra, &nhg_catalogue_check(cat, i)->controls);
		qsort(extra, nextra, sizeof(*extra), cmp_id);
		m->n += nextra;
	}
	return 0;
}

static const char *title_of(const char *id)
{
	for (size_t i = 0; i < nhg_controls_count(); i++)
		if (!strcmp(nhg_control_id(i), id))
			return nhg_control_title(i);
	return NULL;
}

static size_t nrules_for(const matrix *m, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < nhg_rulepack_count(m->pack); i++)
		n += has(&nhg_rulepack_rule(m->pack, i)->controls, id);
	return n;
}

/* Checks mapped to id that are enabled (or, enabled false, disabled). */
static size_t nchecks_for(const matrix *m, const char *id, bool enabled)
{
	size_t n = 0;
	for (size_t i = 0; i < nhg_catalogue_count(m->cat); i++) {
		const nhg_check_def *c = nhg_catalogue_check(m->cat, i);
		n += c->enabled == enabled && has(&c->controls, id);
	}
	return n;
}

static bool covered(const matrix *m, const char *id)
{
	return nrules_for(m, id) || nchecks_for(m, id, true);
}

static size_t count_uncovered(const matrix *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++)
		n += !covered(m, m->ids[i]);
	return n;
}

static const char *gate_note(const char *id)
{
	return strcmp(id, RA07) ? NULL : "the gate also counts every waived finding and every "
					 "expired waiver as its evidence";
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *rules_json(const matrix *m, const char *id)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < nhg_rulepack_count(m->pack); i++) {
		const nhg_rule *r = nhg_rulepack_rule(m->pack, i);
		if (has(&r->controls, id))
			json_array_append_new(a, nhg_rj_str(r->id));
	}
	return a;
}

static json_t *checks_json(const matrix *m, const char *id, bool enabled)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < nhg_catalogue_count(m->cat); i++) {
		const nhg_check_def *c = nhg_catalogue_check(m->cat, i);
		if (c->enabled == enabled && has(&c->controls, id))
			json_array_append_new(a, nhg_rj_str(c->id));
	}
	return a;
}

static json_t *unmapped_json(const matrix *m)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < nhg_rulepack_count(m->pack); i++)
		if (!nhg_rulepack_rule(m->pack, i)->controls.n)
			json_array_append_new(a, nhg_rj_str(nhg_rulepack_rule(m->pack, i)->id));
	for (size_t i = 0; a && i < nhg_catalogue_count(m->cat); i++)
		if (!nhg_catalogue_check(m->cat, i)->controls.n)
			json_array_append_new(a, nhg_rj_str(nhg_catalogue_check(m->cat, i)->id));
	return a;
}

static int render_json(nhg_buf *out, const matrix *m, nhg_error *err)
{
	json_t *controls = json_array(), *uncovered = json_array();
	for (size_t i = 0; controls && uncovered && i < m->n; i++) {
		const char *id = m->ids[i];
		bool cov = covered(m, id);
		json_array_append_new(controls,
				      json_pack("{s:o, s:o, s:b, s:b, s:o, s:o, s:o, s:o}", "id",
						nhg_rj_str(id), "title", nhg_rj_str(title_of(id)),
						"reported", i < m->nreported, "covered", cov, "rules",
						rules_json(m, id), "checks", checks_json(m, id, true),
						"disabled_checks", checks_json(m, id, false), "note",
						nhg_rj_str(gate_note(id))));
		if (!cov)
			json_array_append_new(uncovered, nhg_rj_str(id));
	}
	return nhg_rj_write(out, json_pack("{s:s, s:I, s:I, s:o, s:o, s:o}", "schema",
					   "nhigate.controls/v1", "rules",
					   (json_int_t)nhg_rulepack_count(m->pack), "checks",
					   (json_int_t)nhg_catalogue_count(m->cat), "controls",
					   controls, "uncovered", uncovered, "unmapped",
					   unmapped_json(m)),
			    false, err);
}

/* ---- text and Markdown ------------------------------------------------ */

/* A wrapped, comma-separated list of ids after label; md: code spans on one line. */
static int id_list(nhg_buf *out, const char *label, const char *const *ids, size_t n, bool md)
{
	size_t col;
	int rc = md ? nhg_buf_printf(out, "- %s (%zu):", label, n)
		    : nhg_buf_printf(out, "  %-8s", label);
	col = 10;
	if (!rc && !n)
		rc = nhg_buf_puts(out, md ? " none" : "(none)");
	for (size_t i = 0; !rc && i < n; i++) {
		size_t w = strlen(ids[i]) + 2;
		if (md) {
			rc = nhg_buf_printf(out, "%s `%s`", i ? "," : "", ids[i]);
		} else if (i && col + w > WRAP) {
			rc = nhg_buf_printf(out, ",\n%10s%s", "", ids[i]);
			col = 10 + w;
		} else {
			rc = nhg_buf_printf(out, "%s%s", i ? ", " : "", ids[i]);
			col += w;
		}
	}
	return rc ? rc : nhg_buf_putc(out, '\n');
}

/* The ids of the rules (what 0), enabled checks (1) or disabled checks (2) for id. */
static size_t collect(const matrix *m, const char *id, int what, const char **out)
{
	size_t n = 0;
	if (what == 0) {
		for (size_t i = 0; i < nhg_rulepack_count(m->pack); i++)
			if (has(&nhg_rulepack_rule(m->pack, i)->controls, id))
				out[n++] = nhg_rulepack_rule(m->pack, i)->id;
		return n;
	}
	for (size_t i = 0; i < nhg_catalogue_count(m->cat); i++) {
		const nhg_check_def *c = nhg_catalogue_check(m->cat, i);
		if (c->enabled == (what == 1) && has(&c->controls, id))
			out[n++] = c->id;
	}
	return n;
}

static int control_rows(nhg_buf *out, const matrix *m, size_t i, const char **scratch, bool md)
{
	const char *id = m->ids[i], *title = title_of(id), *note = gate_note(id);
	size_t n;
	int rc;

	if (md)
		rc = nhg_buf_printf(out, "\n## %s — %s\n\n", id, title ? title : OTHER);
	else
		rc = nhg_buf_printf(out, "\n%s  %s%s\n", id, title ? title : OTHER,
				    covered(m, id) ? "" : "  — NOT COVERED");
	n = collect(m, id, 0, scratch);
	if (!rc)
		rc = id_list(out, "rules", scratch, n, md);
	n = collect(m, id, 1, scratch);
	if (!rc)
		rc = id_list(out, "checks", scratch, n, md);
	n = collect(m, id, 2, scratch);
	if (!rc && n)
		rc = id_list(out, "disabled", scratch, n, md);
	if (!rc && note)
		rc = nhg_buf_printf(out, md ? "- note: %s\n" : "  note    %s\n", note);
	return rc;
}

/* One row per control: its counts of rules and enabled checks. */
static int summary_table(nhg_buf *out, const matrix *m, bool md)
{
	int rc = md ? nhg_buf_puts(out, "| Control | Title | Rules | Checks | Covered |\n"
					"|---|---|---:|---:|---|\n")
		    : nhg_buf_printf(out, "\n%-20s %5s %6s  %-7s %s\n", "CONTROL", "RULES",
				     "CHECKS", "COVERED", "TITLE");
	for (size_t i = 0; !rc && i < m->n; i++) {
		const char *id = m->ids[i], *title = title_of(id);
		if (md)
			rc = nhg_buf_printf(out, "| %s | %s | %zu | %zu | %s |\n", id,
					    title ? title : OTHER, nrules_for(m, id),
					    nchecks_for(m, id, true), covered(m, id) ? "yes" : "**no**");
		else
			rc = nhg_buf_printf(out, "%-20s %5zu %6zu  %-7s %s\n", id, nrules_for(m, id),
					    nchecks_for(m, id, true), covered(m, id) ? "yes" : "NO",
					    title ? title : OTHER);
	}
	return rc;
}

static int uncovered_rows(nhg_buf *out, const matrix *m, bool md)
{
	size_t n = count_uncovered(m);
	int rc = md ? nhg_buf_printf(out, "\n## Not covered (%zu)\n\n", n)
		    : nhg_buf_printf(out, "\nNot covered by any rule or enabled check (%zu):\n", n);
	for (size_t i = 0; !rc && i < m->n; i++) {
		const char *title = title_of(m->ids[i]);
		if (covered(m, m->ids[i]))
			continue;
		if (md)
			rc = nhg_buf_printf(out, "- %s%s%s\n", m->ids[i], title ? " — " : "",
					    title ? title : "");
		else
			rc = nhg_buf_printf(out, "  %-20s %s\n", m->ids[i], title ? title : "");
	}
	if (!rc && !n)
		rc = nhg_buf_puts(out, md ? "None.\n" : "  (none)\n");
	return rc;
}

static int render_rows(nhg_buf *out, const matrix *m, bool md)
{
	size_t most = nhg_rulepack_count(m->pack) + nhg_catalogue_count(m->cat) + 1;
	const char **scratch = calloc(most, sizeof(*scratch));
	size_t n = count_uncovered(m);
	int rc;

	if (!scratch)
		return NHG_ENOMEM;
	rc = nhg_buf_printf(out, "%s%zu rules and %zu pipeline checks; %zu of %zu controls "
			    "covered, %zu not\n%s", md ? "# Control coverage\n\n" : "",
			    nhg_rulepack_count(m->pack), nhg_catalogue_count(m->cat), m->n - n, m->n,
			    n, md ? "\n" : "");
	if (!rc)
		rc = summary_table(out, m, md);
	for (size_t i = 0; !rc && i < m->n; i++)
		rc = control_rows(out, m, i, scratch, md);
	if (!rc)
		rc = uncovered_rows(out, m, md);
	free(scratch);
	return rc;
}

int nhg_report_controls(nhg_buf *out, const nhg_rulepack *pack, const nhg_catalogue *cat,
			const char *format, nhg_error *err)
{
	matrix m;
	int rc;

	memset(&m, 0, sizeof(m));
	if (strcmp(format, "json") && strcmp(format, "text") && strcmp(format, "md"))
		return nhg_error_set(err, NHG_EUSAGE, "unknown format '%s' (text, json or md)",
				     format);
	if (matrix_build(&m, pack, cat))
		return nhg_error_set(err, NHG_ENOMEM, "out of memory");
	if (!strcmp(format, "json"))
		rc = render_json(out, &m, err);
	else if ((rc = render_rows(out, &m, !strcmp(format, "md"))) != 0)
		rc = nhg_error_set(err, rc, rc == NHG_ENOMEM ? "out of memory" : "report too large");
	free(m.ids);
	return rc;
}
