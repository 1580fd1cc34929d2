/* nhigate-rules: lint, test, list and explain rule packs. */
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nhigate/scan.h"
#include "nhigate/text.h"

static const char usage[] =
	"usage: nhigate-rules [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Lint and test rule packs before they are rolled out.\n"
	"\n"
	"Commands:\n"
	"  lint          check schema, regexes, ids, controls, examples; exit 2 on errors\n"
	"  test [ID...]  run every rule's match/nomatch examples; ends 'N passed, N failed'\n"
	"  list          print one rule or pipeline check id per line\n"
	"  explain ID    print a rule or check: what it finds, severity, controls, fix\n"
	"\n"
	"Options:\n"
	"  --rules PATH  rule pack directory or file (repeatable; default: installed packs)\n"
	"  --quiet       print only failures and the summary\n"
	"  --help        show this help\n"
	"  --version     show the version\n";

#define PROG "nhigate-rules"
#define LINT_SUBJECT 4000

static void print_escaped(FILE *f, const char *s)
{
	nhg_buf b = NHG_BUF_INIT(1u << 20);
	nhg_text_escape(&b, s, strlen(s));
	fputs(b.ptr, f);
	nhg_buf_free(&b);
}

static bool control_ok(const char *c)
{
	static const char re[] =
		"^(OWASP-NHI:NHI([1-9]|10)|NIST-CSF:[A-Z]{2}\\.[A-Z]{2}-[0-9]{2})$";
	regex_t rx;
	bool ok;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB))
		return false;
	ok = regexec(&rx, c, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

/*
 * A rule whose pattern hits the match limit on a hostile line is refused.
 * The lines are just under the engine's window, so the whole line is one
 * regex subject as in a scan: the keyword, one byte repeated, and a byte
 * that makes the match fail at the very end (where backtracking explodes).
 */
static bool backtracks(nhg_scanner *s, const nhg_rule *r, char *subject)
{
	static const char fills[] = { 'a', 'A', '0', ' ', '=', '/', '-', '"', '.' };
	static const char ends[] = { '!', '\x01' };
	nhg_error err = NHG_ERROR_INIT;
	size_t kl = strlen(r->keywords.v[0]);
	for (size_t i = 0; i < sizeof(fills); i++) {
		for (size_t j = 0; j < sizeof(ends); j++) {
			bool found;
			memcpy(subject, r->keywords.v[0], kl);
			memset(subject + kl, fills[i], LINT_SUBJECT - kl - 1);
			subject[LINT_SUBJECT - 1] = ends[j];
			subject[LINT_SUBJECT] = '\0';
			if (nhg_scanner_test_rule(s, r, subject, LINT_SUBJECT, &found, &err) ==
			    NHG_ELIMIT)
				return true;
		}
	}
	return false;
}

static int lint_rule(const nhg_rule *r, nhg_scanner *s, char *subject)
{
	int errors = 0;
#define LINT(cond, ...)                                                              \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d:%d: rule '%s': ", r->file, r->line,   \
				r->column, r->id);                                   \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			errors++;                                                    \
		}                                                                    \
	} while (0)
	LINT(r->title && *r->title, "has no title");
	LINT(r->remediation && *r->remediation, "has no remediation");
	LINT(r->controls.n > 0, "maps to no control (e.g. OWASP-NHI:NHI2, NIST-CSF:PR.AA-05)");
	for (size_t i = 0; i < r->controls.n; i++)
		LINT(control_ok(r->controls.v[i]), "unknown control id '%s'", r->controls.v[i]);
	LINT(r->match.n >= 2, "needs at least 2 'match' examples (has %zu)", r->match.n);
	LINT(r->nomatch.n >= 2, "needs at least 2 'nomatch' examples (has %zu)", r->nomatch.n);
	LINT(!backtracks(s, r, subject),
	     "pattern exceeds the match limit on a %d-byte hostile line", LINT_SUBJECT);
#undef LINT
	return errors;
}

static int lint_check(const nhg_check_def *d)
{
	int errors = 0;
	if (!d->controls.n) {
		fprintf(stderr, "%s:%d:%d: check '%s': maps to no control\n", d->file, d->line,
			d->column, d->id);
		errors++;
	}
	for (size_t i = 0; i < d->controls.n; i++)
		if (!control_ok(d->controls.v[i])) {
			fprintf(stderr, "%s:%d:%d: check '%s': unknown control id '%s'\n", d->file,
				d->line, d->column, d->id, d->controls.v[i]);
			errors++;
		}
	return errors;
}

static int cmd_lint(nhg_rulepack *pack, const nhg_catalogue *cat, nhg_scanner *s,
		    const cli_common *c)
{
	int errors = 0;
	char *subject = malloc(LINT_SUBJECT + 1);
	if (!subject)
		return EXIT_INTERNAL;
	for (size_t i = 0; i < nhg_rulepack_count(pack); i++)
		errors += lint_rule(nhg_rulepack_rule(pack, i), s, subject);
	for (size_t i = 0; i < nhg_catalogue_count(cat); i++)
		errors += lint_check(nhg_catalogue_check(cat, i));
	free(subject);
	if (errors) {
		fprintf(stderr, "%s: %d problem%s in the rule pack\n", PROG, errors,
			errors == 1 ? "" : "s");
		return EXIT_INPUT;
	}
	if (!c->quiet)
		printf("%zu rules and %zu pipeline checks OK\n", nhg_rulepack_count(pack),
		       nhg_catalogue_count(cat));
	return EXIT_PASS;
}

static int test_examples(nhg_scanner *s, const nhg_rule *r, const nhg_strlist *ex,
			 bool want, unsigned *pass, unsigned *fail)
{
	for (size_t i = 0; i < ex->n; i++) {
		nhg_error err = NHG_ERROR_INIT;
		bool found = false;
		int rc = nhg_scanner_test_rule(s, r, ex->v[i], strlen(ex->v[i]), &found, &err);
		if (rc && rc != NHG_ELIMIT)
			return cli_fail(PROG, &err);
		if (!rc && found == want) {
			(*pass)++;
			continue;
		}
		(*fail)++;
		printf("FAIL %s %s[%zu] (%s:%d): %s: ", r->id, want ? "match" : "nomatch", i + 1,
		       r->file, r->line,
		       rc ? "hit the regex match limit" : want ? "no finding" : "unexpected finding");
		print_escaped(stdout, ex->v[i]);
		putchar('\n');
	}
	return 0;
}

static int cmd_test(nhg_rulepack *pack, nhg_scanner *s, char **ids, int nids)
{
	unsigned pass = 0, fail = 0;
	int rc;
	for (size_t i = 0; i < nhg_rulepack_count(pack); i++) {
		const nhg_rule *r = nhg_rulepack_rule(pack, i);
		bool wanted = nids == 0;
		for (int j = 0; j < nids && !wanted; j++)
			wanted = !strcmp(ids[j], r->id);
		if (!wanted)
			continue;
		if ((rc = test_examples(s, r, &r->match, true, &pass, &fail)) != 0 ||
		    (rc = test_examples(s, r, &r->nomatch, false, &pass, &fail)) != 0)
			return rc;
	}
	for (int j = 0; j < nids; j++)
		if (!nhg_rulepack_find(pack, ids[j]))
			return cli_usage_error(PROG, "unknown rule id '%s'", ids[j]);
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? EXIT_FOUND : EXIT_PASS;
}

static void print_list(const char *label, const nhg_strlist *l)
{
	printf("%-12s", label);
	for (size_t i = 0; i < l->n; i++)
		printf("%s%s", i ? ", " : "", l->v[i]);
	putchar('\n');
}

static void print_wrapped(const char *label, const char *text)
{
	printf("\n%s:\n  %s\n", label, text);
}

static int explain_check(const nhg_check_def *c)
{
	printf("%s — %s\n\n", c->id, c->title);
	printf("%-12s%s (%s)%s\n", "severity", nhg_severity_name(c->severity),
	       nhg_platform_name(c->platform), c->enabled ? "" : ", disabled");
	print_list("controls", &c->controls);
	printf("%-12s%s:%d:%d\n", "defined at", c->file, c->line, c->column);
	print_wrapped("Why it matters", c->rationale);
	print_wrapped("What to do", c->fix);
	return EXIT_PASS;
}

static int cmd_explain(nhg_rulepack *pack, const nhg_catalogue *cat, const char *id)
{
	const nhg_rule *r = nhg_rulepack_find(pack, id);
	const nhg_check_def *c = nhg_catalogue_find(cat, id);
	if (!r && c)
		return explain_check(c);
	if (!r)
		return cli_usage_error(PROG, "unknown rule or check id '%s'", id);
	printf("%s — %s\n\n", r->id, r->title);
	printf("%-12s%s%s\n", "severity", nhg_severity_name(r->severity),
	       r->generic ? " (generic: yields to precise rules)" : "");
	print_list("keywords", &r->keywords);
	printf("%-12s%s\n", "pattern", r->pattern);
	if (r->entropy > 0)
		printf("%-12s%.2f bits per character at least\n", "entropy", r->entropy);
	if (r->validate)
		printf("%-12s%s (a failed check lowers the finding to low)\n", "validate", r->validate);
	if (r->paths.n)
		print_list("not in", &r->paths);
	print_list("controls", &r->controls);
	printf("%-12s%zu match, %zu nomatch\n", "examples", r->match.n, r->nomatch.n);
	printf("%-12s%s:%d:%d\n", "defined at", r->file, r->line, r->column);
	if (r->remediation)
		printf("\nWhat to do:\n  %s\n", r->remediation);
	return EXIT_PASS;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	cli_common c = { .prog = PROG };
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	nhg_catalogue *cat = NULL;
	nhg_scanner *s = NULL;
	const char *cmd;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (c.nrules == MAX_RULE_DIRS)
				return cli_usage_error(PROG, "too many --rules");
			c.rules[c.nrules++] = optarg;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_PASS;
		case 'V':
			printf("%s %s\n", PROG, NHG_VERSION);
			return EXIT_PASS;
		default:
			return cli_usage_error(PROG, "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(PROG, "no command given");
	cmd = argv[optind++];
	if (strcmp(cmd, "lint") && strcmp(cmd, "test") && strcmp(cmd, "list") &&
	    strcmp(cmd, "explain"))
		return cli_usage_error(PROG, "unknown command '%s'", cmd);
	if (!strcmp(cmd, "explain") && optind != argc - 1)
		return cli_usage_error(PROG, "explain takes one rule id");
	if ((!strcmp(cmd, "lint") || !strcmp(cmd, "list")) && optind != argc)
		return cli_usage_error(PROG, "%s takes no arguments", cmd);

	if (cli_load_rules(&pack, &c, &err) || cli_load_catalogue(&cat, &c, &err) ||
	    /* a pack that defines pipeline checks must define all of them */
	    (nhg_catalogue_count(cat) && nhg_catalogue_complete(cat, &err)) ||
	    nhg_scanner_new(&s, pack, NULL, &err)) {
		rc = cli_fail(PROG, &err);
		nhg_catalogue_free(cat);
		nhg_rulepack_free(pack);
		return rc;
	}
	if (!strcmp(cmd, "lint"))
		rc = cmd_lint(pack, cat, s, &c);
	else if (!strcmp(cmd, "test"))
		rc = cmd_test(pack, s, argv + optind, argc - optind);
	else if (!strcmp(cmd, "explain"))
		rc = cmd_explain(pack, cat, argv[optind]);
	else {
		for (size_t i = 0; i < nhg_rulepack_count(pack); i++)
			puts(nhg_rulepack_rule(pack, i)->id);
		for (size_t i = 0; i < nhg_catalogue_count(cat); i++)
			puts(nhg_catalogue_check(cat, i)->id);
		rc = EXIT_PASS;
	}
	nhg_scanner_free(s);
	nhg_catalogue_free(cat);
	nhg_rulepack_free(pack);
	return rc;
}
