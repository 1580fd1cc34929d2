/* nhigate-pipeline: credential scope and lifetime in pipeline YAML. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"
#include "nhigate/date.h"
#include "nhigate/inventory.h"
#include "nhigate/config.h"
#include "nhigate/dir.h"
#include "nhigate/report.h"
#include "nhigate/scan.h"
#include "nhigate/source.h"

#define PROG "nhigate-pipeline"

static const char usage[] =
	"usage: nhigate-pipeline [OPTIONS] PATH...\n"
	"\n"
	"Check GitHub Actions workflows and actions, and GitLab CI pipelines, for\n"
	"credential scope and lifetime problems. Directories are searched for\n"
	".github/workflows/*.y{a,}ml, action.y{a,}ml and .gitlab-ci.yml; files named on\n"
	"the command line are checked as given. GitLab local includes are read below\n"
	"the directory given (or the file's directory); remote, project, component and\n"
	"template includes are never fetched.\n"
	"\n"
	"Options:\n"
	"  --range A..B         check the pipeline files a change touches (new version),\n"
	"  --commit REV         marking each finding new or existing (same fingerprint\n"
	"  --staged             in the base version: merge base, first parent, HEAD)\n"
	"  --pre-receive        stdin lines 'OLD NEW REF' of a push (base: the old tip)\n"
	"  --repo DIR           repository for the git modes (default: .)\n"
	"  --platform github|gitlab\n"
	"                       check every YAML file given or found as that platform\n"
	"  --format text|json   output format (default: text)\n"
	"  --output FILE        write the report to FILE instead of stdout\n"
	"  --rules PATH         rule packs holding pipeline/ check definitions (repeatable)\n"
	"  --identities FILE    identity inventory to compare the pipelines with (default:\n"
	"                       .nhigate/identities.yaml in the directory given, or in the\n"
	"                       current directory, when it exists; not in the git modes)\n"
	"  --today YYYY-MM-DD   date renewals are judged against (default: today, UTC)\n"
	"  --config FILE        settings (default: .nhigate.yaml in --repo, optional);\n"
	"                       pipeline: checks: ID: {enabled, severity, params}\n"
	"  --quiet              no progress on stderr\n"
	"  --help, --version\n"
	"\n"
	"Exit: 0 nothing found, 1 findings, 2 usage or input error (with file:line:col),\n"
	"      3 internal error or a file that could not be checked.\n";

/*
 * The inventory looked for when none is named: .nhigate/identities.yaml in
 * the one directory given, else in the current directory (NULL: no memory).
 */
static char *default_inventory(int npaths, char **paths)
{
	static const char rel[] = ".nhigate/identities.yaml";
	struct stat st;
	const char *dir = NULL;
	char *p;
	size_t n;
	if (npaths == 1 && stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode))
		dir = paths[0];
	while (dir && !strncmp(dir, "./", 2))
		dir += 2;
	if (!dir || !*dir || !strcmp(dir, "."))
		return strdup(rel);
	n = strlen(dir) + sizeof(rel) + 1;
	if (!(p = malloc(n)))
		return NULL;
	snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
	return p;
}

int main(int argc, char **argv)
{
	enum { O_PLATFORM = 256, O_FORMAT, O_OUTPUT, O_RULES, O_QUIET, O_HELP, O_VERSION,
	       O_RANGE, O_COMMIT, O_STAGED, O_PUSH, O_REPO, O_CONFIG, O_IDENTITIES, O_TODAY };
	static const struct option longopts[] = {
		{ "range", required_argument, NULL, O_RANGE },
		{ "commit", required_argument, NULL, O_COMMIT },
		{ "staged", no_argument, NULL, O_STAGED },
		{ "pre-receive", no_argument, NULL, O_PUSH },
		{ "repo", required_argument, NULL, O_REPO },
		{ "identities", required_argument, NULL, O_IDENTITIES },
		{ "today", required_argument, NULL, O_TODAY },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "platform", required_argument, NULL, O_PLATFORM },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "rules", required_argument, NULL, O_RULES },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	cli_common c = { .prog = PROG, .format = "text" };
	nhg_platform platform = NHG_PLATFORM_UNKNOWN;
	nhg_error err = NHG_ERROR_INIT;
	nhg_catalogue *cat = NULL;
	nhg_rulepack *pack = NULL;
	nhg_scanner *scanner = NULL;
	nhg_config *cfg = NULL;
	char cfgpath[4096];
	nhg_presult result;
	nhg_buf out = NHG_BUF_INIT((size_t)1 << 30);
	nhg_pipeline_run run;
	nhg_git_mode git = 0;
	const char *spec = NULL, *repo = ".";
	const char *identities = NULL;
	char today[16] = "", *inv_default = NULL;
	nhg_inventory *inv = NULL;
	nhg_idusage uses;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_PLATFORM:
			if (!strcmp(optarg, "github"))
				platform = NHG_PLATFORM_GITHUB;
			else if (!strcmp(optarg, "gitlab"))
				platform = NHG_PLATFORM_GITLAB;
			else
				return cli_usage_error(PROG, "unknown platform '%s' (github, gitlab)",
						       optarg);
			break;
		case O_FORMAT:
			if (cli_check_format(PROG, optarg, "text, json"))
				return EXIT_INPUT;
			c.format = optarg;
			break;
		case O_OUTPUT: c.output = optarg; break;
		case O_RULES:
			if (cli_add_rules(&c, optarg))
				return EXIT_INPUT;
			break;
		case O_RANGE:
		case O_COMMIT:
		case O_STAGED:
		case O_PUSH:
			if (git)
				return cli_usage_error(PROG, "give one of --range, --commit, --staged, "
						       "--pre-receive");
			git = opt == O_RANGE ? NHG_GIT_RANGE : opt == O_COMMIT ? NHG_GIT_COMMIT :
			      opt == O_STAGED ? NHG_GIT_STAGED : NHG_GIT_PUSH;
			spec = optarg;
			break;
		case O_REPO: repo = optarg; break;
		case O_IDENTITIES: identities = optarg; break;
		case O_TODAY:
			if (!nhg_date_ok(optarg))
				return cli_usage_error(PROG, "--today '%s' is not a date YYYY-MM-DD", optarg);
			snprintf(today, sizeof(today), "%s", optarg);
			break;
		case O_CONFIG: c.config = optarg; break;
		case O_QUIET: c.quiet = true; break;
		case O_HELP: fputs(usage, stdout); return EXIT_PASS;
		case O_VERSION: printf("%s %s\n", PROG, NHG_VERSION); return EXIT_PASS;
		default: return cli_usage_error(PROG, "invalid option");
		}
	}
	if (!git && optind >= argc)
		return cli_usage_error(PROG, "no path given (or use --range, --commit, --staged)");
	if (git && optind < argc)
		return cli_usage_error(PROG, "give paths or a git mode, not both");
	/* a change shows some of the pipelines: unused entries cannot be judged */
	if (git && identities)
		return cli_usage_error(PROG, "--identities needs paths, not a git mode");
	snprintf(cfgpath, sizeof(cfgpath), "%s/.nhigate.yaml", repo);
	if (cli_load_catalogue(&cat, &c, &err) || nhg_catalogue_complete(cat, &err) ||
	    nhg_config_load(&cfg, c.config ? c.config : cfgpath, !c.config, &err) ||
	    (cfg->pipeline_checks &&
	     nhg_catalogue_override(cat, cfg->pipeline_checks, cfg->path, &err)) ||
	    cli_load_rules(&pack, &c, &err) || nhg_scanner_new(&scanner, pack, NULL, &err)) {
		rc = cli_fail(PROG, &err);
		nhg_catalogue_free(cat);
		nhg_config_free(cfg);
		nhg_rulepack_free(pack);
		return rc;
	}
	if (!*today)
		nhg_date_today(today);
	if (!git && !identities && (inv_default = default_inventory(argc - optind, argv + optind))) {
		struct stat ist;
		if (stat(inv_default, &ist) == 0)
			identities = inv_default;
	}
	nhg_presult_init(&result);
	nhg_idusage_init(&uses);
	if (identities) {
		if ((rc = nhg_inventory_load(&inv, identities, &err)) != 0)
			goto done;
		result.uses = &uses;
	}
	run.cat = cat;
	run.scanner = scanner;
	run.platform = platform;
	run.deadline = 0;
	if (git) {
		/* a push's ref updates arrive on stdin, as git hands them to the hook */
		nhg_buf in = NHG_BUF_INIT(0);
		if (git == NHG_GIT_PUSH && (rc = cli_read_push_input(&in, &err)) == 0)
			spec = in.ptr;
		if (!rc)
			rc = nhg_pipeline_run_git(&result, &run, git, spec, repo, &err);
		nhg_buf_free(&in);
	} else {
		rc = nhg_pipeline_run_paths(&result, &run, (const char *const *)argv + optind,
					    (size_t)(argc - optind), &err);
	}
	if (!rc && uses.rc)
		rc = nhg_error_set(&err, uses.rc, "out of memory");
	if (!rc && inv)
		rc = nhg_inventory_check(cat, inv, &uses, today, &result, &err);
	if (!rc) {
		nhg_presult_sort(&result);
		nhg_presult_dedupe(&result);
		rc = !strcmp(c.format, "json") ? nhg_report_pipeline_json(&out, &result, NHG_VERSION, &err)
					       : nhg_report_pipeline_text(&out, &result, &err);
		if (!rc)
			rc = cli_write(c.output, &out, &err);
	}
done:
	if (rc)
		rc = cli_fail(PROG, &err);
	else
		rc = result.n ? EXIT_FOUND : result.nskipped ? EXIT_INTERNAL : EXIT_PASS;
	nhg_buf_free(&out);
	nhg_presult_free(&result);
	nhg_idusage_free(&uses);
	nhg_inventory_free(inv);
	free(inv_default);
	nhg_catalogue_free(cat);
	nhg_scanner_free(scanner);
	nhg_rulepack_free(pack);
	nhg_config_free(cfg);
	return rc;
}
