/*
 * nhigate-rules: lint, test, list and explain rule packs; the control
 * matrix they evidence; and what a change of rule packs does to a verdict.
 */
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "nhigate/gate_diff.h"
#include "nhigate/scan.h"
#include "nhigate/source.h"
#include "nhigate/text.h"

static const char usage[] =
	"usage: nhigate-rules [OPTIONS] COMMAND [ARGS]\n"
	"       nhigate-rules diff OLD NEW (PATH... | --range A..B | --commit REV) [OPTIONS]\n"
	"\n"
	"Lint and test rule packs before they are rolled out.\n"
	"\n"
	"Commands:\n"
	"  lint          check schema, regexes, ids, controls, examples; exit 2 on errors\n"
	"  test [ID...]  run every rule's match/nomatch examples; ends 'N passed, N failed'\n"
	"  list          print one rule or pipeline check id per line\n"
	"  explain ID    print a rule or check: what it finds, severity, controls, fix\n"
	"  controls      the control ids against the rules and checks that evidence\n"
	"                them, and the controls nothing covers (--format text|json|md)\n"
	"  diff OLD NEW  run the gate over the same input with the OLD and the NEW rule\n"
	"                packs and show the findings that appear, disappear or change\n"
	"                severity or status, per rule, and the verdict before and after;\n"
	"                exit 1 when NEW would newly block (--format text|json)\n"
	"\n"
	"OLD and NEW are rule pack directories, or revisions of one in the repository:\n"
	"REV:DIR (main:rules), or REV alone for REV:rules.\n"
	"\n"
	"Options:\n"
	"  --rules PATH     rule pack directory or file (repeatable; default: installed packs)\n"
	"  --format FORMAT  controls: text, json or md; diff: text or json\n"
	"  --output FILE    write controls or diff output to FILE\n"
	"  --quiet          print only failures and the summary\n"
	"  --help           show this help\n"
	"  --version        show the version\n"
	"\n"
	"diff options:\n"
	"  --range A..B     judge a change (A the target branch) instead of paths\n"
	"  --commit REV     judge one commit against its first parent\n"
	"  --repo DIR       repository of the change and of REV:DIR (default: .)\n"
	"  --config FILE    configuration instead of the repository's .nhigate.yaml\n"
	"  --waivers FILE   waivers instead of the repository's .nhigate/waivers.yaml\n"
	"\n"
	"Exit: 0 pass; 1 test failures, or diff: NEW newly blocks; 2 usage or input\n"
	"      error; 3 internal error.\n";

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

typedef struct options {
	cli_common c;
	const char *cmd;
	char **args;            /* the command's arguments */
	int nargs;
	nhg_git_mode git;
	const char *spec;       /* --range / --commit */
	const char *repo, *config, *waivers;
} options;

static int parse_args(options *o, int argc, char **argv)
{
	enum { O_RULES = 256, O_QUIET, O_HELP, O_VERSION, O_FORMAT, O_OUTPUT, O_RANGE, O_COMMIT,
	       O_REPO, O_CONFIG, O_WAIVERS };
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, O_RULES },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "range", required_argument, NULL, O_RANGE },
		{ "commit", required_argument, NULL, O_COMMIT },
		{ "repo", required_argument, NULL, O_REPO },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "waivers", required_argument, NULL, O_WAIVERS },
		{ NULL, 0, NULL, 0 }
	};
	bool diff_opts = false;
	int opt;

	o->c.prog = PROG;
	while ((opt = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (opt) {
		case O_RULES:
			if (cli_add_rules(&o->c, optarg))
				return EXIT_INPUT;
			break;
		case 'q':
		case O_QUIET: o->c.quiet = true; break;
		case 'h':
		case O_HELP: fputs(usage, stdout); exit(EXIT_PASS);
		case O_VERSION: printf("%s %s\n", PROG, NHG_VERSION); exit(EXIT_PASS);
		case O_FORMAT: o->c.format = optarg; break;
		case O_OUTPUT: o->c.output = optarg; break;
		case O_RANGE:
		case O_COMMIT:
			if (o->git)
				return cli_usage_error(PROG, "give one of --range and --commit");
			o->git = opt == O_RANGE ? NHG_GIT_RANGE : NHG_GIT_COMMIT;
			o->spec = optarg;
			diff_opts = true;
			break;
		case O_REPO: o->repo = optarg; diff_opts = true; break;
		case O_CONFIG: o->config = optarg; diff_opts = true; break;
		case O_WAIVERS: o->waivers = optarg; diff_opts = true; break;
		default: return cli_usage_error(PROG, "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(PROG, "no command given");
	o->cmd = argv[optind++];
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (strcmp(o->cmd, "lint") && strcmp(o->cmd, "test") && strcmp(o->cmd, "list") &&
	    strcmp(o->cmd, "explain") && strcmp(o->cmd, "controls") && strcmp(o->cmd, "diff"))
		return cli_usage_error(PROG, "unknown command '%s'", o->cmd);
	if (!strcmp(o->cmd, "explain") && o->nargs != 1)
		return cli_usage_error(PROG, "explain takes one rule id");
	if ((!strcmp(o->cmd, "lint") || !strcmp(o->cmd, "list") || !strcmp(o->cmd, "controls")) &&
	    o->nargs)
		return cli_usage_error(PROG, "%s takes no arguments", o->cmd);
	if (diff_opts && strcmp(o->cmd, "diff"))
		return cli_usage_error(PROG, "--range, --commit, --repo, --config and --waivers "
				       "are options of diff");
	if ((o->c.format || o->c.output) && strcmp(o->cmd, "diff") && strcmp(o->cmd, "controls"))
		return cli_usage_error(PROG, "--format and --output are options of controls and diff");
	if (!o->c.format)
		o->c.format = "text";
	if (!strcmp(o->cmd, "controls") && cli_check_format(PROG, o->c.format, "text, json, md"))
		return EXIT_INPUT;
	if (!strcmp(o->cmd, "diff")) {
		if (cli_check_format(PROG, o->c.format, "text, json"))
			return EXIT_INPUT;
		if (o->c.nrules)
			return cli_usage_error(PROG, "diff takes its rule packs as OLD and NEW, not --rules");
		if (o->nargs < 2)
			return cli_usage_error(PROG, "diff needs OLD and NEW rule packs");
		if (o->nargs == 2 && !o->git)
			return cli_usage_error(PROG, "diff needs input: PATH..., --range A..B or --commit REV");
		if (o->nargs > 2 && o->git)
			return cli_usage_error(PROG, "give paths or a git mode, not both");
	}
	return 0;
}

static int cmd_controls(const options *o, const nhg_rulepack *pack, const nhg_catalogue *cat)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_buf b = NHG_BUF_INIT(64u << 20);
	int rc = nhg_report_controls(&b, pack, cat, o->c.format, &err);
	if (!rc)
		rc = cli_write(o->c.output, &b, &err);
	nhg_buf_free(&b);
	return rc ? cli_fail(PROG, &err) : EXIT_PASS;
}

/* ---- diff ------------------------------------------------------------- */

/* One side of a diff: a directory as given, or a revision's exported to tmp. */
typedef struct side {
	const char *label;      /* "OLD" or "NEW" */
	const char *path;       /* what the gate loads */
	char *tmp;              /* the export, removed at the end; or NULL */
	char name[1024];        /* what the user named: "rules", "main:rules" */
} side;

/*
 * An existing path is a rule pack; anything else is REV:DIR, or REV meaning
 * REV:rules, exported from the repository.
 */
static int resolve_side(side *s, const char *arg, const char *repo, nhg_error *err)
{
	const char *colon = strchr(arg, ':');
	char rev[512], why[sizeof(err->message)];
	struct stat st;
	int rc;

	if (stat(arg, &st) == 0) {
		s->path = arg;
		snprintf(s->name, sizeof(s->name), "%s", arg);
		return 0;
	}
	if ((colon ? (size_t)(colon - arg) : strlen(arg)) >= sizeof(rev))
		return nhg_error_set(err, NHG_EUSAGE, "%s: revision too long", s->label);
	snprintf(rev, sizeof(rev), "%.*s", colon ? (int)(colon - arg) : (int)strlen(arg), arg);
	if (!*rev)
		return nhg_error_set(err, NHG_EUSAGE, "%s: '%s' names no revision", s->label, arg);
	snprintf(s->name, sizeof(s->name), "%s:%s", rev, colon ? colon + 1 : "rules");
	if ((rc = nhg_source_git_export(&s->tmp, repo, rev, colon ? colon + 1 : "rules", err)) == 0) {
		s->path = s->tmp;
		return 0;
	}
	snprintf(why, sizeof(why), "%s", err->message);
	if (!colon && rc == NHG_EUSAGE)
		return nhg_error_set(err, rc, "%s: '%s' is neither a rule pack directory nor a "
				     "revision with a rules/ directory (%s)", s->label, arg, why);
	return nhg_error_set(err, rc, "%s: %s", s->label, why);
}

/* Replace the first tmp in s (of size cap) with name, when it fits. */
static void rename_in(char *s, size_t cap, const char *tmp, const char *name)
{
	char *at = strstr(s, tmp);
	size_t n = strlen(tmp), nn = strlen(name), rest;
	if (!at)
		return;
	rest = strlen(at + n);
	if ((size_t)(at - s) + nn + rest >= cap)
		return;   /* too long to rename: the temporary path stays */
	memmove(at + nn, at + n, rest + 1);
	memcpy(at, name, nn);
}

/* An error about an exported pack names its files REV:DIR/FILE, not the export. */
static void name_exported(nhg_error *err, const side *s)
{
	if (!s->tmp)
		return;
	rename_in(err->file, sizeof(err->file), s->tmp, s->name);
	rename_in(err->message, sizeof(err->message), s->tmp, s->name);
}

static int cmd_diff(const options *o)
{
	nhg_error err = NHG_ERROR_INIT;
	nhg_gate_opts g;
	nhg_rules_diff d;
	nhg_buf b = NHG_BUF_INIT((size_t)1 << 30);
	side old_s = { "OLD", NULL, NULL, "" }, new_s = { "NEW", NULL, NULL, "" };
	const char *old_rules[1], *new_rules[1];
	int rc;

	memset(&g, 0, sizeof(g));
	memset(&d, 0, sizeof(d));
	g.version = NHG_GATE_OPTS_VERSION;
	g.git = o->git;
	g.spec = o->spec;
	g.paths = (const char *const *)o->args + 2;
	g.npaths = o->git ? 0 : (size_t)(o->nargs - 2);
	g.repo = o->repo ? o->repo : ".";
	g.config = o->config;
	g.waivers = o->waivers;
	if (nhg_source_git_global_init()) {
		fprintf(stderr, "%s: cannot initialise libgit2\n", PROG);
		return EXIT_INTERNAL;
	}
	if ((rc = resolve_side(&old_s, o->args[0], g.repo, &err)) == 0 &&
	    (rc = resolve_side(&new_s, o->args[1], g.repo, &err)) == 0) {
		old_rules[0] = old_s.path;
		new_rules[0] = new_s.path;
		if ((rc = nhg_rules_diff_run(&d, &g, old_rules, 1, new_rules, 1, &err)) != 0) {
			name_exported(&err, &old_s);
			name_exported(&err, &new_s);
		}
	}
	if (!rc && (rc = nhg_report_rules_diff(&b, &d, old_s.name, new_s.name, o->c.format,
					       &err)) == 0)
		rc = cli_write(o->c.output, &b, &err);
	if (rc)
		rc = cli_fail(PROG, &err);
	else
		rc = d.newly_blocks ? EXIT_FOUND : EXIT_PASS;
	nhg_buf_free(&b);
	nhg_rules_diff_free(&d);
	nhg_source_git_export_remove(old_s.tmp);
	nhg_source_git_export_remove(new_s.tmp);
	return rc;
}

int main(int argc, char **argv)
{
	options o;
	nhg_error err = NHG_ERROR_INIT;
	nhg_rulepack *pack = NULL;
	nhg_catalogue *cat = NULL;
	nhg_scanner *s = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(&o, argc, argv)) != 0)
		return rc;
	if (!strcmp(o.cmd, "diff"))
		return cmd_diff(&o);

	if (cli_load_rules(&pack, &o.c, &err) || cli_load_catalogue(&cat, &o.c, &err) ||
	    /* a pack that defines pipeline checks must define all of them */
	    (nhg_catalogue_count(cat) && nhg_catalogue_complete(cat, &err)) ||
	    (strcmp(o.cmd, "controls") && nhg_scanner_new(&s, pack, NULL, &err))) {
		rc = cli_fail(PROG, &err);
		nhg_catalogue_free(cat);
		nhg_rulepack_free(pack);
		return rc;
	}
	if (!strcmp(o.cmd, "lint"))
		rc = cmd_lint(pack, cat, s, &o.c);
	else if (!strcmp(o.cmd, "test"))
		rc = cmd_test(pack, s, o.args, o.nargs);
	else if (!strcmp(o.cmd, "explain"))
		rc = cmd_explain(pack, cat, o.args[0]);
	else if (!strcmp(o.cmd, "controls"))
		rc = cmd_controls(&o, pack, cat);
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
